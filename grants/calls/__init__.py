"""Calls: programmes, calls, funders and their envelopes, rubrics, questions, deadlines."""

"""Reviews: the reviewer pool, conflicts of interest, assignment, scoring, calibration and ranking."""

"""Demo data for ``grants seed-demo`` (and the local ``make run``)."""

"""The assignment engine: affinity between reviewers and applications, and an exact, conflict-safe
min-cost-flow assignment over it. Pure numerical code on arrays: no database, no Flask, so the
benchmark, the tests and the services all drive the same functions."""

"""Grants as the deadline-rush benchmark serves it: the production settings from the environment,
with two changes that a load test from one machine needs.

- Cookies without ``Secure``: the benchmark speaks plain HTTP on loopback, where production sits
  behind TLS.
- One proxy hop trusted (``PROXY_COUNT``), so each simulated researcher's ``X-Forwarded-For``
  address is their own and the per-address sign-in limit applies to each of them, as it does to
  people at their own computers, instead of to the load tool's single address.
"""

from grants import create_app

BENCH_OVERRIDES = {"SESSION_COOKIE_SECURE": False, "FORCE_HTTPS": False, "PROXY_COUNT": 1}


def create_bench_app(**more):
    """Grants with the production settings and the two changes above (plus ``more``); gunicorn
    serves ``grants_app:create_bench_app()``."""
    return create_app("production", {**BENCH_OVERRIDES, **more})

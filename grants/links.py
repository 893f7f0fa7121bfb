"""Absolute links for emails, built from ``PUBLIC_BASE_URL``.

Never from the request's Host header: a forged host must not turn a reset link into an attacker's.
Works in requests, the CLI and Celery tasks alike.
"""

from typing import Any

from flask import current_app


def external_url(endpoint: str, **values: Any) -> str:
    adapter = current_app.url_map.bind("localhost")
    path = adapter.build(endpoint, values)
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path

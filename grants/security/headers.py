"""Security headers through Flask-Talisman: a strict content security policy (no inline
scripts or styles), no framing, nosniff, a referrer policy, and HSTS in production."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Flask, make_response
from flask_talisman import Talisman

CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "form-action": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
}


def init_security_headers(app: Flask) -> None:
    """One Talisman per app: it keeps its options on the instance, so a shared one would let
    the last app built (say, a production app in a test) decide for every other."""
    app.extensions["talisman"] = Talisman(
        app,
        force_https=app.config["FORCE_HTTPS"],
        strict_transport_security=app.config["HSTS_ENABLED"],
        content_security_policy=CONTENT_SECURITY_POLICY,
        frame_options="DENY",
        referrer_policy="strict-origin-when-cross-origin",
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        session_cookie_http_only=True,
        session_cookie_samesite="Lax",
        x_content_type_options=True,
        permissions_policy={"geolocation": "()", "camera": "()", "microphone": "()"},
    )


def no_store(view: Callable) -> Callable:
    """Keep a page out of every cache, the browser's back-button history included: for pages that
    show secrets (a two-factor key, recovery codes) or account security details."""

    @wraps(view)
    def uncached(*args: Any, **kwargs: Any):
        response = make_response(view(*args, **kwargs))
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"
        return response

    return uncached

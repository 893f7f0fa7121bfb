"""Security headers, cookie flags, friendly error pages that leak nothing, and the JSON errors."""

import pytest
from flask import abort

from grants import create_app
from grants.errors import Conflict
from grants.extensions import limiter
from tests.conftest import build_app
from tests.integration.conftest import post_form


def test_every_page_sends_the_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "script-src 'self'"):
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in response.headers, "HSTS is for production only"


def test_pages_carry_no_inline_scripts(client, factory, sign_in):
    sign_in(factory.user(roles=("admin",)))
    for url in ("/", "/profile", "/admin/users", "/admin/institutions", "/reviewers/invite"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>" not in html and "onclick=" not in html and "style=" not in html, url


def test_session_cookie_is_httponly_and_samesite_lax(client, factory):
    user = factory.user()
    response = post_form(client, "/sign-in", {"email": user.email, "password": factory.PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie, "development runs on plain http"


@pytest.fixture
def restore_limiter(app):
    """Building another app re-points the shared rate limiter; point it back afterwards."""
    yield
    limiter.init_app(app)


def test_production_cookies_are_secure_and_hsts_is_sent(tmp_path, monkeypatch, restore_limiter):
    monkeypatch.setenv("SECRET_KEY", "p" * 40)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'prod.sqlite'}")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")
    monkeypatch.setenv("SMTP_URL", "smtp://127.0.0.1:1")
    monkeypatch.setenv("GRANTS_INSTANCE_PATH", str(tmp_path))
    app = create_app("production")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    response = app.test_client().get("/healthz", base_url="https://grants.example.org")
    assert "max-age=" in response.headers["Strict-Transport-Security"]
    redirected = app.test_client().get("/healthz", base_url="http://grants.example.org")
    assert redirected.status_code == 302
    assert redirected.headers["Location"].startswith("https://")


def test_not_found_page_is_friendly(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_api_style_requests_get_json_errors(client):
    response = client.get("/no/such/page", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.get_json() == {"error": {"status": 404, "message": "We could not find that page."}}


@pytest.fixture
def broken_app(tmp_path):
    app = build_app(tmp_path, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'x.sqlite'}")
    from grants.security.policy import PUBLIC, declare

    @declare(PUBLIC)
    def explode():
        raise RuntimeError("database password is hunter2")

    @declare(PUBLIC)
    def clash():
        raise Conflict("That call was already opened by someone else.")

    @declare(PUBLIC)
    def too_big():
        abort(413)

    app.add_url_rule("/explode", "explode", explode)
    app.add_url_rule("/clash", "clash", clash)
    app.add_url_rule("/too-big", "too_big", too_big)
    return app


def test_server_errors_leak_nothing(broken_app):
    response = broken_app.test_client().get("/explode")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong on our side" in body
    assert "hunter2" not in body and "Traceback" not in body and "RuntimeError" not in body


def test_domain_errors_become_pages_with_their_status(broken_app):
    client = broken_app.test_client()
    clash = client.get("/clash")
    assert clash.status_code == 409
    assert "already opened by someone else" in clash.get_data(as_text=True)
    assert client.get("/too-big").status_code == 413


def test_health_check_answers(client):
    assert client.get("/healthz").get_json() == {"status": "ok", "database": "up"}


def test_get_requests_change_nothing(client, factory, db_session):
    """No state change on GET: verification and reset pages only show a form."""
    from grants.audit.models import AuditEvent

    before = db_session.query(AuditEvent).count()
    for url in ("/", "/sign-in", "/register", "/verify/abc", "/password/reset/abc", "/invitations/abc"):
        client.get(url)
    assert db_session.query(AuditEvent).count() == before


def test_form_fields_carry_no_empty_attributes(client):
    """Attributes the macro leaves out must be absent, not rendered as the text "None"."""
    html = client.get("/register").get_data(as_text=True)
    assert '="None"' not in html
    assert "aria-invalid" not in html

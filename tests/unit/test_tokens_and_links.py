"""Signed tokens, absolute links and the ``next`` redirect guard (no database)."""

from datetime import timedelta

import pytest

from grants.errors import InvalidToken
from grants.links import external_url
from grants.security.tokens import sign, unsign
from grants.web import safe_next


def test_token_round_trip():
    token = sign("verify-email", {"user": 3})
    assert unsign("verify-email", token, timedelta(hours=1)) == {"user": 3}


def test_token_for_one_purpose_is_refused_for_another():
    token = sign("verify-email", {"user": 3})
    with pytest.raises(InvalidToken, match="not valid"):
        unsign("password-reset", token, timedelta(hours=1))


def test_expired_token_says_so():
    token = sign("verify-email", {"user": 3})
    with pytest.raises(InvalidToken, match="expired"):
        unsign("verify-email", token, timedelta(seconds=-1))


def test_tampered_token_is_refused():
    token = sign("verify-email", {"user": 3})
    with pytest.raises(InvalidToken):
        unsign(
            "verify-email", token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1], timedelta(hours=1)
        )


def test_external_urls_use_the_configured_base(app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://grants.example.org/")
    assert external_url("accounts.verify_email", token="abc") == "https://grants.example.org/verify/abc"


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/profile", "/profile"),
        ("/admin/users?q=li", "/admin/users?q=li"),
        (None, None),
        ("", None),
        ("https://evil.example/", None),
        ("//evil.example/", None),
        ("/\\evil.example", None),
        ("javascript:alert(1)", None),
        ("profile", None),
    ],
)
def test_safe_next_only_allows_site_paths(target, expected):
    assert safe_next(target) == expected

"""Password rules and hashing (no database)."""

import pytest

from grants.security.passwords import (
    hash_password,
    needs_rehash,
    password_problem,
    verify_password,
)


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("", "at least 8"),
        ("seven77", "at least 8"),
        ("password", "most common"),
        ("PASSWORD1", "most common"),
        ("iloveyou", "most common"),
        ("aaaaaaaaaaaa", "most common"),
        ("y" * 129, "at most 128"),
        ("fiona.macleod@example.org", "name or email"),
        ("fionamacleod", "name or email"),
    ],
)
def test_refused_passwords_say_why(password, problem):
    message = password_problem(password, email="fiona.macleod@example.org", name="Fiona MacLeod")
    assert message is not None and problem in message


@pytest.mark.parametrize(
    "password",
    [
        "barley-yield-7",
        "correct horse battery staple",
        "短语密码也可以使用",
        "wheat rust " * 7,
        "Tr0ub4dor&3x",
    ],
)
def test_acceptable_passwords_have_no_composition_rules(password):
    assert password_problem(password, email="a@example.org", name="A B") is None


def test_hash_is_argon2id_and_verifies():
    hashed = hash_password("barley-yield-7")
    assert hashed.startswith("$argon2id$")
    assert verify_password(hashed, "barley-yield-7")
    assert not verify_password(hashed, "barley-yield-8")
    assert not verify_password("not a hash", "barley-yield-7")
    assert not verify_password(None, "barley-yield-7")


def test_hashes_with_other_parameters_need_rehashing(app, monkeypatch):
    current = hash_password("barley-yield-7")
    assert not needs_rehash(current)
    monkeypatch.setitem(app.config, "ARGON2_TIME_COST", app.config["ARGON2_TIME_COST"] + 1)
    assert needs_rehash(current)
    assert needs_rehash("$2b$12$bcrypt-style-hash")

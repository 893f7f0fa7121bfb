"""Password hashing (Argon2id) and the password rules.

Rules follow NIST SP 800-63B: a length floor and ceiling, a list of the most common passwords
refused, nothing about character classes.
"""

from functools import lru_cache

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _
from zxcvbn.frequency_lists import FREQUENCY_LISTS

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 128


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    # zxcvbn's list of the 30,000 most used passwords, from leaked password sets.
    return frozenset(FREQUENCY_LISTS["passwords"])


@lru_cache(maxsize=8)
def _hasher(time_cost: int, memory_cost: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism, type=Type.ID)


def hasher() -> PasswordHasher:
    config = current_app.config
    return _hasher(config["ARGON2_TIME_COST"], config["ARGON2_MEMORY_COST_KIB"], config["ARGON2_PARALLELISM"])


def hash_password(password: str) -> str:
    return hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with other (older) parameters or another algorithm."""
    try:
        return hasher().check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """Why ``password`` is refused, or None when it is acceptable."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return _("Use at least %(num)d characters.", num=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        return _("Use at most %(num)d characters.", num=MAX_PASSWORD_LENGTH)
    lowered = password.lower()
    if lowered in _common_passwords() or len(set(lowered)) < 3:
        return _("This password is one of the most common; choose something less guessable.")
    own_words = {email.lower(), email.lower().split("@")[0], name.lower().replace(" ", "")}
    if lowered in own_words - {""}:
        return _("Your password must not be your name or email address.")
    return None

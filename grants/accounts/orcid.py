"""ORCID iDs: format and the ISO 7064 11,2 check digit."""

import re

ORCID_PATTERN = re.compile(r"^(\d{4})-?(\d{4})-?(\d{4})-?(\d{3}[\dX])$")
ORCID_URL_PREFIXES = ("https://orcid.org/", "http://orcid.org/", "orcid.org/")


def orcid_check_digit(base_digits: str) -> str:
    total = 0
    for digit in base_digits:
        total = (total + int(digit)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


def normalise_orcid(raw: str) -> str | None:
    """Return ``0000-0002-1825-0097`` form, or None when ``raw`` is not a valid ORCID iD."""
    value = raw.strip().upper()
    for prefix in ORCID_URL_PREFIXES:
        if value.lower().startswith(prefix):
            value = value[len(prefix) :]
    match = ORCID_PATTERN.match(value)
    if not match:
        return None
    digits = "".join(match.groups())
    if orcid_check_digit(digits[:-1]) != digits[-1]:
        return None
    return "-".join(match.groups())

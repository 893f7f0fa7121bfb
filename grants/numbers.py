"""Whole numbers that people type or that arrive in a URL's query string."""

# The largest value an integer column holds: beyond it PostgreSQL refuses the query outright.
MAX_INT = 2**31 - 1


def whole_number(text: str | None) -> int | None:
    """``text`` as a whole number from 0 to ``MAX_INT`` written in ASCII digits, else None.

    ``str.isdigit`` alone is not enough: it accepts "²" and "٣", which ``int`` refuses or reads
    as another number, and a number too large for the database."""
    text = (text or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_INT)):
        return None
    number = int(text)
    return number if number <= MAX_INT else None

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


def row_id(value: object) -> int:
    """A row's id chosen in a form (a select's ``coerce``): a ``ValueError``, which the field shows
    as an invalid choice, for anything no id column holds, so ``10**30`` never reaches a query."""
    number = int(str(value))
    if not 0 <= number <= MAX_INT:
        raise ValueError(value)
    return number

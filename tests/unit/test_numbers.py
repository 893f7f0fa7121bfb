"""Whole numbers from query strings and forms."""

import pytest

from grants.numbers import MAX_INT, whole_number


@pytest.mark.parametrize(
    ("text", "expected"),
    [("42", 42), (" 7 ", 7), ("0", 0), (str(MAX_INT), MAX_INT), ("007", 7)],
)
def test_ascii_digits_within_an_integer_column_are_numbers(text, expected):
    assert whole_number(text) == expected


@pytest.mark.parametrize("text", [None, "", "abc", "-3", "4.5", "²", "٣", "1e3", str(MAX_INT + 1), "9" * 40])
def test_anything_else_is_none(text):
    assert whole_number(text) is None

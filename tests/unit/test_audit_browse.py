"""Reading audit filters from a query string and showing an event's changes, without a database."""

from datetime import date

import pytest

from grants.audit.browse import AuditFilters, change_lines, parse_filters


@pytest.mark.parametrize(
    ("changes", "lines"),
    [
        ({}, []),
        (None, []),
        ({"end_date": ["2019-03-31", "2019-09-30"]}, ["end date: 2019-03-31 → 2019-09-30"]),
        ({"title": [None, "Wheat rust"]}, ["title: — → Wheat rust"]),
        ({"outcome": ["award", None]}, ["outcome: award → —"]),
        ({"email_verified": [False, True]}, ["email verified: no → yes"]),
        (
            {"priority_areas": [["Food safety"], ["Food safety", "Energy"]]},
            ["priority areas: Food safety → Food safety, Energy"],
        ),
        ({"reason": "Lost the\nfield season"}, ["reason: Lost the field season"]),
        ({"reviewer_id": 12, "reason": ""}, ["reviewer id: 12", "reason: —"]),
        # Lists of changed names, not [old, new] pairs.
        ({"fields": ["title", "abstract"]}, ["fields: title, abstract"]),
        ({"questions": ["q1", "q2", "q3"]}, ["questions: q1, q2, q3"]),
        ({"pairs": {"a": [1, 2], "b": {"c": None}}}, ["pairs: a: 1, 2; b: c: —"]),
        (["odd", "shape"], ["odd, shape"]),
    ],
)
def test_change_lines(changes, lines):
    assert change_lines(changes) == lines


def test_long_values_are_shortened():
    (line,) = change_lines({"ip_terms": ["x" * 500, "y"]})
    assert len(line) < 200 and "…" in line and line.endswith("→ y")


def test_parse_filters_reads_every_field():
    filters, problems = parse_filters(
        {
            "type": "Award",
            "id": " 42 ",
            "actor": " Alice ",
            "action": "award.",
            "from": "2018-03-01",
            "to": "2018-03-31",
        }
    )
    assert problems == {}
    assert filters == AuditFilters("Award", 42, "Alice", "award.", date(2018, 3, 1), date(2018, 3, 31))
    assert filters.as_args() == {
        "type": "Award",
        "id": "42",
        "actor": "Alice",
        "action": "award.",
        "from": "2018-03-01",
        "to": "2018-03-31",
    }


def test_parse_filters_explains_and_drops_bad_values():
    filters, problems = parse_filters({"id": "4x", "from": "yesterday", "to": "2018-13-01", "actor": "bob"})
    assert filters == AuditFilters(actor="bob")
    assert set(problems) == {"id", "from", "to"}
    assert filters.as_args() == {"actor": "bob"}


def test_from_after_to_drops_both_dates():
    filters, problems = parse_filters({"from": "2018-04-01", "to": "2018-03-01"})
    assert (filters.date_from, filters.date_to) == (None, None)
    assert "after" in problems["from"]


def test_empty_filters():
    filters, problems = parse_filters({})
    assert filters == AuditFilters() and problems == {} and filters.as_args() == {}

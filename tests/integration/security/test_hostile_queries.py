"""Hostile query strings on every page: never a 500.

Every GET page the crawl reached (``hostile_site``; pages with URL parameters are reached through
links, so they come filled with a real object) is asked again with hostile values for the query
parameters its own links and filter forms use, and for the usual ones (page, sort, direction,
search, filters, dates, ``next``): huge, negative, non-numeric and non-ASCII page numbers,
markup, SQL, control characters and invalid UTF-8.
"""

import json
import os

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from grants.extensions import db
from tests.hostile_strategies import encode_pairs, hostile_date, hostile_next, hostile_page, hostile_parameter
from tests.integration.security.hostile_site import build_world, crawl, rolled_back

EXAMPLES_PER_PAGE = int(os.environ.get("HOSTILE_EXAMPLES", "8"))
FATAL_PAGES = ["99999999999999999999", str(2**63), "-1", "abc", "1e9", "٣"]
USUAL = {
    "page",
    "sort",
    "direction",
    "q",
    "state",
    "role",
    "call",
    "funder",
    "programme",
    "year",
    "date_from",
    "date_to",
    "next",
    "overdue",
    "identities",
    "action",
    "actor",
    "country",
}


def _values_for(name: str) -> st.SearchStrategy:
    if name == "page":
        return hostile_page
    if name == "next":
        return hostile_next
    if "date" in name or name in ("from", "to"):
        return hostile_date
    return hostile_parameter


@st.composite
def hostile_queries(draw, names: list[str]) -> list[tuple[str, str | bytes]]:
    chosen = draw(st.lists(st.sampled_from(names), min_size=1, max_size=4, unique=True))
    return [(name, draw(_values_for(name))) for name in chosen]


def _ask(site, endpoint: str, persona: str, url: str) -> None:
    client = site.clients[persona]
    path = url.split("?", 1)[0]
    names = sorted(USUAL | site.parameters.get(endpoint, set()))

    @settings(
        max_examples=EXAMPLES_PER_PAGE,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(query=hostile_queries(names))
    def attempt(query):
        with rolled_back(client):
            response = client.get(f"{path}?{encode_pairs(query)}")
            assert response.status_code < 500, f"{endpoint}: {response.status_code} for {query!r}"[:400]

    attempt()


def test_no_page_answers_a_hostile_query_string_with_a_server_error(app, factory, caplog):
    site = crawl(app, build_world(factory))
    failures = {}
    for endpoint, (persona, url) in sorted(site.pages.items()):
        try:
            _ask(site, endpoint, persona, url)
        except AssertionError as error:
            failures[endpoint] = str(error).splitlines()[0]
    db.session.rollback()
    errors = [
        record.getMessage() + "\n" + (record.exc_text or "")[-600:]
        for record in caplog.records
        if record.levelname == "ERROR"
    ]
    assert failures == {}, json.dumps(failures, indent=1) + "\n" + "\n".join(errors[:5])


def test_every_page_takes_any_page_number(app, factory):
    """``?page=99999999999999999999`` once crashed three list pages (the users, the failed emails
    and a call's applications). A list has no page links while it fits on one page, so every page
    is asked, each with the page numbers that crashed and the malformed ones."""
    people = build_world(factory)
    site = crawl(app, people)
    wrong = {}
    for endpoint, (persona, url) in sorted(site.pages.items()):
        path = url.split("?", 1)[0]
        for number in FATAL_PAGES:
            response = site.clients[persona].get(f"{path}?{encode_pairs([('page', number)])}")
            if response.status_code >= 500:
                wrong.setdefault(endpoint, []).append(number)
    assert wrong == {}
    # Past the last page reads as the last page, not as an empty list.
    persona, _ = site.pages["admin.users"]
    past = site.clients[persona].get("/admin/users?page=99999999999999999999")
    assert people["admin"].email in past.get_data(as_text=True)

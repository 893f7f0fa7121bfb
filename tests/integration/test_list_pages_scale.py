"""The list pages issue the same number of SQL statements for a call of 100 applications as for
one of 1,000: no query per row. Each list is read by the person it is for, and each person's own
list grows with the call (the reviewer carries ten times as many reviews, the researcher is on
five times as many applications), so a query per row would show as a difference."""

import pytest

from grants.accounts.models import User
from grants.demo.large_call import busiest_reviewer, researcher_with_applications, seed_large_call
from grants.extensions import db
from grants.security.passwords import hash_password
from tests.factories import Factory, give_required_two_factor
from tests.integration.conftest import sign_in_through_forms
from tests.query_counter import counting_queries

# The statements each page issues, the same at both sizes. A change that adds or removes one
# shows here: if it is meant (a page needs one more query, whatever the size), set the new
# number; if the two sizes differ, a query runs per row.
PAGES = {
    "officer's application list": ("/manage/calls/{call}", "officer", 11),
    "ranking": ("/manage/calls/{call}/ranking", "officer", 12),
    "call dashboard": ("/manage/calls/{call}/dashboard", "officer", 16),
    "reviewer's list": ("/reviews", "reviewer", 8),
    "researcher's applications": ("/applications", "researcher", 6),
}
TRANSACTION_CONTROL = ("BEGIN", "SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK", "COMMIT")
REVIEWERS = 20  # at both sizes: 15 reviews each at 100 applications, 150 at 1,000
RESEARCHER_APPLICATIONS = {100: 5, 1000: 25}


def _statements(client, url: str) -> int:
    client.get(url)  # warm: the signed-in session's first touch writes
    db.session.remove()  # start with nothing loaded, as each request does outside tests
    with counting_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    # Not counted: how transactions open and close, which differs between SQLite and PostgreSQL
    # and, under the test's outer transaction, turns into savepoints.
    return sum(not statement.startswith(TRANSACTION_CONTROL) for statement in statements)


@pytest.fixture
def signed_in(app):
    """A new test client signed in as a user: seeded people get a usable password first."""

    def client_for(user_id: int):
        user = db.session.get(User, user_id)
        user.password_hash = hash_password(Factory.PASSWORD)
        give_required_two_factor(user)
        db.session.commit()
        client = app.test_client()
        response = sign_in_through_forms(client, user.email, Factory.PASSWORD)
        assert response.status_code == 302
        return client

    return client_for


def test_the_list_pages_issue_as_many_queries_at_1000_applications_as_at_100(signed_in):
    counts: dict[str, list[int]] = {name: [] for name in PAGES}
    for size, seed in ((100, 1), (1000, 2)):
        large = seed_large_call(size, reviewers=REVIEWERS, seed=seed, decided=False)
        people = {
            "officer": large.officer_id,
            "reviewer": busiest_reviewer(large.call_id),
            "researcher": researcher_with_applications(large.call_id, RESEARCHER_APPLICATIONS[size]),
        }
        db.session.commit()
        clients = {who: signed_in(user_id) for who, user_id in people.items()}
        for name, (page, who, _expected) in PAGES.items():
            counts[name].append(_statements(clients[who], page.format(call=large.call_id)))
    assert counts == {name: [expected, expected] for name, (_page, _who, expected) in PAGES.items()}

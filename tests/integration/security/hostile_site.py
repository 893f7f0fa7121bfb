"""A small world with one person of each kind, and a crawl of the site as each of them.

The hostile tests do not list pages or forms by hand: they sign each persona in, follow the links
from the pages without URL parameters (and from the emails the world sent), and keep every page
and form met on the way. A new page or form is covered as soon as a link or a form leads to it.
"""

from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.exceptions import HTTPException

from grants.accounts.roles import Role
from grants.extensions import db, limiter
from grants.notifications.models import OutboxMessage
from grants.reviews.models import AssignmentProposal
from grants.reviews.services import invitations
from grants.timeutil import utcnow
from tests.call_factories import long_text
from tests.factories import Factory
from tests.integration.conftest import sign_in_through_forms
from tests.integration.security.page_forms import Form, read_page

# Pages per endpoint kept by the crawl: enough to meet each kind of object once or twice.
PAGES_PER_ENDPOINT = 6
NOT_HTML = ("/static/", ".csv", ".xlsx", ".pdf", "/report-files/", "/attachments/")


@dataclass
class Site:
    """Who saw what: per endpoint, the first (persona, URL) that showed it and the forms that post
    to it."""

    app: Flask
    clients: dict[str, FlaskClient]
    pages: dict[str, tuple[str, str]] = field(default_factory=dict)
    forms: dict[str, list[tuple[str, Form]]] = field(default_factory=lambda: defaultdict(list))
    # Per endpoint, the query parameters its links and filter forms use.
    parameters: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def endpoint(self, path: str, method: str) -> str | None:
        adapter = self.app.url_map.bind("localhost")
        try:
            return adapter.match(path.split("?", 1)[0], method=method)[0]
        except HTTPException:
            return None


def build_world(factory) -> dict[str, object]:
    """One person of each kind, each with something of their own to act on; returns them by
    persona (the anonymous visitor is None)."""
    officer = factory.officer()
    factory.call(officer=officer, open_it=False, questions=[long_text()])
    draft = factory.complete_application(factory.call(officer=officer, questions=[long_text()]))
    call, (invited, reviewed), _ = factory.deciding_call(2, officer=officer)
    reviewer = factory.reviewer()
    invitations.invite(officer, invited, reviewer, utcnow())
    accepted = invitations.invite(officer, reviewed, reviewer, utcnow())
    invitations.accept_invitation(reviewer, accepted, utcnow())
    factory.submitted_review(officer, reviewed, for_applicant="Clear aims.")
    factory.decide(officer, invited)
    factory.session.add(AssignmentProposal(call_id=call.id, state="pending"))
    holder = factory.award(officer=officer, accept=True).application.lead_applicant
    offered = factory.award(officer=officer, accept=False).application.lead_applicant
    failed = factory.outbox()[0]
    failed.state = "failed"
    factory.session.flush()
    return {
        "anonymous": None,
        "officer": officer,
        "admin": factory.user(roles=[Role.ADMIN]),
        "researcher": draft.lead_applicant,
        "reviewer": reviewer,
        "holder": holder,
        "offered": offered,
    }


def crawl(app: Flask, people: dict[str, object]) -> Site:
    """Sign each persona in on a client of its own and follow links from the pages without URL
    parameters and from the links in the persona's emails."""
    db.session.commit()
    site = Site(app, {})
    starts = [rule.rule for rule in app.url_map.iter_rules() if "GET" in rule.methods and not rule.arguments]
    mail = defaultdict(list)
    for message in db.session.query(OutboxMessage):
        link = (message.context or {}).get("link")
        if isinstance(link, str) and "://" in link:
            mail[message.recipient_email].append("/" + link.split("://", 1)[1].split("/", 1)[1])
    for persona, person in people.items():
        client = app.test_client()
        if person is not None:
            sign_in_through_forms(client, person.email, Factory.PASSWORD)
        site.clients[persona] = client
        _follow(site, persona, [*starts, *mail.get(getattr(person, "email", ""), [])])
    return site


def _follow(site: Site, persona: str, queue: list[str]) -> None:
    client = site.clients[persona]
    seen: set[str] = set()
    visits: dict[str, int] = defaultdict(int)
    while queue:
        url = queue.pop(0)
        endpoint = site.endpoint(url, "GET")
        path = url.split("?", 1)[0]
        # Another object's page counts; the same page with other query strings does not.
        if path in seen or endpoint is None or any(part in url for part in NOT_HTML):
            continue
        seen.add(path)
        if visits[endpoint] >= PAGES_PER_ENDPOINT:
            continue
        visits[endpoint] += 1
        response = client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        site.pages.setdefault(endpoint, (persona, url))
        forms, links = read_page(url, response.get_data(as_text=True))
        for form in forms:
            if form.method == "post" and (target := site.endpoint(form.action, "POST")):
                site.forms[target].append((persona, form))
            elif form.method == "get" and (target := site.endpoint(form.action, "GET")):
                site.parameters[target].update(item.name for item in form.fields)
        for link in links:
            if "?" in link and (target := site.endpoint(link, "GET")):
                site.parameters[target].update(name for name, _ in parse_qsl(urlsplit(link).query))
        queue.extend(links)


def fingerprint() -> tuple[int, ...]:
    """Row counts of every table: cheap, and changed by any insert or delete."""
    counts = [
        select(func.count()).select_from(table).scalar_subquery() for table in db.metadata.sorted_tables
    ]
    return tuple(db.session.execute(select(*counts)).one())


@contextmanager
def rolled_back(client: FlaskClient):
    """Run one example inside a savepoint of the test's connection and put the database, the
    client's cookies and the rate limits back afterwards."""
    db.session.commit()
    connection = db.session.get_bind()
    savepoint = connection.begin_nested()
    cookies = dict(client._cookies)
    limiter.reset()
    try:
        yield
    finally:
        db.session.close()
        savepoint.rollback()
        client._cookies = cookies

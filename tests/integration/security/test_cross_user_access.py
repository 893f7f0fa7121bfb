"""Everybody tries everybody else's objects, by URL and as an API (``Accept: application/json``):
every attempt is refused, and every refusal leaves one ``grants.access`` record.

The sweeps read ``app.url_map``: every route whose URL names an object, filled with objects that
belong to someone else, must refuse a researcher who has nothing to do with them and send an
anonymous visitor to sign in, so a new route is covered the day it is added. The per-person tables
add the cases that need a particular relation (a conflicted reviewer, an officer who still owes a
review, a child object of another team's draft under one's own draft's URL).

Officers are not scoped to programmes: any officer manages every programme (the last test shows
it). What scopes them is conflicts of interest and their own reviews, which the tables cover.
"""

import re

import pytest

from grants.security.policy import policy_table
from tests.integration.security.access_world import (
    FEEDBACK,
    Probe,
    build_world,
    details_of,
    watch_access_log,
    write_review,
)


@pytest.fixture
def world(factory):
    return build_world(factory)


@pytest.fixture
def probe(app, client, caplog, monkeypatch):
    return Probe(app, client, watch_access_log(caplog, monkeypatch))


# Values for the URL parts that name no object.
FIXED_ARGS = {
    "key": "q1",
    "action": "close",
    "country": "GB",
    "dataset": "payments",
    "fmt": "csv",
    "name": "x.eml",
    "removed_id": 1,
}
# Routes a signed-in stranger may use with someone else's ids: applying to an open call.
OPEN_TO_SIGNED_IN = {"applications.start"}


def object_routes(app, world, skip):
    """(method, url) of every route whose URL names something, filled from ``world``."""
    values = {**FIXED_ARGS, **world.ids}
    policies = policy_table(app)
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.arguments or "token" in rule.arguments or rule.endpoint == "static":
            continue
        if not policies[rule.endpoint].requires_sign_in or rule.endpoint in skip:
            continue
        missing = rule.arguments - values.keys()
        assert not missing, f"{rule.endpoint}: the world has no object for {missing}"
        url = rule.build({name: values[name] for name in rule.arguments}, append_unknown=False)[1]
        routes += [(method, url) for method in sorted(rule.methods & {"GET", "POST"})]
    return routes


def test_a_stranger_is_refused_every_object_route(app, world, probe):
    probe.sign_in(world.people["stranger"])
    routes = object_routes(app, world, OPEN_TO_SIGNED_IN)
    assert len(routes) > 100
    for method, url in routes:
        probe.refused(method, url)
    probe.done()


def test_an_anonymous_visitor_is_sent_to_sign_in_from_every_object_route(app, world, probe):
    probe.sign_in(None)
    for method, url in object_routes(app, world, set()):
        probe.refused(method, url)
    probe.done()


def team_routes(app, application, probe):
    """Every page and action of ``application``'s team (its child objects included)."""
    children = {
        **FIXED_ARGS,
        "application_id": application.id,
        "attachment_id": application.attachments[0].id,
        "line_id": application.budget_lines[0].id,
        "member_id": application.members[-1].id,
        "country": "GB",
    }
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("applications.") and "application_id" in rule.arguments:
            url = probe.url(rule.endpoint, **{name: children[name] for name in rule.arguments})
            routes += [(method, url) for method in sorted(rule.methods & {"GET", "POST"})]
    return [*routes, ("GET", probe.url("applications.download", attachment_id=children["attachment_id"]))]


def someone_else_s_award(world, probe):
    """The award holder's pages, as someone outside the team."""
    ids = world.ids
    return [
        ("GET", probe.url("awards.show", award_id=ids["award_id"])),
        ("GET", probe.url("awards.letter", award_id=ids["award_id"])),
        ("GET", probe.url("awards.letter_pdf", award_id=ids["award_id"])),
        ("GET", probe.url("awards.agreement", award_id=ids["award_id"])),
        ("POST", probe.url("awards.agreement", award_id=ids["award_id"])),
        ("GET", probe.url("awards.report", report_id=ids["report_id"])),
        ("POST", probe.url("awards.save", report_id=ids["report_id"])),
        ("POST", probe.url("awards.add_file", report_id=ids["report_id"])),
        ("POST", probe.url("awards.remove_file", report_id=ids["report_id"], file_id=ids["file_id"])),
        ("GET", probe.url("awards.download_file", file_id=ids["file_id"])),
        ("POST", probe.url("awards.milestone_achieved", milestone_id=ids["milestone_id"])),
    ]


def review_of(probe, assignment):
    return [
        ("GET", probe.url("reviews.review", assignment_id=assignment.id)),
        ("POST", probe.url("reviews.save", assignment_id=assignment.id)),
    ]


def invitation_of(probe, assignment):
    return [
        ("GET", probe.url("reviews.invitation", assignment_id=assignment.id)),
        *(
            ("POST", probe.url(f"reviews.{verb}", assignment_id=assignment.id))
            for verb in ("accept", "decline")
        ),
        ("POST", probe.url("reviews.declare_own_conflict", assignment_id=assignment.id)),
    ]


def scores_of(probe, world):
    """Where an application's scores and its reviewers' names can be read."""
    export = probe.url(
        "insights.export_call", call_id=world.submitted_x.call_id, dataset="reviews", fmt="csv"
    )
    return [
        ("GET", probe.url("reviews.application_reviews", application_id=world.submitted_x.id)),
        ("GET", export + "?identities=1"),
    ]


def application_of(probe, application):
    return [
        ("GET", probe.url("applications.overview", application_id=application.id)),
        ("GET", probe.url("applications.attachments", application_id=application.id)),
        ("GET", probe.url("applications.download", attachment_id=application.attachments[0].id)),
    ]


def nested_in_own_draft(probe, own, other):
    """Another team's file, budget line and member, asked for under one's own draft's URL."""
    children = {
        "applications.remove_attachment": {"attachment_id": other.attachments[0].id},
        "applications.remove_budget_line": {"line_id": other.budget_lines[0].id},
        "applications.remove_member": {"member_id": other.members[-1].id},
    }
    return [("POST", probe.url(endpoint, application_id=own.id, **ids)) for endpoint, ids in children.items()]


def admin_pages(probe, world):
    return [
        ("GET", probe.url("admin.users")),
        ("GET", probe.url("admin.user_detail", user_id=world.people["stranger"].id)),
        ("POST", probe.url("admin.change_role", user_id=world.people["stranger"].id)),
        ("GET", probe.url("admin.institutions")),
    ]


def officer_pages(probe, world):
    call_id = world.submitted_x.call_id
    return [
        ("GET", probe.url("awards.portfolio")),
        ("GET", probe.url("awards.show", award_id=world.ids["award_id"])),
        ("GET", probe.url("awards.decide", application_id=world.submitted_y.id)),
        ("GET", probe.url("reviews.routing", call_id=call_id)),
        ("GET", probe.url("reviews.call_ranking", call_id=call_id)),
        ("GET", probe.url("insights.portfolio_page")),
        ("GET", probe.url("calls.new_programme")),
        *scores_of(probe, world)[:1],
    ]


# Who tries what: each person against objects that are not theirs.
CASES = {
    # On team X's draft: team Y's draft, page by page, and team Y's submitted proposal.
    "co_investigator": lambda app, w, p: [
        *team_routes(app, w.draft_y, p),
        *application_of(p, w.submitted_y),
    ],
    # Team X's lead: team Y's things, child objects of Y's draft under X's draft's URL, another
    # holder's award, and the reviewers and scores of X's own proposal.
    "x_lead": lambda app, w, p: [
        *team_routes(app, w.draft_y, p),
        *nested_in_own_draft(p, w.draft_x, w.draft_y),
        *someone_else_s_award(w, p),
        *scores_of(p, w),
    ],
    # Submitted a review: another reviewer's review and invitation, and still no scores.
    "reviewer_a": lambda app, w, p: [
        *review_of(p, w.assignments["reviewer_b"]),
        *invitation_of(p, w.assignments["invited_b"]),
        *scores_of(p, w),
        *application_of(p, w.submitted_y),
    ],
    # Still writing: another reviewer's submitted review and the scores.
    "reviewer_b": lambda app, w, p: [
        *review_of(p, w.assignments["reviewer_a"]),
        *scores_of(p, w),
        ("GET", p.url("reviews.call_ranking", call_id=w.submitted_x.call_id)),
    ],
    # Accepted, then found conflicted: their own review and the proposal's files are closed.
    "reviewer_c": lambda app, w, p: [
        *review_of(p, w.assignments["reviewer_c"]),
        *invitation_of(p, w.assignments["reviewer_c"]),
        *application_of(p, w.submitted_x),
    ],
    # An officer who owes a review of X's proposal sees no scores of it and no reviewers in the call.
    "officer_reviewer": lambda app, w, p: [
        *scores_of(p, w),
        ("POST", p.url("reviews.unlock", review_id=w.ids["review_id"])),
        *review_of(p, w.assignments["reviewer_a"]),
    ],
    "conflicted_officer": lambda app, w, p: [
        *application_of(p, w.submitted_x),
        *scores_of(p, w)[:1],
        ("GET", p.url("awards.decide", application_id=w.submitted_x.id)),
        ("POST", p.url("reviews.cancel", assignment_id=w.assignments["reviewer_b"].id)),
    ],
    # Officers may read any draft but change none, and administer no accounts.
    "officer": lambda app, w, p: [
        ("POST", p.url("applications.autosave", application_id=w.draft_y.id), details_of(w.draft_y)),
        ("POST", p.url("applications.submit", application_id=w.draft_y.id)),
        ("POST", p.url("applications.withdraw", application_id=w.draft_y.id)),
        *review_of(p, w.assignments["reviewer_b"]),
        *admin_pages(p, w),
    ],
    "admin": lambda app, w, p: officer_pages(p, w),
    "reviewer_as_researcher": lambda app, w, p: [*admin_pages(p, w), *officer_pages(p, w)],
}
PERSON = {"reviewer_as_researcher": "reviewer_a"}


@pytest.mark.parametrize("person", sorted(CASES))
def test_each_person_is_refused_what_is_not_theirs(app, world, probe, person):
    probe.sign_in(world.people[PERSON.get(person, person)])
    cases = CASES[person](app, world, probe)
    for method, url, *data in cases:
        probe.refused(method, url, *data)
    probe.done()


def test_applicants_read_feedback_but_never_who_wrote_it(app, client, sign_in, factory, world):
    """The award holder's decision, award pages and decision email show the feedback without
    naming its reviewer; team X's pages show nothing of the three people reviewing its proposal."""
    holder, award = world.people["award_holder"], world.award
    reviewers = [world.award_reviewer, *(world.people[n] for n in ("reviewer_a", "reviewer_b", "reviewer_c"))]
    # Whole words: "Person 3" must not be found inside a team member's "Person 34".
    secrets = [re.compile(rf"\b{re.escape(text)}\b") for p in reviewers for text in (p.full_name, p.email)]

    def named(text: str) -> list[str]:
        return [secret.pattern for secret in secrets if secret.search(text)]

    sign_in(holder)
    pages = [f"/applications/{award.application_id}", f"/awards/{award.id}", f"/awards/{award.id}/letter"]
    for url in [*pages, "/awards", "/applications"]:
        response = client.get(url)
        assert response.status_code == 200
        assert named(response.get_data(as_text=True)) == [], url
    assert FEEDBACK in client.get(pages[0]).get_data(as_text=True)
    emails = [factory.render(message) for message in factory.outbox(recipient=holder.email)]
    assert any(FEEDBACK in email for email in emails)
    assert named("\n".join(emails)) == []

    team_x = app.test_client()
    sign_in(world.people["x_lead"], http_client=team_x)
    for url in (f"/applications/{world.submitted_x.id}", "/applications"):
        assert named(team_x.get(url).get_data(as_text=True)) == [], url


def test_a_reviewing_officer_sees_the_scores_once_their_own_review_is_in(client, sign_in, world):
    """Before: the scores page refuses and the call's reviews export leaves the proposal out.
    After submitting their own review: both show it."""
    officer, owed = world.people["officer_reviewer"], world.submitted_x
    scores = f"/manage/applications/{owed.id}/reviews"
    export = f"/manage/calls/{owed.call_id}/export/reviews.csv"
    sign_in(officer)
    assert client.get(scores).status_code == 403
    before = client.get(export).get_data(as_text=True)
    assert owed.reference not in before and world.submitted_y.reference in before
    write_review(officer, world.assignments["officer_reviewer"], submit=True)
    page = client.get(scores)
    assert page.status_code == 200
    assert world.people["reviewer_a"].full_name in page.get_data(as_text=True)
    assert owed.reference in client.get(export).get_data(as_text=True)


def test_officers_are_not_scoped_to_programmes(client, sign_in, world):
    """Any officer manages an award of a programme someone else set up (documented behaviour)."""
    assert world.award.call.created_by_id != world.people["officer"].id
    sign_in(world.people["officer"])
    assert client.get(f"/awards/{world.award.id}").status_code == 200


def test_the_world_is_what_the_tables_assume(world):
    built = world
    assert built.assignments["reviewer_a"].has_submitted_review
    assert not built.assignments["reviewer_b"].has_submitted_review
    assert built.assignments["reviewer_c"].state == "accepted"
    assert built.draft_y.state == "draft" and built.submitted_x.state != "draft"

"""The audit log page: who may read it, what each filter narrows, bad filter values, pagination,
and a query count that does not grow with the page."""

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete

from grants.audit.models import AuditEvent
from grants.reviews.models import ConflictOfInterest
from grants.reviews.services import invitations
from grants.timeutil import utcnow
from tests.query_counter import counting_queries

PAGE = "/manage/audit"
ROW = re.compile(r'<tr id="event-(\d+)">')


def listed(response) -> list[int]:
    """The ids of the events a page lists, in order."""
    assert response.status_code == 200, response.status_code
    return [int(found) for found in ROW.findall(response.get_data(as_text=True))]


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def add_event(
    db_session,
    action="probe.made",
    *,
    actor=None,
    subject_type="Award",
    subject_id=1,
    at=None,
    changes=None,
) -> AuditEvent:
    row = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        changes=changes or {},
        occurred_at=at or utcnow(),
    )
    db_session.add(row)
    db_session.flush()
    return row


@pytest.fixture
def officer(factory, sign_in):
    user = factory.user(name="Olivia Officer", email="olivia@funder.example", roles=("officer",))
    sign_in(user)
    return user


# Who may read it


@pytest.mark.parametrize("role", ["officer", "admin"])
def test_officers_and_admins_read_the_log(client, factory, sign_in, db_session, role):
    viewer = factory.user(roles=(role,))
    sign_in(viewer)
    author = factory.user(name="Daniel Okafor", email="daniel@uni.example")
    probe = add_event(
        db_session, "award.extended", actor=author, changes={"end_date": ["2019-03-31", "2019-09-30"]}
    )

    response = client.get(PAGE)

    assert probe.id in listed(response)
    page = text_of(response)
    assert "Daniel Okafor" in page and "daniel@uni.example" in page
    assert "end date: 2019-03-31 → 2019-09-30" in page
    assert 'href="/manage/audit"' in page  # the nav link


@pytest.mark.parametrize("kind", ["researcher", "reviewer"])
def test_researchers_and_reviewers_are_refused(client, factory, sign_in, kind):
    sign_in(factory.reviewer() if kind == "reviewer" else factory.user())
    response = client.get(PAGE)
    assert response.status_code == 403
    assert 'href="/manage/audit"' not in client.get("/").get_data(as_text=True)


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


# Filters


def test_object_type_and_id(client, officer, db_session):
    award_7 = add_event(db_session, subject_type="Award", subject_id=7)
    award_8 = add_event(db_session, subject_type="Award", subject_id=8)
    call_7 = add_event(db_session, subject_type="Call", subject_id=7)

    assert listed(client.get(PAGE, query_string={"type": "Award", "id": "7"})) == [award_7.id]
    by_type = listed(client.get(PAGE, query_string={"type": "Award", "action": "probe."}))
    assert by_type == [award_8.id, award_7.id]
    assert listed(client.get(PAGE, query_string={"id": "7", "action": "probe."})) == [call_7.id, award_7.id]
    page = client.get(PAGE).get_data(as_text=True)
    assert '<option value="Award">Award</option>' in page and '<option value="Call">Call</option>' in page


def test_actor_by_email_name_or_system(client, factory, officer, db_session):
    alice = factory.user(name="Alice Wang", email="alice.wang@cau.example")
    bob = factory.user(name="Bob Percent", email="bob@uni.example")
    by_alice = add_event(db_session, actor=alice)
    by_bob = add_event(db_session, actor=bob)
    by_system = add_event(db_session, actor=None)

    def found(actor):
        return listed(client.get(PAGE, query_string={"actor": actor, "action": "probe."}))

    assert found("ALICE.WANG@CAU") == [by_alice.id]
    assert found("wang") == [by_alice.id]
    assert found("percent") == [by_bob.id]
    assert found(" System ") == [by_system.id]
    assert found("%") == []  # a LIKE wildcard is matched literally
    assert found("_") == []
    assert found("nobody") == []
    assert "No events match these filters." in text_of(client.get(PAGE, query_string={"actor": "nobody"}))


def test_action_prefix(client, officer, db_session):
    extended = add_event(db_session, "award.extended")
    terminated = add_event(db_session, "award.terminated")
    add_event(db_session, "awards.other")
    add_event(db_session, "call.created")

    assert listed(client.get(PAGE, query_string={"action": "award."})) == [terminated.id, extended.id]
    assert listed(client.get(PAGE, query_string={"action": "award.extended"})) == [extended.id]
    page = client.get(PAGE).get_data(as_text=True)
    for prefix in ("award.", "awards.", "call.", "account."):
        assert f'<option value="{prefix}">{prefix}</option>' in page


def test_dates_are_whole_days_in_the_viewers_zone(client, factory, sign_in, db_session):
    sign_in(factory.user(roles=("officer",), time_zone="Asia/Shanghai"))  # UTC+8 all year
    start = datetime(2018, 3, 9, 16, 0, tzinfo=UTC)  # midnight starting 10 March in Shanghai
    day_before = add_event(db_session, at=start - timedelta(seconds=1))
    first = add_event(db_session, at=start)
    last = add_event(db_session, at=start + timedelta(days=1, seconds=-1))
    day_after = add_event(db_session, at=start + timedelta(days=1))

    def found(**dates):
        return listed(client.get(PAGE, query_string={"action": "probe.", **dates}))

    assert found(**{"from": "2018-03-10", "to": "2018-03-10"}) == [last.id, first.id]
    assert found(**{"from": "2018-03-10"}) == [day_after.id, last.id, first.id]
    assert found(to="2018-03-09") == [day_before.id]
    response = client.get(PAGE, query_string={"action": "probe.", "from": "2018-03-10"})
    assert "10 Mar 2018, 00:00 CST" in text_of(response)


# Bad filter values


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"from": "31/03/2018"}, "From must be a date like 2018-03-31; “31/03/2018” was ignored."),
        ({"to": "2018-02-30"}, "To must be a date like 2018-03-31; “2018-02-30” was ignored."),
        ({"id": "abc"}, "Object id must be a whole number, like 42; “abc” was ignored."),
        ({"id": "99999999999999999999"}, "Object id must be a whole number"),
        ({"id": "-3"}, "Object id must be a whole number"),
    ],
)
def test_bad_values_are_explained_and_ignored(client, officer, db_session, args, message):
    probe = add_event(db_session)
    response = client.get(PAGE, query_string={"action": "probe.", **args})
    assert listed(response) == [probe.id]  # the rest of the filters still apply
    page = text_of(response)
    assert message in page
    assert 'aria-invalid="true"' in page


def test_from_after_to_is_explained(client, officer, db_session):
    probe = add_event(db_session, at=datetime(2018, 3, 10, 12, tzinfo=UTC))
    response = client.get(PAGE, query_string={"action": "probe.", "from": "2018-03-11", "to": "2018-03-01"})
    assert listed(response) == [probe.id]
    assert "The From date is after the To date, so neither date was applied." in text_of(response)


def test_extreme_values_do_not_break_the_page(client, officer, db_session):
    add_event(db_session)
    for args in (
        {"from": "0001-01-01", "to": "9999-12-31"},
        {"page": str(10**20)},
        {"page": "-4"},
        {"type": "x" * 5000, "actor": "y" * 5000, "action": "z" * 5000},
    ):
        assert client.get(PAGE, query_string=args).status_code == 200, args


# Pagination, empty states, links


def test_pagination_keeps_the_filters(client, factory, officer, db_session):
    alice = factory.user(name="Alice Wang")
    base = datetime(2018, 3, 10, 12, tzinfo=UTC)
    wanted = [add_event(db_session, actor=alice, at=base + timedelta(minutes=n)) for n in range(55)]
    add_event(db_session, actor=None, at=base)  # matches every filter but the actor

    first = client.get(PAGE, query_string={"action": "probe.", "actor": "alice", "from": "2018-03-10"})
    assert listed(first) == [e.id for e in reversed(wanted)][:50]
    next_link = re.search(r'href="([^"]+)" rel="next"', first.get_data(as_text=True))
    assert next_link
    url = html.unescape(next_link.group(1))
    for part in ("page=2", "action=probe.", "actor=alice", "from=2018-03-10"):
        assert part in url
    assert listed(client.get(url)) == [e.id for e in reversed(wanted)][50:]


def test_empty_states(client, officer, db_session):
    db_session.execute(delete(AuditEvent))
    db_session.flush()
    assert "Nothing recorded yet." in text_of(client.get(PAGE))
    db_session.execute(delete(AuditEvent))  # the page view itself records nothing, but be sure
    db_session.flush()
    assert "No events match these filters." in text_of(client.get(PAGE, query_string={"type": "Award"}))


def test_objects_link_to_their_pages(client, factory, sign_in, db_session):
    award = factory.award()
    officer = factory.user(roles=("officer",))
    sign_in(officer)

    page = client.get(PAGE, query_string={"type": "Award", "id": award.id}).get_data(as_text=True)
    assert f'<a href="/awards/{award.id}">Award {award.id}</a>' in page
    call_page = client.get(PAGE, query_string={"type": "Call", "id": award.call_id}).get_data(as_text=True)
    assert f'<a href="/manage/calls/{award.call_id}">Call {award.call_id}</a>' in call_page
    application_page = client.get(
        PAGE, query_string={"type": "Application", "id": award.application_id}
    ).get_data(as_text=True)
    assert f'href="/applications/{award.application_id}"' in application_page


def test_admins_get_links_only_to_pages_they_may_open(client, factory, sign_in, db_session):
    admin = factory.user(roles=("admin",))
    sign_in(admin)
    add_event(db_session, subject_type="Award", subject_id=5)
    add_event(db_session, subject_type="User", subject_id=admin.id)
    add_event(db_session, subject_type="OutboxMessage", subject_id=9)

    page = client.get(PAGE, query_string={"action": "probe."}).get_data(as_text=True)
    assert f'<a href="/admin/users/{admin.id}">Account {admin.id}</a>' in page
    assert 'href="/awards/5"' not in page and "Award 5" in page  # an officer's page
    assert "Email message 9" in page


def test_changes_of_other_shapes_read_as_text(client, officer, db_session):
    add_event(
        db_session,
        changes={
            "reason": "Field season lost\nto flooding",
            "fields": ["title", "abstract"],
            "email_verified": [False, True],
            "detail": {"pairs": 3, "nested": {"a": 1}},
        },
    )
    page = text_of(client.get(PAGE, query_string={"action": "probe."}))
    assert "reason: Field season lost to flooding" in page
    assert "fields: title, abstract" in page
    assert "email verified: no → yes" in page
    assert "detail: pairs: 3; nested: a: 1" in page
    assert "{'" not in page


# Bounded queries


def test_the_number_of_queries_does_not_grow_with_the_page(client, factory, officer, db_session):
    def fill(count):
        for n in range(count):
            person = factory.user()  # a different actor on every row, to catch a lazy load per row
            add_event(db_session, actor=person, subject_id=n, changes={"n": [n, n + 1]})

    def queries_for_one_page():
        client.get(PAGE, query_string={"action": "probe."})  # warm-up: session refresh, caches
        with counting_queries() as statements:
            response = client.get(PAGE, query_string={"action": "probe."})
        return len(listed(response)), len(statements)

    fill(5)
    rows_small, small = queries_for_one_page()
    fill(45)
    rows_full, full = queries_for_one_page()

    assert (rows_small, rows_full) == (5, 50)
    assert small == full
    assert small > 0  # the listener did see the page's queries


# The log shows no more than the other pages


def reviewed_call(factory):
    """A call in decision with one submitted review and a drafted decision with its rationale;
    returns (call, application, reviewer, officer)."""
    call, (application, _other), officer = factory.deciding_call(2)
    reviewer = factory.submitted_review(officer, application, for_applicant="Good.")
    factory.decide(officer, application, rationale="Panel rationale that stays with the panel.")
    factory.session.commit()
    return call, application, reviewer, officer


def test_events_about_a_conflicted_application_keep_their_place_but_not_their_details(
    client, factory, sign_in
):
    _call, application, _reviewer, _officer = reviewed_call(factory)
    conflicted = factory.officer()
    factory.session.add(
        ConflictOfInterest(
            application_id=application.id, reviewer_id=conflicted.id, source="officer", reason="Board."
        )
    )
    factory.session.commit()
    sign_in(conflicted)

    response = client.get(PAGE, query_string={"type": "Application", "id": application.id})

    page = text_of(response)
    assert listed(response)  # the events are there...
    assert "Panel rationale" not in page  # ...without what the conflict keeps from this officer
    assert "Hidden: you have a conflict of interest with this application." in page


def test_an_officer_reviewing_in_a_call_does_not_learn_its_other_reviewers(app, client, factory, sign_in):
    _call, application, reviewer, officer = reviewed_call(factory)
    colleague = factory.user(roles=("officer", "reviewer"), email="colleague@research.example.net")
    invitations.invite(officer, application, colleague, utcnow())
    factory.session.commit()

    sign_in(colleague)
    by_name = text_of(client.get(PAGE, query_string={"actor": reviewer.full_name}))
    # The reviewer's own profile is no secret; what they review in this call is.
    assert "reviewer.profile_updated" in by_name
    assert "review.submitted" not in by_name and "assignment.accepted" not in by_name
    assert "review.submitted" not in text_of(client.get(PAGE, query_string={"action": "review."}))

    other_browser = app.test_client()
    sign_in(officer, http_client=other_browser)
    by_name = text_of(other_browser.get(PAGE, query_string={"actor": reviewer.full_name}))
    assert "review.submitted" in by_name and "assignment.accepted" in by_name


def test_administrators_never_see_who_reviews(client, factory, sign_in):
    _call, _application, reviewer, _officer = reviewed_call(factory)
    sign_in(factory.user(roles=("admin",)))

    page = text_of(client.get(PAGE, query_string={"action": "assignment."}))

    assert "assignment.accepted" not in page and "assignment.invited" not in page
    assert "review.submitted" not in text_of(client.get(PAGE, query_string={"actor": reviewer.email}))


def test_object_kinds_read_in_the_viewers_language_and_filter_by_their_stored_name(
    client, factory, sign_in, db_session
):
    officer = factory.officer(language="zh_Hans")
    sign_in(officer)
    add_event(db_session, subject_type="ReviewAssignment", subject_id=3)
    page = client.get(PAGE, query_string={"action": "probe."}).get_data(as_text=True)
    assert '<option value="ReviewAssignment">评审邀请</option>' in page
    assert "评审邀请 3" in page and "ReviewAssignment 3" not in page

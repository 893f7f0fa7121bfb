"""The officers' page of emails that could not be delivered, and the email preferences on the
profile page, through the test client."""

import html
import re
from datetime import timedelta

import pytest

from grants.audit.models import AuditEvent
from grants.notifications.catalogue import wants
from grants.notifications.models import OutboxState
from grants.timeutil import utcnow
from tests.integration.conftest import post_form
from tests.integration.test_delivery_rules import failed_message, queue_message

PAGE = "/manage/emails/failed"
RETRY_ALL = "/manage/emails/failed/retry"
RETRY_FORM = re.compile(r'action="/manage/emails/(\d+)/retry"')


def retry_url(message) -> str:
    return f"/manage/emails/{message.id}/retry"


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def listed_ids(response) -> list[int]:
    """The ids of the failed emails a page lists, in order (one "Send again" form each)."""
    return [int(found) for found in RETRY_FORM.findall(response.get_data(as_text=True))]


def figure(response, label: str) -> int:
    match = re.search(rf"<dt>{label}</dt><dd>(\d+)</dd>", response.get_data(as_text=True))
    assert match, f"no {label!r} figure on the page"
    return int(match.group(1))


@pytest.fixture
def officer(factory, sign_in):
    """A programme officer, signed in on ``client``."""
    user = factory.user(roles=("officer",))
    sign_in(user)
    return user


@pytest.fixture
def handed_over(app):
    """Ids handed to the worker after each commit (``OUTBOX_DISPATCH = "record"``)."""
    return app.extensions["outbox_handed_over"]


def commit_setup(db_session, handed_over) -> None:
    """Commit the rows a test set up and forget their first hand-over."""
    db_session.commit()
    handed_over.clear()


def test_officers_see_the_counts_and_each_failed_email_with_its_error(client, officer):
    failed_message("li.na", error="SMTPRecipientsRefused: {'li.na@example.org': (550, b'no such user')}")
    failed_message("zhao.min", error="SMTPResponseException: (554, b'message refused')")
    queue_message("waiting")
    queue_message("delivered", state=OutboxState.SENT, sent_at=utcnow())

    response = client.get(PAGE)

    assert response.status_code == 200
    assert [figure(response, label) for label in ("Waiting to be sent", "Sent", "Failed")] == [1, 1, 2]
    body = text_of(response)
    assert "li.na@example.org" in body and "(550, b'no such user')" in body
    assert "zhao.min@example.org" in body and "(554, b'message refused')" in body
    assert "waiting@example.org" not in body and "delivered@example.org" not in body
    assert body.count("You have a new role in Grants") == 2, "each row names its email by subject"
    assert "Send all 2 failed emails again" in body


def test_with_no_failed_emails_the_page_says_so(client, officer):
    queue_message("delivered", state=OutboxState.SENT, sent_at=utcnow())

    response = client.get(PAGE)

    assert response.status_code == 200
    assert figure(response, "Failed") == 0
    body = text_of(response)
    assert "No failed emails." in body
    assert f'action="{RETRY_ALL}"' not in body
    assert listed_ids(response) == []


def thirty_failed_emails_newest_first() -> list[int]:
    now = utcnow()
    return [failed_message(f"bounced-{n:02d}", failed_at=now - timedelta(minutes=n)).id for n in range(30)]


def test_failed_emails_are_listed_25_to_a_page_newest_first(client, officer):
    newest_first = thirty_failed_emails_newest_first()

    first, second = client.get(PAGE), client.get(f"{PAGE}?page=2")

    assert (first.status_code, second.status_code) == (200, 200)
    assert listed_ids(first) == newest_first[:25]
    assert listed_ids(second) == newest_first[25:]
    assert "Page 1 of 2" in text_of(first) and "Page 2 of 2" in text_of(second)
    assert figure(second, "Failed") == 30


@pytest.mark.parametrize("page", ["0", "-3", "many"])
def test_a_nonsense_page_number_shows_the_first_page(client, officer, page):
    newest_first = thirty_failed_emails_newest_first()

    response = client.get(f"{PAGE}?page={page}")

    assert response.status_code == 200
    assert listed_ids(response) == newest_first[:25]


def test_a_page_past_the_last_leads_to_the_last_page_not_an_empty_state(client, officer):
    newest_first = thirty_failed_emails_newest_first()

    response = client.get(f"{PAGE}?page=999", follow_redirects=True)

    assert "No failed emails." not in text_of(response)
    assert listed_ids(response) == newest_first[25:]


def test_sending_one_email_again_queues_it_and_says_so(client, officer, db_session, handed_over):
    message = failed_message("li.na", attempts=16)
    other = failed_message("zhao.min")
    commit_setup(db_session, handed_over)

    response = post_form(client, retry_url(message))

    assert response.status_code in (302, 303)
    assert response.headers["Location"] == PAGE
    assert "The email to li.na@example.org is queued again." in text_of(client.get(PAGE))
    db_session.refresh(message)
    assert (message.state, message.attempts, message.failed_at) == (OutboxState.PENDING, 0, None)
    assert db_session.get(type(other), other.id).state == OutboxState.FAILED
    event = db_session.query(AuditEvent).filter_by(action="outbox.retried", subject_id=message.id).one()
    assert event.actor_id == officer.id
    assert handed_over == [message.id]


@pytest.mark.parametrize("state", [OutboxState.PENDING, OutboxState.SENT])
def test_sending_again_an_email_no_longer_failed_is_a_clear_conflict_that_changes_nothing(
    client, officer, db_session, handed_over, state
):
    message = queue_message("li.na", state=state, attempts=3)
    commit_setup(db_session, handed_over)

    response = post_form(client, retry_url(message))

    assert response.status_code == 409
    body = text_of(response)
    assert "That change clashes" in body
    assert "This email is no longer failed: it was already sent again or is queued." in body
    db_session.refresh(message)
    assert (message.state, message.attempts) == (state, 3)
    assert db_session.query(AuditEvent).filter_by(action="outbox.retried").count() == 0
    assert handed_over == []


def test_sending_again_an_unknown_email_is_not_found(client, officer):
    assert post_form(client, "/manage/emails/987654/retry").status_code == 404


def test_sending_all_failed_emails_again_queues_each_and_counts_them(
    client, officer, db_session, handed_over
):
    failed = [failed_message(key) for key in ("li.na", "zhao.min", "chen.jing")]
    commit_setup(db_session, handed_over)

    response = post_form(client, RETRY_ALL)

    assert response.status_code in (302, 303)
    assert response.headers["Location"] == PAGE
    page = client.get(PAGE)
    assert "3 failed emails queued again." in text_of(page)
    assert "No failed emails." in text_of(page)
    for message in failed:
        db_session.refresh(message)
    assert {(m.state, m.attempts) for m in failed} == {(OutboxState.PENDING, 0)}
    assert sorted(handed_over) == sorted(m.id for m in failed)
    event = db_session.query(AuditEvent).filter_by(action="outbox.retried_all").one()
    assert (event.actor_id, event.changes) == (officer.id, {"count": [None, 3]})


def test_sending_all_again_with_nothing_failed_says_so(client, officer):
    response = post_form(client, RETRY_ALL, follow_redirects=True)
    assert response.status_code == 200
    assert "Nothing to retry." in text_of(response)


def assert_still_failed(db_session, message) -> None:
    db_session.refresh(message)
    assert (message.state, message.attempts) == (OutboxState.FAILED, 1)


@pytest.mark.parametrize("roles", [(), ("reviewer",)], ids=["researcher", "reviewer"])
def test_researchers_and_reviewers_are_refused(client, factory, sign_in, db_session, roles):
    message = failed_message("li.na")
    sign_in(factory.user(roles=roles))

    assert client.get(PAGE).status_code == 403
    assert post_form(client, retry_url(message)).status_code == 403
    assert post_form(client, RETRY_ALL).status_code == 403
    assert_still_failed(db_session, message)


def test_anonymous_visitors_are_sent_to_sign_in(client, db_session):
    message = failed_message("li.na")
    db_session.commit()

    response = client.get(PAGE)
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in?next=%2Fmanage%2Femails%2Ffailed"
    for url in (retry_url(message), RETRY_ALL):
        response = post_form(client, url)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/sign-in?next=")
    assert_still_failed(db_session, message)


@pytest.mark.parametrize("action", ["one", "all"])
def test_a_post_without_its_csrf_token_is_refused(client, officer, db_session, action):
    message = failed_message("li.na")
    db_session.commit()

    response = client.post(retry_url(message) if action == "one" else RETRY_ALL)

    assert response.status_code == 400
    assert "Your form expired or was sent from elsewhere" in text_of(response)
    assert_still_failed(db_session, message)


# The email preferences on the profile page.

PROFILE = {
    "full_name": "Wang Lei",
    "institution_id": "0",
    "country": "",
    "orcid": "",
    "time_zone": "Europe/London",
    "language": "en",
}


def box(response, name: str) -> str | None:
    """The ``<input>`` tag of the checkbox called ``name``, if the page has one."""
    match = re.search(rf'<input[^>]*\bname="{name}"[^>]*>', response.get_data(as_text=True))
    return match.group(0) if match else None


def ticked(response, name: str) -> bool:
    tag = box(response, name)
    assert tag, f"no {name} box on the page"
    return re.search(r"\bchecked\b", tag) is not None


def save_preferences(client, *ticked: str):
    """Save the profile as it is, with only the ``ticked`` email boxes ticked."""
    response = post_form(client, "/profile", {**PROFILE, **dict.fromkeys(ticked, "y")})
    assert response.status_code == 302
    return client.get("/profile")


def last_profile_change(db_session, user) -> dict:
    event = (
        db_session.query(AuditEvent)
        .filter_by(action="profile.updated", subject_id=user.id)
        .order_by(AuditEvent.id.desc())
        .first()
    )
    assert event is not None and event.actor_id == user.id
    return event.changes


def test_unticking_reminders_turns_them_off_and_ticking_turns_them_on_again(
    client, factory, sign_in, db_session
):
    user = factory.user(name="Wang Lei")
    sign_in(user)
    page = client.get("/profile")
    assert ticked(page, "email_reminders")
    assert box(page, "email_digests") is None, "the digest is for officers only"

    page = save_preferences(client)

    db_session.refresh(user)
    assert (user.email_reminders, user.email_digests) == (False, True)
    assert last_profile_change(db_session, user) == {"email_reminders": [True, False]}
    assert not ticked(page, "email_reminders")
    assert not wants(user, "review_reminder")

    page = save_preferences(client, "email_reminders")

    db_session.refresh(user)
    assert user.email_reminders is True
    assert last_profile_change(db_session, user) == {"email_reminders": [False, True]}
    assert ticked(page, "email_reminders")
    assert wants(user, "review_reminder")


def test_an_officer_unticking_the_digest_turns_it_off_alone(client, factory, sign_in, db_session):
    officer = factory.user(name="Wang Lei", roles=("officer",))
    sign_in(officer)
    page = client.get("/profile")
    assert ticked(page, "email_reminders") and ticked(page, "email_digests")

    page = save_preferences(client, "email_reminders")

    db_session.refresh(officer)
    assert (officer.email_reminders, officer.email_digests) == (True, False)
    assert last_profile_change(db_session, officer) == {"email_digests": [True, False]}
    assert ticked(page, "email_reminders") and not ticked(page, "email_digests")
    assert not wants(officer, "officer_digest") and wants(officer, "review_reminder")

    page = save_preferences(client, "email_reminders", "email_digests")

    db_session.refresh(officer)
    assert officer.email_digests is True
    assert last_profile_change(db_session, officer) == {"email_digests": [False, True]}
    assert ticked(page, "email_digests")

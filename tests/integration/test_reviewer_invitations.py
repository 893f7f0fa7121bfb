"""Invite-only roles: officers invite reviewers by email; the link grants the role once."""

from datetime import timedelta

from grants.accounts.models import RoleInvitation
from grants.accounts.roles import Role
from grants.timeutil import utcnow
from tests.integration.conftest import post_form


def invite(client, email="new.reviewer@example.org", message=""):
    return post_form(client, "/reviewers/invite", {"email": email, "message": message})


def test_an_officer_invites_and_the_invitee_accepts_once(app, client, factory, sign_in, db_session):
    sign_in(factory.user(name="Daniel Okafor", roles=("officer",)))
    assert invite(client, message="We would value your view on crop genomics.").status_code == 302
    [message] = factory.outbox("role_invitation")
    link = factory.link_in(message)
    assert message.context["message"] == "We would value your view on crop genomics."

    invitee_browser = app.test_client()
    page = invitee_browser.get(link).get_data(as_text=True)
    assert "You are invited to be a reviewer" in page and "Sign in" in page

    invitee = factory.user(email="new.reviewer@example.org")
    sign_in(invitee, http_client=invitee_browser)
    assert post_form(invitee_browser, link).status_code == 302
    db_session.refresh(invitee)
    assert invitee.has_role(Role.REVIEWER)
    assert db_session.query(RoleInvitation).one().accepted_by_id == invitee.id

    reused = post_form(invitee_browser, link)
    assert reused.status_code == 400
    assert "already been accepted" in reused.get_data(as_text=True)


def test_expired_and_unknown_invitations_are_refused(client, factory, sign_in, db_session):
    sign_in(factory.user(roles=("officer",)))
    invite(client)
    link = factory.link_in(factory.outbox("role_invitation")[0])
    db_session.query(RoleInvitation).one().expires_at = utcnow() - timedelta(seconds=1)
    db_session.commit()

    assert "has expired" in client.get(link).get_data(as_text=True)
    garbage = client.get("/invitations/not-a-real-token")
    assert garbage.status_code == 400
    assert "not valid" in garbage.get_data(as_text=True)


def test_duplicate_invitations_are_refused(client, factory, sign_in, db_session):
    factory.user(email="already@example.org", name="Martin Doyle", roles=("reviewer",))
    sign_in(factory.user(roles=("admin",)))

    existing = invite(client, email="already@example.org")
    assert existing.status_code == 409
    assert "Martin Doyle is already a reviewer" in existing.get_data(as_text=True)

    assert invite(client, email="fresh@example.org").status_code == 302
    twice = invite(client, email="FRESH@example.org")
    assert twice.status_code == 409
    assert "that invitation is still open" in twice.get_data(as_text=True)
    assert db_session.query(RoleInvitation).count() == 1


def test_bad_addresses_and_forbidden_inviters(client, factory, sign_in, db_session):
    sign_in(factory.user(roles=("reviewer",)))
    assert client.get("/reviewers/invite").status_code == 403
    assert invite(client).status_code == 403
    post_form(client, "/sign-out")

    sign_in(factory.user(roles=("officer",)))
    response = invite(client, email="not an address")
    assert response.status_code == 422
    assert db_session.query(RoleInvitation).count() == 0

"""Administrators manage accounts, roles and institutions; nobody else can."""

import pytest

from grants.accounts.models import Institution, User
from grants.accounts.roles import Role
from grants.audit.models import AuditEvent
from tests.integration.conftest import post_form


@pytest.fixture
def admin(factory, sign_in):
    user = factory.user(name="Alison Admin", roles=("admin",))
    sign_in(user)
    return user


def test_search_filter_and_pagination(client, factory, admin):
    for n in range(30):
        factory.user(name=f"Applicant {n:02d}", email=f"applicant{n:02d}@example.org")
    factory.user(name="Helen Carter", roles=("reviewer",))

    first = client.get("/admin/users").get_data(as_text=True)
    assert "Page 1 of 2" in first
    assert "Applicant 25" in client.get("/admin/users?page=2").get_data(as_text=True)
    found = client.get("/admin/users?q=carter").get_data(as_text=True)
    assert "Helen Carter" in found and "Applicant 01" not in found
    reviewers = client.get("/admin/users?role=reviewer").get_data(as_text=True)
    assert "Helen Carter" in reviewers and "Applicant" not in reviewers
    assert "No accounts match" in client.get("/admin/users?q=nobody-at-all").get_data(as_text=True)


def test_granting_and_revoking_roles(client, factory, admin, db_session):
    target = factory.user(name="Daniel Okafor")
    url = f"/admin/users/{target.id}/roles"

    assert post_form(client, url, {"role": "officer", "action": "grant"}).status_code == 302
    db_session.refresh(target)
    assert target.has_role(Role.OFFICER)
    assert factory.outbox("role_granted", recipient=target.email)
    assert db_session.query(AuditEvent).filter_by(action="role.granted", subject_id=target.id).count() == 1

    again = post_form(client, url, {"role": "officer", "action": "grant"})
    assert again.status_code == 409
    assert "already a programme officer" in again.get_data(as_text=True)

    assert post_form(client, url, {"role": "officer", "action": "revoke"}).status_code == 302
    db_session.refresh(target)
    assert not target.has_role(Role.OFFICER)


def test_invalid_role_changes_are_refused(client, factory, admin, db_session):
    target = factory.user()
    url = f"/admin/users/{target.id}/roles"
    assert post_form(client, url, {"role": "emperor", "action": "grant"}).status_code == 400
    assert post_form(client, url, {"role": "researcher", "action": "grant"}).status_code == 400
    assert post_form(client, url, {"role": "reviewer", "action": "explode"}).status_code == 400
    assert post_form(client, url, {"role": "reviewer", "action": "revoke"}).status_code == 409
    db_session.refresh(target)
    assert target.roles == {Role.RESEARCHER}


def test_an_admin_cannot_revoke_their_own_admin_role(client, admin, db_session):
    response = post_form(client, f"/admin/users/{admin.id}/roles", {"role": "admin", "action": "revoke"})
    assert response.status_code == 403
    db_session.refresh(admin)
    assert admin.has_role(Role.ADMIN)
    assert "You cannot change your own administrator role." in client.get(
        f"/admin/users/{admin.id}"
    ).get_data(as_text=True)


def test_unknown_account_is_not_found(client, admin):
    assert client.get("/admin/users/999999").status_code == 404


def test_adding_institutions_with_validation(client, admin, db_session):
    ok = post_form(
        client,
        "/admin/institutions",
        {"name": "Zhejiang University", "country": "CN", "email_domain": "@ZJU.edu.cn"},
    )
    assert ok.status_code == 302
    created = db_session.query(Institution).filter_by(name="Zhejiang University").one()
    assert created.email_domain == "zju.edu.cn"

    for data, message, status in [
        ({"name": "zhejiang university", "country": "CN"}, "already exists", 409),
        ({"name": "Other", "country": "CN", "email_domain": "zju.edu.cn"}, "already uses", 409),
        ({"name": "Other", "country": "CN", "email_domain": "not a domain"}, "Enter a domain", 422),
        ({"name": "Other", "country": "QQ"}, "Choose a country", 422),
    ]:
        response = post_form(client, "/admin/institutions", data)
        assert response.status_code == status, data
        assert message in response.get_data(as_text=True)
    assert db_session.query(Institution).count() == 1


def test_new_accounts_are_linked_to_their_institution_by_email_domain(client, factory, db_session):
    factory.institution(name="University of Edinburgh", email_domain="ed.ac.uk")
    post_form(
        client,
        "/register",
        {
            "full_name": "Emma Lawson",
            "email": "emma@bio.ed.ac.uk",
            "password": "oat-crop-rotation-5",
            "confirm": "oat-crop-rotation-5",
        },
    )
    user = db_session.query(User).filter_by(email="emma@bio.ed.ac.uk").one()
    assert user.institution.name == "University of Edinburgh"
    assert user.country == "GB"

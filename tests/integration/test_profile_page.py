"""Editing one's profile and password through the profile page."""

from grants.accounts.models import User
from grants.audit.models import AuditEvent
from tests.integration.conftest import post_form

VALID = {
    "full_name": "Wang Lei",
    "institution_id": "0",
    "country": "CN",
    "orcid": "https://orcid.org/0000-0001-5109-3700",
    "time_zone": "Asia/Shanghai",
    "language": "zh_Hans",
}


def test_saving_the_profile_normalises_and_audits(client, factory, sign_in, db_session):
    institution = factory.institution(name="China Agricultural University", country="CN")
    user = factory.user()
    sign_in(user)

    response = post_form(client, "/profile", {**VALID, "institution_id": str(institution.id)})

    assert response.status_code == 302
    db_session.refresh(user)
    assert (user.full_name, user.country, user.orcid) == ("Wang Lei", "CN", "0000-0001-5109-3700")
    assert (user.time_zone, user.language) == ("Asia/Shanghai", "zh_Hans")
    assert user.institution_id == institution.id
    event = db_session.query(AuditEvent).filter_by(action="profile.updated", subject_id=user.id).one()
    assert event.changes["orcid"] == [None, "0000-0001-5109-3700"]
    assert event.actor_id == user.id


def test_bad_values_are_refused_field_by_field_and_change_nothing(client, factory, sign_in, db_session):
    user = factory.user(name="Unchanged Name")
    sign_in(user)
    cases = [
        ({"orcid": "0000-0001-5109-3701"}, "not a valid ORCID iD", 422),
        ({"orcid": "1234"}, "not a valid ORCID iD", 422),
        ({"time_zone": "Mars/Olympus_Mons"}, "Choose a time zone from the list.", 422),
        ({"language": "xx"}, "Choose a language from the list.", 422),
        ({"country": "XX"}, "Choose a country from the list.", 422),
        ({"institution_id": "99999"}, "Choose an institution from the list.", 422),
        ({"full_name": ""}, "Enter your name.", 422),
    ]
    for change, message, status in cases:
        response = post_form(client, "/profile", {**VALID, **change})
        assert response.status_code == status, change
        assert message in response.get_data(as_text=True), change
    db_session.refresh(user)
    assert user.full_name == "Unchanged Name" and user.orcid is None
    assert db_session.query(AuditEvent).filter_by(action="profile.updated").count() == 0


def test_an_orcid_held_by_another_account_is_refused(client, factory, sign_in, db_session):
    factory.user(orcid="0000-0001-5109-3700")
    user = factory.user()
    sign_in(user)
    response = post_form(client, "/profile", VALID)
    assert response.status_code == 409
    assert "Another account already uses this ORCID iD." in response.get_data(as_text=True)
    assert db_session.get(User, user.id).orcid is None


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/profile")
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in?next=%2Fprofile"


def test_changing_password_ends_other_sessions_only(app, client, factory, sign_in, db_session):
    user = factory.user()
    laptop, phone = client, app.test_client()
    sign_in(user, http_client=laptop)
    sign_in(user, http_client=phone)

    response = post_form(
        laptop,
        "/profile/password",
        {
            "pw-current_password": factory.PASSWORD,
            "pw-new_password": "teff-grain-survey-2",
            "pw-confirm": "teff-grain-survey-2",
        },
    )

    assert response.status_code == 302
    assert "1 other signed-in session(s) were signed out" in laptop.get("/profile").get_data(as_text=True)
    assert phone.get("/profile").status_code == 302
    assert factory.outbox("password_changed", recipient=user.email)
    assert sign_in(user, "teff-grain-survey-2", http_client=app.test_client()).status_code == 302


def test_wrong_current_password_is_refused_and_the_profile_stays_filled(client, factory, sign_in, db_session):
    user = factory.user(name="Zhang Wei")
    sign_in(user)
    before = user.password_hash
    response = post_form(
        client,
        "/profile/password",
        {
            "pw-current_password": "not-my-password",
            "pw-new_password": "teff-grain-survey-2",
            "pw-confirm": "teff-grain-survey-2",
        },
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Your current password is incorrect." in body
    assert 'value="Zhang Wei"' in body, "the details form still shows the account"
    db_session.refresh(user)
    assert user.password_hash == before

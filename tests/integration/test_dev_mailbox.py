"""The development mailbox shows officers what the file mailer wrote, and nothing else."""

from tests.integration.conftest import post_form


def test_officers_read_delivered_mail(client, factory, sign_in):
    post_form(
        client,
        "/register",
        {
            "full_name": "Li Na",
            "email": "li.na@example.org",
            "password": "rice-paddy-yield-9",
            "confirm": "rice-paddy-yield-9",
        },
    )
    assert factory.deliver_all() == 1
    sign_in(factory.user(roles=("officer",)))

    index = client.get("/dev/mail/").get_data(as_text=True)
    assert "Confirm your email address for Grants" in index and "li.na@example.org" in index
    [message] = factory.outbox("verify_email")
    name = message.message_key.replace(":", "_")
    page = client.get(f"/dev/mail/{name}").get_data(as_text=True)
    assert message.context["link"] in page


def test_researchers_cannot_and_traversal_finds_nothing(client, factory, sign_in):
    sign_in(factory.user())
    assert client.get("/dev/mail/").status_code == 403
    post_form(client, "/sign-out")
    sign_in(factory.user(roles=("officer",)))
    assert client.get("/dev/mail/..%2F..%2Fetc%2Fpasswd").status_code == 404
    assert client.get("/dev/mail/no-such-message").status_code == 404


def test_the_mailbox_is_off_when_mail_goes_by_smtp(client, factory, sign_in, app, monkeypatch):
    monkeypatch.setitem(app.config, "SMTP_URL", "smtp://mail.example.org")
    sign_in(factory.user(roles=("officer",)))
    assert client.get("/dev/mail/").status_code == 404

"""Mailers and the development mailbox reader (no database)."""

import smtplib
from email.message import EmailMessage

import pytest

from grants.notifications.mailbox import list_mail, read_mail
from grants.notifications.mailers import FileMailer, SmtpMailer, safe_file_name
from grants.notifications.rendering import message_id_for


def message(subject="Hello"):
    email = EmailMessage()
    email["Subject"] = subject
    email["To"] = "li.na@example.org"
    email.set_content("Body")
    return email


def test_file_mailer_writes_one_file_per_key(tmp_path):
    mailer = FileMailer(tmp_path)
    mailer.send(message("First"), key="verify_email:1:abc")
    mailer.send(message("Again"), key="verify_email:1:abc")
    files = list(tmp_path.glob("*.eml"))
    assert [f.name for f in files] == ["verify_email_1_abc.eml"]
    assert read_mail(str(tmp_path), "verify_email_1_abc").subject == "Again"
    assert [m.subject for m in list_mail(str(tmp_path))] == ["Again"]


def test_mailbox_reader_refuses_paths_outside_its_folder(tmp_path):
    (tmp_path / "inner").mkdir()
    FileMailer(tmp_path / "inner").send(message(), key="k")
    (tmp_path / "secret.eml").write_text("Subject: secret\n\nx")
    assert read_mail(str(tmp_path / "inner"), "../secret") is None
    assert read_mail(str(tmp_path / "inner"), "missing") is None
    assert list_mail(str(tmp_path / "nowhere")) == []


def test_file_names_are_made_safe():
    assert safe_file_name("../../etc/passwd\x00") == ".._.._etc_passwd_"


def test_smtp_url_is_parsed():
    mailer = SmtpMailer("smtp://user%40x:p%40ss@mail.example.org:587?starttls=1")
    assert (mailer.host, mailer.port) == ("mail.example.org", 587)
    assert mailer.starttls and not mailer.use_ssl
    assert (mailer.username, mailer.password) == ("user@x", "p@ss")
    assert SmtpMailer("smtps://mail.example.org").port == 465


def test_smtp_url_must_be_smtp():
    with pytest.raises(ValueError, match="smtp://"):
        SmtpMailer("http://mail.example.org")


def test_message_id_is_stable_per_key_and_differs_between_keys():
    assert message_id_for("a") == message_id_for("a")
    assert message_id_for("a") != message_id_for("b")
    assert message_id_for("a").startswith("<") and message_id_for("a").endswith("@grants.mail>")


def test_an_error_saying_goodbye_after_acceptance_does_not_make_the_message_look_unsent(monkeypatch):
    """A QUIT answered with an error comes after the server took the message: raising would
    retry it, and the recipient would get it twice."""
    sent = []

    class GrumpyServer:
        def __init__(self, *args, **kwargs):
            pass

        def send_message(self, message):
            sent.append(message["Subject"])

        def quit(self):
            raise smtplib.SMTPResponseException(421, b"closing, too busy to say goodbye")

        def close(self):
            pass

    monkeypatch.setattr(smtplib, "SMTP", GrumpyServer)
    SmtpMailer("smtp://127.0.0.1:2525").send(message("Receipt"), key="k")
    assert sent == ["Receipt"]

"""Where rendered emails go: files under ``instance/mail/`` by default, SMTP when configured."""

from __future__ import annotations

import contextlib
import os
import re
import smtplib
import ssl
import tempfile
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit


class Mailer(Protocol):
    def send(self, message: EmailMessage, *, key: str) -> None: ...


class FileMailer:
    """Writes each message as ``<key>.eml``; sending the same key again replaces the file."""

    def __init__(self, directory: str | os.PathLike):
        self.directory = Path(directory)

    def send(self, message: EmailMessage, *, key: str) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        target = self.directory / (safe_file_name(key) + ".eml")
        with tempfile.NamedTemporaryFile("wb", dir=self.directory, delete=False, suffix=".tmp") as f:
            f.write(message.as_bytes())
        os.replace(f.name, target)


class SmtpMailer:
    """Sends through ``smtp://user:pass@host:port`` (``?starttls=1``) or ``smtps://``."""

    def __init__(self, url: str, timeout: float = 30):
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps"):
            raise ValueError("SMTP_URL must start with smtp:// or smtps://")
        self.use_ssl = parts.scheme == "smtps"
        self.starttls = parse_qs(parts.query).get("starttls", ["0"])[0] in ("1", "true")
        self.host = parts.hostname or "localhost"
        self.port = parts.port or (465 if self.use_ssl else 25)
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.timeout = timeout

    def send(self, message: EmailMessage, *, key: str) -> None:
        tls = ssl.create_default_context()  # verify the server's certificate and name
        if self.use_ssl:
            client = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=tls)
        else:
            client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            if self.starttls:
                client.starttls(context=tls)
            if self.username:
                client.login(self.username, self.password or "")
            client.send_message(message)
        except BaseException:
            client.close()
            raise
        # Accepted: an error saying goodbye must not make the message look unsent (it would go twice).
        with contextlib.suppress(smtplib.SMTPException, OSError):
            client.quit()


def safe_file_name(key: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", key)[:180]


def mailer_from_config(config: dict) -> Mailer:
    if config.get("SMTP_URL"):
        return SmtpMailer(config["SMTP_URL"])
    return FileMailer(config["MAIL_DIR"])

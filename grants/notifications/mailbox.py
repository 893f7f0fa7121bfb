"""Reading the development mailbox (``instance/mail/``): what the file mailer wrote."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path


@dataclass(frozen=True)
class StoredMail:
    name: str
    subject: str
    recipient: str
    written_at: datetime
    text: str


def _parse(path: Path) -> StoredMail:
    message: EmailMessage = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    body = message.get_body(preferencelist=("plain",))
    return StoredMail(
        name=path.stem,
        subject=str(message["Subject"] or ""),
        recipient=str(message["To"] or ""),
        written_at=datetime.fromtimestamp(path.stat().st_mtime, UTC),
        text=body.get_content() if body is not None else "",
    )


def list_mail(directory: str, limit: int = 100) -> list[StoredMail]:
    folder = Path(directory)
    if not folder.is_dir():
        return []
    files = sorted(folder.glob("*.eml"), key=lambda p: p.stat().st_mtime, reverse=True)[:limit]
    return [_parse(path) for path in files]


def read_mail(directory: str, name: str) -> StoredMail | None:
    """The stored message called ``name``; None for unknown names or any path trickery."""
    folder = Path(directory).resolve()
    candidate = (folder / f"{name}.eml").resolve()
    if candidate.parent != folder or not candidate.is_file():
        return None
    return _parse(candidate)

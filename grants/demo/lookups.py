"""Finding what the demo seeded earlier: its people by email and the Flagship programme's funders."""

from sqlalchemy import select

from grants.accounts.models import User
from grants.calls.models import Funder, Programme
from grants.extensions import db


def demo_user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def flagship() -> tuple[Programme, tuple[Funder, Funder]]:
    """The Flagship Challenge Programme and its two funders (UKRI, MOST)."""
    programme = db.session.scalar(select(Programme).where(Programme.code == "FCP"))
    funders = tuple(db.session.scalar(select(Funder).where(Funder.short_name == n)) for n in ("UKRI", "MOST"))
    return programme, funders

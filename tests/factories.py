"""Test data builders, behind the one ``factory`` fixture."""

import itertools

from flask import current_app

from grants.accounts.models import Institution, User, UserRole
from grants.accounts.roles import Role
from grants.accounts.services import two_factor
from grants.notifications.delivery import deliver_message
from grants.notifications.models import OutboxMessage
from grants.security import totp
from grants.security.passwords import hash_password
from grants.timeutil import utcnow
from tests.award_factories import AwardFactoryMixin
from tests.call_factories import CallFactoryMixin
from tests.review_factories import ReviewFactoryMixin

_counter = itertools.count(1)
# Every factory-made account with two-factor on shares this secret; ``totp_code`` gives its code.
TOTP_SECRET = "GRANTSTESTSECRETGRANTSTESTSECRET"


def two_factor_fields() -> dict:
    """User columns for two-factor turned on with ``TOTP_SECRET`` (sealed with the app's key)."""
    return {
        "totp_secret": totp.seal(TOTP_SECRET, current_app.config["SECRET_KEY"]),
        "totp_enabled_at": utcnow(),
    }


def give_required_two_factor(user: User) -> None:
    """Turn two-factor on with ``TOTP_SECRET`` for a bulk-seeded officer or admin, whom the
    enrolment guard would otherwise send to set it up."""
    if two_factor.must_enrol(user):
        for name, value in two_factor_fields().items():
            setattr(user, name, value)


def totp_code(moment=None) -> str:
    """The code an authenticator app holding ``TOTP_SECRET`` shows now (or at ``moment``)."""
    return totp.code_at(TOTP_SECRET, moment or utcnow())


class Factory(CallFactoryMixin, ReviewFactoryMixin, AwardFactoryMixin):
    PASSWORD = "wheat-rust-2018-trial"

    def __init__(self, session):
        self.session = session

    def institution(self, name=None, country="GB", email_domain=None) -> Institution:
        n = next(_counter)
        institution = Institution(name=name or f"Institute {n}", country=country, email_domain=email_domain)
        self.session.add(institution)
        self.session.flush()
        return institution

    def user(
        self, *, email=None, name=None, roles=(), verified=True, password=None, two_factor=None, **fields
    ) -> User:
        """A person; officers and admins (roles that require it) come with two-factor on, using
        ``TOTP_SECRET``, unless ``two_factor`` says otherwise."""
        n = next(_counter)
        if two_factor is None:
            two_factor = any(
                Role(role).value in current_app.config["TWO_FACTOR_REQUIRED_ROLES"] for role in roles
            )
        if two_factor:
            fields = {**two_factor_fields(), **fields}
        user = User(
            email=email or f"person{n}@example.org",
            full_name=name or f"Person {n}",
            password_hash=hash_password(password or self.PASSWORD),
            email_verified_at=utcnow() if verified else None,
            role_rows=[UserRole(role=Role(role).value) for role in roles],
            **fields,
        )
        self.session.add(user)
        self.session.flush()
        return user

    def outbox(self, template=None, recipient=None) -> list[OutboxMessage]:
        query = self.session.query(OutboxMessage).order_by(OutboxMessage.id)
        if template:
            query = query.filter(OutboxMessage.template == template)
        if recipient:
            query = query.filter(OutboxMessage.recipient_email == recipient)
        return query.all()

    def deliver_all(self) -> int:
        """Deliver every pending message the way the worker does; returns how many went."""
        sent = sum(deliver_message(m.id) == "sent" for m in self.outbox() if m.state == "pending")
        self.session.commit()
        return sent

    def link_in(self, message: OutboxMessage) -> str:
        """The path of the link an email carries (relative to PUBLIC_BASE_URL)."""
        link = message.context["link"]
        return "/" + link.split("://", 1)[1].split("/", 1)[1]

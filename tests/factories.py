"""Test data builders, behind the one ``factory`` fixture."""

import itertools

from grants.accounts.models import Institution, User, UserRole
from grants.accounts.roles import Role
from grants.notifications.delivery import deliver_message
from grants.notifications.models import OutboxMessage
from grants.security.passwords import hash_password
from grants.timeutil import utcnow
from tests.award_factories import AwardFactoryMixin
from tests.call_factories import CallFactoryMixin
from tests.review_factories import ReviewFactoryMixin

_counter = itertools.count(1)


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

    def user(self, *, email=None, name=None, roles=(), verified=True, password=None, **fields) -> User:
        n = next(_counter)
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

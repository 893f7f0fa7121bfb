"""Stand-ins for signed-in and anonymous users, for predicates tested without a database."""

from dataclasses import dataclass, field

from grants.accounts.roles import Role


@dataclass
class Person:
    id: int
    roles: set = field(default_factory=set)
    is_authenticated: bool = True

    def has_role(self, role):
        return role is Role.RESEARCHER or role in self.roles


class Anonymous:
    is_authenticated = False

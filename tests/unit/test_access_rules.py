"""ORCID checks, route policies and object-level predicates, without HTTP or a database."""

import pytest

from grants.accounts.orcid import normalise_orcid
from grants.accounts.roles import Role
from grants.security.policy import ADMIN, PUBLIC, SIGNED_IN, STAFF, Access
from grants.security.predicates import can_change_role, can_invite, can_manage_accounts
from tests.unit.people import Anonymous, Person


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0000-0002-1825-0097", "0000-0002-1825-0097"),
        ("0000000218250097", "0000-0002-1825-0097"),
        ("https://orcid.org/0000-0001-5109-3700", "0000-0001-5109-3700"),
        ("0000-0002-1694-233x", "0000-0002-1694-233X"),
        ("0000-0002-1825-0098", None),
        ("0000-0002-1825-009", None),
        ("0000-0002-1825-00971", None),
        ("abcd-0002-1825-0097", None),
        ("", None),
    ],
)
def test_orcid_shape_and_check_digit(raw, expected):
    assert normalise_orcid(raw) == expected


def test_policies_decide_by_sign_in_and_role():
    researcher, officer, admin = Person(1), Person(2, {Role.OFFICER}), Person(3, {Role.ADMIN})
    assert PUBLIC.decide(Anonymous()) is Access.ALLOW
    assert SIGNED_IN.decide(Anonymous()) is Access.SIGN_IN
    assert SIGNED_IN.decide(researcher) is Access.ALLOW
    assert STAFF.decide(researcher) is Access.FORBID
    assert STAFF.decide(officer) is Access.ALLOW
    assert STAFF.decide(admin) is Access.ALLOW
    assert ADMIN.decide(officer) is Access.FORBID
    assert ADMIN.decide(Anonymous()) is Access.SIGN_IN


def test_only_admins_manage_accounts_and_never_their_own_admin_role():
    admin, other_admin, officer = Person(1, {Role.ADMIN}), Person(2, {Role.ADMIN}), Person(3, {Role.OFFICER})
    assert can_manage_accounts(admin) and not can_manage_accounts(officer)
    assert not can_manage_accounts(Anonymous())
    assert can_change_role(admin, officer, Role.REVIEWER)
    assert can_change_role(admin, other_admin, Role.ADMIN)
    assert not can_change_role(admin, admin, Role.ADMIN)
    assert can_change_role(admin, admin, Role.OFFICER)
    assert not can_change_role(admin, officer, Role.RESEARCHER), "researcher is implied, not stored"
    assert not can_change_role(officer, admin, Role.REVIEWER)


def test_officers_and_admins_invite_reviewers_only():
    officer, admin, reviewer = Person(1, {Role.OFFICER}), Person(2, {Role.ADMIN}), Person(3, {Role.REVIEWER})
    assert can_invite(officer, Role.REVIEWER) and can_invite(admin, Role.REVIEWER)
    assert not can_invite(reviewer, Role.REVIEWER)
    assert not can_invite(officer, Role.OFFICER)
    assert not can_invite(Anonymous(), Role.REVIEWER)

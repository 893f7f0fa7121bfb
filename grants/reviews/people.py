"""Accounts, team members and reviewer profiles as the plain records conflict detection reads.

Duck-typed over the ORM objects so that the policy module can use it without a database query
beyond the relationships it already walks."""

from __future__ import annotations

from typing import Any

from grants.reviews.detection import Person, ReviewerPerson


def person_of_user(user: Any) -> Person:
    institution = user.institution.name if getattr(user, "institution", None) else None
    return Person(email=user.email, orcid=user.orcid, institution=institution)


def person_of_member(member: Any) -> Person:
    user = member.user
    return member_person(
        member.email,
        user.orcid if user is not None else None,
        member.institution.name if member.institution else None,
        user.institution.name if user is not None and user.institution is not None else None,
    )


def member_person(
    email: str, orcid: str | None, institution: str | None, account_institution: str | None
) -> Person:
    """A team member from plain values: the institution named on the team, else their account's
    (a page that ranks a whole call reads these as rows, not as objects)."""
    return Person(
        email=email, orcid=orcid, institution=account_institution if institution is None else institution
    )


def team_people(application: Any) -> list[Person]:
    """Everyone named on the team, joined or not: an invited co-investigator is still a conflict."""
    return [person_of_member(member) for member in application.members]


def reviewer_person(user: Any) -> ReviewerPerson:
    profile = getattr(user, "reviewer_profile", None)
    collaborators = ()
    if profile is not None:
        collaborators = tuple(Person(email=c.email, orcid=c.orcid) for c in profile.collaborators)
    return ReviewerPerson(person_of_user(user), collaborators)

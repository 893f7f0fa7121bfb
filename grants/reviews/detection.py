"""Conflicts of interest found from who people are, without asking anyone.

A reviewer conflicts with an application when they are on its team, share an institution or an
email domain with any team member, or declared any team member as a collaborator (matched by ORCID
iD or email). Email domains are cut to the part an organisation registers, using the public suffix
list, so ``cs.ed.ac.uk`` and ``ed.ac.uk`` are one institution while ``ac.uk`` and ``edu.cn`` are
nobody's; webmail domains say nothing about an employer and are ignored.

Pure functions over plain records: the services feed them from the database and the benchmark
from synthetic pools, through indexes, so a call of thousands costs one pass over its people.

Reasons are found and stored in English; ``describe_reason`` says a stored one in the reader's
language when a page shows it.
"""

from __future__ import annotations

import gc
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache

from flask_babel import gettext as _
from publicsuffixlist import PublicSuffixList

WEBMAIL_DOMAINS = frozenset(
    {
        "126.com",
        "139.com",
        "163.com",
        "aliyun.com",
        "aol.com",
        "foxmail.com",
        "gmail.com",
        "googlemail.com",
        "gmx.com",
        "gmx.de",
        "hotmail.co.uk",
        "hotmail.com",
        "icloud.com",
        "live.com",
        "mail.com",
        "me.com",
        "msn.com",
        "outlook.com",
        "proton.me",
        "protonmail.com",
        "qq.com",
        "sina.cn",
        "sina.com",
        "sohu.com",
        "tom.com",
        "yahoo.co.uk",
        "yahoo.com",
        "yandex.com",
        "yeah.net",
        "ymail.com",
        "zoho.com",
    }
)


DOCUMENTATION_DOMAINS = frozenset({"example.com", "example.net", "example.org"})

# The reasons as stored (English), and the shapes ``describe_reason`` recognises in them.
ON_TEAM = "is on the team"
SAME_INSTITUTION = "same institution as a team member ({})"
SAME_DOMAIN = "same email domain as a team member ({})"
DECLARED_COLLABORATOR = "declared collaborator of a team member ({})"
UNNAMED_COLLABORATOR = "a collaborator"
_STORED_REASON = {
    template: re.compile(re.escape(template).replace(r"\{\}", "(.*)"), re.DOTALL)
    for template in (SAME_INSTITUTION, SAME_DOMAIN, DECLARED_COLLABORATOR)
}


@lru_cache(maxsize=1)
def _suffixes() -> PublicSuffixList:
    return PublicSuffixList()


@lru_cache(maxsize=65536)
def organisation_domain(email: str | None) -> str | None:
    """The registrable domain of an email address, or None for webmail and bare public suffixes."""
    if not email or "@" not in email:
        return None
    host = email.rsplit("@", 1)[1].strip().casefold().rstrip(".")
    domain = _suffixes().privatesuffix(host)
    if domain in DOCUMENTATION_DOMAINS:
        # Reserved for examples and demos (RFC 2606): one more label names the organisation.
        labels = host.split(".")
        domain = ".".join(labels[-3:]) if len(labels) > 2 else None
    if domain is None or domain in WEBMAIL_DOMAINS:
        return None
    return domain


@dataclass(frozen=True)
class Person:
    """Who someone is, as far as conflicts go."""

    email: str | None = None
    orcid: str | None = None
    institution: str | None = None

    @property
    def keys(self) -> tuple[str, ...]:
        keys = []
        if self.email:
            keys.append("email:" + self.email.casefold())
        if self.orcid:
            keys.append("orcid:" + self.orcid)
        return tuple(keys)


@dataclass(frozen=True)
class ReviewerPerson:
    person: Person
    collaborators: Sequence[Person] = field(default_factory=tuple)


@dataclass(frozen=True)
class DetectedConflict:
    application: int
    reviewer: int
    reason: str


def detect_conflicts(
    teams: Sequence[Sequence[Person]], reviewers: Sequence[ReviewerPerson]
) -> list[DetectedConflict]:
    """Every (application index, reviewer index) pair in conflict, with the first reason found."""
    with collector_paused():
        return _detect(teams, reviewers)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Large calls build millions of small records that are all still alive, so the cyclic
    garbage collector's passes find nothing and cost half the time; pause it meanwhile."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _detect(teams: Sequence[Sequence[Person]], reviewers: Sequence[ReviewerPerson]) -> list[DetectedConflict]:
    by_identity: dict[str, set[int]] = defaultdict(set)
    by_institution: dict[str, set[int]] = defaultdict(set)
    by_domain: dict[str, set[int]] = defaultdict(set)
    for app, team in enumerate(teams):
        for member in team:
            for key in member.keys:
                by_identity[key].add(app)
            if member.institution:
                by_institution[institution_key(member.institution)].add(app)
            domain = organisation_domain(member.email)
            if domain:
                by_domain[domain].add(app)

    found: dict[tuple[int, int], str] = {}
    for index, reviewer in enumerate(reviewers):
        person = reviewer.person
        _note(found, index, _union(by_identity, person.keys), ON_TEAM)
        if person.institution:
            _note(
                found,
                index,
                by_institution.get(institution_key(person.institution), ()),
                SAME_INSTITUTION.format(person.institution),
            )
        domain = organisation_domain(person.email)
        if domain:
            _note(found, index, by_domain.get(domain, ()), SAME_DOMAIN.format(domain))
        for collaborator in reviewer.collaborators:
            label = collaborator.orcid or collaborator.email or UNNAMED_COLLABORATOR
            _note(
                found,
                index,
                _union(by_identity, collaborator.keys),
                DECLARED_COLLABORATOR.format(label),
            )
    return [DetectedConflict(app, reviewer, reason) for (app, reviewer), reason in found.items()]


def describe_reason(reason: str) -> str:
    """A stored reason in the reader's language: detection's own, translated; anything else
    (what a reviewer or an officer wrote) as it is."""
    if reason == ON_TEAM:
        return _("is on the team")
    if match := _STORED_REASON[SAME_INSTITUTION].fullmatch(reason):
        return _("same institution as a team member (%(institution)s)", institution=match[1])
    if match := _STORED_REASON[SAME_DOMAIN].fullmatch(reason):
        return _("same email domain as a team member (%(domain)s)", domain=match[1])
    if match := _STORED_REASON[DECLARED_COLLABORATOR].fullmatch(reason):
        label = _("a collaborator") if match[1] == UNNAMED_COLLABORATOR else match[1]
        return _("declared collaborator of a team member (%(collaborator)s)", collaborator=label)
    return reason


def institution_key(name: str) -> str:
    """Institution names compare without case or spacing."""
    return " ".join(name.casefold().split())


def _union(index: dict[str, set[int]], keys: Iterable[str]) -> set[int]:
    apps: set[int] = set()
    for key in keys:
        apps |= index.get(key, set())
    return apps


def _note(found: dict[tuple[int, int], str], reviewer: int, apps: Iterable[int], reason: str) -> None:
    for app in apps:
        found.setdefault((app, reviewer), reason)

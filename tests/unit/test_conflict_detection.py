"""Conflicts of interest found from who people are: team membership, institution, organisation email
domain (public-suffix aware, webmail ignored) and declared collaborators. No database."""

from __future__ import annotations

import numpy as np
import pytest

from grants.reviews.detection import (
    DetectedConflict,
    Person,
    ReviewerPerson,
    detect_conflicts,
    organisation_domain,
)
from grants.reviews.matching.problem import MatchingOptions, MatchingProblem
from grants.reviews.matching.solver import solve_assignment

ORCID_A = "0000-0002-1825-0097"
ORCID_B = "0000-0001-5109-3700"


def pairs(conflicts: list[DetectedConflict]) -> set[tuple[int, int]]:
    return {(c.application, c.reviewer) for c in conflicts}


def only_conflict(teams, reviewers) -> DetectedConflict:
    conflicts = detect_conflicts(teams, reviewers)
    assert len(conflicts) == 1, conflicts
    return conflicts[0]


def reviewer(email=None, orcid=None, institution=None, collaborators=()) -> ReviewerPerson:
    return ReviewerPerson(Person(email=email, orcid=orcid, institution=institution), tuple(collaborators))


# --------------------------------------------------------------------------------------------------
# Organisation domains
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("email", "domain"),
    [
        ("x@cs.ed.ac.uk", "ed.ac.uk"),
        ("y@ed.ac.uk", "ed.ac.uk"),
        ("z@UCL.AC.UK", "ucl.ac.uk"),
        ("li@mails.tsinghua.edu.cn", "tsinghua.edu.cn"),
        ("wang@tsinghua.edu.cn", "tsinghua.edu.cn"),
        ("a@ucl.ac.uk.", "ucl.ac.uk"),
        # Documentation domains (RFC 2606), used by demo pools: one more label names the organisation.
        ("a@uni-a.example.org", "uni-a.example.org"),
        ("a@cs.uni-a.example.org", "uni-a.example.org"),
        ("a@example.org", None),
        ("x@ac.uk", None),
        ("x@edu.cn", None),
        ("x@gmail.com", None),
        ("x@qq.com", None),
        ("x@vip.qq.com", None),
        ("x@163.com", None),
        ("not an address", None),
        ("", None),
        (None, None),
    ],
)
def test_organisation_domain_is_the_registrable_part(email, domain):
    assert organisation_domain(email) == domain


# --------------------------------------------------------------------------------------------------
# Each rule
# --------------------------------------------------------------------------------------------------


def test_same_institution_conflicts_whatever_the_case_and_spacing():
    teams = [[Person(email="pi@gmail.com", institution="University of  Edinburgh")]]
    conflict = only_conflict(teams, [reviewer(email="r@qq.com", institution=" university of edinburgh ")])
    assert (conflict.application, conflict.reviewer) == (0, 0)
    assert "same institution" in conflict.reason


def test_a_different_institution_is_no_conflict():
    teams = [[Person(institution="University of Edinburgh")]]
    assert detect_conflicts(teams, [reviewer(institution="University of Glasgow")]) == []


@pytest.mark.parametrize(
    ("team_email", "reviewer_email"),
    [
        ("pi@ed.ac.uk", "r@cs.ed.ac.uk"),
        ("pi@cs.ed.ac.uk", "r@ed.ac.uk"),
        ("pi@inf.ed.ac.uk", "r@maths.ed.ac.uk"),
        ("pi@mails.tsinghua.edu.cn", "r@tsinghua.edu.cn"),
        ("PI@Ed.Ac.Uk", "r@ed.ac.uk"),
    ],
)
def test_the_same_organisation_email_domain_conflicts_including_subdomains(team_email, reviewer_email):
    conflict = only_conflict([[Person(email=team_email)]], [reviewer(email=reviewer_email)])
    assert "same email domain" in conflict.reason


@pytest.mark.parametrize(
    ("team_email", "reviewer_email"),
    [
        ("pi@ed.ac.uk", "r@ucl.ac.uk"),  # share only the public suffix ac.uk
        ("pi@tsinghua.edu.cn", "r@pku.edu.cn"),  # share only edu.cn
        ("pi@ac.uk", "r@ac.uk"),  # a bare public suffix is nobody's
        ("pi@edu.cn", "r@edu.cn"),
        ("pi@gmail.com", "r@gmail.com"),  # webmail says nothing about an employer
        ("pi@qq.com", "r@qq.com"),
        ("pi@163.com", "r@163.com"),
        ("pi@vip.qq.com", "r@qq.com"),
    ],
)
def test_public_suffixes_and_webmail_never_make_a_conflict(team_email, reviewer_email):
    assert detect_conflicts([[Person(email=team_email)]], [reviewer(email=reviewer_email)]) == []


def test_a_reviewer_on_the_team_by_email_conflicts():
    # Webmail, so only the identity rule can fire; the email matches whatever its case.
    teams = [[Person(email="Co.Applicant@gmail.com")]]
    conflict = only_conflict(teams, [reviewer(email="co.applicant@GMAIL.com")])
    assert conflict.reason == "is on the team"


def test_a_reviewer_on_the_team_by_orcid_conflicts():
    teams = [[Person(email="pi@gmail.com", orcid=ORCID_A)]]
    conflict = only_conflict(teams, [reviewer(email="other@qq.com", orcid=ORCID_A)])
    assert conflict.reason == "is on the team"


def test_a_declared_collaborator_conflicts_by_orcid():
    teams = [[Person(email="pi@gmail.com", orcid=ORCID_A)]]
    conflict = only_conflict(teams, [reviewer(email="r@qq.com", collaborators=[Person(orcid=ORCID_A)])])
    assert "declared collaborator" in conflict.reason
    assert ORCID_A in conflict.reason


def test_a_declared_collaborator_conflicts_by_email():
    teams = [[Person(email="pi@gmail.com")]]
    conflict = only_conflict(
        teams, [reviewer(email="r@qq.com", collaborators=[Person(email="PI@gmail.com")])]
    )
    assert "declared collaborator" in conflict.reason
    assert "PI@gmail.com" in conflict.reason


def test_a_collaborator_of_someone_else_is_no_conflict():
    teams = [[Person(email="pi@gmail.com", orcid=ORCID_A)]]
    collaborator = Person(email="someone@gmail.com", orcid=ORCID_B)
    assert detect_conflicts(teams, [reviewer(email="r@qq.com", collaborators=[collaborator])]) == []


def test_every_team_member_counts_not_only_the_lead():
    teams = [[Person(email="pi@gmail.com"), Person(email="co@gmail.com", institution="Zhejiang University")]]
    conflict = only_conflict(teams, [reviewer(institution="ZHEJIANG UNIVERSITY")])
    assert "same institution" in conflict.reason


# --------------------------------------------------------------------------------------------------
# Whole pools
# --------------------------------------------------------------------------------------------------


def test_one_reason_per_pair_even_when_several_rules_fire():
    member = Person(email="pi@ed.ac.uk", orcid=ORCID_A, institution="University of Edinburgh")
    teams = [[member]]
    same_person = ReviewerPerson(member, collaborators=(Person(orcid=ORCID_A),))
    conflict = only_conflict(teams, [same_person])
    assert conflict.reason == "is on the team"


def test_each_conflict_names_the_right_application_and_reviewer():
    teams = [
        [Person(email="a@ed.ac.uk", institution="University of Edinburgh")],
        [Person(email="b@ucl.ac.uk", institution="UCL")],
        [Person(email="c@tsinghua.edu.cn", institution="Tsinghua University", orcid=ORCID_B)],
    ]
    reviewers = [
        reviewer(email="r0@inf.ed.ac.uk"),  # domain of application 0
        reviewer(email="r1@gmail.com", institution="UCL"),  # institution of application 1
        reviewer(email="r2@kcl.ac.uk", collaborators=[Person(orcid=ORCID_B)]),  # collaborator on 2
        reviewer(email="r3@pku.edu.cn", institution="Peking University"),  # clean
    ]
    conflicts = detect_conflicts(teams, reviewers)
    assert pairs(conflicts) == {(0, 0), (1, 1), (2, 2)}
    assert len(conflicts) == 3


def test_a_reviewer_can_conflict_with_several_applications():
    teams = [[Person(institution="UCL")], [Person(institution="KCL")], [Person(institution="ucl")]]
    assert pairs(detect_conflicts(teams, [reviewer(institution="UCL")])) == {(0, 0), (2, 0)}


def test_a_clean_pool_has_no_conflicts():
    teams = [
        [
            Person(email="pi@ed.ac.uk", orcid=ORCID_A, institution="University of Edinburgh"),
            Person(email="co@gmail.com", institution="Fudan University"),
        ],
        [Person(email="lead@tsinghua.edu.cn", institution="Tsinghua University")],
        [Person(email="x@qq.com")],
        [],
    ]
    reviewers = [
        reviewer(email="r@ucl.ac.uk", orcid=ORCID_B, institution="UCL"),
        reviewer(
            email="s@pku.edu.cn",
            institution="Peking University",
            collaborators=[Person(email="friend@gmail.com"), Person(orcid="0000-0003-0000-0001")],
        ),
        reviewer(email="t@gmail.com"),
        reviewer(email="u@qq.com"),
        reviewer(),  # nothing known: nothing to conflict on
    ]
    assert detect_conflicts(teams, reviewers) == []


def test_people_with_nothing_known_never_conflict_with_each_other():
    assert (
        detect_conflicts([[Person()], [Person(institution="")]], [reviewer(), reviewer(institution="")]) == []
    )


def test_no_people_no_conflicts():
    assert detect_conflicts([], [reviewer(email="r@ed.ac.uk")]) == []
    assert detect_conflicts([[Person(email="pi@ed.ac.uk")]], []) == []


def test_detected_conflicts_are_never_assigned():
    # End to end: conflicts become the ineligible pairs of a matching problem, and the engine, even
    # when every conflicted pair is the best-fitting one, never uses them.
    rng = np.random.default_rng(3)
    institutions = ["UCL", "KCL", "University of Edinburgh", "Tsinghua University", "Fudan University"]
    teams = [[Person(institution=str(rng.choice(institutions))) for _ in range(2)] for _ in range(12)]
    reviewers = [reviewer(institution=str(rng.choice(institutions))) for _ in range(9)]
    conflicts = pairs(detect_conflicts(teams, reviewers))
    assert conflicts  # the pool is small enough that some pairs collide
    eligible = np.ones((12, 9), dtype=bool)
    affinity = np.full((12, 9), 0.2)
    for app, index in conflicts:
        eligible[app, index] = False
        affinity[app, index] = 1.0
    problem = MatchingProblem(affinity, eligible, np.full(12, 3), np.full(9, 4))
    for candidates in (1, 3, 24):
        result = solve_assignment(problem, MatchingOptions(candidates=candidates))
        used = set(zip(result.app_index.tolist(), result.reviewer_index.tolist(), strict=True))
        assert not used & conflicts
        assert result.pairs > 0

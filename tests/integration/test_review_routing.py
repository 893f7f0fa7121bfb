"""Routing reviews through the services: proposals, manual edits, confirmation, gaps, conflicts."""

import pytest

from grants.demo.applications import ProposalText
from grants.errors import Conflict, ValidationError
from grants.reviews.models import ConflictOfInterest, ReviewAssignment
from grants.reviews.services import invitations, proposals
from grants.reviews.services.conflicts import declare_conflict, set_officer_conflict
from grants.reviews.services.preview import proposal_preview
from grants.timeutil import utcnow
from tests.integration.conftest import post_form


def assignments_of(db_session, call):
    return db_session.query(ReviewAssignment).filter_by(call_id=call.id).order_by(ReviewAssignment.id).all()


def test_a_confirmed_proposal_invites_the_call_s_number_of_reviewers_per_application(factory, db_session):
    officer = factory.officer()
    call, apps = factory.call_in_review(3, officer=officer, reviews_required=2)
    pool = [factory.reviewer(most=2) for _ in range(4)]

    proposal = proposals.propose_assignment(officer, call, fairness=False, mix_countries=False, now=utcnow())
    assert proposal.summary["certified"] is True
    assert proposal.summary["shortfalls"] == []
    assert len(proposal.pairs) == 6
    assert assignments_of(db_session, call) == []  # nothing is sent before confirmation

    assert proposals.confirm_proposal(officer, proposal, utcnow()) == 6
    made = assignments_of(db_session, call)
    assert sorted(a.application_id for a in made) == sorted([a.id for a in apps] * 2)
    loads = {p.id: sum(a.reviewer_id == p.id for a in made) for p in pool}
    assert max(loads.values()) <= 2
    invited = factory.outbox("review_invitation")
    assert len(invited) == 6
    assert {m.recipient_email for m in invited} <= {p.email for p in pool}
    assert proposal.state == "confirmed"


def test_a_reviewer_at_a_team_member_s_institution_is_never_proposed(factory, db_session):
    officer = factory.officer()
    call, (application,) = factory.call_in_review(1, officer=officer, reviews_required=1)
    colleague = factory.reviewer(institution=application.members[0].institution, keywords="wheat, heat")
    outsider = factory.reviewer(keywords="unrelated topic")

    proposal = proposals.propose_assignment(officer, call, fairness=False, mix_countries=False, now=utcnow())

    assert [p.reviewer_id for p in proposal.pairs] == [outsider.id]
    stored = db_session.query(ConflictOfInterest).filter_by(reviewer_id=colleague.id).one()
    assert stored.source == "detected"
    assert "same institution" in stored.reason


def test_too_few_eligible_reviewers_names_the_application_and_keeps_the_partial_assignment(factory):
    officer = factory.officer()
    call, (short, fine) = factory.call_in_review(2, officer=officer, reviews_required=3)
    factory.reviewer(institution=short.members[0].institution)  # conflicted with ``short`` only
    factory.reviewer()
    factory.reviewer()

    proposal = proposals.propose_assignment(officer, call, fairness=False, mix_countries=False, now=utcnow())

    (shortfall,) = proposal.summary["shortfalls"]
    assert shortfall["application_id"] == short.id
    assert shortfall["missing"] == 1
    assert "only 2 eligible reviewers for 3 places" in shortfall["reason"]
    assert sum(p.application_id == short.id for p in proposal.pairs) == 2
    assert sum(p.application_id == fine.id for p in proposal.pairs) == 3


def test_a_pool_smaller_than_the_demand_reports_the_gap_and_which_applications_are_short(factory):
    officer = factory.officer()
    call, apps = factory.call_in_review(3, officer=officer, reviews_required=2)
    factory.reviewer(most=2)
    factory.reviewer(most=2)

    proposal = proposals.propose_assignment(officer, call, fairness=False, mix_countries=False, now=utcnow())

    assert proposal.summary["capacity_gap"] == 2
    assert len(proposal.pairs) == 4
    assert sum(s["missing"] for s in proposal.summary["shortfalls"]) == 2
    short_ids = {s["application_id"] for s in proposal.summary["shortfalls"]}
    assert short_ids <= {a.id for a in apps}
    for entry in proposal.summary["shortfalls"]:
        assert "review limit" in entry["reason"]


def test_running_again_fills_only_the_gap_a_decline_left(factory, db_session):
    officer = factory.officer()
    call, (_application,) = factory.call_in_review(1, officer=officer, reviews_required=2)
    first, second, spare = (factory.reviewer() for _ in range(3))
    proposal = proposals.propose_assignment(officer, call, fairness=False, mix_countries=False, now=utcnow())
    proposals.confirm_proposal(officer, proposal, utcnow())
    held = {a.reviewer_id: a for a in assignments_of(db_session, call)}
    accepted_id, declined_id = sorted(held)
    invitations.accept_invitation(held[accepted_id].reviewer, held[accepted_id], utcnow())
    invitations.decline_invitation(held[declined_id].reviewer, held[declined_id], "On leave.", utcnow())

    again = proposals.propose_assignment(officer, call, fairness=False, mix_countries=False, now=utcnow())

    assert len(again.pairs) == 1
    (unused,) = {first.id, second.id, spare.id} - set(held)
    assert again.pairs[0].reviewer_id == unused
    assert held[accepted_id].state == "accepted"  # never moved


def test_a_decline_suggests_the_best_free_replacement_and_the_officer_can_invite_them(factory, db_session):
    officer = factory.officer()
    _call, (application,) = factory.call_in_review(1, officer=officer, reviews_required=1)
    invited = factory.reviewer(keywords="wheat, heat stress")
    good = factory.reviewer(keywords="wheat, heat")
    factory.reviewer(keywords="marine biology")
    assignment = invitations.invite(officer, application, invited, utcnow())

    with pytest.raises(ValidationError, match="why you decline"):
        invitations.decline_invitation(invited, assignment, "  ", utcnow())
    invitations.decline_invitation(invited, assignment, "Too busy this month.", utcnow())

    assert assignment.suggested_reviewer_id == good.id
    replacement = invitations.invite_replacement(officer, assignment, utcnow())
    assert replacement.reviewer_id == good.id and replacement.state == "invited"
    assert factory.outbox("review_invitation", recipient=good.email)


def test_manual_pairs_are_checked_for_conflicts_loads_and_places(factory):
    officer = factory.officer()
    call, (one, two) = factory.call_in_review(2, officer=officer, reviews_required=1)
    conflicted = factory.reviewer(institution=one.members[1].institution)  # may review ``two`` only
    busy = factory.reviewer(most=1)
    proposal = proposals.propose_assignment(officer, call, fairness=False, mix_countries=False, now=utcnow())
    assert {(p.application_id, p.reviewer_id) for p in proposal.pairs} == {
        (one.id, busy.id),
        (two.id, conflicted.id),
    }

    with pytest.raises(ValidationError, match="conflict of interest: same institution"):
        proposals.add_pair(officer, proposal, one.id, conflicted.id, utcnow())
    with pytest.raises(ValidationError, match="their limit is 1"):
        proposals.add_pair(officer, proposal, two.id, busy.id, utcnow())
    extra = factory.reviewer()
    with pytest.raises(ValidationError, match="already has 1 of its 1 reviewers"):
        proposals.add_pair(officer, proposal, one.id, extra.id, utcnow())

    busy_pair = next(p for p in proposal.pairs if p.reviewer_id == busy.id)
    proposals.remove_pair(officer, proposal, busy_pair.id)
    pair = proposals.add_pair(officer, proposal, one.id, extra.id, utcnow())
    assert pair.manual and pair.explanation["text"] >= 0
    preview = proposal_preview(proposal)
    assert {load.reviewer.id: load.total for load in preview.loads} == {conflicted.id: 1, extra.id: 1}


def test_confirmation_is_refused_whole_when_a_conflict_appeared_after_the_preview(factory, db_session):
    officer = factory.officer()
    call, (application,) = factory.call_in_review(1, officer=officer, reviews_required=2)
    a, b = factory.reviewer(), factory.reviewer()
    proposal = proposals.propose_assignment(officer, call, fairness=False, mix_countries=False, now=utcnow())
    set_officer_conflict(officer, application, b, "Former PhD supervisor of the lead.", utcnow())

    with pytest.raises(ValidationError, match="conflict of interest"):
        proposals.confirm_proposal(officer, proposal, utcnow())
    db_session.rollback()
    assert assignments_of(db_session, call) == []
    del a


def test_a_declared_conflict_takes_the_reviewer_off_and_is_recorded(factory, db_session):
    officer = factory.officer()
    _call, (application,) = factory.call_in_review(1, officer=officer, reviews_required=1)
    reviewer = factory.reviewer()
    assignment = invitations.invite(officer, application, reviewer, utcnow())

    declare_conflict(reviewer, assignment, "I co-authored two papers with the lead last year.", utcnow())

    assert assignment.state == "cancelled"
    conflict = db_session.query(ConflictOfInterest).filter_by(reviewer_id=reviewer.id).one()
    assert conflict.source == "declared"
    with pytest.raises(ValidationError, match=r"conflict of interest: I co-authored .* last year\.$"):
        invitations.invite(officer, application, reviewer, utcnow())


def test_routing_waits_for_the_call_to_close(factory):
    officer = factory.officer()
    call = factory.call(officer=officer)
    with pytest.raises(Conflict, match="once the call has closed"):
        proposals.propose_assignment(officer, call, fairness=False, mix_countries=False, now=utcnow())


def test_mixing_countries_gives_each_application_a_reviewer_from_outside_when_the_pool_allows(factory):
    officer = factory.officer()
    call, apps = factory.call_in_review(2, officer=officer, reviews_required=2)
    for _ in range(4):
        factory.reviewer(country="GB", keywords="wheat, heat stress, field trials")
    outsiders = {factory.reviewer(country="NL", keywords="ocean shipping").id for _ in range(2)}

    plain = proposals.propose_assignment(officer, call, fairness=False, mix_countries=False, now=utcnow())
    assert not {p.reviewer_id for p in plain.pairs} & outsiders
    mixed = proposals.propose_assignment(officer, call, fairness=False, mix_countries=True, now=utcnow())
    for application in apps:
        chosen = {p.reviewer_id for p in mixed.pairs if p.application_id == application.id}
        assert chosen & outsiders
    assert plain.state == "discarded"


def test_bids_pull_an_eager_reviewer_in_and_push_an_unwilling_one_out(factory, app, client, sign_in):
    officer = factory.officer()
    call, (application,) = factory.call_in_review(1, officer=officer, reviews_required=1)
    call.invites_bids = True
    expert = factory.reviewer(keywords="wheat, heat stress")
    keen = factory.reviewer(keywords="marine biology")
    plain = proposals.propose_assignment(officer, call, fairness=False, mix_countries=False, now=utcnow())
    assert [p.reviewer_id for p in plain.pairs] == [expert.id]

    sign_in(expert)
    assert post_form(client, f"/bids/{application.id}", {"level": "not_willing"}).status_code == 303
    keen_client = app.test_client()
    sign_in(keen, http_client=keen_client)
    page = keen_client.get(f"/calls/{call.id}/bids").get_data(as_text=True)
    assert application.title in page
    assert post_form(keen_client, f"/bids/{application.id}", {"level": "eager"}).status_code == 303
    assert post_form(keen_client, f"/bids/{application.id}", {"level": "keen?"}).status_code == 303  # refused

    bid_driven = proposals.propose_assignment(
        officer, call, fairness=False, mix_countries=False, now=utcnow()
    )
    assert [p.reviewer_id for p in bid_driven.pairs] == [keen.id]
    assert bid_driven.pairs[0].explanation["bid"] == "eager"


def test_taking_a_reviewer_off_needs_a_reason_and_tells_them(factory):
    officer = factory.officer()
    call, (application,) = factory.call_in_review(1, officer=officer, reviews_required=1)
    reviewer = factory.reviewer()
    assignment = invitations.invite(officer, application, reviewer, utcnow())
    with pytest.raises(ValidationError, match="reason for taking the reviewer off"):
        invitations.cancel_assignment(officer, assignment, " ", utcnow())
    invitations.cancel_assignment(officer, assignment, "The panel changed its scope.", utcnow())
    assert assignment.state == "cancelled"
    (email,) = factory.outbox("review_cancelled", recipient=reviewer.email)
    assert email.context["reason"] == "The panel changed its scope."
    assert call.state == "reviewing"  # the first invitation started reviewing


def test_a_short_pool_gives_every_application_a_first_reviewer_unless_told_otherwise(factory):
    officer = factory.officer()
    call, apps = factory.call_in_review(
        2,
        officer=officer,
        reviews_required=2,
        texts=[
            ProposalText(title="Wheat under heat", keywords="wheat, heat stress"),
            ProposalText(title="Fish farming", keywords="marine biology", priority_area="Food safety"),
        ],
    )
    factory.reviewer(most=1, keywords="wheat, heat stress")
    factory.reviewer(most=1, keywords="wheat, heat stress")

    spread = proposals.propose_assignment(officer, call, fairness=False, mix_countries=False, now=utcnow())
    assert {p.application_id for p in spread.pairs} == {a.id for a in apps}
    assert spread.options["spread_shortfall"] is True

    best_fit = proposals.propose_assignment(
        officer, call, fairness=False, mix_countries=False, now=utcnow(), spread_shortfall=False
    )
    assert {p.application_id for p in best_fit.pairs} == {apps[0].id}
    assert [s["missing"] for s in best_fit.summary["shortfalls"]] == [2]

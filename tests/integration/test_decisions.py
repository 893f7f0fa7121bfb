"""Deciding a call: drafts against the envelopes, overspending refused, nothing visible to
applicants before release, and what release does."""

import pytest

from grants.audit.models import AuditEvent
from grants.awards.services.decisions import decide_reserve, draft_decision, release_decisions
from grants.awards.services.envelopes import envelope_positions
from grants.awards.services.offers import withdraw_offer
from grants.errors import Conflict, PermissionDenied, ValidationError
from grants.timeutil import utcnow


def positions_by_currency(call):
    return {p.currency: p for p in envelope_positions(call)}


def test_an_award_across_two_currencies_keeps_each_envelope_exact_to_the_minor_unit(factory):
    call, (first, second), officer = factory.deciding_call(2)
    uk, cn = call.funders
    factory.decide(officer, first, amounts={uk.id: "123,456.78", cn.id: "987,654.32"})
    factory.decide(officer, second, amounts={uk.id: "0.01", cn.id: "1,000,000.99"})
    envelope = positions_by_currency(call)
    assert envelope["GBP"].committed_minor == 12_345_678 + 1
    assert envelope["GBP"].remaining_minor == 200_000_000 - 12_345_679
    assert envelope["CNY"].committed_minor == 98_765_432 + 100_000_099
    assert envelope["CNY"].remaining_minor == 1_800_000_000 - 198_765_531

    release_decisions(officer, call, utcnow())
    factory.session.flush()
    # After release the same money is held by the awards' payments, to the fen.
    after = positions_by_currency(call)
    assert after["GBP"].committed_minor == 12_345_679
    assert after["CNY"].committed_minor == 198_765_531
    for application, gbp, cny in ((first, 12_345_678, 98_765_432), (second, 1, 100_000_099)):
        award = application.award
        assert {f.currency: f.amount_minor for f in award.fundings} == {"GBP": gbp, "CNY": cny}
        for currency, total in (("GBP", gbp), ("CNY", cny)):
            assert sum(p.amount_minor for p in award.payments if p.currency == currency) == total
            assert sum(b.amount_minor for b in award.budget if b.currency == currency) == total


def test_overspending_an_envelope_is_shown_and_its_release_refused(factory):
    call, applications, officer = factory.deciding_call(2)
    uk, cn = call.funders
    uk.envelope_minor = 30_000_000  # £300,000: room for one £200,000 award, not two
    for application in applications:
        factory.decide(officer, application, amounts={uk.id: "200,000", cn.id: "1"})
    position = positions_by_currency(call)["GBP"]
    assert position.over_minor == 10_000_000
    with pytest.raises(Conflict, match=r"overspend .*£100,000.00"):
        release_decisions(officer, call, utcnow())
    factory.session.flush()
    assert call.state == "reviewing"
    assert all(a.state == "under_review" for a in applications)
    assert factory.outbox("decision_released") == []


def test_an_award_above_the_funders_maximum_is_refused_on_its_field(factory):
    call, (application, _), officer = factory.deciding_call(2)
    uk = call.funders[0]
    with pytest.raises(ValidationError) as refused:
        draft_decision(
            officer,
            application,
            outcome="award",
            rationale="Strong.",
            amounts={uk.id: "200,000.01"},
            now=utcnow(),
        )
    assert refused.value.field == f"amount_{uk.id}"


def test_a_rationale_is_required_and_nothing_is_recorded_without_it(factory):
    _call, (application, _), officer = factory.deciding_call(2)
    with pytest.raises(ValidationError) as refused:
        draft_decision(officer, application, outcome="reject", rationale="  ", now=utcnow())
    assert refused.value.field == "rationale"
    assert application.decision is None


def test_release_waits_for_every_application_to_have_a_decision(factory):
    call, (first, second), officer = factory.deciding_call(2)
    factory.decide(officer, first, "reject")
    with pytest.raises(Conflict, match=second.reference):
        release_decisions(officer, call, utcnow())


def test_a_conflicted_officer_cannot_decide(factory):
    _call, (application, _), _officer = factory.deciding_call(2)
    colleague = factory.officer(institution_id=application.lead_applicant.institution_id)
    with pytest.raises(PermissionDenied, match="conflict of interest"):
        draft_decision(colleague, application, outcome="reject", rationale="No.", now=utcnow())


def test_release_moves_everything_at_once_and_tells_every_team_member(factory):
    call, (funded, rejected, reserve), officer = factory.deciding_call(3)
    factory.decide(officer, funded)
    factory.decide(officer, rejected, "reject")
    factory.decide(officer, reserve, "waitlist")
    assert factory.outbox("decision_released") == []

    result = release_decisions(officer, call, utcnow())
    factory.session.flush()
    assert (result.awarded, result.rejected, result.waitlisted) == (1, 1, 1)
    assert call.state == "decided"
    assert [funded.state, rejected.state, reserve.state] == ["awarded", "rejected", "waitlisted"]
    assert funded.award.state == "offered" and rejected.award is None
    told = {(m.recipient_email, m.context["outcome"]) for m in factory.outbox("decision_released")}
    expected = {
        (member.user.email, outcome)
        for application, outcome in ((funded, "award"), (rejected, "reject"), (reserve, "waitlist"))
        for member in application.members
    }
    assert told == expected
    offers = factory.outbox("award_offered")
    assert {m.recipient_email for m in offers} == {m.user.email for m in funded.members if m.role == "lead"}
    actions = {e.action for e in factory.session.query(AuditEvent).filter_by(subject_type="Application")}
    assert {"decision.drafted", "decision.released", "application.awarded", "application.rejected"} <= actions
    assert "award.offered" in {
        e.action for e in factory.session.query(AuditEvent).filter_by(subject_type="Award")
    }


def test_released_feedback_carries_comments_for_applicants_never_names_or_panel_comments(factory):
    call, (application, other), officer = factory.deciding_call(2)
    reviewer = factory.submitted_review(
        officer,
        application,
        for_applicant="Clear aims; the field trials need power analysis.",
        for_panel="Between us: the PI oversells.",
    )
    factory.decide(officer, application, "reject")
    factory.decide(officer, other, "reject")
    release_decisions(officer, call, utcnow())
    factory.session.flush()
    for message in factory.outbox("decision_released"):
        if message.context["reference"] != application.reference:
            continue
        email = factory.render(message)
        assert "power analysis" in email
        assert "oversells" not in email
        assert reviewer.full_name not in email and reviewer.email not in email


def test_a_reserve_application_is_awarded_only_while_the_envelope_has_room(factory):
    call, (funded, reserve), officer = factory.deciding_call(2)
    uk, _cn = call.funders
    uk.envelope_minor = 25_000_000
    factory.decide(officer, funded, amounts={uk.id: "200,000"})
    factory.decide(officer, reserve, "waitlist")
    release_decisions(officer, call, utcnow())
    factory.session.flush()
    with pytest.raises(Conflict, match=r"£50,000\.00 left"):
        decide_reserve(
            officer,
            reserve,
            outcome="award",
            rationale="Money freed.",
            amounts={uk.id: "200,000"},
            now=utcnow(),
        )
    withdraw_offer(officer, funded.award, "Not accepted in time.", utcnow())
    decide_reserve(
        officer, reserve, outcome="award", rationale="Money freed.", amounts={uk.id: "200,000"}, now=utcnow()
    )
    factory.session.flush()
    assert reserve.state == "awarded" and reserve.award.state == "offered"
    assert positions_by_currency(call)["GBP"].committed_minor == 20_000_000


def test_a_withdrawn_application_has_its_drafted_decision_lapse(factory):
    from grants.applications.services.submission import withdraw_application

    call, (first, second), officer = factory.deciding_call(2)
    factory.decide(officer, first)
    factory.decide(officer, second, "reject")
    withdraw_application(first.lead_applicant, first, "We found another funder.", utcnow())
    # Its drafted award holds no money from the moment it is withdrawn.
    assert positions_by_currency(call)["GBP"].committed_minor == 0
    release_decisions(officer, call, utcnow())
    factory.session.flush()
    assert first.state == "withdrawn" and first.award is None
    assert positions_by_currency(call)["GBP"].committed_minor == 0


def test_a_review_cannot_be_unlocked_once_its_application_is_decided(factory):
    from grants.reviews.services.reviewing import unlock_review

    call, (application, other), officer = factory.deciding_call(2)
    factory.submitted_review(officer, application, for_applicant="Well planned.")
    factory.decide(officer, application, "reject")
    factory.decide(officer, other, "reject")
    release_decisions(officer, call, utcnow())
    review = application.review_assignments[0].review
    with pytest.raises(Conflict, match="decided"):
        unlock_review(officer, review, "Please add more.", utcnow())
    assert review.state == "submitted"

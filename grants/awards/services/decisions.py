"""Deciding a call: a draft decision per application, then one release for the whole call.

Nothing a decision says reaches applicants before release: the application's state, its page and
every email change only in ``release_decisions``. Releasing refuses while any funder's envelope is
overspent, so the money promised never exceeds the money there is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from grants.accounts.models import User
from grants.applications.models import Application
from grants.applications.services.budget import funder_totals
from grants.applications.services.common import notify_team
from grants.applications.states import ApplicationState, check_application_transition
from grants.audit.services import diff, record
from grants.awards.models import Award, Decision, DecisionAmount
from grants.awards.services.envelopes import committed_by_funder, overspend_message, overspent
from grants.awards.services.feedback import released_feedback
from grants.awards.services.mail import decision_link
from grants.awards.services.offers import offer_award
from grants.awards.states import DecisionState, Outcome
from grants.calls.models import Call
from grants.calls.services.lifecycle import mark_decided
from grants.calls.states import CallState
from grants.database import lock_and_reload
from grants.errors import Conflict, PermissionDenied, ValidationError
from grants.extensions import db
from grants.money import format_money, parse_amount, reader_money
from grants.reviews.services.invitations import close_unfinished_assignments
from grants.reviews.services.pool import REVIEWABLE_STATES, reviewable_applications
from grants.security.predicates import can_decide, can_manage_calls

RATIONALE_LIMIT = 5000
OUTCOME_STATES = {
    Outcome.AWARD: ApplicationState.AWARDED,
    Outcome.REJECT: ApplicationState.REJECTED,
    Outcome.WAITLIST: ApplicationState.WAITLISTED,
}


def require_deciding(actor: User, application: Application) -> None:
    if not can_decide(actor, application):
        raise PermissionDenied(
            _(
                "You have a conflict of interest with %(reference)s; another officer must decide it.",
                reference=application.display_reference,
            )
            if can_manage_calls(actor)
            else _("Only programme officers record decisions.")
        )


def draft_decision(
    actor: User,
    application: Application,
    *,
    outcome: str,
    rationale: str,
    amounts: dict[int, str] | None = None,
    now: datetime,
) -> Decision:
    """Record or change the draft decision on one application. Awards name an amount per funder
    (the request, unless the panel gives less); overspending is shown, and refused at release."""
    require_deciding(actor, application)
    # The call first, as the release takes it: a draft never lands between the release's
    # envelope check and its publishing.
    lock_and_reload(application.call)
    lock_and_reload(application)
    if application.call.state != CallState.REVIEWING:
        raise Conflict(_("Decisions are drafted while the call is in review."))
    if application.state not in REVIEWABLE_STATES:
        raise Conflict(
            _(
                "%(reference)s is %(state)s; it needs no decision.",
                reference=application.display_reference,
                state=application.state_label.lower(),
            )
        )
    decision = application.decision
    if decision is not None and decision.is_released:
        raise Conflict(_("This decision has been released and can no longer change."))
    try:
        chosen = Outcome(outcome)
    except ValueError:
        raise ValidationError(_("Choose award, reject or reserve list."), field="outcome") from None
    rationale = clean_rationale(rationale)
    parsed = parse_award_amounts(application, amounts or {}) if chosen is Outcome.AWARD else {}
    before = _snapshot(decision)
    if decision is None:
        decision = Decision(application=application, call_id=application.call_id)
        db.session.add(decision)
    decision.outcome = chosen.value
    decision.rationale = rationale
    decision.drafted_by_id = actor.id
    decision.drafted_at = now
    _set_amounts(decision, application, parsed)
    record(actor, "decision.drafted", application, diff(before, _snapshot(decision)))
    return decision


def clean_rationale(rationale: str | None) -> str:
    rationale = (rationale or "").strip()
    if not rationale:
        raise ValidationError(_("Give the rationale for this decision, for the record."), field="rationale")
    if len(rationale) > RATIONALE_LIMIT:
        raise ValidationError(
            _("Keep the rationale under %(limit)s characters.", limit=RATIONALE_LIMIT), field="rationale"
        )
    return rationale


def parse_award_amounts(application: Application, amounts: dict[int, str]) -> dict[int, int]:
    """Amount per call funder, in minor units; a blank amount means the full request."""
    parsed = {}
    for total in funder_totals(application):
        entry = total.call_funder
        text = (amounts.get(entry.id) or "").strip()
        field = f"amount_{entry.id}"
        minor = total.total_minor if not text else parse_amount(text, entry.currency, field=field)
        if minor > entry.max_request_minor:
            raise ValidationError(
                _(
                    "%(funder)s gives at most %(amount)s to one application.",
                    funder=entry.funder.short_name,
                    amount=reader_money(entry.max_request_minor, entry.currency),
                ),
                field=field,
            )
        parsed[entry.id] = minor
    if not any(parsed.values()):
        raise ValidationError(_("An award needs an amount from at least one funder."), field="outcome")
    return parsed


def _set_amounts(decision: Decision, application: Application, parsed: dict[int, int]) -> None:
    decision.amounts.clear()
    db.session.flush()
    currencies = {entry.id: entry.currency for entry in application.call.funders}
    for call_funder_id, minor in parsed.items():
        if minor:
            decision.amounts.append(
                DecisionAmount(
                    call_funder_id=call_funder_id, currency=currencies[call_funder_id], amount_minor=minor
                )
            )


def _snapshot(decision: Decision | None) -> dict[str, object]:
    if decision is None:
        return {}
    return {
        "outcome": decision.outcome,
        "rationale": decision.rationale,
        "amounts": {str(a.call_funder_id): a.amount_minor for a in decision.amounts},
    }


def clear_decision(actor: User, application: Application) -> None:
    """Take back a draft decision (the application goes back to undecided)."""
    require_deciding(actor, application)
    lock_and_reload(application.call)
    lock_and_reload(application)
    decision = application.decision
    if decision is None:
        return
    if decision.is_released:
        raise Conflict(_("This decision has been released and can no longer change."))
    record(actor, "decision.cleared", application, {"outcome": [decision.outcome, None]})
    db.session.delete(decision)


@dataclass(frozen=True)
class ReleaseResult:
    awarded: int
    rejected: int
    waitlisted: int


def call_decisions(call: Call) -> dict[int, Decision]:
    """Every decision of the call by application id, in one query (the decisions page lists them)."""
    return {
        d.application_id: d for d in db.session.scalars(select(Decision).where(Decision.call_id == call.id))
    }


def decided_applications(call: Call) -> list[Application]:
    """The applications the call decided on (awarded, rejected or on the reserve list)."""
    return list(
        db.session.scalars(
            select(Application)
            .join(Decision, Decision.application_id == Application.id)
            .where(Decision.call_id == call.id, Decision.state == DecisionState.RELEASED)
            .order_by(Application.reference)
        )
    )


def call_awards(call: Call) -> dict[int, Award]:
    return {a.application_id: a for a in db.session.scalars(select(Award).where(Award.call_id == call.id))}


def release_problems(call: Call) -> list[str]:
    """What stops the call's decisions from being released, in words an officer can act on."""
    problems = []
    decided = call_decisions(call)
    undecided = [a.display_reference for a in reviewable_applications(call) if a.id not in decided]
    if undecided:
        shown = (
            _("%(first)s and %(count)s more", first=", ".join(undecided[:5]), count=len(undecided) - 5)
            if len(undecided) > 5
            else ", ".join(undecided)
        )
        problems.append(
            ngettext(
                "%(num)d application has no decision yet: %(shown)s.",
                "%(num)d applications have no decision yet: %(shown)s.",
                len(undecided),
                shown=shown,
            )
        )
    over = overspent(call)
    if over:
        problems.append(overspend_message(over))
    if not call.programme.ip_terms.strip() and _drafted(call, Outcome.AWARD):
        problems.append(
            _("Awards name the programme's intellectual-property terms; write them on the programme first.")
        )
    return problems


def _drafted(call: Call, outcome: Outcome | None = None) -> list[Decision]:
    statement = select(Decision).where(Decision.call_id == call.id, Decision.state == DecisionState.DRAFT)
    if outcome is not None:
        statement = statement.where(Decision.outcome == outcome)
    return list(db.session.scalars(statement.order_by(Decision.id)))


def release_decisions(actor: User, call: Call, now: datetime) -> ReleaseResult:
    """Release every drafted decision of the call at once: applications move to their final
    states, awards are offered, each team is told (with the reviewers' comments for them), and
    the call becomes decided. Refused, changing nothing, while any problem stands."""
    if not can_manage_calls(actor):
        raise PermissionDenied(_("Only programme officers release decisions."))
    lock_and_reload(call)
    if call.state != CallState.REVIEWING:
        raise Conflict(
            _(
                "This call is %(state)s; decisions are released once, from review.",
                state=call.state_word,
            )
        )
    problems = release_problems(call)
    if problems:
        raise Conflict(_("The decisions cannot be released yet. %(problems)s", problems=" ".join(problems)))
    counts = {outcome: 0 for outcome in Outcome}
    for decision in _drafted(call):
        application = lock_and_reload(decision.application)
        if application.state not in REVIEWABLE_STATES:
            # Withdrawn while the decision was drafted: it lapses with the application.
            record(actor, "decision.lapsed", application, {"outcome": [decision.outcome, None]})
            db.session.delete(decision)
            continue
        _publish(actor, decision, now)
        counts[Outcome(decision.outcome)] += 1
    mark_decided(actor, call)
    return ReleaseResult(counts[Outcome.AWARD], counts[Outcome.REJECT], counts[Outcome.WAITLIST])


def _publish(actor: User, decision: Decision, now: datetime) -> None:
    """Apply one decision: final state, award offer, emails, audit."""
    application = decision.application
    outcome = Outcome(decision.outcome)
    if application.state == ApplicationState.SUBMITTED:
        settle_application(actor, application, ApplicationState.UNDER_REVIEW)
    settle_application(actor, application, OUTCOME_STATES[outcome])
    decision.state = DecisionState.RELEASED
    decision.released_at = now
    decision.released_by_id = actor.id
    close_unfinished_assignments(actor, application, now)
    award = offer_award(actor, application, decision.amounts, now) if outcome is Outcome.AWARD else None
    notify_team(
        application,
        "decision_released",
        f"decision_released:{application.id}:{outcome.value}",
        {
            "reference": application.record_reference,
            "title": application.title,
            "call": application.call.title,
            "outcome": outcome.value,
            "amounts": [format_money(a.amount_minor, a.currency) for a in decision.amounts] if award else [],
            "feedback": released_feedback(application),
            "link": decision_link(application),
        },
    )
    record(actor, "decision.released", application, {"outcome": [None, outcome.value]})


def settle_application(actor: User, application: Application, target: ApplicationState) -> None:
    check_application_transition(application.state, target)
    before = application.state
    application.state = target
    record(actor, f"application.{target.value}", application, {"state": [before, target.value]})


def decide_reserve(
    actor: User,
    application: Application,
    *,
    outcome: str,
    rationale: str,
    amounts: dict[int, str] | None = None,
    now: datetime,
) -> Decision:
    """Move an application off the reserve list after release: award it (when the envelopes still
    have room, say after an offer was withdrawn) or reject it. Released at once."""
    require_deciding(actor, application)
    lock_and_reload(application.call)
    lock_and_reload(application)
    decision = application.decision
    if application.state != ApplicationState.WAITLISTED or decision is None:
        raise Conflict(
            _("%(reference)s is not on the reserve list.", reference=application.display_reference)
        )
    if outcome not in (Outcome.AWARD, Outcome.REJECT):
        raise ValidationError(_("Choose award or reject."), field="outcome")
    rationale = clean_rationale(rationale)
    if outcome == Outcome.AWARD and not application.call.programme.ip_terms.strip():
        raise Conflict(
            _("Awards name the programme's intellectual-property terms; write them on the programme first.")
        )
    parsed = parse_award_amounts(application, amounts or {}) if outcome == Outcome.AWARD else {}
    committed = committed_by_funder(application.call)
    for entry in application.call.funders:
        extra = parsed.get(entry.id, 0)
        if extra and committed.get(entry.id, 0) + extra > entry.envelope_minor:
            room = max(entry.envelope_minor - committed.get(entry.id, 0), 0)
            raise Conflict(
                _(
                    "%(funder)s has %(room)s left in its envelope; this award needs %(needed)s.",
                    funder=entry.funder.short_name,
                    room=reader_money(room, entry.currency),
                    needed=reader_money(extra, entry.currency),
                ),
                field=f"amount_{entry.id}",
            )
    before = _snapshot(decision)
    decision.outcome = outcome
    decision.rationale = rationale
    decision.state = DecisionState.DRAFT
    _set_amounts(decision, application, parsed)
    record(actor, "decision.drafted", application, diff(before, _snapshot(decision)))
    _publish(actor, decision, now)
    return decision

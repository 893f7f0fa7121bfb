"""The officer's review routing page for a call: who reviews what, conflicts, and replacements."""

from flask import redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from grants.choices import options
from grants.errors import DomainError
from grants.reviews.forms import OfficerConflictForm, ProposeForm, ReasonForm
from grants.reviews.services.conflicts import remove_officer_conflict, set_officer_conflict, stored_conflicts
from grants.reviews.services.invitations import cancel_assignment, invite_replacement
from grants.reviews.services.listing import pool_overview, routing_overview
from grants.reviews.services.pool import reviewable_applications, reviewer_pool
from grants.reviews.services.proposals import pending_proposal, propose_assignment
from grants.reviews.views.blueprint import LOAD_ASSIGNMENT, LOAD_CALL, LOAD_CONFLICT, bp
from grants.security.policy import OFFICER, declare
from grants.timeutil import utcnow
from grants.web import attach_error, flash_success, perform


def pair_choices(form, call) -> tuple[dict, dict]:
    """Fill the form's application and reviewer choices; returns both, by id."""
    applications = {a.id: a for a in reviewable_applications(call)}
    reviewers = {r.id: r for r in reviewer_pool(call)}
    form.application_id.choices = options(
        [(0, _("Choose an application"))]
        + [(a.id, f"{a.display_reference}: {a.title}") for a in applications.values()]
    )
    form.reviewer_id.choices = options(
        [(0, _("Choose a reviewer"))] + [(r.id, f"{r.full_name} ({r.email})") for r in reviewers.values()]
    )
    return applications, reviewers


def _page(call, conflict_form=None, status=200):
    if conflict_form is None:
        conflict_form = OfficerConflictForm(formdata=None)
    pair_choices(conflict_form, call)
    conflicts = [row for rows in stored_conflicts(call).values() for row in rows]
    return render_template(
        "reviews/routing.html",
        call=call,
        rows=routing_overview(call),
        proposal=pending_proposal(call),
        propose_form=ProposeForm(formdata=None),
        conflict_form=conflict_form,
        conflicts=sorted(conflicts, key=lambda c: (c.application.display_reference, c.reviewer.full_name)),
        reason_form=ReasonForm(formdata=None),
        pool=pool_overview(call, utcnow()),
    ), status


@bp.get("/manage/calls/<int:call_id>/reviews")
@declare(OFFICER, load=LOAD_CALL)
def routing(call):
    return _page(call)


@bp.post("/manage/calls/<int:call_id>/reviews/propose")
@declare(OFFICER, load=LOAD_CALL)
def propose(call):
    form = ProposeForm()
    if not form.validate_on_submit():
        return _page(call, status=422)
    return perform(
        lambda: propose_assignment(
            current_user,
            call,
            fairness=form.fairness.data,
            mix_countries=form.mix_countries.data,
            spread_shortfall=form.spread_shortfall.data,
            now=utcnow(),
        ),
        back=url_for(".routing", call_id=call.id),
        forward=lambda proposal: url_for(".proposal", proposal_id=proposal.id),
    )


@bp.post("/manage/calls/<int:call_id>/conflicts")
@declare(OFFICER, load=LOAD_CALL)
def add_conflict(call):
    form = OfficerConflictForm()
    applications, reviewers = pair_choices(form, call)
    if not form.validate_on_submit():  # the choices hold only this call's applications and the pool
        return _page(call, form, 422)
    application, reviewer = applications[form.application_id.data], reviewers[form.reviewer_id.data]
    try:
        set_officer_conflict(current_user, application, reviewer, form.reason.data, utcnow())
    except DomainError as error:
        return _page(call, form, attach_error(form, error))
    flash_success(
        _(
            "Conflict recorded: %(name)s will never see %(reference)s.",
            name=reviewer.full_name,
            reference=application.display_reference,
        )
    )
    return redirect(url_for(".routing", call_id=call.id, _anchor="conflicts"), 303)


@bp.post("/manage/conflicts/<int:conflict_id>/remove")
@declare(OFFICER, load=LOAD_CONFLICT)
def remove_conflict(conflict):
    call_id = conflict.application.call_id
    return perform(
        lambda: remove_officer_conflict(current_user, conflict),
        back=url_for(".routing", call_id=call_id, _anchor="conflicts"),
        success=_("Conflict removed."),
    )


@bp.post("/manage/assignments/<int:assignment_id>/cancel")
@declare(OFFICER, load=LOAD_ASSIGNMENT)
def cancel(assignment):
    form = ReasonForm()
    return perform(
        lambda: cancel_assignment(current_user, assignment, form.reason.data or "", utcnow()),
        back=url_for(".routing", call_id=assignment.call_id),
        success=_(
            "%(name)s was taken off %(reference)s.",
            name=assignment.reviewer.full_name,
            reference=assignment.application.display_reference,
        ),
    )


@bp.post("/manage/assignments/<int:assignment_id>/replace")
@declare(OFFICER, load=LOAD_ASSIGNMENT)
def replace(assignment):
    return perform(
        lambda: invite_replacement(current_user, assignment, utcnow()),
        back=url_for(".routing", call_id=assignment.call_id),
        success=_("Replacement invited."),
    )

"""The reviewer's side: invitations, the review form, conflicts they declare, and bids."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from grants.applications.services.answers import answers_by_key, questions_for
from grants.errors import DomainError
from grants.reviews.forms import BidForm, ConflictDeclarationForm, DeclineForm, review_form_class
from grants.reviews.services import bids as bid_services
from grants.reviews.services.conflicts import declare_conflict
from grants.reviews.services.invitations import accept_invitation, decline_invitation
from grants.reviews.services.listing import bidding_calls, my_assignments
from grants.reviews.services.pool import ROUTING_STATES
from grants.reviews.services.reviewing import ReviewInput, save_review
from grants.reviews.views.blueprint import LOAD_APPLICATION, LOAD_ASSIGNMENT, LOAD_CALL, bp
from grants.reviews.views.profile import REVIEWER
from grants.security.policy import SIGNED_IN, declare
from grants.security.predicates import can_bid, can_respond_to_assignment, can_review
from grants.timeutil import utcnow
from grants.web import attach_error, flash_success, perform


@bp.get("/reviews")
@declare(REVIEWER)
def mine():
    return render_template(
        "reviews/mine.html",
        assignments=my_assignments(current_user),
        bidding_calls=bidding_calls(),
        profile=current_user.reviewer_profile,
    )


def _invitation_page(assignment, decline_form=None, conflict_form=None, status=200):
    return render_template(
        "reviews/invitation.html",
        assignment=assignment,
        application=assignment.application,
        decline_form=decline_form or DeclineForm(formdata=None),
        conflict_form=conflict_form or ConflictDeclarationForm(formdata=None),
    ), status


@bp.get("/reviews/<int:assignment_id>/invitation")
@declare(SIGNED_IN, load=LOAD_ASSIGNMENT, check=can_respond_to_assignment)
def invitation(assignment):
    return _invitation_page(assignment)


@bp.post("/reviews/<int:assignment_id>/accept")
@declare(SIGNED_IN, load=LOAD_ASSIGNMENT, check=can_respond_to_assignment)
def accept(assignment):
    return perform(
        lambda: accept_invitation(current_user, assignment, utcnow()),
        back=url_for(".review", assignment_id=assignment.id),
        success=_("Thank you. The proposal and its documents are below."),
    )


@bp.post("/reviews/<int:assignment_id>/decline")
@declare(SIGNED_IN, load=LOAD_ASSIGNMENT, check=can_respond_to_assignment)
def decline(assignment):
    form = DeclineForm()
    if not form.validate_on_submit():
        return _invitation_page(assignment, decline_form=form, status=422)
    try:
        decline_invitation(current_user, assignment, form.reason.data, utcnow())
    except DomainError as error:
        return _invitation_page(assignment, decline_form=form, status=attach_error(form, error))
    flash_success(_("You declined. The programme officer sees your reason and a suggested replacement."))
    return redirect(url_for(".mine"), 303)


@bp.post("/reviews/<int:assignment_id>/conflict")
@declare(SIGNED_IN, load=LOAD_ASSIGNMENT, check=can_respond_to_assignment)
def declare_own_conflict(assignment):
    form = ConflictDeclarationForm()
    if not form.validate_on_submit():
        return _invitation_page(assignment, conflict_form=form, status=422)
    try:
        declare_conflict(current_user, assignment, form.reason.data, utcnow())
    except DomainError as error:
        return _invitation_page(assignment, conflict_form=form, status=attach_error(form, error))
    flash_success(_("Thank you for telling us. You no longer have access to this proposal."))
    return redirect(url_for(".mine"), 303)


def _review_form(assignment, formdata=None):
    call = assignment.call
    form_class = review_form_class(call.criteria)
    if formdata is not None:
        return form_class()
    review = assignment.review
    form = form_class(formdata=None, obj=review)
    if review is not None:
        for criterion in call.criteria:
            getattr(form, f"score_{criterion.id}").data = review.score_for(criterion.id)
    return form


def _review_page(assignment, form, status=200):
    application = assignment.application
    return render_template(
        "reviews/review.html",
        assignment=assignment,
        application=application,
        review=assignment.review,
        form=form,
        criteria=assignment.call.criteria,
        questions=questions_for(application),
        answers=answers_by_key(application),
        blind=assignment.call.double_blind,
    ), status


@bp.get("/reviews/<int:assignment_id>")
@declare(SIGNED_IN, load=LOAD_ASSIGNMENT, check=can_review)
def review(assignment):
    return _review_page(assignment, _review_form(assignment))


@bp.post("/reviews/<int:assignment_id>")
@declare(SIGNED_IN, load=LOAD_ASSIGNMENT, check=can_review)
def save(assignment):
    form = _review_form(assignment, formdata=request.form)
    if not form.validate_on_submit():
        return _review_page(assignment, form, 422)
    submit = request.form.get("action") == "submit"
    data = ReviewInput(
        scores={c.id: getattr(form, f"score_{c.id}").data for c in assignment.call.criteria},
        recommendation=form.recommendation.data or None,
        comments_for_applicant=form.comments_for_applicant.data or "",
        comments_for_panel=form.comments_for_panel.data or "",
        no_conflict_declared=form.no_conflict_declared.data,
    )
    try:
        save_review(current_user, assignment, data, utcnow(), submit=submit)
    except DomainError as error:
        return _review_page(assignment, form, attach_error(form, error))
    if submit:
        flash_success(_("Review submitted. Thank you."))
        return redirect(url_for(".mine"), 303)
    flash_success(_("Draft saved. Come back to it at any time; nothing is shared until you submit."))
    return redirect(url_for(".review", assignment_id=assignment.id), 303)


@bp.get("/calls/<int:call_id>/bids")
@declare(REVIEWER, load=LOAD_CALL)
def bids(call):
    if not call.invites_bids or call.state not in ROUTING_STATES:
        abort(404)
    return render_template(
        "reviews/bids.html",
        call=call,
        rows=bid_services.biddable_applications(call, current_user),
        form=BidForm(),
    )


@bp.post("/bids/<int:application_id>")
@declare(REVIEWER, load=LOAD_APPLICATION, check=can_bid)
def place_bid(application):
    form = BidForm()
    back = url_for(".bids", call_id=application.call_id, _anchor=f"application-{application.id}")
    if not form.validate_on_submit():
        flash(_("Choose eager, willing, not willing or no bid."), "error")
        return redirect(back, 303)
    return perform(
        lambda: bid_services.place_bid(current_user, application, form.level.data or "", utcnow()),
        back=back,
        success=_("Bid saved."),
    )

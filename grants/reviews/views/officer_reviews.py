"""Officers read an application's reviews, unlock a submitted one, and rank the call."""

from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from grants.reviews.forms import ReasonForm
from grants.reviews.services.ranking import ranking_page
from grants.reviews.services.reviewing import unlock_review
from grants.reviews.services.scoring import application_scores, disagreement, display_scale
from grants.reviews.views.blueprint import LOAD_APPLICATION, LOAD_CALL, LOAD_REVIEW, bp
from grants.security.policy import OFFICER, declare
from grants.security.predicates import can_see_scores, can_unlock_review
from grants.timeutil import utcnow
from grants.web import page_number, perform


@bp.get("/manage/applications/<int:application_id>/reviews")
@declare(OFFICER, load=LOAD_APPLICATION, check=can_see_scores)
def application_reviews(application):
    call = application.call
    row = application_scores(call, application)
    assignments = sorted(application.review_assignments, key=lambda a: a.id)
    return render_template(
        "reviews/application_reviews.html",
        application=application,
        call=call,
        row=row,
        disagreement=row is not None and disagreement(call, row),
        assignments=assignments,
        scale=display_scale(call),
        reason_form=ReasonForm(formdata=None),
    )


@bp.post("/manage/reviews/<int:review_id>/unlock")
@declare(OFFICER, load=LOAD_REVIEW, check=can_unlock_review)
def unlock(review):
    form = ReasonForm()
    return perform(
        lambda: unlock_review(current_user, review, form.reason.data or "", utcnow()),
        back=url_for(".application_reviews", application_id=review.assignment.application_id),
        success=_("Unlocked. The reviewer has been told what to change."),
    )


@bp.get("/manage/calls/<int:call_id>/ranking")
@declare(OFFICER, load=LOAD_CALL)
def call_ranking(call):
    sort = request.args.get("sort", "calibrated")
    direction = request.args.get("direction")
    ascending = None if direction not in ("asc", "desc") else direction == "asc"
    result = ranking_page(call, current_user, sort, ascending, page=page_number())
    return render_template(
        "reviews/ranking.html",
        call=call,
        ranking=result,
        disagreement=lambda row: disagreement(call, row),
    )

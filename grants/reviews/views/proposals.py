"""The officer's preview of an automatic assignment: edit by hand, then confirm or discard."""

from flask import redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from grants.errors import DomainError
from grants.reviews.forms import PairForm
from grants.reviews.services import proposals as proposal_services
from grants.reviews.services.preview import proposal_preview
from grants.reviews.views.blueprint import LOAD_PROPOSAL, bp
from grants.reviews.views.routing import pair_choices
from grants.security.policy import OFFICER, declare
from grants.timeutil import utcnow
from grants.web import attach_error, flash_success, perform


def _page(proposal, form=None, status=200):
    if form is None:
        form = PairForm(formdata=None)
    pair_choices(form, proposal.call)
    return render_template(
        "reviews/proposal.html", call=proposal.call, preview=proposal_preview(proposal), form=form
    ), status


@bp.get("/manage/proposals/<int:proposal_id>")
@declare(OFFICER, load=LOAD_PROPOSAL)
def proposal(proposal):
    return _page(proposal)


@bp.post("/manage/proposals/<int:proposal_id>/pairs")
@declare(OFFICER, load=LOAD_PROPOSAL)
def add_pair(proposal):
    form = PairForm()
    pair_choices(form, proposal.call)
    if not form.validate_on_submit():
        return _page(proposal, form, 422)
    try:
        pair = proposal_services.add_pair(
            current_user, proposal, form.application_id.data, form.reviewer_id.data, utcnow()
        )
    except DomainError as error:
        return _page(proposal, form, attach_error(form, error))
    flash_success(
        _(
            "%(name)s added to %(reference)s.",
            name=pair.reviewer.full_name,
            reference=pair.application.display_reference,
        )
    )
    return redirect(
        url_for(".proposal", proposal_id=proposal.id, _anchor=f"application-{pair.application_id}"), 303
    )


@bp.post("/manage/proposals/<int:proposal_id>/pairs/<int:pair_id>/remove")
@declare(OFFICER, load=LOAD_PROPOSAL)
def remove_pair(proposal, pair_id: int):
    return perform(
        lambda: proposal_services.remove_pair(current_user, proposal, pair_id),
        back=url_for(".proposal", proposal_id=proposal.id),
        success=_("Reviewer taken out of the proposal."),
    )


@bp.post("/manage/proposals/<int:proposal_id>/confirm")
@declare(OFFICER, load=LOAD_PROPOSAL)
def confirm(proposal):
    return perform(
        lambda: proposal_services.confirm_proposal(current_user, proposal, utcnow()),
        back=url_for(".proposal", proposal_id=proposal.id),
        forward=lambda count: url_for(".routing", call_id=proposal.call_id),
        success=_("Confirmed. The reviewers have been sent their invitations."),
    )


@bp.post("/manage/proposals/<int:proposal_id>/discard")
@declare(OFFICER, load=LOAD_PROPOSAL)
def discard(proposal):
    return perform(
        lambda: proposal_services.discard_proposal(current_user, proposal),
        back=url_for(".routing", call_id=proposal.call_id),
        success=_("Proposal discarded; no one was invited."),
    )

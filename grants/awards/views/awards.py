"""An award as its team and its officers see it: what is due, the money, the reports, the letter
and the agreement."""

from flask import Response, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from grants.applications.services.budget import CATEGORY_LABELS
from grants.audit.services import history_of
from grants.awards.forms import AgreementForm
from grants.awards.history import change_label, field_label, value_label
from grants.awards.letter import acceptance_text, build_letter, letter_opening
from grants.awards.letter_pdf import render_letter_pdf
from grants.awards.services.offers import accept_agreement, lead_members, offer_lapsed
from grants.awards.services.payments import award_today, payment_blockers
from grants.awards.services.portfolio import due_items, holder_awards
from grants.awards.views.blueprint import LOAD_AWARD, bp, form_page
from grants.security.policy import SIGNED_IN, declare
from grants.security.predicates import can_accept_agreement, can_manage_award, can_view_award
from grants.timeutil import utcnow


@bp.get("/awards")
@declare(SIGNED_IN)
def mine():
    now = utcnow()
    awards = holder_awards(current_user)
    return render_template(
        "awards/mine.html",
        awards=awards,
        next_due={a.id: due_items(a, now, award_today(a, now))[:1] for a in awards},
    )


@bp.get("/awards/<int:award_id>")
@declare(SIGNED_IN, load=LOAD_AWARD, check=can_view_award)
def show(award):
    now = utcnow()
    today = award_today(award, now)
    managing = can_manage_award(current_user, award)
    return render_template(
        "awards/show.html",
        award=award,
        application=award.application,
        due=due_items(award, now, today),
        today=today,
        lapsed=offer_lapsed(award, now),
        leads=lead_members(award.application),
        accepted={a.user_id: a for a in award.acceptances},
        can_accept=can_accept_agreement(current_user, award)
        and not any(a.user_id == current_user.id for a in award.acceptances),
        managing=managing,
        blockers={p.id: payment_blockers(p, today) for p in award.payments} if managing else {},
        history=history_of(award) if managing else [],
    )


@bp.get("/awards/<int:award_id>/letter")
@declare(SIGNED_IN, load=LOAD_AWARD, check=can_view_award)
def letter(award):
    return render_template("awards/letter.html", award=award, letter=build_letter(award))


@bp.get("/awards/<int:award_id>/letter.pdf")
@declare(SIGNED_IN, load=LOAD_AWARD, check=can_view_award)
def letter_pdf(award):
    return Response(
        render_letter_pdf(build_letter(award)),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="award-letter-{award.reference}.pdf"'},
    )


@bp.route("/awards/<int:award_id>/agreement", methods=["GET", "POST"])
@declare(SIGNED_IN, load=LOAD_AWARD, check=can_view_award)
def agreement(award):
    form = AgreementForm()
    return form_page(
        form,
        lambda: accept_agreement(current_user, award, utcnow()),
        heading=_("Award agreement: %(reference)s", reference=award.reference),
        back=url_for(".show", award_id=award.id),
        success=_("Thank you: you have accepted the agreement."),
        submit=_("Accept the agreement"),
        template="awards/agreement.html",
        award=award,
        letter=build_letter(award),
        leads=lead_members(award.application),
        accepted={a.user_id: a for a in award.acceptances},
        can_accept=can_accept_agreement(current_user, award)
        and not any(a.user_id == current_user.id for a in award.acceptances),
    )


@bp.context_processor
def _letter_helpers() -> dict:
    return {
        "letter_opening": letter_opening,
        "acceptance_text": acceptance_text,
        "category_label": lambda category: CATEGORY_LABELS.get(category, category.capitalize()),
        "change_label": change_label,
        "field_label": field_label,
        "value_label": value_label,
    }

"""Forms for decisions and awards: shape only; the rules are in services."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from grants.applications.services.budget import CATEGORY_LABELS
from grants.awards.states import Outcome
from grants.choices import options
from grants.numbers import row_id

RATIONALE_HINT = _l("For the record and the panel: applicants never see it.")
CATEGORY_CHOICES = options(CATEGORY_LABELS.items())


class DecisionForm(FlaskForm):
    outcome = RadioField(
        _l("Decision"),
        choices=options((o.value, o.lazy_label) for o in Outcome),
        validators=[DataRequired(_l("Choose a decision."))],
    )
    rationale = TextAreaField(_l("Rationale"), [Optional(), Length(max=5000)], description=RATIONALE_HINT)


class ReserveForm(FlaskForm):
    outcome = RadioField(
        _l("Decision"),
        choices=options([(Outcome.AWARD.value, _l("Award")), (Outcome.REJECT.value, _l("Reject"))]),
        validators=[DataRequired(_l("Choose award or reject."))],
    )
    rationale = TextAreaField(_l("Rationale"), [Optional(), Length(max=5000)], description=RATIONALE_HINT)


class ReleaseForm(FlaskForm):
    confirm = BooleanField(
        _l("I have checked the decisions. Release them to the applicants now."),
        [DataRequired(_l("Tick the box to confirm the release."))],
    )


class TermsForm(FlaskForm):
    ip_terms = TextAreaField(
        _l("Intellectual-property terms"),
        [Optional(), Length(max=20000)],
        description=_l(
            "Markdown. Every award agreement of this programme names these terms; "
            "awards already offered keep the terms they were offered with."
        ),
    )


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), [Optional(), Length(max=2000)])


class NewEndForm(FlaskForm):
    end_date = DateField(_l("New end date"), [Optional()])
    reason = TextAreaField(_l("Reason"), [Optional(), Length(max=2000)])


class NewStartForm(FlaskForm):
    start_date = DateField(_l("New start date"), [Optional()])
    reason = TextAreaField(_l("Reason"), [Optional(), Length(max=2000)])


class TransferForm(FlaskForm):
    call_funder_id = SelectField(_l("Funder"), coerce=row_id)
    from_category = SelectField(_l("From"), choices=CATEGORY_CHOICES)
    to_category = SelectField(_l("To"), choices=CATEGORY_CHOICES)
    amount = StringField(_l("Amount"), [Optional(), Length(max=30)])
    reason = TextAreaField(_l("Reason"), [Optional(), Length(max=2000)])


class MilestoneForm(FlaskForm):
    title = StringField(_l("Milestone"), [Optional(), Length(max=200)])
    due_date = DateField(_l("Due date"), [Optional()])


class AchievedForm(FlaskForm):
    achieved_on = DateField(_l("Achieved on"), [Optional()])
    note = TextAreaField(_l("What was achieved"), [Optional(), Length(max=2000)])


class DeadlineForm(FlaskForm):
    deadline = DateField(_l("Accept by (end of this day, in the call's time zone)"), [Optional()])


class PaymentForm(FlaskForm):
    paid_on = DateField(_l("Paid on"), [Optional()])
    reference = StringField(
        _l("Payment reference"),
        [Optional(), Length(max=80)],
        description=_l("The reference in the finance system or on the bank transfer."),
    )


class ReportForm(FlaskForm):
    summary = TextAreaField(_l("Summary of progress"), [Optional(), Length(max=20000)])
    outcomes = TextAreaField(
        _l("Outputs and outcomes"),
        [Optional(), Length(max=20000)],
        description=_l("Publications, data, patents, people trained."),
    )
    problems = TextAreaField(_l("Problems and changes to the plan"), [Optional(), Length(max=20000)])


class ReportFileForm(FlaskForm):
    file = FileField(_l("Attach a PDF"))


class ReportReviewForm(FlaskForm):
    note = TextAreaField(
        _l("Note to the team"),
        [Optional(), Length(max=20000)],
        description=_l("Required when you ask for changes."),
    )


class AgreementForm(FlaskForm):
    agree = BooleanField(
        _l(
            "I accept this award and its terms, including the intellectual-property provisions, "
            "on behalf of my side of the project."
        ),
        [DataRequired(_l("Tick the box to accept the agreement."))],
    )


def with_amount_fields(form_class: type[FlaskForm], totals) -> type[FlaskForm]:
    """``form_class`` plus an amount field per funder, ``amount_<call funder id>``, hinting the
    application's request and the funder's maximum."""

    class WithAmounts(form_class):
        pass

    for total in totals:
        entry = total.call_funder
        field = StringField(
            f"{entry.funder.short_name} ({entry.currency})",
            [Optional(), Length(max=30)],
            description=_(  # built per request, so the reader's language is known (and escaped)
                "Requested %(requested)s; at most %(maximum)s.",
                requested=total.text,
                maximum=total.maximum_text,
            ),
            render_kw={"inputmode": "decimal"},
        )
        setattr(WithAmounts, f"amount_{entry.id}", field)
    return WithAmounts

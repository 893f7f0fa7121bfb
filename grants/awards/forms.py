"""Forms for decisions and awards: shape only; the rules are in services."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from grants.applications.services.budget import CATEGORY_LABELS
from grants.awards.states import Outcome
from grants.choices import options

RATIONALE_HINT = "For the record and the panel: applicants never see it."
CATEGORY_CHOICES = options(CATEGORY_LABELS.items())


class DecisionForm(FlaskForm):
    outcome = RadioField(
        "Decision",
        choices=options((o.value, o.label) for o in Outcome),
        validators=[DataRequired("Choose a decision.")],
    )
    rationale = TextAreaField("Rationale", [Optional(), Length(max=5000)], description=RATIONALE_HINT)


class ReserveForm(FlaskForm):
    outcome = RadioField(
        "Decision",
        choices=options([(Outcome.AWARD.value, "Award"), (Outcome.REJECT.value, "Reject")]),
        validators=[DataRequired("Choose award or reject.")],
    )
    rationale = TextAreaField("Rationale", [Optional(), Length(max=5000)], description=RATIONALE_HINT)


class ReleaseForm(FlaskForm):
    confirm = BooleanField(
        "I have checked the decisions. Release them to the applicants now.",
        [DataRequired("Tick the box to confirm the release.")],
    )


class TermsForm(FlaskForm):
    ip_terms = TextAreaField(
        "Intellectual-property terms",
        [Optional(), Length(max=20000)],
        description="Markdown. Every award agreement of this programme names these terms; "
        "awards already offered keep the terms they were offered with.",
    )


class ReasonForm(FlaskForm):
    reason = TextAreaField("Reason", [Optional(), Length(max=2000)])


class NewEndForm(FlaskForm):
    end_date = DateField("New end date", [Optional()])
    reason = TextAreaField("Reason", [Optional(), Length(max=2000)])


class NewStartForm(FlaskForm):
    start_date = DateField("New start date", [Optional()])
    reason = TextAreaField("Reason", [Optional(), Length(max=2000)])


class TransferForm(FlaskForm):
    call_funder_id = SelectField("Funder", coerce=int)
    from_category = SelectField("From", choices=CATEGORY_CHOICES)
    to_category = SelectField("To", choices=CATEGORY_CHOICES)
    amount = StringField("Amount", [Optional(), Length(max=30)])
    reason = TextAreaField("Reason", [Optional(), Length(max=2000)])


class MilestoneForm(FlaskForm):
    title = StringField("Milestone", [Optional(), Length(max=200)])
    due_date = DateField("Due date", [Optional()])


class AchievedForm(FlaskForm):
    achieved_on = DateField("Achieved on", [Optional()])
    note = TextAreaField("What was achieved", [Optional(), Length(max=2000)])


class DeadlineForm(FlaskForm):
    deadline = DateField("Accept by (end of this day, in the call's time zone)", [Optional()])


class PaymentForm(FlaskForm):
    paid_on = DateField("Paid on", [Optional()])
    reference = StringField(
        "Payment reference",
        [Optional(), Length(max=80)],
        description="The reference in the finance system or on the bank transfer.",
    )


class ReportForm(FlaskForm):
    summary = TextAreaField("Summary of progress", [Optional(), Length(max=20000)])
    outcomes = TextAreaField(
        "Outputs and outcomes",
        [Optional(), Length(max=20000)],
        description="Publications, data, patents, people trained.",
    )
    problems = TextAreaField("Problems and changes to the plan", [Optional(), Length(max=20000)])


class ReportFileForm(FlaskForm):
    file = FileField("Attach a PDF")


class ReportReviewForm(FlaskForm):
    note = TextAreaField(
        "Note to the team", [Optional(), Length(max=20000)], description="Required when you ask for changes."
    )


class AgreementForm(FlaskForm):
    agree = BooleanField(
        "I accept this award and its terms, including the intellectual-property provisions, "
        "on behalf of my side of the project.",
        [DataRequired("Tick the box to accept the agreement.")],
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
            description=f"Requested {total.text}; at most {total.maximum_text}.",
            render_kw={"inputmode": "decimal"},
        )
        setattr(WithAmounts, f"amount_{entry.id}", field)
    return WithAmounts

"""Forms for reviewers and for officers routing reviews: shape only; the rules are in services."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from grants.choices import options
from grants.reviews.matching.affinity import Bid
from grants.reviews.models import DEFAULT_MAX_REVIEWS
from grants.reviews.states import Recommendation


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ProfileForm(FlaskForm):
    keywords = TextAreaField(
        "Expertise keywords",
        [DataRequired("Give at least one expertise keyword."), Length(max=2000)],
        description="Separated by commas, e.g. soil microbiome, wheat breeding, food safety testing.",
    )
    statement = TextAreaField(
        "Research statement",
        [Optional(), Length(max=5000)],
        description="A few sentences on your research; up to 400 words. It is matched against proposals.",
    )
    areas = MultiCheckboxField("Subject areas", [Optional()])
    max_reviews_per_call = IntegerField(
        "Most reviews you will take per call",
        [InputRequired("Enter a number."), NumberRange(0, 50, "Choose between 0 and 50.")],
        default=DEFAULT_MAX_REVIEWS,
    )


class CollaboratorForm(FlaskForm):
    name = StringField("Name", [DataRequired("Enter the collaborator's name."), Length(max=200)])
    email = StringField("Email", [Optional(), Length(max=254)])
    orcid = StringField("ORCID iD", [Optional(), Length(max=40)], description="e.g. 0000-0002-1825-0097")


class UnavailableForm(FlaskForm):
    starts_on = DateField("First day", [InputRequired("Enter the first day.")])
    ends_on = DateField("Last day", [InputRequired("Enter the last day.")])
    note = StringField("Note (optional)", [Optional(), Length(max=200)])


class DeclineForm(FlaskForm):
    reason = TextAreaField(
        "Why are you declining?",
        [DataRequired("Tell the programme officer briefly why you decline."), Length(max=2000)],
    )


class ConflictDeclarationForm(FlaskForm):
    reason = TextAreaField(
        "How do you know the applicants?",
        [DataRequired("Say briefly how you know the applicants."), Length(max=2000)],
        description="For example: a co-author in the last three years, or a former student.",
    )


class ReasonForm(FlaskForm):
    reason = TextAreaField("Reason", [DataRequired("Give a reason."), Length(max=2000)])


class ProposeForm(FlaskForm):
    fairness = BooleanField(
        "Raise the weakest match",
        description="First make the weakest reviewer-application pair as strong as the pool allows, "
        "then maximise the total.",
    )
    spread_shortfall = BooleanField(
        "Spread any shortfall",
        default=True,
        description="If the pool cannot give every review, first give every application it can at "
        "least one reviewer, rather than leaving the applications that fit the pool worst with none.",
    )
    mix_countries = BooleanField(
        "Mix countries",
        description="Give every application at least one reviewer from outside the applicants' "
        "countries, wherever the pool allows.",
    )


class PairForm(FlaskForm):
    application_id = SelectField("Application", [DataRequired("Choose an application.")], coerce=int)
    reviewer_id = SelectField("Reviewer", [DataRequired("Choose a reviewer.")], coerce=int)


class OfficerConflictForm(PairForm):
    reason = StringField("Reason", [DataRequired("Give the reason for the conflict."), Length(max=2000)])


class BidForm(FlaskForm):
    level = RadioField(
        "Your bid",
        choices=options([(b.value, b.label) for b in Bid] + [("", "No bid")]),
        validators=[Optional()],
        default="",
    )


def review_form_class(criteria) -> type[FlaskForm]:
    """A review form with one score field per criterion of the call's rubric."""

    class ReviewForm(FlaskForm):
        recommendation = RadioField(
            "Overall recommendation",
            choices=options((r.value, r.label) for r in Recommendation),
            validators=[Optional()],
        )
        comments_for_applicant = TextAreaField(
            "Comments for the applicants",
            [Optional(), Length(max=20000)],
            description="Shared with the applicants, without your name, once decisions are released. "
            "At least 20 words.",
        )
        comments_for_panel = TextAreaField(
            "Confidential comments for the panel",
            [Optional(), Length(max=20000)],
            description="Seen only by programme officers and the panel, never by the applicants.",
        )
        no_conflict_declared = BooleanField(
            "I declare that I have no conflict of interest with this application or its team."
        )

    for criterion in criteria:
        choices = options(
            [("", "Not scored yet")]
            + [(str(v), str(v)) for v in range(criterion.scale_min, criterion.scale_max + 1)]
        )
        setattr(
            ReviewForm,
            f"score_{criterion.id}",
            SelectField(
                criterion.name,
                [Optional()],
                choices=choices,
                description=criterion.guidance,
                coerce=lambda value: int(value) if value not in (None, "") else None,
            ),
        )
    return ReviewForm

"""Forms for reviewers and for officers routing reviews: shape only; the rules are in services."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
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
from grants.numbers import row_id
from grants.reviews.matching.affinity import Bid
from grants.reviews.models import DEFAULT_MAX_REVIEWS
from grants.reviews.states import Recommendation


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ProfileForm(FlaskForm):
    keywords = TextAreaField(
        _l("Expertise keywords"),
        [DataRequired(_l("Give at least one expertise keyword.")), Length(max=2000)],
        description=_l("Separated by commas, e.g. soil microbiome, wheat breeding, food safety testing."),
    )
    statement = TextAreaField(
        _l("Research statement"),
        [Optional(), Length(max=5000)],
        description=_l("A few sentences on your research; up to 400 words. It is matched against proposals."),
    )
    areas = MultiCheckboxField(_l("Subject areas"), [Optional()])
    max_reviews_per_call = IntegerField(
        _l("Most reviews you will take per call"),
        [InputRequired(_l("Enter a number.")), NumberRange(0, 50, _l("Choose between 0 and 50."))],
        default=DEFAULT_MAX_REVIEWS,
    )


class CollaboratorForm(FlaskForm):
    name = StringField(_l("Name"), [DataRequired(_l("Enter the collaborator's name.")), Length(max=200)])
    email = StringField(_l("Email"), [Optional(), Length(max=254)])
    orcid = StringField(
        _l("ORCID iD"), [Optional(), Length(max=40)], description=_l("e.g. 0000-0002-1825-0097")
    )


class UnavailableForm(FlaskForm):
    starts_on = DateField(_l("First day"), [InputRequired(_l("Enter the first day."))])
    ends_on = DateField(_l("Last day"), [InputRequired(_l("Enter the last day."))])
    note = StringField(_l("Note (optional)"), [Optional(), Length(max=200)])


class DeclineForm(FlaskForm):
    reason = TextAreaField(
        _l("Why are you declining?"),
        [DataRequired(_l("Tell the programme officer briefly why you decline.")), Length(max=2000)],
    )


class ConflictDeclarationForm(FlaskForm):
    reason = TextAreaField(
        _l("How do you know the applicants?"),
        [DataRequired(_l("Say briefly how you know the applicants.")), Length(max=2000)],
        description=_l("For example: a co-author in the last three years, or a former student."),
    )


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), [DataRequired(_l("Give a reason.")), Length(max=2000)])


class ProposeForm(FlaskForm):
    fairness = BooleanField(
        _l("Raise the weakest match"),
        description=_l(
            "First make the weakest reviewer-application pair as strong as the pool allows, "
            "then maximise the total."
        ),
    )
    spread_shortfall = BooleanField(
        _l("Spread any shortfall"),
        default=True,
        description=_l(
            "If the pool cannot give every review, first give every application it can at "
            "least one reviewer, rather than leaving the applications that fit the pool worst with none."
        ),
    )
    mix_countries = BooleanField(
        _l("Mix countries"),
        description=_l(
            "Give every application at least one reviewer from outside the applicants' "
            "countries, wherever the pool allows."
        ),
    )


class PairForm(FlaskForm):
    application_id = SelectField(
        _l("Application"), [DataRequired(_l("Choose an application."))], coerce=row_id
    )
    reviewer_id = SelectField(_l("Reviewer"), [DataRequired(_l("Choose a reviewer."))], coerce=row_id)


class OfficerConflictForm(PairForm):
    reason = StringField(
        _l("Reason"), [DataRequired(_l("Give the reason for the conflict.")), Length(max=2000)]
    )


class BidForm(FlaskForm):
    level = RadioField(_l("Your bid"), validators=[Optional()], default="")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Built per request, so the labels are in the reader's language.
        self.level.choices = options([(b.value, b.label) for b in Bid] + [("", _("No bid"))])


def review_form_class(criteria) -> type[FlaskForm]:
    """A review form with one score field per criterion of the call's rubric."""

    class ReviewForm(FlaskForm):
        recommendation = RadioField(
            _l("Overall recommendation"),
            choices=options((r.value, r.label) for r in Recommendation),
            validators=[Optional()],
        )
        comments_for_applicant = TextAreaField(
            _l("Comments for the applicants"),
            [Optional(), Length(max=20000)],
            description=_l(
                "Shared with the applicants, without your name, once decisions are released. "
                "At least 20 words."
            ),
        )
        comments_for_panel = TextAreaField(
            _l("Confidential comments for the panel"),
            [Optional(), Length(max=20000)],
            description=_l("Seen only by programme officers and the panel, never by the applicants."),
        )
        no_conflict_declared = BooleanField(
            _l("I declare that I have no conflict of interest with this application or its team.")
        )

    for criterion in criteria:
        # The criterion's name and guidance are the officer's words: shown as written.
        choices = options(
            [("", _("Not scored yet"))]
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

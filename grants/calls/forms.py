"""Forms officers use to set up programmes, funders and calls: shape only; rules are in the services."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from grants.accounts.reference import time_zones
from grants.calls.questions import QuestionKind
from grants.choices import country_options, options
from grants.money import COMMON_CURRENCIES
from grants.numbers import row_id

LOCAL_TIME_FORMAT = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]
MARKDOWN_HELP = _l("Markdown: **bold**, *italic*, [links](https://…), lists and ## headings.")


class ProgrammeForm(FlaskForm):
    name = StringField(
        _l("Programme name"), [DataRequired(_l("Enter the programme's name.")), Length(max=200)]
    )
    code = StringField(
        _l("Reference code"),
        [DataRequired(_l("Enter a code.")), Length(max=12)],
        description=_l("Starts every application reference, like FCP in FCP-2018-0042."),
    )
    description = TextAreaField(_l("Description"), [Optional(), Length(max=5000)])


class FunderForm(FlaskForm):
    name = StringField(_l("Funder name"), [DataRequired(_l("Enter the funder's name.")), Length(max=200)])
    short_name = StringField(_l("Short name"), [DataRequired(_l("Enter a short name.")), Length(max=40)])
    country = SelectField(_l("Country"), [DataRequired(_l("Choose the country."))])
    currency = SelectField(_l("Currency"), [DataRequired(_l("Choose the currency."))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = country_options()
        self.currency.choices = options((code, code) for code in COMMON_CURRENCIES)


class CallForm(FlaskForm):
    title = StringField(_l("Title"), [DataRequired(_l("Enter the call's title.")), Length(max=200)])
    reference_prefix = StringField(
        _l("Reference prefix"),
        [DataRequired(_l("Enter a prefix.")), Length(max=24)],
        description=_l("Applications are numbered from it: FCP-2018 gives FCP-2018-0001."),
    )
    summary = TextAreaField(_l("Summary"), [Optional(), Length(max=5000)], description=MARKDOWN_HELP)
    guidance = TextAreaField(
        _l("Guidance for applicants"), [Optional(), Length(max=50000)], description=MARKDOWN_HELP
    )
    time_zone = SelectField(
        _l("The call's time zone"),
        [DataRequired(_l("Choose a time zone."))],
        description=_l("Opening and closing times are in this zone."),
    )
    opens_local = DateTimeLocalField(
        _l("Opens"), [InputRequired(_l("Give the opening time."))], format=LOCAL_TIME_FORMAT
    )
    closes_local = DateTimeLocalField(
        _l("Closes"), [InputRequired(_l("Give the closing time."))], format=LOCAL_TIME_FORMAT
    )
    min_duration_months = IntegerField(
        _l("Shortest project (months)"),
        [InputRequired(_l("Give a number of months.")), NumberRange(1, 120)],
        default=12,
    )
    max_duration_months = IntegerField(
        _l("Longest project (months)"),
        [InputRequired(_l("Give a number of months.")), NumberRange(1, 120)],
        default=36,
    )
    reviews_required = IntegerField(
        _l("Reviews per application"), [InputRequired(_l("Give a number.")), NumberRange(1, 10)], default=3
    )
    review_due_local = DateTimeLocalField(_l("Reviews due"), [Optional()], format=LOCAL_TIME_FORMAT)
    requires_lead_per_country = BooleanField(
        _l("Every application needs a lead investigator from each funder's country (bilateral call)")
    )
    double_blind = BooleanField(
        _l("Double-blind review"),
        description=_l(
            "Reviewers see proposals without the team's names, institutions or contact details. "
            "Applicants are told to keep their documents anonymous."
        ),
    )
    invites_bids = BooleanField(
        _l("Invite reviewers to bid"),
        description=_l(
            "After the call closes, reviewers say which proposals they are eager, willing or "
            "not willing to review; the automatic assignment takes it into account."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.time_zone.choices = options((zone, zone.replace("_", " ")) for zone in time_zones())


class CallFunderForm(FlaskForm):
    funder_id = SelectField(_l("Funder"), [DataRequired(_l("Choose a funder."))], coerce=row_id)
    envelope = StringField(
        _l("Budget envelope"),
        [DataRequired(_l("Enter the envelope."))],
        description=_l("In the funder's currency, like 2,000,000."),
    )
    max_request = StringField(
        _l("Most one application may ask for"), [DataRequired(_l("Enter the maximum."))]
    )


class PriorityAreasForm(FlaskForm):
    priority_areas = TextAreaField(
        _l("Priority areas"),
        [Optional(), Length(max=4000)],
        description=_l("One per line, in the order applicants should see them."),
    )


class CriterionForm(FlaskForm):
    name = StringField(_l("Criterion"), [DataRequired(_l("Name the criterion.")), Length(max=120)])
    guidance = TextAreaField(_l("Guidance for reviewers"), [Optional(), Length(max=5000)])
    weight = IntegerField(
        _l("Weight"),
        [InputRequired(_l("Give a weight.")), NumberRange(1, 100)],
        default=1,
        description=_l("Relative share of the overall score."),
    )
    scale_min = IntegerField(_l("Lowest score"), [InputRequired(_l("Give the lowest score."))], default=1)
    scale_max = IntegerField(_l("Highest score"), [InputRequired(_l("Give the highest score."))], default=5)


class QuestionForm(FlaskForm):
    kind = SelectField(_l("Kind of answer"), [DataRequired(_l("Choose the kind of answer."))])
    label = StringField(_l("Question"), [DataRequired(_l("Write the question.")), Length(max=300)])
    help_text = TextAreaField(_l("Help text"), [Optional(), Length(max=2000)])
    required = BooleanField(_l("An answer is required"), default=True)
    word_limit = IntegerField(
        _l("Word limit"), [Optional(), NumberRange(1, 5000)], description=_l("Long text only.")
    )
    max_length = IntegerField(
        _l("Character limit"), [Optional(), NumberRange(1, 20000)], description=_l("Text only.")
    )
    min_value = IntegerField(_l("Smallest number"), [Optional()], description=_l("Number only."))
    max_value = IntegerField(_l("Largest number"), [Optional()], description=_l("Number only."))
    options = TextAreaField(
        _l("Options"), [Optional(), Length(max=5000)], description=_l("Choices only: one per line.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = options((kind.value, kind.label) for kind in QuestionKind)


class CallFilterForm(FlaskForm):
    """The public list's filters: a GET form, so no CSRF token."""

    class Meta:
        csrf = False

    priority_area = SelectField(_l("Priority area"), [Optional()])
    funder = SelectField(_l("Funder"), [Optional()])
    country = SelectField(_l("Country"), [Optional()])

"""Starting a draft and saving its written details."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _

from grants.accounts.models import Institution, User
from grants.applications.models import Application, MemberRole, TeamMember
from grants.applications.services.answers import move_to_current_questions
from grants.applications.services.common import claim_content_edit, require_editable
from grants.audit.services import record
from grants.calls.models import Call
from grants.calls.services.question_sets import current_question_set
from grants.errors import Conflict, PermissionDenied, ValidationError
from grants.extensions import db
from grants.i18n import reader_day
from grants.text_limits import count_words

ABSTRACT_WORD_LIMIT = 500
ABSTRACT_CHARACTER_LIMIT = 6000
MAX_KEYWORDS = 10


def start_application(
    actor: User, call: Call, *, title: str, country: str, institution_id: int | None, now: datetime
) -> Application:
    """A new draft with ``actor`` as lead applicant and their side's lead investigator."""
    if not call.accepts_submissions(now):
        raise Conflict(_("This call is not accepting applications now."))
    if not actor.is_verified:
        raise PermissionDenied(_("Confirm your email address before starting an application."))
    title = _clean_title(title)
    if country not in call.countries:
        raise ValidationError(_("Choose the side you apply from."), field="country")
    institution = db.session.get(Institution, institution_id) if institution_id else actor.institution
    if institution is None:
        raise ValidationError(_("Choose your institution."), field="institution_id")
    application = Application(
        call=call,
        lead_applicant_id=actor.id,
        title=title,
        question_set=current_question_set(call),
        content_updated_at=now,
        content_updated_by_id=actor.id,
        created_at=now,
    )
    application.members.append(
        TeamMember(
            user_id=actor.id,
            email=actor.email,
            full_name=actor.full_name,
            role=MemberRole.LEAD,
            country=country,
            institution_id=institution.id,
            invited_at=now,
            accepted_at=now,
        )
    )
    db.session.add(application)
    record(actor, "application.started", application, {"call": [None, call.reference_prefix]})
    return application


@dataclass
class DetailsInput:
    title: str
    abstract: str
    priority_area: str
    keywords: str
    start_date: date | None
    duration_months: int | None


def save_details(
    actor: User,
    application: Application,
    details: DetailsInput,
    *,
    expected_version: int | None,
    now: datetime,
) -> Application:
    """Save the proposal's details. Blank parts are allowed in a draft (the checklist reports
    them); values that break a rule are refused whole, so nothing half-saves."""
    require_editable(actor, application, now)
    call = application.call
    values = {
        "title": _clean_title(details.title),
        "abstract": _clean_abstract(details.abstract),
        "priority_area": _clean_area(call, details.priority_area),
        "keywords": _clean_keywords(details.keywords),
        "start_date": _clean_start(call, details.start_date),
        "duration_months": _clean_duration(call, details.duration_months),
    }
    claim_content_edit(actor, application, expected_version, now, part="details")
    changed = [name for name, value in values.items() if getattr(application, name) != value]
    for name in changed:
        setattr(application, name, values[name])
    move_to_current_questions(application)
    if changed:
        record(actor, "application.details_saved", application, {"fields": changed})
    return application


def _clean_title(title: str | None) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise ValidationError(_("Give the project a title."), field="title")
    if len(title) > 250:
        raise ValidationError(_("Keep the title under 250 characters."), field="title")
    return title


def _clean_abstract(abstract: str | None) -> str:
    abstract = (abstract or "").strip()
    if len(abstract) > ABSTRACT_CHARACTER_LIMIT:
        raise ValidationError(
            _("Keep the abstract under %(limit)s characters.", limit=f"{ABSTRACT_CHARACTER_LIMIT:,}"),
            field="abstract",
        )
    words = count_words(abstract)
    if words > ABSTRACT_WORD_LIMIT:
        raise ValidationError(
            _(
                "Keep the abstract to %(limit)s words; it has %(words)s.",
                limit=ABSTRACT_WORD_LIMIT,
                words=words,
            ),
            field="abstract",
        )
    return abstract


def _clean_area(call: Call, area: str | None) -> str | None:
    area = (area or "").strip() or None
    if area is not None and area not in call.area_names:
        raise ValidationError(_("Choose one of the call's priority areas."), field="priority_area")
    return area


def _clean_keywords(keywords: str | None) -> str:
    items = list(dict.fromkeys(item.strip() for item in (keywords or "").split(",") if item.strip()))
    if len(items) > MAX_KEYWORDS:
        raise ValidationError(_("Give at most %(limit)s keywords.", limit=MAX_KEYWORDS), field="keywords")
    joined = ", ".join(items)
    if len(joined) > 500:
        raise ValidationError(_("Keep the keywords under 500 characters."), field="keywords")
    return joined


def _clean_start(call: Call, start: date | None) -> date | None:
    if start is None:
        return None
    closing_day = call.closes_at.astimezone(call.zone).date()
    if start <= closing_day:
        raise ValidationError(
            _("Projects start after the call closes (%(day)s).", day=reader_day(closing_day)),
            field="start_date",
        )
    if start.year > closing_day.year + 3:
        raise ValidationError(_("Choose a start date within three years of the call."), field="start_date")
    return start


def _clean_duration(call: Call, months: int | None) -> int | None:
    if months is None:
        return None
    if not call.min_duration_months <= months <= call.max_duration_months:
        raise ValidationError(
            _(
                "This call funds projects of %(shortest)s to %(longest)s months.",
                shortest=call.min_duration_months,
                longest=call.max_duration_months,
            ),
            field="duration_months",
        )
    return months

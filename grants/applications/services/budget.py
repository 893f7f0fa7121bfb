"""Budget lines per funder, year and category, in the funder's currency as integer minor units."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from grants.accounts.models import User
from grants.applications.models import Application, BudgetCategory, BudgetLine
from grants.applications.services.common import require_editable
from grants.audit.services import record
from grants.calls.models import CallFunder
from grants.errors import NotFound, ValidationError
from grants.money import format_money, parse_amount, reader_money

MAX_BUDGET_LINES = 200
CATEGORY_LABELS = {
    BudgetCategory.STAFF: _l("Staff"),
    BudgetCategory.EQUIPMENT: _l("Equipment"),
    BudgetCategory.TRAVEL: _l("Travel and subsistence"),
    BudgetCategory.CONSUMABLES: _l("Consumables"),
    BudgetCategory.OTHER: _l("Other"),
}


def project_years(application: Application) -> int:
    """Years a budget may cover: the project's duration rounded up, or the call's longest."""
    months = application.duration_months or application.call.max_duration_months
    return max(1, math.ceil(months / 12))


def add_budget_line(
    actor: User,
    application: Application,
    *,
    call_funder_id: int,
    year: int,
    category: str,
    description: str,
    amount: str,
    now: datetime,
) -> BudgetLine:
    require_editable(actor, application, now)
    call_funder = next((entry for entry in application.call.funders if entry.id == call_funder_id), None)
    if call_funder is None:
        raise ValidationError(_("Choose one of the call's funders."), field="call_funder_id")
    if not 1 <= year <= project_years(application):
        raise ValidationError(
            _("Choose a year from 1 to %(last)s.", last=project_years(application)), field="year"
        )
    try:
        category = BudgetCategory(category).value
    except ValueError:
        raise ValidationError(_("Choose a category."), field="category") from None
    description = " ".join((description or "").split())
    if not description or len(description) > 200:
        raise ValidationError(_("Describe the cost in under 200 characters."), field="description")
    amount_minor = parse_amount(amount, call_funder.currency)
    if amount_minor == 0:
        raise ValidationError(_("Enter an amount above zero."), field="amount")
    if len(application.budget_lines) >= MAX_BUDGET_LINES:
        raise ValidationError(_("A budget has at most %(limit)s lines.", limit=MAX_BUDGET_LINES))
    line = BudgetLine(
        call_funder_id=call_funder.id,
        year=year,
        category=category,
        description=description,
        amount_minor=amount_minor,
        currency=call_funder.currency,
    )
    application.budget_lines.append(line)
    record(
        actor,
        "application.budget_line_added",
        application,
        {
            "line": [
                None,
                f"{call_funder.funder.short_name} year {year} {category}: "
                f"{format_money(amount_minor, call_funder.currency)}",
            ]
        },
    )
    return line


def remove_budget_line(actor: User, application: Application, line_id: int, now: datetime) -> None:
    require_editable(actor, application, now)
    line = next((item for item in application.budget_lines if item.id == line_id), None)
    if line is None:
        raise NotFound(_("That budget line is not part of this application."))
    application.budget_lines.remove(line)
    record(
        actor,
        "application.budget_line_removed",
        application,
        {"line": [f"{line.description}: {format_money(line.amount_minor, line.currency)}", None]},
    )


@dataclass(frozen=True)
class FunderTotal:
    call_funder: CallFunder
    total_minor: int

    @property
    def over_maximum(self) -> bool:
        return self.total_minor > self.call_funder.max_request_minor

    @property
    def text(self) -> str:
        return reader_money(self.total_minor, self.call_funder.currency)

    @property
    def maximum_text(self) -> str:
        return reader_money(self.call_funder.max_request_minor, self.call_funder.currency)



def funder_totals(application: Application) -> list[FunderTotal]:
    """Each funder's total request, in the order the call lists its funders."""
    return [
        FunderTotal(
            entry,
            sum(line.amount_minor for line in application.budget_lines if line.call_funder_id == entry.id),
        )
        for entry in application.call.funders
    ]

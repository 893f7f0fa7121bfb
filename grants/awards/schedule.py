"""Pure arithmetic of an award's life: splitting money exactly, and when reports and payments fall.

Nothing here touches the database, so the rules are unit-tested on their own.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

# Reports are due a while after the period they cover ends.
PROGRESS_REPORT_GRACE = timedelta(days=30)
FINAL_REPORT_GRACE = timedelta(days=90)


def apportion(total: int, weights: list[int]) -> list[int]:
    """Split ``total`` minor units in proportion to ``weights``; the parts add up to ``total``
    exactly. Largest remainders get the leftover units (earlier parts first on ties). With no
    positive weight the total is split evenly."""
    if not weights:
        return []
    if total < 0 or any(w < 0 for w in weights):
        raise ValueError("apportion takes non-negative amounts")
    base = sum(weights)
    if base == 0:
        weights, base = [1] * len(weights), len(weights)
    parts = [total * w // base for w in weights]
    remainders = [total * w % base for w in weights]
    leftover = total - sum(parts)
    for index in sorted(range(len(weights)), key=lambda i: (-remainders[i], i))[:leftover]:
        parts[index] += 1
    return parts


def add_months(start: date, months: int) -> date:
    """The same day ``months`` later, clamped to the month's end (31 January + 1 = 28/29 February)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def end_date_for(start: date, duration_months: int) -> date:
    """The last day of a project that starts on ``start`` and runs ``duration_months``: the day
    before the anniversary, or the month's last day when the anniversary does not exist (a
    month from 31 January ends on the last day of February)."""
    anniversary = add_months(start, duration_months)
    return anniversary if anniversary.day < start.day else anniversary - timedelta(days=1)


def project_years(start: date, end: date) -> int:
    """How many (possibly partial) project years ``start``..``end`` spans."""
    years = 1
    while add_months(start, 12 * years) <= end:
        years += 1
    return years


@dataclass(frozen=True)
class ReportSlot:
    kind: str
    sequence: int
    period_end: date
    due_date: date


def report_schedule(start: date, end: date) -> list[ReportSlot]:
    """A progress report after each full project year that ends before the project does, and a
    final report after the end."""
    slots = []
    year = 1
    while (period_end := end_date_for(start, 12 * year)) < end:
        slots.append(ReportSlot("progress", year, period_end, period_end + PROGRESS_REPORT_GRACE))
        year += 1
    slots.append(ReportSlot("final", 1, end, end + FINAL_REPORT_GRACE))
    return slots


@dataclass(frozen=True)
class PaymentSlot:
    sequence: int
    due_on: date
    amount_minor: int


def payment_schedule(start: date, end: date, total: int, weights_by_year: list[int]) -> list[PaymentSlot]:
    """One instalment at the start of each project year, sized like the year's share of the
    requested budget; the instalments add up to ``total`` exactly."""
    years = project_years(start, end)
    weights = (list(weights_by_year) + [0] * years)[:years]
    # Budget for years beyond the project (a shortened award) falls into its last year.
    weights[-1] += sum(weights_by_year[years:])
    amounts = apportion(total, weights)
    return [
        PaymentSlot(index + 1, add_months(start, 12 * index), amount)
        for index, amount in enumerate(amounts)
        if amount > 0
    ]

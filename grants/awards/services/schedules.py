"""Keeping an award's reports in step with its dates.

The schedule is recomputed from the start and end dates whenever they change (a no-cost
extension, an early termination). Reports already submitted or accepted keep their dates; the
ones still owed take the new dates; the ones the new dates no longer need are cancelled.
"""

from __future__ import annotations

from grants.awards.models import Award, Report, report_title
from grants.awards.schedule import report_schedule
from grants.awards.states import ReportState


def schedule_reports(award: Award) -> list[tuple[str, str | None, str]]:
    """Create or move the award's reports to match its dates; returns what moved, for the audit
    record, as ``(report, old due date, new due date)``."""
    wanted = {(slot.kind, slot.sequence): slot for slot in report_schedule(award.start_date, award.end_date)}
    existing = {(r.kind, r.sequence): r for r in award.reports}
    moved = []
    for key, slot in wanted.items():
        report = existing.get(key)
        if report is None:
            award.reports.append(
                Report(
                    kind=slot.kind, sequence=slot.sequence, period_end=slot.period_end, due_date=slot.due_date
                )
            )
            moved.append((report_title(*key), None, slot.due_date.isoformat()))
        elif report.is_editable and (report.due_date, report.period_end) != (slot.due_date, slot.period_end):
            moved.append((report.record_title, report.due_date.isoformat(), slot.due_date.isoformat()))
            report.due_date, report.period_end = slot.due_date, slot.period_end
    for key, report in existing.items():
        if key not in wanted and report.is_editable:
            report.state = ReportState.CANCELLED
            moved.append((report.record_title, report.due_date.isoformat(), "cancelled"))
    return moved


def moves_text(moved: list[tuple[str, str | None, str]]) -> str:
    """``schedule_reports``'s result in words, for the audit record."""
    return "; ".join(
        f"{name} due {new}" if old is None else f"{name} {old} → {new}" for name, old, new in moved
    )

"""Exports officers open in a spreadsheet: a call's applications, reviews, awards and payments,
and the portfolio's awards and payments.

Each dataset is a header list and a generator of plain rows (``base.Export``), read in chunks of
ids with everything a chunk needs loaded in a fixed number of queries; ``writers`` turns one into
CSV or XLSX. Rows about applications the officer is conflicted with are left out (``visibility``),
and reviewers appear as "Reviewer N" unless the export names them (``reviewers``).
"""

from __future__ import annotations

from grants.accounts.models import User
from grants.awards.models import Award
from grants.calls.models import Call
from grants.insights.exports.applications import applications_export
from grants.insights.exports.awards import awards_export
from grants.insights.exports.base import Export, Release, end_read
from grants.insights.exports.payments import payments_export
from grants.insights.exports.reviewers import may_identify_reviewers, record_identities_export
from grants.insights.exports.reviews import reviews_export
from grants.insights.services.scope import PortfolioScope

CALL_DATASETS = ("applications", "reviews", "awards", "payments")
PORTFOLIO_DATASETS = ("awards", "payments")

__all__ = [
    "CALL_DATASETS",
    "PORTFOLIO_DATASETS",
    "Export",
    "call_export",
    "end_read",
    "may_identify_reviewers",
    "portfolio_export",
    "record_identities_export",
]


def call_export(
    dataset: str, officer: User, call: Call, *, identities: bool = False, release: Release | None = None
) -> Export:
    """One of ``CALL_DATASETS`` for ``call``; ``identities`` names the reviewers (reviews only)."""
    if dataset == "applications":
        return applications_export(officer, call, release=release)
    if dataset == "reviews":
        return reviews_export(officer, call, identities=identities, release=release)
    if dataset == "awards":
        return awards_export(officer, Award.call_id == call.id, release=release)
    if dataset == "payments":
        return payments_export(officer, Award.call_id == call.id, release=release)
    raise ValueError(f"no call dataset {dataset!r}")


def portfolio_export(
    dataset: str, officer: User, scope: PortfolioScope, *, release: Release | None = None
) -> Export:
    """One of ``PORTFOLIO_DATASETS`` over the awards in ``scope``."""
    if dataset == "awards":
        return awards_export(officer, scope.award_condition(), release=release)
    if dataset == "payments":
        return payments_export(officer, scope.award_condition(), release=release)
    raise ValueError(f"no portfolio dataset {dataset!r}")

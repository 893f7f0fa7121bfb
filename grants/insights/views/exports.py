"""Officers' exports as downloads: a call's applications, reviews, awards and payments, and the
portfolio's awards and payments, as CSV or XLSX, streamed."""

from __future__ import annotations

import re
from collections.abc import Iterator

from flask import Response, request, stream_with_context
from flask_login import current_user

from grants.calls.services.listing import find_call
from grants.errors import DomainError
from grants.extensions import db
from grants.insights.exports import (
    Export,
    call_export,
    end_read,
    portfolio_export,
    record_identities_export,
)
from grants.insights.exports.writers import CSV_MIMETYPE, XLSX_MIMETYPE, csv_stream, xlsx_stream
from grants.insights.services.scope import PortfolioScope
from grants.insights.views.blueprint import bp
from grants.security.policy import OFFICER, Loads, declare
from grants.templating import viewer_zone
from grants.timeutil import utcnow

FORMAT = "<any(csv, xlsx):fmt>"


@bp.get(f"/manage/calls/<int:call_id>/export/<any(applications, reviews, awards, payments):dataset>.{FORMAT}")
@declare(OFFICER, load=Loads("call_id", find_call, "call"))
def export_call(call, dataset: str, fmt: str):
    identities = dataset == "reviews" and request.args.get("identities") == "1"
    if identities:
        record_identities_export(current_user, call)
        db.session.commit()  # the audit event stands even if the download is cut short
    export = call_export(dataset, current_user, call, identities=identities, release=end_read)
    return _download(export, fmt, call.reference_prefix)


@bp.get(f"/manage/portfolio/export/<any(awards, payments):dataset>.{FORMAT}")
@declare(OFFICER)
def export_portfolio(dataset: str, fmt: str):
    scope = PortfolioScope(programme_id=_whole_number("programme"), year=_year())
    return _download(portfolio_export(dataset, current_user, scope, release=end_read), fmt, "portfolio")


def _download(export: Export, fmt: str, stem: str) -> Response:
    """The export as an attachment, written while it is sent (the request has committed by then,
    so the export may end its read transaction between chunks)."""
    body: Iterator[bytes] = (
        csv_stream(export.headers, export.rows)
        if fmt == "csv"
        else xlsx_stream(export.headers, export.rows, export.title)
    )
    today = utcnow().astimezone(viewer_zone()).date()
    filename = f"{_safe(stem)}-{export.name}-{today:%Y-%m-%d}.{fmt}"
    response = Response(stream_with_context(body), mimetype=CSV_MIMETYPE if fmt == "csv" else XLSX_MIMETYPE)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _safe(stem: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-.") or "export"


def _whole_number(name: str) -> int | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    if not raw.isdigit() or int(raw) < 1:
        raise DomainError(f"The {name} must be given as a whole number, such as 3; {raw[:20]!r} is not one.")
    return int(raw)


def _year() -> int | None:
    raw = request.args.get("year", "").strip()
    if not raw:
        return None
    if not (raw.isdigit() and len(raw) == 4 and int(raw) >= 1900):
        raise DomainError(f"Give the year as four digits, such as 2018; {raw[:20]!r} is not a year.")
    return int(raw)

"""Officers' exports as downloads: a call's applications, reviews, awards and payments, and the
portfolio's awards and payments, as CSV or XLSX, streamed."""

from __future__ import annotations

import re
from collections.abc import Iterator

from flask import Response, request, stream_with_context
from flask_login import current_user

from grants.calls.services.programmes import list_programmes
from grants.errors import DomainError
from grants.insights.exports import (
    CALL_DATASETS,
    PORTFOLIO_DATASETS,
    Export,
    call_export,
    end_read,
    portfolio_export,
    record_identities_export,
)
from grants.insights.exports.writers import CSV_MIMETYPE, XLSX_MIMETYPE, csv_stream, xlsx_stream
from grants.insights.services.scope import read_portfolio_scope
from grants.insights.views.blueprint import LOAD_CALL, bp
from grants.security.policy import OFFICER, declare
from grants.templating import viewer_zone
from grants.timeutil import utcnow

FORMAT = "<any(csv, xlsx):fmt>"
CALL_DATASET = f"<any({', '.join(CALL_DATASETS)}):dataset>"
PORTFOLIO_DATASET = f"<any({', '.join(PORTFOLIO_DATASETS)}):dataset>"


@bp.get(f"/manage/calls/<int:call_id>/export/{CALL_DATASET}.{FORMAT}")
@declare(OFFICER, load=LOAD_CALL)
def export_call(call, dataset: str, fmt: str):
    identities = dataset == "reviews" and request.args.get("identities") == "1"
    if identities:
        # Committed with the request, before the first byte of the download is sent.
        record_identities_export(current_user, call)
    export = call_export(dataset, current_user, call, identities=identities, release=end_read)
    return _download(export, fmt, call.reference_prefix)


@bp.get(f"/manage/portfolio/export/{PORTFOLIO_DATASET}.{FORMAT}")
@declare(OFFICER)
def export_portfolio(dataset: str, fmt: str):
    programmes = {programme.id for programme in list_programmes()}
    scope, problems = read_portfolio_scope(
        request.args.get("programme", ""), request.args.get("year", ""), programmes
    )
    if problems:
        raise DomainError(" ".join(problems))
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

"""One log record for every refused request, on the ``grants.access`` logger.

Refusals start in many places (the route policy, a predicate, a service raising
``PermissionDenied`` or ``NotFound`` that a view catches), so those places only *note* why they
refuse (``note_refusal``, ``note_domain_refusal``) and what the URL names (``note_subject``); one
``after_request`` hook writes the record. Every 403 is logged, noted or not, and a noted 404 too
("you may not know it exists"); a plain 404 for an id that does not exist is not a refusal. An
anonymous visitor sent to sign in is logged at INFO.

The record carries ids only: the user id, the URL's rule with its numeric ids filled in (string
parts such as tokens stay as their placeholders), the object kind and id, the rule that refused and
the client address. The fields are also on the record as ``record.access`` for structured handlers.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, g, request
from flask_login import current_user

from grants.errors import DomainError, NotFound, PermissionDenied

log = logging.getLogger("grants.access")
UNSPECIFIED = "unspecified"
_PLACEHOLDER = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


@dataclass(frozen=True)
class Refusal:
    rule: str
    level: int = logging.WARNING


def note_subject(kind: str, object_id: Any) -> None:
    """The object the URL names, logged if the request ends refused."""
    g.access_subject = (kind, object_id)


def note_refusal(rule: str, level: int = logging.WARNING) -> None:
    """Say why this request is refused. The first note wins: it is the one nearest the cause."""
    if "access_refusal" not in g:
        g.access_refusal = Refusal(rule, level)


def note_domain_refusal(error: BaseException | None) -> None:
    """Note a ``PermissionDenied`` or ``NotFound`` from a service, named after the function that
    raised it (the rule that refused); other errors are not refusals."""
    if isinstance(error, PermissionDenied | NotFound):
        note_refusal(_raised_in(error))


def _raised_in(error: DomainError) -> str:
    traceback = error.__traceback__
    if traceback is None:
        return type(error).__name__
    while traceback.tb_next is not None:
        traceback = traceback.tb_next
    frame = traceback.tb_frame
    return f"{frame.f_globals.get('__name__', '?')}.{frame.f_code.co_name}"


def _path() -> str:
    """The URL's rule with numeric ids filled in; anything else (a token) stays a placeholder."""
    rule = request.url_rule
    if rule is None:
        return request.path
    args = request.view_args or {}

    def fill(match: re.Match) -> str:
        value = args.get(match.group(1))
        return str(value) if isinstance(value, int) else match.group(0)

    return _PLACEHOLDER.sub(fill, rule.rule)


def _log_refusal(response: Response) -> Response:
    refusal = g.pop("access_refusal", None)
    kind, object_id = g.pop("access_subject", (None, None))
    if refusal is None:
        if response.status_code != 403:
            return response
        refusal = Refusal(UNSPECIFIED)
    user_id = current_user.id if getattr(current_user, "is_authenticated", False) else "anonymous"
    fields = {
        "user": user_id,
        "method": request.method,
        "endpoint": request.endpoint,
        "path": _path(),
        "status": response.status_code,
        "object_kind": kind,
        "object_id": object_id,
        "rule": refusal.rule,
        "client": request.remote_addr,
    }
    log.log(
        refusal.level,
        "access refused: user=%(user)s %(method)s %(path)s endpoint=%(endpoint)s status=%(status)s "
        "object=%(object_kind)s:%(object_id)s rule=%(rule)s client=%(client)s",
        fields,
        extra={"access": fields},
    )
    return response


def init_refusal_log(app: Flask) -> None:
    app.after_request(_log_refusal)

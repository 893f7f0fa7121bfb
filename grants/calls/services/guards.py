"""Checks shared by the call services: who may change calls, and what a call's state allows."""

from typing import Any

from flask_babel import gettext as _

from grants.calls.models import Call
from grants.calls.states import CallState
from grants.errors import Conflict, PermissionDenied
from grants.security.predicates import can_manage_calls

# What officers may still change in each state: the shape of a call (funders, countries, durations)
# is fixed once researchers can apply; texts, dates and the rubric until reviewing starts.
STRUCTURE_EDITABLE = frozenset({CallState.DRAFT})
CONTENT_EDITABLE = frozenset({CallState.DRAFT, CallState.OPEN, CallState.CLOSED})


def require_officer(actor: Any) -> None:
    if not can_manage_calls(actor):
        raise PermissionDenied(_("Only programme officers can set up programmes and calls."))


def require_structure_editable(actor: Any, call: Call) -> None:
    require_officer(actor)
    if call.state not in STRUCTURE_EDITABLE:
        raise Conflict(_("Funders, countries and durations are fixed once a call has opened."))


def require_content_editable(actor: Any, call: Call) -> None:
    require_officer(actor)
    if call.state not in CONTENT_EDITABLE:
        raise Conflict(_("This call is %(state)s; its set-up can no longer change.", state=call.state_word))

"""One check for every form and query string: no invisible control characters.

PostgreSQL refuses a NUL byte in text outright (SQLite stores it), so without this check a NUL in
any field or search box was a server error on PostgreSQL only. The other C0 and C1 controls
(tab, line feed and carriage return apart) have no place in what people type either: they are
invisible on the page and garble exports and emails. Checking the whole request in one place
covers the forms, the autosave script and the query strings alike, including forms added later.
"""

import re

from flask import Flask, request
from flask_babel import gettext as _

from grants.errors import DomainError

# C0 controls but tab, LF and CR; DEL; the C1 controls.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class UnstorableText(DomainError):
    """A request carrying control characters: refused before any view runs (400)."""


def has_control_characters(text: str) -> bool:
    return CONTROL.search(text) is not None


def refuse_control_characters() -> None:
    """Refuse the request when a form field or query parameter (name or value) holds a control
    character; nothing has been read or changed yet."""
    for values in (request.args, request.form):
        for name, value in values.items(multi=True):
            if has_control_characters(name) or has_control_characters(value):
                raise UnstorableText(
                    _(
                        "What you entered contains invisible control characters (such as NUL), "
                        "which cannot be stored. Remove them and try again; nothing was changed."
                    )
                )


def init_text_input(app: Flask) -> None:
    app.before_request(refuse_control_characters)

"""Select options for WTForms (which wants ``SelectChoice`` objects rather than tuples)."""

from collections.abc import Iterable
from typing import Any

from flask_babel import gettext as _
from wtforms import SelectChoice

from grants.accounts.reference import countries


def options(pairs: Iterable[tuple[Any, str]]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def country_options() -> list[SelectChoice]:
    return options([("", _("Choose a country")), *countries().items()])

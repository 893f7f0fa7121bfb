"""Rewriting the strings that name a person wherever a JSON column quotes them.

Audit events record changed values (``{"email": [old, new]}``), outbox rows keep the values their
email was rendered from, assignment explanations name people: these are records *about* changes
and messages, which must stay, with the person's identity taken out. Each JSON column in the
metadata is covered, so a table added later is scrubbed without anyone remembering to.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy import JSON, Column, Table, Text, cast, or_, select, update

from grants.extensions import db

BATCH = 500


class Replacer:
    """Replaces each old value (an email, a name, an ORCID iD) by its stand-in, wherever a string
    contains it. A name is replaced only as whole words, so "Li" leaves "Limited" alone."""

    def __init__(self, replacements: Mapping[str, str]):
        self.replacements = {old: new for old, new in replacements.items() if old}
        self.pattern = re.compile(
            "|".join(
                rf"(?<!\w){re.escape(old)}(?!\w)" for old in sorted(self.replacements, key=len, reverse=True)
            )
        )

    def needles(self) -> list[str]:
        """What to look for in stored JSON text: each value as written and as JSON escapes it."""
        found = set()
        for old in self.replacements:
            found.add(old)
            found.add(json.dumps(old)[1:-1])
        return sorted(found)

    def text(self, value: str) -> str:
        return self.pattern.sub(lambda match: self.replacements[match.group(0)], value)

    def value(self, value: Any) -> Any:
        """``value`` with every string in it (keys too) rewritten; other values as they were."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, Mapping):
            return {self.value(key): self.value(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [self.value(item) for item in value]
        return value


def json_columns() -> list[tuple[Table, Column]]:
    """Every JSON column of every table the application maps."""
    return [
        (table, column)
        for table in db.metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, JSON)
    ]


def scrub_json_columns(replacer: Replacer) -> int:
    """Rewrite every JSON value that quotes one of ``replacer``'s values; returns the rows changed.
    Only rows whose stored text contains a value are read, in batches, so a large audit log costs
    one indexed-free scan per column and memory for one batch."""
    if not replacer.replacements:
        return 0
    changed = 0
    for table, column in json_columns():
        (key,) = table.primary_key.columns
        text = cast(column, Text)
        matches = or_(*(text.contains(needle, autoescape=True) for needle in replacer.needles()))
        last_id = 0
        while True:
            rows = db.session.execute(
                select(key, column).where(matches, key > last_id).order_by(key).limit(BATCH)
            ).all()
            for row_id, stored in rows:
                rewritten = replacer.value(stored)
                if rewritten != stored:
                    db.session.execute(update(table).where(key == row_id).values({column.name: rewritten}))
                    changed += 1
            if len(rows) < BATCH:
                break
            last_id = rows[-1][0]
    return changed

"""Print, as one JSON line, every text value people entered in the served app's database: names,
titles, questions and their options, guidance. Run in the served app's environment (``tests.e2e.languages``).

Only values that look like prose or names (a capital letter or a space) are taken, so the state
words and codes the interface translates never count as data."""

import json

from sqlalchemy import JSON, String, Text, select

from grants import create_app
from grants.extensions import db

SKIPPED_TABLES = {"audit_events", "outbox_messages", "alembic_version"}


def data_strings() -> list[str]:
    values: set[str] = set()
    for table in db.metadata.sorted_tables:
        if table.name in SKIPPED_TABLES:
            continue
        for column in table.columns:
            if isinstance(column.type, String | Text | JSON):
                values.update(
                    text.strip()
                    for value in db.session.scalars(select(column))
                    for text in _strings_in(value)
                    if len(text.strip()) > 1 and _looks_like_prose(text)
                )
    return sorted(values, key=len, reverse=True)


def _strings_in(value) -> list[str]:
    """The strings in a column's value, JSON documents (a question's options, say) included."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return [text for item in value for text in _strings_in(item)]
    return []


def _looks_like_prose(value: str) -> bool:
    return " " in value or value != value.lower()


if __name__ == "__main__":
    with create_app().app_context():
        print(json.dumps(data_strings(), ensure_ascii=False))

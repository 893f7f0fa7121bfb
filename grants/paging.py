"""Pages of a list query as the list pages show them: a page past the last reads as the last."""

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select

from grants.extensions import db


def page_within(statement: Select, page: int, per_page: int) -> Pagination:
    """Page ``page`` of ``statement``, or its last page when ``page`` is past it (an old link, a
    hand-typed ``?page=``), so a list never shows an empty page while it has rows."""
    found = db.paginate(statement, page=page, per_page=per_page, error_out=False)
    if found.page > 1 and found.page > found.pages:
        found = db.paginate(statement, page=max(found.pages, 1), per_page=per_page, error_out=False)
    return found

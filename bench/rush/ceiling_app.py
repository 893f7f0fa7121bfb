"""The machine's ceiling: the least a Flask + SQLAlchemy app can do per request that writes.

Each POST inserts one row in its own transaction and answers 201; nothing else (no session, no
templates, no sign-in). ``bench/deadline_rush.py`` serves it with the same gunicorn settings and
database as Grants and loads it with the same tool, so Grants' throughput can be given as a share
of it: that ratio travels between machines, absolute numbers do not.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class CeilingRow(db.Model):
    __tablename__ = "ceiling_rows"

    id: Mapped[int] = mapped_column(primary_key=True)
    note: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


def create_app() -> Flask:
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["CEILING_DATABASE_URL"]
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_pre_ping": True}
    db.init_app(app)

    @app.post("/rows")
    def add_row():
        db.session.add(CeilingRow(note="one request, one row", created_at=datetime.now(UTC)))
        db.session.commit()
        return "", 201

    return app


def create_table() -> None:
    """Made once by the benchmark before gunicorn starts its workers."""
    app = create_app()
    with app.app_context():
        db.create_all()

"""Data, comparison and tampering helpers for the backup and restore tests."""

import hashlib
import json
import zipfile
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import flask_migrate
from sqlalchemy import JSON, inspect, select, text, update

from grants.accounts.models import AuthSession, Institution, RecoveryCode, RoleInvitation, User
from grants.applications.models import Answer, Application, Attachment
from grants.applications.removed_models import RemovedAttachment, RemovedReportFile
from grants.applications.storage import store_bytes
from grants.awards.models import Report, ReportFile
from grants.backup.commands import restore_command
from grants.backup.manifest import MANIFEST_MEMBER, table_member
from grants.calls.models import Question
from grants.demo.pdf import one_page_pdf
from grants.extensions import db
from grants.reviews.models import Collaborator, ProposedPair, ReviewBid, ReviewerProfile, UnavailablePeriod
from grants.timeutil import utcnow

OFFICER = "officer@ukri.example.org"
RESEARCHER = "f.macleod@edinburgh.example.org"
# Past float precision: survives only if integers travel as integers.
BIG = 2**53 + 1


def run(app, command, *args):
    return app.test_cli_runner().invoke(command, [str(arg) for arg in args])


def _stored_pdf(owner_id: int, text_: str) -> dict:
    content = one_page_pdf(text_)
    return {
        "original_name": f"{text_}.pdf",
        "stored_name": store_bytes(content),
        "size_bytes": len(content),
        "sha256": hashlib.sha256(content).hexdigest(),
        "uploaded_by_id": owner_id,
    }


def fill_what_the_demo_leaves_empty() -> None:
    """A row in each table the demo seed leaves empty, and values at the edges of each type."""
    now = utcnow()
    officer = db.session.scalars(select(User).where(User.email == OFFICER)).one()
    application = db.session.scalars(select(Application).order_by(Application.id)).first()
    report = db.session.scalars(select(Report).order_by(Report.id)).first()
    profile = db.session.scalars(select(ReviewerProfile).order_by(ReviewerProfile.id)).first()
    attachment = db.session.scalars(select(Attachment).order_by(Attachment.id)).first()
    questions = db.session.scalars(select(Question).order_by(Question.id).limit(2)).all()
    db.session.add_all(
        [
            Answer(application_id=application.id, question_id=questions[0].id, value={"年": [1, 2.5, "二"]}),
            Answer(application_id=application.id, question_id=questions[1].id, value=JSON.NULL),
            AuthSession(user_id=officer.id, token_hash="a" * 64, expires_at=now + timedelta(days=1)),
            RecoveryCode(user_id=officer.id, code_hash="b" * 64, used_at=now),
            ReportFile(report_id=report.id, **_stored_pdf(officer.id, "progress")),
            ReviewBid(application_id=application.id, reviewer_id=profile.user_id, level="eager"),
            Collaborator(profile_id=profile.id, name="Zhou Xin", email="zhou@cau.example.org"),
            UnavailablePeriod(profile_id=profile.id, starts_on=date(2027, 1, 1), ends_on=date(2027, 2, 28)),
            RoleInvitation(
                email="new@ukri.example.org",
                role="officer",
                token_hash="c" * 64,
                message='欢迎 — "welcome"\n\ttab',
                invited_by_id=officer.id,
                expires_at=now + timedelta(days=14),
            ),
            RemovedAttachment(
                application_id=attachment.application_id,
                kind=attachment.kind,
                removed_at=now,
                removed_by_id=officer.id,
                **_stored_pdf(officer.id, "old-cv"),
            ),
            RemovedReportFile(
                report_id=report.id,
                removed_at=now,
                removed_by_id=officer.id,
                **_stored_pdf(officer.id, "draft"),
            ),
        ]
    )
    db.session.execute(update(User).where(User.email == RESEARCHER).values(totp_last_step=BIG))
    db.session.execute(update(ProposedPair).values(affinity=0.1 + 0.2))
    db.session.execute(update(Institution).where(Institution.id == 1).values(name="Zoë's 农业 🌾 Institute"))
    db.session.commit()


def every_row(app) -> dict[str, list[tuple]]:
    """Each table's rows by primary key, read through the models' types; JSON columns also say
    whether they are SQL NULL, which a JSON ``null`` is not."""
    with app.app_context(), db.engine.connect() as connection:
        return {
            model_table.name: list(
                connection.execute(
                    select(
                        model_table, *(c.is_(None) for c in model_table.columns if isinstance(c.type, JSON))
                    ).order_by(*model_table.primary_key.columns)
                )
            )
            for model_table in db.metadata.sorted_tables
        }


def every_file(app) -> dict[str, bytes]:
    folder = Path(app.config["UPLOAD_DIR"])
    return {path.name: path.read_bytes() for path in folder.iterdir()} if folder.exists() else {}


def rewrite(backup: Path, out: Path, member: str, change: Callable[[bytes], bytes], rehash: bool) -> Path:
    """A copy of ``backup`` with one member changed; ``rehash`` also updates the manifest's
    figures for that table, as a careful forger (or a buggy tool) would."""
    with zipfile.ZipFile(backup) as original:
        members = {name: original.read(name) for name in original.namelist()}
    members[member] = change(members[member])
    manifest = json.loads(members.pop(MANIFEST_MEMBER))
    if rehash:
        data = members[member]
        entry = next(e for e in manifest["tables"] if table_member(e["name"]) == member)
        entry.update(sha256=hashlib.sha256(data).hexdigest(), bytes=len(data), rows=data.count(b"\n"))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
        for name, data in members.items():
            copy.writestr(name, data)
        copy.writestr(MANIFEST_MEMBER, json.dumps(manifest))
    return out


def first_file(backup: Path) -> str:
    with zipfile.ZipFile(backup) as archive:
        return next(name for name in archive.namelist() if name.startswith("files/"))


def flip_middle_byte(data: bytes) -> bytes:
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 0x01]) + data[middle + 1 :]


def assert_restore_refused(app, backup: Path, message: str) -> None:
    """``grants restore`` of ``backup`` into ``app`` fails, saying ``message``."""
    result = run(app, restore_command, backup)
    assert result.exit_code == 1
    assert message in result.output


def assert_nothing_written(app) -> None:
    with app.app_context():
        assert inspect(db.engine).get_table_names() == []
    assert every_file(app) == {}


def as_of_previous_revision(backup: Path, out: Path, make_app) -> tuple[str, set[str]]:
    """``backup`` as the code before the last migration would have written it: only the tables
    and columns that revision has. Returns that revision and the tables it left unchanged."""
    older = make_app()
    with older.app_context():
        flask_migrate.upgrade()
        flask_migrate.downgrade(revision="-1")
        with db.engine.connect() as connection:
            revision = connection.scalar(text("SELECT version_num FROM alembic_version"))
        inspector = inspect(db.engine)
        shape = {
            name: {c["name"] for c in inspector.get_columns(name)} for name in inspector.get_table_names()
        }
    with zipfile.ZipFile(backup) as original:
        manifest = json.loads(original.read(MANIFEST_MEMBER))
        members = {name: original.read(name) for name in original.namelist() if name.startswith("files/")}
        kept, unchanged = [], set()
        for entry in manifest["tables"]:
            if entry["name"] not in shape:
                continue
            keep = [i for i, (name, _) in enumerate(entry["columns"]) if name in shape[entry["name"]]]
            lines = original.read(table_member(entry["name"])).splitlines()
            rows = [json.dumps([json.loads(line)[i] for i in keep], ensure_ascii=False) for line in lines]
            data = "".join(row + "\n" for row in rows).encode()
            members[table_member(entry["name"])] = data
            if len(keep) == len(entry["columns"]):
                unchanged.add(entry["name"])
            entry.update(columns=[entry["columns"][i] for i in keep], sha256=hashlib.sha256(data).hexdigest())
            entry.update(bytes=len(data))
            kept.append(entry)
    manifest.update(tables=kept, revision=revision)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
        for name, data in members.items():
            copy.writestr(name, data)
        copy.writestr(MANIFEST_MEMBER, json.dumps(manifest))
    return revision, unchanged

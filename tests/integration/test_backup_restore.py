"""`grants backup` and `grants restore`: the demo data plus a row in every table the demo leaves
empty, backed up, restored into empty databases and compared row by row and file by file.

These tests commit real data into databases of their own, so they replace the tier's
one-transaction-per-test fixture with nothing.
"""

import json
import os
import stat
import zipfile
from pathlib import Path

import flask_migrate
import pyotp
import pytest
from sqlalchemy import func, inspect, select, text

from grants.accounts.models import AuthSession, Institution, User
from grants.backup.commands import backup_command, restore_command
from grants.backup.dump import EXCLUDED_TABLES
from grants.backup.manifest import MANIFEST_MEMBER, table_member
from grants.backup.snapshot import read_snapshot
from grants.cli import seed_demo_command
from grants.demo.seed import DEMO_PASSWORD, DEMO_TOTP_SECRET
from grants.extensions import db
from tests.conftest import build_app
from tests.integration.backup_helpers import (
    BIG,
    OFFICER,
    RESEARCHER,
    as_of_previous_revision,
    assert_nothing_written,
    assert_restore_refused,
    every_file,
    every_row,
    fill_what_the_demo_leaves_empty,
    first_file,
    flip_middle_byte,
    rewrite,
    run,
)
from tests.integration.conftest import post_form
from tests.services import drop_postgres_database, fresh_postgres_database


@pytest.fixture
def db_session():
    """No shared transaction here: each test's databases are its own."""


@pytest.fixture(scope="module")
def make_app(tmp_path_factory):
    """Apps on fresh SQLite files (or a given URL), each with its own upload folder."""
    made = []

    def _make(url=None):
        instance = tmp_path_factory.mktemp("instance")
        app = build_app(instance, SQLALCHEMY_DATABASE_URI=url or f"sqlite:///{instance / 'grants.sqlite'}")
        made.append(app)
        return app

    yield _make
    for app in made:
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="module")
def source(make_app):
    app = make_app()
    with app.app_context():
        flask_migrate.upgrade()
    assert run(app, seed_demo_command).exit_code == 0
    with app.app_context():
        fill_what_the_demo_leaves_empty()
    return app


@pytest.fixture(scope="module")
def backup_file(source, tmp_path_factory):
    path = tmp_path_factory.mktemp("backups") / "demo.zip"
    result = run(source, backup_command, "--output", path)
    assert result.exit_code == 0, result.output
    assert "Backed up" in result.output
    return path


@pytest.fixture(scope="module")
def restored(make_app, backup_file):
    app = make_app()
    result = run(app, restore_command, backup_file)
    assert result.exit_code == 0, result.output
    return app


def test_the_source_data_fills_every_table(source):
    """A table added without data here fails this test, and with it the promise that backups
    carry every table."""
    empty = [name for name, rows in every_row(source).items() if not rows]
    assert empty == []


def test_a_backup_verifies_and_lists_every_table_but_sign_in_sessions(source, backup_file):
    result = run(source, backup_command, "--verify", backup_file)
    assert result.exit_code == 0, result.output
    assert "is intact" in result.output
    with zipfile.ZipFile(backup_file) as archive:
        manifest = json.loads(archive.read(MANIFEST_MEMBER))
    with source.app_context():
        expected = [t.name for t in db.metadata.sorted_tables if t.name not in EXCLUDED_TABLES]
    assert [entry["name"] for entry in manifest["tables"]] == expected
    assert manifest["dialect"] == "sqlite"
    assert manifest["missing_files"] == []


def test_a_backup_is_readable_by_its_owner_alone(source, tmp_path):
    """It holds password hashes, sealed two-factor secrets and personal data: not 0644, whatever
    the umask; and a half-written one left behind is neither reused nor deleted."""
    previous = os.umask(0o022)
    try:
        result = run(source, backup_command, "--output", tmp_path)
    finally:
        os.umask(previous)
    assert result.exit_code == 0, result.output
    (written,) = tmp_path.glob("*.zip")
    assert stat.S_IMODE(written.stat().st_mode) == 0o600

    leftover = tmp_path / "next.zip.part"
    leftover.write_bytes(b"another backup being written")
    refused = run(source, backup_command, "--output", tmp_path / "next.zip")
    assert refused.exit_code != 0 and "next.zip.part exists" in refused.output
    assert leftover.read_bytes() == b"another backup being written"
    assert not (tmp_path / "next.zip").exists()


def test_restore_into_an_empty_database_finds_every_row_and_file(source, restored):
    before, after = every_row(source), every_row(restored)
    assert before.pop("auth_sessions"), "no sign-in session to leave behind"
    assert after.pop("auth_sessions") == []
    assert after == before
    assert every_file(restored) == every_file(source)
    with restored.app_context():
        assert db.session.scalar(select(User.totp_last_step).where(User.email == RESEARCHER)) == BIG


def test_a_restored_officer_signs_in_with_password_and_authenticator_code(restored):
    """The password hash and the sealed two-factor secret came through: the right password then
    the demo authenticator's code open a session; a wrong password does not."""
    client = restored.test_client()
    refused = post_form(client, "/sign-in", {"email": OFFICER, "password": DEMO_PASSWORD + "x"})
    assert refused.status_code == 401
    response = post_form(client, "/sign-in", {"email": OFFICER, "password": DEMO_PASSWORD})
    assert response.headers["Location"] == "/sign-in/code"
    code = pyotp.TOTP(DEMO_TOTP_SECRET).now()
    response = post_form(client, "/sign-in/code", {"code": code})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    with restored.app_context():
        officer = db.session.scalars(select(User).where(User.email == OFFICER)).one()
        assert (
            db.session.scalar(select(func.count(AuthSession.id)).where(AuthSession.user_id == officer.id))
            == 1
        )


def test_restore_refuses_a_database_that_holds_rows(source, backup_file):
    before = every_row(source)
    assert_restore_refused(source, backup_file, "Restore only goes into an empty database")
    assert every_row(source) == before


def test_restore_refuses_a_changed_row(make_app, backup_file, tmp_path):
    member = table_member("users")
    one_letter = lambda data: data.replace(b"ukri", b"ukr1", 1)  # noqa: E731
    changed = rewrite(backup_file, tmp_path / "b.zip", member, one_letter, False)
    target = make_app()
    assert_restore_refused(target, changed, f"{member} does not match its SHA-256")
    assert_nothing_written(target)


def test_restore_refuses_a_changed_file(make_app, backup_file, tmp_path):
    member = first_file(backup_file)
    changed = rewrite(backup_file, tmp_path / "b.zip", member, flip_middle_byte, False)
    target = make_app()
    assert_restore_refused(target, changed, f"{member} does not match its SHA-256")
    assert_nothing_written(target)


def test_restore_refuses_a_row_count_that_differs_from_the_manifest(source, make_app, backup_file, tmp_path):
    def drop_a_row(data: bytes) -> bytes:
        manifest = json.loads(data)
        entry = next(e for e in manifest["tables"] if e["name"] == "users")
        entry["rows"] -= 1
        return json.dumps(manifest).encode()

    changed = rewrite(backup_file, tmp_path / "b.zip", MANIFEST_MEMBER, drop_a_row, False)
    with source.app_context():
        users = db.session.scalar(select(func.count(User.id)))
    target = make_app()
    message = f"tables/users.jsonl holds {users} rows, the manifest says {users - 1}"
    assert_restore_refused(target, changed, message)
    assert_nothing_written(target)


@pytest.mark.parametrize("damage", ["truncated", "flipped"])
def test_restore_refuses_a_damaged_archive(make_app, backup_file, tmp_path, damage):
    data = backup_file.read_bytes()
    damaged = tmp_path / "b.zip"
    damaged.write_bytes(data[: len(data) // 2] if damage == "truncated" else flip_middle_byte(data))
    target = make_app()
    assert_restore_refused(target, damaged, "b.zip is damaged or truncated")
    assert_nothing_written(target)


def test_restore_refuses_a_backup_from_newer_code(make_app, backup_file, tmp_path):
    def newer(data: bytes) -> bytes:
        return data.replace(json.loads(data)["revision"].encode(), b"ffffffffffff")

    changed = rewrite(backup_file, tmp_path / "b.zip", MANIFEST_MEMBER, newer, False)
    target = make_app()
    assert_restore_refused(target, changed, "revision ffffffffffff, which this code does not know")
    assert_nothing_written(target)


def test_restore_refuses_a_file_name_that_leaves_the_upload_folder(make_app, backup_file, tmp_path):
    member = first_file(backup_file)
    crafted = tmp_path / "b.zip"
    with zipfile.ZipFile(backup_file) as original, zipfile.ZipFile(crafted, "w") as copy:
        manifest = json.loads(original.read(MANIFEST_MEMBER))
        for name in original.namelist():
            if name != MANIFEST_MEMBER:
                copy.writestr("files/../escaped.pdf" if name == member else name, original.read(name))
        next(e for e in manifest["files"] if f"files/{e['name']}" == member)["name"] = "../escaped.pdf"
        copy.writestr(MANIFEST_MEMBER, json.dumps(manifest))
    target = make_app()
    assert_restore_refused(target, crafted, "The backup names an unsafe file '../escaped.pdf'")
    assert not (Path(target.config["UPLOAD_DIR"]).parent / "escaped.pdf").exists()
    with target.app_context():
        assert inspect(db.engine).get_table_names() == []


def test_restore_refuses_to_overwrite_a_different_file(make_app, backup_file):
    target = make_app()
    upload = Path(target.config["UPLOAD_DIR"])
    upload.mkdir(parents=True)
    (upload / first_file(backup_file).removeprefix("files/")).write_bytes(b"someone else's")
    assert_restore_refused(target, backup_file, "exists with other content; restore will not overwrite it")
    with target.app_context():
        assert inspect(db.engine).get_table_names() == []
    assert len(every_file(target)) == 1


def test_a_refused_insert_leaves_no_rows_and_no_files_and_the_retry_succeeds(make_app, backup_file, tmp_path):
    """The last table gets a duplicate row (its manifest entry updated to match): the database
    refuses it after every other table went in, and all of them are rolled back."""
    with zipfile.ZipFile(backup_file) as archive:
        last = json.loads(archive.read(MANIFEST_MEMBER))["tables"][-1]["name"]
    member = table_member(last)
    broken = rewrite(backup_file, tmp_path / "b.zip", member, lambda d: d + d.splitlines(True)[0], True)
    target = make_app()
    assert_restore_refused(target, broken, "The database refused the backup's rows")
    assert [name for name, rows in every_row(target).items() if rows] == []
    assert every_file(target) == {}
    assert run(target, restore_command, backup_file).exit_code == 0


def test_an_unreadable_value_is_refused_and_rolled_back(make_app, backup_file, tmp_path):
    """A datetime that is not one, in a backup whose hashes were updated to match."""
    member = table_member("users")
    broken = rewrite(backup_file, tmp_path / "b.zip", member, lambda d: d.replace(b'"20', b'"X0', 1), True)
    target = make_app()
    assert_restore_refused(target, broken, "Row 1 of users cannot be read: Invalid isoformat string")
    assert [name for name, rows in every_row(target).items() if rows] == []
    assert every_file(target) == {}


def test_a_column_type_this_code_cannot_read_is_refused(make_app, backup_file, tmp_path):
    def new_tag(data: bytes) -> bytes:
        manifest = json.loads(data)
        manifest["tables"][0]["columns"][-1][1] = "interval"
        return json.dumps(manifest).encode()

    changed = rewrite(backup_file, tmp_path / "b.zip", MANIFEST_MEMBER, new_tag, False)
    target = make_app()
    assert_restore_refused(target, changed, "The backup uses column types this code cannot read: interval")
    assert_nothing_written(target)


@pytest.fixture
def postgres_database():
    """A freshly created PostgreSQL database beside the test one, dropped afterwards."""
    yield fresh_postgres_database("restore")
    drop_postgres_database("restore")


@pytest.mark.postgres
def test_a_sqlite_backup_restores_into_postgresql_and_back(source, backup_file, make_app, postgres_database):
    postgres = make_app(postgres_database)
    result = run(postgres, restore_command, backup_file)
    assert result.exit_code == 0, result.output
    expected = every_row(source)
    expected["auth_sessions"] = []
    assert every_row(postgres) == expected
    with postgres.app_context():
        highest = db.session.scalar(select(func.max(Institution.id)))
        db.session.add(Institution(name="After the restore", country="GB"))
        db.session.commit()
        assert db.session.scalar(select(func.max(Institution.id))) == highest + 1
        db.session.execute(Institution.__table__.delete().where(Institution.id == highest + 1))
        db.session.commit()

    # And back: a backup of the PostgreSQL copy restored into SQLite.
    second = backup_file.with_name("from-postgresql.zip")
    assert run(postgres, backup_command, "--output", second).exit_code == 0
    back = make_app()
    assert run(back, restore_command, second).exit_code == 0
    assert every_row(back) == expected
    assert every_file(back) == every_file(source)
    with postgres.app_context():
        db.engine.dispose()


@pytest.mark.parametrize("engine", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_the_backup_reads_every_table_from_one_snapshot(make_app, request, engine):
    """A write committed while the backup runs is not seen by it, and is not held up by it."""
    app = make_app(request.getfixturevalue("postgres_database") if engine == "postgresql" else None)
    with app.app_context():
        flask_migrate.upgrade()
        count = select(func.count(Institution.id))
        with read_snapshot(db.engine.url) as snapshot:
            assert snapshot.scalar(count) == 0
            db.session.add(Institution(name="Written meanwhile", country="GB"))
            db.session.commit()
            assert snapshot.scalar(count) == 0
        assert db.session.scalar(count) == 1


def test_a_database_behind_the_code_is_not_backed_up(make_app, tmp_path):
    app = make_app()
    with app.app_context():
        flask_migrate.upgrade()
        flask_migrate.downgrade(revision="-1")
    result = run(app, backup_command, "--output", tmp_path / "old.zip")
    assert result.exit_code == 1
    assert "run `grants db upgrade` first" in result.output
    assert list(tmp_path.iterdir()) == []


def test_a_backup_from_the_previous_revision_is_restored_then_upgraded(
    source, backup_file, make_app, tmp_path
):
    revision, unchanged = as_of_previous_revision(backup_file, tmp_path / "older.zip", make_app)
    target = make_app()
    result = run(target, restore_command, tmp_path / "older.zip")
    assert result.exit_code == 0, result.output
    assert f"Upgraded the schema from revision {revision} to " in result.output
    with target.app_context(), db.engine.connect() as connection:
        assert connection.scalar(text("SELECT version_num FROM alembic_version")) != revision
    before, after = every_row(source), every_row(target)
    assert unchanged - EXCLUDED_TABLES
    assert {name: after[name] for name in unchanged} == {name: before[name] for name in unchanged}

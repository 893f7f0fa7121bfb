"""A disk that cannot take an upload (full, over quota, failing): a clear 503, nothing saved, and
nothing left behind that the orphan sweep would not remove."""

from datetime import timedelta
from pathlib import Path

import pytest
from flask import request
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from grants.applications.services.uploads import purge_orphan_uploads
from grants.audit.models import AuditEvent
from grants.demo.pdf import one_page_pdf
from grants.timeutil import utcnow
from tests.integration.security.test_hostile_uploads import upload, upload_report_file
from tests.integration.test_attachments import draft, lead_client  # noqa: F401
from tests.integration.test_award_pages import signed_in

NOTHING_SAVED = "We could not store your file just now. Nothing was saved; try again in a few minutes."


@pytest.fixture
def full_disk(monkeypatch, tmp_path):
    """Arm the ``store_upload`` failpoint: the next upload write fails with the errno given."""

    def arm(code: str) -> None:
        flag = tmp_path / "store_upload.armed"
        flag.write_text(code)
        monkeypatch.setenv("GRANTS_FAILPOINTS", f"store_upload={flag}")

    return arm


def stored_files(app) -> set[str]:
    folder = Path(app.config["UPLOAD_DIR"])
    return {path.name for path in folder.iterdir()} if folder.exists() else set()


def audit_events(db_session) -> int:
    return db_session.scalar(select(func.count()).select_from(AuditEvent))


def assert_nothing_saved(response, app, files_before, events_before, db_session) -> None:
    assert response.status_code == 503
    assert response.headers["Retry-After"].isdigit()
    assert NOTHING_SAVED in response.get_data(as_text=True)
    assert stored_files(app) == files_before  # no new file, no .part file
    assert audit_events(db_session) == events_before


@pytest.mark.parametrize("code", ["ENOSPC", "EDQUOT", "EIO"])
def test_an_attachment_on_a_full_disk_changes_nothing(app, lead_client, draft, db_session, full_disk, code):  # noqa: F811
    assert upload(lead_client, draft, one_page_pdf("first"), "first.pdf").status_code == 303
    kept = draft.attachments[0].stored_name
    files, events = stored_files(app), audit_events(db_session)
    full_disk(code)
    response = upload(lead_client, draft, one_page_pdf("second"), "second.pdf")
    assert_nothing_saved(response, app, files, events, db_session)
    db_session.expire_all()
    assert [(a.original_name, a.stored_name) for a in draft.attachments] == [("first.pdf", kept)]
    assert (
        upload(lead_client, draft, one_page_pdf("second"), "second.pdf").status_code == 303
    )  # once it clears


def test_a_report_file_on_a_full_disk_changes_nothing(app, factory, sign_in, db_session, full_disk):
    award = factory.award(accept=True)
    db_session.commit()
    report = award.reports[0]
    team = signed_in(app, sign_in, next(m.user for m in award.application.members if m.country == "CN"))
    files, events = stored_files(app), audit_events(db_session)
    full_disk("ENOSPC")
    response = upload_report_file(team, report, "progress.pdf", one_page_pdf("Year one"))
    assert_nothing_saved(response, app, files, events, db_session)
    db_session.expire_all()
    assert report.files == []


def test_a_file_whose_row_never_commits_is_swept(app, lead_client, draft, db_session, monkeypatch):  # noqa: F811
    """The file is written, then the commit fails (the database's disk is full too): the file is
    unreferenced, and the orphan sweep removes it once no transaction can still commit it; so is
    a ``.part`` file a killed process left half written."""
    files = stored_files(app)

    commit = db_session.commit

    def commit_failing_the_upload():
        if request.method == "POST":
            raise OperationalError("COMMIT", {}, Exception("could not extend file: No space left on device"))
        commit()

    monkeypatch.setattr(db_session, "commit", commit_failing_the_upload)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)  # answer as production does
    response = upload(lead_client, draft, one_page_pdf("lost"), "lost.pdf")
    monkeypatch.undo()
    assert response.status_code >= 500
    db_session.expire_all()
    assert draft.attachments == []
    (written,) = stored_files(app) - files
    half_written = Path(app.config["UPLOAD_DIR"]) / "0123456789abcdef.part"
    half_written.write_bytes(b"%PDF-1.4 cut short by SIGKILL")
    purge_orphan_uploads(utcnow())
    assert written in stored_files(app)  # too young: its transaction might still commit
    purge_orphan_uploads(utcnow() + timedelta(hours=2))
    assert written not in stored_files(app) and not half_written.exists()

"""Removed files are set aside, restorable for 30 days, then purged (rows first, files by the sweep)."""

from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, event, insert, select

from grants.applications.models import Attachment
from grants.applications.removed_models import STORED_PDF_COLUMNS, RemovedAttachment, RemovedReportFile
from grants.applications.services import restoring
from grants.applications.services.attachments import remove_attachment, upload_attachment
from grants.applications.services.removed_files import purge_removed_files, recently_removed_attachments
from grants.applications.services.restoring import restore_attachment, restore_report_file
from grants.applications.services.submission import submit_application
from grants.applications.services.uploads import purge_orphan_uploads
from grants.audit.models import AuditEvent
from grants.awards.services.reports import add_report_file, remove_report_file
from grants.demo.pdf import one_page_pdf
from grants.errors import Conflict, NotFound, PermissionDenied
from grants.extensions import db
from grants.timeutil import utcnow
from tests.integration.conftest import post_form

DAY = timedelta(days=1)


@pytest.fixture
def draft(factory):
    """A draft whose call stays open past the 30 days a removed file is kept."""
    return factory.draft(factory.call(closes_local=datetime.now().replace(microsecond=0) + 60 * DAY))


def upload(application, name, kind="case_for_support", now=None):
    return upload_attachment(
        application.lead_applicant,
        application,
        kind=kind,
        filename=name,
        content=one_page_pdf(name),
        now=now or utcnow(),
    )


def stored(app, name: str) -> Path:
    return Path(app.config["UPLOAD_DIR"]) / name


def actions(factory, subject_type: str, subject_id: int) -> list[str]:
    events = factory.session.query(AuditEvent).filter_by(subject_type=subject_type, subject_id=subject_id)
    return [event.action for event in events.order_by(AuditEvent.id)]


def test_a_removed_file_is_listed_and_restored_from_the_page(app, factory, sign_in, client, draft):
    kept = upload(draft, "plan.pdf")
    sign_in(draft.lead_applicant)
    removing = post_form(client, f"/applications/{draft.id}/attachments/{kept.id}/remove")
    assert removing.status_code == 303
    assert draft.attachments == []
    page = client.get(f"/applications/{draft.id}/attachments").get_data(as_text=True)
    assert "Recently removed" in page and "plan.pdf" in page
    (removed,) = recently_removed_attachments(draft, utcnow())
    assert removed.removed_by_id == draft.lead_applicant_id

    restoring = post_form(client, f"/applications/{draft.id}/attachments/removed/{removed.id}/restore")
    assert restoring.status_code == 303
    assert [(a.original_name, a.stored_name) for a in draft.attachments] == [("plan.pdf", kept.stored_name)]
    assert recently_removed_attachments(draft, utcnow()) == []
    assert stored(app, kept.stored_name).exists()
    assert actions(factory, "Application", draft.id)[-2:] == [
        "application.attachment_removed",
        "application.attachment_restored",
    ]


def test_a_replaced_case_for_support_can_be_swapped_back(factory, draft):
    first = upload(draft, "first.pdf")
    first_stored = first.stored_name
    upload(draft, "second.pdf")
    (replaced,) = recently_removed_attachments(draft, utcnow())
    assert replaced.original_name == "first.pdf"

    restore_attachment(draft.lead_applicant, draft, replaced.id, utcnow())
    factory.session.flush()
    assert [(a.original_name, a.stored_name) for a in draft.attachments] == [("first.pdf", first_stored)]
    assert [r.original_name for r in recently_removed_attachments(draft, utcnow())] == ["second.pdf"]


def test_removed_files_are_purged_after_thirty_days_and_the_sweep_then_takes_the_file(app, factory, draft):
    removed_on = utcnow()
    attachment = upload(draft, "plan.pdf", now=removed_on)
    name = attachment.stored_name
    remove_attachment(draft.lead_applicant, draft, attachment.id, removed_on)
    factory.session.flush()

    assert purge_removed_files(removed_on + 30 * DAY - timedelta(seconds=1)) == 0
    purge_orphan_uploads(removed_on + 29 * DAY)  # other tests' rolled-back files go; this one stays
    assert stored(app, name).exists()
    assert len(recently_removed_attachments(draft, removed_on + 29 * DAY)) == 1

    assert recently_removed_attachments(draft, removed_on + 30 * DAY) == []  # no longer offered
    assert purge_removed_files(removed_on + 30 * DAY) == 1
    assert purge_removed_files(removed_on + 30 * DAY) == 0  # idempotent
    assert factory.session.query(RemovedAttachment).count() == 0
    assert purge_orphan_uploads(removed_on + 30 * DAY) >= 1
    assert not stored(app, name).exists()


def test_an_expired_file_cannot_be_restored(factory, draft):
    removed_on = utcnow()
    attachment = upload(draft, "plan.pdf", now=removed_on)
    remove_attachment(draft.lead_applicant, draft, attachment.id, removed_on)
    factory.session.flush()
    (removed,) = recently_removed_attachments(draft, removed_on)
    with pytest.raises(NotFound):
        restore_attachment(draft.lead_applicant, draft, removed.id, removed_on + 30 * DAY)


def test_only_the_team_restores_and_not_once_submitted(app, factory, sign_in):
    application = factory.complete_application()
    letter = upload(application, "letter.pdf", kind="letter_of_support")
    remove_attachment(application.lead_applicant, application, letter.id, utcnow())
    factory.session.flush()
    (removed,) = recently_removed_attachments(application, utcnow())

    stranger = factory.researcher()
    with pytest.raises(PermissionDenied):
        restore_attachment(stranger, application, removed.id, utcnow())
    stranger_client = app.test_client()
    sign_in(stranger, http_client=stranger_client)
    url = f"/applications/{application.id}/attachments/removed/{removed.id}/restore"
    assert post_form(stranger_client, url).status_code == 403

    submit_application(application.lead_applicant, application.id, utcnow())
    factory.session.flush()
    with pytest.raises(Conflict):
        restore_attachment(application.lead_applicant, application, removed.id, utcnow())
    lead_client = app.test_client()
    sign_in(application.lead_applicant, http_client=lead_client)
    page = lead_client.get(f"/applications/{application.id}/attachments").get_data(as_text=True)
    assert "Recently removed" not in page


def remove_a_report_file(factory, now: datetime):
    """An award's lead adds results.pdf to its progress report, then removes it: the report, the
    lead and the stored name of the file removed."""
    award = factory.award()
    report = next(r for r in award.reports if r.kind == "progress")
    lead = award.application.lead_applicant
    attached = add_report_file(lead, report, filename="results.pdf", content=one_page_pdf("Results"), now=now)
    factory.session.flush()
    name = attached.stored_name
    remove_report_file(lead, report, attached.id, now)
    factory.session.flush()
    return report, lead, name


def test_a_removed_report_file_is_restorable_and_purged_later(app, factory, sign_in, client):
    now = utcnow()
    report, lead, name = remove_a_report_file(factory, now)
    assert report.files == []
    purge_orphan_uploads(now + 2 * DAY)
    assert stored(app, name).exists()
    sign_in(lead)
    page = client.get(f"/reports/{report.id}").get_data(as_text=True)
    assert "Recently removed" in page and "results.pdf" in page

    removed = factory.session.query(RemovedReportFile).filter_by(report_id=report.id).one()
    restored = restore_report_file(lead, report, removed.id, now)
    factory.session.flush()
    assert [f.stored_name for f in report.files] == [name]
    assert "report.file_restored" in actions(factory, "Award", report.award_id)

    remove_report_file(lead, report, restored.id, now)
    factory.session.flush()
    assert purge_removed_files(now + 30 * DAY) == 1
    assert purge_orphan_uploads(now + 30 * DAY) >= 1
    assert not stored(app, name).exists()


@contextmanager
def before_second_file_read(action):
    """Run ``action`` on the connection just before the sweep's second statement that reads
    stored names: another transaction committing between two of the sweep's reads."""
    seen = []

    def hook(conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("SELECT") and "stored_name" in statement:
            seen.append(statement)
            if len(seen) == 2:
                action(conn)

    event.listen(db.engine, "before_cursor_execute", hook)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", hook)


LIVE_COLUMNS = ("application_id", "kind", "team_member_id", "question_key", *STORED_PDF_COLUMNS)


def test_the_sweep_keeps_a_file_restored_between_its_reads(app, factory, draft):
    """A restore moves the row from ``removed_attachments`` to ``attachments`` in one commit;
    reading the tables one query each could see it in neither and delete the restored file."""
    now = utcnow()
    attachment = upload(draft, "plan.pdf", now=now)
    name = attachment.stored_name
    remove_attachment(draft.lead_applicant, draft, attachment.id, now)
    upload(draft, "orphan.pdf", now=now)  # a file the sweep does take, so it reads more than once
    orphan = draft.attachments[0]
    db.session.execute(delete(Attachment).where(Attachment.id == orphan.id))
    db.session.expunge(orphan)
    db.session.flush()

    def restore_meanwhile(conn):
        removed = RemovedAttachment.__table__
        conn.execute(
            insert(Attachment.__table__).from_select(
                LIVE_COLUMNS,
                select(*(removed.c[c] for c in LIVE_COLUMNS)).where(removed.c.stored_name == name),
            )
        )
        conn.execute(delete(removed).where(removed.c.stored_name == name))

    with before_second_file_read(restore_meanwhile):
        purge_orphan_uploads(now + 2 * DAY)
    assert stored(app, name).exists()
    assert not stored(app, orphan.stored_name).exists()


def test_the_sweep_keeps_a_file_whose_row_commits_after_its_first_read(app, factory, draft):
    now = utcnow()
    late = upload(draft, "plan.pdf", now=now)
    values = {c: getattr(late, c) for c in LIVE_COLUMNS}
    db.session.execute(delete(Attachment).where(Attachment.id == late.id))
    db.session.expunge(late)
    db.session.flush()

    def commit_meanwhile(conn):
        conn.execute(insert(Attachment.__table__).values(**values))

    with before_second_file_read(commit_meanwhile) as reads:
        purge_orphan_uploads(now + 2 * DAY)
    assert len(reads) >= 2
    assert stored(app, values["stored_name"]).exists()


def purged_while_restoring(monkeypatch, model):
    """The purge deletes the removed row after the restore read it: the end of the keeping
    period reached while the restore runs (on PostgreSQL the restore's row lock makes the purge
    wait; elsewhere the restore must notice the row is gone)."""
    original = restoring.stored_pdf_values

    def values_then_purge(row):
        values = original(row)
        db.session.execute(
            delete(model).where(model.id == row.id).execution_options(synchronize_session=False)
        )
        return values

    monkeypatch.setattr(restoring, "stored_pdf_values", values_then_purge)


def test_restoring_a_file_purged_meanwhile_answers_not_found(monkeypatch, factory, sign_in, client, draft):
    letter = upload(draft, "letter.pdf", kind="letter_of_support")
    remove_attachment(draft.lead_applicant, draft, letter.id, utcnow())
    factory.session.flush()
    (removed,) = recently_removed_attachments(draft, utcnow())
    sign_in(draft.lead_applicant)
    purged_while_restoring(monkeypatch, RemovedAttachment)

    response = post_form(client, f"/applications/{draft.id}/attachments/removed/{removed.id}/restore")

    assert response.status_code == 404  # the ordinary "not found" page, not a 500
    factory.session.expire_all()
    assert draft.attachments == []


def test_restoring_a_report_file_purged_meanwhile_is_refused(monkeypatch, factory):
    now = utcnow()
    report, lead, _name = remove_a_report_file(factory, now)
    removed = factory.session.query(RemovedReportFile).filter_by(report_id=report.id).one()
    purged_while_restoring(monkeypatch, RemovedReportFile)

    with pytest.raises(NotFound):
        restore_report_file(lead, report, removed.id, now)
        factory.session.flush()

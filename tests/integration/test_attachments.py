"""Uploads are judged by content, size and name; downloads only by the team and staff."""

import hashlib
import io
from datetime import timedelta
from pathlib import Path

import pytest

from grants.applications.services.uploads import purge_orphan_uploads
from grants.demo.pdf import one_page_pdf
from grants.timeutil import utcnow
from tests.integration.conftest import post_form

WINDOWS_EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


@pytest.fixture
def draft(factory):
    return factory.draft(factory.call())


@pytest.fixture
def lead_client(app, sign_in, draft):
    client = app.test_client()
    sign_in(draft.lead_applicant, http_client=client)
    return client


def upload(client, application, content, name, kind="case_for_support"):
    return post_form(
        client,
        f"/applications/{application.id}/attachments",
        {"kind": kind, "team_member_id": "", "question_key": "", "file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def test_a_pdf_is_stored_under_a_random_name_with_its_checksum(app, lead_client, draft):
    content = one_page_pdf("Case for support")
    assert upload(lead_client, draft, content, "Case for support.pdf").status_code == 303
    attachment = draft.attachments[0]
    assert attachment.original_name == "Case for support.pdf"
    assert attachment.sha256 == hashlib.sha256(content).hexdigest()
    assert attachment.size_bytes == len(content)
    assert "Case" not in attachment.stored_name
    assert (Path(app.config["UPLOAD_DIR"]) / attachment.stored_name).read_bytes() == content


def test_a_renamed_exe_is_refused_whatever_its_name_says(lead_client, draft):
    response = upload(lead_client, draft, WINDOWS_EXE, "case-for-support.pdf")
    assert response.status_code == 422
    assert "This file is not a PDF" in response.get_data(as_text=True)
    assert draft.attachments == []


def test_an_oversized_file_is_refused(app, lead_client, draft, monkeypatch):
    # A small limit keeps the request in memory; the rule is the same at the real 10 MB.
    monkeypatch.setitem(app.config, "ATTACHMENT_MAX_BYTES", 100 * 1024)
    content = one_page_pdf("big") + b"0" * (100 * 1024)
    response = upload(lead_client, draft, content, "big.pdf")
    assert response.status_code == 422
    assert "The file is 101 KB; the limit is 100 KB." in response.get_data(as_text=True)
    assert draft.attachments == []


@pytest.mark.parametrize(
    "name", ["../../etc/passwd.pdf", "..\\..\\boot.pdf", "folder/case.pdf", ".hidden.pdf", "case\x00.pdf"]
)
def test_a_path_traversal_file_name_is_refused(lead_client, draft, name):
    response = upload(lead_client, draft, one_page_pdf("x"), name)
    assert response.status_code == 422
    assert draft.attachments == []


def test_a_case_for_support_replaces_the_previous_one(lead_client, draft):
    upload(lead_client, draft, one_page_pdf("first"), "first.pdf")
    upload(lead_client, draft, one_page_pdf("second"), "second.pdf")
    assert [a.original_name for a in draft.attachments] == ["second.pdf"]


def test_a_cv_names_whose_it_is(lead_client, draft):
    response = upload(lead_client, draft, one_page_pdf("cv"), "cv.pdf", kind="cv")
    assert response.status_code == 422
    assert "Choose whose CV this is" in response.get_data(as_text=True)


def test_downloads_are_for_the_team_and_staff_only(app, factory, sign_in, lead_client, draft):
    content = one_page_pdf("Secret plan")
    upload(lead_client, draft, content, "plan.pdf")
    url = f"/attachments/{draft.attachments[0].id}"
    with lead_client.get(url) as mine:
        assert mine.status_code == 200
        assert mine.data == content
        assert mine.headers["Content-Type"] == "application/pdf"
        assert mine.headers["Content-Disposition"] == "attachment; filename=plan.pdf"

    stranger, officer, anonymous = app.test_client(), app.test_client(), app.test_client()
    sign_in(factory.researcher(), http_client=stranger)
    sign_in(factory.officer(), http_client=officer)
    assert stranger.get(url).status_code == 403
    with officer.get(url) as seen_by_staff:
        assert seen_by_staff.status_code == 200
    assert anonymous.get(url).status_code == 302


def test_orphaned_files_are_swept_but_attached_ones_kept(app, lead_client, draft):
    upload(lead_client, draft, one_page_pdf("kept"), "kept.pdf")
    orphan = Path(app.config["UPLOAD_DIR"]) / "0123456789abcdef.pdf"
    orphan.write_bytes(b"%PDF-1.4 left behind by a rolled-back upload")
    assert purge_orphan_uploads(utcnow()) == 0  # too young: its transaction may still commit
    removed = purge_orphan_uploads(utcnow() + timedelta(hours=2))
    assert removed >= 1
    assert not orphan.exists()
    assert (Path(app.config["UPLOAD_DIR"]) / draft.attachments[0].stored_name).exists()

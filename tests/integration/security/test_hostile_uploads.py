"""Hostile uploads: compression bombs, polyglots, active content, hostile names, and downloads a
browser can never run. Attachments and report files share one check (``check_upload``)."""

import io
import secrets
import time
import tracemalloc
from urllib.parse import quote

import pytest
from pypdf import PdfReader
from reportlab.pdfgen import canvas

from grants.applications.services.attachments import check_upload
from grants.demo.pdf import one_page_pdf
from grants.errors import ValidationError
from tests.integration.conftest import csrf_token
from tests.integration.test_attachments import WINDOWS_EXE, draft, lead_client  # noqa: F401
from tests.integration.test_award_pages import signed_in
from tests.pdf_samples import (
    MIB,
    active_samples,
    build_pdf,
    encrypted_pdf,
    object_stream_bomb,
    pdf_bomb,
    polyglot_samples,
    zip_bomb,
)

ACTIVE = active_samples()
POLYGLOTS = polyglot_samples()
EXPORT_AGAIN = "Export it again as a plain PDF (PDF/A) and upload that."


def post_file(client, url: str, content: bytes, name: str, declared="application/pdf", **fields: str):
    """POST a form with one file, encoded here rather than by the test client: the name travels
    as RFC 5987 ``filename*`` so it arrives exactly as given (line breaks, NUL, quotes), and a
    large body stays in memory (the test client spools it to a file it never closes)."""
    boundary = secrets.token_hex(16)
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in {"csrf_token": csrf_token(client), **fields}.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        f"filename*=UTF-8''{quote(name, safe='')}\r\nContent-Type: {declared}\r\n\r\n".encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return client.post(url, data=b"".join(parts), content_type=f"multipart/form-data; boundary={boundary}")


def upload(client, application, content: bytes, name: str, declared="application/pdf"):
    """A case for support for ``application``."""
    fields = {"kind": "case_for_support", "team_member_id": "", "question_key": ""}
    return post_file(client, f"/applications/{application.id}/attachments", content, name, declared, **fields)


def upload_report_file(client, report, name: str, content: bytes):
    return post_file(client, f"/reports/{report.id}/files", content, name)


def checked(app, content: bytes, name: str = "case.pdf") -> tuple[str, float, float]:
    """Run the shared upload check: (its answer, seconds, peak MiB allocated while it ran)."""
    with app.test_request_context():
        tracemalloc.start()
        tracemalloc.reset_peak()
        started = time.perf_counter()
        try:
            check_upload(name, content)
            answer = "accepted"
        except ValidationError as error:
            answer = error.message
        finally:
            seconds = time.perf_counter() - started
            peak = tracemalloc.get_traced_memory()[1] / MIB
            tracemalloc.stop()
    return answer, seconds, peak


def refused(response, draft, message: str) -> None:  # noqa: F811
    assert response.status_code == 422, response.status_code
    assert message in response.get_data(as_text=True)
    assert draft.attachments == []


# Compression bombs ------------------------------------------------------------------------------


def test_a_zip_bomb_is_refused_by_its_bytes_without_being_opened(app, lead_client, draft):  # noqa: F811
    bomb = zip_bomb(1 << 30)
    for name in ("bomb.zip", "bomb.pdf"):
        response = upload(lead_client, draft, bomb, name)
        assert response.status_code == 422 and draft.attachments == []
    assert "it looks like application/zip" in response.get_data(as_text=True)
    answer, seconds, peak = checked(app, bomb)
    assert "application/zip" in answer
    assert seconds < 0.5 and peak < 4, (seconds, peak)


def test_a_pdf_bomb_is_stored_as_it_is_and_never_inflated(app, lead_client, draft):  # noqa: F811
    """Its page stream inflates to 4 GiB; the check reads only dictionaries, so it costs what the
    4 MB file costs. Inflating even 1% of it would allocate 40 MiB."""
    bomb = pdf_bomb(4 << 30)
    answer, seconds, peak = checked(app, bomb)
    assert answer == "accepted"
    assert seconds < 1 and peak < 3 * len(bomb) / MIB + 2, (seconds, peak)
    assert upload(lead_client, draft, bomb, "bomb.pdf").status_code == 303
    with lead_client.get(f"/attachments/{draft.attachments[0].id}") as download:
        assert download.get_data() == bomb


def test_an_object_stream_bomb_is_inflated_only_to_the_budget_then_refused(app, lead_client, draft):  # noqa: F811
    bomb = object_stream_bomb(1 << 30)
    answer, seconds, peak = checked(app, bomb)
    assert answer.startswith("We could not check what this PDF contains.")
    assert seconds < 1 and peak < 40, (seconds, peak)
    refused(upload(lead_client, draft, bomb, "bomb.pdf"), draft, "We could not check what this PDF contains.")


# Polyglots and active content -------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(POLYGLOTS))
def test_a_file_that_is_a_pdf_and_something_else_is_refused(lead_client, draft, kind):  # noqa: F811
    response = upload(lead_client, draft, POLYGLOTS[kind], "case.pdf")
    expected = {
        "HTML in the header comment": "This PDF also contains web page code.",
        "a ZIP archive appended": "This PDF also contains a ZIP archive.",
    }.get(kind, "This file is not a PDF")
    refused(response, draft, expected)


@pytest.mark.parametrize("kind", list(ACTIVE))
def test_a_pdf_with_active_content_is_refused_naming_it(lead_client, draft, kind):  # noqa: F811
    content, listed = ACTIVE[kind]
    response = upload(lead_client, draft, content, "case.pdf")
    refused(response, draft, "This PDF contains scripts or embedded files (")
    html = response.get_data(as_text=True)
    assert listed in html and EXPORT_AGAIN in html


def test_an_encrypted_pdf_is_refused(lead_client, draft):  # noqa: F811
    refused(upload(lead_client, draft, encrypted_pdf(), "case.pdf"), draft, "password-protected or encrypted")


def test_report_files_get_the_same_check(app, factory, sign_in, db_session):
    award = factory.award(accept=True)
    db_session.commit()
    report = award.reports[0]
    team = signed_in(app, sign_in, next(m.user for m in award.application.members if m.country == "CN"))
    content, listed = ACTIVE["JavaScript on opening"]
    response = upload_report_file(team, report, "progress.pdf", content)
    assert response.status_code == 422 and listed in response.get_data(as_text=True)
    response = upload_report_file(team, report, "progress.pdf", POLYGLOTS["a ZIP archive appended"])
    assert response.status_code == 422 and "also contains a ZIP archive" in response.get_data(as_text=True)
    assert report.files == []


def test_ordinary_pdfs_pass(app):
    drawn = io.BytesIO()
    page = canvas.Canvas(drawn, pageCompression=1)
    page.drawString(72, 720, "Case for support")
    page.linkURL("https://example.org", (72, 700, 200, 720))
    page.showPage()
    page.save()
    with_object_stream = build_pdf(catalog=b"/OpenAction [3 0 R /Fit]", compressed=frozenset({2, 3, 5}))
    for content in (one_page_pdf("plain"), drawn.getvalue(), with_object_stream):
        assert checked(app, content)[0] == "accepted"


def test_the_samples_are_pdfs_a_reader_opens():
    """So a refusal above is of a file a reader would really run, not of malformed bytes."""
    for content, _listed in ACTIVE.values():
        assert len(PdfReader(io.BytesIO(content), strict=True).pages) == 1
    bomb = PdfReader(io.BytesIO(pdf_bomb(8 * MIB)), strict=True)
    assert len(bomb.pages[0].get_contents().get_data()) == 8 * MIB


# Names ------------------------------------------------------------------------------------------

HOSTILE_NAMES = {
    "../../etc/passwd.pdf": "without folders",
    "..\\..\\boot.pdf": "without folders",
    "case\x00.pdf": "invisible or control characters",
    "case\r\nSet-Cookie: a=b.pdf": "invisible or control characters",
    "case\x1b[2J.pdf": "invisible or control characters",
    "evil\u202efdp.exe": "invisible or control characters",
    "report\u202egpj.pdf": "invisible or control characters",
    "zero\u200bwidth.pdf": "invisible or control characters",
    "a" * 996 + ".pdf": "Shorten the file name",
    "....": "without folders",
    ".": "without folders",
    "CON": "Windows reserves",
    "NUL.pdf": "Windows reserves",
    "com1.pdf": "Windows reserves",
    "LPT9.final.pdf": "Windows reserves",
}


@pytest.mark.parametrize("name", list(HOSTILE_NAMES), ids=[repr(name)[:40] for name in HOSTILE_NAMES])
def test_a_hostile_file_name_is_refused(lead_client, draft, name):  # noqa: F811
    refused(upload(lead_client, draft, one_page_pdf("x"), name), draft, HOSTILE_NAMES[name])


def test_a_name_is_shown_escaped_and_downloaded_under_a_safe_header(lead_client, draft):  # noqa: F811
    markup = '<img src=x onerror=alert(1)> "quoted"; 研究.pdf'
    assert upload(lead_client, draft, one_page_pdf("x"), markup).status_code == 303
    html = lead_client.get(f"/applications/{draft.id}/attachments").get_data(as_text=True)
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and "<img src=x" not in html
    attachment = draft.attachments[0]
    assert attachment.stored_name.endswith(".pdf") and "img" not in attachment.stored_name
    with lead_client.get(f"/attachments/{attachment.id}") as download:
        disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment; filename=")
    assert "filename*=UTF-8''%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E%20%22quoted%22%3B%20" in disposition


def test_a_stored_name_with_line_breaks_cannot_inject_headers(lead_client, draft, db_session):  # noqa: F811
    """Names with control characters are refused now; a row stored before that rule still
    downloads under a cleaned name."""
    upload(lead_client, draft, one_page_pdf("x"), "case.pdf")
    attachment = draft.attachments[0]
    attachment.original_name = "case\r\nSet-Cookie: stolen=1\u202e.pdf"
    db_session.commit()
    with lead_client.get(f"/attachments/{attachment.id}") as download:
        assert download.status_code == 200
        assert "Set-Cookie" not in download.headers
        assert (
            download.headers["Content-Disposition"]
            == 'attachment; filename="case__Set-Cookie: stolen=1_.pdf"'
        )


# Downloads and what the client says -------------------------------------------------------------


def assert_inert_download(response) -> None:
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_downloads_can_never_render_as_a_page(app, factory, sign_in, db_session, lead_client, draft):  # noqa: F811
    upload(lead_client, draft, one_page_pdf("x"), "case.pdf")
    with lead_client.get(f"/attachments/{draft.attachments[0].id}") as download:
        assert_inert_download(download)
    award = factory.award(accept=True)
    db_session.commit()
    report = award.reports[0]
    team = signed_in(app, sign_in, next(m.user for m in award.application.members if m.country == "CN"))
    upload_report_file(team, report, "progress.pdf", one_page_pdf("Year one"))
    with team.get(f"/report-files/{report.files[0].id}") as download:
        assert_inert_download(download)
    with lead_client.get(f"/applications/{draft.id}/attachments") as page:
        assert "sandbox" not in page.headers["Content-Security-Policy"]  # pages keep their own policy


def test_the_client_content_type_and_extension_decide_nothing(lead_client, draft):  # noqa: F811
    web_page = b"<html><script>alert(document.cookie)</script></html>"
    for content in (WINDOWS_EXE, web_page):
        refused(upload(lead_client, draft, content, "case.pdf"), draft, "This file is not a PDF")
    pdf = one_page_pdf("declared as a web page")
    assert upload(lead_client, draft, pdf, "case.pdf", declared="text/html").status_code == 303
    with lead_client.get(f"/attachments/{draft.attachments[0].id}") as download:
        assert download.headers["Content-Type"] == "application/pdf" and download.get_data() == pdf

"""Hostile text stored through the forms is shown to other people as text, never as markup.

Each test stores a payload through the real form (as a browser posts it), then opens the page, the
email or the export where someone else reads it: no live script, event-handler attribute or
``javascript:`` link, and (for plain text) the payload visible as the characters typed.
"""

import csv
import io
import zipfile
from html.parser import HTMLParser

import pytest

from grants.accounts.models import User
from grants.demo.applications import ProposalText
from grants.notifications.rendering import render_email
from grants.reviews.services import invitations
from grants.timeutil import utcnow
from tests.call_factories import long_text
from tests.integration.security.page_forms import post_as_shown

SCRIPT = "<script>alert(1)</script>"
PAYLOAD = f'{SCRIPT}"><img src=x onerror=alert(1)><a href="javascript:alert(1)">x</a>'
MARKDOWN = f'{PAYLOAD}\n\n[click](javascript:alert(1)) ![i](x" onerror="alert(1))'


class _LiveMarkup(HTMLParser):
    """Collects what a browser would run, and the text it would show."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.live: list[str] = []
        self.text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self._in_script = tag == "script"
        for name, value in attrs:
            value = (value or "").strip().lower()
            if name.startswith("on") and "alert" in value:
                self.live.append(f"<{tag} {name}>")
            if name in ("href", "src", "action", "formaction") and value.startswith("javascript:"):
                self.live.append(f"<{tag} {name}={value}>")
        if tag == "img" and dict(attrs).get("src") == "x":
            self.live.append("<img src=x>")

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script and "alert(1)" in data:
            self.live.append("<script>alert(1)")
        self.text.append(data)


def assert_inert(html: str, shown: str | None = SCRIPT) -> None:
    """Nothing in ``html`` would run; ``shown`` (when given) is visible as text."""
    parser = _LiveMarkup()
    parser.feed(html)
    assert parser.live == []
    if shown is not None:
        assert shown in "".join(parser.text)


def fill(client, page: str, action: str, values: dict[str, str]):
    """Post the form as shown with ``values``; it must be accepted."""
    response = post_as_shown(client, page, action, values)
    body = response.get_data(as_text=True)
    assert response.status_code in (302, 303), body[body.find("error-summary") :][:1500]
    return response


@pytest.fixture
def other_client(app):
    return app.test_client()


def test_a_draft_s_title_answers_and_team_names_are_shown_escaped(client, other_client, factory, sign_in):
    officer = factory.officer()
    draft = factory.complete_application(factory.call(officer=officer, questions=[long_text(word_limit=200)]))
    sign_in(draft.lead_applicant)
    base = f"/applications/{draft.id}"
    fill(client, f"{base}/details", f"{base}/details", {"title": PAYLOAD[:190], "abstract": PAYLOAD})
    key = draft.call.question_sets[-1].questions[0].key
    fill(client, f"{base}/questions", f"{base}/questions", {f"q_{key}": PAYLOAD})
    fill(
        client,
        f"{base}/team",
        f"{base}/team",
        {
            "full_name": PAYLOAD[:120],
            "email": "new.member@example.org",
            "country": "GB",
            "institution_id": str(draft.lead_applicant.institution_id),
        },
    )

    sign_in(officer, http_client=other_client)
    for page in (base, f"{base}/team"):
        assert_inert(other_client.get(page).get_data(as_text=True))
    invitation = factory.outbox("team_invitation", "new.member@example.org")[-1]
    assert_inert(render_email(invitation).get_body(preferencelist=("html",)).get_content())


def test_a_name_on_a_profile_is_shown_escaped_to_admins(client, other_client, factory, sign_in):
    person = factory.researcher()
    sign_in(person)
    fill(client, "/profile", "/profile", {"full_name": PAYLOAD[:120]})
    sign_in(factory.user(roles=["admin"]), http_client=other_client)
    for page in ("/admin/users", f"/admin/users/{person.id}"):
        assert_inert(other_client.get(page).get_data(as_text=True))


def test_a_call_summary_in_markdown_is_sanitised(client, factory, sign_in):
    officer = factory.officer()
    call = factory.call(officer=officer, open_it=False)
    sign_in(officer)
    fill(client, f"/manage/calls/{call.id}/edit", f"/manage/calls/{call.id}/edit", {"summary": MARKDOWN})
    response = client.get(f"/manage/calls/{call.id}")
    assert response.status_code == 200
    assert_inert(response.get_data(as_text=True), shown=None)


def test_a_progress_report_is_shown_escaped_to_officers(client, other_client, factory, sign_in):
    award = factory.award(accept=True)
    report = award.reports[0]
    sign_in(award.application.lead_applicant)
    page = f"/reports/{report.id}"
    fill(client, page, page, {"summary": PAYLOAD, "outcomes": PAYLOAD, "problems": PAYLOAD, "action": "save"})
    sign_in(factory.session.get(User, award.call.created_by_id), http_client=other_client)
    assert_inert(other_client.get(page).get_data(as_text=True))


FORMULAS = {'=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)"}


def test_exports_keep_formulas_as_text(client, factory, sign_in):
    texts = [ProposalText(title=formula, abstract=formula, keywords=formula) for formula in sorted(FORMULAS)]
    call, _ = factory.call_in_review(len(texts), texts=texts)
    sign_in(factory.session.get(User, call.created_by_id))
    csv_text = client.get(f"/manage/calls/{call.id}/export/applications.csv").get_data(as_text=True)
    cells = {cell for row in csv.reader(io.StringIO(csv_text.lstrip("\ufeff"))) for cell in row}
    assert {f"'{formula}" for formula in FORMULAS} <= cells
    assert not cells & FORMULAS
    workbook = zipfile.ZipFile(
        io.BytesIO(client.get(f"/manage/calls/{call.id}/export/applications.xlsx").data)
    )
    sheet = workbook.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet


def test_review_comments_are_shown_escaped_to_officers(client, other_client, factory, sign_in):
    call, (application,) = factory.call_in_review(1)
    officer = factory.session.get(User, call.created_by_id)
    reviewer = factory.reviewer()
    assignment = invitations.invite(officer, application, reviewer, utcnow())
    invitations.accept_invitation(reviewer, assignment, utcnow())
    sign_in(reviewer)
    page = f"/reviews/{assignment.id}"
    comments = f"{PAYLOAD} " + " ".join(["The proposal is well argued."] * 10)
    values = {"comments_for_applicant": comments, "comments_for_panel": comments, "recommendation": "fund"}
    fill(client, page, page, {**values, "no_conflict_declared": "y", "action": "submit"})
    sign_in(officer, http_client=other_client)
    assert_inert(other_client.get(f"/manage/applications/{application.id}/reviews").get_data(as_text=True))

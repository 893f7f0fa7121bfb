"""Every email in English and Simplified Chinese, deadlines in the recipient's time zone, and a
zh_Hans translation for every message the emails use."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from grants.accounts.models import User
from grants.accounts.roles import Role
from grants.accounts.services.roles import grant_role
from grants.awards.services.changes import extend_award
from grants.notifications.catalogue import EMAILS
from grants.notifications.models import OutboxMessage
from grants.notifications.rendering import render_email
from grants.notifications.services import queue_email

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "grants/translations/zh_Hans/LC_MESSAGES/messages.po"
EMAIL_SOURCES = (
    "grants/templates/emails/",
    "grants/notifications/catalogue.py",
    "grants/notifications/rendering.py",
)
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}

ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T")
CJK = re.compile(r"[\u4e00-\u9fff]")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
URL = re.compile(r"https?://\S+")
TWO_LATIN_WORDS = re.compile(r"[A-Za-z]{2,}\W{1,3}[A-Za-z]{2,}")

DEADLINE = "2026-12-05T09:30:00+00:00"  # 17:30 in Shanghai, 09:30 in London
BASE = "http://localhost"

PERSON = {"name": "Wang Lei"}
PROPOSAL = {
    **PERSON,
    "reference": "CRP26-0007",
    "title": "Drought-tolerant sorghum for the Sahel",
    "call": "Climate-resilient crops 2026",
}
AWARD = {**PROPOSAL, "link": f"{BASE}/awards/3"}
APPLICATION = {**PROPOSAL, "link": f"{BASE}/applications/7"}
REVIEW = {**PROPOSAL, "link": f"{BASE}/reviews/11"}
REPORT = {
    **PERSON,
    "reference": "AWD-2026-003",
    "report_kind": "progress",
    "report_number": 1,
    "link": f"{BASE}/reports/5",
}

# A context for each email, with the keys its callers give it (see ``grep -rn '"<template>"' grants``).
SAMPLES = {
    "verify_email": {**PERSON, "link": f"{BASE}/verify/tok-1", "valid_for_hours": 48},
    "password_reset": {**PERSON, "link": f"{BASE}/password/reset/tok-2", "valid_for_minutes": 60},
    "password_changed": {**PERSON, "link": f"{BASE}/password/forgot"},
    "email_change_confirm": {**PERSON, "link": f"{BASE}/account/email/confirm/tok-5", "valid_for_hours": 24},
    "email_change_notice": {**PERSON, "masked": "w***@cau.example.org", "link": f"{BASE}/password/forgot"},
    "two_factor_changed": {**PERSON, "change": "reset", "link": f"{BASE}/account/two-factor"},
    "recovery_code_used": {**PERSON, "left": 9, "link": f"{BASE}/account/two-factor"},
    "two_factor_wrong_codes": {**PERSON, "link": f"{BASE}/password/forgot"},
    "role_invitation": {
        "inviter": "Li Na",
        "role": "reviewer",
        "message": "We would value your view on sorghum trials.",
        "link": f"{BASE}/invitations/tok-3",
        "expires_at": DEADLINE,
    },
    "role_granted": {**PERSON, "role": "reviewer", "link": f"{BASE}/"},
    "team_invitation": {
        **PROPOSAL,
        "inviter": "Li Na",
        "role": "co_investigator",
        "link": f"{BASE}/team/tok-4",
    },
    "application_submitted": {**APPLICATION, "submitted_at": DEADLINE},
    "application_withdrawn": {
        **APPLICATION,
        "by": "Li Na",
        "reason": "The field site is no longer available.",
    },
    "application_reopened": {**APPLICATION, "reason": "Attach the signed letter of support."},
    "review_invitation": {**REVIEW, "due_at": DEADLINE},
    "review_received": REVIEW,
    "review_unlocked": {**REVIEW, "reason": "Score the budget criterion as well."},
    "review_cancelled": {**REVIEW, "reason": "A conflict of interest came to light."},
    "decision_released": {
        **APPLICATION,
        "outcome": "award",
        "amounts": ["£120,000.00", "¥800,000.00"],
        "feedback": ["A well-argued plan with realistic field trials."],
    },
    "award_offered": {**AWARD, "expires_at": DEADLINE},
    "agreement_accepted": AWARD,
    "award_withdrawn": {**AWARD, "reason": "The agreement was not accepted in time."},
    "award_changed": {
        **AWARD,
        "change": "extended",
        "ends_on": "2028-06-30",
        "reason": "Floods delayed the trials.",
    },
    "report_reviewed": {
        **AWARD,
        "report_kind": "progress",
        "report_number": 1,
        "accepted": False,
        "note": "Add the yields.",
    },
    "payment_released": {
        **AWARD,
        "amount": "£40,000.00",
        "funder": "Global Crop Fund",
        "paid_on": "2026-12-04",
        "payment_reference": "PAY-0042",
    },
    "call_closing_reminder": {**APPLICATION, "closes_at": DEADLINE},
    "review_reminder": {**REVIEW, "due_at": DEADLINE},
    "review_overdue": {**REVIEW, "due_at": DEADLINE},
    "acceptance_reminder": {**AWARD, "expires_at": DEADLINE},
    "report_due_reminder": {**REPORT, "due_on": "2026-12-31"},
    "report_overdue": {**REPORT, "due_on": "2026-11-30"},
    "officer_digest": {
        **PERSON,
        "on": "2026-12-05",
        "late_reviews": [
            {"call": "Climate-resilient crops 2026", "count": 2, "link": f"{BASE}/calls/2/routing"}
        ],
        "overdue_reports": [
            {
                "reference": "AWD-2026-003",
                "report_kind": "progress",
                "report_number": 1,
                "due_on": "2026-11-30",
                "link": f"{BASE}/reports/5",
            }
        ],
        "failed_emails": 3,
        "failed_link": f"{BASE}/manage/emails/failed",
        "link": f"{BASE}/awards/portfolio",
    },
}

# The other branches of templates that say different things for different cases.
VARIANTS = {
    "award_offered-extended": ("award_offered", {"extended": True}),
    "decision_released-one-amount": ("decision_released", {"amounts": ["£120,000.00"]}),
    "decision_released-no-amount": ("decision_released", {"amounts": []}),
    "decision_released-waitlist": (
        "decision_released",
        {"outcome": "waitlist", "amounts": [], "feedback": []},
    ),
    "decision_released-reject": ("decision_released", {"outcome": "reject", "amounts": []}),
    "report_reviewed-accepted": ("report_reviewed", {"accepted": True, "note": ""}),
    "call_closing_reminder-no-reference": ("call_closing_reminder", {"reference": None}),
    "review_invitation-no-due-date": ("review_invitation", {"due_at": None}),
    "review_reminder-no-due-date": ("review_reminder", {"due_at": None}),
    "review_overdue-no-due-date": ("review_overdue", {"due_at": None}),
    "application_withdrawn-no-reason": ("application_withdrawn", {"reason": ""}),
    "role_invitation-no-message": ("role_invitation", {"message": None}),
    "officer_digest-failed-emails-only": ("officer_digest", {"late_reviews": [], "overdue_reports": []}),
    "verify_email-one-hour": ("verify_email", {"valid_for_hours": 1}),
}
CASES = {**{template: (template, {}) for template in sorted(EMAILS)}, **VARIANTS}


def case_context(case: str) -> tuple[str, dict]:
    template, changes = CASES[case]
    return template, {**SAMPLES[template], **changes}


def rendered(template: str, language: str, zone: str = "Europe/London", context: dict | None = None):
    """``(subject, html, text)`` of the email as its recipient would receive it."""
    message = OutboxMessage(
        template=template,
        message_key=f"languages:{template}:{language}",
        recipient_email="wang.lei@example.org",
        language=language,
        context={**(context or SAMPLES[template]), "recipient_zone": zone},
    )
    return parts(render_email(message))


def parts(email) -> tuple[str, str, str]:
    return (
        str(email["Subject"]),
        email.get_body(("html",)).get_content(),
        email.get_body(("plain",)).get_content(),
    )


def sample_words(context: dict) -> list[str]:
    """Every string a context carries (names, titles, links), longest first."""
    found = []
    for value in context.values():
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, list):
            found += [
                text for item in value for text in (item.values() if isinstance(item, dict) else [item])
            ]
    return sorted((text for text in found if isinstance(text, str) and text), key=len, reverse=True)


def untranslated_lines(text: str, context: dict) -> list[str]:
    """Lines of ``text`` that still read as English once links, the context's own values (which
    stay as written) and the product name are taken out."""
    leftovers = []
    for line in text.splitlines():
        bare = URL.sub(" ", line)
        for word in [*sample_words(context), "wang.lei@example.org", "Grants"]:
            bare = re.sub(re.escape(word), " ", bare, flags=re.IGNORECASE)
        if TWO_LATIN_WORDS.search(bare):
            leftovers.append(line)
    return leftovers


def test_every_email_has_a_sample_context():
    assert sorted(SAMPLES) == sorted(EMAILS)


@pytest.mark.parametrize("language", ["en", "zh_Hans"])
@pytest.mark.parametrize("case", CASES)
def test_every_email_renders_in_each_language_with_both_parts_and_its_link(case, language):
    template, context = case_context(case)
    subject, html, text = rendered(template, language, context=context)

    assert subject.strip()
    assert html.strip() and text.strip()
    assert context["link"] in html and context["link"] in text
    assert not ISO_MOMENT.search(html) and not ISO_MOMENT.search(text), "times are written for people"


@pytest.mark.parametrize("case", CASES)
def test_every_email_reads_in_chinese_for_a_chinese_reader(case):
    template, context = case_context(case)
    subject, html, text = rendered(template, "zh_Hans", context=context)
    english_subject, _html, english_text = rendered(template, "en", context=context)

    assert CJK.search(subject) and subject != english_subject
    assert CJK.search(html) and CJK.search(text)
    assert untranslated_lines(text, context) == []
    assert untranslated_lines(english_text, context), "the check above would see English"


def deadline_email_for(factory, time_zone: str, language: str):
    """A review reminder queued for a reviewer living in ``time_zone``, rendered."""
    reviewer = factory.user(time_zone=time_zone, language=language)
    message = queue_email(
        template="review_reminder",
        key=f"languages:deadline:{reviewer.id}",
        recipient_email=reviewer.email,
        recipient=reviewer,
        context=SAMPLES["review_reminder"],
    )
    return parts(render_email(message))


@pytest.mark.parametrize(
    ("time_zone", "language", "wall_clock", "zone_name", "elsewhere"),
    [
        ("Asia/Shanghai", "zh_Hans", "2026年12月5日星期六 17:30", "中国标准时间", "09:30"),
        ("Asia/Shanghai", "en", "Saturday, 5 December 2026 17:30", "China Standard Time", "09:30"),
        ("Europe/London", "en", "Saturday, 5 December 2026 09:30", "Greenwich Mean Time", "17:30"),
        ("Europe/London", "zh_Hans", "2026年12月5日星期六 09:30", "格林尼治标准时间", "17:30"),
    ],
)
def test_a_deadline_is_written_in_the_recipients_zone_and_language(
    factory, time_zone, language, wall_clock, zone_name, elsewhere
):
    _subject, html, text = deadline_email_for(factory, time_zone, language)
    for part in (html, text):
        assert wall_clock in part and zone_name in part
        assert elsewhere not in part, "the other zone's clock"


def test_a_summer_deadline_in_london_names_british_summer_time():
    _subject, _html, text = rendered(
        "review_reminder",
        "en",
        "Europe/London",
        {**SAMPLES["review_reminder"], "due_at": "2026-07-05T09:30:00Z"},
    )
    assert "Sunday, 5 July 2026 10:30" in text and "British Summer Time" in text


def text_for(factory, template: str, recipient: User) -> str:
    [message] = factory.outbox(template, recipient=recipient.email)
    return parts(render_email(message))[2]


def test_a_role_granted_to_a_chinese_reader_is_named_in_chinese(factory):
    reader = factory.user(language="zh_Hans", time_zone="Asia/Shanghai")
    grant_role(None, reader, Role.REVIEWER, via_invitation=True)
    assert "Reviewer" not in text_for(factory, "role_granted", reader)


def test_an_award_change_is_described_to_a_chinese_reader_in_chinese(factory):
    award = factory.award()
    members = [member.user for member in award.application.members if member.user]
    for member in members:
        member.language = "zh_Hans"
    officer = factory.session.get(User, award.call.created_by_id)
    new_end = award.end_date + timedelta(days=90)

    extend_award(officer, award, new_end, "实地试验季因洪水推迟。")

    text = text_for(factory, "award_changed", members[0])
    assert "The award now ends" not in text
    assert new_end.strftime("%B") not in text


def email_messages() -> dict:
    """Each message id the emails use (extracted as ``pybabel extract -F babel.cfg`` does) with
    the file that uses it first."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = {}
    for filename, _line, msgid, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        if filename.startswith(EMAIL_SOURCES):
            found.setdefault(msgid, filename)
    return found


def forms(value) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def catalogue_problem(msgid, message) -> str | None:
    if message is None:
        return "missing"
    if message.fuzzy:
        return "fuzzy"
    translations = forms(message.string)
    if not all(translations):
        return "not translated"
    wanted = {name for form in forms(msgid) for name in PLACEHOLDER.findall(form)}
    for translation in translations:
        lost = wanted - set(PLACEHOLDER.findall(translation))
        if lost:
            return f"translation drops {sorted(lost)}"
    return None


def test_every_message_the_emails_use_has_a_chinese_translation_keeping_its_placeholders():
    messages = email_messages()
    with CATALOGUE.open("rb") as po:
        catalogue = read_po(po)
    assert len(messages) > len(EMAILS), "the extraction found the templates' messages"

    problems = {
        f"{filename}: {msgid!r}": problem
        for msgid, filename in messages.items()
        if (problem := catalogue_problem(msgid, catalogue.get(forms(msgid)[0]))) is not None
    }

    assert problems == {}

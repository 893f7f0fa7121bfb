"""Two requests at the same moment, each in its own thread, transaction and connection.

These commit for real, on PostgreSQL (row locks, READ COMMITTED) and on the embedded SQLite file
(IMMEDIATE transactions), because the integration tier's single shared transaction cannot race.
"""

import threading

import flask_migrate
import pytest

from grants.applications.models import Application
from grants.applications.services.attachments import remove_attachment
from grants.applications.services.drafts import DetailsInput, save_details
from grants.applications.services.submission import submit_application
from grants.errors import Conflict
from grants.extensions import db
from grants.notifications.models import OutboxMessage
from grants.timeutil import utcnow
from tests.conftest import build_app
from tests.factories import Factory


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def live_app(request, tmp_path):
    if request.param == "postgresql":
        url = request.getfixturevalue("worker_database")
    else:
        url = f"sqlite:///{tmp_path / 'race.sqlite'}"
    app = build_app(tmp_path, SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        flask_migrate.upgrade()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def ready_application(app) -> tuple[int, int, int]:
    """A complete joint draft, committed; returns its id and its two members' user ids."""
    with app.app_context():
        application = Factory(db.session).complete_application()
        ids = application.id, application.lead_applicant_id, application.members[1].user_id
        db.session.commit()
        return ids


def race(app, actions):
    """Run each action in its own thread and app context, all released at once; commit each."""
    barrier = threading.Barrier(len(actions))
    outcomes = [None] * len(actions)

    def run(index, action):
        with app.app_context():
            barrier.wait()
            try:
                outcomes[index] = action()
                db.session.commit()
            except Conflict as error:
                db.session.rollback()
                outcomes[index] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i, action)) for i, action in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_two_simultaneous_saves_from_the_same_version_one_wins_one_is_told(live_app):
    application_id, lead_id, partner_id = ready_application(live_app)
    with live_app.app_context():
        version = db.session.get(Application, application_id).details_version

    def save_as(user_id, abstract):
        def action():
            application = db.session.get(Application, application_id)
            user = db.session.get(type(application.lead_applicant), user_id)
            save_details(
                user,
                application,
                DetailsInput(application.title, abstract, "", "", None, None),
                expected_version=version,
                now=utcnow(),
            )
            return abstract

        return action

    outcomes = race(
        live_app, [save_as(lead_id, "Lead's abstract"), save_as(partner_id, "Partner's abstract")]
    )
    winners = [outcome for outcome in outcomes if isinstance(outcome, str)]
    refused = [outcome for outcome in outcomes if isinstance(outcome, Conflict)]
    assert len(winners) == 1 and len(refused) == 1
    assert "changed this application" in refused[0].message
    with live_app.app_context():
        stored = db.session.get(Application, application_id)
        assert stored.abstract == winners[0]
        assert stored.details_version == version + 1


def test_two_simultaneous_submissions_make_one(live_app):
    application_id, _lead_id, _partner_id = ready_application(live_app)

    def submit():
        application = db.session.get(Application, application_id)
        return submit_application(application.lead_applicant, application_id, utcnow()).newly_submitted

    outcomes = race(live_app, [submit, submit, submit])
    assert sorted(outcomes) == [False, False, True]
    with live_app.app_context():
        application = db.session.get(Application, application_id)
        assert application.submission_count == 1
        assert application.call.last_application_number == 1
        receipts = db.session.query(OutboxMessage).filter_by(template="application_submitted").count()
        assert receipts == 2


@pytest.mark.postgres
@pytest.mark.parametrize("live_app", ["postgresql"], indirect=True)
def test_a_save_that_loaded_the_draft_before_the_submission_committed_is_refused(live_app):
    """PostgreSQL only: on SQLite the editor's IMMEDIATE transaction would hold the write lock from
    its first read, so the submission could not commit in between; that is the safety there."""
    application_id, _lead_id, partner_id = ready_application(live_app)
    submitted = threading.Event()
    outcome = []

    def late_save():
        with live_app.app_context():
            application = db.session.get(Application, application_id)  # loaded while still a draft
            assert application.state == "draft" and len(application.attachments) == 3
            submitted.wait(timeout=30)
            partner = db.session.get(type(application.lead_applicant), partner_id)
            try:
                case = next(item for item in application.attachments if item.kind == "case_for_support")
                remove_attachment(partner, application, case.id, utcnow())
                db.session.commit()
                outcome.append("removed")
            except Conflict as error:
                db.session.rollback()
                outcome.append(error.message)
            finally:
                db.session.remove()

    editor = threading.Thread(target=late_save)
    editor.start()
    with live_app.app_context():
        application = db.session.get(Application, application_id)
        submit_application(application.lead_applicant, application_id, utcnow())
        db.session.commit()
        db.session.remove()
    submitted.set()
    editor.join(timeout=30)
    assert outcome == ["This application is submitted and can no longer be changed."]
    with live_app.app_context():
        kinds = [item.kind for item in db.session.get(Application, application_id).attachments]
        assert "case_for_support" in kinds

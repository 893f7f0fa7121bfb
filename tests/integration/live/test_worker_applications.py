"""Submission receipts and the closing of calls go through a real Celery worker process."""

from datetime import timedelta

from grants.applications.models import Application
from grants.applications.services.submission import submit_application
from grants.calls.models import Call
from grants.extensions import db
from grants.timeutil import utcnow
from tests.factories import Factory
from tests.integration.live.test_worker_delivery import read_mail
from tests.integration.live.worker import celery_worker, environment, grants_command, wait_for

RECEIPT = "Application submitted: your receipt"


def test_receipts_reach_every_team_member_and_the_worker_closes_calls_past_deadline(tmp_path, own_app):
    env = environment(GRANTS_CONFIG="default", GRANTS_INSTANCE_PATH=str(tmp_path))
    grants_command(env, "db", "upgrade")
    web = own_app("default", {"GRANTS_INSTANCE_PATH": str(tmp_path)})
    with web.app_context():
        application = Factory(db.session).complete_application()
        application_id, call_id = application.id, application.call_id
        team = [member.email for member in application.members]
        db.session.commit()

    with celery_worker(env, tmp_path / "worker.log"):
        with web.app_context():
            application = db.session.get(Application, application_id)
            submit_application(application.lead_applicant, application_id, utcnow())
            db.session.commit()  # the dispatcher hands both receipts to the worker after commit
            reference = application.reference
        # The team's invitations were handed over too: wait for the receipts themselves.
        receipts = [
            wait_for(lambda email=email: read_mail(tmp_path / "mail", email, RECEIPT)) for email in team
        ]

        with web.app_context():
            db.session.get(Call, call_id).closes_at = utcnow() - timedelta(seconds=1)
            db.session.commit()
            web.extensions["celery"].send_task("grants.tick")

        def call_state():
            with web.app_context():
                state = db.session.get(Call, call_id).state
                db.session.remove()
                return state == "closed"

        wait_for(call_state)

    assert len(receipts) == len(team)
    assert all(reference in receipt.get_body(("plain",)).get_content() for receipt in receipts)

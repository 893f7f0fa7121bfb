"""Review invitations confirmed by an officer reach the reviewers through a real Celery worker."""

from grants.accounts.models import User
from grants.extensions import db
from grants.reviews.models import AssignmentProposal
from grants.reviews.services import proposals
from grants.timeutil import utcnow
from tests.factories import Factory
from tests.integration.live.test_worker_delivery import read_mail
from tests.integration.live.worker import celery_worker, environment, grants_command, wait_for


def test_confirming_an_assignment_emails_each_invited_reviewer(tmp_path, own_app):
    env = environment(GRANTS_CONFIG="default", GRANTS_INSTANCE_PATH=str(tmp_path))
    grants_command(env, "db", "upgrade")
    web = own_app("default", {"GRANTS_INSTANCE_PATH": str(tmp_path)})
    with web.app_context():
        factory = Factory(db.session)
        officer = factory.officer()
        call, _ = factory.call_in_review(2, officer=officer, reviews_required=1)
        reviewers = [factory.reviewer(most=1).email for _ in range(2)]
        proposal = proposals.propose_assignment(
            officer, call, fairness=False, mix_countries=False, now=utcnow()
        )
        proposal_id, officer_id = proposal.id, officer.id
        db.session.commit()

    with celery_worker(env, tmp_path / "worker.log"):
        with web.app_context():
            proposal = db.session.get(AssignmentProposal, proposal_id)
            proposals.confirm_proposal(db.session.get(User, officer_id), proposal, utcnow())
            db.session.commit()  # the dispatcher hands the invitations to the worker after commit
        invitations = [
            wait_for(lambda email=email: read_mail(tmp_path / "mail", email)) for email in reviewers
        ]

    assert {message["Subject"] for message in invitations} == {"Will you review a proposal?"}
    assert all("/reviews/" in message.get_body(("plain",)).get_content() for message in invitations)

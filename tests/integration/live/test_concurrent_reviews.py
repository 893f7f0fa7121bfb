"""Two officers confirming the same assignment at once, and two clicks on "Accept": real
transactions in their own threads, on PostgreSQL and on the embedded SQLite file."""

from grants.accounts.models import User
from grants.extensions import db
from grants.notifications.models import OutboxMessage
from grants.reviews.models import AssignmentProposal, ReviewAssignment
from grants.reviews.services import invitations, proposals
from grants.timeutil import utcnow
from tests.factories import Factory
from tests.integration.live.test_concurrent_applications import live_app, race

__all__ = ["live_app"]


def proposed_call(app) -> tuple[int, int]:
    """A closed call with two proposals and a pending assignment proposal; returns its id and the
    officer's."""
    with app.app_context():
        factory = Factory(db.session)
        officer = factory.officer()
        call, _ = factory.call_in_review(2, officer=officer, reviews_required=2)
        for _ in range(3):
            factory.reviewer()
        proposal = proposals.propose_assignment(
            officer, call, fairness=False, mix_countries=False, now=utcnow()
        )
        ids = proposal.id, officer.id
        db.session.commit()
        return ids


def test_two_simultaneous_confirmations_send_each_invitation_once(live_app):
    proposal_id, officer_id = proposed_call(live_app)

    def confirm():
        officer = db.session.get(User, officer_id)
        return proposals.confirm_proposal(officer, db.session.get(AssignmentProposal, proposal_id), utcnow())

    outcomes = race(live_app, [confirm, confirm])
    assert sorted(outcomes, key=str)[0] == 4
    assert "was confirmed" in str(sorted(outcomes, key=str)[1])
    with live_app.app_context():
        assert db.session.query(ReviewAssignment).count() == 4
        assert db.session.query(OutboxMessage).filter_by(template="review_invitation").count() == 4


def test_accepting_twice_at_once_accepts_once(live_app):
    proposal_id, officer_id = proposed_call(live_app)
    with live_app.app_context():
        officer = db.session.get(User, officer_id)
        proposals.confirm_proposal(officer, db.session.get(AssignmentProposal, proposal_id), utcnow())
        db.session.commit()
        assignment_id = db.session.query(ReviewAssignment.id).order_by(ReviewAssignment.id).first()[0]

    def accept():
        assignment = db.session.get(ReviewAssignment, assignment_id)
        return invitations.accept_invitation(assignment.reviewer, assignment, utcnow()).state

    outcomes = race(live_app, [accept, accept])
    assert outcomes.count("accepted") == 1
    assert "accepted and cannot become accepted" in str(next(o for o in outcomes if o != "accepted"))

"""Released decisions reach every team member, and the award offer its lead investigators,
through a real Celery worker, with the mail written where the embedded default writes it."""

from email import policy
from email.parser import BytesParser
from pathlib import Path

from grants.accounts.models import User
from grants.awards.services.decisions import release_decisions
from grants.calls.models import Call
from grants.extensions import db
from grants.timeutil import utcnow
from tests.factories import Factory
from tests.integration.live.worker import celery_worker, environment, grants_command, wait_for


def mail_for(folder: Path, recipient: str) -> dict[str, object]:
    """Every message delivered to ``recipient``, by subject."""
    found = {}
    for path in sorted(folder.glob("*.eml")):
        message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
        if message["To"] == recipient:
            found[str(message["Subject"])] = message
    return found


def test_releasing_decisions_emails_each_team_member_and_offers_the_award_to_its_leads(tmp_path, own_app):
    env = environment(GRANTS_CONFIG="default", GRANTS_INSTANCE_PATH=str(tmp_path))
    grants_command(env, "db", "upgrade")
    web = own_app("default", {"GRANTS_INSTANCE_PATH": str(tmp_path)})
    with web.app_context():
        factory = Factory(db.session)
        call, (funded, rejected), officer = factory.deciding_call(2)
        factory.decide(officer, funded)
        factory.decide(officer, rejected, "reject")
        team = {
            member.user.email: (application is funded, member.role == "lead")
            for application in (funded, rejected)
            for member in application.members
        }
        call_id, officer_id = call.id, officer.id
        db.session.commit()

    with celery_worker(env, tmp_path / "worker.log"):
        with web.app_context():
            release_decisions(db.session.get(User, officer_id), db.session.get(Call, call_id), utcnow())
            db.session.commit()  # the dispatcher hands the emails to the worker after commit
        for email, (funded_team, lead) in team.items():
            expected = 2 if funded_team and lead else 1
            wait_for(
                lambda email=email, expected=expected: len(mail_for(tmp_path / "mail", email)) >= expected
            )

    for email, (funded_team, lead) in team.items():
        received = mail_for(tmp_path / "mail", email)
        decision = received["A decision on your application"].get_body(("plain",)).get_content()
        assert ("Congratulations" in decision) is funded_team
        assert "/applications/" in decision
        offered = "Award offer: please accept the agreement" in received
        assert offered is (funded_team and lead)

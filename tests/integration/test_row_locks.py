"""``lock_and_reload``: what another transaction committed before the lock is what the checks see,
with one statement for the row and no reload of a parent that has not changed.

Another transaction's commit is stood in for by a Core UPDATE or INSERT the session does not see
(no synchronisation), which is what the object looks like after a concurrent commit."""

from sqlalchemy import insert, update

from grants.applications.models import Application, TeamMember
from grants.applications.states import ApplicationState
from grants.calls.models import Call
from grants.database import lock_and_reload
from grants.extensions import db
from tests.query_counter import counting_queries


def _draft(factory):
    return factory.draft(factory.call())


def _behind_the_session(statement) -> None:
    db.session.execute(statement.execution_options(synchronize_session=False))


def test_columns_and_collections_are_the_committed_ones(factory):
    application = _draft(factory)
    db.session.flush()
    assert len(application.members) == 1
    _behind_the_session(
        update(Application).where(Application.id == application.id).values(state=ApplicationState.WITHDRAWN)
    )
    db.session.execute(
        insert(TeamMember).values(
            application_id=application.id,
            email="late@cau.example.org",
            full_name="Joined Meanwhile",
            role="co_investigator",
            country="CN",
        )
    )
    assert application.state == ApplicationState.DRAFT  # what the session read before

    lock_and_reload(application)

    assert application.state == ApplicationState.WITHDRAWN
    assert [member.email for member in application.members][-1] == "late@cau.example.org"


def test_the_unchanged_parent_is_kept_and_a_changed_one_followed(factory):
    application = _draft(factory)
    db.session.flush()
    call = application.call
    with counting_queries() as statements:
        lock_and_reload(application)
        assert application.call is call
    assert len(statements) == 1, statements  # the row, locked; not the call and its collections again

    other = factory.call()
    db.session.flush()
    _behind_the_session(update(Application).where(Application.id == application.id).values(call_id=other.id))
    lock_and_reload(application)
    assert application.call_id == other.id
    assert application.call is db.session.get(Call, other.id)


def test_a_parent_set_by_id_in_this_session_is_followed(factory):
    application = _draft(factory)
    other = factory.call()
    db.session.flush()
    assert application.call is not other
    application.call_id = other.id  # by id, with the old call still loaded on the object

    lock_and_reload(application)

    assert application.call is other

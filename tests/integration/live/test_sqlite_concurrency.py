"""The embedded default shares one SQLite file between the web process and the worker."""

import threading
import time

import flask_migrate
from sqlalchemy import func, insert, select

from grants.accounts.models import Institution, User
from grants.extensions import db
from tests.conftest import build_app


def test_a_transaction_that_read_first_still_writes_after_another_commits(tmp_path):
    """A sign-in reads the account, then writes its session row; if the worker commits in between,
    the sign-in must wait for its turn, not fail with "database is locked"."""
    app = build_app(tmp_path, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'shared.sqlite'}")
    with app.app_context():
        flask_migrate.upgrade()
        engine = db.engine
        other_error = []

        def worker_commits():
            try:
                with engine.begin() as connection:
                    connection.execute(insert(Institution).values(name="Worker", country="GB"))
            except Exception as error:
                other_error.append(error)

        with engine.connect() as web:
            web.begin()
            web.execute(select(func.count(User.id))).scalar()
            worker = threading.Thread(target=worker_commits)
            worker.start()
            time.sleep(0.5)  # the worker has committed by now, or is waiting for the web's lock
            web.execute(insert(Institution).values(name="Web", country="GB"))
            web.commit()
        worker.join(timeout=15)

        assert other_error == []
        with engine.connect() as check:
            assert check.execute(select(func.count(Institution.id))).scalar() == 2
        engine.dispose()

"""The production set-up on one machine, for fault tests: PostgreSQL, Redis behind a proxy the test
can take down, a real SMTP server in the test process, and Celery workers it can start and kill."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

import redis
from flask import Flask
from sqlalchemy import func, select

from grants import create_app
from grants.extensions import db
from grants.notifications.models import OutboxMessage, OutboxState
from tests.integration.live.proxy import TcpProxy
from tests.integration.live.smtp import SmtpSink
from tests.integration.live.worker import (
    environment,
    grants_command,
    production_settings,
    start_worker,
    stop,
    wait_for,
)

# Short timings so a fault test sees several sweeps and retries in seconds.
FAST_DELIVERY = {
    "OUTBOX_SWEEP_AFTER_SECONDS": "1",
    "OUTBOX_LEASE_SECONDS": "20",
    "OUTBOX_RETRY_BASE_SECONDS": "1",
    "OUTBOX_RETRY_CAP_SECONDS": "8",
}


@dataclass
class Stack:
    folder: Path
    database_url: str
    redis_url: str
    smtp: SmtpSink
    proxy: TcpProxy
    web: Flask
    env: dict[str, str]
    log_file: BinaryIO
    workers: list[subprocess.Popen] = field(default_factory=list)
    apps: list[Flask] = field(default_factory=list)

    @property
    def broker(self) -> redis.Redis:
        """Redis itself, not through the proxy: for looking at the queue."""
        return redis.Redis.from_url(self.redis_url)

    def seeding_app(self) -> Flask:
        """The same database with fast password hashing and no hand-over, for building data."""
        app = create_app(
            "testing",
            {
                "SQLALCHEMY_DATABASE_URI": self.database_url,
                "INSTANCE_PATH": str(self.folder / "seed"),
                "OUTBOX_DISPATCH": "record",
            },
        )
        self.apps.append(app)
        return app

    def start_worker(self, concurrency: int = 2, **env: str) -> subprocess.Popen:
        process = start_worker({**self.env, **env}, self.log_file, pool="threads", concurrency=concurrency)
        self.workers.append(process)
        return process

    def kill(self, process: subprocess.Popen) -> None:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()

    def send(self, task: str, **kwargs) -> bool:
        """Publish as beat would; False when the broker is unreachable."""
        try:
            self.web.extensions["celery"].send_task(task, kwargs=kwargs, retry=False)
            return True
        except Exception:
            return False

    def drain(self, timeout: float = 60) -> None:
        """Wait until the worker has taken and finished every published task."""

        def empty() -> bool:
            return self.broker.llen("celery") == 0 and self.broker.hlen("unacked") == 0

        wait_for(empty, timeout=timeout, interval=0.05)

    def count(self, state: OutboxState | None = None) -> int:
        with self.web.app_context():
            query = select(func.count()).select_from(OutboxMessage)
            if state is not None:
                query = query.where(OutboxMessage.state == state)
            value = db.session.scalar(query)
            db.session.remove()
            return value

    def sweep_until_all_sent(self, timeout: float = 180) -> None:
        """Fire the beat's sweep every second (as beat does every minute) until no row is pending."""
        deadline = time.monotonic() + timeout
        while self.count(OutboxState.PENDING):
            assert time.monotonic() < deadline, f"{self.count(OutboxState.PENDING)} messages still pending"
            self.send("grants.requeue_pending_mail")
            time.sleep(1)

    def log(self) -> str:
        path = self.folder / "worker.log"
        return path.read_text(errors="replace")[-6000:] if path.exists() else ""


@contextlib.contextmanager
def production_stack(folder: Path, database_url: str, redis_url: str, own_app, **env: str):
    """Everything up; workers stopped and the SMTP server and proxy shut afterwards."""
    redis.Redis.from_url(redis_url).flushdb()
    target = urlsplit(redis_url)
    proxy = TcpProxy(target.hostname or "127.0.0.1", target.port or 6379)
    proxy.up()
    proxied = f"redis://127.0.0.1:{proxy.port}{target.path or '/0'}"
    with SmtpSink() as smtp:
        settings = production_settings(folder, database_url, proxied, smtp.url, **{**FAST_DELIVERY, **env})
        worker_env = environment(**settings)
        grants_command(worker_env, "db", "upgrade")
        web = own_app("production", settings)
        with open(folder / "worker.log", "ab") as log_file:
            stack = Stack(folder, database_url, redis_url, smtp, proxy, web, worker_env, log_file)
            try:
                yield stack
            except BaseException:
                print(stack.log())
                raise
            finally:
                for process in stack.workers:
                    if process.poll() is None:
                        stop(process)
                proxy.down()
                for app in stack.apps:
                    with app.app_context():
                        db.session.remove()
                        db.engine.dispose()

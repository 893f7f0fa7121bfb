"""Serve Grants the way ``make run`` does (web + a real Celery worker, embedded default) for the
browser tests, and read the emails the worker writes."""

import json
import socket
import subprocess
import sys
import time
import urllib.request
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

from tests.integration.live.worker import BIN, ROOT, environment, grants_command


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ServedGrants:
    """The web server and worker as subprocesses on a temporary instance folder."""

    def __init__(self, instance: Path, **settings: str):
        """``settings`` are added to the served app's environment (``SMTP_URL``, say)."""
        self.instance = instance
        self.port = free_port()
        self.origin = f"http://127.0.0.1:{self.port}"
        self.env = environment(GRANTS_CONFIG="default", GRANTS_INSTANCE_PATH=str(instance), **settings)
        self.processes: list[subprocess.Popen] = []

    def __enter__(self) -> "ServedGrants":
        """Started (and stopped again at once if it does not start); stopped on leaving."""
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *_exc) -> None:
        self.stop()

    def start(self) -> None:
        grants_command(self.env, "db", "upgrade")
        grants_command(self.env, "seed-demo")
        self._spawn(
            "web",
            [
                str(BIN / "flask"),
                "--app",
                "grants:create_app",
                "run",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
            ],
        )
        self._spawn(
            "worker",
            [
                str(BIN / "celery"),
                "-A",
                "workers.celery_app",
                "worker",
                "--pool",
                "solo",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.origin + "/healthz", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("the web server did not start:\n" + self.logs())

    def _spawn(self, name: str, command: list[str]) -> None:
        log = open(self.instance / f"{name}.log", "wb")  # noqa: SIM115 (closed with the process)
        self.processes.append(
            subprocess.Popen(command, env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        )
        log.close()

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def run_module(self, module: str, timeout: float = 120):
        """Run ``python -m module`` in the served app's environment (its own database) and return
        the JSON it prints on its last line."""
        done = subprocess.run(
            [sys.executable, "-m", module],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode:
            raise RuntimeError(f"python -m {module} failed:\n{done.stderr[-4000:]}")
        return json.loads(done.stdout.strip().splitlines()[-1])

    def logs(self) -> str:
        return "\n".join(
            f"--- {path.name}\n{path.read_text(errors='replace')[-3000:]}"
            for path in sorted(self.instance.glob("*.log"))
        )

    def wait_for_email(
        self, recipient: str, subject: str, timeout: float = 30, containing: str = ""
    ) -> EmailMessage:
        """The newest email to ``recipient`` with ``subject`` (and ``containing`` in its text)
        that the worker wrote."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = []
            for path in (self.instance / "mail").glob("*.eml"):
                message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
                if message["To"] != recipient or message["Subject"] != subject:
                    continue
                if containing in message.get_body(("plain",)).get_content():
                    found.append((path.stat().st_mtime, message))
            if found:
                return max(found, key=lambda item: item[0])[1]
            time.sleep(0.2)
        raise AssertionError(f"no email {subject!r} to {recipient} after {timeout} s\n" + self.logs())

    def link_in(self, message: EmailMessage) -> str:
        """The email's link, pointed at this server instead of the configured public address."""
        text = message.get_body(("plain",)).get_content()
        link = next(word for word in text.split() if word.startswith("http"))
        return self.origin + "/" + link.split("://", 1)[1].split("/", 1)[1]

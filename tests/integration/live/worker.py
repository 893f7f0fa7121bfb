"""Run a real Celery worker process for integration tests."""

import contextlib
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
BIN = Path(sys.executable).parent

APP_ENVIRONMENT = (
    "GRANTS_CONFIG",
    "GRANTS_INSTANCE_PATH",
    "DATABASE_URL",
    "REDIS_URL",
    "SMTP_URL",
    "SECRET_KEY",
    "MAIL_DIR",
    "FORCE_HTTPS",
)


def environment(**values: str) -> dict[str, str]:
    """This process's environment without any app settings, plus ``values``."""
    env = {key: value for key, value in os.environ.items() if key not in APP_ENVIRONMENT}
    env.update(values)
    return env


def grants_command(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [str(BIN / "grants"), *args], env=env, cwd=ROOT, check=True, capture_output=True, timeout=120
    )


@contextlib.contextmanager
def celery_worker(env: dict[str, str], log_path: Path):
    """A worker on the app's own broker, stopped (and its log shown on failure) afterwards."""
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
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
                "--loglevel",
                "INFO",
            ],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            yield process
        except BaseException:
            print(log_path.read_text(errors="replace")[-4000:])
            raise
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_for(predicate, timeout: float = 60, interval: float = 0.2):
    """Poll ``predicate`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"nothing after {timeout} s")

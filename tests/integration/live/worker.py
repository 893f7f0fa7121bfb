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


def production_settings(folder: Path, database_url: str, redis_url: str, smtp_url: str, **extra: str) -> dict:
    """The environment of a production deployment on this machine, plain HTTP."""
    return {
        "GRANTS_CONFIG": "production",
        "GRANTS_INSTANCE_PATH": str(folder),
        "SECRET_KEY": "s" * 48,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "SMTP_URL": smtp_url,
        "FORCE_HTTPS": "false",
        **extra,
    }


def grants_command(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [str(BIN / "grants"), *args], env=env, cwd=ROOT, check=True, capture_output=True, timeout=120
    )


def start_worker(env: dict[str, str], log, *, pool: str = "solo", concurrency: int = 1) -> subprocess.Popen:
    """A worker process on the app's own broker, logging to the open file ``log``."""
    return subprocess.Popen(
        [
            str(BIN / "celery"),
            "-A",
            "workers.celery_app",
            "worker",
            "--pool",
            pool,
            "--concurrency",
            str(concurrency),
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


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextlib.contextmanager
def celery_worker(env: dict[str, str], log_path: Path, **options):
    """A worker, stopped (and its log shown on failure) afterwards."""
    with open(log_path, "ab") as log:
        process = start_worker(env, log, **options)
        try:
            yield process
        except BaseException:
            print(log_path.read_text(errors="replace")[-4000:])
            raise
        finally:
            stop(process)


def wait_for(predicate, timeout: float = 60, interval: float = 0.2):
    """Poll ``predicate`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"nothing after {timeout} s")

"""Starting the production processes for a benchmark, waiting for them, and watching their memory."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"


def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    """Start ``command`` from the project folder in its own process group, its output in ``log``."""
    with open(log, "ab") as out:
        return subprocess.Popen(  # noqa: S603 (our own venv's programs, our own arguments)
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def stop(process: subprocess.Popen) -> None:
    """Stop the process and everything it started (gunicorn's and Celery's workers)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def wait_for_port(port: int, process: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited; see {log}:\n{log.read_text()[-3000:]}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"nothing answered on port {port} within {timeout:.0f} s; see {log}")


def gunicorn(app: str, env: dict[str, str], log: Path, warm_up: tuple[str, str]) -> subprocess.Popen:
    """gunicorn with the project's own settings (``gunicorn.conf.py``) serving ``app``, warmed up
    by sending ``warm_up`` (method, path) from eight threads 200 times, so every worker has loaded
    its templates and opened its connections before anything is measured."""
    process = start(
        [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "--pythonpath", "bench/rush", app], env, log
    )
    bind = env.get("GUNICORN_BIND", "127.0.0.1:8000")
    wait_for_port(int(bind.rsplit(":", 1)[1]), process, log)
    method, path = warm_up

    def one(_n: int) -> int:
        request = urllib.request.Request(f"http://{bind}{path}", method=method)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback)
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(one, range(200)))
    return process


def celery_worker(env: dict[str, str], log: Path) -> subprocess.Popen:
    """One Celery worker as the README's production section starts it."""
    return start(
        [
            str(BIN / "celery"),
            "-A",
            "workers.celery_app",
            "worker",
            "--loglevel",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
        ],
        env,
        log,
    )


def workers_of(process: subprocess.Popen) -> list[psutil.Process]:
    """The processes ``process`` forked to do the work (gunicorn's workers, Celery's pool)."""
    try:
        return psutil.Process(process.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def machine_used_mib() -> float:
    """Memory in use on the whole machine: total less what is available."""
    memory = psutil.virtual_memory()
    return (memory.total - memory.available) / 2**20


@dataclass
class MemoryWatch:
    """Samples, every ``interval`` seconds while running, the machine's used memory and the resident
    memory of each watched group's processes (its master and its workers)."""

    groups: dict[str, subprocess.Popen]
    interval: float = 0.05
    machine_baseline_mib: float = 0.0
    machine_peak_mib: float = 0.0
    peak_rss_mib: dict[str, float] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __enter__(self) -> MemoryWatch:
        self.machine_baseline_mib = self.machine_peak_mib = machine_used_mib()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._stop.set()
        assert self._thread is not None
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.machine_peak_mib = max(self.machine_peak_mib, machine_used_mib())
            for name, process in self.groups.items():
                for kind, member in (
                    ("master", psutil.Process(process.pid)),
                    *(("worker", w) for w in workers_of(process)),
                ):
                    try:
                        rss = member.memory_info().rss / 2**20
                    except psutil.NoSuchProcess:
                        continue
                    key = f"{name} {kind}"
                    self.peak_rss_mib[key] = max(self.peak_rss_mib.get(key, 0.0), rss)

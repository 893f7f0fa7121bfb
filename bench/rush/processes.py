"""Starting the production processes for a benchmark, waiting for them, and watching their memory."""

from __future__ import annotations

import os
import resource
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

    def proportional_mib(self) -> dict[str, float]:
        """Now, each group's largest proportional set size (PSS): its own pages plus its share of
        those it shares, such as the app a preloading gunicorn master built before forking."""
        sizes: dict[str, float] = {}
        for key, member in self._members():
            try:
                pss = member.memory_full_info().pss / 2**20
            except psutil.NoSuchProcess:
                continue
            sizes[key] = max(sizes.get(key, 0.0), pss)
        return sizes

    def _members(self) -> list[tuple[str, psutil.Process]]:
        """("gunicorn master", process), ("gunicorn worker", process), ... for every group."""
        members = []
        for name, process in self.groups.items():
            members.append((f"{name} master", psutil.Process(process.pid)))
            members.extend((f"{name} worker", worker) for worker in workers_of(process))
        return members

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


PROGRAMS = {"gunicorn": "gunicorn", "postgres": "PostgreSQL", "celery": "Celery", "redis-server": "Redis"}


def cpu_seconds_by_program() -> dict[str, float]:
    """CPU seconds used so far by each program of the setup, summed over its processes."""
    totals: dict[str, float] = {}
    for process in psutil.process_iter(["name", "cmdline", "cpu_times"]):
        command = " ".join(process.info["cmdline"] or [process.info["name"] or ""])
        program = next((label for key, label in PROGRAMS.items() if key in command), None)
        times = process.info["cpu_times"]
        if program and times:
            totals[program] = totals.get(program, 0.0) + times.user + times.system
    return totals


@dataclass
class CpuShare:
    """CPU seconds each program used while the block ran, the load tool's among them."""

    seconds: dict[str, float] = field(default_factory=dict)

    def __enter__(self) -> CpuShare:
        self._programs = cpu_seconds_by_program()
        self._children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return self

    def __exit__(self, *_exc) -> None:
        after = cpu_seconds_by_program()
        self.seconds = {name: after[name] - self._programs.get(name, 0.0) for name in after}
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.seconds["Locust"] = (children.ru_utime + children.ru_stime) - (
            self._children.ru_utime + self._children.ru_stime
        )

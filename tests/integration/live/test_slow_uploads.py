"""Oversized and slow request bodies against the production server: gunicorn with the project's
``gunicorn.conf.py`` (one worker, one thread, so a held thread shows), spoken to over raw sockets.

The body pace is shortened (1 s grace, 2,000 bytes a second, 3 s idle) so the rule shows in
seconds; production's values are in ``config/default.py``.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import threading
import time
from pathlib import Path
from typing import NamedTuple

import pytest

from tests.integration.live.worker import BIN, ROOT, environment, grants_command, stop, wait_for

PACE = {
    "REQUEST_BODY_GRACE_SECONDS": 1.0,
    "REQUEST_BODY_MIN_BYTES_PER_SECOND": 2000,
    "REQUEST_BODY_IDLE_SECONDS": 3.0,
}
LIMIT = 20 * 1024 * 1024  # MAX_CONTENT_LENGTH
FILE_PART = (
    b'--b\r\nContent-Disposition: form-data; name="file"; filename="case.pdf"\r\n'
    b"Content-Type: application/pdf\r\n\r\n"
)


class Served(NamedTuple):
    port: int
    master: int


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """gunicorn serving the embedded default (SQLite) with the short pace."""
    folder = tmp_path_factory.mktemp("slow-uploads")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = environment(
        GRANTS_CONFIG="default",
        GRANTS_INSTANCE_PATH=str(folder),
        GUNICORN_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="1",
        GUNICORN_THREADS="1",
    )
    grants_command(env, "db", "upgrade")
    with open(folder / "gunicorn.log", "ab") as log:
        process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", f"grants:create_app('default', {PACE!r})"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for(lambda: _answers(port), timeout=30)
        yield Served(port, process.pid)
    except BaseException:
        print((folder / "gunicorn.log").read_text(errors="replace")[-4000:])
        raise
    finally:
        stop(process)


def _answers(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
        return sock.recv(12).startswith(b"HTTP/1.1")
    return False


def post(port: int, headers: bytes) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(
        b"POST /sign-in HTTP/1.1\r\nHost: test\r\nContent-Type: multipart/form-data; boundary=b\r\n"
        + headers
        + b"\r\n"
    )
    return sock


def status_of(sock: socket.socket, timeout: float) -> tuple[int, float]:
    """The response's status code, and how long it took to come."""
    started = time.monotonic()
    sock.settimeout(timeout)
    line = b""
    while b"\r\n" not in line:
        data = sock.recv(1024)
        if not data:
            break
        line += data
    return int(line.split()[1]), time.monotonic() - started


def trickle(
    sock: socket.socket, stop_sending: threading.Event, piece: bytes, every: float
) -> threading.Thread:
    def send() -> None:
        with contextlib.suppress(OSError):
            while not stop_sending.wait(every):
                sock.sendall(piece)

    thread = threading.Thread(target=send, daemon=True)
    thread.start()
    return thread


def worker_pid(master: int) -> int:
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == master:
                    return int(entry.name)
    raise AssertionError("gunicorn has no worker")


def peak_rss_mib(pid: int) -> float:
    line = next(
        row for row in Path(f"/proc/{pid}/status").read_text().splitlines() if row.startswith("VmHWM")
    )
    return int(line.split()[1]) / 1024


def test_a_declared_length_over_the_limit_is_refused_before_the_body_is_read(server):
    with post(server.port, f"Content-Length: {LIMIT * 3}\r\n".encode()) as sock:
        sock.sendall(FILE_PART)
        status, seconds = status_of(sock, timeout=5)
    assert status == 413 and seconds < 1, (status, seconds)


def test_a_chunked_body_past_the_limit_is_refused_and_never_held_whole(server):
    worker = worker_pid(server.master)
    before = peak_rss_mib(worker)
    with post(server.port, b"Transfer-Encoding: chunked\r\n") as sock:
        with contextlib.suppress(OSError):  # the server may stop reading once it has answered
            for piece in [FILE_PART] + [bytes(1024 * 1024)] * (LIMIT // (1024 * 1024) + 4):
                sock.sendall(b"%x\r\n%s\r\n" % (len(piece), piece))
        status, _ = status_of(sock, timeout=10)
    assert status == 413
    grown = peak_rss_mib(worker) - before
    assert grown < LIMIT / 2 / 1024 / 1024, f"the worker's peak memory grew {grown:.0f} MiB"


def test_a_slow_body_is_stopped_and_frees_the_only_thread(server):
    """10 bytes a second against a 2,000 byte a second floor: answered 408 after about the grace
    period, and the one worker thread then serves someone else."""
    stop_sending = threading.Event()
    with post(server.port, b"Content-Length: 100000\r\n") as slow:
        slow.sendall(FILE_PART)
        trickle(slow, stop_sending, b"x", every=0.1)
        time.sleep(0.3)
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as other:
            other.sendall(b"GET /healthz HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
            status, waited = status_of(other, timeout=8)
        assert status == 200 and waited < 4, (status, waited)
        slow_status, _ = status_of(slow, timeout=5)
        stop_sending.set()
    assert slow_status == 408


def test_a_body_that_stalls_is_stopped_after_the_idle_limit(server):
    with post(server.port, b"Content-Length: 100000\r\n") as sock:
        sock.sendall(FILE_PART + bytes(60000))
        status, seconds = status_of(sock, timeout=10)
    assert status == 408 and 2.5 < seconds < 5, (status, seconds)


def test_a_body_at_an_ordinary_pace_is_read_to_the_end(server):
    """200 KB at about 100 KB/s: well above the floor, so the app reads it all (and refuses the
    form for its missing CSRF token, which needs the whole body)."""
    body = FILE_PART + bytes(200_000) + b"\r\n--b--\r\n"
    with post(server.port, f"Content-Length: {len(body)}\r\n".encode()) as sock:
        for start in range(0, len(body), 10_000):
            sock.sendall(body[start : start + 10_000])
            time.sleep(0.1)
        status, _ = status_of(sock, timeout=5)
    assert status == 400

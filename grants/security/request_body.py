"""A floor under how fast a request body must arrive, so a slow upload cannot hold a server
thread for ever (slowloris, slow POST).

gunicorn's ``timeout`` does not bound this: a gthread worker's main thread keeps the heartbeat
going while a handler thread waits for a client's bytes, and one read from gunicorn's body waits
for all the bytes it asked for, however slowly they come. The TLS proxy in front (nginx
``client_body_timeout``, request buffering) is the first bound; this one holds without it.

The rule: after ``grace`` seconds a body must have come at ``min_rate`` bytes a second on average,
and never pause longer than ``idle`` seconds. Reads are passed on in small pieces so progress is
seen; a watchdog thread shuts the reading side of a client's socket once its time is up, which
ends a read that is waiting, and the request is answered 408.
"""

from __future__ import annotations

import contextlib
import math
import os
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from werkzeug.exceptions import RequestTimeout

PIECE = 8192


@dataclass
class BodyPace:
    """The pace settings, and one body's progress against them."""

    grace: float
    min_rate: float
    idle: float
    sock: Any = None
    length: int | None = None
    started: float = field(default_factory=time.monotonic)
    last_progress: float = field(default_factory=time.monotonic)
    received: int = 0
    finished: bool = False
    expired: bool = False

    def deadline(self) -> float:
        """When the body's time is up; never once it has all arrived (the app may then take its time)."""
        if self.finished:
            return math.inf
        return min(self.started + self.grace + self.received / self.min_rate, self.last_progress + self.idle)

    def progress(self, count: int) -> None:
        self.received += count
        if count:
            self.last_progress = time.monotonic()
        if not count or (self.length is not None and self.received >= self.length):
            self.finished = True

    def expire(self) -> None:
        """Give up on the body; a read waiting on the socket returns at once."""
        self.expired = True
        if self.sock is not None:
            with contextlib.suppress(OSError):
                self.sock.shutdown(socket.SHUT_RD)


class Watchdog:
    """One thread per process that expires bodies whose time is up."""

    def __init__(self) -> None:
        self._paces: dict[int, BodyPace] = {}
        self._condition = threading.Condition()
        self._pid: int | None = None

    def watch(self, pace: BodyPace) -> None:
        with self._condition:
            if self._pid != os.getpid():  # a forked worker does not inherit the thread
                self._pid = os.getpid()
                threading.Thread(target=self._run, name="body-watchdog", daemon=True).start()
            self._paces[id(pace)] = pace
            self._condition.notify()

    def forget(self, pace: BodyPace) -> None:
        with self._condition:
            self._paces.pop(id(pace), None)

    def _run(self) -> None:
        while True:
            with self._condition:
                now = time.monotonic()
                for pace in [pace for pace in self._paces.values() if pace.deadline() <= now]:
                    pace.expire()
                    del self._paces[id(pace)]
                waits = [pace.deadline() - now for pace in self._paces.values() if not pace.finished]
                self._condition.wait(timeout=max(min(waits), 0.05) if waits else None)


WATCHDOG = Watchdog()


class PacedInput:
    """``wsgi.input`` read in pieces, each one counted towards the body's pace."""

    def __init__(self, stream: Any, pace: BodyPace) -> None:
        self._stream = stream
        self._pace = pace

    def _piece(self, read: Callable[[int], bytes], size: int) -> bytes:
        if self._pace.expired or time.monotonic() > self._pace.deadline():
            self._pace.expired = True
            raise too_slow()
        try:
            data = read(size)
        except OSError:  # gunicorn's NoMoreData too, when the watchdog shut the socket
            if self._pace.expired:
                raise too_slow() from None
            raise
        if self._pace.expired:
            raise too_slow()
        self._pace.progress(len(data))
        return data

    def read(self, size: int | None = -1) -> bytes:
        wanted = None if size is None or size < 0 else size
        chunks = []
        while wanted is None or wanted > 0:
            data = self._piece(self._stream.read, PIECE if wanted is None else min(PIECE, wanted))
            if not data:
                break
            chunks.append(data)
            if wanted is not None:
                wanted -= len(data)
        return b"".join(chunks)

    def readline(self, size: int | None = -1) -> bytes:
        limit = PIECE if size is None or size < 0 else min(size, PIECE)
        return self._piece(self._stream.readline, limit)

    def readlines(self, hint: int | None = -1) -> list[bytes]:
        return list(self)

    def __iter__(self) -> Iterator[bytes]:
        while line := self.readline():
            yield line


def too_slow() -> RequestTimeout:
    return RequestTimeout(
        description=_("The upload came in too slowly and was stopped. Check your connection and try again.")
    )


class BodyDeadline:
    """WSGI middleware applying the pace to every request that has a body."""

    def __init__(self, app: Callable, *, grace: float, min_rate: float, idle: float) -> None:
        self.app = app
        self.settings = {"grace": grace, "min_rate": min_rate, "idle": idle}

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if not _has_body(environ):
            return self.app(environ, start_response)
        sock = environ.get("gunicorn.socket") or environ.get("werkzeug.socket")
        pace = BodyPace(**self.settings, sock=sock, length=_length(environ))
        environ["wsgi.input"] = PacedInput(environ["wsgi.input"], pace)
        if sock is not None:  # without a socket (the test client) there is no read to interrupt
            WATCHDOG.watch(pace)
        try:
            return self.app(environ, start_response)
        finally:
            WATCHDOG.forget(pace)


def _has_body(environ: dict) -> bool:
    return "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower() or bool(_length(environ))


def _length(environ: dict) -> int | None:
    try:
        return int(environ["CONTENT_LENGTH"])
    except (KeyError, ValueError):
        return None

"""A real SMTP server in the test process (aiosmtpd) that records what it accepts, and can be
told to answer 421 ("service not available, try again later") for a while."""

from __future__ import annotations

import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class Received:
    at: float  # time.monotonic()
    message: EmailMessage

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"])


class SmtpSink:
    def __init__(self) -> None:
        self.received: list[Received] = []
        self.refused: list[tuple[float, str]] = []  # (time, Message-ID) of each 421 answer
        self.refuse_until = 0.0
        self._lock = threading.Lock()
        self.controller = Controller(self, hostname="127.0.0.1", port=free_port())

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.controller.port}"

    async def handle_DATA(self, server, session, envelope):
        message = BytesParser(policy=policy.default).parsebytes(envelope.content)
        now = time.monotonic()
        with self._lock:
            if now < self.refuse_until:
                self.refused.append((now, str(message["Message-ID"])))
                return "421 Service not available, try again later"
            self.received.append(Received(now, message))
        return "250 Message accepted"

    def refuse_for(self, seconds: float) -> None:
        self.refuse_until = time.monotonic() + seconds

    def messages(self) -> list[EmailMessage]:
        with self._lock:
            return [r.message for r in self.received]

    def copies(self) -> Counter:
        """How many times each Message-ID arrived."""
        with self._lock:
            return Counter(r.message_id for r in self.received)

    def __enter__(self) -> SmtpSink:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()

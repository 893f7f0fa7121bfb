"""Named places where a fault test may crash the process, or fail a disk write, on purpose.

Off unless ``GRANTS_FAILPOINTS`` names a point, e.g. ``after_smtp_accept``: the fault test for
"a crash between the SMTP server's acceptance and the commit" needs the crash exactly there,
which no outside signal can time. Production never sets the variable.
"""

import errno
import os
import signal


def reach(name: str) -> None:
    """Kill this process as SIGKILL would if ``name`` is armed; the arming file is removed
    first, so the point fires once per arming."""
    if _disarm(name) is not None:
        os.kill(os.getpid(), signal.SIGKILL)


def fail_io(name: str) -> None:
    """Raise the ``OSError`` that an armed ``name`` asks for: its arming file holds an errno
    name (``ENOSPC``, ``EDQUOT``, ``EIO``), as a full disk or a failing volume would raise it.
    Fires once per arming, like ``reach``."""
    code = _disarm(name)
    if code is not None:
        number = getattr(errno, code.strip() or "EIO")
        raise OSError(number, os.strerror(number))


def _disarm(name: str) -> str | None:
    """The content of ``name``'s arming file, which is removed; None when it is not armed."""
    armed = os.environ.get("GRANTS_FAILPOINTS", "")
    for entry in armed.split(",") if armed else ():
        point, _, flag_file = entry.partition("=")
        if point == name and flag_file:
            try:
                with open(flag_file) as flag:
                    content = flag.read()
                os.remove(flag_file)  # of two threads at the point, only the one that removes it fires
            except FileNotFoundError:
                return None
            return content
    return None

"""Named places where a fault test may crash the process on purpose.

Off unless ``GRANTS_FAILPOINTS`` names a point, e.g. ``after_smtp_accept``: the fault test for
"a crash between the SMTP server's acceptance and the commit" needs the crash exactly there,
which no outside signal can time. Production never sets the variable.
"""

import os
import signal


def reach(name: str) -> None:
    """Kill this process as SIGKILL would if ``name`` is armed; the arming file is removed
    first, so the point fires once per arming."""
    armed = os.environ.get("GRANTS_FAILPOINTS", "")
    if not armed:
        return
    for entry in armed.split(","):
        point, _, flag_file = entry.partition("=")
        if point == name and flag_file and os.path.exists(flag_file):
            os.remove(flag_file)
            os.kill(os.getpid(), signal.SIGKILL)

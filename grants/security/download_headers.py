"""Headers every download must carry, whichever view made it, set at the WSGI edge (after
Flask-Talisman, which replaces any policy a view sets).

A download (``Content-Disposition: attachment``) gets a policy that allows nothing and sandboxes
the document, and ``nosniff``: should a browser ever open an uploaded file in a tab, a file that
is also HTML runs no script, on our origin or any other.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

DOWNLOAD_POLICY = "default-src 'none'; sandbox"


class DownloadHeaders:
    """WSGI middleware that adds the headers above to downloads."""

    def __init__(self, app: Callable) -> None:
        self.app = app

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        def guarded_start(status: str, headers: list[tuple[str, str]], exc_info=None):
            return start_response(status, guarded_headers(headers), exc_info)

        return self.app(environ, guarded_start)


def guarded_headers(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    names = {name.lower(): value for name, value in headers}
    if not names.get("content-disposition", "").lower().startswith("attachment"):
        return headers
    replaced = {"content-security-policy", "x-content-type-options"}
    kept = [(name, value) for name, value in headers if name.lower() not in replaced]
    return [*kept, ("Content-Security-Policy", DOWNLOAD_POLICY), ("X-Content-Type-Options", "nosniff")]

"""Headers every response of a kind must carry, whichever view made it, set at the WSGI edge
(after Flask-Talisman, which replaces any policy a view sets).

- A download (``Content-Disposition: attachment``) gets a policy that allows nothing and sandboxes
  the document, and ``nosniff``: should a browser ever open an uploaded file in a tab, a file that
  is also HTML runs no script, on our origin or any other.
- A 503 says when to come back (``Retry-After``), unless its view already did.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

DOWNLOAD_POLICY = "default-src 'none'; sandbox"
RETRY_AFTER_SECONDS = "120"


class DownloadHeaders:
    """WSGI middleware that adds the headers above."""

    def __init__(self, app: Callable) -> None:
        self.app = app

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        def guarded_start(status: str, headers: list[tuple[str, str]], exc_info=None):
            return start_response(status, guarded_headers(status, headers), exc_info)

        return self.app(environ, guarded_start)


def guarded_headers(status: str, headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    names = {name.lower(): value for name, value in headers}
    if names.get("content-disposition", "").lower().startswith("attachment"):
        replaced = {"content-security-policy", "x-content-type-options"}
        headers = [(name, value) for name, value in headers if name.lower() not in replaced]
        headers += [("Content-Security-Policy", DOWNLOAD_POLICY), ("X-Content-Type-Options", "nosniff")]
    if status.startswith("503") and "retry-after" not in names:
        headers = [*headers, ("Retry-After", RETRY_AFTER_SECONDS)]
    return headers

"""The WSGI middleware around the Flask app: a pace for request bodies, headers for downloads."""

from flask import Flask

from grants.security.download_headers import DownloadHeaders
from grants.security.request_body import BodyDeadline


def install_wsgi_guards(app: Flask) -> None:
    settings = app.config
    app.wsgi_app = DownloadHeaders(
        BodyDeadline(
            app.wsgi_app,
            grace=settings["REQUEST_BODY_GRACE_SECONDS"],
            min_rate=settings["REQUEST_BODY_MIN_BYTES_PER_SECOND"],
            idle=settings["REQUEST_BODY_IDLE_SECONDS"],
        )
    )

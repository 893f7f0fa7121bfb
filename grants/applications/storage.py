"""Where uploaded files live: a folder of random names, never a name a user chose."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Response, abort, current_app, send_file


def upload_root() -> Path:
    root = Path(current_app.config["UPLOAD_DIR"])
    root.mkdir(parents=True, exist_ok=True)
    return root


def store_bytes(content: bytes, suffix: str = ".pdf") -> str:
    """Write ``content`` under a fresh random name and return that name."""
    name = secrets.token_hex(20) + suffix
    path = upload_root() / name
    temporary = path.with_suffix(".part")
    temporary.write_bytes(content)
    os.replace(temporary, path)
    return name


def path_of(stored_name: str) -> Path:
    """The file for a stored name; refuses anything that is not one of our own names."""
    if not stored_name or "/" in stored_name or "\\" in stored_name or stored_name.startswith("."):
        raise ValueError("not a stored file name")
    return upload_root() / stored_name


def send_stored_pdf(stored: Any, download_name: str) -> Response:
    """Send a ``StoredPdf`` row's file as a download under ``download_name``; 404 when the file
    is missing. The content hash is the ETag, and nothing is cached."""
    path = path_of(stored.stored_name)
    if not path.is_file():
        abort(404)
    return send_file(
        path,
        mimetype="application/pdf",
        as_attachment=True,
        download_name=download_name,
        max_age=0,
        etag=stored.sha256,
    )

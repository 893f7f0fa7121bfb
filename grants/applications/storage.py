"""Where uploaded files live: a folder of random names, never a name a user chose."""

from __future__ import annotations

import contextlib
import os
import secrets
import unicodedata
from pathlib import Path
from typing import Any

from flask import Response, abort, current_app, send_file

from grants import failpoints

# Characters that are invisible or reorder what follows (controls, bidi overrides, line breaks):
# a shown or downloaded name with them can pass for another name, or break a header.
UNSAFE_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
# Joiners shape Persian, Indic and emoji text; they reorder nothing.
JOINERS = {"\u200c", "\u200d"}


def upload_root() -> Path:
    root = Path(current_app.config["UPLOAD_DIR"])
    root.mkdir(parents=True, exist_ok=True)
    return root


def store_bytes(content: bytes, suffix: str = ".pdf") -> str:
    """Write ``content`` under a fresh random name and return that name.

    The bytes are on the disk (fsync) before the name appears, so a committed row never names a
    half-written file; network volumes report a full disk only at fsync or close. On any write
    error (a full disk, a quota, a failing volume) the partial ``.part`` file is removed and the
    ``OSError`` raised; whatever a crash leaves is unreferenced, and the orphan sweep takes it."""
    name = secrets.token_hex(20) + suffix
    path = upload_root() / name
    temporary = path.with_suffix(".part")
    try:
        with open(temporary, "xb") as out:
            failpoints.fail_io("store_upload")
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        raise
    return name


def is_unsafe_character(char: str) -> bool:
    return unicodedata.category(char) in UNSAFE_CATEGORIES and char not in JOINERS


def safe_download_name(name: str) -> str:
    """``name`` as a download may carry it: unsafe characters and folder separators become "_".
    Uploads with them are refused; this also covers rows stored before that rule."""
    cleaned = "".join("_" if char in "/\\" or is_unsafe_character(char) else char for char in name)
    return cleaned.strip(" .") or "document.pdf"


def path_of(stored_name: str) -> Path:
    """The file for a stored name; refuses anything that is not one of our own names."""
    if not stored_name or "/" in stored_name or "\\" in stored_name or stored_name.startswith("."):
        raise ValueError("not a stored file name")
    return upload_root() / stored_name


def send_stored_pdf(stored: Any, download_name: str) -> Response:
    """Send a ``StoredPdf`` row's file as a download under ``download_name``; 404 when the file
    is missing. The content hash is the ETag, and nothing is cached. Always ``application/pdf``
    and an attachment, whatever was uploaded; ``grants.security.download_headers`` adds the
    sandbox policy that keeps a browser from running anything in it."""
    path = path_of(stored.stored_name)
    if not path.is_file():
        abort(404)
    return send_file(
        path,
        mimetype="application/pdf",
        as_attachment=True,
        download_name=safe_download_name(download_name),
        max_age=0,
        etag=stored.sha256,
    )

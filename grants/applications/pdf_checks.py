"""What a PDF may contain before anyone else downloads it: one format only, nothing that runs.

Attachments and report files are opened by reviewers and officers in their own PDF readers, so a
file is refused when it is also another format (a ZIP appended to it, web page markup at its start,
bytes before ``%PDF-``), when it carries active content (scripts, launch actions, embedded files,
rich media, XFA forms) or when it is encrypted (its object streams cannot be inspected).

The check reads names the way pdfid does, without a PDF library: dictionaries outside streams,
plus object streams (which hold dictionaries too), inflated under a byte budget. Page content,
images and fonts are never decompressed, so a "PDF bomb" costs no more than its own size, and an
object stream that inflates past the budget or uses a filter we do not read is refused rather
than trusted.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterator

from flask_babel import gettext as _

from grants.errors import ValidationError

# Readers accept a header anywhere in the first 1,024 bytes; we accept it only at the start.
HEADER = b"%PDF-"
SNIFF_WINDOW = 1024
MARKUP = re.compile(rb"<\s*(?:!doctype|html|head|body|script|iframe|svg|object|embed|meta)\b", re.IGNORECASE)
# Names that make a PDF do something: run code, start a program, carry files or media.
ACTIVE_NAMES = {
    b"JavaScript",
    b"JS",
    b"Launch",
    b"EmbeddedFile",
    b"EmbeddedFiles",
    b"FileAttachment",
    b"RichMedia",
    b"XFA",
}
# Long enough that compressed bytes never spell them by chance, so whole-file scans are safe.
DISTINCTIVE_NAMES = {name for name in ACTIVE_NAMES if len(name) >= 6}
ENCRYPTED = b"Encrypt"
_DELIMITER = rb"(?=[\x00\t\n\x0c\r /<>\[\]()%{}]|\Z)"
_NAME_CHARS = rb"[^\x00\t\n\x0c\r /<>\[\]()%{}]"
_ESCAPED_NAME = re.compile(rb"/(" + _NAME_CHARS + rb"*#[0-9A-Fa-f]{2}" + _NAME_CHARS + rb"*)")
_STREAM_START = re.compile(rb"\bstream(?:\r\n|\n|\r)")
_OBJECT_STREAM = re.compile(rb"/Type\s*/ObjStm" + _DELIMITER)
_FILTER = re.compile(rb"/Filter\s*(\[[^\]]*\]|/" + _NAME_CHARS + rb"+)")
# Object streams hold only dictionaries: a few hundred KB each in real files.
OBJECT_STREAM_BUDGET = 16 * 1024 * 1024


def _names_pattern(names: set[bytes]) -> re.Pattern[bytes]:
    choices = b"|".join(sorted((re.escape(name) for name in names), key=len, reverse=True))
    return re.compile(rb"/(" + choices + rb")" + _DELIMITER)


_ACTIVE = _names_pattern(ACTIVE_NAMES | {ENCRYPTED})
_DISTINCTIVE = _names_pattern(DISTINCTIVE_NAMES | {ENCRYPTED})


def check_pdf_content(content: bytes) -> None:
    """Refuse a PDF that is also something else, runs something, or cannot be inspected."""
    if not content.startswith(HEADER):
        raise ValidationError(
            _("This file is not a PDF. Save or export it as PDF and try again."), field="file"
        )
    if MARKUP.search(content, 0, SNIFF_WINDOW):
        raise _refusal(_("This PDF also contains web page code."))
    if zipfile.is_zipfile(io.BytesIO(content)):
        raise _refusal(_("This PDF also contains a ZIP archive."))
    found = pdf_names(content)
    if ENCRYPTED in found:
        raise ValidationError(
            _("This PDF is password-protected or encrypted. Save a copy without protection and upload that."),
            field="file",
        )
    active = sorted(found & ACTIVE_NAMES)
    if active:
        listed = ", ".join("/" + name.decode() for name in active)
        raise _refusal(_("This PDF contains scripts or embedded files (%(names)s).", names=listed))


def _refusal(reason: str) -> ValidationError:
    return ValidationError(
        _("%(reason)s Export it again as a plain PDF (PDF/A) and upload that.", reason=reason), field="file"
    )


def pdf_names(content: bytes) -> set[bytes]:
    """The active-content names (and ``Encrypt``) the file's dictionaries use, ``#xx`` escapes read."""
    found = _find(_DISTINCTIVE, content)
    budget = OBJECT_STREAM_BUDGET
    for outside, dictionary, data in _segments(content):
        found |= _find(_ACTIVE, outside)
        if _OBJECT_STREAM.search(_unescape_names(dictionary)):
            inflated = _inflate_object_stream(dictionary, data, budget)
            budget -= len(inflated)
            found |= _find(_ACTIVE, inflated)
    return found


def _find(pattern: re.Pattern[bytes], data: bytes) -> set[bytes]:
    found = {match.group(1) for match in pattern.finditer(data)}
    for match in _ESCAPED_NAME.finditer(data):
        name = _unescape(match.group(1))
        if name in ACTIVE_NAMES or name == ENCRYPTED:
            found.add(name)
    return found


def _unescape(name: bytes) -> bytes:
    return re.sub(rb"#([0-9A-Fa-f]{2})", lambda match: bytes([int(match.group(1), 16)]), name)


def _unescape_names(data: bytes) -> bytes:
    return _ESCAPED_NAME.sub(lambda match: b"/" + _unescape(match.group(1)), data)


def _segments(content: bytes) -> Iterator[tuple[bytes, bytes, bytes]]:
    """(bytes outside streams, the dictionary of the stream that follows, that stream's data to
    ``endstream``). A ``stream`` keyword hidden in a string only makes us skip text, which the
    whole-file scan for distinctive names still covers."""
    position = 0
    while True:
        start = _STREAM_START.search(content, position)
        if start is None:
            yield content[position:], b"", b""
            return
        outside = content[position : start.start()]
        opening = outside.rfind(b"obj")
        dictionary = outside[opening + len(b"obj") :] if opening >= 0 else outside
        end = content.find(b"endstream", start.end())
        end = len(content) if end < 0 else end
        yield outside, dictionary, content[start.end() : end]
        position = end + len(b"endstream")


def _inflate_object_stream(dictionary: bytes, data: bytes, budget: int) -> bytes:
    """The object stream's text, inflated to at most ``budget`` bytes; refused beyond that, or
    when it is encoded in a way we do not read (those could hide anything)."""
    unescaped = _unescape_names(dictionary)
    match = _FILTER.search(unescaped)
    if match is None:
        return data
    filters = re.findall(rb"/(" + _NAME_CHARS + rb"+)", match.group(1))
    if filters != [b"FlateDecode"] or b"/DecodeParms" in unescaped:
        raise _unreadable()
    inflater = zlib.decompressobj()
    try:
        inflated = inflater.decompress(data, max(budget, 0) + 1)
    except zlib.error:
        raise _unreadable() from None
    if len(inflated) > budget:
        raise _unreadable()
    return inflated


def _unreadable() -> ValidationError:
    return _refusal(_("We could not check what this PDF contains."))

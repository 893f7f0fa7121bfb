"""Hostile files for the upload tests, built in milliseconds without a PDF library: PDFs with
active content, polyglots, and compression bombs whose inflated size is gigabytes.

``build_pdf`` writes a real PDF (cross-reference table, or an object stream plus a
cross-reference stream for objects listed in ``compressed``), so a reader such as pypdf opens
every sample: what the check refuses is what a reader would run.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from grants.demo.pdf import one_page_pdf

MIB = 1 << 20
HEADER = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
ALERT = rb"<< /S /JavaScript /JS (app.alert\(1\)) >>"


def stream(dictionary: bytes, data: bytes) -> bytes:
    return (
        b"<< "
        + dictionary
        + b" /Length "
        + str(len(data)).encode()
        + b" >>\nstream\n"
        + data
        + b"\nendstream"
    )


def build_pdf(
    *,
    catalog: bytes = b"",
    page: bytes = b"",
    content: bytes | None = None,
    extra: dict[int, bytes] | None = None,
    compressed: frozenset[int] = frozenset(),
    trailer: bytes = b"",
) -> bytes:
    """A one-page PDF. Objects 1-5 are the catalog (plus ``catalog``), the page tree, the page (plus
    ``page``), its content stream (``content`` is a whole stream object, if given) and a font;
    ``extra`` adds objects from 6. Objects in ``compressed`` go into an object stream."""
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R " + catalog + b" >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> " + page + b" >>",
        4: content or stream(b"", b"BT /F1 14 Tf 72 770 Td (Sample) Tj ET"),
        5: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        **(extra or {}),
    }
    if compressed:
        return _with_object_stream(objects, compressed, trailer)
    out = bytearray(HEADER)
    offsets = {}
    for number, body in sorted(objects.items()):
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    size = max(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    out += b"".join(b"%010d 00000 n \n" % offsets[number] for number in range(1, size))
    out += b"trailer\n<< /Size %d /Root 1 0 R %s >>\nstartxref\n%d\n%%%%EOF\n" % (size, trailer, xref)
    return bytes(out)


def _with_object_stream(objects: dict[int, bytes], compressed: frozenset[int], trailer: bytes) -> bytes:
    """PDF 1.5 layout: ``compressed`` objects inside object stream number ``len + 1``, located by a
    cross-reference stream (a classic table cannot point into an object stream)."""
    inside = sorted(compressed)
    bodies = [objects[number] + b"\n" for number in inside]
    positions, offset = [], 0
    for number, body in zip(inside, bodies, strict=True):
        positions.append(b"%d %d" % (number, offset))
        offset += len(body)
    index = b" ".join(positions) + b"\n"
    container = max(objects) + 1
    packed = zlib.compress(index + b"".join(bodies))
    dictionary = b"/Type /ObjStm /N %d /First %d /Filter /FlateDecode" % (len(inside), len(index))
    plain = {number: body for number, body in objects.items() if number not in compressed}
    plain[container] = stream(dictionary, packed)
    out = bytearray(HEADER)
    offsets = {}
    for number, body in sorted(plain.items()):
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref_number = container + 1
    offsets[xref_number] = len(out)
    rows = [struct.pack(">BIH", 0, 0, 0xFFFF)]
    for number in range(1, xref_number + 1):
        if number in compressed:
            rows.append(struct.pack(">BIH", 2, container, inside.index(number)))
        else:
            rows.append(struct.pack(">BIH", 1, offsets[number], 0))
    xref_dictionary = b"/Type /XRef /Size %d /W [1 4 2] /Root 1 0 R %s" % (xref_number + 1, trailer)
    out += b"%d 0 obj\n%s\nendobj\n" % (xref_number, stream(xref_dictionary, b"".join(rows)))
    out += b"startxref\n%d\n%%%%EOF\n" % offsets[xref_number]
    return bytes(out)


def active_samples() -> dict[str, tuple[bytes, str]]:
    """Each kind of active content, as (the PDF, the name the refusal lists)."""
    embedded = stream(b"/Type /EmbeddedFile", b"MZ\x90\x00 not really a program")
    return {
        "JavaScript on opening": (build_pdf(catalog=b"/OpenAction 6 0 R", extra={6: ALERT}), "/JavaScript"),
        "document-level JavaScript": (
            build_pdf(
                catalog=b"/Names << /JavaScript 6 0 R >>", extra={6: b"<< /Names [(a) 7 0 R] >>", 7: ALERT}
            ),
            "/JavaScript",
        ),
        "a launch action": (build_pdf(catalog=b"/OpenAction << /S /Launch /F (calc.exe) >>"), "/Launch"),
        "an embedded file": (
            build_pdf(
                catalog=b"/Names << /EmbeddedFiles << /Names [(x.exe) 6 0 R] >> >>",
                extra={6: b"<< /Type /Filespec /F (x.exe) /EF << /F 7 0 R >> >>", 7: embedded},
            ),
            "/EmbeddedFiles",
        ),
        "a file attachment annotation": (
            build_pdf(
                page=b"/Annots [6 0 R]",
                extra={
                    6: b"<< /Type /Annot /Subtype /FileAttachment /Rect [0 0 9 9] /FS 7 0 R >>",
                    7: b"<< /Type /Filespec /F (x.exe) /EF << /F 8 0 R >> >>",
                    8: embedded,
                },
            ),
            "/FileAttachment",
        ),
        "rich media": (
            build_pdf(
                page=b"/Annots [6 0 R]", extra={6: b"<< /Type /Annot /Subtype /RichMedia /Rect [0 0 9 9] >>"}
            ),
            "/RichMedia",
        ),
        "an XFA form": (
            build_pdf(
                catalog=b"/AcroForm << /Fields [] /XFA 6 0 R >>", extra={6: stream(b"", b"<xdp:xdp/>")}
            ),
            "/XFA",
        ),
        "JavaScript spelled with #xx escapes": (
            build_pdf(catalog=rb"/OpenAction << /S /J#61vaScript /J#53 (app.alert\(1\)) >>"),
            "/JS",
        ),
        "JavaScript inside a compressed object stream": (
            build_pdf(catalog=b"/OpenAction 6 0 R", extra={6: ALERT}, compressed=frozenset({2, 6})),
            "/JavaScript",
        ),
    }


def encrypted_pdf() -> bytes:
    """A PDF whose trailer names an encryption dictionary (RC4, empty user password)."""
    return build_pdf(
        extra={6: b"<< /Filter /Standard /V 1 /R 2 /O <00> /U <00> /P -4 >>"},
        trailer=b"/Encrypt 6 0 R /ID [<00> <00>]",
    )


def zlib_bomb(size: int) -> bytes:
    """A zlib stream that inflates to ``size`` zero bytes (whole MiB), built in milliseconds: one
    megabyte deflated from a fresh state and flushed, repeated, then closed with its checksum."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(bytes(MIB)) + compressor.flush(zlib.Z_FULL_FLUSH)
    final = zlib.compressobj(9, zlib.DEFLATED, -15).flush(zlib.Z_FINISH)
    adler = ((size % 65521) << 16) | 1  # Adler-32 of zeros: a stays 1, b adds 1 per byte
    return b"\x78\xda" + block * (size // MIB) + final + struct.pack(">I", adler)


def pdf_bomb(size: int) -> bytes:
    """A valid PDF whose page content stream inflates to ``size`` bytes."""
    return build_pdf(content=stream(b"/Filter /FlateDecode", zlib_bomb(size)))


def object_stream_bomb(size: int) -> bytes:
    """A PDF with an object stream that inflates to ``size`` bytes."""
    dictionary = b"/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode"
    return build_pdf(extra={6: stream(dictionary, zlib_bomb(size))})


def zip_bomb(size: int) -> bytes:
    """A ZIP holding one file that inflates to ``size`` zero bytes, with true sizes and CRC."""
    raw = zlib_bomb(size)[2:-4]
    crc = 0
    for _ in range(size // MIB):
        crc = zlib.crc32(bytes(MIB), crc)
    name = b"zeros.bin"
    sizes = struct.pack("<III", crc, len(raw), size)
    local = (
        b"PK\x03\x04" + struct.pack("<HHHHH", 20, 0, 8, 0, 0x21) + sizes + struct.pack("<HH", len(name), 0)
    )
    central = (
        b"PK\x01\x02"
        + struct.pack("<HHHHHH", 20, 20, 0, 8, 0, 0x21)
        + sizes
        + struct.pack("<HHHHHII", len(name), 0, 0, 0, 0, 0, 0)
        + name
    )
    body = local + name + raw
    end = b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, 1, 1, len(central), len(body), 0)
    return body + central + end


def pdf_with_zip() -> bytes:
    """A PDF with a ZIP archive appended: PDF readers and ZIP tools both open it."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("readme.txt", "Also a ZIP archive.")
    return one_page_pdf("Polyglot") + archive.getvalue()


def polyglot_samples() -> dict[str, bytes]:
    """Files that are a PDF to a lenient reader and something else too."""
    pdf = one_page_pdf("Polyglot")
    return {
        "HTML before the PDF header": b"<html><script>alert(1)</script></html>\n" + pdf,
        "junk before the PDF header": b"\x00" * 200 + pdf,
        "a byte-order mark before the header": b"\xef\xbb\xbf" + pdf,
        "HTML in the header comment": pdf.replace(
            b"%PDF-1.4\n", b"%PDF-1.4\n%<html><script>alert(1)</script>\n", 1
        ),
        "a ZIP archive appended": pdf_with_zip(),
    }

"""Rows into files people open in a spreadsheet, streamed, in memory that does not grow with the
number of rows.

Cell values are plain Python: ``str``, ``int``, ``float``, ``Decimal`` (money, in major units),
``date``, ``datetime`` (wall-clock time, any zone already applied) and ``None`` (an empty cell).

* CSV: UTF-8 with a byte-order mark (without it Excel reads UTF-8 as the local code page and
  mangles Chinese names), yielded about 64 KB at a time. Text that a spreadsheet would run as a
  formula (starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return) gets a leading ``'``;
  numbers stay numbers, negative ones included.
* XLSX: XlsxWriter in ``constant_memory`` mode (each row goes to disk once the next one starts)
  into a temporary file, then streamed in 64 KB chunks and deleted. Text is always written as
  text, never as a formula; money has a two-decimal format; dates are real Excel dates; the bold
  header row is frozen and filterable.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import xlsxwriter

CHUNK_BYTES = 64 * 1024
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"

CSV_MIMETYPE = "text/csv"  # Flask adds "; charset=utf-8" to text types
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

MONEY_FORMAT = "#,##0.00"
DECIMAL_FORMAT = "0.00"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
# Column widths come from the header and the first rows; a long comment must not make a column
# a screen wide.
WIDTH_SAMPLE_ROWS = 200
MIN_WIDTH, MAX_WIDTH = 8, 50


def neutralise(text: str) -> str:
    """Text a spreadsheet would take for a formula, made plain text with a leading apostrophe."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    return neutralise(str(value))


def csv_stream(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[bytes]:
    """The CSV file, in pieces of about ``CHUNK_BYTES``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(BOM)
    writer.writerow([neutralise(header) for header in headers])
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
        if buffer.tell() >= CHUNK_BYTES:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode("utf-8")


def xlsx_stream(
    headers: Sequence[str], rows: Iterable[Sequence[Any]], sheet: str = "Export"
) -> Iterator[bytes]:
    """The XLSX file, in ``CHUNK_BYTES`` pieces. The workbook is complete only once every row is
    written, so the first piece comes after the last row has been read."""
    handle, path = tempfile.mkstemp(prefix="grants-export-", suffix=".xlsx")
    os.close(handle)
    try:
        write_xlsx(path, headers, rows, sheet)
        with open(path, "rb") as file:
            while chunk := file.read(CHUNK_BYTES):
                yield chunk
    finally:
        os.remove(path)


def write_xlsx(path: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], sheet: str) -> int:
    """Write the workbook to ``path``; returns the number of rows written (header excluded)."""
    workbook = xlsxwriter.Workbook(
        path,
        {
            "constant_memory": True,
            # Only ``write()`` guesses types; these say so again in case anyone switches to it.
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    try:
        worksheet = workbook.add_worksheet(_sheet_name(sheet))
        cell = _CellWriter(workbook, worksheet, len(headers))
        bold = workbook.add_format({"bold": True})
        for column, header in enumerate(headers):
            worksheet.write_string(0, column, header, bold)
            cell.note_width(column, len(header) + 2)  # room for the filter button
        written = 0
        for row in rows:
            written += 1
            for column, value in enumerate(row):
                cell.write(written, column, value, sample=written <= WIDTH_SAMPLE_ROWS)
        worksheet.freeze_panes(1, 0)
        if headers:
            worksheet.autofilter(0, 0, max(written, 1), len(headers) - 1)
        cell.set_widths()
    finally:
        workbook.close()
    return written


class _CellWriter:
    """Writes each value with the type and format it calls for, noting column widths."""

    def __init__(self, workbook: Any, worksheet: Any, columns: int):
        self.worksheet = worksheet
        self.money = workbook.add_format({"num_format": MONEY_FORMAT})
        self.decimal = workbook.add_format({"num_format": DECIMAL_FORMAT})
        self.date = workbook.add_format({"num_format": DATE_FORMAT})
        self.datetime = workbook.add_format({"num_format": DATETIME_FORMAT})
        self.widths = [MIN_WIDTH] * columns

    def write(self, row: int, column: int, value: Any, *, sample: bool) -> None:
        sheet = self.worksheet
        if value is None:
            return
        if isinstance(value, bool):
            sheet.write_boolean(row, column, value)
            width = 5
        elif isinstance(value, int):
            sheet.write_number(row, column, value)
            width = len(str(value))
        elif isinstance(value, float):
            sheet.write_number(row, column, value, self.decimal)
            width = len(f"{value:.2f}")
        elif isinstance(value, Decimal):
            sheet.write_number(row, column, float(value), self.money)
            width = len(f"{value:,.2f}")
        elif isinstance(value, datetime):
            sheet.write_datetime(row, column, value.replace(tzinfo=None), self.datetime)
            width = 19
        elif isinstance(value, date):
            sheet.write_datetime(row, column, value, self.date)
            width = 10
        else:
            text = str(value)
            sheet.write_string(row, column, text)
            width = len(text)
        if sample and column < len(self.widths):
            self.note_width(column, width + 1)

    def note_width(self, column: int, width: int) -> None:
        self.widths[column] = max(self.widths[column], min(width, MAX_WIDTH))

    def set_widths(self) -> None:
        for column, width in enumerate(self.widths):
            self.worksheet.set_column(column, column, width)


def _sheet_name(title: str) -> str:
    """Excel allows 31 characters and none of ``[]:*?/\\`` in a sheet name."""
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in title).strip()
    return (cleaned or "Export")[:31]

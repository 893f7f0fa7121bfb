"""The export writers: CSV that Excel opens in UTF-8 and never runs as formulas, XLSX with real
types, both streamed in memory that does not grow with the rows."""

import csv
import io
import itertools
import os
import tracemalloc
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest

from grants.insights.exports import writers
from grants.insights.exports.writers import csv_cell, csv_stream, neutralise, xlsx_stream

HEADERS = ["Title", "Count", "Score", "Amount", "Due on", "Submitted at", "Nothing"]
ROW = (
    "张伟的小麦项目",
    3,
    3.667,
    Decimal("12500.50"),
    date(2018, 6, 1),
    datetime(2018, 5, 31, 16, 59, 59),
    None,
)


def read_csv(chunks) -> tuple[bytes, list[list[str]]]:
    data = b"".join(chunks)
    return data, list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def read_xlsx(chunks):
    return openpyxl.load_workbook(io.BytesIO(b"".join(chunks))).active


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_text_a_spreadsheet_would_run_gets_an_apostrophe(start):
    text = f'{start}HYPERLINK("http://evil.example","x")'
    assert neutralise(text) == "'" + text
    assert csv_cell(text) == "'" + text


def test_ordinary_text_and_numbers_are_left_alone():
    assert csv_cell("Heat-tolerant wheat = better bread") == "Heat-tolerant wheat = better bread"
    assert csv_cell(-5) == "-5"
    assert csv_cell(Decimal("-12.50")) == "-12.50"
    assert csv_cell(Decimal("50000.00")) == "50000.00"
    assert csv_cell(2.5) == "2.5"
    assert csv_cell(None) == ""
    assert csv_cell(date(2018, 6, 1)) == "2018-06-01"
    assert csv_cell(datetime(2018, 6, 1, 9, 5, 7)) == "2018-06-01 09:05:07"


def test_csv_starts_with_a_bom_and_keeps_chinese_names():
    data, rows = read_csv(csv_stream(HEADERS, [ROW]))
    assert data.startswith(b"\xef\xbb\xbf")
    assert rows[0] == HEADERS
    assert rows[1] == [
        "张伟的小麦项目",
        "3",
        "3.667",
        "12500.50",
        "2018-06-01",
        "2018-05-31 16:59:59",
        "",
    ]


def test_csv_neutralises_formulas_in_headers_and_cells_but_not_numbers():
    _, rows = read_csv(csv_stream(["=Criterion", "Amount"], [("@SUM(A1)", Decimal("-1.00")), ("-1", -1)]))
    assert rows == [["'=Criterion", "Amount"], ["'@SUM(A1)", "-1.00"], ["'-1", "-1"]]


def test_csv_is_yielded_in_pieces_as_rows_arrive():
    """An endless row source still gives a first piece: nothing waits for the last row."""
    endless = ((f"Project {n}", n) for n in itertools.count())
    stream = csv_stream(["Title", "N"], endless)
    first = next(stream)
    assert writers.CHUNK_BYTES <= len(first) < writers.CHUNK_BYTES + 200
    stream.close()


def test_csv_pieces_join_up_to_every_row():
    rows = [(f"Project {n}", n) for n in range(20_000)]
    chunks = list(csv_stream(["Title", "N"], iter(rows)))
    assert len(chunks) > 1
    _, parsed = read_csv(chunks)
    assert len(parsed) == 20_001
    assert parsed[-1] == ["Project 19999", "19999"]


def test_xlsx_has_real_types_and_formats():
    sheet = read_xlsx(xlsx_stream(HEADERS, [ROW], "Applications"))
    assert sheet.title == "Applications"
    assert [cell.value for cell in sheet[1]] == HEADERS
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    title, count, score, amount, due, submitted, nothing = sheet[2]
    assert (title.value, title.data_type) == ("张伟的小麦项目", "s")
    assert count.value == 3 and count.data_type == "n"
    assert score.value == pytest.approx(3.667)
    assert amount.value == pytest.approx(12500.50) and amount.number_format == "#,##0.00"
    assert due.is_date and due.value == datetime(2018, 6, 1)
    assert submitted.is_date and submitted.value == datetime(2018, 5, 31, 16, 59, 59)
    assert nothing.value is None


def test_xlsx_never_writes_text_as_a_formula():
    sheet = read_xlsx(xlsx_stream(["=A1"], [('=HYPERLINK("http://evil.example")',), ("+1",)]))
    assert [(c.value, c.data_type) for c in sheet["A"]] == [
        ("=A1", "s"),
        ('=HYPERLINK("http://evil.example")', "s"),
        ("+1", "s"),
    ]


def test_xlsx_columns_are_sized_to_their_contents_within_limits():
    sheet = read_xlsx(xlsx_stream(["Reference", "Comments"], [("FCP-2018-0001", "x" * 5000)]))
    assert 13 <= sheet.column_dimensions["A"].width <= 20
    assert sheet.column_dimensions["B"].width <= writers.MAX_WIDTH + 1


def test_xlsx_with_no_rows_still_has_its_header():
    sheet = read_xlsx(xlsx_stream(["Reference"], iter(())))
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [["Reference"]]


def test_xlsx_is_streamed_in_chunks_and_its_temporary_file_removed(monkeypatch):
    made = []
    real_mkstemp = writers.tempfile.mkstemp

    def recording_mkstemp(*args, **kwargs):
        handle, path = real_mkstemp(*args, **kwargs)
        made.append(path)
        return handle, path

    monkeypatch.setattr(writers.tempfile, "mkstemp", recording_mkstemp)
    rows = ((f"Project {n}", n, Decimal(n)) for n in range(30_000))
    chunks = list(xlsx_stream(["Title", "N", "Amount"], rows))
    assert len(chunks) > 1 and all(len(c) <= writers.CHUNK_BYTES for c in chunks)
    assert not os.path.exists(made[0])

    stream = xlsx_stream(["Title"], [("One",)])
    next(stream)
    stream.close()  # the download was cut short
    assert not os.path.exists(made[1])


def _peak_bytes(stream_factory, rows: int) -> int:
    source = (
        (f"Project {n} on heat-tolerant wheat", n, Decimal(n) / 100, date(2018, 1, 1)) for n in range(rows)
    )
    tracemalloc.start()
    try:
        for _ in stream_factory(["Title", "N", "Amount", "Due on"], source):
            pass
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("stream_factory", [csv_stream, xlsx_stream], ids=["csv", "xlsx"])
def test_memory_does_not_grow_with_the_rows(stream_factory):
    small = _peak_bytes(stream_factory, 2_000)
    large = _peak_bytes(stream_factory, 10_000)
    assert large < small + 1_000_000, (small, large)

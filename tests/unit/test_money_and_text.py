"""Money in minor units, word counts, safe Markdown and PDF checks: pure functions, no database."""

import pytest

from grants.applications.services.attachments import check_file_name, check_pdf, size_text
from grants.demo.pdf import one_page_pdf
from grants.errors import ValidationError
from grants.markdown_text import render_markdown
from grants.money import format_money, parse_amount
from grants.text_limits import count_words


@pytest.mark.parametrize(
    ("text", "currency", "minor"),
    [
        ("12,500.50", "GBP", 1_250_050),
        ("£200000", "GBP", 20_000_000),
        ("1 800 000", "CNY", 180_000_000),
        ("0", "GBP", 0),
        ("5000", "JPY", 5000),
    ],
)
def test_amounts_become_integer_minor_units(text, currency, minor):
    assert parse_amount(text, currency) == minor


@pytest.mark.parametrize(
    ("text", "currency"),
    [("12.345", "GBP"), ("-5", "GBP"), ("ten", "GBP"), ("1.5", "JPY"), ("NaN", "GBP"), ("1e20", "GBP")],
)
def test_impossible_amounts_are_refused(text, currency):
    with pytest.raises(ValidationError):
        parse_amount(text, currency)


def test_amounts_are_shown_in_their_currency():
    assert format_money(1_250_050, "GBP") == "£12,500.50"
    assert format_money(180_000_000, "CNY") == "CN¥1,800,000.00"


def test_words_count_like_applicants_expect():
    assert count_words("") == 0
    assert count_words("  heat-tolerant   wheat lines ") == 3
    assert count_words("耐热小麦 lines") == 5  # each Chinese character is a word


def test_markdown_keeps_formatting_and_drops_anything_active():
    html = render_markdown("# Title\n\n**bold** <img src=x onerror=alert(1)> [x](javascript:alert(1))")
    assert "<h2>Title</h2>" in html
    assert "<strong>bold</strong>" in html
    assert "<img" not in html and "&lt;img" in html  # shown as text, never as a tag
    assert "href=" not in html


def test_a_real_pdf_passes_and_impostors_do_not():
    check_pdf(one_page_pdf("ok"), 10_000)
    for content in (b"MZ\x90\x00 windows program", b"PK\x03\x04 a zip", b"plain text", b""):
        with pytest.raises(ValidationError):
            check_pdf(content, 10_000)
    with pytest.raises(ValidationError, match="the limit is 1 KB"):
        check_pdf(one_page_pdf("x") + b"0" * 2000, 1024)


@pytest.mark.parametrize("name", ["../x.pdf", "a/b.pdf", "a\\b.pdf", ".pdf", "x\x07.pdf", "report.docx", ""])
def test_unsafe_or_wrong_file_names_are_refused(name):
    with pytest.raises(ValidationError):
        check_file_name(name)


def test_plain_names_are_kept_as_given():
    assert check_file_name("Case for support (v2).pdf") == "Case for support (v2).pdf"
    assert check_file_name("申请书.PDF") == "申请书.PDF"


def test_sizes_read_naturally():
    assert (size_text(1536), size_text(10 * 1048576), size_text(10 * 1048576 + 1)) == (
        "2 KB",
        "10 MB",
        "10.1 MB",
    )


@pytest.mark.parametrize(
    "text", ["1e999999", "€500", "1.0000000000000000000000000001", "1e-99999", "1000000000000000"]
)
def test_amounts_are_never_rounded_guessed_or_overflowed(text):
    with pytest.raises(ValidationError):
        parse_amount(text, "GBP")

"""Hypothesis strategies for hostile input: what an attacker, a broken client or a careless paste
sends in a form field or a query string.

Values are ``str`` or ``bytes``: bytes go on the wire as they are, so a lone surrogate or invalid
UTF-8 reaches the app the way a broken client would send it (a ``str`` holding a lone surrogate
cannot even be encoded by the test client).
"""

from urllib.parse import quote_plus

from hypothesis import strategies as st

MARKUP = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    '<a href="javascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    "{{ 7*7 }}{% raw %}",
    "<svg/onload=alert(1)>",
]
SQL = ["'; DROP TABLE users; --", "1 OR 1=1", "' OR ''='", "%", "_", "\\"]
# A spreadsheet runs these as formulas when an export does not neutralise them.
FORMULAS = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "=1+1"]
CONTROL = [chr(code) for code in range(0x20)] + ["\x7f", "%00"]
BIDI = ["\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u200f", "\ufeff"]
ASTRAL = ["😀", "👩‍🔬", "\U0001d518\U0001d52b\U0001d526", "🇬🇧🇨🇳", "\U0010ffff"]
# Bytes no UTF-8 decoder accepts: an encoded surrogate half, stray continuation and BOM bytes.
BROKEN_UTF8 = [b"\xed\xa0\x80", b"\xff\xfe", b"abc\xc3", b"\x80\x80"]
NUMBERS = [
    str(10**30),
    "1e309",
    "-1e309",
    "-0",
    "NaN",
    "nan",
    "Infinity",
    "-Infinity",
    "-1",
    "-100.50",
    "-0.01",
    "99999999999999999999",
    "2147483648",
    "9223372036854775808",
    "1e9",
    "0x10",
    "1_000",
    "١٢٣",
    "²",
    "1,000,000,000,000,000,000,000",
    "",
    " ",
]
DATES = [
    "0000-00-00",
    "9999-12-31",
    "2018-02-30",
    "-2018-01-01",
    "99999-01-01",
    "1e9",
    "yesterday",
    "2018-13-01T25:61",
]
PAGES = ["99999999999999999999", "-1", "0", "abc", "1e9", "1.5", str(2**63), "", "%00", "٣", "²"]
ELSEWHERE = ["//evil.example", "https://evil.example/", "/\\evil.example", "javascript:alert(1)", "\\\\evil"]

short_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)
hostile_piece = st.sampled_from(MARKUP + SQL + FORMULAS + CONTROL + BIDI + ASTRAL)


@st.composite
def _mixed(draw) -> str:
    """A few hostile pieces around random text, the way a paste carries them."""
    pieces = draw(st.lists(st.one_of(hostile_piece, short_text), min_size=1, max_size=5))
    return "".join(pieces)


def _repeated(length: int):
    return lambda piece: (piece * (length // max(len(piece), 1) + 1))[:length]


# Query strings stay within what a web server accepts on a request line (gunicorn: 4,094 bytes).
hostile_line: st.SearchStrategy[str | bytes] = st.one_of(
    hostile_piece,
    _mixed(),
    st.sampled_from(BROKEN_UTF8),
    hostile_piece.map(_repeated(1_000)),
)
hostile_text: st.SearchStrategy[str | bytes] = st.one_of(hostile_line, hostile_piece.map(_repeated(100_000)))
hostile_number: st.SearchStrategy[str] = st.sampled_from(NUMBERS)
hostile_date: st.SearchStrategy[str] = st.sampled_from(DATES + NUMBERS[:6])
# Anything at all: what a field of any kind may receive.
hostile_value: st.SearchStrategy[str | bytes] = st.one_of(hostile_text, hostile_number, hostile_date)
hostile_parameter: st.SearchStrategy[str | bytes] = st.one_of(hostile_line, hostile_number, hostile_date)
hostile_page: st.SearchStrategy[str] = st.sampled_from(PAGES + NUMBERS)
hostile_next: st.SearchStrategy[str | bytes] = st.one_of(st.sampled_from(ELSEWHERE), hostile_line)


def encode_pairs(pairs: list[tuple[str, str | bytes]]) -> str:
    """``application/x-www-form-urlencoded`` (also a query string) for ``pairs``, bytes kept as
    bytes, text as UTF-8 (a lone surrogate as its UTF-8 bytes, as a broken client sends it)."""
    return "&".join(f"{quote_plus(name)}={quote_plus(_bytes(value))}" for name, value in pairs)


def _bytes(value: str | bytes) -> bytes:
    return value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass")

"""The award letter as a PDF, drawn with ReportLab.

Latin text uses Helvetica; runs of Chinese characters use Adobe's STSong-Light CID
font, which PDF readers supply themselves, so no font file ships with the app.
"""

from __future__ import annotations

import io
import re
from xml.sax.saxutils import escape

from markdown_it import MarkdownIt
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import ListFlowable, ListItem, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from grants.awards.letter import AwardLetter, LetterRow, acceptance_text, letter_opening

CJK_FONT = "STSong-Light"
_CJK_RUN = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]+")
_markdown = MarkdownIt("commonmark", {"html": False})
BRAND = colors.HexColor("#0b4f6c")
# Inline Markdown reduced to plain text: line breaks become spaces, markup tokens vanish.
_INLINE_TEXT = {
    "softbreak": " ",
    "hardbreak": " ",
    "strong_open": "",
    "strong_close": "",
    "em_open": "",
    "em_close": "",
    "link_open": "",
    "link_close": "",
    "image": "",
}


def _styles() -> dict[str, ParagraphStyle]:
    if CJK_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
    base = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=base["BodyText"], fontName="Helvetica", fontSize=10, leading=14)
    return {
        "body": body,
        "value": ParagraphStyle("value", parent=body, alignment=TA_RIGHT),
        "small": ParagraphStyle("small", parent=body, fontSize=8.5, textColor=colors.HexColor("#555555")),
        "title": ParagraphStyle(
            "title", parent=body, fontName="Helvetica-Bold", fontSize=18, leading=22, textColor=BRAND
        ),
        "heading": ParagraphStyle(
            "heading",
            parent=body,
            fontName="Helvetica-Bold",
            fontSize=12,
            leading=16,
            spaceBefore=10,
            spaceAfter=4,
        ),
    }


def _para(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph whose runs of Chinese characters switch to the CJK font and back."""
    marked = _CJK_RUN.sub(lambda run: f'<font name="{CJK_FONT}">{run.group(0)}</font>', escape(text))
    return Paragraph(marked, style)


def _table(rows: list[LetterRow], styles: dict[str, ParagraphStyle]) -> Table:
    table = Table(
        [[_para(r.label, styles["body"]), _para(r.value, styles["value"])] for r in rows],
        colWidths=[110 * mm, 50 * mm],
    )
    table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#cccccc")),
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _terms(text: str, styles: dict[str, ParagraphStyle]) -> list:
    """Markdown paragraphs and bullet lists as flowables; inline formatting is dropped."""
    flowables: list = []
    items: list = []
    in_list = False
    for token in _markdown.parse(text or ""):
        if token.type in ("bullet_list_open", "ordered_list_open"):
            in_list, items = True, []
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            flowables.append(ListFlowable(items, bulletType="bullet", leftIndent=12))
            in_list = False
        elif token.type == "inline":
            plain = "".join(_INLINE_TEXT.get(child.type, child.content) for child in token.children or [])
            paragraph = _para(plain, styles["body"])
            (items.append(ListItem(paragraph)) if in_list else flowables.append(paragraph))
    return flowables


def render_letter_pdf(letter: AwardLetter) -> bytes:
    styles = _styles()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=22 * mm,
        rightMargin=22 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        title=f"Award letter {letter.reference}",
        author=letter.programme,
    )
    story: list = [
        _para(letter.programme, styles["small"]),
        _para("Award letter", styles["title"]),
        _para(f"Reference {letter.reference} · issued {letter.issued_on}", styles["small"]),
        Spacer(1, 6 * mm),
        _para(f"Dear {' and '.join(p.name for p in letter.leads) or 'colleagues'},", styles["body"]),
        Spacer(1, 2 * mm),
        _para(letter_opening(letter), styles["body"]),
        _para("Lead investigators", styles["heading"]),
    ]
    story += [_para(f"{p.name}, {p.institution} ({p.country})", styles["body"]) for p in letter.leads]
    story += [_para("Funding", styles["heading"]), _table(letter.funding, styles)]
    story += [_para("Payment schedule", styles["heading"]), _table(letter.payments, styles)]
    story += [_para("Reports", styles["heading"]), _table(letter.reports, styles)]
    story += [_para("Intellectual property", styles["heading"]), *_terms(letter.terms, styles)]
    story += [_para("Acceptance", styles["heading"]), _para(acceptance_text(letter), styles["body"])]
    if letter.acceptances:
        story.append(_table(letter.acceptances, styles))
    story += [Spacer(1, 4 * mm), _para(f"Status when printed: {letter.status}.", styles["small"])]
    document.build(story)
    return buffer.getvalue()

"""The plain-text part of an email, derived from its HTML part, so each email is written (and
translated) once. Paragraphs and list items become lines; a link keeps its address; text people
wrote (a blockquote) keeps its own line breaks and is quoted with "> ". A paragraph marked
``class="html-only"`` (the "or paste this link" fallback for HTML readers) is left out, since the
plain text already shows the address."""

from __future__ import annotations

import re
from html.parser import HTMLParser

BLOCKS = {"p", "div", "h1", "h2", "h3", "table", "tr", "ul", "ol", "hr", "blockquote"}


class _TextWriter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.current: list[str] = []
        self.links: list[tuple[str, int]] = []
        self.skipping = 0
        self.quoting = 0

    def _end_block(self) -> None:
        text = re.sub(r"[ \t]+", " ", "".join(self.current)).strip()
        lines = [line.strip() for line in text.split("\n")]
        if self.quoting:
            lines = [f"> {line}".rstrip() for line in lines]
        text = "\n".join(lines)
        if text:
            self.blocks.append(text)
        self.current = []

    def _join(self) -> str:
        """Blank lines between paragraphs; list items stay on consecutive lines."""
        out = ""
        for index, block in enumerate(self.blocks):
            if index:
                both_items = block.startswith("- ") and self.blocks[index - 1].startswith("- ")
                out += "\n" if both_items else "\n\n"
            out += block
        return out

    def handle_starttag(self, tag: str, attrs) -> None:
        html_only = tag == "p" and (self.skipping or dict(attrs).get("class") == "html-only")
        if tag in ("style", "head", "title") or html_only:
            self.skipping += 1
        elif tag in BLOCKS:
            self._end_block()
            self.quoting += tag == "blockquote"
        elif tag == "li":
            self._end_block()
            self.current.append("- ")
        elif tag == "br":
            self.current.append("\n")
        elif tag == "a":
            self.links.append((dict(attrs).get("href") or "", len(self.current)))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "head", "title") or (tag == "p" and self.skipping):
            self.skipping -= 1
        elif tag in BLOCKS or tag == "li":
            self._end_block()
            self.quoting -= tag == "blockquote" and self.quoting > 0
        elif tag == "a" and self.links:
            href, start = self.links.pop()
            label = "".join(self.current[start:]).strip()
            if href and href != label:
                self.current.append(f": {href}" if label else href)
        elif tag == "td":
            self.current.append("  ")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.current.append(data if self.quoting else data.replace("\n", " "))

    def text(self) -> str:
        self._end_block()
        return self._join() + "\n"


def html_to_text(html: str) -> str:
    writer = _TextWriter()
    writer.feed(html)
    writer.close()
    return writer.text()

"""The browser tests in either interface language: the test's own words are looked up in the
compiled catalogue the app uses, and a page read in Chinese is searched for English left in it."""

import re
from collections.abc import Callable, Iterable
from functools import cache

from babel.support import NullTranslations, Translations

from tests.integration.live.worker import ROOT

CATALOGUES = ROOT / "grants" / "translations"
# Latin words that are the same in a Chinese page: the brand, formats, codes and zone abbreviations.
SAME_IN_EVERY_LANGUAGE = {
    "Grants", "PDF", "KB", "MB", "ORCID", "iD", "GBP", "CNY", "GMT", "BST", "UTC", "CST", "CV", "English",
}
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")

# Every text node of the page and the text of attributes a screen reader speaks, except scripts,
# styles, time-zone names (identifiers such as "Asia/Shanghai") and what the page itself marks as
# English (the award letter, a legal text issued in English).
READ_PAGE = """() => {
  const texts = [document.title];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const parent = node.parentElement;
    if (!parent || parent.closest("script, style, [lang='en']")) continue;
    const zone = /^[A-Za-z_]+\\/[A-Za-z_\\/-]+$/;
    if (parent.tagName === "OPTION" && zone.test(node.textContent.trim())) continue;
    texts.push(node.textContent);
  }
  for (const element of document.querySelectorAll("[aria-label], [title], [placeholder], [alt]")) {
    if (element.closest("[lang='en']")) continue;
    for (const name of ["aria-label", "title", "placeholder", "alt"]) {
      if (element.hasAttribute(name)) texts.push(element.getAttribute(name));
    }
  }
  return texts.map((text) => text.replace(/\\s+/g, " ").trim()).filter(Boolean);
}"""


@cache
def translator(language: str) -> Callable[..., str]:
    """``t("Project title")`` in ``language``; ``t("Hello %(name)s", name=...)`` fills the slots."""
    if language == "en":
        catalogue = NullTranslations()
    else:
        catalogue = Translations.load(str(CATALOGUES), [language])
        if not isinstance(catalogue, Translations):
            raise RuntimeError(f"no compiled catalogue for {language}: run `make setup`")

    def t(text: str, **slots) -> str:
        translated = catalogue.gettext(text)
        return translated % slots if slots else translated

    return t


def served_data(served) -> list[str]:
    """Every name, title and text people typed into the served app's database (demo data is in
    English whatever the interface language), longest first."""
    return served.run_module("tests.e2e.data_strings", timeout=60)


def untranslated(page, data: Iterable[str]) -> list[str]:
    """Texts on the page that still hold English words once people's data is taken out."""
    values = [" ".join(value.split()) for value in data]
    found = []
    for text in page.evaluate(READ_PAGE):
        if any(text in value for value in values):
            continue
        rest = text
        for value in values:
            rest = rest.replace(value, " ")
        words = [word for word in LATIN_WORD.findall(rest) if word not in SAME_IN_EVERY_LANGUAGE]
        if words:
            found.append(f"{text!r} ({', '.join(words)})")
    return found

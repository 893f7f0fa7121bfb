"""The Chinese catalogue is complete: every message the code and templates mark for translation
(extracted as ``make translations`` does) has a Chinese text that keeps its placeholders, its HTML
tags and the script's ``{slots}``. A string marked but never translated fails here, before any page
shows it in English to a reader of Chinese."""

import re
from functools import cache
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "grants" / "translations" / "zh_Hans" / "LC_MESSAGES" / "messages.po"
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None}
SKIPPED_FOLDERS = {"node_modules", "test-artifacts", "instance", "tests", "bench", "migrations"}

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")
SLOT = re.compile(r"\{\w+\}")
TAG = re.compile(r"</?([a-z0-9]+)")


@cache
def extracted() -> dict[tuple[str | None, str], str]:
    """``(context, msgid)`` of every marked message, with where it was found."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(ROOT),
        method_map,
        options_map,
        keywords=KEYWORDS,
        directory_filter=lambda path: Path(path).name not in SKIPPED_FOLDERS
        and not Path(path).name.startswith((".", "_")),
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            found[(context, msgid)] = f"{filename}:{lineno}"
    return found


@cache
def catalogue():
    with CATALOGUE.open("rb") as source:
        return read_po(source, locale="zh_Hans")


def texts(message) -> list[str]:
    return list(message.string) if isinstance(message.string, tuple) else [message.string]


def test_the_sources_mark_messages_for_translation():
    # A broken extraction (no templates found, say) would make the next test pass vacuously.
    assert len(extracted()) > 1500
    assert any(where.endswith(".html:" + where.rsplit(":", 1)[1]) for where in extracted().values())


def test_every_marked_message_has_a_chinese_text():
    missing = []
    for (context, msgid), where in sorted(extracted().items(), key=lambda item: item[1]):
        message = catalogue().get(msgid, context=context)
        if message is None or not all(text.strip() for text in texts(message)):
            missing.append(f"{where}: {msgid!r}" + (f" (context {context!r})" if context else ""))
    advice = f"{len(missing)} untranslated; run `make translations`, then translate:"
    assert not missing, "\n".join([advice, *missing[:40]])


@pytest.mark.parametrize("pattern", [PLACEHOLDER, SLOT, TAG], ids=["placeholders", "slots", "tags"])
def test_translations_keep_what_the_page_fills_in(pattern):
    wrong = []
    for message in catalogue():
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        wanted = sorted(set().union(*(pattern.findall(text) for text in ids)))
        for text in texts(message):
            if text and sorted(set(pattern.findall(text))) != wanted:
                wrong.append(f"{ids[0]!r} -> {text!r}")
    assert not wrong, "\n".join(wrong)


def test_no_translation_is_marked_fuzzy():
    assert [message.id for message in catalogue() if message.id and message.fuzzy] == []


def test_recorded_award_states_are_shown_in_the_readers_words():
    """The award page's history keeps the audit's English values but names states for the reader."""
    from flask import Flask
    from flask_babel import Babel, force_locale

    from grants.awards.history import value_label

    app = Flask(__name__)
    Babel(app, default_translation_directories=str(ROOT / "grants" / "translations"))
    with app.app_context(), force_locale("zh_Hans"):
        assert value_label("state", "offered") == catalogue().get("Offered").string
        assert value_label("state", "changes_requested") == catalogue().get("Changes requested").string
        assert value_label("state", "something else") == "something else"
        assert value_label("reason", "offered") == "offered"

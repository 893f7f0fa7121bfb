"""How well a reviewer fits an application, from their texts.

Three parts, each in [0, 1], mixed with fixed weights so an officer can read why a pair scored:

* text: TF-IDF cosine between the reviewer's keywords and research statement and the application's
  title, abstract and keywords;
* area: 1 when the application's priority area is one of the reviewer's subject areas;
* keywords: how many of the reviewer's expertise keywords appear in the application (three or
  more count fully).

Bids, where a call invites them, move the mix up or down. Everything is computed for all pairs at
once with sparse matrices; there is no Python loop over pairs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

TEXT_WEIGHT = 0.55
AREA_WEIGHT = 0.25
KEYWORD_WEIGHT = 0.20
KEYWORDS_FOR_FULL_MATCH = 3
# Commas, semicolons and new lines, including the ideographic and full-width forms Chinese text uses.
KEYWORD_SEPARATORS = "[,;\n\u3001\uff0c\uff1b]"
# Rows of the application side multiplied at once: bounds memory on large calls.
CHUNK_ROWS = 2048


class Bid(StrEnum):
    EAGER = "eager"
    WILLING = "willing"
    NOT_WILLING = "not_willing"

    @property
    def label(self) -> str:
        return {Bid.EAGER: "Eager", Bid.WILLING: "Willing", Bid.NOT_WILLING: "Not willing"}[self]


# Added to the mixed affinity (then clipped to [0, 1]). "Not willing" drops a pair to the bottom,
# below any willing reviewer, but is not a ban: a call with few reviewers must still be coverable.
BID_ADJUSTMENT = {Bid.EAGER: 0.15, Bid.WILLING: 0.0, Bid.NOT_WILLING: -1.0}


@dataclass(frozen=True)
class ApplicationText:
    title: str
    abstract: str
    keywords: str
    area: str | None


@dataclass(frozen=True)
class ReviewerText:
    keywords: Sequence[str]
    statement: str
    areas: Sequence[str]


@dataclass(frozen=True)
class AffinityParts:
    """The three parts for every (application, reviewer) pair, shape (applications, reviewers)."""

    text: np.ndarray
    area: np.ndarray
    keywords: np.ndarray

    def combined(self) -> np.ndarray:
        mixed = TEXT_WEIGHT * self.text
        mixed += AREA_WEIGHT * self.area
        mixed += KEYWORD_WEIGHT * self.keywords
        return mixed


def normalise_keyword(keyword: str) -> str:
    return " ".join(re.findall(r"\w+", keyword.casefold()))


def split_keywords(text: str) -> list[str]:
    """Keywords as people type them: separated by commas, semicolons or new lines."""
    seen: dict[str, None] = {}
    for part in re.split(KEYWORD_SEPARATORS, text):
        keyword = normalise_keyword(part)
        if keyword:
            seen.setdefault(keyword, None)
    return list(seen)


def application_document(application: ApplicationText) -> str:
    return f"{application.title}\n{application.abstract}\n{application.keywords}"


def reviewer_document(reviewer: ReviewerText) -> str:
    # Keywords are the reviewer's own summary of their expertise: count them twice.
    keywords = " ".join(reviewer.keywords)
    return f"{keywords}\n{keywords}\n{reviewer.statement}"


def compute_affinity(
    applications: Sequence[ApplicationText], reviewers: Sequence[ReviewerText]
) -> AffinityParts:
    """All three parts for every pair."""
    shape = (len(applications), len(reviewers))
    if not applications or not reviewers:
        empty = np.zeros(shape, dtype=np.float32)
        return AffinityParts(empty, empty.copy(), empty.copy())
    app_docs = [application_document(a) for a in applications]
    return AffinityParts(
        text=_text_similarity(app_docs, [reviewer_document(r) for r in reviewers]),
        area=_area_match(applications, reviewers),
        keywords=_keyword_match(app_docs, reviewers),
    )


def _text_similarity(app_docs: list[str], reviewer_docs: list[str]) -> np.ndarray:
    vectoriser = TfidfVectorizer(sublinear_tf=True, stop_words="english", dtype=np.float32)
    try:
        vectoriser.fit(app_docs + reviewer_docs)
    except ValueError:  # nothing but stop words anywhere
        return np.zeros((len(app_docs), len(reviewer_docs)), dtype=np.float32)
    apps = vectoriser.transform(app_docs)
    # Rows are unit length, so the dot product is the cosine.
    reviewers_t = vectoriser.transform(reviewer_docs).T.toarray()
    result = np.empty((len(app_docs), len(reviewer_docs)), dtype=np.float32)
    for start in range(0, apps.shape[0], CHUNK_ROWS):
        result[start : start + CHUNK_ROWS] = apps[start : start + CHUNK_ROWS] @ reviewers_t
    np.clip(result, 0.0, 1.0, out=result)
    return result


def _area_match(applications: Sequence[ApplicationText], reviewers: Sequence[ReviewerText]) -> np.ndarray:
    names: dict[str, int] = {}
    app_area = np.array(
        [names.setdefault(a.area.casefold(), len(names)) if a.area else -1 for a in applications]
    )
    rows, cols = [], []
    for index, reviewer in enumerate(reviewers):
        for area in {a.casefold() for a in reviewer.areas}:
            rows.append(index)
            cols.append(names.setdefault(area, len(names)))
    reviewer_areas = sparse.csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(reviewers), max(len(names), 1))
    )
    has_area = app_area >= 0
    app_matrix = sparse.csr_matrix(
        (np.ones(int(has_area.sum()), dtype=np.float32), (np.flatnonzero(has_area), app_area[has_area])),
        shape=(len(applications), max(len(names), 1)),
    )
    return (app_matrix @ reviewer_areas.T).toarray().astype(np.float32)


def _keyword_match(app_docs: list[str], reviewers: Sequence[ReviewerText]) -> np.ndarray:
    vocabulary: dict[str, int] = {}
    rows, cols = [], []
    for index, reviewer in enumerate(reviewers):
        for keyword in {normalise_keyword(k) for k in reviewer.keywords} - {""}:
            rows.append(index)
            cols.append(vocabulary.setdefault(keyword, len(vocabulary)))
    if not vocabulary:
        return np.zeros((len(app_docs), len(reviewers)), dtype=np.float32)
    longest = max(len(k.split()) for k in vocabulary)
    counter = CountVectorizer(
        vocabulary=vocabulary, ngram_range=(1, longest), binary=True, token_pattern=r"(?u)\b\w+\b",  # noqa: S106 (a regular expression, not a password)
        dtype=np.float32,
    )
    found = counter.transform(app_docs)
    reviewer_keywords = sparse.csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(reviewers), len(vocabulary))
    )
    hits = (found @ reviewer_keywords.T).toarray()
    return np.minimum(hits / KEYWORDS_FOR_FULL_MATCH, 1.0).astype(np.float32)


def apply_bids(affinity: np.ndarray, bids: Sequence[tuple[int, int, Bid]]) -> np.ndarray:
    """The affinity with each (application index, reviewer index, bid) applied, clipped to [0, 1]."""
    adjusted = affinity.copy()
    for app_index, reviewer_index, bid in bids:
        adjusted[app_index, reviewer_index] += BID_ADJUSTMENT[bid]
    np.clip(adjusted, 0.0, 1.0, out=adjusted)
    return adjusted

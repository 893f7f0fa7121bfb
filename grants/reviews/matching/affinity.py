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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from itertools import chain, repeat

import numpy as np
from flask_babel import lazy_gettext as _l
from scipy import sparse

TEXT_WEIGHT = 0.55
AREA_WEIGHT = 0.25
KEYWORD_WEIGHT = 0.20
KEYWORDS_FOR_FULL_MATCH = 3
# Commas, semicolons and new lines, including the ideographic and full-width forms Chinese text uses.
KEYWORD_SEPARATORS = "[,;\n\u3001\uff0c\uff1b]"
# Rows of the application side multiplied at once, and how many values of the reviewer side are
# made dense at once: both bound memory on large calls.
CHUNK_ROWS = 2048
DENSE_BLOCK_VALUES = 1 << 24
# Words as scikit-learn's vectorisers split them (its TF-IDF terms are those of two or more characters).
WORD = re.compile(r"(?u)\b\w+\b")


class Bid(StrEnum):
    EAGER = "eager"
    WILLING = "willing"
    NOT_WILLING = "not_willing"

    @property
    def label(self) -> str:
        """The bid as forms and pages show it, in the reader's language."""
        return str(BID_LABELS[self])


BID_LABELS = {Bid.EAGER: _l("Eager"), Bid.WILLING: _l("Willing"), Bid.NOT_WILLING: _l("Not willing")}


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
        # By blocks of rows, so the weighted parts never need a whole matrix of their own.
        for start in range(0, mixed.shape[0], CHUNK_ROWS // 2):
            rows = slice(start, start + CHUNK_ROWS // 2)
            mixed[rows] += AREA_WEIGHT * self.area[rows]
            mixed[rows] += KEYWORD_WEIGHT * self.keywords[rows]
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
    """All three parts for every pair. Each document is split into words once; both the TF-IDF
    part and the keyword part work on those words as integer arrays."""
    shape = (len(applications), len(reviewers))
    if not applications or not reviewers:
        empty = np.zeros(shape, dtype=np.float32)
        return AffinityParts(empty, empty.copy(), empty.copy())
    app_words = _words(application_document(a) for a in applications)
    return AffinityParts(
        text=_text_similarity(app_words, _words(reviewer_document(r) for r in reviewers)),
        area=_area_match(applications, reviewers),
        keywords=_keyword_match(app_words, reviewers),
    )


def _words(documents: Iterable[str]) -> list[list[str]]:
    """Each document's words, lower-cased: runs of word characters, as scikit-learn splits them."""
    return [WORD.findall(document.lower()) for document in documents]


@cache
def english_stop_words() -> frozenset[str]:
    """scikit-learn's English stop words. Imported on first use: loading scikit-learn takes most
    of a second, which every web and worker process would otherwise pay at start-up."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return ENGLISH_STOP_WORDS


def _text_similarity(app_words: list[list[str]], reviewer_words: list[list[str]]) -> np.ndarray:
    """TF-IDF cosine exactly as ``TfidfVectorizer(sublinear_tf=True, stop_words="english")``
    defines it (terms of two or more word characters, English stop words left out, tf = 1 +
    log(count), smooth idf, rows of unit length), built from the shared words with numpy."""
    documents = app_words + reviewer_words
    index = {word: i for i, word in enumerate(dict.fromkeys(chain.from_iterable(documents)))}
    stop_words = english_stop_words()
    is_term = np.fromiter(
        (len(word) > 1 and word not in stop_words for word in index), dtype=bool, count=len(index)
    )
    lengths = np.fromiter(map(len, documents), dtype=np.int64, count=len(documents))
    ids = np.fromiter(
        map(index.__getitem__, chain.from_iterable(documents)), dtype=np.int64, count=int(lengths.sum())
    )
    owner = np.repeat(np.arange(len(documents)), lengths)
    kept = is_term[ids]
    weights = sparse.csr_matrix(
        (np.ones(int(kept.sum()), dtype=np.float32), (owner[kept], ids[kept])),
        shape=(len(documents), len(index)),
    )
    weights.sum_duplicates()
    if not weights.nnz:  # nothing but stop words anywhere
        return np.zeros((len(app_words), len(reviewer_words)), dtype=np.float32)
    np.log(weights.data, out=weights.data)
    weights.data += 1
    document_frequency = np.bincount(weights.indices, minlength=len(index))
    weights.data *= (np.log((1 + len(documents)) / (1 + document_frequency)) + 1)[weights.indices]
    rows = np.repeat(np.arange(len(documents)), np.diff(weights.indptr))
    weights.data /= np.sqrt(np.bincount(rows, weights=weights.data.astype(np.float64) ** 2))[rows]
    # Rows are unit length, so the dot product is the cosine.
    result = _pairwise(weights[: len(app_words)], weights[len(app_words) :])
    np.clip(result, 0.0, 1.0, out=result)
    return result


def _pairwise(left: sparse.csr_matrix, right: sparse.csr_matrix) -> np.ndarray:
    """``left @ right.T`` as a dense float32 array, by blocks: features no right-hand row has are
    dropped, and the right-hand side is made dense a bounded number of values at a time."""
    used = np.flatnonzero(np.bincount(right.indices, minlength=right.shape[1]))
    left, right = left[:, used].tocsr(), right[:, used].tocsr()
    result = np.empty((left.shape[0], right.shape[0]), dtype=np.float32)
    block = max(1, DENSE_BLOCK_VALUES // max(len(used), 1))
    for column in range(0, right.shape[0], block):
        dense = right[column : column + block].T.toarray()
        for row in range(0, left.shape[0], CHUNK_ROWS):
            result[row : row + CHUNK_ROWS, column : column + block] = left[row : row + CHUNK_ROWS] @ dense
    return result


def _area_match(applications: Sequence[ApplicationText], reviewers: Sequence[ReviewerText]) -> np.ndarray:
    names: dict[str, int] = {}
    app_area = np.array(
        [names.setdefault(a.area.casefold(), len(names)) if a.area else -1 for a in applications],
        dtype=np.int64,
    )
    rows, cols = [], []
    for index, reviewer in enumerate(reviewers):
        for area in {a.casefold() for a in reviewer.areas}:
            rows.append(names.setdefault(area, len(names)))
            cols.append(index)
    # One row per area name saying which reviewers have it, and a last row of zeros for "no area".
    table = np.zeros((len(names) + 1, len(reviewers)), dtype=np.float32)
    table[rows, cols] = 1.0
    return table[np.where(app_area >= 0, app_area, len(names))]


def _keyword_match(app_words: list[list[str]], reviewers: Sequence[ReviewerText]) -> np.ndarray:
    vocabulary: dict[str, int] = {}
    rows, cols = [], []
    for index, reviewer in enumerate(reviewers):
        for keyword in {normalise_keyword(k) for k in reviewer.keywords} - {""}:
            rows.append(index)
            cols.append(vocabulary.setdefault(keyword, len(vocabulary)))
    if not vocabulary:
        return np.zeros((len(app_words), len(reviewers)), dtype=np.float32)
    reviewer_keywords = sparse.csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(reviewers), len(vocabulary))
    )
    hits = _pairwise(_phrases_found(app_words, list(vocabulary)), reviewer_keywords)
    hits /= KEYWORDS_FOR_FULL_MATCH
    np.minimum(hits, 1.0, out=hits)
    return hits


def _phrases_found(documents: list[list[str]], phrases: list[str]) -> sparse.csr_matrix:
    """Which phrases (words joined by single spaces) occur in each document as consecutive words,
    one column per phrase: the phrases form a trie over word ids, and every position of every
    document walks down it at once, one word per step."""
    word_ids: dict[str, int] = {}
    children: dict[tuple[int, int], int] = {}  # (node, word id) -> node; the root is node 0
    column_of_node = {}
    for column, phrase in enumerate(phrases):
        node = 0
        for word in phrase.split(" "):
            word_id = word_ids.setdefault(word, len(word_ids) + 1)
            node = children.setdefault((node, word_id), len(children) + 1)
        column_of_node[node] = column
    base = len(word_ids) + 1
    keys = np.array([node * base + word for node, word in children], dtype=np.int64)
    order = np.argsort(keys)
    keys, targets = keys[order], np.fromiter(children.values(), dtype=np.int64, count=len(children))[order]
    column_of = np.full(len(children) + 1, -1, dtype=np.int64)
    column_of[list(column_of_node)] = list(column_of_node.values())

    # Word ids of all documents end to end, with a 0 (no word) after each so no phrase runs on.
    lengths = np.fromiter(map(len, documents), dtype=np.int64, count=len(documents))
    total = int(lengths.sum())
    text = np.zeros(total + len(documents), dtype=np.int64)
    text[np.arange(total) + np.repeat(np.arange(len(documents)), lengths)] = np.fromiter(
        map(word_ids.get, chain.from_iterable(documents), repeat(0)), dtype=np.int64, count=total
    )
    owner = np.repeat(np.arange(len(documents)), lengths + 1)
    starts, nodes = np.arange(len(text)), np.zeros(len(text), dtype=np.int64)
    found_rows, found_cols = [], []
    for step in range(max(phrase.count(" ") + 1 for phrase in phrases)):
        key = nodes * base + text[starts + step]
        where = np.minimum(np.searchsorted(keys, key), len(keys) - 1)
        alive = keys[where] == key
        starts, nodes = starts[alive], targets[where[alive]]
        if not len(starts):
            break
        columns = column_of[nodes]
        complete = columns >= 0
        found_rows.append(owner[starts[complete]])
        found_cols.append(columns[complete])
    rows = np.concatenate(found_rows) if found_rows else np.zeros(0, dtype=np.int64)
    cols = np.concatenate(found_cols) if found_cols else np.zeros(0, dtype=np.int64)
    found = sparse.csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(documents), len(phrases))
    )
    found.sum_duplicates()
    found.data[:] = 1.0
    return found


def apply_bids(affinity: np.ndarray, bids: Sequence[tuple[int, int, Bid]]) -> np.ndarray:
    """The affinity with each (application index, reviewer index, bid) applied, clipped to [0, 1]."""
    adjusted = affinity.copy()
    for app_index, reviewer_index, bid in bids:
        adjusted[app_index, reviewer_index] += BID_ADJUSTMENT[bid]
    np.clip(adjusted, 0.0, 1.0, out=adjusted)
    return adjusted

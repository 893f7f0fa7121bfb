"""Reviewer-application affinity from texts: TF-IDF text similarity, subject area and expertise
keywords, then bids. No database."""

from __future__ import annotations

import numpy as np
import pytest

from grants.reviews.matching.affinity import (
    AREA_WEIGHT,
    BID_ADJUSTMENT,
    KEYWORD_WEIGHT,
    TEXT_WEIGHT,
    ApplicationText,
    Bid,
    ReviewerText,
    apply_bids,
    compute_affinity,
    split_keywords,
)

WHEAT = ApplicationText(
    title="Heat-tolerant wheat for the North China Plain",
    abstract="We breed wheat lines that keep their yield under heat stress and drought, using genomic "
    "selection across field trials in Henan and Shandong.",
    keywords="wheat, heat stress, genomic selection",
    area="Agriculture",
)
QUBITS = ApplicationText(
    title="Error-corrected superconducting qubits",
    abstract="Surface codes on superconducting quantum processors, with faster decoders.",
    keywords="quantum computing; error correction",
    area="Physics",
)
AGRONOMIST = ReviewerText(
    keywords=["wheat", "heat stress", "plant breeding", "genomic selection"],
    statement="I breed cereal crops, mostly wheat, for tolerance to heat and drought.",
    areas=["Agriculture"],
)
PHYSICIST = ReviewerText(
    keywords=["quantum computing", "superconducting qubits"],
    statement="I build superconducting quantum processors and study error correction.",
    areas=["Physics"],
)


def test_a_reviewer_who_knows_the_field_scores_higher_than_an_unrelated_one():
    parts = compute_affinity([WHEAT, QUBITS], [AGRONOMIST, PHYSICIST])
    assert parts.text[0, 0] > parts.text[0, 1]
    assert parts.text[1, 1] > parts.text[1, 0]
    combined = parts.combined()
    assert combined[0, 0] > combined[0, 1] + 0.3
    assert combined[1, 1] > combined[1, 0] + 0.3


def test_every_part_and_the_mix_stay_within_zero_and_one():
    parts = compute_affinity([WHEAT, QUBITS], [AGRONOMIST, PHYSICIST])
    for values in (parts.text, parts.area, parts.keywords, parts.combined()):
        assert values.shape == (2, 2)
        assert values.min() >= 0.0
        assert values.max() <= 1.0 + 1e-6
    assert pytest.approx(1.0) == TEXT_WEIGHT + AREA_WEIGHT + KEYWORD_WEIGHT


def test_a_matching_subject_area_adds_exactly_the_area_weight():
    # Two reviewers identical but for their areas: only the area part can differ.
    in_area = ReviewerText(keywords=["soil"], statement="Soil carbon.", areas=["agriculture", "Ecology"])
    out_of_area = ReviewerText(keywords=["soil"], statement="Soil carbon.", areas=["Ecology"])
    parts = compute_affinity([WHEAT], [in_area, out_of_area])
    assert parts.area.tolist() == [[1.0, 0.0]]  # areas compare without case
    combined = parts.combined()
    assert combined[0, 0] - combined[0, 1] == pytest.approx(AREA_WEIGHT)


def test_an_application_without_an_area_matches_no_area():
    no_area = ApplicationText(title="Wheat", abstract="", keywords="", area=None)
    parts = compute_affinity([no_area], [AGRONOMIST])
    assert parts.area.tolist() == [[0.0]]


def test_keyword_hits_count_whole_multi_word_keywords():
    application = ApplicationText(
        title="Wheat under heat stress",
        abstract="Stress from heat is different from heat and stress measured apart.",
        keywords="",
        area=None,
    )
    reviewers = [
        ReviewerText(keywords=["Heat Stress", "wheat", "drought"], statement="", areas=[]),  # 2 of 3 found
        ReviewerText(keywords=["stress heat"], statement="", areas=[]),  # words present, never in order
        # Four found: counts as fully matched.
        ReviewerText(keywords=["heat stress", "wheat", "stress", "heat"], statement="", areas=[]),
        ReviewerText(keywords=["drought", "rice"], statement="", areas=[]),  # none
        ReviewerText(keywords=[], statement="wheat heat stress", areas=[]),  # no keywords at all
    ]
    parts = compute_affinity([application], reviewers)
    assert parts.keywords[0].tolist() == pytest.approx([2 / 3, 0.0, 1.0, 0.0, 0.0])


def test_keyword_hits_do_not_depend_on_case_or_punctuation():
    application = ApplicationText(title="GENOMIC-SELECTION in Wheat", abstract="", keywords="", area=None)
    reviewer = ReviewerText(keywords=["genomic selection", "WHEAT"], statement="", areas=[])
    assert compute_affinity([application], [reviewer]).keywords[0, 0] == pytest.approx(2 / 3)


def test_text_made_only_of_stop_words_gives_zero_similarity():
    application = ApplicationText(title="The", abstract="and of the", keywords="", area=None)
    reviewer = ReviewerText(keywords=["the"], statement="and", areas=[])
    parts = compute_affinity([application], [reviewer])
    assert parts.text.tolist() == [[0.0]]


@pytest.mark.parametrize(("apps", "reviewers"), [(0, 0), (0, 2), (2, 0)])
def test_empty_inputs_give_zeros_of_the_right_shape(apps, reviewers):
    parts = compute_affinity([WHEAT, QUBITS][:apps], [AGRONOMIST, PHYSICIST][:reviewers])
    for values in (parts.text, parts.area, parts.keywords, parts.combined()):
        assert values.shape == (apps, reviewers)
        assert not values.any()


def test_bids_move_the_affinity_and_are_clipped_to_zero_and_one():
    affinity = np.array([[0.5, 0.95, 0.3], [0.4, 0.2, 0.6]], dtype=np.float32)
    bids = [
        (0, 0, Bid.EAGER),
        (0, 1, Bid.EAGER),
        (0, 2, Bid.NOT_WILLING),
        (1, 0, Bid.WILLING),
        (1, 2, Bid.NOT_WILLING),
    ]
    adjusted = apply_bids(affinity, bids)
    np.testing.assert_allclose(adjusted, [[0.65, 1.0, 0.0], [0.4, 0.2, 0.0]], atol=1e-6)
    assert affinity[0, 0] == pytest.approx(0.5)  # the input is left alone
    assert adjusted.dtype == affinity.dtype


def test_no_bids_change_nothing():
    affinity = np.array([[0.25, 0.75]])
    assert np.array_equal(apply_bids(affinity, []), affinity)


def test_bid_adjustments_and_labels():
    assert BID_ADJUSTMENT[Bid.EAGER] > BID_ADJUSTMENT[Bid.WILLING] == 0 > BID_ADJUSTMENT[Bid.NOT_WILLING]
    assert [bid.label for bid in Bid] == ["Eager", "Willing", "Not willing"]


@pytest.mark.parametrize(
    ("text", "keywords"),
    [
        ("wheat, heat stress; drought", ["wheat", "heat stress", "drought"]),
        # Chinese enumeration comma, full-width comma and full-width semicolon.
        ("水稻、小麦\uff0c玉米\uff1b大豆", ["水稻", "小麦", "玉米", "大豆"]),
        ("Wheat\nWHEAT, wheat ; heat-stress, heat stress", ["wheat", "heat stress"]),
        ("  Genomic   Selection ,, ;  ", ["genomic selection"]),
        ("", []),
        (", ; 、", []),
    ],
)
def test_split_keywords_handles_the_separators_people_type_and_dedupes(text, keywords):
    assert split_keywords(text) == keywords

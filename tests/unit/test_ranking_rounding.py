"""The ranking rounds a whole call's calibrated scores at once exactly as Python's ``round(x, 3)``
rounds each (the order and its ties depend on the last bit), and ranks texts in Python's order."""

import numpy as np
import pytest

from grants.reviews.services.ranking import _ranks, rounded


def python_rounded(values: np.ndarray) -> list[float]:
    return [round(value, 3) for value in values.tolist()]


@pytest.mark.parametrize("seed", range(3))
def test_scores_on_the_scale_round_as_python_rounds_them(seed):
    rng = np.random.default_rng(seed)
    values = np.concatenate([rng.uniform(0, 10, 20_000), rng.uniform(-100, 100, 5_000), [0.0, -0.0, 10.0]])
    assert rounded(values).tolist() == python_rounded(values)


def test_values_a_hair_either_side_of_a_half_round_as_python_rounds_them():
    # k + 0.5 thousandths and its neighbours a few ulps away, where scaling by 1000 first can
    # carry the product across the half (2.675 is below its decimal, 1.0005 above, and so on).
    halves = (np.arange(-20_000, 20_000) + 0.5) / 1000
    values = np.concatenate(
        [np.nextafter(halves, -np.inf), halves, np.nextafter(halves, np.inf), [2.675, 1.0005]]
    )
    for _ in range(3):
        values = np.concatenate([values, np.nextafter(values, np.inf)])
    assert rounded(values).tolist() == python_rounded(values)


def test_huge_values_round_as_python_rounds_them():
    values = np.array([2.0**31 + 0.0005, 1e12 + 0.123456, -(2.0**40) + 0.0015, 1e300])
    assert rounded(values).tolist() == python_rounded(values)


def test_ranks_follow_pythons_order_and_equal_texts_share_one():
    texts = ["b", "a", "B", "b", "", "é", "a\x00", "a"]
    ranks = _ranks(texts).tolist()
    distinct = sorted(set(texts))
    assert ranks == [distinct.index(text) for text in texts]
    assert _ranks([]).tolist() == []

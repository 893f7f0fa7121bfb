"""Scores corrected for reviewer harshness: planted biases are recovered, calibrated merit ranks
applications better than raw means, sparse reviewers are shrunk. No database."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import spearmanr

from grants.reviews.calibration import SHRINKAGE, Calibration, calibrate


def synthetic_scores(seed: int, apps: int = 60, reviewers: int = 20, per_app: int = 4, noise: float = 0.2):
    """(applications, reviewers, scores, true merit, planted bias): score = merit + bias + noise."""
    rng = np.random.default_rng(seed)
    merit = rng.normal(5.0, 1.0, apps)
    bias = rng.normal(0.0, 1.0, reviewers)
    app_ids, reviewer_ids, scores = [], [], []
    for app in range(apps):
        for index in rng.choice(reviewers, per_app, replace=False):
            app_ids.append(f"app-{app}")
            reviewer_ids.append(f"rev-{index}")
            scores.append(merit[app] + bias[index] + rng.normal(0.0, noise))
    return app_ids, reviewer_ids, scores, merit, bias


def raw_means(app_ids, scores) -> dict[str, float]:
    totals: dict[str, list[float]] = {}
    for app, score in zip(app_ids, scores, strict=True):
        totals.setdefault(app, []).append(score)
    return {app: float(np.mean(values)) for app, values in totals.items()}


def centred(values: np.ndarray) -> np.ndarray:
    return values - values.mean()


@pytest.mark.parametrize("seed", range(5))
def test_planted_reviewer_biases_are_recovered(seed):
    app_ids, reviewer_ids, scores, _, bias = synthetic_scores(seed)
    result = calibrate(app_ids, reviewer_ids, scores)
    # Every reviewer drew work: check the test's own premise before the claim.
    assert len(result.bias) == 20
    recovered = np.array([result.bias[f"rev-{index}"] for index in range(20)])
    correlation = np.corrcoef(centred(recovered), centred(bias))[0, 1]
    assert correlation > 0.95
    assert result.iterations >= 1


@pytest.mark.parametrize("seed", range(5))
def test_calibrated_merit_ranks_applications_closer_to_the_truth_than_raw_means(seed):
    app_ids, reviewer_ids, scores, merit, _ = synthetic_scores(seed)
    result = calibrate(app_ids, reviewer_ids, scores)
    keys = [f"app-{app}" for app in range(60)]
    calibrated = np.array([result.merit[key] for key in keys])
    means = raw_means(app_ids, scores)
    raw = np.array([means[key] for key in keys])

    calibrated_rho = spearmanr(calibrated, merit).statistic
    raw_rho = spearmanr(raw, merit).statistic
    assert calibrated_rho > raw_rho
    assert calibrated_rho > 0.9
    # Merit and bias are only known up to a shared constant, so errors are compared after centring.
    calibrated_error = np.abs(centred(calibrated) - centred(merit)).mean()
    raw_error = np.abs(centred(raw) - centred(merit)).mean()
    assert calibrated_error < 0.5 * raw_error


def test_no_scores_give_an_empty_calibration():
    assert calibrate([], [], []) == Calibration(merit={}, bias={}, iterations=0)


def test_a_single_score_is_the_merit_and_carries_no_bias():
    result = calibrate(["a"], ["r"], [7.0])
    assert result.merit == {"a": pytest.approx(7.0)}
    assert result.bias == {"r": pytest.approx(0.0)}


def test_a_reviewer_with_a_single_harsh_review_is_shrunk_but_a_consistently_harsh_one_is_not():
    # Ten applications, each scored 6 by four fair reviewers. "harsh" scores all ten at 4 (two
    # below); "once" scores a single application at 4.
    apps, reviewers, scores = [], [], []
    for app in range(10):
        for fair in range(4):
            apps.append(app)
            reviewers.append(f"fair-{fair}")
            scores.append(6.0)
        apps.append(app)
        reviewers.append("harsh")
        scores.append(4.0)
    apps.append(0)
    reviewers.append("once")
    scores.append(4.0)
    result = calibrate(apps, reviewers, scores)
    # Biases are only known up to a shared constant: measure them against the fair reviewers.
    fair = result.bias["fair-0"]
    assert all(result.bias[f"fair-{index}"] == pytest.approx(fair) for index in range(4))
    harsh, once = result.bias["harsh"] - fair, result.bias["once"] - fair
    # Ten reviews two points low: corrected by n / (n + shrinkage) = 10/11 of the two points.
    assert harsh == pytest.approx(-2.0 * 10 / 11, abs=0.01)
    # One review two points low: pulled well short of the full two points.
    assert -1.3 < once < -0.5
    # So that one score moves its application's merit less than it moves the raw mean.
    raw_gap = (24 + 4 + 4) / 6 - (24 + 4) / 5
    merit_gap = result.merit[0] - result.merit[1]
    assert all(result.merit[app] == pytest.approx(result.merit[1]) for app in range(1, 10))
    assert raw_gap < 0 and 0.6 * raw_gap < merit_gap < 0


def test_more_shrinkage_pulls_biases_further_towards_zero():
    app_ids, reviewer_ids, scores, _, _ = synthetic_scores(11)
    light = calibrate(app_ids, reviewer_ids, scores, shrinkage=0.5)
    heavy = calibrate(app_ids, reviewer_ids, scores, shrinkage=20.0)
    light_size = np.abs(list(light.bias.values())).mean()
    heavy_size = np.abs(list(heavy.bias.values())).mean()
    assert heavy_size < 0.75 * light_size


def test_keys_come_back_as_given():
    result = calibrate([101, 102, 101], ["ann", "bob", "bob"], [3.0, 4.0, 5.0])
    assert set(result.merit) == {101, 102}
    assert set(result.bias) == {"ann", "bob"}


@pytest.mark.parametrize("seed", range(3))
def test_the_solution_is_the_fixed_point_of_the_two_means(seed):
    """Each merit is the mean of its scores less their reviewers' biases, and each bias the sum of
    its reviewer's scores less their applications' merits over the reviewer's count plus the
    shrinkage: the conditions alternating the two means converges to, met exactly."""
    app_ids, reviewer_ids, scores, _, _ = synthetic_scores(seed, apps=300, reviewers=40, per_app=3)
    ids = {key: n for n, key in enumerate(sorted(set(app_ids)))}
    for keys in ((app_ids, reviewer_ids), ([ids[key] for key in app_ids], reviewer_ids)):
        result = calibrate(*keys, scores)
        merit = np.array([result.merit[key] for key in keys[0]])
        bias = np.array([result.bias[key] for key in keys[1]])
        for key in set(keys[0]):
            mine = [n for n, app in enumerate(keys[0]) if app == key]
            assert result.merit[key] == pytest.approx(np.mean([scores[n] - bias[n] for n in mine]), abs=1e-9)
        for key in set(keys[1]):
            mine = [n for n, reviewer in enumerate(keys[1]) if reviewer == key]
            expected = sum(scores[n] - merit[n] for n in mine) / (len(mine) + SHRINKAGE)
            assert result.bias[key] == pytest.approx(expected, abs=1e-9)
        assert 1 <= result.iterations < 100

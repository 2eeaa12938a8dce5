"""reports.quantify: corrected shares and their intervals, checked on synthetic months with known shares."""

import numpy as np
import pytest

from reports.quantify import adjust, change, share

TPR, FPR = 0.8, 0.12  # the synthetic classifier's error rates


def _classify(truth: np.ndarray, rng) -> np.ndarray:
    return np.where(truth, rng.random(len(truth)) < TPR, rng.random(len(truth)) < FPR)


def _validation(rng, n=400, share_true=0.4):
    truth = rng.random(n) < share_true
    return truth, _classify(truth, rng)


def test_adjust_inverts_the_error_rates_and_clips():
    assert adjust(0.12 + 0.3 * (0.8 - 0.12), 0.8, 0.12) == pytest.approx(0.3)
    assert adjust(0.05, 0.8, 0.12) == 0.0 and adjust(0.99, 0.8, 0.12) == 1.0
    assert adjust(0.3, 0.5, 0.5) == pytest.approx(0.3)  # no information: the raw share


def test_interval_covers_the_true_share_in_synthetic_months():
    """200 months of 300 articles, true shares 5-60 %, each with its own 400 validation texts: the 90 %
    interval must cover the month's true share in at least 85 % of months."""
    rng = np.random.default_rng(2026)
    covered, raw_covered = 0, 0
    months = 200
    for m in range(months):
        val_truth, val_pred = _validation(rng)
        truth = rng.random(300) < rng.uniform(0.05, 0.6)
        s = share(_classify(truth, rng), val_truth, val_pred, n_boot=400, seed=m)
        covered += s.low <= truth.mean() <= s.high
        raw_covered += abs(s.raw - truth.mean()) < 0.02
        assert s.low <= s.adjusted <= s.high or s.adjusted in (0.0, 1.0)
    assert covered / months >= 0.85
    assert raw_covered / months < 0.5  # the raw count is biased: the correction matters


def test_change_is_significant_only_when_the_interval_says_so():
    rng = np.random.default_rng(7)
    val_truth, val_pred = _validation(rng)
    before = _classify(rng.random(400) < 0.30, rng)
    big = change(before, _classify(rng.random(400) < 0.50, rng), val_truth, val_pred)
    assert big.significant and big.low > 0 and 0.1 < big.adjusted < 0.3
    same = change(before, _classify(rng.random(400) < 0.30, rng), val_truth, val_pred)
    assert not same.significant and same.low < 0 < same.high


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError):
        share([], [True, False], [True, False])
    with pytest.raises(ValueError):
        share([True], [True], [True, False])


def test_figures_depend_on_the_counts_not_the_order():
    rng = np.random.default_rng(3)
    val_truth, val_pred = _validation(rng)
    month = _classify(rng.random(200) < 0.3, rng)
    swap = rng.permutation(len(val_truth))
    assert share(month, val_truth, val_pred) == share(rng.permutation(month), val_truth[swap], val_pred[swap])

"""Shares of a class (relevant, negative, a topic) in a month, corrected for the classifier's measured
errors, with a bootstrap interval.

Adjusted classify-and-count (Forman 2008): when the classifier calls a share ``q`` of the month's articles
positive and, on labelled validation texts, finds a true positive rate ``tpr`` and a false positive rate
``fpr``, the corrected share is ``(q - fpr) / (tpr - fpr)``, clipped to [0, 1]. The interval resamples
both sources of error at once: the month's articles (``q``) and the validation texts (``tpr``, ``fpr``);
its bounds are percentiles of the corrected share over ``n_boot`` replicates.

``share(predicted, val_truth, val_predicted)`` gives one month's :class:`Share`; ``change(before, after,
val_truth, val_predicted)`` the change between two months, with the same validation resample in each
replicate, and whether its interval excludes zero; ``pairs(cells)`` turns stored confusion counts
(:mod:`analysis.confusion`) back into validation sequences. Pure functions; numpy only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

LEVEL = 0.9
N_BOOT = 1000


@dataclass(frozen=True)
class Share:
    raw: float  # the share the classifier called positive
    adjusted: float  # corrected for its measured errors
    low: float
    high: float
    n: int


@dataclass(frozen=True)
class Change:
    adjusted: float  # after - before, corrected shares
    low: float
    high: float
    significant: bool  # the interval excludes zero


def pairs(cells: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """(truth, predicted) boolean arrays holding the confusion counts ``[tp, fn, fp, tn]``."""
    tp, fn, fp, tn = cells
    truth = np.repeat([True, True, False, False], [tp, fn, fp, tn])
    return truth, np.repeat([True, False, True, False], [tp, fn, fp, tn])


def adjust(q, tpr, fpr):
    """Adjusted classify-and-count, elementwise; where tpr <= fpr the raw share is kept."""
    q, tpr, fpr = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (q, tpr, fpr)))
    gap = tpr - fpr
    out = np.where(gap > 1e-9, (q - fpr) / np.where(gap > 1e-9, gap, 1.0), q)
    return np.clip(out, 0.0, 1.0)


def _rates(truth: np.ndarray, pred: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """tpr and fpr per bootstrap row of (truth, pred) matrices; 0.5 where a class is absent."""
    pos, neg = truth.sum(axis=-1), (~truth).sum(axis=-1)
    tpr = np.where(pos > 0, (truth & pred).sum(axis=-1) / np.maximum(pos, 1), 0.5)
    fpr = np.where(neg > 0, (~truth & pred).sum(axis=-1) / np.maximum(neg, 1), 0.5)
    return tpr, fpr


def _validation_draws(val_truth, val_predicted, n_boot: int, rng) -> tuple[np.ndarray, np.ndarray, float, float]:
    t = np.asarray(val_truth, dtype=bool)
    p = np.asarray(val_predicted, dtype=bool)
    if t.shape != p.shape or not len(t):
        raise ValueError("validation truth and predictions must be non-empty and of one length")
    order = np.lexsort((p, t))  # the draws depend on the confusion counts only, not the order
    t, p = t[order], p[order]
    idx = rng.integers(0, len(t), size=(n_boot, len(t)))
    tpr_b, fpr_b = _rates(t[idx], p[idx])
    tpr, fpr = _rates(t[None, :], p[None, :])
    return tpr_b, fpr_b, float(tpr[0]), float(fpr[0])


def _month_draws(predicted, n_boot: int, rng) -> tuple[np.ndarray, float, int]:
    m = np.sort(np.asarray(predicted, dtype=bool))  # the draws depend on the counts only, not the order
    if not len(m):
        raise ValueError("a month without articles has no share")
    return m[rng.integers(0, len(m), size=(n_boot, len(m)))].mean(axis=1), float(m.mean()), len(m)


def _bounds(draws: np.ndarray, level: float) -> tuple[float, float]:
    lo, hi = np.quantile(draws, [(1 - level) / 2, (1 + level) / 2])
    return float(lo), float(hi)


def share(predicted: Sequence[bool], val_truth: Sequence[bool], val_predicted: Sequence[bool],
          level: float = LEVEL, n_boot: int = N_BOOT, seed: int = 0) -> Share:
    """The month's corrected share of the class and its ``level`` interval."""
    rng = np.random.default_rng(seed)
    tpr_b, fpr_b, tpr, fpr = _validation_draws(val_truth, val_predicted, n_boot, rng)
    q_b, q, n = _month_draws(predicted, n_boot, rng)
    low, high = _bounds(adjust(q_b, tpr_b, fpr_b), level)
    return Share(raw=q, adjusted=float(adjust(q, tpr, fpr)), low=low, high=high, n=n)


def change(before: Sequence[bool], after: Sequence[bool], val_truth: Sequence[bool],
           val_predicted: Sequence[bool], level: float = LEVEL, n_boot: int = N_BOOT, seed: int = 0) -> Change:
    """The change of the corrected share from ``before`` to ``after``; significant when its interval
    excludes zero."""
    rng = np.random.default_rng(seed)
    tpr_b, fpr_b, tpr, fpr = _validation_draws(val_truth, val_predicted, n_boot, rng)
    qa_b, qa, _ = _month_draws(before, n_boot, rng)
    qb_b, qb, _ = _month_draws(after, n_boot, rng)
    low, high = _bounds(adjust(qb_b, tpr_b, fpr_b) - adjust(qa_b, tpr_b, fpr_b), level)
    return Change(adjusted=float(adjust(qb, tpr, fpr) - adjust(qa, tpr, fpr)), low=low, high=high,
                  significant=low > 0 or high < 0)

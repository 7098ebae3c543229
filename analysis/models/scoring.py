"""Scoring and calibration of forecasts: interval score, skill, coverage, conformal widths.

Pure functions on arrays, shared by :mod:`analysis.models.forecast` and
:mod:`analysis.models.backtest`.

Conventions:
    * ``level`` is a fraction in (0, 1) (0.8 for an 80% interval); ``alpha = 1 - level``.
    * Errors are whatever the caller scores (the forecasts use log errors,
      ``log(actual / point)``, scaled by a random-walk scale; see :func:`conformal_multiplier`).
    * Comparisons that choose between models use :func:`beats` with a relative tolerance, so a
      choice cannot flip on the last digits of a platform's floating point.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

__all__ = [
    "REL_TOL",
    "beats",
    "conformal_multiplier",
    "coverage",
    "interval_score",
    "mean_interval_score",
    "pick_simplest",
    "skill_score",
    "student_t_multiplier",
]

#: Relative tolerance of every model comparison: a model must be more than 1% better.
REL_TOL = 0.01


def _check_level(level: float) -> float:
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be in (0, 1), got {level!r}")
    return float(level)


def interval_score(lower: np.ndarray | float, upper: np.ndarray | float,
                   actual: np.ndarray | float, level: float) -> np.ndarray:
    """Interval (Winkler) score of central intervals; lower is better.

    ``(upper - lower) + 2/alpha * (lower - y) if y < lower + 2/alpha * (y - upper) if y > upper``
    (Gneiting and Raftery 2007, eq. 43). It is a proper score: in expectation it is minimised
    by the ``alpha/2`` and ``1 - alpha/2`` quantiles of the outcome's distribution.

    Args:
        lower: Lower ends.
        upper: Upper ends (not below ``lower``).
        actual: Outcomes.
        level: Nominal level of the intervals (fraction).

    Returns:
        The score of each interval (array).
    """
    alpha = 1.0 - _check_level(level)
    lo, hi, y = (np.asarray(v, dtype=float) for v in (lower, upper, actual))
    if np.any(hi < lo):
        raise ValueError("an upper end is below its lower end")
    return (hi - lo) + (2.0 / alpha) * np.maximum(lo - y, 0.0) + (2.0 / alpha) * np.maximum(
        y - hi, 0.0)


def mean_interval_score(lower: np.ndarray, upper: np.ndarray, actual: np.ndarray,
                        level: float) -> float:
    """Mean :func:`interval_score` over the intervals whose outcome is known (NaN if none)."""
    y = np.asarray(actual, dtype=float)
    known = np.isfinite(y)
    if not known.any():
        return math.nan
    return float(interval_score(np.asarray(lower)[known], np.asarray(upper)[known], y[known],
                                level).mean())


def coverage(lower: np.ndarray, upper: np.ndarray, actual: np.ndarray) -> float:
    """Share of known outcomes inside their closed interval ``[lower, upper]`` (NaN if none)."""
    y = np.asarray(actual, dtype=float)
    known = np.isfinite(y)
    if not known.any():
        return math.nan
    lo, hi = np.asarray(lower, dtype=float)[known], np.asarray(upper, dtype=float)[known]
    return float(np.mean((y[known] >= lo) & (y[known] <= hi)))


def skill_score(errors: np.ndarray, naive_errors: np.ndarray) -> float:
    """Skill against the naive benchmark: ``1 - mean|e| / mean|e_naive|`` on the same targets.

    Positive means more accurate than the benchmark; 0 means as accurate (the benchmark against
    itself scores exactly 0). NaN when there are no errors or the benchmark is perfect.

    Args:
        errors: Forecast errors of the model.
        naive_errors: Errors of the benchmark for the same targets, in the same order.
    """
    e, n = np.abs(np.asarray(errors, dtype=float)), np.abs(np.asarray(naive_errors, dtype=float))
    if e.shape != n.shape:
        raise ValueError("errors and naive_errors must be paired")
    if e.size == 0 or not n.sum() > 0.0:
        return math.nan
    return float(1.0 - e.mean() / n.mean())


def beats(score: float, reference: float, rel_tol: float = REL_TOL) -> bool:
    """Whether a loss ``score`` is better than ``reference`` by more than ``rel_tol`` of it.

    Used for every model choice, so that errors equal up to rounding count as a tie.
    """
    if not (math.isfinite(score) and math.isfinite(reference)):
        return False
    return score < reference * (1.0 - rel_tol)


def pick_simplest(losses: dict[str, float], complexity: dict[str, int],
                  rel_tol: float = REL_TOL) -> str:
    """Return the simplest model whose loss is within ``rel_tol`` of the lowest loss.

    Ties in complexity go to the name that sorts first, so the result never depends on the
    order of the dictionary or on the last digits of the losses.

    Args:
        losses: Model name -> loss (lower is better); non-finite losses are ignored.
        complexity: Model name -> complexity rank (lower is simpler).
        rel_tol: Relative tolerance of a tie.

    Returns:
        The chosen name.
    """
    finite = {k: v for k, v in losses.items() if math.isfinite(v)}
    if not finite:
        raise ValueError("no finite loss to choose from")
    best = min(finite.values())
    close = [k for k, v in finite.items() if v <= best * (1.0 + rel_tol) or v == best]
    return min(close, key=lambda k: (complexity[k], k))


def conformal_multiplier(scaled_errors: Sequence[float] | np.ndarray, level: float) -> float:
    """Half-width multiplier of a central interval from out-of-sample scaled errors.

    Split-conformal on absolute scaled errors: with ``n`` errors, the multiplier is the
    ``ceil((n + 1) * level)``-th smallest ``|e|``, which covers a new exchangeable error with
    probability at least ``level`` (Vovk et al. 2005; Lei et al. 2018). With too few errors for
    that rank (``ceil((n + 1) * level) > n``) the distribution-free quantile is unbounded; the
    multiplier is then the larger of the largest ``|e|`` and the Student-t interval
    ``t_n((1 + level) / 2) * RMS(e)`` (exact for zero-mean normal errors, as
    ``e_new / RMS ~ t_n``). Taking the larger keeps the multiplier non-decreasing in
    ``level``.

    Args:
        scaled_errors: Out-of-sample errors, each divided by its forecast's scale.
        level: Nominal level of the interval (fraction).

    Returns:
        The multiplier ``q``: the interval is ``point ± q * scale``.
    """
    lv = _check_level(level)
    e = np.abs(np.asarray(scaled_errors, dtype=float))
    e = e[np.isfinite(e)]
    n = e.size
    if n == 0:
        raise ValueError("no out-of-sample errors to calibrate from")
    rank = math.ceil((n + 1) * lv - 1e-9)  # the tolerance keeps e.g. 5 * 0.8 at rank 4
    ordered = np.sort(e)
    if rank <= n:
        return float(ordered[rank - 1])
    rms = float(np.sqrt(np.mean(e**2)))
    from scipy import stats  # imported where used: scipy takes a second to import
    return max(float(ordered[-1]), float(stats.t.ppf(0.5 + lv / 2.0, df=n)) * rms)


def student_t_multiplier(scaled_errors: Sequence[float] | np.ndarray, level: float) -> float:
    """Half-width multiplier ``t_n((1 + level) / 2) * RMS(e)`` from ``n`` scaled errors.

    If the out-of-sample scaled errors are independent ``N(0, s^2)``, a new one divided by the
    root mean square of ``n`` past ones follows Student's t with ``n`` degrees of freedom, so
    the interval has exactly the nominal coverage for any ``n >= 1``. The forecasts use
    :func:`conformal_multiplier` instead, which needs no normality; this one is the
    ``student_t`` alternative the backtest reports beside it.

    Args:
        scaled_errors: Out-of-sample errors, each divided by its forecast's scale.
        level: Nominal level of the interval (fraction).

    Returns:
        The multiplier ``q``: the interval is ``point ± q * scale``.
    """
    lv = _check_level(level)
    e = np.asarray(scaled_errors, dtype=float)
    e = e[np.isfinite(e)]
    if e.size == 0:
        raise ValueError("no out-of-sample errors to calibrate from")
    rms = float(np.sqrt(np.mean(e**2)))
    from scipy import stats  # imported where used: scipy takes a second to import
    return float(stats.t.ppf(0.5 + lv / 2.0, df=e.size)) * rms

"""The headline models checked against history, and the combination weight fitted on it.

**Origins.** Every half-year end from 31 Dec 2022 to 31 Dec 2025 whose 12-month window has
closed by the data cut-off ``as_of``. At each origin ``o`` both headline models are run with
only the rows of the layoff-rounds table announced on or before ``o``
(:func:`analysis.models.headline.rounds_known_at`: later rows are invisible, and a row's "counted
inside round X" link is ignored while X is not yet announced).

**Target.** Corporate roles announced in the 12 and 24 months after ``o`` (a window is scored
only once it has closed by ``as_of``): the disclosed total known at the window's end minus the
disclosed total known at ``o``, each counted by :func:`analysis.models.headline.sized_rounds`
(midpoints; a row nested in a later round is not counted twice, and where a later round
absorbs an earlier one, as the Jan 2023 round of 18,000 absorbed the ~10,000 of Nov 2022, only
the difference is new). A round of undisclosed size adds nothing; the number of such rounds
in each window is reported next to the target, which is therefore a lower bound.

**The layoff-rounds model from a past origin** is the model itself
(:func:`analysis.models.rounds.simulate_further_cuts`) with ``as_of`` = ``further_after`` = ``o``:
its rates and sizes come from the rounds between ``rounds_history_start`` and ``o``.

**The projection core from a past origin.** Its parameters describe 2025-27 (AI adoption at
the cut-off, a midpoint year, a de-layering mandate of Sep 2024, the EU AI Act's dates); there
is no record of what they would have been in 2023. The backtest therefore moves the whole model
in time instead of re-estimating it: the run starts at ``o`` (further cuts counted after ``o``,
no rounds observed after it), the start stock is ``corporate_headcount_base`` (the estimate of
about 350,000 was quoted in 2023 and in 2025 alike), and the dated assumptions keep their
distance from the cut-off (:class:`analysis.models.projection.Calendar` with ``shift_days`` =
``as_of`` minus ``o``), so adoption at ``o`` is ``ai_adoption_current_pct`` and the midpoint
lies as far ahead as it does today. What this tests is the *intensity* of cuts the core implies
over the 12 and 24 months after a cut-off, against Amazon's record; it cannot test whether 2026-27
AI adoption will follow the assumed curve. The core's forecast is nearly the same at every origin.

**Scores** for each model, origin and horizon:

* *Log score*: the log of the predictive probability of the 5,000-role bin that holds the
  outcome, from the draws binned on a fixed grid centred on multiples of 5,000 (0, 5,000, ...,
  200,000 roles; larger values in the last bin), with half a draw added to every bin so that a
  model that gave an outcome no draw is penalised hard but finitely (about −9 with 5,000
  draws). A binned density is used rather than a kernel density because the rounds model's
  draws are lumpy (sums of resampled rounds such as exactly 9,000 or 18,000, and a point mass
  at zero); any bandwidth would be a choice of the same kind as the bin width, and the bins
  keep the choice visible. The width is a third of the claimed range (15,000 roles wide): the
  question is about ranges of that size, and finer bins score the atoms of the rounds model
  rather than its forecast. The weight depends on this choice; :func:`bin_width_sensitivity`
  refits it for other widths and the page shows them. Higher is better.
* *Coverage*: whether the outcome lies inside the central 50% and 80% intervals of the draws.
* *PIT*: the share of draws below the outcome plus half the share equal to it (the mid-PIT,
  deterministic where a model has atoms, such as zero cuts).

**Weight.** Stacking of predictive distributions: the weight ``w`` on the projection core
that maximises the mean log score of the mixture ``w · p_core + (1 − w) · p_rounds`` over every
scored origin and horizon, on a grid of whole percentage points (the mean log score is concave
in ``w``, so the grid maximum is the maximum to within a point; no optimiser is involved).

**When history is too short.** Windows overlap (half-year steps, 12- and 24-month horizons),
so the scored pairs are far from independent. The weight's uncertainty is measured by a
bootstrap over origins (each resampled origin carries both its horizons), refitting the weight
on each resample. The headline uses the *bagged* weight, the mean of the bootstrap weights:
since a mixture is linear in its weight, averaging the mixture over the weight's bootstrap
distribution is the mixture at the mean weight. History is declared too short to tell when
fewer than :data:`MIN_INDEPENDENT_WINDOWS` non-overlapping 12-month windows are scored or the
weight's 80% bootstrap interval is wider than :data:`MAX_WEIGHT_INTERVAL_PCT` points; then the
page says so and reports the headline's chance inside the claimed range, and its interval, as
ranges over the weight's 80% bootstrap interval (:func:`widened_summary`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from analysis import study
from analysis.models import headline, projection, rounds
from analysis.params import Params, validate

__all__ = [
    "FIRST_ORIGIN",
    "HORIZONS_MONTHS",
    "LAST_ORIGIN",
    "HeadlineBacktest",
    "backtest_origins",
    "bin_width_sensitivity",
    "binned_log_score",
    "coverage_table",
    "fit_stacking_weight",
    "mixture_summary",
    "mid_pit",
    "realised_cuts",
    "run_headline_backtest",
    "weight_curve",
    "widened_summary",
]

FIRST_ORIGIN = "2022-12-31"
LAST_ORIGIN = "2025-12-31"
ORIGIN_STEP_MONTHS = 6
HORIZONS_MONTHS: tuple[int, ...] = (12, 24)
MODELS: tuple[tuple[str, str], ...] = (("projection", "projection core"),
                                       ("rounds", "layoff-rounds model"))
BIN_WIDTH_ROLES = 5_000.0
#: Draws per model and origin (fewer if ``mc_draws`` is smaller): ten origins × two models.
BACKTEST_DRAWS = 5_000
BIN_TOP_ROLES = 200_000.0
SMOOTHING_DRAWS = 0.5
LEVELS_PCT: tuple[int, ...] = (50, 80)
WEIGHT_GRID_PCT = np.arange(0, 101, dtype=float)
BOOTSTRAP_RESAMPLES = 1_000
WEIGHT_INTERVAL_PCT = 80
#: Fewer non-overlapping 12-month windows than this: too short to tell.
MIN_INDEPENDENT_WINDOWS = 8
#: An 80% bootstrap interval of the weight wider than this (points): too short to tell.
MAX_WEIGHT_INTERVAL_PCT = 40.0
# Keep the backtest's random streams apart from the headline's (seed, seed+1, seed+2).
_SEED_BASE = 1_000
_TIE_TOLERANCE = 1e-9


# --- dates and targets --------------------------------------------------------------------------


def _months_after(day: str, months: int) -> str:
    """The last day of the month ``months`` after ``day``'s month (origins are month ends)."""
    end = (pd.Timestamp(day) + pd.offsets.MonthEnd(months)).date()
    return end.isoformat()


def backtest_origins(as_of: str, history_start: str, first: str = FIRST_ORIGIN,
                     last: str = LAST_ORIGIN) -> list[str]:
    """Half-year-end origins whose shortest window has closed by ``as_of``.

    Args:
        as_of: Data cut-off (ISO); a window ending after it cannot be scored yet.
        history_start: First day of the rounds history; an origin must lie after it.
        first: First origin (ISO, a month end).
        last: Last origin considered (ISO).

    Returns:
        ISO dates, oldest first (possibly empty).
    """
    out, day = [], first
    while day <= last:
        if day > history_start and _months_after(day, min(HORIZONS_MONTHS)) <= as_of:
            out.append(day)
        day = _months_after(day, ORIGIN_STEP_MONTHS)
    return out


def _disclosed_total(events: pd.DataFrame, day: str) -> float:
    return float(headline.sized_rounds(headline.rounds_known_at(events, day))["roles_mid"].sum())


def realised_cuts(events: pd.DataFrame, origin: str, end: str) -> tuple[float, int]:
    """Corporate roles announced after ``origin`` and by ``end``, as known at ``end``.

    Args:
        events: Layoff rounds (``analysis.data.load_layoff_rounds``), already cut at the
            build's ``as_of``.
        origin: Start of the window (exclusive, ISO).
        end: End of the window (inclusive, ISO).

    Returns:
        ``(roles, undisclosed_rounds)``: the disclosed total known at ``end`` minus the one
        known at ``origin`` (midpoints, nesting resolved), and the number of corporate rounds
        of undisclosed size announced in the window.
    """
    roles = _disclosed_total(events, end) - _disclosed_total(events, origin)
    window = headline.further_rounds(headline.rounds_known_at(events, end), end, after=origin)
    return roles, int(window["roles_mid"].isna().sum())


# --- scores -------------------------------------------------------------------------------------


def _bin_index(values: np.ndarray, width: float) -> np.ndarray:
    top = int(BIN_TOP_ROLES / width)
    return np.clip(np.floor(np.asarray(values, float) / width + 0.5), 0, top).astype(int)


def binned_probability(draws: np.ndarray, outcome: float,
                       bin_width_roles: float = BIN_WIDTH_ROLES) -> float:
    """Smoothed predictive probability of the bin holding ``outcome``.

    Bins of ``bin_width_roles`` are centred on 0, w, 2w, ... up to :data:`BIN_TOP_ROLES`
    (values above go to the last bin, negative ones to the first); every bin gets
    :data:`SMOOTHING_DRAWS` extra draws.
    """
    x = np.asarray(draws, float)
    if x.size == 0 or not np.all(np.isfinite(x)):
        raise ValueError("draws must be a non-empty array of finite numbers")
    if not 0 < bin_width_roles <= BIN_TOP_ROLES:
        raise ValueError(f"bin_width_roles must lie in (0, {BIN_TOP_ROLES:g}]")
    n_bins = int(BIN_TOP_ROLES / bin_width_roles) + 1
    target = _bin_index(np.array([outcome]), bin_width_roles)[0]
    hits = float(np.sum(_bin_index(x, bin_width_roles) == target))
    return (hits + SMOOTHING_DRAWS) / (x.size + SMOOTHING_DRAWS * n_bins)


def binned_log_score(draws: np.ndarray, outcome: float,
                     bin_width_roles: float = BIN_WIDTH_ROLES) -> float:
    """Log of :func:`binned_probability` (natural log; higher is better)."""
    return float(np.log(binned_probability(draws, outcome, bin_width_roles)))


def mid_pit(draws: np.ndarray, outcome: float) -> float:
    """Share of draws below ``outcome`` plus half the share equal to it."""
    x = np.asarray(draws, float)
    return float(np.mean(x < outcome) + 0.5 * np.mean(x == outcome))


def _interval(draws: np.ndarray, level_pct: float) -> tuple[float, float]:
    tail = (100.0 - level_pct) / 200.0
    lo, hi = np.quantile(np.asarray(draws, float), [tail, 1.0 - tail])
    return float(lo), float(hi)


def score_draws(draws: np.ndarray, outcome: float) -> dict[str, float]:
    """Every score of one forecast: log score, PIT, median, 50%/80% intervals and hits."""
    out: dict[str, float] = {
        "probability": binned_probability(draws, outcome),
        "log_score": binned_log_score(draws, outcome),
        "pit": mid_pit(draws, outcome),
        "median": float(np.median(draws)),
    }
    for level in LEVELS_PCT:
        lo, hi = _interval(draws, level)
        out[f"lower_{level}"], out[f"upper_{level}"] = lo, hi
        out[f"inside_{level}"] = float(lo <= outcome <= hi)
    return out


# --- the weight ---------------------------------------------------------------------------------


def _mean_log_scores(p_core: np.ndarray, p_rounds: np.ndarray) -> np.ndarray:
    """Mean log score of the mixture at each grid weight: shape (len(WEIGHT_GRID_PCT),)."""
    w = WEIGHT_GRID_PCT[:, None] / 100.0
    return np.mean(np.log(w * p_core[None, :] + (1.0 - w) * p_rounds[None, :]), axis=1)


def fit_stacking_weight(p_core: Sequence[float], p_rounds: Sequence[float]) -> float:
    """Stacking weight (%, whole points) on the projection core.

    Args:
        p_core: Predictive probabilities of the observed outcomes under the projection core
            (one per scored origin and horizon).
        p_rounds: The same under the layoff-rounds model.

    Returns:
        The grid weight in [0, 100] with the highest mean log score of the mixture; among
        weights within 1e-9 of the best, the middle one, so near-ties do not flip on rounding.
    """
    a, b = np.asarray(p_core, float), np.asarray(p_rounds, float)
    if a.shape != b.shape or a.size == 0:
        raise ValueError("need the same, non-zero number of probabilities for both models")
    if np.any(a <= 0) or np.any(b <= 0):
        raise ValueError("predictive probabilities must be positive")
    return float(WEIGHT_GRID_PCT[_best_index(_mean_log_scores(a, b)[None, :])[0]])


def _best_index(scores: np.ndarray) -> np.ndarray:
    """Per row of (R, G) grid scores: the middle of the weights within tolerance of the best.

    The mean log score is concave in the weight, so the near-best weights are contiguous.
    """
    near = scores >= scores.max(axis=1, keepdims=True) - _TIE_TOLERANCE
    first = np.argmax(near, axis=1)
    last = near.shape[1] - 1 - np.argmax(near[:, ::-1], axis=1)
    return first + (last - first + 1) // 2


def bootstrap_weights(scores: pd.DataFrame, resamples: int, seed: int) -> np.ndarray:
    """Stacking weights refitted on bootstrap resamples of the origins.

    Args:
        scores: One row per origin and horizon with ``origin``, ``probability_projection`` and
            ``probability_rounds``.
        resamples: Number of resamples.
        seed: Seed of the resampling.

    Returns:
        ``resamples`` weights in percent.
    """
    origins = sorted(scores["origin"].unique())
    rng = np.random.default_rng(seed)
    w = WEIGHT_GRID_PCT[None, :] / 100.0
    # per origin: the sum of the mixture's log scores at each grid weight, and the pair count
    sums = np.empty((len(origins), w.size))
    counts = np.empty(len(origins))
    for k, origin in enumerate(origins):
        g = scores[scores["origin"] == origin]
        a = g["probability_projection"].to_numpy(float)[:, None]
        b = g["probability_rounds"].to_numpy(float)[:, None]
        sums[k] = np.log(w * a + (1.0 - w) * b).sum(axis=0)
        counts[k] = len(g)
    picks = rng.integers(0, len(origins), size=(resamples, len(origins)))
    times = np.stack([np.bincount(row, minlength=len(origins)) for row in picks])
    mean_scores = (times @ sums) / (times @ counts)[:, None]
    return WEIGHT_GRID_PCT[_best_index(mean_scores)]


def _independent_windows(origins: Sequence[str], months: int) -> int:
    """Greedy count of scored windows of ``months`` that do not overlap."""
    count, free_from = 0, ""
    for origin in sorted(origins):
        if origin >= free_from:
            count += 1
            free_from = _months_after(origin, months)
    return count


# --- mixtures -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Pooled:
    """Both models' draws sorted together, with each model's cumulative share."""

    values: np.ndarray
    cum_core: np.ndarray
    cum_rounds: np.ndarray

    @classmethod
    def of(cls, core: np.ndarray, rounds_: np.ndarray) -> _Pooled:
        values = np.concatenate([core, rounds_])
        from_core = np.concatenate([np.ones(core.size), np.zeros(rounds_.size)])
        order = np.argsort(values, kind="stable")
        return cls(values[order], np.cumsum(from_core[order]) / core.size,
                   np.cumsum(1.0 - from_core[order]) / rounds_.size)

    def quantiles(self, weight: float, probs: Sequence[float]) -> list[float]:
        cdf = weight * self.cum_core + (1.0 - weight) * self.cum_rounds
        return [float(self.values[min(np.searchsorted(cdf, q - 1e-12), self.values.size - 1)])
                for q in probs]


def mixture_summary(core: np.ndarray, rounds_: np.ndarray, weight_pct: float,
                    level_pct: float, low: float = study.CLAIM_LOW,
                    high: float = study.CLAIM_HIGH, *, _pooled: _Pooled | None = None
                    ) -> dict[str, float]:
    """Exact summary of the mixture ``w · core + (1 − w) · rounds`` of two sets of draws.

    Each projection draw carries mass ``w / n_core``, each rounds draw ``(1 − w) / n_rounds``,
    so the probabilities are exactly linear in the weight.

    Args:
        core: Draws of the projection core.
        rounds_: Draws of the layoff-rounds model.
        weight_pct: Weight of the projection core, %.
        level_pct: Central interval level, %.
        low: Lower end of the claimed range (inclusive).
        high: Upper end of the claimed range (inclusive).

    Returns:
        ``median, lower, upper, level_pct, prob_below, prob_inside, prob_above``.
    """
    if not 0.0 <= weight_pct <= 100.0:
        raise ValueError(f"weight_pct must lie in [0, 100], got {weight_pct!r}")
    a, b = np.asarray(core, float), np.asarray(rounds_, float)
    w = weight_pct / 100.0
    below = w * np.mean(a < low) + (1.0 - w) * np.mean(b < low)
    above = w * np.mean(a > high) + (1.0 - w) * np.mean(b > high)
    inside = w * np.mean((a >= low) & (a <= high)) + (1.0 - w) * np.mean((b >= low) & (b <= high))
    tail = (100.0 - level_pct) / 200.0
    pooled = _pooled or _Pooled.of(a, b)
    lo, med, hi = pooled.quantiles(w, [tail, 0.5, 1.0 - tail])
    return {"median": med, "lower": lo, "upper": hi, "level_pct": float(level_pct),
            "prob_below": float(below), "prob_inside": float(inside),
            "prob_above": float(above)}


def mixture_quantiles(core: np.ndarray, rounds_: np.ndarray, weight_pct: float,
                      levels: Sequence[float]) -> np.ndarray:
    """Exact quantiles of the mixture ``w · core + (1 − w) · rounds``, as in mixture_summary.

    ``levels`` are probabilities in (0, 1).
    """
    if not 0.0 <= weight_pct <= 100.0:
        raise ValueError(f"weight_pct must lie in [0, 100], got {weight_pct!r}")
    pooled = _Pooled.of(np.asarray(core, float), np.asarray(rounds_, float))
    return np.asarray(pooled.quantiles(weight_pct / 100.0, list(levels)), dtype=float)


def mixture_summary_and_quantiles(core: np.ndarray, rounds_: np.ndarray, weight_pct: float,
                                  level_pct: float, levels: Sequence[float]
                                  ) -> tuple[dict[str, float], np.ndarray]:
    """:func:`mixture_summary` and :func:`mixture_quantiles` of the same draws, sorted once."""
    pooled = _Pooled.of(np.asarray(core, float), np.asarray(rounds_, float))
    summary = mixture_summary(core, rounds_, weight_pct, level_pct, _pooled=pooled)
    return summary, np.asarray(pooled.quantiles(weight_pct / 100.0, list(levels)), dtype=float)


def weight_curve(draws: pd.DataFrame, level_pct: float,
                 weights_pct: Sequence[float] = tuple(range(0, 101, 5))) -> pd.DataFrame:
    """The headline as a function of the weight on the projection core, both readings.

    Args:
        draws: Headline draws with ``projection_<r>`` and ``rounds_<r>`` for each reading.
        level_pct: Central interval level, %.
        weights_pct: Weights to evaluate, %.

    Returns:
        One row per weight and reading: ``weight_pct``, ``reading``, ``reading_label``, and
        the :func:`mixture_summary` columns.
    """
    rows = []
    for reading in study.READINGS:
        core = draws[f"projection_{reading}"].to_numpy(float)
        rnd = draws[f"rounds_{reading}"].to_numpy(float)
        pooled = _Pooled.of(core, rnd)
        for w in weights_pct:
            rows.append({"weight_pct": float(w), "reading": reading,
                         "reading_label": study.READING_LABELS[reading],
                         **mixture_summary(core, rnd, float(w), level_pct, _pooled=pooled)})
    return pd.DataFrame(rows)


def widened_summary(draws: pd.DataFrame, weight_interval_pct: tuple[float, float],
                    level_pct: float) -> pd.DataFrame:
    """The headline's spread over the weight's bootstrap interval, per reading.

    Args:
        draws: Headline draws (see :func:`weight_curve`).
        weight_interval_pct: (low, high) weights, %.
        level_pct: Central interval level, %.

    Returns:
        One row per reading: ``reading``, ``prob_inside_low``, ``prob_inside_high`` (the range
        of the chance inside the claimed range over the weight interval; P is linear in the
        weight, so the ends are attained at the interval's ends), ``lower`` (the lowest lower
        bound) and ``upper`` (the highest upper bound) of the central interval over the
        weights in whole points between the ends.
    """
    lo_w, hi_w = weight_interval_pct
    grid = np.unique(np.concatenate([[lo_w, hi_w], np.arange(np.ceil(lo_w), hi_w)]))
    curve = weight_curve(draws, level_pct, grid)
    rows = []
    for reading, part in curve.groupby("reading", sort=False):
        rows.append({"reading": reading, "prob_inside_low": float(part["prob_inside"].min()),
                     "prob_inside_high": float(part["prob_inside"].max()),
                     "lower": float(part["lower"].min()), "upper": float(part["upper"].max())})
    return pd.DataFrame(rows)


# --- the backtest -------------------------------------------------------------------------------


@dataclass(frozen=True)
class HeadlineBacktest:
    """Result of :func:`run_headline_backtest`.

    Attributes:
        scores: One row per origin, horizon and model: ``origin``, ``horizon_months``,
            ``window_end``, ``model``, ``model_label``, ``outcome``, ``undisclosed_rounds``,
            and the :func:`score_draws` columns.
        pairs: One row per scored origin and horizon: ``origin``, ``horizon_months``,
            ``outcome``, ``probability_projection``, ``probability_rounds``.
        fitted_weight_pct: Stacking weight on all origins, %.
        bootstrap_weights_pct: Weights refitted on resampled origins, %.
        weight_pct: Bagged weight (mean of the bootstrap weights), rounded to a whole point:
            the headline's default.
        weight_interval_pct: (low, high) central :data:`WEIGHT_INTERVAL_PCT` % interval of the
            bootstrap weights.
        independent_windows: Non-overlapping 12-month windows scored.
        too_short: Whether history is too short to tell (see the module docstring).
        origins: Origins scored.
        forecasts: The draws behind every score: ``(origin, horizon_months, model)`` to
            an array (for :func:`bin_width_sensitivity` and the PIT chart).
    """

    scores: pd.DataFrame
    pairs: pd.DataFrame
    fitted_weight_pct: float
    bootstrap_weights_pct: np.ndarray
    weight_pct: float
    weight_interval_pct: tuple[float, float]
    independent_windows: int
    too_short: bool
    origins: tuple[str, ...]
    forecasts: Mapping[tuple[str, int, str], np.ndarray]

    def model_table(self) -> pd.DataFrame:
        """Per model and horizon: windows, mean log score, 50%/80% coverage, mean PIT."""
        return coverage_table(self.scores)

    def mixture_log_score(self, weight_pct: float) -> float:
        """Mean log score of the mixture at ``weight_pct`` over the scored pairs."""
        w = weight_pct / 100.0
        mix = w * self.pairs["probability_projection"] + (1 - w) * self.pairs[
            "probability_rounds"]
        return float(np.mean(np.log(mix.to_numpy(float))))


def coverage_table(scores: pd.DataFrame) -> pd.DataFrame:
    """Summarise :attr:`HeadlineBacktest.scores` per model and horizon."""
    rows = []
    for (label, months), part in scores.groupby(["model_label", "horizon_months"], sort=False):
        rows.append({"model_label": label, "horizon_months": int(months),
                     "windows": len(part), "mean_log_score": float(part["log_score"].mean()),
                     "coverage_50": float(part["inside_50"].mean()),
                     "coverage_80": float(part["inside_80"].mean()),
                     "mean_pit": float(part["pit"].mean())})
    return pd.DataFrame(rows)


def _origin_params(p: Params, origin: str, draws: int, seed: int) -> Params:
    return validate({**p.to_dict(), "as_of": origin, "mc_draws": draws, "seed": seed},
                    scenario=p.scenario)


def forecast_at_origin(p: Params, families: pd.DataFrame, events: pd.DataFrame, origin: str,
                       draws: int, seed: int) -> dict[str, dict[int, np.ndarray]]:
    """Both models' draws of the cuts in the 12 and 24 months after ``origin``.

    Only rows announced on or before ``origin`` are passed to either model.

    Args:
        p: The build's parameters (its ``as_of`` sets the projection core's date shift).
        families: Job families.
        events: Layoff rounds (any rows; later ones are dropped here).
        origin: The past cut-off (ISO).
        draws: Draws per model.
        seed: Seed of this origin (the rounds model uses ``seed + 1``).

    Returns:
        ``{"projection": {12: draws, 24: draws}, "rounds": {...}}``.
    """
    known = headline.rounds_known_at(events, origin)
    ends = {m: _months_after(origin, m) for m in HORIZONS_MONTHS}
    shift = (dt.date.fromisoformat(p.as_of) - dt.date.fromisoformat(origin)).days
    calendar = projection.Calendar(
        further_after=origin, readings=tuple((f"{m}m", ends[m]) for m in HORIZONS_MONTHS),
        shift_days=shift, horizon_end=ends[max(HORIZONS_MONTHS)])
    # Only the further cuts are read: the lean path of the same simulation.
    cuts = projection.further_cuts_draws(_origin_params(p, origin, draws, seed), families,
                                         headline.sized_rounds(known), calendar=calendar)
    short, long_ = min(HORIZONS_MONTHS), max(HORIZONS_MONTHS)
    sim = rounds.simulate_further_cuts(
        known, origin, horizon_end=ends[long_], draws=draws, seed=(seed + 1) % 2**32,
        history_start=p.rounds_history_start, interim_end=ends[short], further_after=origin)
    return {
        "projection": {m: np.asarray(cuts[f"{m}m"], float) for m in HORIZONS_MONTHS},
        "rounds": {short: sim["further_roles_to_interim"].to_numpy(float),
                   long_: sim["further_roles_to_horizon"].to_numpy(float)},
    }


def run_headline_backtest(params: Mapping[str, Any] | Params, families: pd.DataFrame,
                          events: pd.DataFrame, *, draws: int | None = None,
                          resamples: int = BOOTSTRAP_RESAMPLES) -> HeadlineBacktest:
    """Run both headline models from every past origin, score them and fit the weight.

    Args:
        params: The build's parameters (``as_of`` is the evaluation cut-off; ``seed`` seeds
            every stream; ``rounds_history_start`` and the projection assumptions apply).
        families: Job families.
        events: Layoff rounds; rows after ``as_of`` are ignored.
        draws: Draws per model and origin (default ``min(mc_draws, BACKTEST_DRAWS)``).
        resamples: Bootstrap resamples of the origins.

    Returns:
        A :class:`HeadlineBacktest`.

    Raises:
        ValueError: No origin can be scored (``as_of`` too early or ``rounds_history_start``
            too late).
    """
    p = params if isinstance(params, Params) else validate(dict(params))
    n = int(draws or min(p.mc_draws, BACKTEST_DRAWS))
    events = headline.rounds_known_at(events, p.as_of)
    origins = backtest_origins(p.as_of, p.rounds_history_start)
    if not origins:
        raise ValueError(f"parameter 'as_of': {p.as_of} leaves no backtest origin with a closed "
                         f"12-month window after {FIRST_ORIGIN} and rounds_history_start")
    rows, pairs, kept = [], [], {}
    for k, origin in enumerate(origins):
        seed = (p.seed + _SEED_BASE + 10 * k) % 2**32
        forecast = forecast_at_origin(p, families, events, origin, n, seed)
        for months in HORIZONS_MONTHS:
            end = _months_after(origin, months)
            if end > p.as_of:
                continue
            outcome, undisclosed = realised_cuts(events, origin, end)
            pair = {"origin": origin, "horizon_months": months, "outcome": outcome}
            for model, label in MODELS:
                s = score_draws(forecast[model][months], outcome)
                rows.append({"origin": origin, "horizon_months": months, "window_end": end,
                             "model": model, "model_label": label, "outcome": outcome,
                             "undisclosed_rounds": undisclosed, **s})
                pair[f"probability_{model}"] = s["probability"]
                kept[(origin, months, model)] = forecast[model][months]
            pairs.append(pair)
    scores, pair_frame = pd.DataFrame(rows), pd.DataFrame(pairs)
    fitted = fit_stacking_weight(pair_frame["probability_projection"],
                                 pair_frame["probability_rounds"])
    boot = bootstrap_weights(pair_frame, resamples, (p.seed + _SEED_BASE - 1) % 2**32)
    tail = (100.0 - WEIGHT_INTERVAL_PCT) / 2.0
    lo, hi = (float(v) for v in np.percentile(boot, [tail, 100.0 - tail]))
    scored = sorted(pair_frame.loc[pair_frame["horizon_months"] == min(HORIZONS_MONTHS),
                                   "origin"])
    independent = _independent_windows(scored, min(HORIZONS_MONTHS))
    too_short = independent < MIN_INDEPENDENT_WINDOWS or (hi - lo) > MAX_WEIGHT_INTERVAL_PCT
    return HeadlineBacktest(
        scores=scores, pairs=pair_frame, fitted_weight_pct=fitted,
        bootstrap_weights_pct=boot, weight_pct=float(np.round(boot.mean())),
        weight_interval_pct=(lo, hi), independent_windows=independent, too_short=too_short,
        origins=tuple(origins), forecasts=kept)


def bin_width_sensitivity(backtest: HeadlineBacktest,
                          widths_roles: Sequence[float] = (1_000.0, 2_500.0, 5_000.0, 10_000.0)
                          ) -> pd.DataFrame:
    """Refit the stacking weight with other bin widths of the log score.

    Args:
        backtest: A finished backtest (its stored draws are rescored).
        widths_roles: Bin widths to try.

    Returns:
        One row per width: ``bin_width_roles``, ``fitted_weight_pct``,
        ``log_score_projection`` and ``log_score_rounds`` (means over the scored pairs).
    """
    rows = []
    for width in widths_roles:
        probs = {m: [binned_probability(backtest.forecasts[(o, h, m)], y, width)
                     for o, h, y in backtest.pairs[["origin", "horizon_months", "outcome"]]
                     .itertuples(index=False)] for m, _ in MODELS}
        rows.append({"bin_width_roles": float(width),
                     "fitted_weight_pct": fit_stacking_weight(probs["projection"],
                                                              probs["rounds"]),
                     "log_score_projection": float(np.mean(np.log(probs["projection"]))),
                     "log_score_rounds": float(np.mean(np.log(probs["rounds"])))})
    return pd.DataFrame(rows)

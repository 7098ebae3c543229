"""Corporate layoff rounds: how often they come, how big they are, and what may still come.

A round is one announced corporate reduction (``announced``, ``roles_low``, ``roles_high``,
``roles_mid``, ``is_corporate``). Rounds are split into *large* (``roles_mid`` at least
``large_threshold_roles``, default 1,000) and *small*.

* Frequency: rounds per quarter, a Poisson GLM with log link and the quarter's exposure
  (partial first and last quarters count by their share of days); a negative-binomial GLM
  replaces it when the Pearson dispersion exceeds 1.5.
* Size: bootstrap of the historical round sizes of each class.
* Simulation: the rate of each class is drawn from its Jeffreys posterior,
  ``Gamma(k + 1/2, 1 / T)`` (k rounds in T quarters), which carries the uncertainty of the
  rate into the draws; counts are Poisson in the remaining time; each simulated round takes
  the size of a resampled historical round, drawn uniformly between its low and high figure.

"Further cuts" (DESIGN §5) are corporate roles announced after 28 Oct 2025. The observed
part (announced after that date and on or before ``as_of``) is counted exactly from
``roles_mid`` (or the one bound given); only the part after ``as_of`` is simulated and added
to it. Which rows count is the one rule of :func:`analysis.data.layoff_rounds.corporate_rounds`:
rows counted inside a later round (``included_in_round_id`` set) are skipped; a round of
undisclosed size counts as a small round for the frequency and adds no roles.
"""

from __future__ import annotations

import datetime as dt
import math
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.data.layoff_rounds import corporate_rounds
from analysis.study import FURTHER_AFTER

__all__ = [
    "FURTHER_AFTER",
    "fit_round_frequency",
    "history_rounds",
    "rounds_per_quarter",
    "simulate_further_cuts",
    "summarise_further_cuts",
]

DAYS_PER_QUARTER = 365.25 / 4.0
# Pearson dispersion above which the negative-binomial GLM replaces the Poisson one.
NEGBIN_DISPERSION_THRESHOLD = 1.5
SIM_COLUMNS = ["draw", "observed_roles_to_interim", "observed_roles_to_horizon",
               "further_roles_to_interim", "further_roles_to_horizon"]


def _ts(day: str | dt.date) -> pd.Timestamp:
    return pd.Timestamp(dt.date.fromisoformat(day) if isinstance(day, str) else day)


def history_rounds(rounds: pd.DataFrame, as_of: str, history_start: str,
                   large_threshold_roles: float = 1_000.0) -> pd.DataFrame:
    """Return the corporate rounds announced from ``history_start`` up to ``as_of``.

    Args:
        rounds: Layoff rounds (see module docstring).
        as_of: Cut-off (ISO date), inclusive.
        history_start: First date of the history (ISO), inclusive.
        large_threshold_roles: Rounds with ``roles_mid`` at or above this are large.

    Returns:
        Columns ``announced, roles_low, roles_high, roles, size_class`` sorted by date.
        ``roles`` is the point size (``roles_mid``, else the one bound given; NaN if not
        disclosed); ``size_class`` is ``"large"`` or ``"small"`` (undisclosed sizes count as
        small rounds).
    """
    corporate = corporate_rounds(rounds)
    announced = pd.to_datetime(corporate["announced"])
    keep = (announced >= _ts(history_start)) & (announced <= _ts(as_of))
    out = corporate.loc[keep, ["announced", "roles_low", "roles_high"]].copy()
    out["announced"] = pd.to_datetime(out["announced"])
    out["roles"] = corporate.loc[keep, "roles_mid"]
    out["size_class"] = np.where(out["roles"] >= large_threshold_roles, "large", "small")
    return out.sort_values("announced", kind="stable").reset_index(drop=True)


def rounds_per_quarter(rounds: pd.DataFrame, as_of: str, history_start: str,
                       large_threshold_roles: float = 1_000.0) -> pd.DataFrame:
    """Count large and small corporate rounds per calendar quarter.

    Args:
        rounds: Layoff rounds.
        as_of: Cut-off (ISO date).
        history_start: First date of the history (ISO).
        large_threshold_roles: Threshold between small and large rounds.

    Returns:
        Columns ``period`` (``"2023Q1"``), ``large_rounds``, ``small_rounds``,
        ``exposure_quarters`` (share of the quarter inside the history window).
    """
    start, end = _ts(history_start), _ts(as_of)
    if end < start:
        raise ValueError("as_of is before history_start")
    hist = history_rounds(rounds, as_of, history_start, large_threshold_roles)
    quarters = pd.period_range(start.to_period("Q"), end.to_period("Q"), freq="Q")
    q_of = hist["announced"].dt.to_period("Q")
    rows = []
    for q in quarters:
        first = max(q.start_time.normalize(), start)
        last = min(q.end_time.normalize(), end)
        days_in = (last - first).days + 1
        days_all = (q.end_time.normalize() - q.start_time.normalize()).days + 1
        in_q = hist["size_class"][q_of == q]
        rows.append({"period": str(q), "large_rounds": int((in_q == "large").sum()),
                     "small_rounds": int((in_q == "small").sum()),
                     "exposure_quarters": days_in / days_all})
    return pd.DataFrame(rows)


def fit_round_frequency(rounds: pd.DataFrame, as_of: str, history_start: str,
                        large_threshold_roles: float = 1_000.0, interval_level_pct: float = 80,
                        bootstrap_draws: int = 2_000, seed: int = 0) -> pd.DataFrame:
    """Estimate the rate and the size of large and small corporate rounds.

    Args:
        rounds: Layoff rounds.
        as_of: Cut-off (ISO date).
        history_start: First date of the history (ISO).
        large_threshold_roles: Threshold between small and large rounds.
        interval_level_pct: Level of the intervals, %.
        bootstrap_draws: Resamples for the interval of the mean round size.
        seed: Seed of the bootstrap.

    Returns:
        One row per size class: ``size_class, rounds, exposure_quarters, rate_per_quarter,
        rate_lower, rate_upper, rounds_per_year, dispersion, mean_size_roles, size_lower,
        size_upper, level, model``. A class without rounds has rate 0 and an exact
        (Garwood) upper bound.
    """
    level = interval_level_pct / 100.0
    table = rounds_per_quarter(rounds, as_of, history_start, large_threshold_roles)
    hist = history_rounds(rounds, as_of, history_start, large_threshold_roles)
    rng = np.random.default_rng(seed)
    rows = []
    for size_class in ("large", "small"):
        counts = table[f"{size_class}_rounds"].to_numpy(dtype=float)
        exposure = table["exposure_quarters"].to_numpy(dtype=float)
        rate, lo, hi, disp, model = _glm_rate(counts, exposure, level)
        sizes = hist.loc[hist["size_class"] == size_class, "roles"].dropna().to_numpy(
            dtype=float)
        if sizes.size:
            boot = rng.choice(sizes, size=(bootstrap_draws, sizes.size)).mean(axis=1)
            s_lo, s_hi = np.quantile(boot, [0.5 - level / 2.0, 0.5 + level / 2.0])
            mean_size = float(sizes.mean())
        else:
            mean_size = s_lo = s_hi = math.nan
        rows.append({"size_class": size_class, "rounds": int(counts.sum()),
                     "exposure_quarters": float(exposure.sum()), "rate_per_quarter": rate,
                     "rate_lower": lo, "rate_upper": hi, "rounds_per_year": 4.0 * rate,
                     "dispersion": disp, "mean_size_roles": mean_size,
                     "size_lower": float(s_lo), "size_upper": float(s_hi), "level": level,
                     "model": model})
    return pd.DataFrame(rows)


def _glm_rate(counts: np.ndarray, exposure: np.ndarray, level: float
              ) -> tuple[float, float, float, float, str]:
    """Intercept-only count GLM with exposure: (rate, lower, upper, dispersion, model)."""
    import statsmodels.api as sm

    total, time = counts.sum(), exposure.sum()
    if total == 0:
        # no rounds: the GLM intercept is -inf, so use the exact one-sided Poisson bound
        from scipy import stats  # imported where used: scipy takes a second to import
        return 0.0, 0.0, float(stats.chi2.ppf(level, 2) / (2 * time)), math.nan, \
            "no rounds: exact Poisson upper bound"
    x = np.ones((counts.size, 1))
    offset = np.log(exposure)
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        res = sm.GLM(counts, x, family=sm.families.Poisson(), offset=offset).fit()
        dispersion = float(res.pearson_chi2 / res.df_resid) if res.df_resid > 0 else math.nan
        model = "Poisson GLM, log link, exposure offset"
        if math.isfinite(dispersion) and dispersion > NEGBIN_DISPERSION_THRESHOLD:
            # method-of-moments NB2 alpha from the per-quarter rates
            mu = total / time * exposure
            alpha = max(float(np.sum((counts - mu) ** 2 - counts) / np.sum(mu**2)), 1e-6)
            res = sm.GLM(counts, x, family=sm.families.NegativeBinomial(alpha=alpha),
                         offset=offset).fit()
            model = f"negative-binomial GLM (alpha {alpha:.2f}), log link, exposure offset"
        ci = res.conf_int(alpha=1.0 - level)
    return (float(np.exp(res.params[0])), float(np.exp(ci[0, 0])), float(np.exp(ci[0, 1])),
            dispersion, model)


def simulate_further_cuts(rounds: pd.DataFrame, as_of: str, horizon_end: str = "2027-12-31",
                          draws: int = 20_000, seed: int = 20251028,
                          history_start: str = "2022-11-01", *,
                          interim_end: str = "2026-12-31", further_after: str = FURTHER_AFTER,
                          large_threshold_roles: float = 1_000.0) -> pd.DataFrame:
    """Simulate the total further corporate cuts to ``interim_end`` and ``horizon_end``.

    The two cut-off dates are the two readings of "by 2027": before 1 Jan 2027
    (``interim_end`` = 31 Dec 2026) and by 31 Dec 2027 (``horizon_end``). Each total is the
    observed further cuts announced after ``further_after`` and up to
    ``min(as_of, cut-off)``, plus simulated rounds between ``as_of`` and the cut-off.
    Fully vectorised; the same seed gives the same draws.

    Args:
        rounds: Layoff rounds.
        as_of: Data cut-off (ISO date).
        horizon_end: Last day of the projection (ISO).
        draws: Number of draws.
        seed: Seed of the generator.
        history_start: First date of the history that sets rates and sizes (ISO).
        interim_end: Earlier cut-off reported alongside ``horizon_end`` (ISO).
        further_after: Announcements after this date count as further cuts (ISO).
        large_threshold_roles: Threshold between small and large rounds.

    Returns:
        Columns ``draw, observed_roles_to_interim, observed_roles_to_horizon,
        further_roles_to_interim, further_roles_to_horizon`` (roles, float), one row per
        draw; ``further_*`` are the totals (observed plus simulated).
    """
    if draws < 1:
        raise ValueError("draws must be at least 1")
    cut, t_int, t_end = _ts(as_of), _ts(interim_end), _ts(horizon_end)
    if t_int > t_end:
        raise ValueError("interim_end is after horizon_end")
    rng = np.random.default_rng(seed)
    hist = history_rounds(rounds, as_of, history_start, large_threshold_roles)
    exposure_q = ((cut - _ts(history_start)).days + 1) / DAYS_PER_QUARTER
    if exposure_q <= 0:
        raise ValueError("as_of is before history_start")

    corporate = corporate_rounds(rounds)
    announced = pd.to_datetime(corporate["announced"])
    after = announced > _ts(further_after)
    sizes = corporate["roles_mid"].fillna(0.0)  # an undisclosed size adds nothing

    def observed_to(end: pd.Timestamp) -> float:
        return float(sizes[after & (announced <= min(cut, end))].sum())

    # quarters still to simulate: (as_of, interim] and (interim, horizon] as independent pieces
    gap_1 = max((t_int - cut).days, 0) / DAYS_PER_QUARTER
    gap_2 = max((t_end - max(cut, t_int)).days, 0) / DAYS_PER_QUARTER
    part_1 = np.zeros(draws)
    part_2 = np.zeros(draws)
    for size_class in ("large", "small"):
        members = hist[hist["size_class"] == size_class]
        pool = members[members["roles"].notna()]
        rate = rng.gamma(len(members) + 0.5, 1.0 / exposure_q, size=draws)
        n_1 = rng.poisson(rate * gap_1)
        n_2 = rng.poisson(rate * gap_2)
        if pool.empty:
            continue  # no size history for this class: it cannot contribute
        part_1 += _sum_sizes(rng, pool, n_1)
        part_2 += _sum_sizes(rng, pool, n_2)
    seen_int, seen_end = observed_to(t_int), observed_to(t_end)
    return pd.DataFrame({
        "draw": np.arange(draws),
        "observed_roles_to_interim": seen_int,
        "observed_roles_to_horizon": seen_end,
        "further_roles_to_interim": seen_int + part_1,
        "further_roles_to_horizon": seen_end + part_1 + part_2,
    }, columns=SIM_COLUMNS)


def _sum_sizes(rng: np.random.Generator, pool: pd.DataFrame, counts: np.ndarray) -> np.ndarray:
    """Sum ``counts[i]`` resampled round sizes for every draw ``i`` (no Python loop)."""
    total = int(counts.sum())
    if total == 0:
        return np.zeros(counts.size)
    mid = pool["roles"].to_numpy(dtype=float)
    low = pool["roles_low"].to_numpy(dtype=float)
    high = pool["roles_high"].to_numpy(dtype=float)
    low = np.where(np.isfinite(low), low, mid)
    high = np.where(np.isfinite(high), np.maximum(high, low), np.maximum(mid, low))
    pick = rng.integers(0, mid.size, size=total)
    sizes = rng.uniform(low[pick], high[pick])
    owner = np.repeat(np.arange(counts.size), counts)
    return np.bincount(owner, weights=sizes, minlength=counts.size)


def summarise_further_cuts(sim: pd.DataFrame, interim_end: str = "2026-12-31",
                           horizon_end: str = "2027-12-31",
                           band_roles: Sequence[float] = (20_000.0, 35_000.0),
                           interval_level_pct: float = 80) -> pd.DataFrame:
    """Summarise simulated further cuts for both readings of the horizon.

    Args:
        sim: Output of :func:`simulate_further_cuts`.
        interim_end: Date of the interim cut-off (label only).
        horizon_end: Date of the horizon (label only).
        band_roles: (low, high) range of the claim under test, inclusive.
        interval_level_pct: Central interval level, %.

    Returns:
        One row per reading: ``reading, cutoff, observed_roles, median_roles, lower_roles,
        upper_roles, level, p_in_band, p_below_band, p_above_band``.
    """
    level = interval_level_pct / 100.0
    low, high = band_roles
    rows = []
    for suffix, cutoff in (("interim", interim_end), ("horizon", horizon_end)):
        reading = f"announced by {_ts(cutoff).day} {_ts(cutoff):%b %Y}"
        x = sim[f"further_roles_to_{suffix}"].to_numpy(dtype=float)
        q_lo, q_mid, q_hi = np.quantile(x, [0.5 - level / 2.0, 0.5, 0.5 + level / 2.0])
        rows.append({"reading": reading, "cutoff": cutoff,
                     "observed_roles": float(sim[f"observed_roles_to_{suffix}"].iloc[0]),
                     "median_roles": float(q_mid), "lower_roles": float(q_lo),
                     "upper_roles": float(q_hi), "level": level,
                     "p_in_band": float(np.mean((x >= low) & (x <= high))),
                     "p_below_band": float(np.mean(x < low)),
                     "p_above_band": float(np.mean(x > high))})
    return pd.DataFrame(rows)

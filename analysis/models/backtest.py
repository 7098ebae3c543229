"""Nested rolling-origin backtest of the annual forecasts (capex and headcount).

The record comes from :func:`analysis.models.forecast.forecast_series` itself: at every origin year
end the whole procedure (candidate forecasts, nested selection against the naive drift,
split-conformal calibration of the intervals) is re-run with only what was known then, so
the backtest scores exactly the procedure the pages publish. Each origin's forecasts
1..``max(horizons)`` years ahead are compared with what Amazon later reported, next to the
naive drift benchmark with intervals calibrated the same way. Frames are tidy, with int
years, so a page can chart them directly.

Scores (:mod:`analysis.models.scoring`): MAPE and the mean absolute log error (MAE of
``log(actual / forecast)``), skill against the naive drift ``1 - MAE / MAE_naive`` on the same
targets, coverage of each interval level, and the interval (Winkler) score on the log scale,
so that it is unit-free and comparable across series.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.models import scoring
from analysis.models.forecast import (
    ANNUAL_CANDIDATES,
    CAPEX_CANDIDATES,
    DEFAULT_INTERVAL_METHOD,
    INTERVAL_METHODS,
    Candidate,
    annual_guidance_lookup,
    annual_series,
    forecast_series,
)

__all__ = ["CALIBRATION_LEVELS_PCT", "DEFAULT_SERIES", "LEVELS_PCT", "BacktestResult",
           "backtest_annual", "backtest_series", "calibration_curve", "compare_interval_methods"]

DEFAULT_SERIES = {"capex_gross_usd_m": "Gross capex", "employees_year_end": "Employees"}
LEVELS_PCT: tuple[int, ...] = (50, 80)  # interval levels the backtest scores, %
#: Nominal levels of the calibration chart (observed against nominal coverage).
CALIBRATION_LEVELS_PCT: tuple[int, ...] = (10, 20, 30, 40, 50, 60, 70, 80, 90)


@dataclass(frozen=True)
class BacktestResult:
    """Forecasts against outcomes, and their summary.

    Attributes:
        detail: One row per series, origin, horizon and method (``"model"``: the published
            procedure; ``"naive"``: the naive drift): ``series, column, origin, horizon,
            target_year, method, model, actual, mean, lower_<L>, upper_<L>`` for each level
            ``L`` in percent, ``error_pct`` (forecast / actual - 1, %), ``log_error``
            (log(actual / forecast)), ``covered_<L>`` (nullable boolean; missing where the
            actual is not known yet) and ``interval_score_<L>`` (log scale).
        summary: One row per series, horizon and method: ``series, horizon, method, n,
            mape_pct, mae_log, coverage_<L>, nominal_<L>, interval_score_<L>,
            skill_vs_naive, naive_used`` (share of origins at which the procedure used the
            naive drift).
        calibration: Observed against nominal coverage, pooled over series and horizons and
            per series: ``series`` (``"all"`` for the pool), ``nominal_pct, observed_pct,
            covered, n``.
    """

    detail: pd.DataFrame
    summary: pd.DataFrame
    calibration: pd.DataFrame


def backtest_series(annual: pd.DataFrame, column: str, first_origin: int = 2019,
                    last_origin: int = 2024, horizons: Sequence[int] = (1, 2),
                    levels_pct: Sequence[int] = LEVELS_PCT,
                    candidates: Sequence[Candidate] | None = None,
                    label: str | None = None, as_of: str | None = None,
                    guidance: pd.DataFrame | None = None,
                    interval_method: str = DEFAULT_INTERVAL_METHOD) -> pd.DataFrame:
    """Return the detail rows of the backtest of one annual column.

    Args:
        annual: Wide annual frame (actuals are read from it, up to ``as_of``).
        column: Column to backtest.
        first_origin: First origin year (forecasts made with data to 31 Dec of that year).
        last_origin: Last origin year.
        horizons: Years ahead.
        levels_pct: Interval levels, %.
        candidates: Models to try (default: the annual set, plus the guidance-anchored path
            for capex when ``guidance`` is given).
        label: Series name shown on pages (default: the column name).
        as_of: Data cut-off (default: 31 Dec of the last year in ``annual``); guidance counts
            at each origin as it stood at the same point of the following year.
        guidance: Capex guidance table (only used for ``capex_gross_usd_m``).
        interval_method: How intervals are calibrated (see
            :data:`analysis.models.forecast.INTERVAL_METHODS`).

    Returns:
        Detail frame as in :class:`BacktestResult`.
    """
    if last_origin < first_origin:
        raise ValueError("last_origin is before first_origin")
    as_of = as_of or f"{int(annual['year'].max())}-12-31"
    y = annual_series(annual, column, as_of).dropna()
    capex = column == "capex_gross_usd_m" and guidance is not None
    if candidates is None:
        candidates = CAPEX_CANDIDATES if capex else ANNUAL_CANDIDATES
    guide = annual_guidance_lookup(guidance, as_of, int(y.index[-1])) if capex else None
    res = forecast_series(y, max(horizons), "Y", levels_pct, candidates, guide,
                          interval_method)
    rec = res.record
    if rec.empty:
        return pd.DataFrame()
    rec = rec[rec["origin"].between(first_origin, last_origin) & rec["horizon"].isin(horizons)]
    detail = pd.DataFrame({
        "series": label or column, "column": column,
        "origin": rec["origin"].astype("int64").to_numpy(),
        "horizon": rec["horizon"].astype("int64").to_numpy(),
        "target_year": rec["target"].astype("int64").to_numpy(),
        "method": rec["method"].to_numpy(), "model": rec["model"].to_numpy(),
        "actual": rec["actual"].to_numpy(dtype=float), "mean": rec["mean"].to_numpy(dtype=float),
    })
    for lv in levels_pct:
        detail[f"lower_{lv}"] = rec[f"lower_{lv}"].to_numpy(dtype=float)
        detail[f"upper_{lv}"] = rec[f"upper_{lv}"].to_numpy(dtype=float)
    detail["error_pct"] = 100.0 * (detail["mean"] / detail["actual"] - 1.0)
    detail["log_error"] = np.log(detail["actual"] / detail["mean"])
    known = detail["actual"].notna()
    for lv in levels_pct:
        inside = (detail["actual"] >= detail[f"lower_{lv}"]) & (
            detail["actual"] <= detail[f"upper_{lv}"])
        detail[f"covered_{lv}"] = pd.array(inside.where(known, None), dtype="boolean")
        score = scoring.interval_score(np.log(detail[f"lower_{lv}"]),
                                       np.log(detail[f"upper_{lv}"]),
                                       np.log(detail["actual"]), lv / 100.0)
        detail[f"interval_score_{lv}"] = np.where(known, score, np.nan)
    return detail.sort_values(["origin", "horizon", "method"], kind="stable").reset_index(
        drop=True)


def backtest_annual(annual: pd.DataFrame, first_origin: int = 2019, last_origin: int = 2024,
                    series: dict[str, str] | None = None, horizons: Sequence[int] = (1, 2),
                    levels_pct: Sequence[int] = LEVELS_PCT,
                    candidates: Sequence[Candidate] | None = None, as_of: str | None = None,
                    guidance: pd.DataFrame | None = None,
                    interval_method: str = DEFAULT_INTERVAL_METHOD) -> BacktestResult:
    """Backtest the annual forecasts of capex and headcount (or other columns).

    Args:
        annual: Wide annual frame.
        first_origin: First origin year (``backtest_first_origin``).
        last_origin: Last origin year (``backtest_last_origin``).
        series: Columns to backtest and their labels (default :data:`DEFAULT_SERIES`).
        horizons: Years ahead.
        levels_pct: Interval levels scored in the summary, %.
        candidates: Models to try (default: as in :func:`backtest_series`).
        as_of: Data cut-off (see :func:`backtest_series`).
        guidance: Capex guidance table.
        interval_method: How intervals are calibrated (see :func:`backtest_series`).

    Returns:
        A :class:`BacktestResult`.
    """
    series = DEFAULT_SERIES if series is None else series
    levels = tuple(sorted(set(levels_pct) | set(CALIBRATION_LEVELS_PCT)))
    parts = [backtest_series(annual, col, first_origin, last_origin, horizons, levels,
                             candidates, label, as_of, guidance, interval_method)
             for col, label in series.items()]
    parts = [p for p in parts if not p.empty]
    detail = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    return BacktestResult(detail=detail, summary=_summarise(detail, levels_pct),
                          calibration=calibration_curve(detail))


def calibration_curve(detail: pd.DataFrame, method: str = "model",
                      levels_pct: Sequence[int] = CALIBRATION_LEVELS_PCT) -> pd.DataFrame:
    """Observed coverage at each nominal level, pooled over series and horizons and per series.

    Args:
        detail: :attr:`BacktestResult.detail` (with ``covered_<L>`` for every level).
        method: ``"model"`` (the published procedure) or ``"naive"``.
        levels_pct: Nominal levels, %.

    Returns:
        Columns ``series, nominal_pct, observed_pct, covered, n``.
    """
    columns = ["series", "nominal_pct", "observed_pct", "covered", "n"]
    if detail.empty:
        return pd.DataFrame(columns=columns)
    d = detail[(detail["method"] == method) & detail["actual"].notna()]
    rows = []
    groups = [("all", d)] + [(str(s), g) for s, g in d.groupby("series", sort=True)]
    for name, g in groups:
        for lv in levels_pct:
            covered = g[f"covered_{lv}"].astype(bool)
            k, n = int(covered.sum()), len(covered)
            rows.append({"series": name, "nominal_pct": float(lv),
                         "observed_pct": 100.0 * k / n if n else math.nan, "covered": k,
                         "n": n})
    return pd.DataFrame(rows, columns=columns)


def _summarise(detail: pd.DataFrame, levels_pct: Sequence[int]) -> pd.DataFrame:
    columns = (["series", "horizon", "method", "n", "mape_pct", "mae_log"]
               + [f"coverage_{lv}" for lv in levels_pct] + [f"nominal_{lv}" for lv in levels_pct]
               + [f"interval_score_{lv}" for lv in levels_pct] + ["skill_vs_naive",
                                                                   "naive_used"])
    if detail.empty:
        return pd.DataFrame(columns=columns)
    known = detail[detail["actual"].notna()]
    rows = []
    for (name, h), g in known.groupby(["series", "horizon"], sort=False):
        model = g[g["method"] == "model"].set_index("origin")
        naive = g[g["method"] == "naive"].set_index("origin").reindex(model.index)
        for method, f in (("model", model), ("naive", naive)):
            row = {"series": name, "horizon": int(h), "method": method, "n": len(f),
                   "mape_pct": float(f["error_pct"].abs().mean()),
                   "mae_log": float(f["log_error"].abs().mean())}
            for lv in levels_pct:
                row[f"coverage_{lv}"] = float(f[f"covered_{lv}"].astype(float).mean())
                row[f"nominal_{lv}"] = lv / 100.0
                row[f"interval_score_{lv}"] = float(f[f"interval_score_{lv}"].mean())
            row["skill_vs_naive"] = scoring.skill_score(f["log_error"].to_numpy(),
                                                        naive["log_error"].to_numpy())
            row["naive_used"] = float((f["model"] == naive["model"]).mean())
            rows.append(row)
    out = pd.DataFrame(rows, columns=columns)
    return out.sort_values(["series", "horizon", "method"], kind="stable").reset_index(drop=True)


def compare_interval_methods(annual: pd.DataFrame, first_origin: int = 2019,
                             last_origin: int = 2024, as_of: str | None = None,
                             guidance: pd.DataFrame | None = None,
                             levels_pct: Sequence[int] = LEVELS_PCT) -> pd.DataFrame:
    """Pooled coverage and interval score of the published procedure under each calibration.

    The point forecasts and model choices do not depend on the calibration, so the rows differ
    only in the width of the intervals. Scores pool both series and all horizons of
    :func:`backtest_annual` (the same outcomes as the calibration chart's thick line).

    Args:
        annual: Wide annual frame.
        first_origin: First origin year.
        last_origin: Last origin year.
        as_of: Data cut-off.
        guidance: Capex guidance table.
        levels_pct: Interval levels, %.

    Returns:
        One row per method (:data:`analysis.models.forecast.INTERVAL_METHODS`, the report's
        first) and level: ``interval_method, level_pct, coverage_pct, covered, n, interval_score``
        (mean, log scale; lower is better).
    """
    order = [DEFAULT_INTERVAL_METHOD] + sorted(set(INTERVAL_METHODS) - {DEFAULT_INTERVAL_METHOD})
    rows = []
    for method in order:
        d = backtest_annual(annual, first_origin, last_origin, levels_pct=levels_pct,
                            as_of=as_of, guidance=guidance, interval_method=method).detail
        known = d[(d["method"] == "model") & d["actual"].notna()] if not d.empty else d
        for lv in levels_pct:
            covered = known[f"covered_{lv}"].astype(bool) if len(known) else pd.Series([])
            n = len(known)
            rows.append({"interval_method": method, "level_pct": int(lv),
                         "coverage_pct": 100.0 * int(covered.sum()) / n if n else math.nan,
                         "covered": int(covered.sum()), "n": n,
                         "interval_score": float(known[f"interval_score_{lv}"].mean())
                         if n else math.nan})
    return pd.DataFrame(rows, columns=["interval_method", "level_pct", "coverage_pct",
                                       "covered", "n", "interval_score"])

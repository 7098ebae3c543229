"""Rolling-origin backtest of the annual forecasts (capex and headcount).

At each origin year end (``backtest_first_origin`` .. ``backtest_last_origin``) the whole
forecasting procedure of :mod:`analysis.forecast` (candidate fits, model choice, fallback)
is re-run on the data up to that year end, and its 1- and 2-year-ahead forecasts and
intervals are compared with what happened. A closed-form random walk with drift on levels
is the naive benchmark. Frames are tidy, with int years, so a page can chart them directly.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.forecast import (
    Candidate,
    annual_series,
    forecast_series,
    naive_drift_forecast,
)

__all__ = ["DEFAULT_SERIES", "BacktestResult", "backtest_annual", "backtest_series"]

DEFAULT_SERIES = {"capex_gross_usd_m": "Gross capex", "employees_year_end": "Employees"}
NAIVE = "naive: random walk with drift"


@dataclass(frozen=True)
class BacktestResult:
    """Forecasts against outcomes, and their summary.

    Attributes:
        detail: One row per series, origin, horizon and method: ``series, column, origin,
            horizon, target_year, method, model, actual, mean, lower_<L>, upper_<L>`` for
            each level ``L`` (e.g. ``lower_80``), ``error_pct`` (forecast / actual - 1, %),
            ``covered_<L>`` (nullable boolean; missing where the actual is not known yet).
        summary: One row per series, horizon and method: ``series, horizon, method, n,
            mape_pct, coverage_<L>, nominal_<L>, skill_vs_naive`` where coverage is the share
            of actuals inside the interval and ``skill_vs_naive = 1 - MAPE / MAPE_naive``
            (positive = better than the naive benchmark).
    """

    detail: pd.DataFrame
    summary: pd.DataFrame


LEVELS_PCT: tuple[int, ...] = (80, 95)  # interval levels the backtest scores, %

def backtest_series(annual: pd.DataFrame, column: str, first_origin: int = 2019,
                    last_origin: int = 2024, horizons: Sequence[int] = (1, 2),
                    levels_pct: Sequence[int] = LEVELS_PCT,
                    candidates: Sequence[Candidate] | None = None,
                    label: str | None = None) -> pd.DataFrame:
    """Return the detail rows of the backtest of one annual column.

    Args:
        annual: Wide annual frame (all years; actuals are read from it).
        column: Column to backtest.
        first_origin: First origin year (forecasts made with data to 31 Dec of that year).
        last_origin: Last origin year.
        horizons: Years ahead.
        levels_pct: Interval levels, %.
        candidates: Models to try (default: the annual set).
        label: Series name shown on pages (default: the column name).

    Returns:
        Detail frame as in :class:`BacktestResult`.
    """
    if last_origin < first_origin:
        raise ValueError("last_origin is before first_origin")
    actual = annual_series(annual, column, "9999-12-31")
    steps = max(horizons)
    rows = []
    for origin in range(first_origin, last_origin + 1):
        y = annual_series(annual, column, f"{origin}-12-31")
        if y.empty or int(y.index[-1]) != origin:
            continue  # origin year not observed: nothing to forecast from
        res = forecast_series(y, steps, "Y", levels_pct, candidates)
        tail = y.to_numpy(dtype=float)
        # per method: the model name and, per level, a frame of mean/lower/upper by horizon
        paths = {
            "model": (res.model, {lv: _by_horizon(res.frame, origin, lv) for lv in levels_pct}),
            "naive": (NAIVE, {lv: naive_drift_forecast(tail[np.isfinite(tail)], steps,
                                                       lv / 100.0).set_axis(range(1, steps + 1))
                              for lv in levels_pct}),
        }
        for h in horizons:
            target = origin + h
            obs = float(actual.get(target, math.nan))
            for method, (model, by_level) in paths.items():
                row = {"series": label or column, "column": column, "origin": origin,
                       "horizon": h, "target_year": target, "method": method, "model": model,
                       "actual": obs, "mean": float(by_level[levels_pct[0]].loc[h, "mean"])}
                for lv in levels_pct:
                    row[f"lower_{lv}"] = float(by_level[lv].loc[h, "lower"])
                    row[f"upper_{lv}"] = float(by_level[lv].loc[h, "upper"])
                rows.append(row)
    detail = pd.DataFrame(rows)
    if detail.empty:
        return detail
    detail["error_pct"] = 100.0 * (detail["mean"] / detail["actual"] - 1.0)
    known = detail["actual"].notna()
    for lv in levels_pct:
        inside = (detail["actual"] >= detail[f"lower_{lv}"]) & (
            detail["actual"] <= detail[f"upper_{lv}"])
        detail[f"covered_{lv}"] = pd.array(inside.where(known, None), dtype="boolean")
    return detail


def _by_horizon(frame: pd.DataFrame, origin: int, level_pct: int) -> pd.DataFrame:
    rows = frame[np.isclose(frame["level"], level_pct / 100.0)]
    return rows.set_index(rows["period"].astype(int) - origin)[["mean", "lower", "upper"]]


def backtest_annual(annual: pd.DataFrame, first_origin: int = 2019, last_origin: int = 2024,
                    series: dict[str, str] | None = None, horizons: Sequence[int] = (1, 2),
                    levels_pct: Sequence[int] = LEVELS_PCT,
                    candidates: Sequence[Candidate] | None = None) -> BacktestResult:
    """Backtest the annual forecasts of capex and headcount (or other columns).

    Args:
        annual: Wide annual frame.
        first_origin: First origin year (``backtest_first_origin``).
        last_origin: Last origin year (``backtest_last_origin``).
        series: Columns to backtest and their labels (default :data:`DEFAULT_SERIES`).
        horizons: Years ahead.
        levels_pct: Interval levels, %.
        candidates: Models to try (default: the annual set).

    Returns:
        A :class:`BacktestResult`.
    """
    series = DEFAULT_SERIES if series is None else series
    parts = [backtest_series(annual, col, first_origin, last_origin, horizons, levels_pct,
                             candidates, label) for col, label in series.items()]
    detail = pd.concat([p for p in parts if not p.empty], ignore_index=True) if any(
        not p.empty for p in parts) else pd.DataFrame()
    return BacktestResult(detail=detail, summary=_summarise(detail, levels_pct))


def _summarise(detail: pd.DataFrame, levels_pct: Sequence[int]) -> pd.DataFrame:
    columns = (["series", "horizon", "method", "n", "mape_pct"]
               + [f"coverage_{lv}" for lv in levels_pct] + [f"nominal_{lv}" for lv in levels_pct]
               + ["skill_vs_naive"])
    if detail.empty:
        return pd.DataFrame(columns=columns)
    known = detail[detail["actual"].notna()]
    rows = []
    for (name, h, method), g in known.groupby(["series", "horizon", "method"], sort=False):
        row = {"series": name, "horizon": int(h), "method": method, "n": len(g),
               "mape_pct": float(g["error_pct"].abs().mean())}
        for lv in levels_pct:
            row[f"coverage_{lv}"] = float(g[f"covered_{lv}"].astype(float).mean())
            row[f"nominal_{lv}"] = lv / 100.0
        rows.append(row)
    out = pd.DataFrame(rows, columns=columns[:-1])
    naive = out[out["method"] == "naive"].set_index(["series", "horizon"])["mape_pct"]
    ref = pd.Series([naive.get((s, h), math.nan) for s, h in zip(out["series"], out["horizon"],
                                                                  strict=True)], index=out.index)
    out["skill_vs_naive"] = 1.0 - out["mape_pct"] / ref
    return out.sort_values(["series", "horizon", "method"], kind="stable").reset_index(drop=True)

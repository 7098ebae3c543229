"""Forecasts of Amazon's capex and headcount that earn their place against a naive benchmark.

Every forecast runs one procedure (DESIGN §3, issue 11):

1. **Candidates.** Small, deterministic point forecasts on the log scale: no change, the naive
   drift (average growth so far: the benchmark), the recent drift, AR(1) growth (statsmodels
   ``AutoReg``, least squares, annual series only) and, for annual capex, a path anchored on
   the company's guidance in force at the origin. None needs an iterative optimizer, so no
   choice depends on whether an optimizer converged on a given machine.
2. **Rolling-origin table.** Each candidate forecasts ``1..steps`` periods ahead from every
   origin (each observed period with at least three observations up to it), with only the data
   up to that origin and only guidance stated by then (for an annual origin ``s``: on or
   before ``as_of`` moved back by the years between ``s`` and the last reported year, so every
   origin sees what the report sees at the same point of the year).
3. **Nested selection.** The choice at origin ``t`` uses only errors of forecasts whose targets
   are on or before ``t``: a candidate is eligible with at least :data:`MIN_CV_ERRORS` such
   errors, and must beat the naive drift's mean absolute log error on the same targets by more
   than :data:`analysis.models.scoring.REL_TOL` (1%); among eligible candidates within that
   tolerance of the best, the simplest wins. Then the selection's own record (its forecasts from
   earlier origins, targets on or before ``t``) must also beat the naive drift by that margin,
   or the naive drift is used and the result says so: :data:`NAIVE_USED`.
4. **Calibrated intervals.** ``log point ± q * sqrt(h)`` with ``q`` from the chosen model's
   own out-of-sample log errors, each divided by ``sqrt(h)`` (the random-walk growth of error
   with the horizon), known at the origin: ``q`` is the split-conformal quantile of the ``n``
   absolute scaled errors, the ``ceil((n + 1) * level)``-th smallest
   (:func:`analysis.models.scoring.conformal_multiplier`; distribution-free, it covers a new
   exchangeable error with probability at least ``level``). Where ``n`` is too small for that
   rank the quantile is unbounded and the multiplier falls back to the larger of the largest
   error and the Student-t interval. Errors are pooled across the horizons of one series,
   because the ``sqrt(h)`` scaling makes them comparable; never across series (capex and
   headcount err differently). The series' own volatility is deliberately not a further
   scale: a shock would then count twice, in the scaled error and in the later, larger scale.
   (A Student-t multiplier, ``t_n((1 + level) / 2) * RMS``, is kept as
   ``interval_method="student_t"`` so the backtest can show what it would have done: it
   assumes normal errors, and the report's errors are flatter than normal, so its 50%
   intervals were too narrow.)

Conventions:
    * Annual periods are ``int`` years; quarterly periods are strings such as ``"2026Q3"``.
      Pandas ``Period`` objects never leave this module (they break chart JSON).
    * ``as_of`` (ISO date) cuts the data: a fiscal year counts once its year end
      (31 Dec) is on or before ``as_of``; a quarter once its ``quarter_end`` is.
    * ``mean`` holds the point forecast, the median of the calibrated predictive distribution
      (the intervals are symmetric on the log scale around it).
    * Corporate headcount is not forecast here: Amazon does not file it, so it is left to the
      projection core, which starts from an estimated base (``corporate_headcount_base``).
"""

from __future__ import annotations

import datetime as dt
import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis import text
from analysis.data.calendar import last_reported_year, reported_annual
from analysis.models import scoring

__all__ = [
    "ANNUAL_CANDIDATES",
    "CAPEX_CANDIDATES",
    "MIN_CV_ERRORS",
    "NAIVE",
    "NAIVE_USED",
    "QUARTERLY_CANDIDATES",
    "Candidate",
    "ForecastResult",
    "RelationResult",
    "annual_guidance_lookup",
    "annual_known_by",
    "annual_series",
    "capex_headcount_relation",
    "forecast_annual",
    "forecast_capex_annual",
    "forecast_capex_guidance",
    "forecast_capex_quarterly",
    "forecast_headcount_annual",
    "forecast_headcount_quarterly",
    "forecast_quarterly",
    "forecast_series",
    "guidance_known",
    "naive_drift_forecast",
    "quarterly_series",
]

FRAME_COLUMNS = ["period", "mean", "lower", "upper", "level", "model"]
CANDIDATE_COLUMNS = ["model", "complexity", "n_cv", "mae_log", "mae_log_naive",
                     "skill_vs_naive", "selected", "note"]
RECORD_COLUMNS = ["origin", "horizon", "target", "method", "model", "actual", "mean", "scale",
                  "multiplier_<L>", "lower_<L>", "upper_<L>"]
MIN_CV_ERRORS = 3  # fewer out-of-sample errors than this: a candidate cannot be chosen
MIN_OBS = 4  # a published forecast needs at least one out-of-sample error to calibrate from
NAIVE = "naive drift (average growth so far)"
NO_CHANGE = "no change (random walk)"
GUIDANCE = "guidance-anchored path"
NAIVE_USED = "naive used: no candidate beat it out of sample"
GuidanceLookup = Callable[[int], float | None]
#: How the interval multiplier is calibrated from out-of-sample scaled errors (issue 11:
#: split-conformal; the Student-t alternative is kept so the backtest can show the difference).
INTERVAL_METHODS: dict[str, Callable[..., float]] = {
    "conformal": scoring.conformal_multiplier,
    "student_t": scoring.student_t_multiplier,
}
DEFAULT_INTERVAL_METHOD = "conformal"


# --- results -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ForecastResult:
    """A forecast with its history, its out-of-sample record and how the model was chosen.

    Attributes:
        frame: Columns ``period, mean, lower, upper, level, model``; one row per future period
            and interval level (``level`` is a fraction, e.g. 0.8). ``mean`` is the point
            forecast (median).
        history: Observed values used: columns ``period, value``.
        model: Name of the model that produced ``frame`` (:data:`NAIVE` when naive won).
        reason: Why this model was used; starts with :data:`NAIVE_USED` when naive won.
        candidates: One row per candidate at the forecast origin: ``model, complexity, n_cv``
            (out-of-sample errors), ``mae_log`` (mean absolute log error), ``mae_log_naive``
            (the benchmark on the same targets), ``skill_vs_naive``, ``selected``, ``note``.
        warnings: Every warning the fits raised, as text (never printed).
        record: The procedure re-run at every earlier origin (nested: each choice and interval
            from errors known at that origin), for the backtest: columns ``origin, horizon,
            target, method`` (``"model"``: the procedure, ``"naive"``: the benchmark),
            ``model, actual, mean, scale`` and per level ``L`` (percent, e.g. 80)
            ``multiplier_L, lower_L, upper_L``; periods as in ``frame``.
        naive_used: Whether the naive benchmark is the published forecast.
    """

    frame: pd.DataFrame
    history: pd.DataFrame
    model: str
    reason: str
    candidates: pd.DataFrame
    warnings: tuple[str, ...]
    record: pd.DataFrame = field(default_factory=pd.DataFrame)
    naive_used: bool = False


@dataclass(frozen=True)
class Candidate:
    """One candidate point forecast, on the log scale.

    Attributes:
        name: Name shown on pages.
        complexity: Rank used to break ties (lower is simpler).
        min_obs: Fewest observations up to the origin.
        point: ``(positions, log_values, steps, log_guidance) -> log forecasts`` for
            horizons ``1..steps`` after the last position, or ``None`` when the candidate has
            no forecast at that origin (e.g. no guidance in force). ``positions`` are years or
            quarter ordinals of the observed values; ``log_guidance`` is the log of the
            guidance for the period after the origin, or ``None``.
        log_scale: Always ``True`` here (kept for the methods table).
        handles_missing: Whether missing periods inside the series are allowed.
    """

    name: str
    complexity: int
    min_obs: int
    point: Callable[[np.ndarray, np.ndarray, int, float | None], np.ndarray | None]
    log_scale: bool = True
    handles_missing: bool = True


@dataclass(frozen=True)
class RelationResult:
    """OLS of headcount growth on capex intensity with Newey-West (HAC) standard errors.

    Attributes:
        coefficient: Percentage points of headcount growth per percentage point of capex
            intensity (capex / net sales).
        lower: Lower end of the confidence interval of the coefficient.
        upper: Upper end.
        level: Confidence level (fraction).
        p_value: Two-sided p-value of the coefficient (t distribution).
        n: Number of years in the regression.
        r_squared: R squared of the fit.
        intercept: Fitted intercept, % per year.
        maxlags: Lags of the HAC covariance.
        lag_years: Years by which capex intensity leads headcount growth.
        model: Description of the model.
        data: Columns ``year, capex_intensity_pct, headcount_growth_pct`` (rows used).
    """

    coefficient: float
    lower: float
    upper: float
    level: float
    p_value: float
    n: int
    r_squared: float
    intercept: float
    maxlags: int
    lag_years: int
    model: str
    data: pd.DataFrame

    def as_frame(self) -> pd.DataFrame:
        """Return the estimate as a one-row frame (for a table on a page)."""
        return pd.DataFrame([{
            "coefficient": self.coefficient, "lower": self.lower, "upper": self.upper,
            "level": self.level, "p_value": self.p_value, "n": self.n,
            "r_squared": self.r_squared, "lag_years": self.lag_years, "model": self.model,
        }])


# --- candidates ----------------------------------------------------------------------------


def _drift(t: np.ndarray, v: np.ndarray) -> float:
    # average change per period between the first and the last observation (gaps allowed)
    return float((v[-1] - v[0]) / (t[-1] - t[0]))


def _no_change(t: np.ndarray, v: np.ndarray, steps: int, guide: float | None) -> np.ndarray:
    return np.full(steps, v[-1])


def _naive_drift(t: np.ndarray, v: np.ndarray, steps: int, guide: float | None) -> np.ndarray:
    return v[-1] + _drift(t, v) * np.arange(1, steps + 1)


def _recent_drift(window: int) -> Callable[..., np.ndarray | None]:
    def point(t: np.ndarray, v: np.ndarray, steps: int, guide: float | None
              ) -> np.ndarray | None:
        keep = t >= t[-1] - window
        if keep.sum() < 2:
            return None
        return v[-1] + _drift(t[keep], v[keep]) * np.arange(1, steps + 1)

    return point


def _ar1_growth(t: np.ndarray, v: np.ndarray, steps: int, guide: float | None
                ) -> np.ndarray | None:
    from statsmodels.tsa.ar_model import AutoReg

    if np.any(np.diff(t) != 1):
        return None
    growth = np.diff(v)
    res = AutoReg(growth, lags=1, trend="c").fit()  # ordinary least squares: no optimizer
    path = res.predict(start=growth.size, end=growth.size + steps - 1)
    return v[-1] + np.cumsum(np.asarray(path, dtype=float))


def _guidance_path(t: np.ndarray, v: np.ndarray, steps: int, guide: float | None
                   ) -> np.ndarray | None:
    if guide is None:
        return None
    # the guided period, then the naive drift from there
    return guide + _drift(t, v) * np.arange(0, steps)


def _annual_candidates() -> tuple[Candidate, ...]:
    return (
        Candidate(NO_CHANGE, 0, 3, _no_change),
        Candidate(NAIVE, 1, 3, _naive_drift),
        Candidate("recent drift (average growth, last 3 years)", 2, 4, _recent_drift(3)),
        Candidate("AR(1) growth (statsmodels AutoReg on log changes)", 3, 6, _ar1_growth,
                  handles_missing=False),
    )


def _quarterly_candidates() -> tuple[Candidate, ...]:
    return (
        Candidate(NO_CHANGE, 0, 3, _no_change),
        Candidate(NAIVE, 1, 3, _naive_drift),
        Candidate("recent drift (average growth, last 4 quarters)", 2, 4, _recent_drift(4)),
    )


ANNUAL_CANDIDATES: tuple[Candidate, ...] = _annual_candidates()
QUARTERLY_CANDIDATES: tuple[Candidate, ...] = _quarterly_candidates()
#: Annual capex adds the guidance-anchored path (it has a forecast only where guidance exists).
CAPEX_CANDIDATES: tuple[Candidate, ...] = ANNUAL_CANDIDATES + (
    Candidate(GUIDANCE, 2, 3, _guidance_path),)


# --- series extraction ---------------------------------------------------------------------


def _as_date(as_of: str | dt.date) -> pd.Timestamp:
    return pd.Timestamp(dt.date.fromisoformat(as_of) if isinstance(as_of, str) else as_of)


def annual_known_by(annual: pd.DataFrame, as_of: str) -> pd.DataFrame:
    """Keep the fiscal years reported by ``as_of`` (the rule of :mod:`analysis.data.calendar`).

    The same cut as :func:`annual_series`, for the whole wide frame.

    Args:
        annual: Wide annual frame with an int ``year`` column.
        as_of: Data cut-off (ISO date).

    Returns:
        The rows of the known years (a copy sorted by year, index reset).
    """
    return reported_annual(annual, as_of)


def annual_series(annual: pd.DataFrame, column: str, as_of: str) -> pd.Series:
    """Return one annual column as a float series indexed by ``int`` year, cut at ``as_of``.

    Args:
        annual: Wide annual frame with an int column ``year``.
        column: Column to extract.
        as_of: Cut-off (ISO date); fiscal years ending after it are dropped.

    Returns:
        Series indexed by year, leading and trailing missing values removed.
    """
    data = annual.loc[annual["year"] <= last_reported_year(as_of), ["year", column]]
    data = data.sort_values("year")
    out = pd.Series(data[column].to_numpy(dtype=float), index=data["year"].astype(int).to_numpy(),
                    name=column)
    return _trim(out)


def quarterly_series(quarterly: pd.DataFrame, column: str, as_of: str) -> pd.Series:
    """Return one quarterly column indexed by ``"YYYYQn"`` strings, cut at ``as_of``.

    Missing quarters inside the range are kept as NaN.

    Args:
        quarterly: Wide quarterly frame with ``period`` (str) and ``quarter_end`` (datetime).
        column: Column to extract.
        as_of: Cut-off (ISO date); quarters ending after it are dropped.

    Returns:
        Series indexed by consecutive quarter labels, leading and trailing NaN removed.
    """
    cut = _as_date(as_of)
    data = quarterly.loc[pd.to_datetime(quarterly["quarter_end"]) <= cut, ["period", column]]
    if data.empty:
        return pd.Series(dtype=float, name=column)
    periods = pd.PeriodIndex(data["period"].astype(str), freq="Q")
    values = pd.Series(data[column].to_numpy(dtype=float), index=periods)
    values = values.groupby(level=0).last()  # a duplicated quarter keeps its last row
    full = pd.period_range(periods.min(), periods.max(), freq="Q")
    values = values.reindex(full)
    out = pd.Series(values.to_numpy(), index=[str(p) for p in full], name=column)
    return _trim(out)


def _trim(y: pd.Series) -> pd.Series:
    ok = np.flatnonzero(y.notna().to_numpy())
    if ok.size == 0:
        return y.iloc[:0]
    return y.iloc[ok[0]: ok[-1] + 1]


def guidance_known(guidance: pd.DataFrame | None, as_of: str | dt.date, year: int
                   ) -> float | None:
    """Company capex guidance for fiscal ``year`` in force at ``as_of``, USD m (or ``None``).

    The latest statement for ``FY<year>`` dated on or before ``as_of`` (ties on the date go to
    the statement id that sorts last, as in
    :func:`analysis.chapters.capital.guidance_for_year`); its mid-point. The basis is often
    unstated and is treated as gross.

    Args:
        guidance: Capex guidance table (:func:`analysis.data.load_capex_guidance`), or ``None``.
        as_of: Information date.
        year: Fiscal year guided.
    """
    if guidance is None or guidance.empty:
        return None
    dates = pd.to_datetime(guidance["statement_date"])
    rows = guidance.loc[(dates <= _as_date(as_of)) & (guidance["period"] == f"FY{year}")]
    if rows.empty:
        return None
    rows = rows.assign(date_=pd.to_datetime(rows["statement_date"])).sort_values(
        ["date_", "statement_id"], kind="stable")
    last = rows.iloc[-1]
    return 1e3 * (float(last["value_low_usd_bn"]) + float(last["value_high_usd_bn"])) / 2.0


def naive_drift_forecast(values: Sequence[float] | np.ndarray, steps: int, level: float,
                         log_scale: bool = False) -> pd.DataFrame:
    """Random walk with drift in closed form, with its textbook (model-based) interval.

    Kept as a reference for readers; the report's intervals are calibrated instead
    (:func:`forecast_series`).

    Args:
        values: Consecutive observations (at least 3, all finite).
        steps: Periods ahead.
        level: Interval level (fraction).
        log_scale: Fit on logs and return the mean on the original scale.

    Returns:
        Columns ``mean, lower, upper`` for horizons 1..steps.
    """
    y = np.asarray(values, dtype=float)
    if y.size < 3 or not np.isfinite(y).all():
        raise ValueError("need at least 3 consecutive observed values")
    if log_scale:
        y = np.log(y)
    diffs = np.diff(y)
    drift = diffs.mean()
    sigma = float(np.sqrt(np.sum((diffs - drift) ** 2) / max(diffs.size - 1, 1)))
    h = np.arange(1, steps + 1, dtype=float)
    mean = y[-1] + h * drift
    sd = sigma * np.sqrt(h * (1.0 + h / diffs.size))
    from scipy import stats  # imported where used: scipy takes a second to import
    z = stats.t.ppf(0.5 + level / 2.0, df=max(diffs.size - 1, 1))
    out = pd.DataFrame({"mean": mean, "lower": mean - z * sd, "upper": mean + z * sd})
    if log_scale:
        out = pd.DataFrame({"mean": np.exp(mean + sd**2 / 2.0), "lower": np.exp(out["lower"]),
                            "upper": np.exp(out["upper"])})
    return out


# --- the procedure -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Run:
    """Rolling-origin table of every candidate, and the nested choices made from it."""

    table: pd.DataFrame  # model, origin, horizon, target, point, scale, actual, error (logs)
    choice: dict[int, str]  # origin -> model used by the procedure
    why: dict[int, str]  # origin -> reason code of the choice
    stats: dict[int, dict[str, dict[str, float]]]  # origin -> candidate -> error summary
    sel_record: dict[int, tuple[int, float, float]]  # origin -> (n, mae, mae naive) of selection


def _rolling_table(t: np.ndarray, v: np.ndarray, candidates: Sequence[Candidate], steps: int,
                   guide_at: GuidanceLookup | None, log: list[str]) -> pd.DataFrame:
    actual = dict(zip(t.tolist(), v.tolist(), strict=True))
    rows = []
    for k in range(2, t.size):
        tt, vv = t[: k + 1], v[: k + 1]
        origin = int(tt[-1])
        guide = guide_at(origin) if guide_at is not None else None
        log_guide = math.log(guide) if guide is not None and guide > 0 else None
        gaps = bool(np.any(np.diff(tt) != 1))
        for cand in candidates:
            if k + 1 < cand.min_obs or (gaps and not cand.handles_missing):
                continue
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                try:
                    path = cand.point(tt, vv, steps, log_guide)
                except (ValueError, np.linalg.LinAlgError) as exc:
                    log.append(f"{cand.name} at origin {origin}: {type(exc).__name__}: {exc}")
                    continue
            log.extend(f"{cand.name} at origin {origin}: {w.category.__name__}: {w.message}"
                       for w in caught)
            if path is None or not np.all(np.isfinite(path)):
                continue
            for h in range(1, steps + 1):
                rows.append((cand.name, origin, h, origin + h, float(path[h - 1]),
                             math.sqrt(h), actual.get(origin + h, math.nan)))
    table = pd.DataFrame(rows, columns=["model", "origin", "horizon", "target", "point",
                                        "scale", "actual"])
    table["error"] = table["actual"] - table["point"]
    return table


def _errors(table: pd.DataFrame) -> dict[tuple[str, int, int], tuple[int, float]]:
    known = table[table["error"].notna()]
    return {(m, int(o), int(h)): (int(tg), float(e)) for m, o, h, tg, e in zip(
        known["model"], known["origin"], known["horizon"], known["target"], known["error"],
        strict=True)}


def _summary(pairs: list[tuple[float, float]]) -> tuple[int, float, float]:
    if not pairs:
        return 0, math.nan, math.nan
    e = np.abs(np.array(pairs, dtype=float))
    return len(pairs), float(e[:, 0].mean()), float(e[:, 1].mean())


def _run(t: np.ndarray, v: np.ndarray, candidates: Sequence[Candidate], steps: int,
         guide_at: GuidanceLookup | None, log: list[str]) -> _Run:
    if NAIVE not in {c.name for c in candidates}:
        candidates = (*candidates, next(c for c in ANNUAL_CANDIDATES if c.name == NAIVE))
    table = _rolling_table(t, v, candidates, steps, guide_at, log)
    err = _errors(table)
    complexity = {c.name: c.complexity for c in candidates}
    origins = sorted(int(o) for o in table["origin"].unique())
    choice: dict[int, str] = {}
    why: dict[int, str] = {}
    stats_at: dict[int, dict[str, dict[str, float]]] = {}
    selected: dict[int, str] = {}
    sel_record: dict[int, tuple[int, float, float]] = {}
    for at in origins:
        # step 3a: candidates scored on forecasts whose targets are known at this origin
        summary: dict[str, dict[str, float]] = {}
        for cand in candidates:
            pairs = [(e, err[(NAIVE, o, h)][1]) for (m, o, h), (tg, e) in err.items()
                     if m == cand.name and tg <= at and (NAIVE, o, h) in err]
            n, mae, mae_naive = _summary(pairs)
            summary[cand.name] = {"n_cv": n, "mae_log": mae, "mae_log_naive": mae_naive}
        stats_at[at] = summary
        winners = {m: s["mae_log"] / s["mae_log_naive"] for m, s in summary.items()
                   if m != NAIVE and s["n_cv"] >= MIN_CV_ERRORS
                   and scoring.beats(s["mae_log"], s["mae_log_naive"])}
        selected[at] = scoring.pick_simplest(winners, complexity) if winners else NAIVE
        # step 3b: the selection's own record, from earlier origins, must beat naive too
        pairs = [(err[(selected[o], o, h)][1], err[(NAIVE, o, h)][1])
                 for o in origins if o < at for h in range(1, steps + 1)
                 if (selected[o], o, h) in err and err[(selected[o], o, h)][0] <= at
                 and (NAIVE, o, h) in err]
        sel_record[at] = _summary(pairs)
        n, mae, mae_naive = sel_record[at]
        if selected[at] == NAIVE:
            choice[at], why[at] = NAIVE, "no candidate"
        elif n < MIN_CV_ERRORS:
            choice[at], why[at] = NAIVE, "short record"
        elif not scoring.beats(mae, mae_naive):
            choice[at], why[at] = NAIVE, "record"
        else:
            choice[at], why[at] = selected[at], "selected"
    return _Run(table, choice, why, stats_at, sel_record)


def _multipliers(table: pd.DataFrame, model: str, at: int, levels: Sequence[float],
                 method: str = DEFAULT_INTERVAL_METHOD) -> dict[float, float] | None:
    rows = table[(table["model"] == model) & (table["target"] <= at) & table["error"].notna()]
    return _calibrate((rows["error"] / rows["scale"]).to_numpy(dtype=float), levels, method)


def _calibrate(scaled: np.ndarray, levels: Sequence[float],
               method: str = DEFAULT_INTERVAL_METHOD) -> dict[float, float] | None:
    if scaled.size == 0:
        return None
    multiplier = INTERVAL_METHODS[method]
    return {lv: multiplier(scaled, lv) for lv in levels}


def _check_interval_method(method: str) -> str:
    if method not in INTERVAL_METHODS:
        raise ValueError(f"interval_method must be one of {sorted(INTERVAL_METHODS)}, "
                         f"got {method!r}")
    return method


def _record(run: _Run, levels: Sequence[float],
            interval_method: str = DEFAULT_INTERVAL_METHOD) -> pd.DataFrame:
    tab = run.table
    by_model = {m: {c: g[c].to_numpy() for c in ("origin", "horizon", "target", "point", "scale",
                                                 "actual", "error")}
                for m, g in tab.groupby("model", sort=False)}
    rows = []
    for at, model in run.choice.items():
        for method, name in (("model", model), ("naive", NAIVE)):
            a = by_model[name]
            known = (a["target"] <= at) & np.isfinite(a["error"])
            mult = _calibrate(a["error"][known] / a["scale"][known], levels, interval_method)
            if mult is None:
                continue
            for i in np.flatnonzero(a["origin"] == at):
                point, scale, act = float(a["point"][i]), float(a["scale"][i]), a["actual"][i]
                row = {"origin": at, "horizon": int(a["horizon"][i]),
                       "target": int(a["target"][i]), "method": method, "model": name,
                       "actual": math.exp(act) if math.isfinite(act) else math.nan,
                       "mean": math.exp(point), "scale": scale}
                for lv in levels:
                    pct = _pct(lv)
                    row[f"multiplier_{pct}"] = mult[lv]
                    row[f"lower_{pct}"] = math.exp(point - mult[lv] * scale)
                    row[f"upper_{pct}"] = math.exp(point + mult[lv] * scale)
                rows.append(row)
    return pd.DataFrame(rows)


def _pct(level: float) -> int | float:
    pct = round(100.0 * level, 4)
    return int(pct) if pct == int(pct) else pct


def _normalise_levels(interval_level_pct: float | Sequence[float]) -> tuple[float, ...]:
    pcts = [interval_level_pct] if np.isscalar(interval_level_pct) else list(interval_level_pct)
    levels = tuple(sorted({round(float(p) / 100.0, 6) for p in pcts}))
    if not levels or any(not 0.0 < lv < 1.0 for lv in levels):
        raise ValueError(f"interval levels must be between 0 and 100 %, got {interval_level_pct}")
    return levels


def _positions(y: pd.Series, freq: str) -> np.ndarray:
    if freq == "Y":
        return np.asarray([int(p) for p in y.index], dtype=np.int64)
    return np.asarray([pd.Period(str(p), freq="Q").ordinal for p in y.index], dtype=np.int64)


def _label(position: int, freq: str) -> int | str:
    return int(position) if freq == "Y" else str(pd.Period(ordinal=int(position), freq="Q"))


def _reason(run: _Run, at: int, model: str) -> str:
    n, mae, mae_naive = run.sel_record[at]
    s = run.stats[at]
    if run.why[at] == "selected":
        own = s[model]
        return (f"{model} beat the naive drift out of sample: mean absolute log error "
                f"{text.fmt_decimal(own['mae_log'], 3)} against "
                f"{text.fmt_decimal(own['mae_log_naive'], 3)} over {own['n_cv']} forecasts "
                f"(skill {text.fmt_pct(100 * (1 - own['mae_log'] / own['mae_log_naive']))}), "
                f"and the selection made at earlier origins beat it too over {n} forecasts.")
    if run.why[at] == "no candidate":
        detail = ("no candidate had at least "
                  f"{MIN_CV_ERRORS} out-of-sample errors and a mean absolute log error more "
                  f"than {text.fmt_pct(100 * scoring.REL_TOL)} below the naive drift's")
    elif run.why[at] == "short record":
        detail = (f"the selection ({run_selected(run, at)}) has only {n} out-of-sample "
                  f"forecasts from earlier origins, fewer than {MIN_CV_ERRORS}")
    else:
        detail = (f"the selection made at earlier origins did not beat it over {n} forecasts "
                  f"(mean absolute log error {text.fmt_decimal(mae, 3)} against "
                  f"{text.fmt_decimal(mae_naive, 3)})")
    return f"{NAIVE_USED} ({detail})."


def run_selected(run: _Run, at: int) -> str:
    """Name of the candidate step 3a selected at origin ``at`` (before the record check)."""
    s = run.stats[at]
    winners = [m for m, v in s.items() if m != NAIVE and v["n_cv"] >= MIN_CV_ERRORS
               and scoring.beats(v["mae_log"], v["mae_log_naive"])]
    return ", ".join(sorted(winners)) or NAIVE


def _candidate_table(run: _Run, at: int, candidates: Sequence[Candidate], model: str
                     ) -> pd.DataFrame:
    rows = []
    for cand in candidates:
        s = run.stats[at].get(cand.name, {"n_cv": 0, "mae_log": math.nan,
                                          "mae_log_naive": math.nan})
        n = int(s["n_cv"])
        skill = 1.0 - s["mae_log"] / s["mae_log_naive"] if n else math.nan
        if cand.name == NAIVE:
            note = "benchmark"
        elif n < MIN_CV_ERRORS:
            note = f"only {n} out-of-sample forecast(s); {MIN_CV_ERRORS} needed"
        elif not scoring.beats(s["mae_log"], s["mae_log_naive"]):
            note = ("did not beat the naive drift by more than "
                    f"{text.fmt_pct(100 * scoring.REL_TOL)}")
        else:
            note = "beat the naive drift"
        rows.append({"model": cand.name, "complexity": cand.complexity, "n_cv": n,
                     "mae_log": s["mae_log"], "mae_log_naive": s["mae_log_naive"],
                     "skill_vs_naive": 0.0 if cand.name == NAIVE and n else skill,
                     "selected": cand.name == model, "note": note})
    return pd.DataFrame(rows, columns=CANDIDATE_COLUMNS)


def _path_frame(points: np.ndarray, scales: np.ndarray, mult: dict[float, float],
                labels: list[int] | list[str], model: str) -> pd.DataFrame:
    return pd.concat([pd.DataFrame({
        "period": labels, "mean": np.exp(points), "lower": np.exp(points - q * scales),
        "upper": np.exp(points + q * scales), "level": lv, "model": model})
        for lv, q in mult.items()], ignore_index=True)[FRAME_COLUMNS]


def forecast_series(y: pd.Series, steps: int, freq: str,
                    interval_level_pct: float | Sequence[float] = 80,
                    candidates: Sequence[Candidate] | None = None,
                    guide_at: GuidanceLookup | None = None,
                    interval_method: str = DEFAULT_INTERVAL_METHOD) -> ForecastResult:
    """Choose a model by nested rolling-origin error and forecast ``steps`` periods ahead.

    See the module docstring for the procedure. The naive drift is always among the
    candidates (added if missing): it is the benchmark and the default.

    Args:
        y: Observed positive values indexed by int year (``freq="Y"``) or ``"YYYYQn"`` labels
            (``freq="Q"``); NaN for missing periods.
        steps: Periods to forecast after the last observation.
        freq: ``"Y"`` or ``"Q"``.
        interval_level_pct: One or several interval levels in percent.
        candidates: Models to try; defaults to the annual or quarterly set.
        guide_at: For a guidance-anchored candidate: origin position -> guidance (same unit as
            ``y``) for the period after it, in force at that origin, or ``None``.
        interval_method: ``"conformal"`` (the report's) or ``"student_t"``; see
            :data:`INTERVAL_METHODS`.

    Returns:
        A :class:`ForecastResult` with its nested out-of-sample ``record``.
    """
    if freq not in ("Y", "Q"):
        raise ValueError(f"freq must be 'Y' or 'Q', got {freq!r}")
    if steps < 1:
        raise ValueError("steps must be at least 1")
    levels = _normalise_levels(interval_level_pct)
    _check_interval_method(interval_method)
    if candidates is None:
        candidates = ANNUAL_CANDIDATES if freq == "Y" else QUARTERLY_CANDIDATES
    y = _trim(y.astype(float)).dropna()
    if len(y) < MIN_OBS:
        raise ValueError(f"need at least {MIN_OBS} observations of {y.name!r}, got {len(y)}")
    if (y <= 0).any():
        raise ValueError(f"{y.name!r} must be positive (the forecasts work on logs)")
    t, v = _positions(y, freq), np.log(y.to_numpy(dtype=float))
    log: list[str] = []
    run = _run(t, v, candidates, steps, guide_at, log)
    at = int(t[-1])
    model = run.choice[at]
    mult = _multipliers(run.table, model, at, levels, interval_method)
    if mult is None:
        raise ValueError("no out-of-sample error to calibrate the interval from")
    now = run.table[(run.table["model"] == model) & (run.table["origin"] == at)]
    labels = [_label(p, freq) for p in now["target"]]
    frame = _path_frame(now["point"].to_numpy(), now["scale"].to_numpy(), mult, labels, model)
    history = pd.DataFrame({"period": [_label(p, freq) for p in t], "value": np.exp(v)})
    record = _record(run, levels, interval_method)
    if not record.empty:
        for col in ("origin", "target"):
            record[col] = [_label(p, freq) for p in record[col]]
    all_cands = list(candidates) + [c for c in ANNUAL_CANDIDATES if c.name == NAIVE
                                    and NAIVE not in {x.name for x in candidates}]
    return ForecastResult(frame=frame, history=history, model=model,
                          reason=_reason(run, at, model),
                          candidates=_candidate_table(run, at, all_cands, model),
                          warnings=tuple(log), record=record, naive_used=model == NAIVE)


# --- public forecasts ----------------------------------------------------------------------


def annual_guidance_lookup(guidance: pd.DataFrame | None, as_of: str, last_year: int
                           ) -> GuidanceLookup | None:
    """Origin year -> guidance for the next fiscal year in force at that origin, USD m.

    An origin ``s`` sees the guidance stated by ``as_of`` moved back ``last_year - s`` years,
    the same point of the year as the report's own cut-off. ``None`` without a table.
    """
    if guidance is None:
        return None
    cut = _as_date(as_of)

    def at(origin: int) -> float | None:
        # what was in force at the same point of the year after origin as as_of is now
        when = cut - pd.DateOffset(years=last_year - origin)
        return guidance_known(guidance, when, origin + 1)

    return at


def forecast_annual(annual: pd.DataFrame, column: str, as_of: str, horizon_year: int = 2027,
                    interval_level_pct: float | Sequence[float] = 80,
                    candidates: Sequence[Candidate] | None = None,
                    guidance: pd.DataFrame | None = None) -> ForecastResult:
    """Forecast one annual column to ``horizon_year`` using data up to ``as_of``.

    Args:
        annual: Wide annual frame (int column ``year``).
        column: Column to forecast.
        as_of: Data cut-off (ISO date).
        horizon_year: Last year forecast.
        interval_level_pct: Interval level(s) in percent.
        candidates: Models to try (default :data:`ANNUAL_CANDIDATES`).
        guidance: Capex guidance table for a guidance-anchored candidate (``None``: none).

    Returns:
        A :class:`ForecastResult` with int-year periods.
    """
    y = annual_series(annual, column, as_of).dropna()
    if y.empty:
        raise ValueError(f"no observations of {column!r} up to {as_of}")
    last = int(y.index[-1])
    steps = horizon_year - last
    if steps < 1:
        raise ValueError(f"horizon_year {horizon_year} is not after the last observed year "
                         f"{last}")
    return forecast_series(y, steps, "Y", interval_level_pct, candidates,
                           annual_guidance_lookup(guidance, as_of, last))


def forecast_quarterly(quarterly: pd.DataFrame, column: str, as_of: str,
                       horizon_quarter: str = "2027Q4",
                       interval_level_pct: float | Sequence[float] = 80,
                       candidates: Sequence[Candidate] | None = None) -> ForecastResult:
    """Forecast one quarterly column to ``horizon_quarter`` using data up to ``as_of``.

    Args:
        quarterly: Wide quarterly frame (``period`` str, ``quarter_end`` datetime).
        column: Column to forecast.
        as_of: Data cut-off (ISO date).
        horizon_quarter: Last quarter forecast, e.g. ``"2027Q4"``.
        interval_level_pct: Interval level(s) in percent.
        candidates: Models to try (default :data:`QUARTERLY_CANDIDATES`).

    Returns:
        A :class:`ForecastResult` with ``"YYYYQn"`` periods; quarters between the last
        observation and ``as_of`` that are not yet reported are forecast too.
    """
    y = quarterly_series(quarterly, column, as_of)
    if y.empty:
        raise ValueError(f"no observations of {column!r} up to {as_of}")
    steps = pd.Period(horizon_quarter, freq="Q").ordinal - pd.Period(str(y.index[-1]),
                                                                    freq="Q").ordinal
    if steps < 1:
        raise ValueError(f"horizon_quarter {horizon_quarter} is not after the last observed "
                         f"quarter {y.index[-1]}")
    return forecast_series(y, steps, "Q", interval_level_pct, candidates)


def forecast_capex_annual(annual: pd.DataFrame, as_of: str, horizon_year: int = 2027,
                          interval_level_pct: float | Sequence[float] = 80,
                          candidates: Sequence[Candidate] | None = None,
                          guidance: pd.DataFrame | None = None) -> ForecastResult:
    """Forecast gross capex (purchases of property and equipment), USD m per year.

    With ``guidance`` the guidance-anchored path joins the candidates
    (:data:`CAPEX_CANDIDATES`); it is chosen only if its out-of-sample record earns it.
    See :func:`forecast_annual`; the column is ``capex_gross_usd_m``.
    """
    if candidates is None:
        candidates = CAPEX_CANDIDATES if guidance is not None else ANNUAL_CANDIDATES
    return forecast_annual(annual, "capex_gross_usd_m", as_of, horizon_year,
                           interval_level_pct, candidates, guidance)


def forecast_capex_quarterly(quarterly: pd.DataFrame, as_of: str,
                             horizon_quarter: str = "2027Q4",
                             interval_level_pct: float | Sequence[float] = 80,
                             candidates: Sequence[Candidate] | None = None) -> ForecastResult:
    """Forecast gross capex per quarter, USD m (column ``capex_gross_usd_m``).

    See :func:`forecast_quarterly`.
    """
    return forecast_quarterly(quarterly, "capex_gross_usd_m", as_of, horizon_quarter,
                              interval_level_pct, candidates)


def forecast_headcount_annual(annual: pd.DataFrame, as_of: str, horizon_year: int = 2027,
                              interval_level_pct: float | Sequence[float] = 80,
                              candidates: Sequence[Candidate] | None = None) -> ForecastResult:
    """Forecast total employees at year end, persons (column ``employees_year_end``).

    Total reported headcount only; the corporate workforce is an estimate handled by the
    projection core. See :func:`forecast_annual`.
    """
    return forecast_annual(annual, "employees_year_end", as_of, horizon_year,
                           interval_level_pct, candidates)


def forecast_headcount_quarterly(quarterly: pd.DataFrame, as_of: str,
                                 horizon_quarter: str = "2027Q4",
                                 interval_level_pct: float | Sequence[float] = 80,
                                 candidates: Sequence[Candidate] | None = None
                                 ) -> ForecastResult:
    """Forecast total employees at quarter end, persons (column ``employees``).

    See :func:`forecast_quarterly`.
    """
    return forecast_quarterly(quarterly, "employees", as_of, horizon_quarter,
                              interval_level_pct, candidates)


def forecast_capex_guidance(annual: pd.DataFrame, as_of: str, guidance_usd_m: float = 200_000.0,
                            guidance_year: int = 2026, guidance_announced: str = "2026-02-05",
                            horizon_year: int = 2027,
                            interval_level_pct: float | Sequence[float] = 80,
                            guidance: pd.DataFrame | None = None) -> ForecastResult:
    """Capex path anchored on company guidance, with an interval calibrated out of sample.

    ``guidance_year`` takes the guided amount; later years grow at the naive drift; years
    between the last report and the guided year take the validated forecast. The interval is
    ``point ± q * sigma * sqrt(h)`` as in :func:`forecast_series`, with ``q`` from the
    guidance-anchored candidate's own out-of-sample errors when it has at least
    :data:`MIN_CV_ERRORS` of them (needs ``guidance``, the table of past statements), else
    from the naive drift's errors, and the reason says which.

    If the guidance was announced after ``as_of``, or the guided year is already observed,
    the validated forecast is returned instead and ``reason`` says so.

    Args:
        annual: Wide annual frame.
        as_of: Data cut-off (ISO date).
        guidance_usd_m: Guided gross capex for ``guidance_year``, USD m.
        guidance_year: Year the guidance is for.
        guidance_announced: Date of the guidance (ISO); ignored before it.
        horizon_year: Last year of the path.
        interval_level_pct: Interval level(s) in percent.
        guidance: Capex guidance table, for the candidate's out-of-sample record.

    Returns:
        A :class:`ForecastResult`; ``model`` starts with ``"guidance"`` when the path is used.
    """
    stat = forecast_capex_annual(annual, as_of, horizon_year, interval_level_pct,
                                 guidance=guidance)
    last = int(stat.history["period"].iloc[-1])
    if _as_date(guidance_announced) > _as_date(as_of):
        return _replace_reason(stat, f"Guidance of {guidance_announced} is after as_of {as_of}; "
                                     "validated forecast used. " + stat.reason)
    if guidance_year <= last:
        return _replace_reason(stat, f"FY{guidance_year} is already reported; validated "
                                     "forecast used. " + stat.reason)
    if guidance_year > horizon_year:
        raise ValueError("guidance_year is after horizon_year")
    if not guidance_usd_m > 0:
        raise ValueError("guidance_usd_m must be positive")
    levels = _normalise_levels(interval_level_pct)
    y = annual_series(annual, "capex_gross_usd_m", as_of).dropna()
    t, v = _positions(y, "Y"), np.log(y.to_numpy(dtype=float))
    log: list[str] = []
    run = _run(t, v, CAPEX_CANDIDATES, horizon_year - last,
               annual_guidance_lookup(guidance, as_of, last), log)
    own = run.table[(run.table["model"] == GUIDANCE) & run.table["error"].notna()]
    basis = GUIDANCE if len(own) >= MIN_CV_ERRORS else NAIVE
    mult = _multipliers(run.table, basis, last, levels)
    if mult is None:
        raise ValueError("no out-of-sample error to calibrate the interval from")
    years = list(range(last + 1, horizon_year + 1))
    stat_mean = stat.frame.drop_duplicates("period").set_index("period")["mean"]
    drift = _drift(t, v)
    points = np.array([math.log(float(stat_mean[yr])) if yr < guidance_year else
                       math.log(guidance_usd_m) + drift * (yr - guidance_year) for yr in years])
    scales = np.sqrt(np.arange(1, len(years) + 1))
    frame = _path_frame(points, scales, mult, years, GUIDANCE)
    frame = frame.sort_values(["level", "period"], kind="stable").reset_index(drop=True)
    calib = (f"its own {len(own)} out-of-sample errors" if basis == GUIDANCE else
             f"the naive drift's out-of-sample errors, because the guidance-anchored path has "
             f"only {len(own)} scored forecast(s) (guidance in force at too few past origins)")
    reason = (f"FY{guidance_year} set to the company guidance of "
              f"{text.fmt_usd_words(guidance_usd_m)} (stated "
              f"{text.fmt_date(_as_date(guidance_announced).date())}); later "
              f"years grow at the naive drift; the interval is calibrated on {calib}.")
    return ForecastResult(frame=frame, history=stat.history, model=GUIDANCE, reason=reason,
                          candidates=stat.candidates, warnings=tuple(log), record=stat.record,
                          naive_used=False)


def _replace_reason(res: ForecastResult, reason: str) -> ForecastResult:
    return ForecastResult(res.frame, res.history, res.model, reason, res.candidates,
                          res.warnings, res.record, res.naive_used)


# --- capex intensity and headcount growth --------------------------------------------------


def capex_headcount_relation(annual: pd.DataFrame, as_of: str, lag_years: int = 0,
                             maxlags: int | None = None, interval_level_pct: float = 95
                             ) -> RelationResult:
    """Regress headcount growth on capex intensity (OLS, Newey-West standard errors).

    ``headcount_growth_pct[t] = a + b * capex_intensity_pct[t - lag_years] + e[t]`` where
    capex intensity is gross capex / net sales × 100. With about ten years the estimate is
    weak; it is reported anyway, with its interval.

    Args:
        annual: Wide annual frame.
        as_of: Data cut-off (ISO date).
        lag_years: Years by which capex intensity leads headcount growth (0 or more).
        maxlags: HAC lags; default ``floor(4 * (n / 100) ** (2 / 9))`` (Newey-West rule).
        interval_level_pct: Confidence level of the interval, %.

    Returns:
        A :class:`RelationResult`.
    """
    import statsmodels.api as sm

    data = annual.loc[annual["year"] <= last_reported_year(as_of)].sort_values("year")
    years = data["year"].astype(int).to_numpy()
    intensity = 100.0 * data["capex_gross_usd_m"].to_numpy(dtype=float) / data[
        "net_sales_usd_m"].to_numpy(dtype=float)
    staff = data["employees_year_end"].to_numpy(dtype=float)
    growth = np.full(years.size, np.nan)
    consecutive = np.diff(years) == 1
    growth[1:] = np.where(consecutive, 100.0 * (staff[1:] / staff[:-1] - 1.0), np.nan)
    lead = np.full(years.size, np.nan)
    if lag_years == 0:
        lead = intensity
    else:
        lead[lag_years:] = np.where(years[lag_years:] - years[:-lag_years] == lag_years,
                                    intensity[:-lag_years], np.nan)
    table = pd.DataFrame({"year": years, "capex_intensity_pct": lead,
                          "headcount_growth_pct": growth}).dropna().reset_index(drop=True)
    n = len(table)
    if n < 4:
        raise ValueError(f"need at least 4 years for the regression, got {n}")
    lags = int(math.floor(4.0 * (n / 100.0) ** (2.0 / 9.0))) if maxlags is None else maxlags
    x = sm.add_constant(table["capex_intensity_pct"].to_numpy())
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        res = sm.OLS(table["headcount_growth_pct"].to_numpy(), x).fit(
            cov_type="HAC", cov_kwds={"maxlags": lags, "use_correction": True}, use_t=True)
        level = interval_level_pct / 100.0
        ci = res.conf_int(alpha=1.0 - level)
    return RelationResult(
        coefficient=float(res.params[1]), lower=float(ci[1, 0]), upper=float(ci[1, 1]),
        level=level, p_value=float(res.pvalues[1]), n=n, r_squared=float(res.rsquared),
        intercept=float(res.params[0]), maxlags=lags, lag_years=lag_years,
        model=f"OLS, Newey-West HAC standard errors ({text.plural(lags, 'lag')}, small-sample "
              "corrected)",
        data=table)

"""Statistical forecasts of Amazon's capex and headcount, with the model choice recorded.

Every forecast fits a small set of parsimonious candidate models (statsmodels), keeps those
that converge, and chooses one by rolling-origin error (AICc when the series is too short for
that). The result records the chosen model, why it was chosen, the candidate table and every
warning the fits raised, so that a page can show them and no warning text reaches the page.

Conventions:
    * Annual periods are ``int`` years; quarterly periods are strings such as ``"2026Q3"``.
      Pandas ``Period`` objects never leave this module (they break chart JSON).
    * ``as_of`` (ISO date) cuts the data: a fiscal year counts once its year end
      (31 Dec) is on or before ``as_of``; a quarter once its ``quarter_end`` is.
    * ``mean`` is the expected value. For models fitted on logs it is
      ``exp(mu + sigma**2 / 2)``, so it sits above the median of the interval.
    * Prediction intervals exclude parameter-estimation uncertainty (statsmodels' analytic
      intervals); the backtest reports their empirical coverage.
    * Corporate headcount is not forecast here: Amazon does not file it, so it is left to the
      projection core, which starts from an estimated base (``corporate_headcount_base``).
"""

from __future__ import annotations

import datetime as dt
import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from analysis import text

__all__ = [
    "ANNUAL_CANDIDATES",
    "QUARTERLY_CANDIDATES",
    "Candidate",
    "ForecastResult",
    "RelationResult",
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
    "naive_drift_forecast",
    "quarterly_series",
]

FRAME_COLUMNS = ["period", "mean", "lower", "upper", "level", "model"]
CANDIDATE_COLUMNS = ["model", "aicc", "rmse", "rmse_log", "mape_pct", "n_cv", "converged",
                     "selected", "note"]
MIN_CV_ERRORS = 3  # fewer rolling-origin errors than this: choose by AICc instead
CLOSED_FORM_NAME = "random walk with drift on log (closed form)"


# --- results -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ForecastResult:
    """A forecast with its history and the record of how the model was chosen.

    Attributes:
        frame: Columns ``period, mean, lower, upper, level, model``; one row per future period
            and interval level (``level`` is a fraction, e.g. 0.8).
        history: Observed values used for the fit: columns ``period, value``.
        model: Name of the model that produced ``frame``.
        reason: One or two sentences: why this model (or fallback) was used.
        candidates: One row per candidate: ``model, aicc, rmse, rmse_log, mape_pct, n_cv,
            converged, selected, note``. ``aicc`` is on the original scale (log-model AICc
            adjusted by the Jacobian); ``rmse``/``rmse_log``/``mape_pct`` are rolling-origin
            errors of forecasts to the next observed period.
        warnings: Every warning or error raised by the fits, as text (never printed).
    """

    frame: pd.DataFrame
    history: pd.DataFrame
    model: str
    reason: str
    candidates: pd.DataFrame
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class Candidate:
    """One candidate model.

    Attributes:
        name: Name shown on pages, e.g. ``"ETS(A,Ad,N) on log"``.
        log_scale: Fit on the natural log of the series (the series must be positive).
        min_obs: Fewest observations the model is fitted on.
        fit: Function from a series (PeriodIndex) to a fitted statsmodels results object.
        predict: Function ``(results, steps, alpha) -> DataFrame`` with columns
            ``mean, lower, upper`` on the model's scale for the next ``steps`` periods.
        handles_missing: Whether ``fit`` accepts missing values inside the series.
    """

    name: str
    log_scale: bool
    min_obs: int
    fit: Callable[[pd.Series], Any]
    predict: Callable[[Any, int, float], pd.DataFrame]
    handles_missing: bool = False


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


# --- candidate models ----------------------------------------------------------------------


GUIDANCE_BAND_PCT = 5.0  # assumed +/- band around a single 'about' guidance figure, %

def _arima_candidate(name: str, order: tuple[int, int, int], log_scale: bool,
                     min_obs: int) -> Candidate:
    from statsmodels.tsa.arima.model import ARIMA

    def fit(y: pd.Series) -> Any:
        # trend="t" with d=1 is a constant drift per period
        return ARIMA(y, order=order, trend="t").fit()

    return Candidate(name, log_scale, min_obs, fit, _predict_state_space, handles_missing=True)


def _ets_candidate(name: str, error: str, damped: bool, log_scale: bool,
                   min_obs: int) -> Candidate:
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    def fit(y: pd.Series) -> Any:
        return ETSModel(y, error=error, trend="add", damped_trend=damped).fit(disp=False)

    return Candidate(name, log_scale, min_obs, fit, _predict_ets)


def _local_linear_trend_candidate(name: str, log_scale: bool, min_obs: int) -> Candidate:
    from statsmodels.tsa.statespace.structural import UnobservedComponents

    def fit(y: pd.Series) -> Any:
        return UnobservedComponents(y, level="local linear trend").fit(disp=False)

    return Candidate(name, log_scale, min_obs, fit, _predict_state_space, handles_missing=True)


def _predict_state_space(res: Any, steps: int, alpha: float) -> pd.DataFrame:
    sf = res.get_forecast(steps).summary_frame(alpha=alpha)
    return pd.DataFrame({"mean": sf["mean"].to_numpy(), "lower": sf["mean_ci_lower"].to_numpy(),
                         "upper": sf["mean_ci_upper"].to_numpy()})


def _predict_ets(res: Any, steps: int, alpha: float) -> pd.DataFrame:
    n = int(res.nobs)
    # multiplicative-error intervals are simulated: a fixed generator keeps them reproducible
    pred = res.get_prediction(start=n, end=n + steps - 1, rng=np.random.default_rng(0))
    sf = pred.summary_frame(alpha=alpha)
    return pd.DataFrame({"mean": sf["mean"].to_numpy(), "lower": sf["pi_lower"].to_numpy(),
                         "upper": sf["pi_upper"].to_numpy()})


def _annual_candidates() -> tuple[Candidate, ...]:
    return (
        _arima_candidate("random walk with drift on log, ARIMA(0,1,0)+drift", (0, 1, 0),
                         True, 4),
        _arima_candidate("random walk with drift, ARIMA(0,1,0)+drift", (0, 1, 0), False, 4),
        _arima_candidate("AR(1) log growth, ARIMA(1,1,0)+drift on log", (1, 1, 0), True, 7),
        _ets_candidate("ETS(A,A,N) on log", "add", False, True, 6),
        _ets_candidate("ETS(A,Ad,N) on log", "add", True, True, 7),
        _ets_candidate("ETS(M,A,N)", "mul", False, False, 6),
    )


def _quarterly_candidates() -> tuple[Candidate, ...]:
    # quarterly series have missing quarters, so only state-space models (Kalman filter)
    return (
        _arima_candidate("random walk with drift on log, ARIMA(0,1,0)+drift", (0, 1, 0),
                         True, 5),
        _arima_candidate("random walk with drift, ARIMA(0,1,0)+drift", (0, 1, 0), False, 5),
        _local_linear_trend_candidate("local linear trend on log", True, 6),
    )


ANNUAL_CANDIDATES: tuple[Candidate, ...] = _annual_candidates()
QUARTERLY_CANDIDATES: tuple[Candidate, ...] = _quarterly_candidates()


# --- series extraction ---------------------------------------------------------------------


def _as_date(as_of: str | dt.date) -> pd.Timestamp:
    return pd.Timestamp(dt.date.fromisoformat(as_of) if isinstance(as_of, str) else as_of)


def annual_series(annual: pd.DataFrame, column: str, as_of: str) -> pd.Series:
    """Return one annual column as a float series indexed by ``int`` year, cut at ``as_of``.

    Args:
        annual: Wide annual frame with an int column ``year``.
        column: Column to extract.
        as_of: Cut-off (ISO date); fiscal years ending after it are dropped.

    Returns:
        Series indexed by year, leading and trailing missing values removed.
    """
    cut = _as_date(as_of)
    last_year = cut.year if (cut.month, cut.day) == (12, 31) else cut.year - 1
    data = annual.loc[annual["year"] <= last_year, ["year", column]].sort_values("year")
    out = pd.Series(data[column].to_numpy(dtype=float), index=data["year"].astype(int).to_numpy(),
                    name=column)
    return _trim(out)


def quarterly_series(quarterly: pd.DataFrame, column: str, as_of: str) -> pd.Series:
    """Return one quarterly column indexed by ``"YYYYQn"`` strings, cut at ``as_of``.

    Missing quarters inside the range are kept as NaN (the state-space models skip them).

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


# --- fitting machinery ---------------------------------------------------------------------


def _to_period_series(y: pd.Series, freq: str) -> pd.Series:
    # statsmodels needs a dated index to forecast (pitfall B4.1): PeriodIndex, "Y" or "Q"
    start = str(y.index[0])
    return pd.Series(y.to_numpy(dtype=float), index=pd.period_range(start, periods=len(y),
                                                                     freq=freq))


@dataclass(frozen=True)
class _Fit:
    ok: bool
    converged: bool
    aicc: float
    frames: dict[float, pd.DataFrame]  # level -> mean, lower, upper on the original scale
    notes: tuple[str, ...]


def _fit_and_predict(cand: Candidate, y: pd.Series, steps: int, levels: Sequence[float]) -> _Fit:
    """Fit one candidate and predict ``steps`` ahead; never raises, never lets a warning out."""
    notes: list[str] = []
    values = y.to_numpy(dtype=float)
    if cand.log_scale and np.nanmin(values) <= 0:
        return _Fit(False, False, math.nan, {}, ("log model needs positive values",))
    model_y = np.log(y) if cand.log_scale else y
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            res = cand.fit(model_y)
            raw = {lv: cand.predict(res, steps, 1.0 - lv) for lv in levels}
        except Exception as exc:  # statsmodels raises LinAlgError, ValueError, IndexError...
            return _Fit(False, False, math.nan, {}, (f"{type(exc).__name__}: {exc}",))
    retvals = getattr(res, "mle_retvals", None) or {}
    converged = bool(retvals.get("converged", True))
    for w in caught:
        notes.append(f"{w.category.__name__}: {w.message}")
        if w.category.__name__ == "ConvergenceWarning":
            converged = False
    aicc = float(getattr(res, "aicc", math.nan))
    if cand.log_scale and math.isfinite(aicc):
        # Jacobian of the log transform puts the AICc on the original scale
        burn = int(getattr(res, "loglikelihood_burn", 0) or 0)
        used = values[burn:]
        aicc += 2.0 * float(np.nansum(np.log(used)))
    frames = {lv: _to_original_scale(f, cand.log_scale, lv) for lv, f in raw.items()}
    finite = all(np.isfinite(f.to_numpy()).all() for f in frames.values())
    if not finite:
        notes.append("non-finite forecast or interval")
    return _Fit(finite, converged, aicc, frames, tuple(notes))


def _to_original_scale(f: pd.DataFrame, log_scale: bool, level: float) -> pd.DataFrame:
    if not log_scale:
        return f.reset_index(drop=True)
    z = stats.norm.ppf(0.5 + level / 2.0)
    sd = (f["upper"] - f["lower"]).to_numpy() / (2.0 * z)
    return pd.DataFrame({"mean": np.exp(f["mean"].to_numpy() + sd**2 / 2.0),
                         "lower": np.exp(f["lower"].to_numpy()),
                         "upper": np.exp(f["upper"].to_numpy())})


def naive_drift_forecast(values: Sequence[float] | np.ndarray, steps: int, level: float,
                         log_scale: bool = False) -> pd.DataFrame:
    """Random walk with drift in closed form (the benchmark, and the last-resort fallback).

    The interval includes the uncertainty of the estimated drift,
    ``sd_h = sigma * sqrt(h * (1 + h / (T - 1)))`` (Hyndman and Athanasopoulos, fpp3 5.5),
    and of ``sigma`` (Student t quantile with ``T - 2`` degrees of freedom).

    Args:
        values: Observed values, consecutive periods, no missing values, at least 3.
        steps: Periods ahead.
        level: Interval level, a fraction.
        log_scale: Work on logs (a constant growth rate) instead of levels.

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
    z = stats.t.ppf(0.5 + level / 2.0, df=max(diffs.size - 1, 1))
    out = pd.DataFrame({"mean": mean, "lower": mean - z * sd, "upper": mean + z * sd})
    if log_scale:
        out = pd.DataFrame({"mean": np.exp(mean + sd**2 / 2.0), "lower": np.exp(out["lower"]),
                            "upper": np.exp(out["upper"])})
    return out


def _rolling_origin_errors(cand: Candidate, y: pd.Series, freq: str
                           ) -> tuple[np.ndarray, np.ndarray, np.ndarray, int, int]:
    """Forecast the next observed period from every origin with ``cand.min_obs`` or more obs.

    Returns:
        (observations in each training window, forecasts, actuals, number of failed refits,
        number of non-converged refits).
    """
    values = y.to_numpy(dtype=float)
    observed = np.flatnonzero(np.isfinite(values))
    n_train, fc, act = [], [], []
    failed = not_converged = 0
    for k in range(cand.min_obs - 1, len(observed) - 1):
        end, target = observed[k], observed[k + 1]  # last training and next observed position
        fit = _fit_and_predict(cand, _to_period_series(y.iloc[: end + 1], freq),
                               int(target - end), (0.8,))
        if not fit.ok:
            failed += 1
            continue
        not_converged += not fit.converged
        n_train.append(k + 1)
        fc.append(float(fit.frames[0.8]["mean"].iloc[-1]))
        act.append(values[target])
    return np.asarray(n_train), np.asarray(fc), np.asarray(act), failed, not_converged


def _error_stats(fc: np.ndarray, act: np.ndarray) -> dict[str, float | int]:
    positive = bool((fc > 0).all() and (act > 0).all())
    return {"rmse": float(np.sqrt(np.mean((fc - act) ** 2))),
            "rmse_log": float(np.sqrt(np.mean(np.log(act / fc) ** 2))) if positive else math.nan,
            "mape_pct": float(100.0 * np.mean(np.abs(fc / act - 1.0))), "n_cv": int(fc.size)}


def _normalise_levels(interval_level_pct: float | Sequence[float]) -> tuple[float, ...]:
    pcts = [interval_level_pct] if np.isscalar(interval_level_pct) else list(interval_level_pct)
    levels = tuple(sorted({round(float(p) / 100.0, 6) for p in pcts}))
    if not levels or any(not 0.0 < lv < 1.0 for lv in levels):
        raise ValueError(f"interval levels must be between 0 and 100 %, got {interval_level_pct}")
    return levels


def _period_labels(last: str, steps: int, freq: str) -> list[int] | list[str]:
    if freq == "Y":
        return [int(last) + h for h in range(1, steps + 1)]
    start = pd.Period(last, freq="Q")
    return [str(start + h) for h in range(1, steps + 1)]


def forecast_series(y: pd.Series, steps: int, freq: str,
                    interval_level_pct: float | Sequence[float] = 80,
                    candidates: Sequence[Candidate] | None = None) -> ForecastResult:
    """Fit the candidates to ``y``, choose one, and forecast ``steps`` periods ahead.

    Selection rule: candidates that fit without error, converge and give finite intervals are
    eligible. Each eligible candidate is refitted at every rolling origin common to all of
    them and forecasts the next observed period; the one with the lowest RMSE of log errors
    (a relative error, comparable across log and level models) wins. With fewer than three
    such errors the lowest AICc wins instead. If no candidate is eligible, a closed-form random
    walk with drift on logs is used and the fallback is recorded.

    Args:
        y: Observed values indexed by int year (``freq="Y"``) or ``"YYYYQn"`` labels
            (``freq="Q"``); consecutive periods, NaN for missing ones.
        steps: Periods to forecast after the last observation.
        freq: ``"Y"`` or ``"Q"``.
        interval_level_pct: One or several interval levels in percent.
        candidates: Models to try; defaults to the annual or quarterly set.

    Returns:
        A :class:`ForecastResult`.
    """
    if freq not in ("Y", "Q"):
        raise ValueError(f"freq must be 'Y' or 'Q', got {freq!r}")
    if steps < 1:
        raise ValueError("steps must be at least 1")
    levels = _normalise_levels(interval_level_pct)
    if candidates is None:
        candidates = ANNUAL_CANDIDATES if freq == "Y" else QUARTERLY_CANDIDATES
    y = _trim(y.astype(float))
    n_obs = int(y.notna().sum())
    if n_obs < 3:
        raise ValueError(f"need at least 3 observations of {y.name!r}, got {n_obs}")
    has_gaps = bool(y.isna().any())
    history = pd.DataFrame({"period": _labels(y.index, freq), "value": y.to_numpy()}
                           ).dropna(subset=["value"]).reset_index(drop=True)
    py = _to_period_series(y, freq)

    rows: list[dict[str, Any]] = []
    log: list[str] = []
    fits: dict[str, _Fit] = {}
    for cand in candidates:
        row = {"model": cand.name, "aicc": math.nan, "rmse": math.nan, "rmse_log": math.nan,
               "mape_pct": math.nan, "n_cv": 0, "converged": False, "selected": False,
               "note": ""}
        if n_obs < cand.min_obs:
            row["note"] = f"too few observations ({n_obs} < {cand.min_obs})"
        elif has_gaps and not cand.handles_missing:
            row["note"] = "cannot handle missing periods"
        else:
            fit = _fit_and_predict(cand, py, steps, levels)
            row.update(aicc=fit.aicc, converged=fit.converged)
            log.extend(f"{cand.name}: {note}" for note in fit.notes)
            if not fit.ok:
                row["note"] = "failed: " + (fit.notes[-1] if fit.notes else "unknown error")
            elif not fit.converged:
                row["note"] = "did not converge; excluded"
            else:
                fits[cand.name] = fit
        rows.append(row)

    # rolling-origin errors; candidates with enough of them are compared on shared origins
    cv: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
    # a single eligible model needs no comparison: skip the refits
    for cand in (c for c in candidates if c.name in fits and len(fits) > 1):
        n_train, fc, act, failed, not_conv = _rolling_origin_errors(cand, y, freq)
        row = next(r for r in rows if r["model"] == cand.name)
        if failed:
            row["note"] = f"{failed} rolling-origin refit(s) failed; not compared"
            log.append(f"{cand.name}: {failed} rolling-origin refit(s) failed")
            continue
        if not_conv:
            log.append(f"{cand.name}: {not_conv} rolling-origin refit(s) did not converge")
        if fc.size:
            cv[cand.name] = (n_train, fc, act)
            row.update(_error_stats(fc, act))
    pool = [c for c in candidates if c.name in cv and cv[c.name][1].size >= MIN_CV_ERRORS]
    if pool:
        shared = max(c.min_obs for c in pool)  # windows long enough for every pool member
        for cand in pool:
            n_train, fc, act = cv[cand.name]
            keep = n_train >= shared
            next(r for r in rows if r["model"] == cand.name).update(
                _error_stats(fc[keep], act[keep]))
    for row in rows:
        if row["model"] in fits and row["model"] not in {c.name for c in pool} and pool \
                and not row["note"]:
            row["note"] = (f"only {row['n_cv']} rolling-origin forecast(s); too few to "
                           "compare")
    table = pd.DataFrame(rows, columns=CANDIDATE_COLUMNS)
    chosen, reason = _choose(table, list(fits))

    if chosen is None:
        tail = _trailing_run(y)
        use_log = bool((tail > 0).all())
        model = CLOSED_FORM_NAME if use_log else "random walk with drift (closed form)"
        frames = {lv: naive_drift_forecast(tail, steps, lv, log_scale=use_log) for lv in levels}
        reason = ("Fallback: no candidate model fitted, converged and gave finite intervals "
                  f"({len(candidates)} tried), so a {model} was used on the last "
                  f"{tail.size} consecutive observations.")
        log.append(f"fallback to {model}")
    else:
        model = chosen
        frames = fits[chosen].frames
        table.loc[table["model"] == chosen, "selected"] = True
    labels = _period_labels(str(y.index[-1]), steps, freq)
    frame = pd.concat([
        pd.DataFrame({"period": labels, "mean": f["mean"].to_numpy(),
                      "lower": f["lower"].to_numpy(), "upper": f["upper"].to_numpy(),
                      "level": lv, "model": model})
        for lv, f in frames.items()
    ], ignore_index=True)[FRAME_COLUMNS]
    return ForecastResult(frame=frame, history=history, model=model, reason=reason,
                          candidates=table, warnings=tuple(log))


def _labels(index: pd.Index, freq: str) -> list[int] | list[str]:
    return [int(p) for p in index] if freq == "Y" else [str(p) for p in index]


def _trailing_run(y: pd.Series) -> np.ndarray:
    values = y.to_numpy(dtype=float)
    missing = np.flatnonzero(~np.isfinite(values))
    start = missing[-1] + 1 if missing.size else 0
    run = values[start:]
    return run if run.size >= 3 else values[np.isfinite(values)]


def _choose(table: pd.DataFrame, eligible: list[str]) -> tuple[str | None, str]:
    if not eligible:
        return None, ""
    ok = table[table["model"].isin(eligible)]
    pool = ok[ok["rmse_log"].notna() & (ok["n_cv"] >= MIN_CV_ERRORS)]
    excluded = len(table) - len(ok)
    tail = f" {excluded} candidate(s) excluded (see notes)." if excluded else ""
    if len(ok) == 1:
        return str(ok["model"].iloc[0]), f"The only candidate that fitted and converged.{tail}"
    if not pool.empty:
        best = pool.sort_values(["rmse_log", "aicc"]).iloc[0]
        return str(best["model"]), (
            f"Lowest rolling-origin error among the {len(pool)} converged candidates with at "
            f"least {MIN_CV_ERRORS} forecasts on shared origins: RMSE of log errors "
            f"{text.fmt_decimal(best['rmse_log'], 3)} "
            f"(MAPE {text.fmt_pct(best['mape_pct'], 1)}) over "
            f"{int(best['n_cv'])} forecasts of the next observed period.{tail}")
    best = ok.sort_values(["aicc", "model"], na_position="last").iloc[0]
    return str(best["model"]), (
        f"Series too short for {MIN_CV_ERRORS} rolling-origin forecasts, so the lowest AICc "
        f"among {len(ok)} converged candidates was chosen "
        f"({text.fmt_decimal(best['aicc'], 1)}, original "
        f"scale).{tail}")


# --- public forecasts ----------------------------------------------------------------------


def forecast_annual(annual: pd.DataFrame, column: str, as_of: str, horizon_year: int = 2027,
                    interval_level_pct: float | Sequence[float] = 80,
                    candidates: Sequence[Candidate] | None = None) -> ForecastResult:
    """Forecast one annual column to ``horizon_year`` using data up to ``as_of``.

    Args:
        annual: Wide annual frame (int column ``year``).
        column: Column to forecast.
        as_of: Data cut-off (ISO date).
        horizon_year: Last year forecast.
        interval_level_pct: Interval level(s) in percent.
        candidates: Models to try (default :data:`ANNUAL_CANDIDATES`).

    Returns:
        A :class:`ForecastResult` with int-year periods.
    """
    y = annual_series(annual, column, as_of)
    if y.empty:
        raise ValueError(f"no observations of {column!r} up to {as_of}")
    steps = horizon_year - int(y.index[-1])
    if steps < 1:
        raise ValueError(f"horizon_year {horizon_year} is not after the last observed year "
                         f"{int(y.index[-1])}")
    return forecast_series(y, steps, "Y", interval_level_pct, candidates)


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
                          candidates: Sequence[Candidate] | None = None) -> ForecastResult:
    """Forecast gross capex (purchases of property and equipment), USD m per year.

    See :func:`forecast_annual`; the column is ``capex_gross_usd_m``.
    """
    return forecast_annual(annual, "capex_gross_usd_m", as_of, horizon_year,
                           interval_level_pct, candidates)


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
                            horizon_year: int = 2027, guidance_band_pct: float = GUIDANCE_BAND_PCT,
                            interval_level_pct: float | Sequence[float] = 80,
                            candidates: Sequence[Candidate] | None = None) -> ForecastResult:
    """Capex path from company guidance: guidance for its year, forecast growth after it.

    ``guidance_year`` = the guided amount, with an assumed band of ``±guidance_band_pct`` at
    every interval level ("about $200 billion"; gross or net basis not stated). Each later
    year applies the statistical forecast's growth (ratio of consecutive forecast means) to
    the previous one; its interval combines, on the log scale and in quadrature, the guidance
    band with the chosen model's relative interval ``h`` steps after an observed year.

    If the guidance was announced after ``as_of``, or the guided year is already observed,
    the statistical forecast is returned instead and ``reason`` says so.

    Args:
        annual: Wide annual frame.
        as_of: Data cut-off (ISO date).
        guidance_usd_m: Guided gross capex for ``guidance_year``, USD m.
        guidance_year: Year the guidance is for.
        guidance_announced: Date of the guidance (ISO); ignored before it.
        horizon_year: Last year of the path.
        guidance_band_pct: Assumed half-width of the guidance band, % (0 = exact).
        interval_level_pct: Interval level(s) in percent.
        candidates: Models to try for the growth.

    Returns:
        A :class:`ForecastResult`; ``model`` is ``"guidance + <growth model>"``.
    """
    stat = forecast_capex_annual(annual, as_of, horizon_year, interval_level_pct, candidates)
    last_year = int(stat.history["period"].iloc[-1])
    if _as_date(guidance_announced) > _as_date(as_of):
        return _replace_reason(stat, f"Guidance of {guidance_announced} is after as_of {as_of}; "
                                     "statistical forecast used. " + stat.reason)
    if guidance_year <= last_year:
        return _replace_reason(stat, f"FY{guidance_year} is already reported; statistical "
                                     "forecast used. " + stat.reason)
    if guidance_year > horizon_year:
        raise ValueError("guidance_year is after horizon_year")
    model = f"guidance + {stat.model} growth"
    if not 0.0 <= guidance_band_pct < 100.0:
        raise ValueError("guidance_band_pct must be in [0, 100)")
    # ±band% around the guidance, carried on the log scale
    band_lo = -math.log1p(-guidance_band_pct / 100.0)
    band_hi = math.log1p(guidance_band_pct / 100.0)
    rows = []
    for lv, f in stat.frame.groupby("level", sort=True):
        f = f.set_index("period")
        # relative interval h steps after an observed year (h = 1, 2, ...)
        rel_lo = np.log(f["lower"].to_numpy() / f["mean"].to_numpy())
        rel_hi = np.log(f["upper"].to_numpy() / f["mean"].to_numpy())
        value = guidance_usd_m
        for year in range(guidance_year, horizon_year + 1):
            if year > guidance_year:
                value *= float(f.loc[year, "mean"] / f.loc[year - 1, "mean"])
            h = year - guidance_year  # steps after the guided year
            lo = -math.hypot(band_lo, rel_lo[h - 1] if h else 0.0)
            hi = math.hypot(band_hi, rel_hi[h - 1] if h else 0.0)
            rows.append({"period": year, "mean": value, "lower": value * math.exp(lo),
                         "upper": value * math.exp(hi), "level": float(lv), "model": model})
    frame = pd.DataFrame(rows, columns=FRAME_COLUMNS)
    stat_years = [p for p in stat.frame["period"].unique() if p < guidance_year]
    if stat_years:  # years between the last report and the guided year stay statistical
        frame = pd.concat([stat.frame[stat.frame["period"].isin(stat_years)], frame],
                          ignore_index=True)
    frame = frame.sort_values(["level", "period"], kind="stable").reset_index(drop=True)
    reason = (f"FY{guidance_year} set to the company guidance of "
              f"{text.fmt_usd_words(guidance_usd_m)} (announced "
              f"{text.fmt_date(guidance_announced)}; {guidance_band_pct:g}% band either "
              "side assumed); later "
              f"years apply the growth of the statistical forecast ({stat.model}).")
    return ForecastResult(frame=frame, history=stat.history, model=model, reason=reason,
                          candidates=stat.candidates, warnings=stat.warnings)


def _replace_reason(res: ForecastResult, reason: str) -> ForecastResult:
    return ForecastResult(res.frame, res.history, res.model, reason, res.candidates,
                          res.warnings)


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

    cut = _as_date(as_of)
    last_year = cut.year if (cut.month, cut.day) == (12, 31) else cut.year - 1
    data = annual.loc[annual["year"] <= last_year].sort_values("year")
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

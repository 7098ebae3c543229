"""Warehouse automation and AWS: adoption curves, the leaked plan, and the AWS segment.

Chapter 3 of the report ("The AI-native enterprise") and the claim ledger call these pure
functions. Nothing here reads files or prints; every warning raised by a fit is caught and
returned as text, so no warning reaches a page.

Conventions:
    * Robot counts are fitted on the natural log (counts grow by orders of magnitude; errors are
      multiplicative), by least squares over the log residuals.
    * Time is a decimal year (``2025.5`` is 1 Jul 2025). A count the source calls "year-end" is
      dated 31 Dec of its year; any other count (a mid-year announcement, or a figure whose month
      is not known) is dated 1 Jul of its year.
    * ``as_of`` (ISO date) cuts the data: a robot count or milestone counts once its date is on or
      before ``as_of``; a fiscal year once its year end (31 Dec) is.
    * Intervals are central percentile intervals at ``level_pct`` (e.g. 80 -> 10th-90th).
      Curve bands come from a parametric bootstrap (log residuals drawn from a normal with the
      fit's residual standard deviation, then refitted); they show parameter uncertainty of the
      fitted curve, not the scatter of single counts around it.
    * A ceiling interval is also read from the profile of the fit: every ceiling whose best fit
      is not worse than the unconstrained one by more than the F(1, n - p) quantile at the level.
      With six points this is an approximation, and its upper end may not exist.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
from scipy import optimize, special

from analysis import text

__all__ = [
    "MODEL_LABELS",
    "MODEL_NAMES",
    "AwsTrend",
    "ChapterResults",
    "ClaimEvidence",
    "CurveBootstrap",
    "CurveFit",
    "LeakedPlan",
    "PlanComparison",
    "RobotAnalysis",
    "analyse_chapter",
    "analyse_robots",
    "aws_margin_trend",
    "aws_revenue_margin_chart",
    "aws_segments",
    "aws_share_chart",
    "aws_summary",
    "bootstrap_curve",
    "ceiling_profile",
    "ceiling_profile_chart",
    "claim_evidence",
    "compare_models",
    "decimal_year",
    "fit_curve",
    "gompertz_robots",
    "holdout_last_point",
    "leaked_plan",
    "log_linear_robots",
    "logistic_robots",
    "milestone_timeline",
    "plan_comparison_table",
    "plan_vs_curve",
    "profile_interval",
    "robot_density",
    "robot_growth",
    "robot_observations",
    "robots_chart",
    "timeline_chart",
    "unverified_figures",
]

#: Curve models, in the order pages show them.
MODEL_NAMES: tuple[str, ...] = ("logistic", "gompertz", "log-linear")
#: How pages name the models.
MODEL_LABELS: dict[str, str] = {
    "logistic": "logistic (ceiling)",
    "gompertz": "Gompertz (ceiling)",
    "log-linear": "log-linear (no ceiling)",
}
MAX_CEILING_ROBOTS = 1e9  # upper search bound of a ceiling: 1,000 times the 2025 fleet
T_REF = 2020.0  # reference year of the log-linear level
DEFAULT_N_BOOT = 1000
_MODEL_COLOURS = {"logistic": "#0072B2", "gompertz": "#009E73", "log-linear": "#D55E00"}


# --- curves --------------------------------------------------------------------------------


def logistic_robots(t_year: np.ndarray | float, ceiling_robots: float, rate_per_year: float,
                    midpoint_year: float) -> np.ndarray:
    """Logistic adoption curve ``K / (1 + exp(-r (t - t0)))``.

    Args:
        t_year: Decimal years.
        ceiling_robots: Ceiling ``K`` (robots).
        rate_per_year: Steepness ``r`` (per year).
        midpoint_year: Year ``t0`` at which half the ceiling is reached.

    Returns:
        Robots at each ``t_year``.
    """
    t = np.asarray(t_year, dtype=float)
    return ceiling_robots * np.exp(-np.logaddexp(0.0, -rate_per_year * (t - midpoint_year)))


def gompertz_robots(t_year: np.ndarray | float, ceiling_robots: float, rate_per_year: float,
                    inflection_year: float) -> np.ndarray:
    """Gompertz adoption curve ``K exp(-exp(-c (t - ti)))`` (inflection at ``K / e``).

    Args:
        t_year: Decimal years.
        ceiling_robots: Ceiling ``K`` (robots).
        rate_per_year: Rate ``c`` (per year).
        inflection_year: Year ``ti`` of fastest growth in robots per year.

    Returns:
        Robots at each ``t_year``.
    """
    t = np.asarray(t_year, dtype=float)
    return ceiling_robots * np.exp(-np.exp(-rate_per_year * (t - inflection_year)))


def log_linear_robots(t_year: np.ndarray | float, robots_2020: float,
                      growth_pct_per_year: float) -> np.ndarray:
    """Constant-growth (log-linear) curve, no ceiling.

    Args:
        t_year: Decimal years.
        robots_2020: Level at the start of 2020 (robots).
        growth_pct_per_year: Growth per year in percent.

    Returns:
        Robots at each ``t_year``.
    """
    t = np.asarray(t_year, dtype=float)
    return robots_2020 * np.power(1.0 + growth_pct_per_year / 100.0, t - T_REF)


# Internal parameterisation (theta, last axis) for fitting on logs:
#   logistic:   (log K, log r, t0)
#   gompertz:   (log K, log c, ti)
#   log-linear: (log level at T_REF, log growth factor)
# Curves and Jacobians broadcast: theta of shape (..., p) and t of shape (n,) give (..., n)
# values and (..., n, p) derivatives.


def _log_logistic(t: np.ndarray, theta: np.ndarray) -> np.ndarray:
    th = np.asarray(theta, dtype=float)
    log_k, rate, t0 = th[..., 0, None], np.exp(th[..., 1, None]), th[..., 2, None]
    return log_k - np.logaddexp(0.0, -rate * (t - t0))


def _jac_logistic(t: np.ndarray, theta: np.ndarray) -> np.ndarray:
    th = np.asarray(theta, dtype=float)
    rate, t0 = np.exp(th[..., 1, None]), th[..., 2, None]
    s = special.expit(-rate * (t - t0))
    return np.stack([np.ones_like(s), s * rate * (t - t0), -s * rate], axis=-1)


def _log_gompertz(t: np.ndarray, theta: np.ndarray) -> np.ndarray:
    th = np.asarray(theta, dtype=float)
    log_k, rate, ti = th[..., 0, None], np.exp(th[..., 1, None]), th[..., 2, None]
    return log_k - np.exp(-rate * (t - ti))


def _jac_gompertz(t: np.ndarray, theta: np.ndarray) -> np.ndarray:
    th = np.asarray(theta, dtype=float)
    rate, ti = np.exp(th[..., 1, None]), th[..., 2, None]
    e = np.exp(-rate * (t - ti))
    return np.stack([np.ones_like(e), e * rate * (t - ti), -e * rate], axis=-1)


def _log_loglinear(t: np.ndarray, theta: np.ndarray) -> np.ndarray:
    th = np.asarray(theta, dtype=float)
    return th[..., 0, None] + th[..., 1, None] * (t - T_REF)


def _jac_loglinear(t: np.ndarray, theta: np.ndarray) -> np.ndarray:
    th = np.asarray(theta, dtype=float)
    ones = np.ones(th.shape[:-1] + (np.asarray(t).size,))
    return np.stack([ones, ones * (t - T_REF)], axis=-1)


@dataclass(frozen=True)
class _Model:
    name: str
    log_curve: Callable[[np.ndarray, np.ndarray], np.ndarray]
    jac: Callable[[np.ndarray, np.ndarray], np.ndarray]
    n_params: int
    has_ceiling: bool

    def bounds(self, log_ymax: float) -> tuple[np.ndarray, np.ndarray]:
        if not self.has_ceiling:
            return np.array([-np.inf, -1.0]), np.array([np.inf, 2.0])
        return (np.array([log_ymax - math.log(2.0), math.log(1e-3), 1950.0]),
                np.array([math.log(MAX_CEILING_ROBOTS), math.log(5.0), 2150.0]))

    def starts(self, t: np.ndarray, log_y: np.ndarray) -> list[np.ndarray]:
        slope = float(np.polyfit(t, log_y, 1)[0])
        if not self.has_ceiling:
            return [np.array([float(np.mean(log_y) - slope * (np.mean(t) - T_REF)), slope])]
        out = []
        for ratio in (1.3, 3.0, 10.0, 100.0):
            log_k = float(log_y.max() + math.log(ratio))
            rate = max(slope, 0.05)
            share = math.exp(log_y[-1] - log_k)
            # Place the curve so that it passes the last observation.
            if self.name == "logistic":
                t_mid = float(t[-1] + math.log(1.0 / share - 1.0) / rate)
            else:
                t_mid = float(t[-1] + math.log(-math.log(share)) / rate)
            out.append(np.array([log_k, math.log(rate), t_mid]))
        return out

    def public(self, theta: np.ndarray) -> dict[str, float]:
        if self.name == "logistic":
            return {"ceiling_robots": math.exp(theta[0]), "rate_per_year": math.exp(theta[1]),
                    "midpoint_year": float(theta[2])}
        if self.name == "gompertz":
            return {"ceiling_robots": math.exp(theta[0]), "rate_per_year": math.exp(theta[1]),
                    "inflection_year": float(theta[2])}
        return {"robots_2020": math.exp(theta[0]),
                "growth_pct_per_year": (math.exp(theta[1]) - 1.0) * 100.0}


_MODELS: dict[str, _Model] = {
    "logistic": _Model("logistic", _log_logistic, _jac_logistic, 3, True),
    "gompertz": _Model("gompertz", _log_gompertz, _jac_gompertz, 3, True),
    "log-linear": _Model("log-linear", _log_loglinear, _jac_loglinear, 2, False),
}


def _model(name: str) -> _Model:
    try:
        return _MODELS[name]
    except KeyError:
        raise ValueError(f"unknown model {name!r}; use one of {', '.join(MODEL_NAMES)}") from None


# --- fitting -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CurveFit:
    """A curve fitted to robot counts on the log scale.

    Attributes:
        model: ``"logistic"``, ``"gompertz"`` or ``"log-linear"``.
        params: Named parameters: ``ceiling_robots``, ``rate_per_year`` and ``midpoint_year``
            (logistic) or ``inflection_year`` (Gompertz); ``robots_2020`` and
            ``growth_pct_per_year`` (log-linear).
        theta: Internal parameters on the fitting scale (used to refit and predict).
        t_year: Decimal years fitted.
        robots: Counts fitted.
        rss_log: Sum of squared log residuals.
        sigma_log: Residual standard deviation on the log scale, ``sqrt(rss / (n - p))``.
        n_obs: Number of counts.
        n_params: Number of curve parameters.
        aicc: Small-sample AIC (Gaussian log residuals; sigma counted as a parameter); ``inf``
            when there are too few points for the correction.
        converged: The optimiser reported success.
        ceiling_at_bound: The ceiling sits at the search bound (:data:`MAX_CEILING_ROBOTS`).
        warnings: Warning messages raised by the fit, as text.
    """

    model: str
    params: dict[str, float]
    theta: tuple[float, ...]
    t_year: tuple[float, ...]
    robots: tuple[float, ...]
    rss_log: float
    sigma_log: float
    n_obs: int
    n_params: int
    aicc: float
    converged: bool
    ceiling_at_bound: bool
    warnings: tuple[str, ...] = ()

    def predict(self, t_year: np.ndarray | Sequence[float] | float) -> np.ndarray:
        """Return the fitted robots at ``t_year`` (decimal years)."""
        t = np.asarray(t_year, dtype=float)
        return np.exp(_model(self.model).log_curve(t, np.asarray(self.theta)))


def _aicc(rss: float, n: int, n_params: int) -> float:
    k = n_params + 1  # the residual variance is estimated too
    if n - k - 1 <= 0 or rss <= 0:
        return math.inf
    return n * math.log(rss / n) + 2 * k + 2 * k * (k + 1) / (n - k - 1)


def _least_squares(spec: _Model, t: np.ndarray, log_y: np.ndarray,
                   starts: Sequence[np.ndarray], bounds: tuple[np.ndarray, np.ndarray],
                   ) -> tuple[np.ndarray, float, bool]:
    """Best of several bounded least-squares fits; (theta, rss, converged)."""
    best: tuple[np.ndarray, float, bool] | None = None
    lower, upper = np.asarray(bounds[0]), np.asarray(bounds[1])
    for start in starts:
        x0 = np.clip(np.asarray(start, dtype=float), lower + 1e-9, upper - 1e-9)
        try:
            res = optimize.least_squares(
                lambda th: spec.log_curve(t, th) - log_y, x0,
                jac=lambda th: spec.jac(t, th), bounds=(lower, upper),
                method="trf", x_scale="jac", max_nfev=2000)
        except (ValueError, FloatingPointError, np.linalg.LinAlgError):
            continue
        rss = float(np.sum(res.fun ** 2))
        if not math.isfinite(rss):
            continue
        if best is None or rss < best[1] - 1e-12:
            best = (res.x, rss, bool(res.success))
    if best is None:
        raise ValueError(f"the {spec.name} curve could not be fitted")
    return best


def _batched_fit(spec: _Model, t: np.ndarray, log_y: np.ndarray, theta0: np.ndarray,
                 bounds: tuple[np.ndarray, np.ndarray], max_iter: int = 300,
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fit many series at once: projected Levenberg-Marquardt, vectorised over rows.

    Args:
        spec: The model.
        t: Decimal years, shape (n,).
        log_y: Log counts, shape (B, n).
        theta0: Start, shape (p,) or (B, p).
        bounds: Lower and upper bounds, shape (p,).
        max_iter: Iteration limit.

    Returns:
        theta (B, p), rss (B,), converged (B,) (bool).
    """
    n_rows, p = log_y.shape[0], spec.n_params
    lower, upper = bounds
    theta = np.clip(np.broadcast_to(np.asarray(theta0, dtype=float), (n_rows, p)).copy(),
                    lower, upper)
    resid = spec.log_curve(t, theta) - log_y
    rss = np.sum(resid ** 2, axis=-1)
    lam = np.full(n_rows, 1e-3)
    active = np.isfinite(rss)
    converged = np.zeros(n_rows, dtype=bool)
    eye = np.eye(p)
    for _ in range(max_iter):
        if not active.any():
            break
        idx = np.flatnonzero(active)
        jac = spec.jac(t, theta[idx])
        jtj = np.einsum("bnp,bnq->bpq", jac, jac)
        grad = np.einsum("bnp,bn->bp", jac, resid[idx])
        scale = np.diagonal(jtj, axis1=1, axis2=2) + 1e-12
        system = jtj + lam[idx, None, None] * (eye * scale[:, None, :])
        try:
            step = -np.linalg.solve(system, grad[..., None])[..., 0]
        except np.linalg.LinAlgError:
            step = -np.einsum("bpq,bq->bp", np.linalg.pinv(system), grad)
        cand = np.clip(theta[idx] + step, lower, upper)
        resid_c = spec.log_curve(t, cand) - log_y[idx]
        rss_c = np.sum(resid_c ** 2, axis=-1)
        better = np.isfinite(rss_c) & (rss_c < rss[idx])
        gain = np.where(better, rss[idx] - rss_c, 0.0)
        moved = np.max(np.abs(cand - theta[idx]), axis=-1)
        took = idx[better]
        theta[took], resid[took], rss[took] = cand[better], resid_c[better], rss_c[better]
        lam[idx] = np.where(better, lam[idx] / 3.0, lam[idx] * 3.0)
        done = (better & ((gain <= 1e-12 * (rss_c + 1e-12)) | (moved < 1e-10))) \
            | (~better & (lam[idx] > 1e8))
        converged[idx[done]] = True
        active[idx[done]] = False
    return theta, rss, converged


def _prepare(t_year: Sequence[float] | np.ndarray, robots: Sequence[float] | np.ndarray,
             min_obs: int) -> tuple[np.ndarray, np.ndarray]:
    t = np.asarray(t_year, dtype=float)
    y = np.asarray(robots, dtype=float)
    if t.shape != y.shape or t.ndim != 1:
        raise ValueError("t_year and robots must be one-dimensional and of equal length")
    if not (np.all(np.isfinite(t)) and np.all(np.isfinite(y)) and np.all(y > 0)):
        raise ValueError("t_year must be finite and robots positive and finite")
    if t.size < min_obs:
        raise ValueError(f"need at least {min_obs} counts, got {t.size}")
    order = np.argsort(t, kind="stable")
    return t[order], y[order]


def fit_curve(t_year: Sequence[float] | np.ndarray, robots: Sequence[float] | np.ndarray,
              model: str = "logistic") -> CurveFit:
    """Fit an adoption curve to robot counts by least squares on the log scale.

    Several starting ceilings are tried and the best fit kept. Warnings are caught and
    returned in :attr:`CurveFit.warnings`.

    Args:
        t_year: Decimal years of the counts.
        robots: Robot counts (positive).
        model: ``"logistic"``, ``"gompertz"`` or ``"log-linear"``.

    Returns:
        The fit.

    Raises:
        ValueError: Unknown model, bad inputs, fewer counts than parameters plus one, or no
            start converged to a finite fit.
    """
    spec = _model(model)
    t, y = _prepare(t_year, robots, spec.n_params + 1)
    log_y = np.log(y)
    with warnings.catch_warnings(record=True) as caught, np.errstate(all="ignore"):
        warnings.simplefilter("always")
        theta, rss, ok = _least_squares(spec, t, log_y, spec.starts(t, log_y),
                                        spec.bounds(float(log_y.max())))
    n = int(t.size)
    at_bound = spec.has_ceiling and theta[0] >= math.log(MAX_CEILING_ROBOTS) - 1e-3
    return CurveFit(
        model=model, params=spec.public(theta), theta=tuple(float(v) for v in theta),
        t_year=tuple(float(v) for v in t), robots=tuple(float(v) for v in y), rss_log=rss,
        sigma_log=math.sqrt(rss / (n - spec.n_params)), n_obs=n, n_params=spec.n_params,
        aicc=_aicc(rss, n, spec.n_params), converged=ok, ceiling_at_bound=bool(at_bound),
        warnings=tuple(dict.fromkeys(str(w.message) for w in caught)))


# --- bootstrap -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CurveBootstrap:
    """Parametric-bootstrap uncertainty of a fitted curve.

    Attributes:
        fit: The point fit.
        level: Interval level (fraction, e.g. 0.8).
        band: One row per grid date: ``date`` (ISO string), ``t_year``, ``model``,
            ``fitted_robots`` (point fit), ``median_robots``, ``lower_robots``,
            ``upper_robots``, ``level``.
        draws: One row per successful refit: the named parameters (see :class:`CurveFit`).
        intervals: One row per parameter: ``parameter``, ``estimate``, ``lower``, ``upper``.
        theta_draws: Refitted internal parameters, shape (draws, parameters).
        n_boot: Refits attempted.
        n_failed: Refits that failed (dropped).
        share_ceiling_at_bound: Share of refits whose ceiling hit :data:`MAX_CEILING_ROBOTS`
            (0 for the log-linear model): a large share means the data set no upper limit.
        warnings: Warning messages raised by the refits, as text (deduplicated).
    """

    fit: CurveFit
    level: float
    band: pd.DataFrame
    draws: pd.DataFrame
    intervals: pd.DataFrame
    theta_draws: np.ndarray
    n_boot: int
    n_failed: int
    share_ceiling_at_bound: float
    warnings: tuple[str, ...] = field(default_factory=tuple)

    def interval(self, parameter: str) -> tuple[float, float]:
        """Return the (lower, upper) interval of a named parameter."""
        row = self.intervals.loc[self.intervals["parameter"] == parameter]
        if row.empty:
            raise KeyError(f"no parameter {parameter!r} in the {self.fit.model} bootstrap")
        return float(row["lower"].iloc[0]), float(row["upper"].iloc[0])

    def sample(self, t_year: Sequence[float] | np.ndarray) -> np.ndarray:
        """Return each refit's robots at ``t_year``: shape (draws, len(t_year))."""
        t = np.atleast_1d(np.asarray(t_year, dtype=float))
        return np.exp(_model(self.fit.model).log_curve(t, self.theta_draws))


def decimal_year(dates: Sequence[dt.date | str | pd.Timestamp] | pd.Series) -> np.ndarray:
    """Convert dates to decimal years (1 Jan 2025 -> 2025.0, 1 Jul 2025 -> about 2025.5).

    Args:
        dates: Dates, ISO strings or timestamps.

    Returns:
        Float array of decimal years.
    """
    stamps = pd.to_datetime(pd.Series(list(dates)))
    years = stamps.dt.year.to_numpy(dtype=float)
    day = stamps.dt.day_of_year.to_numpy(dtype=float) - 1.0
    length = np.where(stamps.dt.is_leap_year.to_numpy(), 366.0, 365.0)
    return years + day / length


def _grid(first_year: int, last_year: int) -> pd.DataFrame:
    dates = pd.date_range(f"{first_year}-01-01", f"{last_year}-12-31", freq="QS")
    dates = dates.append(pd.DatetimeIndex([pd.Timestamp(f"{last_year}-12-31")]))
    return pd.DataFrame({"date": [d.date().isoformat() for d in dates],
                         "t_year": decimal_year(dates)})


def bootstrap_curve(fit: CurveFit, *, first_year: int = 2014, last_year: int = 2033,
                    n_boot: int = DEFAULT_N_BOOT, seed: int = 0, level_pct: float = 80.0
                    ) -> CurveBootstrap:
    """Parametric bootstrap of a fitted curve: simulate log counts, refit, summarise.

    Each replicate draws log counts from the fitted curve plus normal noise with the fit's
    residual standard deviation and refits from the point estimate (all replicates at once;
    any that do not converge are refitted one by one from several starts). The same ``seed``
    gives the same result.

    Args:
        fit: A :class:`CurveFit`.
        first_year: First calendar year of the band grid.
        last_year: Last calendar year of the band grid (the band ends on 31 Dec).
        n_boot: Number of replicates.
        seed: Seed of the random number generator.
        level_pct: Interval level in percent (e.g. 80).

    Returns:
        The bootstrap summary.

    Raises:
        ValueError: ``n_boot`` below 10, a level outside (0, 100), or every refit failed.
    """
    if n_boot < 10:
        raise ValueError(f"n_boot must be at least 10, got {n_boot}")
    if not 0.0 < level_pct < 100.0:
        raise ValueError(f"level_pct must lie in (0, 100), got {level_pct}")
    spec = _model(fit.model)
    t = np.asarray(fit.t_year)
    theta_hat = np.asarray(fit.theta)
    rng = np.random.default_rng(seed)
    sims = spec.log_curve(t, theta_hat) + rng.normal(0.0, fit.sigma_log, size=(n_boot, t.size))
    bounds = spec.bounds(float(np.log(np.asarray(fit.robots)).max()))
    with warnings.catch_warnings(record=True) as caught, np.errstate(all="ignore"):
        warnings.simplefilter("always")
        theta, _, ok = _batched_fit(spec, t, sims, theta_hat, bounds)
        for i in np.flatnonzero(~ok):
            try:
                theta[i], _, ok[i] = _least_squares(
                    spec, t, sims[i], [theta_hat] + spec.starts(t, sims[i])[:2], bounds)
            except ValueError:
                ok[i] = False
    good = ok & np.all(np.isfinite(theta), axis=1)
    if not good.any():
        raise ValueError(f"every bootstrap refit of the {fit.model} curve failed")
    theta_arr = theta[good]
    grid = _grid(first_year, last_year)
    grid_t = grid["t_year"].to_numpy()
    curves = np.exp(spec.log_curve(grid_t, theta_arr))
    alpha = (1.0 - level_pct / 100.0) / 2.0
    qs = np.quantile(curves, [alpha, 0.5, 1.0 - alpha], axis=0)
    band = grid.assign(model=fit.model, fitted_robots=fit.predict(grid_t),
                       median_robots=qs[1], lower_robots=qs[0], upper_robots=qs[2],
                       level=level_pct / 100.0)
    draws = pd.DataFrame([spec.public(th) for th in theta_arr])
    rows = []
    for name in draws.columns:
        lo, hi = np.quantile(draws[name].to_numpy(), [alpha, 1.0 - alpha])
        rows.append({"parameter": name, "estimate": fit.params[name], "lower": float(lo),
                     "upper": float(hi)})
    intervals = pd.DataFrame(rows, columns=["parameter", "estimate", "lower", "upper"])
    at_bound = 0.0
    if spec.has_ceiling:
        at_bound = float(np.mean(theta_arr[:, 0] >= math.log(MAX_CEILING_ROBOTS) - 1e-3))
    return CurveBootstrap(
        fit=fit, level=level_pct / 100.0, band=band, draws=draws, intervals=intervals,
        theta_draws=theta_arr, n_boot=n_boot, n_failed=int(n_boot - good.sum()),
        share_ceiling_at_bound=at_bound,
        warnings=tuple(dict.fromkeys(str(w.message) for w in caught)))


# --- how well do six points pin down a ceiling? ------------------------------------------


def ceiling_profile(fit: CurveFit, ceilings_robots: Sequence[float] | np.ndarray | None = None,
                    level_pct: float = 80.0) -> pd.DataFrame:
    """Profile the fit over fixed ceilings: the best fit for each assumed ceiling.

    For each ceiling the other two parameters are refitted. ``f_stat`` measures how much worse
    the constrained fit is than the best one, ``(rss_K - rss_min) / (rss_min / (n - p))``; a
    ceiling is consistent with the data at the level when ``f_stat`` is at most the
    F(1, n - p) quantile (``threshold``).

    Args:
        fit: A logistic or Gompertz :class:`CurveFit`.
        ceilings_robots: Ceilings to try; default 100 values, geometrically spaced from 0.9
            times the largest count to :data:`MAX_CEILING_ROBOTS`. The fitted ceiling is added
            when it lies inside the range.
        level_pct: Level in percent of the consistency threshold.

    Returns:
        Columns ``model``, ``ceiling_robots``, ``rss_log``, ``f_stat``, ``threshold``,
        ``consistent`` (bool), ``level``.

    Raises:
        ValueError: The model has no ceiling.
    """
    spec = _model(fit.model)
    if not spec.has_ceiling:
        raise ValueError(f"the {fit.model} model has no ceiling to profile")
    t = np.asarray(fit.t_year)
    log_y = np.log(np.asarray(fit.robots))
    if ceilings_robots is None:
        ymax = float(np.max(fit.robots))
        ceilings_robots = np.geomspace(0.9 * ymax, MAX_CEILING_ROBOTS, 100)
    ceilings = np.asarray(ceilings_robots, dtype=float)
    if "ceiling_robots" in fit.params and ceilings.min() <= fit.params["ceiling_robots"] \
            <= ceilings.max():
        # Include the best fit itself, so that the profile touches zero.
        ceilings = np.unique(np.append(ceilings, fit.params["ceiling_robots"]))
    rss_values = []
    start = np.asarray(fit.theta[1:])
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        for k in ceilings:
            log_k = math.log(k)

            def resid(th: np.ndarray, log_k: float = log_k) -> np.ndarray:
                return spec.log_curve(t, np.array([log_k, th[0], th[1]])) - log_y

            def jac(th: np.ndarray, log_k: float = log_k) -> np.ndarray:
                return spec.jac(t, np.array([log_k, th[0], th[1]]))[:, 1:]

            best = math.inf
            for x0 in (start, np.asarray(fit.theta[1:])):
                res = optimize.least_squares(resid, x0, jac=jac,
                                             bounds=([math.log(1e-3), 1950.0],
                                                     [math.log(5.0), 2150.0]),
                                             method="trf", x_scale="jac", max_nfev=2000)
                rss = float(np.sum(res.fun ** 2))
                if rss < best:
                    best, start = rss, res.x
            rss_values.append(best)
    rss_arr = np.asarray(rss_values)
    df_resid = fit.n_obs - fit.n_params
    rss_min = min(fit.rss_log, float(rss_arr.min()))
    f_stat = (rss_arr - rss_min) / (rss_min / df_resid) if rss_min > 0 else np.zeros_like(rss_arr)
    threshold = float(special.fdtri(1, df_resid, level_pct / 100.0))
    return pd.DataFrame({
        "model": fit.model, "ceiling_robots": ceilings, "rss_log": rss_arr,
        "f_stat": np.maximum(f_stat, 0.0), "threshold": threshold,
        "consistent": f_stat <= threshold, "level": level_pct / 100.0})


def profile_interval(profile: pd.DataFrame) -> dict[str, float | bool]:
    """Read the ceiling interval off a profile from :func:`ceiling_profile`.

    Args:
        profile: The profile frame.

    Returns:
        ``lower_robots`` and ``upper_robots`` (the smallest and largest consistent ceilings
        tried), ``lower_bounded`` / ``upper_bounded`` (False when the end of the grid is still
        consistent, i.e. the data set no limit there) and ``grid_max_robots``. NaN ends when no
        ceiling tried is consistent.
    """
    ok = profile.loc[profile["consistent"], "ceiling_robots"]
    grid = profile["ceiling_robots"]
    if ok.empty:
        return {"lower_robots": math.nan, "upper_robots": math.nan, "lower_bounded": True,
                "upper_bounded": True, "grid_max_robots": float(grid.max())}
    return {"lower_robots": float(ok.min()), "upper_robots": float(ok.max()),
            "lower_bounded": bool(ok.min() > grid.min()),
            "upper_bounded": bool(ok.max() < grid.max()),
            "grid_max_robots": float(grid.max())}


def holdout_last_point(t_year: Sequence[float] | np.ndarray, robots: Sequence[float] | np.ndarray,
                       model: str) -> dict[str, float]:
    """Fit without the latest count and predict it: a one-step out-of-sample check.

    Args:
        t_year: Decimal years of the counts.
        robots: Counts.
        model: Curve model name.

    Returns:
        ``t_year``, ``observed_robots``, ``predicted_robots`` and ``error_pct`` (predicted over
        observed minus one, in percent); NaN prediction if the fit is impossible.
    """
    t, y = _prepare(t_year, robots, 2)
    try:
        fit = fit_curve(t[:-1], y[:-1], model)
        predicted = float(fit.predict(t[-1:])[0])
    except ValueError:
        predicted = math.nan
    return {"t_year": float(t[-1]), "observed_robots": float(y[-1]),
            "predicted_robots": predicted, "error_pct": (predicted / float(y[-1]) - 1.0) * 100}


# --- data preparation ----------------------------------------------------------------------


def robot_observations(robots: pd.DataFrame, as_of: str) -> pd.DataFrame:
    """Date the robot counts and keep those known by ``as_of``.

    A count whose note calls it a "year-end" count is dated 31 Dec of its year; any other count
    (a note saying "mid-year" or "not year-end", or a month not known) is dated 1 Jul.

    Args:
        robots: Frame from :func:`analysis.data.load_warehouse_robots` (``year``, ``robots``,
            ``is_lower_bound``, ``confidence``, ``note``).
        as_of: Data cut-off (ISO date).

    Returns:
        Columns ``year``, ``date`` (ISO string), ``t_year``, ``robots`` (float),
        ``is_lower_bound``, ``timing`` (``"year-end"`` or ``"mid-year"``), ``confidence``,
        oldest first.
    """
    needed = ["year", "robots", "is_lower_bound", "confidence", "note"]
    missing = [c for c in needed if c not in robots.columns]
    if missing:
        raise ValueError(f"robot counts lack column(s) {missing}")
    note = robots["note"].fillna("").str.lower()
    mid_year = note.str.contains("mid-year") | note.str.contains("not year-end")
    year_end = note.str.contains("year-end") & ~mid_year
    dates = [dt.date(int(y), 12, 31) if ye else dt.date(int(y), 7, 1)
             for y, ye in zip(robots["year"], year_end, strict=True)]
    out = pd.DataFrame({
        "year": robots["year"].astype("int64").to_numpy(),
        "date": [d.isoformat() for d in dates],
        "t_year": decimal_year(dates),
        "robots": robots["robots"].astype(float).to_numpy(),
        "is_lower_bound": robots["is_lower_bound"].astype(bool).to_numpy(),
        "timing": np.where(year_end.to_numpy(), "year-end", "mid-year"),
        "confidence": robots["confidence"].astype(str).to_numpy(),
    })
    cutoff = dt.date.fromisoformat(as_of)
    keep = [dt.date.fromisoformat(d) <= cutoff for d in out["date"]]
    return out.loc[keep].sort_values("t_year", kind="stable").reset_index(drop=True)


def robot_growth(observations: pd.DataFrame) -> pd.DataFrame:
    """Average growth per year between consecutive robot counts.

    Args:
        observations: Frame from :func:`robot_observations`.

    Returns:
        Columns ``from_year``, ``to_year``, ``years`` (decimal years between the counts) and
        ``growth_pct_per_year`` (compound), one row per pair of consecutive counts.
    """
    t = observations["t_year"].to_numpy(dtype=float)
    y = observations["robots"].to_numpy(dtype=float)
    span = np.diff(t)
    return pd.DataFrame({
        "from_year": observations["year"].to_numpy()[:-1],
        "to_year": observations["year"].to_numpy()[1:],
        "years": span,
        "growth_pct_per_year": (np.power(y[1:] / y[:-1], 1.0 / span) - 1.0) * 100.0,
    })


def robot_density(observations: pd.DataFrame, annual: pd.DataFrame) -> pd.DataFrame:
    """Robots per 100 Amazon employees, for the years with both a count and a headcount.

    The robot count is global and may be mid-year; the headcount is Amazon's total year-end
    employees (all segments, all countries), not its warehouse workforce, which is not
    reported.

    Args:
        observations: Frame from :func:`robot_observations`.
        annual: Frame from :func:`analysis.data.load_annual` (``year``,
            ``employees_year_end``).

    Returns:
        Columns ``year``, ``timing``, ``robots``, ``employees_year_end``,
        ``robots_per_100_employees``.
    """
    merged = observations[["year", "timing", "robots"]].merge(
        annual[["year", "employees_year_end"]], on="year", how="inner")
    merged = merged.loc[merged["employees_year_end"].notna()].reset_index(drop=True)
    merged["robots_per_100_employees"] = merged["robots"] / merged["employees_year_end"] * 100.0
    return merged


# --- the robot analysis bundle -------------------------------------------------------------


@dataclass(frozen=True)
class RobotAnalysis:
    """Everything the chapter says about the robot counts.

    Attributes:
        observations: Frame from :func:`robot_observations`.
        fits: Model name -> :class:`CurveFit`.
        boots: Model name -> :class:`CurveBootstrap`.
        profiles: Model name -> ceiling profile (logistic and Gompertz).
        comparison: Frame from :func:`compare_models`.
        level_pct: Interval level in percent.
    """

    observations: pd.DataFrame
    fits: dict[str, CurveFit]
    boots: dict[str, CurveBootstrap]
    profiles: dict[str, pd.DataFrame]
    comparison: pd.DataFrame
    level_pct: float

    @property
    def warnings(self) -> tuple[str, ...]:
        """All warning messages raised by fits and refits (deduplicated)."""
        found: list[str] = []
        for f in self.fits.values():
            found.extend(f.warnings)
        for b in self.boots.values():
            found.extend(b.warnings)
        return tuple(dict.fromkeys(found))


def compare_models(fits: Mapping[str, CurveFit], boots: Mapping[str, CurveBootstrap],
                   profiles: Mapping[str, pd.DataFrame], horizon_year: int = 2033
                   ) -> pd.DataFrame:
    """One row per model: fit quality, ceiling intervals, hold-out error and projection.

    Args:
        fits: Model name -> fit.
        boots: Model name -> bootstrap.
        profiles: Model name -> ceiling profile (models with a ceiling).
        horizon_year: Year whose end-of-year projection is reported.

    Returns:
        Columns ``model``, ``label``, ``n_params``, ``rss_log``, ``sigma_log``, ``aicc``,
        ``ceiling_robots``, ``ceiling_boot_lower``, ``ceiling_boot_upper``,
        ``ceiling_at_bound_share``, ``ceiling_profile_lower``, ``ceiling_profile_upper``,
        ``ceiling_profile_upper_bounded``, ``holdout_error_pct``, ``robots_horizon``,
        ``robots_horizon_lower``, ``robots_horizon_upper``.
    """
    rows = []
    for name in MODEL_NAMES:
        if name not in fits:
            continue
        fit, boot = fits[name], boots[name]
        t_end = float(decimal_year([dt.date(horizon_year, 12, 31)])[0])
        band = boot.band
        end = band.loc[np.isclose(band["t_year"], t_end)]
        row: dict[str, object] = {
            "model": name, "label": MODEL_LABELS[name], "n_params": fit.n_params,
            "rss_log": fit.rss_log, "sigma_log": fit.sigma_log, "aicc": fit.aicc,
            "ceiling_robots": fit.params.get("ceiling_robots", math.nan),
            "ceiling_boot_lower": math.nan, "ceiling_boot_upper": math.nan,
            "ceiling_at_bound_share": boot.share_ceiling_at_bound,
            "ceiling_profile_lower": math.nan, "ceiling_profile_upper": math.nan,
            "ceiling_profile_upper_bounded": True,
            "holdout_error_pct": holdout_last_point(fit.t_year, fit.robots, name)["error_pct"],
            "robots_horizon": float(fit.predict([t_end])[0]),
            "robots_horizon_lower": float(end["lower_robots"].iloc[0]) if len(end) else math.nan,
            "robots_horizon_upper": float(end["upper_robots"].iloc[0]) if len(end) else math.nan,
        }
        if "ceiling_robots" in fit.params:
            row["ceiling_boot_lower"], row["ceiling_boot_upper"] = boot.interval("ceiling_robots")
        if name in profiles:
            iv = profile_interval(profiles[name])
            row["ceiling_profile_lower"] = iv["lower_robots"]
            row["ceiling_profile_upper"] = iv["upper_robots"]
            row["ceiling_profile_upper_bounded"] = iv["upper_bounded"]
        rows.append(row)
    return pd.DataFrame(rows)


def analyse_robots(robots: pd.DataFrame, *, as_of: str, seed: int, level_pct: float,
                   n_boot: int = DEFAULT_N_BOOT, last_year: int = 2033) -> RobotAnalysis:
    """Fit the three curves, bootstrap them, profile the ceilings and compare.

    Args:
        robots: Frame from :func:`analysis.data.load_warehouse_robots`.
        as_of: Data cut-off (ISO date).
        seed: Seed of the bootstrap (each model uses a seed derived from it).
        level_pct: Interval level in percent.
        n_boot: Bootstrap replicates per model.
        last_year: Last year of the projection band.

    Returns:
        A :class:`RobotAnalysis`.
    """
    obs = robot_observations(robots, as_of)
    t, y = obs["t_year"].to_numpy(), obs["robots"].to_numpy()
    fits, boots, profiles = {}, {}, {}
    seeds = np.random.SeedSequence(seed).spawn(len(MODEL_NAMES))
    for name, child in zip(MODEL_NAMES, seeds, strict=True):
        fits[name] = fit_curve(t, y, name)
        boots[name] = bootstrap_curve(
            fits[name], first_year=int(obs["year"].min()), last_year=last_year, n_boot=n_boot,
            seed=int(child.generate_state(1)[0]), level_pct=level_pct)
        if _MODELS[name].has_ceiling:
            profiles[name] = ceiling_profile(fits[name], level_pct=level_pct)
    comparison = compare_models(fits, boots, profiles, last_year)
    return RobotAnalysis(observations=obs, fits=fits, boots=boots, profiles=profiles,
                         comparison=comparison, level_pct=level_pct)


# --- the leaked plan -----------------------------------------------------------------------


@dataclass(frozen=True)
class LeakedPlan:
    """The figures of Amazon's internal automation plan as reported by the NYT (Oct 2025).

    Attributes:
        automation_goal_pct: Share of operations automated: the robotics team's "ultimate"
            goal, no target year (% of operations).
        hires_avoided_2027: US hires avoided by 2027 ("more than").
        hires_avoided_2033: US hires avoided by 2033 ("more than"), while sales double.
        savings_2025_2027_usd_bn: Cumulative savings over 2025-2027 (USD bn).
        saving_per_item_usd: Saving per item picked, packed and delivered (USD).
        us_operations_workforce: US operations workforce at the time (persons).
        shreveport_fewer_workers_pct: Shreveport robotic site: fewer workers than a comparable
            site (%).
        shreveport_robots: Robots at the Shreveport site.
        shreveport_sites_2027: Sites to get the Shreveport design by end-2027.
        seasonal_hires_planned: Amazon's response: seasonal hires planned for holiday 2025.
    """

    automation_goal_pct: float
    hires_avoided_2027: float
    hires_avoided_2033: float
    savings_2025_2027_usd_bn: float
    saving_per_item_usd: float
    us_operations_workforce: float
    shreveport_fewer_workers_pct: float
    shreveport_robots: float
    shreveport_sites_2027: float
    seasonal_hires_planned: float


_PLAN_METRICS = {
    "automation_goal_pct": "operations_automated_goal_pct",
    "hires_avoided_2027": "us_hires_avoided_by_2027",
    "hires_avoided_2033": "us_hires_avoided_by_2033",
    "savings_2025_2027_usd_bn": "cumulative_savings_2025_2027_usd_bn",
    "saving_per_item_usd": "saving_per_item_usd",
    "us_operations_workforce": "us_operations_workforce",
    "shreveport_fewer_workers_pct": "fewer_workers_than_comparable_site_pct",
    "shreveport_robots": "robots_at_site",
    "shreveport_sites_2027": "sites_with_design_by_end_2027",
    "seasonal_hires_planned": "seasonal_hires_planned",
}


def leaked_plan(milestones: pd.DataFrame) -> LeakedPlan:
    """Collect the leaked-plan figures from the milestones table.

    Args:
        milestones: Frame from :func:`analysis.data.load_automation_milestones`.

    Returns:
        A :class:`LeakedPlan`; a figure absent from the table (e.g. excluded as unverified) is
        NaN.

    Raises:
        ValueError: A metric appears more than once.
    """
    values: dict[str, float] = {}
    for attr, metric in _PLAN_METRICS.items():
        found = milestones.loc[milestones["metric"] == metric, "value"].dropna()
        if len(found) > 1:
            raise ValueError(f"metric {metric!r} appears {len(found)} times")
        values[attr] = float(found.iloc[0]) if len(found) else math.nan
    return LeakedPlan(**values)


def _plan_window_ends(plan_start_year: int) -> list[float]:
    # Start of the plan, end of 2027, end of 2033 (31 Dec as decimal years).
    return [float(plan_start_year), float(decimal_year([dt.date(2027, 12, 31)])[0]),
            float(decimal_year([dt.date(2033, 12, 31)])[0])]


@dataclass(frozen=True)
class PlanComparison:
    """The leaked plan set against the fitted robot curves and an analyst benchmark.

    Attributes:
        plan: The plan's figures.
        plan_start_year: Year from which the plan's hires avoided are counted (assumption).
        hires_pace_early: Hires avoided per year, start of ``plan_start_year`` to end-2027.
        hires_pace_late: Hires avoided per year, 2028-2033.
        hires_pace_ratio: Late over early pace (above 1: the plan accelerates).
        robots_pace: One row per model: ``model``, ``early`` / ``late`` robots added per year
            (point fit), ``early_lower``/``early_upper``, ``late_lower``/``late_upper``,
            ``ratio`` (late over early, point fit), ``ratio_lower``/``ratio_upper``.
        counterfactual_workforce_2033: US operations workforce in 2033 if labour grew in
            proportion to sales (sales double): twice the reported workforce.
        reduction_vs_counterfactual_pct: Hires avoided by 2033 as a share of that
            counterfactual.
        savings_per_year_usd_bn: The plan's 2025-2027 savings per year on average.
        ms_savings_low_usd_bn: Morgan Stanley's robotics savings by 2027, low end (USD bn/yr).
        ms_savings_high_usd_bn: High end.
        shreveport_design_robots: Robots in the sites to get the Shreveport design by end-2027
            (sites times robots per site).
        fleet_latest_robots: Latest robot count.
        robots_added_to_2027: One row per model: robots added from the latest count to end-2027
            (``model``, ``added``, ``lower``, ``upper``).
        level_pct: Interval level in percent.
    """

    plan: LeakedPlan
    plan_start_year: int
    hires_pace_early: float
    hires_pace_late: float
    hires_pace_ratio: float
    robots_pace: pd.DataFrame
    counterfactual_workforce_2033: float
    reduction_vs_counterfactual_pct: float
    savings_per_year_usd_bn: float
    ms_savings_low_usd_bn: float
    ms_savings_high_usd_bn: float
    shreveport_design_robots: float
    fleet_latest_robots: float
    robots_added_to_2027: pd.DataFrame
    level_pct: float


def plan_vs_curve(plan: LeakedPlan, robots: RobotAnalysis, benchmarks: pd.DataFrame,
                  plan_start_year: int = 2025) -> PlanComparison:
    """Compare the leaked plan's timeline and scale with the fitted robot curves.

    The plan's hires avoided are counted from the start of ``plan_start_year`` (the year of the
    documents; the reports give no start). The counterfactual assumes the labour a given sales
    volume needs stays as in 2025, so doubling sales would double the US operations workforce;
    that is an assumption, stated wherever it is used.

    Args:
        plan: From :func:`leaked_plan`.
        robots: From :func:`analyse_robots`.
        benchmarks: Frame from :func:`analysis.data.load_benchmarks` (for Morgan Stanley's
            ``annual_robotics_savings``).
        plan_start_year: First year of the plan's windows.

    Returns:
        A :class:`PlanComparison`.
    """
    ends = _plan_window_ends(plan_start_year)
    early_years = ends[1] - ends[0]
    late_years = ends[2] - ends[1]
    pace_early = plan.hires_avoided_2027 / early_years
    pace_late = (plan.hires_avoided_2033 - plan.hires_avoided_2027) / late_years
    level = robots.level_pct
    q = [(1.0 - level / 100.0) / 2.0, (1.0 + level / 100.0) / 2.0]
    latest = robots.observations.iloc[-1]
    t_latest = float(latest["t_year"])
    pace_rows, added_rows = [], []
    for name in MODEL_NAMES:
        fit, boot = robots.fits[name], robots.boots[name]
        pts = fit.predict(ends + [t_latest])
        early = (pts[1] - pts[0]) / early_years
        late = (pts[2] - pts[1]) / late_years
        s = boot.sample(ends + [t_latest])
        e_draw = (s[:, 1] - s[:, 0]) / early_years
        l_draw = (s[:, 2] - s[:, 1]) / late_years
        ratio_draw = l_draw / e_draw
        pace_rows.append({
            "model": name, "early": early, "late": late,
            "early_lower": float(np.quantile(e_draw, q[0])),
            "early_upper": float(np.quantile(e_draw, q[1])),
            "late_lower": float(np.quantile(l_draw, q[0])),
            "late_upper": float(np.quantile(l_draw, q[1])),
            "ratio": late / early,
            "ratio_lower": float(np.quantile(ratio_draw, q[0])),
            "ratio_upper": float(np.quantile(ratio_draw, q[1])),
        })
        added_draw = s[:, 1] - s[:, 3]
        added_rows.append({"model": name, "added": float(pts[1] - pts[3]),
                           "lower": float(np.quantile(added_draw, q[0])),
                           "upper": float(np.quantile(added_draw, q[1]))})
    ms = benchmarks.loc[benchmarks["metric"] == "annual_robotics_savings"]
    ms_low = float(ms["value_low"].iloc[0]) if len(ms) else math.nan
    ms_high = float(ms["value_high"].iloc[0]) if len(ms) else math.nan
    counterfactual = 2.0 * plan.us_operations_workforce
    return PlanComparison(
        plan=plan, plan_start_year=plan_start_year, hires_pace_early=pace_early,
        hires_pace_late=pace_late, hires_pace_ratio=pace_late / pace_early,
        robots_pace=pd.DataFrame(pace_rows),
        counterfactual_workforce_2033=counterfactual,
        reduction_vs_counterfactual_pct=plan.hires_avoided_2033 / counterfactual * 100.0,
        savings_per_year_usd_bn=plan.savings_2025_2027_usd_bn / 3.0,
        ms_savings_low_usd_bn=ms_low, ms_savings_high_usd_bn=ms_high,
        shreveport_design_robots=plan.shreveport_sites_2027 * plan.shreveport_robots,
        fleet_latest_robots=float(latest["robots"]),
        robots_added_to_2027=pd.DataFrame(added_rows), level_pct=level)


def plan_comparison_table(cmp: PlanComparison) -> pd.DataFrame:
    """The plan-versus-data comparison as a display table (formatted strings).

    Args:
        cmp: From :func:`plan_vs_curve`.

    Returns:
        Columns ``item``, ``leaked plan or source``, ``what the data show``, ``can it be
        checked?``.
    """
    pace = cmp.robots_pace.set_index("model")
    lvl = f"{text.fmt_pct(cmp.level_pct)} interval"

    def count_interval(low: float, high: float) -> str:
        return text.fmt_interval(low, high, text.fmt_count, sig=2)

    def robots_pace(model: str, which: str) -> str:
        r = pace.loc[model]
        return (f"{text.fmt_count(r[which], sig=2)} a year ({lvl} "
                f"{count_interval(r[which + '_lower'], r[which + '_upper'])})")

    added = cmp.robots_added_to_2027.set_index("model")
    p = cmp.plan
    start = cmp.plan_start_year
    rows = [
        ("Share of operations automated",
         f"{text.fmt_pct(p.automation_goal_pct)}: the robotics team's 'ultimate' goal, no year",
         "Not observed: Amazon reports no share of tasks or operations automated; robot "
         "counts do not measure it", "no"),
        (f"Pace of hires avoided, {start}-2027 vs 2028-2033",
         f"{text.fmt_count(cmp.hires_pace_early, sig=2)} then "
         f"{text.fmt_count(cmp.hires_pace_late, sig=2)} a year (late/early "
         f"{text.fmt_decimal(cmp.hires_pace_ratio, 2)}), if counted from {start}",
         f"Robots added on the logistic curve: {robots_pace('logistic', 'early')} then "
         f"{robots_pace('logistic', 'late')}; log-linear: {robots_pace('log-linear', 'early')}"
         f" then {robots_pace('log-linear', 'late')}",
         "only the shape: hires avoided are a counterfactual"),
        ("Scale of the 2033 figure",
         f"more than {text.fmt_count(p.hires_avoided_2033)} US hires avoided while sales "
         f"double; US workforce almost {text.fmt_count(p.us_operations_workforce)}",
         f"{text.fmt_pct(cmp.reduction_vs_counterfactual_pct)} below a workforce that grows "
         f"with sales ({text.fmt_count(cmp.counterfactual_workforce_2033)}), the same order as "
         f"Shreveport's {text.fmt_pct(p.shreveport_fewer_workers_pct)} fewer workers",
         "arithmetic only, under a stated assumption"),
        ("Shreveport design by end-2027",
         f"about {text.fmt_count(p.shreveport_sites_2027)} sites with about "
         f"{text.fmt_count(p.shreveport_robots)} robots each",
         f"{text.fmt_count(cmp.shreveport_design_robots)} robots, "
         f"{text.fmt_pct(cmp.shreveport_design_robots / cmp.fleet_latest_robots * 100)} of the "
         f"latest fleet; the logistic curve adds "
         f"{text.fmt_count(added.loc['logistic', 'added'], sig=2)} robots by end-2027 ({lvl} "
         f"{count_interval(added.loc['logistic', 'lower'], added.loc['logistic', 'upper'])})",
         "partly: site counts are not reported"),
        ("Savings",
         f"about {text.fmt_usd_bn(p.savings_2025_2027_usd_bn, 1)} over 2025-2027, i.e. "
         f"{text.fmt_usd_bn(cmp.savings_per_year_usd_bn, 1)} a year on average; about "
         f"{text.fmt_usd(p.saving_per_item_usd, 2)} per item",
         "Morgan Stanley: " + text.fmt_interval(cmp.ms_savings_low_usd_bn,
                                                cmp.ms_savings_high_usd_bn, text.fmt_usd_bn)
         + " a year by 2027",
         "no: Amazon reports no robotics savings"),
    ]
    return pd.DataFrame(rows, columns=["item", "leaked plan or source", "what the data show",
                                       "can it be checked?"])


# --- milestones ----------------------------------------------------------------------------

_PLAN_IDS = ("leaked-plan", "amazon-response")
_FLEET_IDS = ("million-robots", "shreveport", "packages-per-employee",
              "robotics-assisted-deliveries")
_PRECISION_MONTHS = {"day": 0, "month": 1, "quarter": 3, "half": 6, "year": 12}


def _lane(milestone_id: str) -> str:
    if milestone_id.startswith(_PLAN_IDS):
        return "leaked plan and response"
    if milestone_id.startswith(_FLEET_IDS):
        return "fleet and sites"
    return "robots and AI systems"


def _detail(metric: object, value: object, unit: object, note: object) -> str:
    if isinstance(metric, str) and metric and value is not None and not pd.isna(value):
        v = float(value)
        shown = f"{v:,.0f}" if v.is_integer() else f"{v:,.2f}".rstrip("0").rstrip(".")
        words = re.sub(r"_(usd_bn|usd|pct)$", "", metric)
        words = re.sub(r"(\d{4})_(\d{4})", r"\1-\2", words).replace("_", " ")
        words = re.sub(r"\bus\b", "US", words)
        return f"{words}: {shown} {unit}"
    return str(note) if isinstance(note, str) and note else "event"


def milestone_timeline(milestones: pd.DataFrame, as_of: str) -> pd.DataFrame:
    """Milestones known by ``as_of``, one row per system and date, with the date's precision.

    Rows of the same system on the same date (e.g. the figures of the leaked plan) are merged
    into one, their details joined.

    Args:
        milestones: Frame from :func:`analysis.data.load_automation_milestones`.
        as_of: Data cut-off (ISO date).

    Returns:
        Columns ``system``, ``lane``, ``start`` / ``end`` / ``mid`` (ISO dates; ``end`` is the
        last day the date could be, from ``date_precision``), ``precision``, ``details``,
        ``confidence``, oldest first.
    """
    cutoff = pd.Timestamp(as_of)
    df = milestones.loc[milestones["date"] <= cutoff].copy()
    rows = []
    for (system, date, precision), grp in df.groupby(
            ["system_or_event", "date", "date_precision"], sort=False):
        start = pd.Timestamp(date)
        months = _PRECISION_MONTHS.get(str(precision), 0)
        end = start + pd.DateOffset(months=months) - pd.Timedelta(days=1) if months else start
        mid = start + (end - start) / 2
        details = "; ".join(_detail(m, v, u, n) for m, v, u, n in zip(
            grp["metric"], grp["value"], grp["unit"], grp["note"], strict=True))
        rows.append({"system": str(system), "lane": _lane(str(grp["milestone_id"].iloc[0])),
                     "start": start.date().isoformat(), "end": end.date().isoformat(),
                     "mid": mid.normalize().date().isoformat(), "precision": str(precision),
                     "details": details,
                     "confidence": ", ".join(sorted(set(grp["confidence"].astype(str))))})
    cols = ["system", "lane", "start", "end", "mid", "precision", "details", "confidence"]
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values(["start", "system"], kind="stable").reset_index(drop=True)


def unverified_figures(annual_long: pd.DataFrame, robots: pd.DataFrame,
                       milestones: pd.DataFrame) -> pd.DataFrame:
    """List the chapter's figures flagged ``unverified`` (loaded with unverified rows kept).

    Args:
        annual_long: :func:`analysis.data.load_table` ``("annual_financials", ...,
            include_unreliable=True)`` (long format: ``year``, ``metric``).
        robots: :func:`analysis.data.load_warehouse_robots` with ``include_unreliable=True``.
        milestones: :func:`analysis.data.load_automation_milestones` with
            ``include_unreliable=True``.

    Returns:
        Columns ``table`` and ``figure`` (a short description), one row per unverified figure.
    """
    rows: list[dict[str, str]] = []
    for r in annual_long.loc[annual_long["confidence"] == "unverified"].itertuples():
        words = re.sub(r"_usd_m$", "", str(r.metric)).replace("_", " ")
        rows.append({"table": "annual figures",
                     "figure": f"FY{int(r.year)} {words.replace('aws', 'AWS')}"})
    for r in robots.loc[robots["confidence"] == "unverified"].itertuples():
        rows.append({"table": "robot counts", "figure": f"{int(r.year)} robot count"})
    for r in milestones.loc[milestones["confidence"] == "unverified"].itertuples():
        rows.append({"table": "milestones", "figure": str(r.system_or_event)})
    return pd.DataFrame(rows, columns=["table", "figure"])


# --- AWS -----------------------------------------------------------------------------------


def aws_segments(annual: pd.DataFrame, as_of: str) -> pd.DataFrame:
    """AWS segment figures next to Amazon's totals, by fiscal year.

    Ratios and growth rates are NaN where an input is missing (unverified figures excluded).

    Args:
        annual: Frame from :func:`analysis.data.load_annual`.
        as_of: Data cut-off (ISO date): a fiscal year counts once 31 Dec is on or before it.

    Returns:
        Columns ``year``, ``aws_net_sales_usd_m``, ``aws_operating_income_usd_m``,
        ``net_sales_usd_m``, ``operating_income_usd_m``, ``aws_operating_margin_pct``,
        ``amazon_operating_margin_pct``, ``non_aws_operating_income_usd_m``,
        ``aws_share_of_operating_income_pct``, ``aws_share_of_net_sales_pct``,
        ``aws_sales_growth_pct``, ``amazon_sales_growth_pct``, ``non_aws_sales_growth_pct``,
        ``aws_operating_income_to_capex_pct`` (AWS operating income over Amazon's gross capex).
    """
    cutoff = dt.date.fromisoformat(as_of)
    df = annual.loc[[dt.date(int(y), 12, 31) <= cutoff for y in annual["year"]]]
    df = df.sort_values("year").reset_index(drop=True)
    aws_s, aws_oi = df["aws_net_sales_usd_m"], df["aws_operating_income_usd_m"]
    tot_s, tot_oi = df["net_sales_usd_m"], df["operating_income_usd_m"]
    consecutive = df["year"].diff() == 1

    def growth(series: pd.Series) -> pd.Series:
        g = (series / series.shift(1) - 1.0) * 100.0
        return g.where(consecutive)

    return pd.DataFrame({
        "year": df["year"].astype("int64"),
        "aws_net_sales_usd_m": aws_s, "aws_operating_income_usd_m": aws_oi,
        "net_sales_usd_m": tot_s, "operating_income_usd_m": tot_oi,
        "aws_operating_margin_pct": aws_oi / aws_s * 100.0,
        "amazon_operating_margin_pct": tot_oi / tot_s * 100.0,
        "non_aws_operating_income_usd_m": tot_oi - aws_oi,
        "aws_share_of_operating_income_pct": aws_oi / tot_oi * 100.0,
        "aws_share_of_net_sales_pct": aws_s / tot_s * 100.0,
        "aws_sales_growth_pct": growth(aws_s),
        "amazon_sales_growth_pct": growth(tot_s),
        "non_aws_sales_growth_pct": growth(tot_s - aws_s),
        "aws_operating_income_to_capex_pct": aws_oi / df["capex_gross_usd_m"] * 100.0,
    })


def aws_summary(aws: pd.DataFrame) -> dict[str, object]:
    """Headline AWS figures for prose, from :func:`aws_segments`.

    Args:
        aws: From :func:`aws_segments`.

    Returns:
        ``first_year`` / ``last_year`` (years with AWS sales), ``sales_first_usd_m`` /
        ``sales_last_usd_m``, ``sales_cagr_pct`` (AWS) and ``amazon_sales_cagr_pct`` over those
        years, ``margin_first_pct`` / ``margin_last_pct``, ``share_oi_last_pct``,
        ``share_sales_last_pct``, ``growth_last_pct``, ``amazon_growth_last_pct``,
        ``oi_to_capex_last_pct``, ``years_share_over_100`` (list of years in which AWS earned
        more than all of Amazon), ``n_faster`` / ``n_compared`` (years in which AWS sales grew
        faster than Amazon's, of those with both growth rates).
    """
    with_sales = aws.loc[aws["aws_net_sales_usd_m"].notna()]
    first, last = with_sales.iloc[0], with_sales.iloc[-1]
    span = float(last["year"] - first["year"])
    both = aws.dropna(subset=["aws_sales_growth_pct", "amazon_sales_growth_pct"])
    share = aws.loc[aws["aws_share_of_operating_income_pct"].notna()]
    return {
        "first_year": int(first["year"]), "last_year": int(last["year"]),
        "sales_first_usd_m": float(first["aws_net_sales_usd_m"]),
        "sales_last_usd_m": float(last["aws_net_sales_usd_m"]),
        "sales_cagr_pct": ((last["aws_net_sales_usd_m"] / first["aws_net_sales_usd_m"])
                           ** (1.0 / span) - 1.0) * 100.0,
        "amazon_sales_cagr_pct": ((last["net_sales_usd_m"] / first["net_sales_usd_m"])
                                  ** (1.0 / span) - 1.0) * 100.0,
        "margin_first_pct": float(first["aws_operating_margin_pct"]),
        "margin_last_pct": float(last["aws_operating_margin_pct"]),
        "share_oi_last_pct": float(share["aws_share_of_operating_income_pct"].iloc[-1]),
        "share_sales_last_pct": float(last["aws_share_of_net_sales_pct"]),
        "growth_last_pct": float(last["aws_sales_growth_pct"]),
        "amazon_growth_last_pct": float(last["amazon_sales_growth_pct"]),
        "oi_to_capex_last_pct": float(last["aws_operating_income_to_capex_pct"]),
        "years_share_over_100": [int(y) for y in share.loc[
            share["aws_share_of_operating_income_pct"] > 100.0, "year"]],
        "n_faster": int((both["aws_sales_growth_pct"] > both["amazon_sales_growth_pct"]).sum()),
        "n_compared": len(both),
    }


@dataclass(frozen=True)
class AwsTrend:
    """Linear trend of AWS's operating margin (ordinary least squares on the years observed).

    Attributes:
        slope_pp_per_year: Change in margin, percentage points per year.
        lower: Lower end of the slope's confidence interval.
        upper: Upper end.
        level: Confidence level (fraction).
        n_years: Years used.
        band: Fitted trend with its confidence band: ``year``, ``fitted_pct``, ``lower_pct``,
            ``upper_pct``, ``level``.
    """

    slope_pp_per_year: float
    lower: float
    upper: float
    level: float
    n_years: int
    band: pd.DataFrame


def aws_margin_trend(aws: pd.DataFrame, level_pct: float = 80.0) -> AwsTrend:
    """Fit a straight line to AWS's operating margin over the years with data.

    Args:
        aws: Frame from :func:`aws_segments`.
        level_pct: Confidence level in percent.

    Returns:
        An :class:`AwsTrend` (t-based intervals for the slope and the fitted line).

    Raises:
        ValueError: Fewer than three years with a margin.
    """
    d = aws.loc[aws["aws_operating_margin_pct"].notna(), ["year", "aws_operating_margin_pct"]]
    n = len(d)
    if n < 3:
        raise ValueError(f"need at least 3 years with an AWS margin, got {n}")
    x = d["year"].to_numpy(dtype=float)
    y = d["aws_operating_margin_pct"].to_numpy(dtype=float)
    xc = x - x.mean()
    slope = float(np.sum(xc * (y - y.mean())) / np.sum(xc ** 2))
    intercept = float(y.mean())
    resid = y - (intercept + slope * xc)
    s2 = float(np.sum(resid ** 2) / (n - 2))
    tq = float(special.stdtrit(n - 2, 0.5 + level_pct / 200.0))
    se_slope = math.sqrt(s2 / np.sum(xc ** 2))
    years = aws["year"].to_numpy(dtype=float)
    fitted = intercept + slope * (years - x.mean())
    se_fit = np.sqrt(s2 * (1.0 / n + (years - x.mean()) ** 2 / np.sum(xc ** 2)))
    band = pd.DataFrame({"year": aws["year"].astype("int64").to_numpy(), "fitted_pct": fitted,
                         "lower_pct": fitted - tq * se_fit, "upper_pct": fitted + tq * se_fit,
                         "level": level_pct / 100.0})
    return AwsTrend(slope_pp_per_year=slope, lower=slope - tq * se_slope,
                    upper=slope + tq * se_slope, level=level_pct / 100.0, n_years=n, band=band)


# --- claims --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClaimEvidence:
    """The evidence on one claim of the original analysis (``analysis.ledger`` decides).

    Attributes:
        claim: The claim, paraphrased.
        evidence: One to three sentences with the numbers (formatted by :mod:`analysis.text`).
        measures: The numbers the ledger's rule for this claim takes, by argument name.
    """

    claim: str
    evidence: str
    measures: Mapping[str, Any]


def claim_evidence(robots: RobotAnalysis, cmp: PlanComparison, aws: pd.DataFrame,
                   trend: AwsTrend) -> dict[str, ClaimEvidence]:
    """Evidence and the rules' numbers for the chapter's three claims.

    Args:
        robots: From :func:`analyse_robots`.
        cmp: From :func:`plan_vs_curve`.
        aws: From :func:`aws_segments`.
        trend: From :func:`aws_margin_trend`.

    Returns:
        Keys ``lights_out``, ``robots``, ``aws`` -> :class:`ClaimEvidence`.
    """
    p = cmp.plan
    obs = robots.observations
    first, last = obs.iloc[0], obs.iloc[-1]
    years = float(last["t_year"] - first["t_year"])
    cagr = ((last["robots"] / first["robots"]) ** (1.0 / years) - 1.0) * 100.0
    comp = robots.comparison.set_index("model")
    lvl = text.fmt_pct(robots.level_pct)
    lo, hi = comp.loc["logistic", "ceiling_boot_lower"], comp.loc["logistic", "ceiling_boot_upper"]
    g_lo = comp.loc["gompertz", "ceiling_profile_lower"]
    g_bounded = bool(comp.loc["gompertz", "ceiling_profile_upper_bounded"])
    g_hi = comp.loc["gompertz", "ceiling_profile_upper"]
    gompertz_text = (
        f"a Gompertz curve, also a close fit, allows any ceiling above "
        f"{text.fmt_count(g_lo, sig=2)}" if not g_bounded else
        f"a Gompertz curve, also a close fit, allows "
        f"{text.fmt_interval(g_lo, g_hi, text.fmt_count, sig=2)} ({lvl} profile interval)")
    lights_out = ClaimEvidence(
        claim="Leaked documents reveal an aggressive timeline to automate 75% of warehouse "
              "tasks within a decade, driven by Sparrow and Proteus.",
        # the reported goal is the robotics team's "ultimate" one, with no target year
        measures={"goal_pct": p.automation_goal_pct, "claimed_pct": 75.0,
                  "goal_has_year": False},
        evidence=(
            f"The documents were reported by the New York Times, but their "
            f"{text.fmt_pct(p.automation_goal_pct)} is the robotics team's 'ultimate' goal for "
            f"'operations' with no target year, not a share of warehouse tasks within a decade; "
            f"the dated targets are more than {text.fmt_count(p.hires_avoided_2027)} US hires "
            f"avoided by 2027 and {text.fmt_count(p.hires_avoided_2033)} by 2033, about "
            f"{text.fmt_pct(cmp.reduction_vs_counterfactual_pct)} of a workforce growing with "
            f"sales. The share of tasks automated is not observed, and Amazon called the "
            f"documents incomplete."))
    robots_ev = ClaimEvidence(
        claim="Amazon's warehouse robot fleet is growing fast (Sparrow, Proteus and others).",
        # the claim names the entire value chain; the data measure one part, the warehouse
        measures={"growth_pct_per_year": cagr, "parts_measured": 1, "parts_claimed": 2},
        evidence=(
            f"Robots deployed rose from {text.fmt_count(first['robots'])} ({first['year']}) to "
            f"{text.fmt_count(last['robots'])} ({last['year']}), about "
            f"{text.fmt_pct(cagr)} a year; growth has slowed, and a logistic curve puts the "
            f"ceiling at {text.fmt_count(comp.loc['logistic', 'ceiling_robots'], sig=2)} "
            f"({lvl} interval {text.fmt_interval(lo, hi, text.fmt_count, sig=2)}), but "
            f"{gompertz_text}: six counts do not pin down a ceiling."))
    s = aws_summary(aws)
    aws_ev = ClaimEvidence(
        claim="Amazon is positioning AWS as the 'utility' for the AI era (Trainium, a marketplace "
              "of models including Anthropic's) and the indispensable platform of the AI "
              "economy.",
        # no table in data/ holds AWS capex, Trainium, Bedrock or Anthropic figures
        measures={"ai_platform_measures": 0},
        evidence=(
            f"AWS earned {text.fmt_pct(s['share_oi_last_pct'])} of Amazon's operating income "
            f"in FY{s['last_year']} on {text.fmt_pct(s['share_sales_last_pct'])} of its net "
            f"sales, at a {text.fmt_pct(s['margin_last_pct'])} margin, and grew faster than "
            f"Amazon in {s['n_faster']} of {s['n_compared']} years with data; but AWS capex, "
            f"Trainium, "
            f"Bedrock and Anthropic figures are not in the sourced data, so whether "
            f"AWS is becoming the AI era's indispensable platform cannot be tested."))
    return {"lights_out": lights_out, "robots": robots_ev, "aws": aws_ev}


@dataclass(frozen=True)
class ChapterResults:
    """Everything chapter 3 computes, for the page and the claim ledger.

    Attributes:
        robots: Curve fits and uncertainty.
        plan: The leaked plan's figures.
        comparison: The plan set against the curves.
        density: Robots per 100 employees (:func:`robot_density`).
        timeline: Milestones (:func:`milestone_timeline`).
        aws: AWS segment table (:func:`aws_segments`).
        aws_trend: AWS margin trend.
        evidence: Claim key -> :class:`ClaimEvidence`.
    """

    robots: RobotAnalysis
    plan: LeakedPlan
    comparison: PlanComparison
    density: pd.DataFrame
    timeline: pd.DataFrame
    aws: pd.DataFrame
    aws_trend: AwsTrend
    evidence: dict[str, ClaimEvidence]


def analyse_chapter(robots: pd.DataFrame, milestones: pd.DataFrame, annual: pd.DataFrame,
                    benchmarks: pd.DataFrame, *, as_of: str, seed: int, level_pct: float,
                    n_boot: int = DEFAULT_N_BOOT, plan_start_year: int = 2025
                    ) -> ChapterResults:
    """Run the whole chapter: robot curves, the leaked plan, milestones, AWS and the verdicts.

    Args:
        robots: :func:`analysis.data.load_warehouse_robots` frame.
        milestones: :func:`analysis.data.load_automation_milestones` frame.
        annual: :func:`analysis.data.load_annual` frame.
        benchmarks: :func:`analysis.data.load_benchmarks` frame.
        as_of: Data cut-off (ISO date).
        seed: Seed of the bootstraps.
        level_pct: Interval level in percent.
        n_boot: Bootstrap replicates per model.
        plan_start_year: Year from which the plan's hires avoided are counted.

    Returns:
        A :class:`ChapterResults`.
    """
    ra = analyse_robots(robots, as_of=as_of, seed=seed, level_pct=level_pct, n_boot=n_boot)
    cutoff = pd.Timestamp(as_of)
    plan = leaked_plan(milestones.loc[milestones["date"] <= cutoff])
    cmp = plan_vs_curve(plan, ra, benchmarks, plan_start_year)
    aws = aws_segments(annual, as_of)
    trend = aws_margin_trend(aws, level_pct)
    return ChapterResults(
        robots=ra, plan=plan, comparison=cmp, density=robot_density(ra.observations, annual),
        timeline=milestone_timeline(milestones, as_of), aws=aws, aws_trend=trend,
        evidence=claim_evidence(ra, cmp, aws, trend))


# --- charts --------------------------------------------------------------------------------


def robots_chart(ra: RobotAnalysis, models: Sequence[str] = MODEL_NAMES) -> alt.LayerChart:
    """Observed robot counts, the fitted curves and their bootstrap bands (log scale).

    Args:
        ra: From :func:`analyse_robots`.
        models: Models to draw.

    Returns:
        A layered chart (temporal x axis labelled by year; log y axis).
    """
    band = pd.concat([ra.boots[m].band for m in models], ignore_index=True)
    band = band.assign(label=band["model"].map(MODEL_LABELS),
                       interval=[f"{lv:.0%} interval" for lv in band["level"]])
    obs = ra.observations.assign(
        kind=np.where(ra.observations["is_lower_bound"], "observed (lower bound)", "observed"),
        when=[f"{t} {y}" for t, y in zip(ra.observations["timing"], ra.observations["year"],
                                         strict=True)])
    domain = [MODEL_LABELS[m] for m in models]
    colour = alt.Color("label:N", title=None,
                       scale=alt.Scale(domain=domain, range=[_MODEL_COLOURS[m] for m in models]),
                       legend=alt.Legend(columns=3))
    x = alt.X("date:T", title="year", axis=alt.Axis(format="%Y", tickCount="year"))
    y_scale = alt.Scale(type="log")
    tips = [alt.Tooltip("label:N", title="model"), alt.Tooltip("date:T", format="%b %Y"),
            alt.Tooltip("fitted_robots:Q", title="fitted", format=",.0f"),
            alt.Tooltip("lower_robots:Q", title="lower", format=",.0f"),
            alt.Tooltip("upper_robots:Q", title="upper", format=",.0f"),
            alt.Tooltip("interval:N")]
    area = alt.Chart(band).mark_area(opacity=0.15).encode(
        x=x, y=alt.Y("lower_robots:Q", title="robots deployed (log scale)", scale=y_scale,
                     axis=alt.Axis(format="~s")),
        y2="upper_robots:Q", color=colour, tooltip=tips)
    lines = alt.Chart(band).mark_line().encode(
        x=x, y=alt.Y("fitted_robots:Q", scale=y_scale), color=colour, tooltip=tips)
    points = alt.Chart(obs).mark_point(filled=True, size=80, color="#000000").encode(
        x=x, y=alt.Y("robots:Q", scale=y_scale),
        shape=alt.Shape("kind:N", title=None,
                        legend=alt.Legend(orient="top-left", fillColor="white", padding=4),
                        scale=alt.Scale(domain=["observed", "observed (lower bound)"],
                                        range=["circle", "triangle-up"])),
        tooltip=[alt.Tooltip("when:N", title="count"),
                 alt.Tooltip("robots:Q", title="robots", format=","),
                 alt.Tooltip("kind:N", title="type"),
                 alt.Tooltip("confidence:N")])
    return alt.layer(area, lines, points).properties(width=500, height=340)


def ceiling_profile_chart(profiles: Mapping[str, pd.DataFrame]) -> alt.LayerChart:
    """How much worse the fit gets for each assumed ceiling, with the consistency threshold.

    The value axis is cut at four times the threshold (at least 10) to show where the curves
    cross it; larger values are clipped.

    Args:
        profiles: Model name -> frame from :func:`ceiling_profile`.

    Returns:
        A layered chart: one line per model, a dashed rule at the F threshold.
    """
    data = pd.concat(list(profiles.values()), ignore_index=True)
    data = data.assign(label=data["model"].map(MODEL_LABELS),
                       fits=np.where(data["consistent"], "consistent", "rejected"))
    models = list(profiles)
    colour = alt.Color("label:N", title=None, scale=alt.Scale(
        domain=[MODEL_LABELS[m] for m in models], range=[_MODEL_COLOURS[m] for m in models]))
    tips = [alt.Tooltip("label:N", title="model"),
            alt.Tooltip("ceiling_robots:Q", title="assumed ceiling", format=",.0f"),
            alt.Tooltip("f_stat:Q", title="misfit (F)", format=".2f"),
            alt.Tooltip("fits:N", title="at the level")]
    y_max = max(4.0 * float(data["threshold"].iloc[0]), 10.0)
    lines = alt.Chart(data).mark_line(point=alt.OverlayMarkDef(size=18), clip=True).encode(
        x=alt.X("ceiling_robots:Q", title="assumed ceiling, robots (log scale)",
                scale=alt.Scale(type="log", domain=[float(data["ceiling_robots"].min()),
                                                    float(data["ceiling_robots"].max())],
                                nice=False),
                axis=alt.Axis(format="~s")),
        y=alt.Y("f_stat:Q", title="misfit relative to the best fit (F statistic)",
                scale=alt.Scale(domain=[0.0, y_max], nice=False)),
        color=colour, tooltip=tips)
    threshold = float(data["threshold"].iloc[0])
    level = float(data["level"].iloc[0])
    rule_df = pd.DataFrame({"threshold": [threshold],
                            "label": [f"{level:.0%} threshold: below = consistent with data"]})
    rule = alt.Chart(rule_df).mark_rule(strokeDash=[6, 4], color="#333333").encode(
        y="threshold:Q", tooltip=[alt.Tooltip("threshold:Q", format=".2f"), "label:N"])
    return alt.layer(lines, rule).properties(width=540)


def timeline_chart(timeline: pd.DataFrame) -> alt.LayerChart:
    """Automation milestones on a time line, one row per system, spans show date precision.

    Args:
        timeline: Frame from :func:`milestone_timeline`.

    Returns:
        A layered chart.
    """
    order = list(dict.fromkeys(timeline.sort_values("start")["system"]))
    tips = [alt.Tooltip("system:N"), alt.Tooltip("start:T", title="from", format="%d %b %Y"),
            alt.Tooltip("end:T", title="to", format="%d %b %Y"),
            alt.Tooltip("precision:N", title="date known to the"),
            alt.Tooltip("details:N"), alt.Tooltip("confidence:N")]
    y = alt.Y("system:N", sort=order, title=None, axis=alt.Axis())
    colour = alt.Color("lane:N", title=None, legend=alt.Legend(columns=3))
    scale = alt.Scale(nice="year")
    axis = alt.Axis(format="%Y", tickCount="year")
    span = alt.Chart(timeline).mark_rule(strokeWidth=6, opacity=0.45).encode(
        x=alt.X("start:T", title="year", scale=scale, axis=axis),
        x2="end:T", y=y, color=colour, tooltip=tips)
    dots = alt.Chart(timeline).mark_point(filled=True, size=90).encode(
        x=alt.X("mid:T", title="year", scale=scale, axis=axis), y=y, color=colour,
        tooltip=tips)
    return alt.layer(span, dots).properties(width=320, height=max(180, 26 * len(order)))


def aws_revenue_margin_chart(aws: pd.DataFrame, trend: AwsTrend) -> alt.VConcatChart:
    """AWS net sales (bars) above its operating margin with a linear trend and its band.

    Args:
        aws: From :func:`aws_segments`.
        trend: From :func:`aws_margin_trend`.

    Returns:
        Two vertically stacked panels sharing the year axis.
    """
    data = aws.assign(aws_net_sales_usd_bn=aws["aws_net_sales_usd_m"] / 1000.0,
                      aws_operating_income_usd_bn=aws["aws_operating_income_usd_m"] / 1000.0)
    data = data[["year", "aws_net_sales_usd_bn", "aws_operating_income_usd_bn",
                 "aws_operating_margin_pct", "aws_sales_growth_pct"]]
    x = alt.X("year:O", title="fiscal year", axis=alt.Axis(labelAngle=0),
              scale=alt.Scale(domain=[int(y) for y in aws["year"]]))
    tips = [alt.Tooltip("year:O", title="fiscal year"),
            alt.Tooltip("aws_net_sales_usd_bn:Q", title="AWS net sales, USD bn", format=",.1f"),
            alt.Tooltip("aws_operating_income_usd_bn:Q", title="AWS operating income, USD bn",
                        format=",.1f"),
            alt.Tooltip("aws_operating_margin_pct:Q", title="operating margin, %", format=".1f"),
            alt.Tooltip("aws_sales_growth_pct:Q", title="sales growth, %", format=".1f")]
    sales = alt.Chart(data).mark_bar(color="#0072B2").encode(
        x=x, y=alt.Y("aws_net_sales_usd_bn:Q", title="AWS net sales (USD bn)"),
        tooltip=tips).properties(width=540, height=200)
    band_df = trend.band.assign(interval=f"{trend.level:.0%} interval of the trend")
    btips = [alt.Tooltip("year:O", title="fiscal year"),
             alt.Tooltip("fitted_pct:Q", title="trend, %", format=".1f"),
             alt.Tooltip("lower_pct:Q", title="lower, %", format=".1f"),
             alt.Tooltip("upper_pct:Q", title="upper, %", format=".1f"),
             alt.Tooltip("interval:N")]
    band = alt.Chart(band_df).mark_area(opacity=0.2, color="#E69F00").encode(
        x=x, y=alt.Y("lower_pct:Q", title="AWS operating margin (%)"), y2="upper_pct:Q",
        tooltip=btips)
    trend_line = alt.Chart(band_df).mark_line(strokeDash=[6, 4], color="#E69F00").encode(
        x=x, y="fitted_pct:Q", tooltip=btips)
    margin = alt.Chart(data).mark_line(point=True, color="#D55E00").encode(
        x=x, y="aws_operating_margin_pct:Q", tooltip=tips)
    return alt.vconcat(sales, alt.layer(band, trend_line, margin).properties(width=540,
                                                                            height=200))


def aws_share_chart(aws: pd.DataFrame) -> alt.LayerChart:
    """AWS's share of Amazon's operating income and of its net sales, by year.

    Args:
        aws: From :func:`aws_segments`.

    Returns:
        Grouped bars with a rule at 100% (above it, the rest of Amazon lost money).
    """
    long = aws.melt(id_vars="year", value_vars=["aws_share_of_operating_income_pct",
                                                "aws_share_of_net_sales_pct"],
                    var_name="measure", value_name="share_pct")
    long["measure"] = long["measure"].map({
        "aws_share_of_operating_income_pct": "share of Amazon operating income",
        "aws_share_of_net_sales_pct": "share of Amazon net sales"})
    long = long.dropna(subset=["share_pct"])
    bars_ = alt.Chart(long).mark_bar().encode(
        x=alt.X("year:O", title="fiscal year", axis=alt.Axis(labelAngle=0),
                scale=alt.Scale(domain=[int(y) for y in aws["year"]])),
        xOffset="measure:N",
        y=alt.Y("share_pct:Q", title="AWS share (%)"),
        color=alt.Color("measure:N", title=None, legend=alt.Legend(),
                        scale=alt.Scale(range=["#0072B2", "#E69F00"])),
        tooltip=[alt.Tooltip("year:O", title="fiscal year"), alt.Tooltip("measure:N"),
                 alt.Tooltip("share_pct:Q", title="share, %", format=".1f")])
    rule = alt.Chart(pd.DataFrame({"share_pct": [100.0], "label": ["100%"]})).mark_rule(
        strokeDash=[4, 3], color="#333333").encode(
        y="share_pct:Q", tooltip=[alt.Tooltip("label:N", title="reference")])
    return alt.layer(bars_, rule).properties(width=540)

"""Growth and adoption curves fitted on the log scale: logistic, Gompertz and log-linear.

A general library: nothing here knows what is counted. Chapter 3 fits it to Amazon's robot
counts (:mod:`analysis.chapters.automation`), but any positive series that grows by orders of
magnitude fits the same way. Nothing reads files or prints; every warning raised by a fit is
caught and returned as text, so no warning reaches a page.

Conventions:
    * Counts ``y`` are fitted on the natural log (errors are multiplicative), by least squares
      over the log residuals. Values are in the units of ``y``.
    * Time is a decimal year (``2025.5`` is 1 Jul 2025); :func:`decimal_year` converts dates.
    * A ceiling is searched between half the largest count and ``max_ceiling`` (default 1,000
      times the largest count); a fit that ends at ``max_ceiling`` says the data set no upper
      limit (:attr:`CurveFit.ceiling_at_bound`).
    * Intervals are central percentile intervals at ``level_pct`` (e.g. 80 -> 10th-90th).
      Curve bands come from a parametric bootstrap (log residuals drawn from a normal with the
      fit's residual standard deviation, then refitted); they show parameter uncertainty of the
      fitted curve, not the scatter of single counts around it.
    * A ceiling interval is also read from the profile of the fit: every ceiling whose best fit
      is not worse than the unconstrained one by more than the F(1, n - p) quantile at the level.
      With few points this is an approximation, and its upper end may not exist.
    * Fitting is deterministic: fixed starts, no global random state, and the bootstrap draws
      from its own seeded generator, so the same inputs and seed give the same numbers.
    * Nothing is asserted, raised or dropped on an optimiser's convergence flag (it can differ
      between CPUs): each fit keeps the best finite solution of its fixed starts and reports
      the flag only. The vectorised bootstrap refits use their stopping rule only to choose
      which rows get refitted from more starts.
"""

from __future__ import annotations

import datetime as dt
import math
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = [
    "DEFAULT_N_BOOT",
    "MODEL_LABELS",
    "MODEL_NAMES",
    "REF_YEAR",
    "CurveBootstrap",
    "CurveFit",
    "bootstrap_curve",
    "ceiling_profile",
    "compare_models",
    "decimal_year",
    "fit_curve",
    "gompertz",
    "has_ceiling",
    "holdout_last_point",
    "log_linear",
    "logistic",
    "profile_interval",
]

#: Curve models, in the order pages show them.
MODEL_NAMES: tuple[str, ...] = ("logistic", "gompertz", "log-linear")
#: How pages name the models.
MODEL_LABELS: dict[str, str] = {
    "logistic": "logistic (ceiling)",
    "gompertz": "Gompertz (ceiling)",
    "log-linear": "log-linear (no ceiling)",
}
REF_YEAR = 2020.0  # reference year of the log-linear level (start of the year)
DEFAULT_N_BOOT = 1000
DEFAULT_MAX_CEILING_RATIO = 1000.0  # default ceiling search bound, times the largest count
_RATE_BOUNDS_PER_YEAR = (1e-3, 5.0)
_YEAR_BOUNDS = (1950.0, 2150.0)


# --- curves --------------------------------------------------------------------------------


def logistic(t_year: np.ndarray | float, ceiling: float, rate_per_year: float,
             midpoint_year: float) -> np.ndarray:
    """Logistic curve ``K / (1 + exp(-r (t - t0)))``.

    Args:
        t_year: Decimal years.
        ceiling: Ceiling ``K`` (units of the counts).
        rate_per_year: Steepness ``r`` (per year).
        midpoint_year: Year ``t0`` at which half the ceiling is reached.

    Returns:
        The curve at each ``t_year``.
    """
    t = np.asarray(t_year, dtype=float)
    return ceiling * np.exp(-np.logaddexp(0.0, -rate_per_year * (t - midpoint_year)))


def gompertz(t_year: np.ndarray | float, ceiling: float, rate_per_year: float,
             inflection_year: float) -> np.ndarray:
    """Gompertz curve ``K exp(-exp(-c (t - ti)))`` (inflection at ``K / e``).

    Args:
        t_year: Decimal years.
        ceiling: Ceiling ``K`` (units of the counts).
        rate_per_year: Rate ``c`` (per year).
        inflection_year: Year ``ti`` of fastest growth in counts per year.

    Returns:
        The curve at each ``t_year``.
    """
    t = np.asarray(t_year, dtype=float)
    return ceiling * np.exp(-np.exp(-rate_per_year * (t - inflection_year)))


def log_linear(t_year: np.ndarray | float, level_2020: float,
               growth_pct_per_year: float) -> np.ndarray:
    """Constant-growth (log-linear) curve, no ceiling.

    Args:
        t_year: Decimal years.
        level_2020: Level at the start of :data:`REF_YEAR` (units of the counts).
        growth_pct_per_year: Growth per year in percent.

    Returns:
        The curve at each ``t_year``.
    """
    t = np.asarray(t_year, dtype=float)
    return level_2020 * np.power(1.0 + growth_pct_per_year / 100.0, t - REF_YEAR)


# Internal parameterisation (theta, last axis) for fitting on logs:
#   logistic:   (log K, log r, t0)
#   gompertz:   (log K, log c, ti)
#   log-linear: (log level at REF_YEAR, log growth factor)
# Curves and Jacobians broadcast: theta of shape (..., p) and t of shape (n,) give (..., n)
# values and (..., n, p) derivatives.


def _log_logistic(t: np.ndarray, theta: np.ndarray) -> np.ndarray:
    th = np.asarray(theta, dtype=float)
    log_k, rate, t0 = th[..., 0, None], np.exp(th[..., 1, None]), th[..., 2, None]
    return log_k - np.logaddexp(0.0, -rate * (t - t0))


def _jac_logistic(t: np.ndarray, theta: np.ndarray) -> np.ndarray:
    th = np.asarray(theta, dtype=float)
    rate, t0 = np.exp(th[..., 1, None]), th[..., 2, None]
    from scipy import special  # imported where used: scipy takes a second to import
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
    return th[..., 0, None] + th[..., 1, None] * (t - REF_YEAR)


def _jac_loglinear(t: np.ndarray, theta: np.ndarray) -> np.ndarray:
    th = np.asarray(theta, dtype=float)
    ones = np.ones(th.shape[:-1] + (np.asarray(t).size,))
    return np.stack([ones, ones * (t - REF_YEAR)], axis=-1)


@dataclass(frozen=True)
class _Model:
    name: str
    log_curve: Callable[[np.ndarray, np.ndarray], np.ndarray]
    jac: Callable[[np.ndarray, np.ndarray], np.ndarray]
    n_params: int
    has_ceiling: bool

    def bounds(self, log_ymax: float, max_ceiling: float) -> tuple[np.ndarray, np.ndarray]:
        if not self.has_ceiling:
            return np.array([-np.inf, -1.0]), np.array([np.inf, 2.0])
        return (np.array([log_ymax - math.log(2.0), math.log(_RATE_BOUNDS_PER_YEAR[0]),
                          _YEAR_BOUNDS[0]]),
                np.array([math.log(max_ceiling), math.log(_RATE_BOUNDS_PER_YEAR[1]),
                          _YEAR_BOUNDS[1]]))

    def starts(self, t: np.ndarray, log_y: np.ndarray) -> list[np.ndarray]:
        slope = float(np.polyfit(t, log_y, 1)[0])
        if not self.has_ceiling:
            return [np.array([float(np.mean(log_y) - slope * (np.mean(t) - REF_YEAR)), slope])]
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
            return {"ceiling": math.exp(theta[0]), "rate_per_year": math.exp(theta[1]),
                    "midpoint_year": float(theta[2])}
        if self.name == "gompertz":
            return {"ceiling": math.exp(theta[0]), "rate_per_year": math.exp(theta[1]),
                    "inflection_year": float(theta[2])}
        return {"level_2020": math.exp(theta[0]),
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


def has_ceiling(model: str) -> bool:
    """Whether curve ``model`` levels off at a ceiling (logistic, Gompertz) or not."""
    return _model(model).has_ceiling


# --- fitting -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CurveFit:
    """A curve fitted to counts on the log scale.

    Attributes:
        model: ``"logistic"``, ``"gompertz"`` or ``"log-linear"``.
        params: Named parameters: ``ceiling``, ``rate_per_year`` and ``midpoint_year``
            (logistic) or ``inflection_year`` (Gompertz); ``level_2020`` and
            ``growth_pct_per_year`` (log-linear).
        theta: Internal parameters on the fitting scale (used to refit and predict).
        t_year: Decimal years fitted.
        y: Counts fitted.
        rss_log: Sum of squared log residuals.
        sigma_log: Residual standard deviation on the log scale, ``sqrt(rss / (n - p))``.
        n_obs: Number of counts.
        n_params: Number of curve parameters.
        aicc: Small-sample AIC (Gaussian log residuals; sigma counted as a parameter); ``inf``
            when there are too few points for the correction.
        converged: The optimiser reported success (for information only; nothing depends on
            it).
        ceiling_at_bound: The ceiling sits at the search bound ``max_ceiling``.
        max_ceiling: Upper search bound of the ceiling (units of the counts); the bootstrap
            and the profile use the same bound.
        warnings: Warning messages raised by the fit, as text.
    """

    model: str
    params: dict[str, float]
    theta: tuple[float, ...]
    t_year: tuple[float, ...]
    y: tuple[float, ...]
    rss_log: float
    sigma_log: float
    n_obs: int
    n_params: int
    aicc: float
    converged: bool
    ceiling_at_bound: bool
    max_ceiling: float
    warnings: tuple[str, ...] = ()

    def predict(self, t_year: np.ndarray | Sequence[float] | float) -> np.ndarray:
        """Return the fitted curve at ``t_year`` (decimal years)."""
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
    """Best of several bounded least-squares fits; (theta, rss, optimiser's success flag)."""
    best: tuple[np.ndarray, float, bool] | None = None
    lower, upper = np.asarray(bounds[0]), np.asarray(bounds[1])
    for start in starts:
        x0 = np.clip(np.asarray(start, dtype=float), lower + 1e-9, upper - 1e-9)
        try:
            from scipy import optimize  # imported where used: scipy takes a second to import
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
        theta (B, p), rss (B,), converged (B,) (bool: the rows that stopped by the step or
        gain rule before ``max_iter``; the others are refitted from several starts).
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


def _prepare(t_year: Sequence[float] | np.ndarray, y: Sequence[float] | np.ndarray,
             min_obs: int) -> tuple[np.ndarray, np.ndarray]:
    t = np.asarray(t_year, dtype=float)
    values = np.asarray(y, dtype=float)
    if t.shape != values.shape or t.ndim != 1:
        raise ValueError("t_year and the counts must be one-dimensional and of equal length")
    if not (np.all(np.isfinite(t)) and np.all(np.isfinite(values)) and np.all(values > 0)):
        raise ValueError("t_year must be finite and the counts positive and finite")
    if t.size < min_obs:
        raise ValueError(f"need at least {min_obs} counts, got {t.size}")
    order = np.argsort(t, kind="stable")
    return t[order], values[order]


def fit_curve(t_year: Sequence[float] | np.ndarray, y: Sequence[float] | np.ndarray,
              model: str = "logistic", *, max_ceiling: float | None = None) -> CurveFit:
    """Fit a curve to counts by least squares on the log scale.

    Several starting ceilings are tried and the best fit kept. Warnings are caught and
    returned in :attr:`CurveFit.warnings`.

    Args:
        t_year: Decimal years of the counts.
        y: Counts (positive).
        model: ``"logistic"``, ``"gompertz"`` or ``"log-linear"``.
        max_ceiling: Upper search bound of the ceiling (units of the counts); default 1,000
            times the largest count. Ignored by the log-linear model.

    Returns:
        The fit.

    Raises:
        ValueError: Unknown model, bad inputs, fewer counts than parameters plus one, a
            ``max_ceiling`` not above the largest count, or no start gave a finite fit.
    """
    spec = _model(model)
    t, values = _prepare(t_year, y, spec.n_params + 1)
    log_y = np.log(values)
    bound = float(max_ceiling) if max_ceiling is not None \
        else DEFAULT_MAX_CEILING_RATIO * float(values.max())
    if spec.has_ceiling and not bound > float(values.max()):
        raise ValueError(f"max_ceiling must exceed the largest count, got {bound:g}")
    with warnings.catch_warnings(record=True) as caught, np.errstate(all="ignore"):
        warnings.simplefilter("always")
        theta, rss, ok = _least_squares(spec, t, log_y, spec.starts(t, log_y),
                                        spec.bounds(float(log_y.max()), bound))
    n = int(t.size)
    at_bound = spec.has_ceiling and theta[0] >= math.log(bound) - 1e-3
    return CurveFit(
        model=model, params=spec.public(theta), theta=tuple(float(v) for v in theta),
        t_year=tuple(float(v) for v in t), y=tuple(float(v) for v in values), rss_log=rss,
        sigma_log=math.sqrt(rss / (n - spec.n_params)), n_obs=n, n_params=spec.n_params,
        aicc=_aicc(rss, n, spec.n_params), converged=ok, ceiling_at_bound=bool(at_bound),
        max_ceiling=bound, warnings=tuple(dict.fromkeys(str(w.message) for w in caught)))


# --- bootstrap -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CurveBootstrap:
    """Parametric-bootstrap uncertainty of a fitted curve.

    Attributes:
        fit: The point fit.
        level: Interval level (fraction, e.g. 0.8).
        band: One row per grid date: ``date`` (ISO string), ``t_year``, ``model``,
            ``fitted`` (point fit), ``median``, ``lower``, ``upper`` (units of the counts),
            ``level``.
        draws: One row per kept refit: the named parameters (see :class:`CurveFit`).
        intervals: One row per parameter: ``parameter``, ``estimate``, ``lower``, ``upper``.
        theta_draws: Refitted internal parameters, shape (draws, parameters).
        n_boot: Refits attempted.
        n_failed: Refits that gave no finite fit (dropped).
        n_unconverged: Refits kept although the optimiser reported no convergence (each is
            the best of several fixed starts; reported for information).
        share_ceiling_at_bound: Share of refits whose ceiling hit the fit's ``max_ceiling``
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
    n_unconverged: int
    share_ceiling_at_bound: float
    warnings: tuple[str, ...] = field(default_factory=tuple)

    def interval(self, parameter: str) -> tuple[float, float]:
        """Return the (lower, upper) interval of a named parameter."""
        row = self.intervals.loc[self.intervals["parameter"] == parameter]
        if row.empty:
            raise KeyError(f"no parameter {parameter!r} in the {self.fit.model} bootstrap")
        return float(row["lower"].iloc[0]), float(row["upper"].iloc[0])

    def sample(self, t_year: Sequence[float] | np.ndarray) -> np.ndarray:
        """Return each refit's curve at ``t_year``: shape (draws, len(t_year))."""
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


def _refit(spec: _Model, t: np.ndarray, sims: np.ndarray, theta_hat: np.ndarray,
           bounds: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Refit every simulated series; (theta, finite, optimiser converged), one row each.

    All rows are fitted at once; a row the batch did not settle is refitted alone from the
    point estimate and two of the model's fixed starts, keeping the best finite fit.
    """
    theta, _, settled = _batched_fit(spec, t, sims, theta_hat, bounds)
    converged = settled.copy()
    finite = np.ones(len(sims), dtype=bool)
    for i in np.flatnonzero(~settled):
        try:
            theta[i], _, converged[i] = _least_squares(
                spec, t, sims[i], [theta_hat] + spec.starts(t, sims[i])[:2], bounds)
        except ValueError:
            finite[i] = False
    return theta, finite & np.all(np.isfinite(theta), axis=1), converged


def _intervals(draws: pd.DataFrame, estimates: Mapping[str, float], alpha: float
               ) -> pd.DataFrame:
    rows = []
    for name in draws.columns:
        lo, hi = np.quantile(draws[name].to_numpy(), [alpha, 1.0 - alpha])
        rows.append({"parameter": name, "estimate": estimates[name], "lower": float(lo),
                     "upper": float(hi)})
    return pd.DataFrame(rows, columns=["parameter", "estimate", "lower", "upper"])


def bootstrap_curve(fit: CurveFit, *, first_year: int, last_year: int,
                    n_boot: int = DEFAULT_N_BOOT, seed: int = 0, level_pct: float = 80.0
                    ) -> CurveBootstrap:
    """Parametric bootstrap of a fitted curve: simulate log counts, refit, summarise.

    Each replicate draws log counts from the fitted curve plus normal noise with the fit's
    residual standard deviation and refits from the point estimate (all replicates at once;
    any the batch does not settle are refitted one by one from several starts). Every refit
    with a finite result is kept, whatever the optimiser's flag. The same ``seed`` gives the
    same result.

    Args:
        fit: A :class:`CurveFit`.
        first_year: First calendar year of the band grid (quarterly dates).
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
    bounds = spec.bounds(float(np.log(np.asarray(fit.y)).max()), fit.max_ceiling)
    with warnings.catch_warnings(record=True) as caught, np.errstate(all="ignore"):
        warnings.simplefilter("always")
        theta, good, converged = _refit(spec, t, sims, theta_hat, bounds)
    if not good.any():
        raise ValueError(f"every bootstrap refit of the {fit.model} curve failed")
    theta_arr = theta[good]
    grid = _grid(first_year, last_year)
    grid_t = grid["t_year"].to_numpy()
    curves = np.exp(spec.log_curve(grid_t, theta_arr))
    alpha = (1.0 - level_pct / 100.0) / 2.0
    qs = np.quantile(curves, [alpha, 0.5, 1.0 - alpha], axis=0)
    band = grid.assign(model=fit.model, fitted=fit.predict(grid_t), median=qs[1],
                       lower=qs[0], upper=qs[2], level=level_pct / 100.0)
    draws = pd.DataFrame([spec.public(th) for th in theta_arr])
    at_bound = 0.0
    if spec.has_ceiling:
        at_bound = float(np.mean(theta_arr[:, 0] >= math.log(fit.max_ceiling) - 1e-3))
    return CurveBootstrap(
        fit=fit, level=level_pct / 100.0, band=band, draws=draws,
        intervals=_intervals(draws, fit.params, alpha), theta_draws=theta_arr, n_boot=n_boot,
        n_failed=int(n_boot - good.sum()), n_unconverged=int((good & ~converged).sum()),
        share_ceiling_at_bound=at_bound,
        warnings=tuple(dict.fromkeys(str(w.message) for w in caught)))


# --- how well do a few points pin down a ceiling? ----------------------------------------


def _profile_rss(spec: _Model, t: np.ndarray, log_y: np.ndarray, ceilings: np.ndarray,
                 start: np.ndarray) -> np.ndarray:
    """Best RSS for each fixed ceiling (the other two parameters refitted)."""
    rss_values = []
    first = np.asarray(start)
    lower = [math.log(_RATE_BOUNDS_PER_YEAR[0]), _YEAR_BOUNDS[0]]
    upper = [math.log(_RATE_BOUNDS_PER_YEAR[1]), _YEAR_BOUNDS[1]]
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        for k in ceilings:
            log_k = math.log(k)

            def resid(th: np.ndarray, log_k: float = log_k) -> np.ndarray:
                return spec.log_curve(t, np.array([log_k, th[0], th[1]])) - log_y

            def jac(th: np.ndarray, log_k: float = log_k) -> np.ndarray:
                return spec.jac(t, np.array([log_k, th[0], th[1]]))[:, 1:]

            best = math.inf
            # From the previous ceiling's solution, then from the point fit.
            for x0 in (start, first):
                from scipy import optimize  # imported where used: scipy takes a second to import
                res = optimize.least_squares(resid, x0, jac=jac, bounds=(lower, upper),
                                             method="trf", x_scale="jac", max_nfev=2000)
                rss = float(np.sum(res.fun ** 2))
                if rss < best:
                    best, start = rss, res.x
            rss_values.append(best)
    return np.asarray(rss_values)


def ceiling_profile(fit: CurveFit, ceilings: Sequence[float] | np.ndarray | None = None,
                    level_pct: float = 80.0) -> pd.DataFrame:
    """Profile the fit over fixed ceilings: the best fit for each assumed ceiling.

    For each ceiling the other two parameters are refitted. ``f_stat`` measures how much worse
    the constrained fit is than the best one, ``(rss_K - rss_min) / (rss_min / (n - p))``; a
    ceiling is consistent with the data at the level when ``f_stat`` is at most the
    F(1, n - p) quantile (``threshold``).

    Args:
        fit: A logistic or Gompertz :class:`CurveFit`.
        ceilings: Ceilings to try (units of the counts); default 100 values, geometrically
            spaced from 0.9 times the largest count to the fit's ``max_ceiling``. The fitted
            ceiling is added when it lies inside the range.
        level_pct: Level in percent of the consistency threshold.

    Returns:
        Columns ``model``, ``ceiling``, ``rss_log``, ``f_stat``, ``threshold``,
        ``consistent`` (bool), ``level``.

    Raises:
        ValueError: The model has no ceiling.
    """
    spec = _model(fit.model)
    if not spec.has_ceiling:
        raise ValueError(f"the {fit.model} model has no ceiling to profile")
    t = np.asarray(fit.t_year)
    log_y = np.log(np.asarray(fit.y))
    if ceilings is None:
        ceilings = np.geomspace(0.9 * float(np.max(fit.y)), fit.max_ceiling, 100)
    grid = np.asarray(ceilings, dtype=float)
    if grid.min() <= fit.params["ceiling"] <= grid.max():
        # Include the best fit itself, so that the profile touches zero.
        grid = np.unique(np.append(grid, fit.params["ceiling"]))
    rss_arr = _profile_rss(spec, t, log_y, grid, np.asarray(fit.theta[1:]))
    df_resid = fit.n_obs - fit.n_params
    rss_min = min(fit.rss_log, float(rss_arr.min()))
    f_stat = (rss_arr - rss_min) / (rss_min / df_resid) if rss_min > 0 else np.zeros_like(rss_arr)
    from scipy import special  # imported where used: scipy takes a second to import
    threshold = float(special.fdtri(1, df_resid, level_pct / 100.0))
    return pd.DataFrame({
        "model": fit.model, "ceiling": grid, "rss_log": rss_arr,
        "f_stat": np.maximum(f_stat, 0.0), "threshold": threshold,
        "consistent": f_stat <= threshold, "level": level_pct / 100.0})


def profile_interval(profile: pd.DataFrame) -> dict[str, float | bool]:
    """Read the ceiling interval off a profile from :func:`ceiling_profile`.

    Args:
        profile: The profile frame.

    Returns:
        ``lower`` and ``upper`` (the smallest and largest consistent ceilings tried),
        ``lower_bounded`` / ``upper_bounded`` (False when the end of the grid is still
        consistent, i.e. the data set no limit there) and ``grid_max``. NaN ends when no
        ceiling tried is consistent.
    """
    ok = profile.loc[profile["consistent"], "ceiling"]
    grid = profile["ceiling"]
    if ok.empty:
        return {"lower": math.nan, "upper": math.nan, "lower_bounded": True,
                "upper_bounded": True, "grid_max": float(grid.max())}
    return {"lower": float(ok.min()), "upper": float(ok.max()),
            "lower_bounded": bool(ok.min() > grid.min()),
            "upper_bounded": bool(ok.max() < grid.max()),
            "grid_max": float(grid.max())}


def holdout_last_point(t_year: Sequence[float] | np.ndarray, y: Sequence[float] | np.ndarray,
                       model: str, *, max_ceiling: float | None = None) -> dict[str, float]:
    """Fit without the latest count and predict it: a one-step out-of-sample check.

    Args:
        t_year: Decimal years of the counts.
        y: Counts.
        model: Curve model name.
        max_ceiling: Ceiling search bound of the fit (see :func:`fit_curve`).

    Returns:
        ``t_year``, ``observed``, ``predicted`` and ``error_pct`` (predicted over observed
        minus one, in percent); NaN prediction if the fit is impossible.
    """
    t, values = _prepare(t_year, y, 2)
    try:
        fit = fit_curve(t[:-1], values[:-1], model, max_ceiling=max_ceiling)
        predicted = float(fit.predict(t[-1:])[0])
    except ValueError:
        predicted = math.nan
    return {"t_year": float(t[-1]), "observed": float(values[-1]), "predicted": predicted,
            "error_pct": (predicted / float(values[-1]) - 1.0) * 100}


def _comparison_row(fit: CurveFit, boot: CurveBootstrap, profile: pd.DataFrame | None,
                    t_end: float) -> dict[str, object]:
    end = boot.band.loc[np.isclose(boot.band["t_year"], t_end)]
    row: dict[str, object] = {
        "model": fit.model, "label": MODEL_LABELS[fit.model], "n_params": fit.n_params,
        "rss_log": fit.rss_log, "sigma_log": fit.sigma_log, "aicc": fit.aicc,
        "ceiling": fit.params.get("ceiling", math.nan),
        "ceiling_boot_lower": math.nan, "ceiling_boot_upper": math.nan,
        "ceiling_at_bound_share": boot.share_ceiling_at_bound,
        "ceiling_profile_lower": math.nan, "ceiling_profile_upper": math.nan,
        "ceiling_profile_upper_bounded": True,
        "holdout_error_pct": holdout_last_point(fit.t_year, fit.y, fit.model,
                                                max_ceiling=fit.max_ceiling)["error_pct"],
        "horizon": float(fit.predict([t_end])[0]),
        "horizon_lower": float(end["lower"].iloc[0]) if len(end) else math.nan,
        "horizon_upper": float(end["upper"].iloc[0]) if len(end) else math.nan,
    }
    if "ceiling" in fit.params:
        row["ceiling_boot_lower"], row["ceiling_boot_upper"] = boot.interval("ceiling")
    if profile is not None:
        iv = profile_interval(profile)
        row["ceiling_profile_lower"] = iv["lower"]
        row["ceiling_profile_upper"] = iv["upper"]
        row["ceiling_profile_upper_bounded"] = iv["upper_bounded"]
    return row


def compare_models(fits: Mapping[str, CurveFit], boots: Mapping[str, CurveBootstrap],
                   profiles: Mapping[str, pd.DataFrame], horizon_year: int) -> pd.DataFrame:
    """One row per model: fit quality, ceiling intervals, hold-out error and projection.

    Args:
        fits: Model name -> fit.
        boots: Model name -> bootstrap (its band must reach the end of ``horizon_year``).
        profiles: Model name -> ceiling profile (models with a ceiling).
        horizon_year: Year whose end-of-year projection is reported.

    Returns:
        Columns ``model``, ``label``, ``n_params``, ``rss_log``, ``sigma_log``, ``aicc``,
        ``ceiling``, ``ceiling_boot_lower``, ``ceiling_boot_upper``,
        ``ceiling_at_bound_share``, ``ceiling_profile_lower``, ``ceiling_profile_upper``,
        ``ceiling_profile_upper_bounded``, ``holdout_error_pct``, ``horizon``,
        ``horizon_lower``, ``horizon_upper`` (the projection at 31 Dec of ``horizon_year``
        and its bootstrap interval), in the order of :data:`MODEL_NAMES`.
    """
    t_end = float(decimal_year([dt.date(horizon_year, 12, 31)])[0])
    return pd.DataFrame([_comparison_row(fits[name], boots[name], profiles.get(name), t_end)
                         for name in MODEL_NAMES if name in fits])

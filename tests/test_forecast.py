"""Tests of analysis.forecast: contracts, known parameters, coverage, as_of, warnings."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest

from analysis import forecast as F

YEARS = list(range(2015, 2026))
CAPEX = [4589, 6737, 11955, 13427, 16861, 40140, 61053, 63645, 52729, 82999, 131819]
EMPLOYEES = [230800, 341400, 566000, 647500, 798000, 1298000, 1608000, 1541000, 1525000,
             1556000, 1576000]
SALES = [107006, 135987, 177866, 232887, 280522, 386064, 469822, 513983, 574785, 637959,
         716924]
Q_CAPEX = {"2022Q4": 16592, "2023Q3": 12479, "2023Q4": 14588, "2024Q3": 22620,
           "2024Q4": 27834, "2025Q3": 35095, "2025Q4": 39522, "2026Q1": 44200}
Q_EMPLOYEES = {"2022Q3": 1544000, "2022Q4": 1541000, "2023Q1": 1465000, "2023Q2": 1461000,
               "2023Q3": 1500000, "2023Q4": 1525000, "2024Q2": 1532000, "2024Q3": 1551000,
               "2024Q4": 1556000, "2025Q1": 1560000, "2025Q2": 1546000, "2025Q3": 1578000,
               "2025Q4": 1576000}
AS_OF = "2026-06-30"


def annual_frame() -> pd.DataFrame:
    return pd.DataFrame({"year": YEARS, "net_sales_usd_m": np.array(SALES, float),
                         "capex_gross_usd_m": np.array(CAPEX, float),
                         "employees_year_end": np.array(EMPLOYEES, float)})


def quarterly_frame() -> pd.DataFrame:
    periods = [str(p) for p in pd.period_range("2022Q1", "2026Q2", freq="Q")]
    return pd.DataFrame({
        "period": periods,
        "quarter_end": [pd.Period(p, "Q").end_time.normalize() for p in periods],
        "capex_gross_usd_m": [float(Q_CAPEX.get(p, np.nan)) for p in periods],
        "employees": [float(Q_EMPLOYEES.get(p, np.nan)) for p in periods],
    })


def candidate(prefix: str, quarterly: bool = False) -> F.Candidate:
    pool = F.QUARTERLY_CANDIDATES if quarterly else F.ANNUAL_CANDIDATES
    return next(c for c in pool if c.name.startswith(prefix))


RW_LEVEL = "random walk with drift, "
AR1_LOG = "AR(1) log growth"


def _same(a: F.ForecastResult, b: F.ForecastResult) -> None:
    pd.testing.assert_frame_equal(a.frame, b.frame)
    pd.testing.assert_frame_equal(a.history, b.history)
    pd.testing.assert_frame_equal(a.candidates, b.candidates)
    assert (a.model, a.reason, a.warnings) == (b.model, b.reason, b.warnings)


# --- output contract -------------------------------------------------------------------------


@pytest.mark.parametrize("func, frame, kind", [
    (F.forecast_capex_annual, annual_frame, int),
    (F.forecast_headcount_annual, annual_frame, int),
    (F.forecast_capex_quarterly, quarterly_frame, str),
    (F.forecast_headcount_quarterly, quarterly_frame, str),
])
def test_output_contract(func, frame, kind):
    res = func(frame(), AS_OF)
    assert list(res.frame.columns) == ["period", "mean", "lower", "upper", "level", "model"]
    assert all(type(p) is kind for p in res.frame["period"])
    assert all(type(p) is kind for p in res.history["period"])
    assert list(res.history.columns) == ["period", "value"]
    assert (res.frame["level"] == 0.8).all()
    assert (res.frame["model"] == res.model).all()
    assert (res.frame["lower"] <= res.frame["mean"]).all()
    assert (res.frame["mean"] <= res.frame["upper"]).all()
    assert res.candidates["selected"].sum() == 1
    assert res.candidates.loc[res.candidates["selected"], "model"].item() == res.model
    assert res.reason
    json.loads(res.frame.to_json(orient="records"))  # chart-ready: no Period objects
    last = res.history["period"].iloc[-1]
    if kind is int:
        assert res.frame["period"].tolist() == list(range(last + 1, 2028))
    else:
        assert res.frame["period"].iloc[-1] == "2027Q4"
        assert pd.Period(res.frame["period"].iloc[0], "Q") == pd.Period(last, "Q") + 1


def test_quarters_not_yet_reported_are_forecast():
    res = F.forecast_capex_quarterly(quarterly_frame(), AS_OF)
    assert res.history["period"].iloc[-1] == "2026Q1"
    assert res.frame["period"].iloc[0] == "2026Q2"  # before as_of but not reported


def test_several_levels_nest():
    res = F.forecast_capex_annual(annual_frame(), AS_OF, interval_level_pct=(95, 80))
    f80 = res.frame[res.frame["level"] == 0.8].reset_index(drop=True)
    f95 = res.frame[res.frame["level"] == 0.95].reset_index(drop=True)
    assert len(f80) == len(f95) == 2
    assert (f95["lower"] < f80["lower"]).all() and (f95["upper"] > f80["upper"]).all()
    np.testing.assert_allclose(f80["mean"], f95["mean"])


def test_bad_horizon_and_levels_raise():
    with pytest.raises(ValueError, match="horizon_year"):
        F.forecast_capex_annual(annual_frame(), AS_OF, horizon_year=2025)
    with pytest.raises(ValueError, match="interval levels"):
        F.forecast_capex_annual(annual_frame(), AS_OF, interval_level_pct=100)


# --- known parameters ------------------------------------------------------------------------


def _years(n: int, start: int = 1950) -> list[int]:
    return list(range(start, start + n))


def test_random_walk_drift_is_recovered():
    rng = np.random.default_rng(1)
    y = pd.Series(100.0 + np.cumsum(5.0 + rng.normal(0.0, 1.0, 80)), index=_years(80))
    res = F.forecast_series(y, 5, "Y", candidates=[candidate(RW_LEVEL)])
    slope = np.diff(res.frame["mean"].to_numpy())
    # drift estimate sd = sigma / sqrt(n - 1) ~ 0.11; tolerance about 4 sd
    np.testing.assert_allclose(slope, 5.0, atol=0.45)


def test_default_selection_recovers_drift():
    rng = np.random.default_rng(2)
    y = pd.Series(500.0 + np.cumsum(5.0 + rng.normal(0.0, 1.0, 25)), index=_years(25))
    res = F.forecast_series(y, 3, "Y")
    slope = np.diff(res.frame["mean"].to_numpy())
    np.testing.assert_allclose(slope, 5.0, atol=1.0)  # any chosen model: within 1 per step
    assert res.candidates["n_cv"].max() >= F.MIN_CV_ERRORS


def test_ar1_log_growth_is_recovered():
    rng = np.random.default_rng(3)
    mu, phi, n = 0.05, 0.5, 120
    g = np.empty(n)
    g[0] = mu
    for t in range(1, n):
        g[t] = mu + phi * (g[t - 1] - mu) + rng.normal(0.0, 0.01)
    y = pd.Series(100.0 * np.exp(np.cumsum(g)), index=_years(n, 1800))
    res = F.forecast_series(y, 30, "Y", candidates=[candidate(AR1_LOG)])
    mean = res.frame["mean"].to_numpy()
    long_run_growth = np.log(mean[-1] / mean[-2])
    # sd of the mean-growth estimate ~ 0.01 / (1 - phi) / sqrt(n) ~ 0.002; tolerance 5 sd
    assert long_run_growth == pytest.approx(mu, abs=0.01)


def test_interval_coverage_near_nominal_over_replications():
    """200 random walks with drift, 30 points each: one-step 80% and 95% coverage.

    Tolerance: binomial sd at 200 replications is 0.028 (80%) and 0.015 (95%). The intervals
    exclude parameter uncertainty, and longer runs (1,200 replications) put true coverage near
    0.78 and 0.92-0.93, so accept 0.72-0.88 and 0.88-0.99 (about 3 sd around those).
    """
    rng = np.random.default_rng(4)
    cand = candidate(RW_LEVEL)
    hits = {0.8: 0, 0.95: 0}
    reps = 200
    for _ in range(reps):
        path = np.cumsum(5.0 + rng.normal(0.0, 2.0, 31))
        y = pd.Series(path[:30], index=_years(30))
        res = F.forecast_series(y, 1, "Y", interval_level_pct=(80, 95), candidates=[cand])
        for level, row in res.frame.set_index("level").iterrows():
            hits[level] += row["lower"] <= path[30] <= row["upper"]
    assert 0.72 <= hits[0.8] / reps <= 0.88
    assert 0.88 <= hits[0.95] / reps <= 0.99


def test_closed_form_drift_coverage_near_nominal():
    rng = np.random.default_rng(5)
    reps, inside = 2_000, 0
    for _ in range(reps):
        path = np.cumsum(5.0 + rng.normal(0.0, 2.0, 13))
        band = F.naive_drift_forecast(path[:10], 3, 0.8).iloc[2]
        inside += band["lower"] <= path[12] <= band["upper"]
    # sd 0.009 at 2,000 replications; the drift term keeps 3-step coverage near nominal at n=10
    assert 0.76 <= inside / reps <= 0.84


# --- as_of -----------------------------------------------------------------------------------


@pytest.mark.parametrize("as_of, last_year", [("2022-12-30", 2021), ("2022-12-31", 2022),
                                              ("2023-06-30", 2022)])
def test_as_of_never_leaks_annual(as_of, last_year):
    base = annual_frame()
    res = F.forecast_capex_annual(base, as_of)
    assert res.history["period"].iloc[-1] == last_year
    later = base["year"] > last_year
    perturbed = base.copy()
    perturbed.loc[later, ["capex_gross_usd_m", "employees_year_end"]] *= 7.0
    _same(res, F.forecast_capex_annual(perturbed, as_of))
    _same(F.forecast_headcount_annual(base, as_of),
          F.forecast_headcount_annual(perturbed, as_of))


def test_as_of_never_leaks_quarterly():
    base = quarterly_frame()
    as_of = "2025-03-31"
    later = base["quarter_end"] > pd.Timestamp(as_of)
    perturbed = base.copy()
    perturbed.loc[later, ["capex_gross_usd_m", "employees"]] = 9.9e9
    for func in (F.forecast_capex_quarterly, F.forecast_headcount_quarterly):
        res = func(base, as_of)
        assert res.history["period"].iloc[-1] <= "2025Q1"
        _same(res, func(perturbed, as_of))


def test_as_of_never_leaks_guidance_and_relation():
    base = annual_frame()
    perturbed = base.copy()
    perturbed.loc[base["year"] > 2022, ["capex_gross_usd_m", "employees_year_end"]] *= 3.0
    a = F.capex_headcount_relation(base, "2023-06-30")
    b = F.capex_headcount_relation(perturbed, "2023-06-30")
    assert (a.coefficient, a.n) == (b.coefficient, b.n)
    _same(F.forecast_capex_guidance(base, "2023-06-30"),
          F.forecast_capex_guidance(perturbed, "2023-06-30"))


# --- warnings and fallback -------------------------------------------------------------------


def test_no_warning_reaches_the_page(capsys):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        results = [
            F.forecast_capex_annual(annual_frame(), AS_OF, interval_level_pct=(80, 95)),
            F.forecast_headcount_annual(annual_frame(), AS_OF),
            F.forecast_capex_quarterly(quarterly_frame(), AS_OF),
            F.forecast_headcount_quarterly(quarterly_frame(), AS_OF),
            F.forecast_capex_guidance(annual_frame(), AS_OF),
        ]
        F.capex_headcount_relation(annual_frame(), AS_OF)
    out = capsys.readouterr()
    assert out.out == "" and out.err == ""
    # the local-linear-trend fit on quarterly headcount does not converge: recorded, not shown
    hq = results[3]
    assert any("ConvergenceWarning" in w for w in hq.warnings)
    row = hq.candidates.set_index("model").loc["local linear trend on log"]
    assert not row["converged"] and not row["selected"]


def _failing(name: str, exc: Exception) -> F.Candidate:
    def fit(y):
        raise exc

    return F.Candidate(name, False, 3, fit, lambda res, steps, alpha: None)


def _not_converging(name: str) -> F.Candidate:
    from statsmodels.tools.sm_exceptions import ConvergenceWarning

    base = candidate(RW_LEVEL)

    def fit(y):
        warnings.warn("optimizer gave up", ConvergenceWarning, stacklevel=2)
        return base.fit(y)

    return F.Candidate(name, False, 3, fit, base.predict)


def test_failing_candidates_fall_back_to_a_simpler_model(capsys):
    cands = [_failing("boom", np.linalg.LinAlgError("LU decomposition error.")),
             _not_converging("stuck"), candidate(RW_LEVEL)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = F.forecast_capex_annual(annual_frame(), AS_OF, candidates=cands)
    assert res.model == candidate(RW_LEVEL).name
    table = res.candidates.set_index("model")
    assert table.loc["boom", "note"].startswith("failed: LinAlgError")
    assert table.loc["stuck", "note"] == "did not converge; excluded"
    assert "2 candidate(s) excluded" in res.reason
    assert any("LinAlgError" in w for w in res.warnings)
    assert any("ConvergenceWarning" in w for w in res.warnings)
    assert capsys.readouterr().out == ""


def test_all_candidates_failing_uses_closed_form_fallback():
    cands = [_failing("boom", np.linalg.LinAlgError("SVD did not converge")),
             _failing("bang", ValueError("bad start"))]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = F.forecast_capex_annual(annual_frame(), AS_OF, candidates=cands)
    assert res.model == F.CLOSED_FORM_NAME
    assert res.reason.startswith("Fallback")
    assert not res.candidates["selected"].any()
    assert any("fallback" in w for w in res.warnings)
    assert res.frame["mean"].notna().all() and (res.frame["lower"] > 0).all()


def test_too_short_series_uses_aicc():
    res = F.forecast_capex_annual(annual_frame(), "2020-12-31")  # FY2015-2020: 6 points
    assert "AICc" in res.reason


# --- guidance path -------------------------------------------------------------------------


def test_guidance_path():
    stat = F.forecast_capex_annual(annual_frame(), AS_OF)
    res = F.forecast_capex_guidance(annual_frame(), AS_OF, guidance_band_pct=0.0)
    f = res.frame.set_index("period")
    assert f.loc[2026, "mean"] == f.loc[2026, "lower"] == f.loc[2026, "upper"] == 200_000.0
    s = stat.frame.set_index("period")
    growth = s.loc[2027, "mean"] / s.loc[2026, "mean"]
    assert f.loc[2027, "mean"] == pytest.approx(200_000.0 * growth)
    assert f.loc[2027, "lower"] < f.loc[2027, "mean"] < f.loc[2027, "upper"]
    assert res.model.startswith("guidance + ")
    banded = F.forecast_capex_guidance(annual_frame(), AS_OF, guidance_band_pct=5.0)
    b = banded.frame.set_index("period")
    assert b.loc[2026, "lower"] == pytest.approx(190_000.0)
    assert b.loc[2026, "upper"] == pytest.approx(210_000.0)
    assert b.loc[2027, "upper"] > f.loc[2027, "upper"]


def test_guidance_before_announcement_is_ignored():
    res = F.forecast_capex_guidance(annual_frame(), "2026-01-31")
    stat = F.forecast_capex_annual(annual_frame(), "2026-01-31")
    pd.testing.assert_frame_equal(res.frame, stat.frame)
    assert "after as_of" in res.reason


def test_guidance_year_already_reported_is_ignored():
    frame = pd.concat([annual_frame(), pd.DataFrame({"year": [2026], "net_sales_usd_m": [8e5],
                                                     "capex_gross_usd_m": [190_000.0],
                                                     "employees_year_end": [1.6e6]})],
                      ignore_index=True)
    res = F.forecast_capex_guidance(frame, "2027-03-01")
    assert "already reported" in res.reason
    assert res.frame["period"].tolist() == [2027]


# --- capex intensity vs headcount growth ---------------------------------------------------


def test_relation_recovers_a_known_slope():
    rng = np.random.default_rng(6)
    n = 40
    intensity = rng.uniform(2.0, 20.0, n)
    growth = 10.0 - 0.5 * intensity + rng.normal(0.0, 1.0, n)
    staff = 1000.0 * np.cumprod(np.r_[1.0, 1.0 + growth[1:] / 100.0])
    frame = pd.DataFrame({"year": np.arange(1980, 1980 + n), "net_sales_usd_m": 100.0,
                          "capex_gross_usd_m": intensity, "employees_year_end": staff})
    rel = F.capex_headcount_relation(frame, "2030-01-01")
    assert rel.n == n - 1
    assert rel.lower < -0.5 < rel.upper
    assert rel.coefficient == pytest.approx(-0.5, abs=0.15)
    assert 0.0 <= rel.r_squared <= 1.0 and rel.p_value < 0.01
    assert list(rel.data.columns) == ["year", "capex_intensity_pct", "headcount_growth_pct"]


def test_relation_on_real_shaped_data_is_reported():
    rel = F.capex_headcount_relation(annual_frame(), AS_OF)
    assert rel.n == 10 and rel.maxlags == 2
    assert rel.lower <= rel.coefficient <= rel.upper
    row = rel.as_frame()
    assert row.shape == (1, 9)
    lagged = F.capex_headcount_relation(annual_frame(), AS_OF, lag_years=1)
    assert lagged.n == 10 and lagged.data["year"].iloc[0] == 2016

"""Tests of analysis.models.forecast: contracts, known parameters, coverage, as_of, warnings."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest

from analysis.models import forecast as F

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


def guidance_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "statement_id": ["a", "b", "c"],
        "statement_date": pd.to_datetime(["2025-02-06", "2025-10-30", "2026-02-05"]),
        "period": ["FY2025", "FY2025", "FY2026"],
        "value_low_usd_bn": [100.0, 125.0, 200.0], "value_high_usd_bn": [100.0, 125.0, 200.0],
    })


def closed_form() -> list[F.Candidate]:
    return [c for c in F.ANNUAL_CANDIDATES if c.name in (F.NO_CHANGE, F.NAIVE)]


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
    assert res.reason and res.naive_used == (res.model == F.NAIVE)
    if res.naive_used:
        assert res.reason.startswith(F.NAIVE_USED)
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


def test_more_quarters_and_guidance_rows_are_used():
    q = quarterly_frame()
    q.loc[q["period"] == "2026Q2", "capex_gross_usd_m"] = 54_208.0
    res = F.forecast_capex_quarterly(q, "2026-09-30")
    assert res.history["period"].iloc[-1] == "2026Q2"
    g = pd.concat([guidance_frame(), pd.DataFrame({
        "statement_id": ["d"], "statement_date": pd.to_datetime(["2026-07-30"]),
        "period": ["FY2026"], "value_low_usd_bn": [220.0], "value_high_usd_bn": [220.0]})])
    assert F.guidance_known(g, "2026-06-30", 2026) == 200_000.0
    assert F.guidance_known(g, "2026-08-01", 2026) == 220_000.0
    assert F.guidance_known(g, "2025-01-31", 2025) is None


def test_several_levels_nest():
    res = F.forecast_capex_annual(annual_frame(), AS_OF, interval_level_pct=(95, 80, 50))
    f = {lv: res.frame[res.frame["level"] == lv].reset_index(drop=True) for lv in (0.5, 0.8, 0.95)}
    assert all(len(x) == 2 for x in f.values())
    assert (f[0.95]["lower"] < f[0.8]["lower"]).all() and (f[0.8]["lower"] < f[0.5]["lower"]).all()
    assert (f[0.95]["upper"] > f[0.8]["upper"]).all() and (f[0.8]["upper"] > f[0.5]["upper"]).all()
    np.testing.assert_allclose(f[0.8]["mean"], f[0.95]["mean"])


def test_bad_horizon_levels_and_values_raise():
    with pytest.raises(ValueError, match="horizon_year"):
        F.forecast_capex_annual(annual_frame(), AS_OF, horizon_year=2025)
    with pytest.raises(ValueError, match="interval levels"):
        F.forecast_capex_annual(annual_frame(), AS_OF, interval_level_pct=100)
    with pytest.raises(ValueError, match="at least"):
        F.forecast_series(pd.Series([1.0, 2.0, 3.0], index=[2000, 2001, 2002]), 1, "Y")
    with pytest.raises(ValueError, match="positive"):
        F.forecast_series(pd.Series([1.0, 2.0, -3.0, 4.0], index=range(2000, 2004)), 1, "Y")


# --- selection -------------------------------------------------------------------------------


def _years(n: int, start: int = 1950) -> list[int]:
    return list(range(start, start + n))


def test_naive_is_used_when_no_candidate_beats_it():
    # a steady exponential trend: the naive drift is hard to beat, and no change is far off
    rng = np.random.default_rng(2)
    y = pd.Series(100.0 * np.exp(np.cumsum(0.1 + rng.normal(0.0, 0.01, 20))), index=_years(20))
    res = F.forecast_series(y, 2, "Y", candidates=closed_form())
    assert res.model == F.NAIVE and res.naive_used
    assert res.reason.startswith(F.NAIVE_USED)
    row = res.candidates.set_index("model").loc[F.NO_CHANGE]
    assert row["skill_vs_naive"] < 0 and not row["selected"]


def test_no_change_wins_when_the_trend_stops():
    # growth for a decade, then flat: from some origin on no change beats the stale drift
    rng = np.random.default_rng(3)
    growth = np.r_[np.full(10, 0.2), np.zeros(14)] + rng.normal(0.0, 0.005, 24)
    y = pd.Series(100.0 * np.exp(np.cumsum(growth)), index=_years(24))
    res = F.forecast_series(y, 2, "Y", candidates=closed_form())
    assert res.model == F.NO_CHANGE and not res.naive_used
    assert "beat the naive drift out of sample" in res.reason
    rec = res.record[res.record["method"] == "model"]
    assert set(rec["model"]) == {F.NAIVE, F.NO_CHANGE}  # naive until no change earned its place


def test_choice_at_an_origin_uses_only_errors_known_then():
    rng = np.random.default_rng(5)
    y = pd.Series(100.0 * np.exp(np.cumsum(0.05 + rng.normal(0.0, 0.1, 18))), index=_years(18))
    full = F.forecast_series(y, 2, "Y", (50, 80))
    cut = F.forecast_series(y.iloc[:12], 2, "Y", (50, 80))
    # the same choices and intervals; only outcomes after the cut are unknown to the cut run
    a = full.record[full.record["origin"] <= int(y.index[11])].reset_index(drop=True)
    b = cut.record.reset_index(drop=True)
    a, b = a.drop(columns="actual"), b.drop(columns="actual")
    pd.testing.assert_frame_equal(a, b)


def test_calibrated_coverage_near_nominal_over_replications():
    """150 random walks with drift (log scale), 16 points each: one-step 50% and 80% coverage.

    The calibrated interval comes from the procedure's own out-of-sample errors (split-conformal
    on 11-12 scaled errors). Binomial sd at 150 replications is 0.041 (50%) and 0.033 (80%);
    accept about 3 sd around nominal.
    """
    rng = np.random.default_rng(4)
    hits = {0.5: 0, 0.8: 0}
    reps = 150
    for _ in range(reps):
        path = 100.0 * np.exp(np.cumsum(0.05 + rng.normal(0.0, 0.1, 17)))
        y = pd.Series(path[:16], index=_years(16))
        res = F.forecast_series(y, 1, "Y", (50, 80), closed_form())
        for level, row in res.frame.set_index("level").iterrows():
            hits[level] += row["lower"] <= path[16] <= row["upper"]
    assert 0.38 <= hits[0.5] / reps <= 0.62
    assert 0.70 <= hits[0.8] / reps <= 0.90


# --- as_of -----------------------------------------------------------------------------------


@pytest.mark.parametrize("as_of, last_year", [("2022-12-30", 2021), ("2022-12-31", 2022),
                                              ("2023-06-30", 2022)])
def test_as_of_never_leaks_annual(as_of, last_year):
    base = annual_frame()
    res = F.forecast_capex_annual(base, as_of, guidance=guidance_frame())
    assert res.history["period"].iloc[-1] == last_year
    later = base["year"] > last_year
    perturbed = base.copy()
    perturbed.loc[later, ["capex_gross_usd_m", "employees_year_end"]] *= 7.0
    _same(res, F.forecast_capex_annual(perturbed, as_of, guidance=guidance_frame()))
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


def test_guidance_counts_only_from_its_date():
    g = guidance_frame()
    late = g.assign(statement_date=g["statement_date"] + pd.DateOffset(years=3))
    # at an origin of end-2024 seen from mid-2025, the Feb-2025 guidance is in force...
    a = F.forecast_capex_annual(annual_frame(), "2025-06-30", guidance=g)
    assert a.candidates.set_index("model").loc[F.GUIDANCE, "n_cv"] == 0  # FY2025 not known
    # ...and guidance dated after as_of changes nothing
    b = F.forecast_capex_annual(annual_frame(), "2025-06-30", guidance=late)
    c = F.forecast_capex_annual(annual_frame(), "2025-06-30", guidance=late.iloc[:0])
    pd.testing.assert_frame_equal(b.frame, c.frame)
    full = F.forecast_capex_annual(annual_frame(), AS_OF, guidance=g)
    assert full.candidates.set_index("model").loc[F.GUIDANCE, "n_cv"] == 1  # FY2025 from 2024


def test_as_of_never_leaks_guidance_and_relation():
    base = annual_frame()
    perturbed = base.copy()
    perturbed.loc[base["year"] > 2022, ["capex_gross_usd_m", "employees_year_end"]] *= 3.0
    a = F.capex_headcount_relation(base, "2023-06-30")
    b = F.capex_headcount_relation(perturbed, "2023-06-30")
    assert (a.coefficient, a.n) == (b.coefficient, b.n)
    _same(F.forecast_capex_guidance(base, "2023-06-30"),
          F.forecast_capex_guidance(perturbed, "2023-06-30"))


# --- warnings --------------------------------------------------------------------------------


def test_no_warning_reaches_the_page(capsys):
    """No fit may print or warn; whatever a fit raised is kept in ``warnings`` as text.

    Nothing here asserts how an optimizer behaved: the candidates are closed-form or least
    squares, so there is no convergence outcome to depend on.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        results = [
            F.forecast_capex_annual(annual_frame(), AS_OF, interval_level_pct=(80, 95),
                                    guidance=guidance_frame()),
            F.forecast_headcount_annual(annual_frame(), AS_OF),
            F.forecast_capex_quarterly(quarterly_frame(), AS_OF),
            F.forecast_headcount_quarterly(quarterly_frame(), AS_OF),
            F.forecast_capex_guidance(annual_frame(), AS_OF, guidance=guidance_frame()),
        ]
        F.capex_headcount_relation(annual_frame(), AS_OF)
    out = capsys.readouterr()
    assert out.out == "" and out.err == ""
    assert all(isinstance(w, str) for r in results for w in r.warnings)


def test_failing_candidate_is_recorded_not_raised():
    def boom(t, v, steps, guide):
        raise np.linalg.LinAlgError("SVD did not converge")

    cands = [*closed_form(), F.Candidate("boom", 2, 3, boom)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = F.forecast_capex_annual(annual_frame(), AS_OF, candidates=cands)
    assert any("LinAlgError" in w for w in res.warnings)
    row = res.candidates.set_index("model").loc["boom"]
    assert row["n_cv"] == 0 and not row["selected"]


# --- guidance path -------------------------------------------------------------------------


def test_guidance_path():
    res = F.forecast_capex_guidance(annual_frame(), AS_OF, guidance=guidance_frame())
    f = res.frame[res.frame["level"] == 0.8].set_index("period")
    assert f.loc[2026, "mean"] == pytest.approx(200_000.0)
    assert f.loc[2026, "lower"] < 200_000.0 < f.loc[2026, "upper"]
    assert f.loc[2027, "mean"] > f.loc[2026, "mean"]  # the drift of a growing series
    assert res.model.startswith("guidance")
    assert "naive drift's out-of-sample errors" in res.reason  # one scored guidance forecast


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

"""Tests of analysis.models.backtest: tidy frames, honest origins, summary arithmetic, coverage."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from analysis import data
from analysis.charts import tables
from analysis.models import backtest as B

YEARS = list(range(2015, 2026))
CAPEX = [4589, 6737, 11955, 13427, 16861, 40140, 61053, 63645, 52729, 82999, 131819]
EMPLOYEES = [230800, 341400, 566000, 647500, 798000, 1298000, 1608000, 1541000, 1525000,
             1556000, 1576000]
AS_OF = "2026-06-30"


def annual_frame() -> pd.DataFrame:
    return pd.DataFrame({"year": YEARS, "capex_gross_usd_m": np.array(CAPEX, float),
                         "employees_year_end": np.array(EMPLOYEES, float)})


@pytest.fixture(scope="module")
def real_backtest() -> B.BacktestResult:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning may escape the backtest either
        return B.backtest_annual(annual_frame(), as_of=AS_OF)


@pytest.fixture(scope="module")
def report_backtest() -> B.BacktestResult:
    """The backtest exactly as the backtest page runs it, on the report's own data."""
    annual = tables.annual_known_by(data.load_annual(), AS_OF)
    return B.backtest_annual(annual, 2019, 2024, as_of=AS_OF,
                             guidance=data.load_capex_guidance())


def test_detail_is_tidy(real_backtest):
    d = real_backtest.detail
    assert set(d["origin"]) == set(range(2019, 2025))
    assert set(d["horizon"]) == {1, 2} and set(d["method"]) == {"model", "naive"}
    assert len(d) == 2 * 6 * 2 * 2  # series x origins x horizons x methods
    for col in ("origin", "horizon", "target_year"):
        assert d[col].dtype == np.int64
    assert (d["target_year"] == d["origin"] + d["horizon"]).all()
    assert (d["lower_80"] <= d["lower_50"]).all() and (d["upper_50"] <= d["upper_80"]).all()
    pending = d[d["target_year"] == 2026]
    assert pending["actual"].isna().all() and pending["covered_80"].isna().all()
    d.to_json(orient="records")  # chart-ready


def test_summary_arithmetic(real_backtest):
    d, s = real_backtest.detail, real_backtest.summary
    row = s[(s["series"] == "Gross capex") & (s["horizon"] == 1) & (s["method"] == "model")]
    sel = d[(d["series"] == "Gross capex") & (d["horizon"] == 1) & (d["method"] == "model")]
    assert row["n"].item() == 6
    assert row["mape_pct"].item() == pytest.approx(sel["error_pct"].abs().mean())
    assert row["coverage_80"].item() == pytest.approx(sel["covered_80"].astype(float).mean())
    assert (s.loc[s["method"] == "naive", "skill_vs_naive"] == 0.0).all()
    assert s[["coverage_50", "coverage_80"]].apply(lambda c: c.between(0.0, 1.0)).all(axis=None)
    assert (s["nominal_80"] == 0.8).all()
    assert (s["interval_score_80"] > 0).all()


def test_naive_fallback_means_zero_skill(real_backtest):
    d, s = real_backtest.detail, real_backtest.summary
    model = s[s["method"] == "model"]
    for _, row in model[model["naive_used"] == 1.0].iterrows():
        assert row["skill_vs_naive"] == 0.0
    same = d[d["method"] == "model"].merge(d[d["method"] == "naive"],
                                           on=["series", "origin", "horizon"])
    used = same[same["model_x"] == same["model_y"]]
    np.testing.assert_allclose(used["mean_x"], used["mean_y"])  # naive used IS naive


def test_origins_use_only_data_to_their_year_end():
    base = annual_frame()
    perturbed = base.copy()
    perturbed.loc[base["year"] > 2021, ["capex_gross_usd_m", "employees_year_end"]] *= 5.0
    cols = ["series", "origin", "horizon", "method", "model", "mean", "lower_80", "upper_80",
            "lower_50", "upper_50"]
    a = B.backtest_annual(base, 2019, 2020, as_of=AS_OF).detail[cols]
    b = B.backtest_annual(perturbed, 2019, 2020, as_of=AS_OF).detail[cols]
    pd.testing.assert_frame_equal(a, b)


def test_calibration_curve_counts(real_backtest):
    cal = real_backtest.calibration
    pooled = cal[cal["series"] == "all"]
    assert pooled["nominal_pct"].tolist() == [float(x) for x in B.CALIBRATION_LEVELS_PCT]
    assert (pooled["n"] == 22).all()
    assert pooled["observed_pct"].is_monotonic_increasing  # intervals nest by level


def test_report_80pct_intervals_cover_70_to_90pct(report_backtest):
    cal = report_backtest.calibration.set_index(["series", "nominal_pct"])
    assert 70.0 <= cal.loc[("all", 80.0), "observed_pct"] <= 90.0


def test_report_50pct_intervals_cover_40_to_60pct(report_backtest):
    cal = report_backtest.calibration.set_index(["series", "nominal_pct"])
    assert 40.0 <= cal.loc[("all", 50.0), "observed_pct"] <= 60.0


def test_interval_methods_differ_only_in_width():
    annual = tables.annual_known_by(data.load_annual(), AS_OF)
    guidance = data.load_capex_guidance()
    conf = B.backtest_annual(annual, 2019, 2024, as_of=AS_OF, guidance=guidance).detail
    stud = B.backtest_annual(annual, 2019, 2024, as_of=AS_OF, guidance=guidance,
                             interval_method="student_t").detail
    pd.testing.assert_frame_equal(conf[["series", "origin", "horizon", "model", "mean"]],
                                  stud[["series", "origin", "horizon", "model", "mean"]])
    assert not np.allclose(conf["upper_50"], stud["upper_50"])
    cmp = B.compare_interval_methods(annual, 2019, 2024, as_of=AS_OF, guidance=guidance)
    assert cmp["interval_method"].iloc[0] == "conformal"  # the report's method first
    row = cmp.set_index(["interval_method", "level_pct"]).loc[("conformal", 80)]
    sel = conf[(conf["method"] == "model") & conf["actual"].notna()]
    assert row["n"] == len(sel)
    assert row["covered"] == int(sel["covered_80"].astype(bool).sum())
    assert row["interval_score"] == pytest.approx(sel["interval_score_80"].mean())


def test_unknown_interval_method_is_an_error():
    with pytest.raises(ValueError, match="interval_method"):
        B.backtest_annual(annual_frame(), 2019, 2020, as_of=AS_OF, interval_method="normal")


def test_published_skill_is_never_negative_where_naive_won(report_backtest):
    s = report_backtest.summary
    model = s[s["method"] == "model"]
    assert ((model["naive_used"] < 1.0) | (model["skill_vs_naive"] == 0.0)).all()

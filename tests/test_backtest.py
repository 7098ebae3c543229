"""Tests of analysis.backtest: tidy frames, honest origins, summary arithmetic."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from analysis import backtest as B
from analysis import forecast as F

YEARS = list(range(2015, 2026))
CAPEX = [4589, 6737, 11955, 13427, 16861, 40140, 61053, 63645, 52729, 82999, 131819]
EMPLOYEES = [230800, 341400, 566000, 647500, 798000, 1298000, 1608000, 1541000, 1525000,
             1556000, 1576000]


def annual_frame() -> pd.DataFrame:
    return pd.DataFrame({"year": YEARS, "capex_gross_usd_m": np.array(CAPEX, float),
                         "employees_year_end": np.array(EMPLOYEES, float)})


@pytest.fixture(scope="module")
def real_backtest() -> B.BacktestResult:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning may escape the backtest either
        return B.backtest_annual(annual_frame())


def test_detail_is_tidy(real_backtest):
    d = real_backtest.detail
    assert set(d["origin"]) == set(range(2019, 2025))
    assert set(d["horizon"]) == {1, 2} and set(d["method"]) == {"model", "naive"}
    assert len(d) == 2 * 6 * 2 * 2  # series x origins x horizons x methods
    for col in ("origin", "horizon", "target_year"):
        assert d[col].dtype == np.int64
    assert (d["target_year"] == d["origin"] + d["horizon"]).all()
    assert (d["lower_95"] <= d["lower_80"]).all() and (d["upper_80"] <= d["upper_95"]).all()
    pending = d[d["target_year"] == 2026]
    assert pending["actual"].isna().all() and pending["covered_80"].isna().all()
    d.to_json(orient="records")  # chart-ready


def test_summary_arithmetic(real_backtest):
    d, s = real_backtest.detail, real_backtest.summary
    assert list(s.columns) == ["series", "horizon", "method", "n", "mape_pct", "coverage_80",
                               "coverage_95", "nominal_80", "nominal_95", "skill_vs_naive"]
    row = s[(s["series"] == "Gross capex") & (s["horizon"] == 1) & (s["method"] == "model")]
    sel = d[(d["series"] == "Gross capex") & (d["horizon"] == 1) & (d["method"] == "model")]
    assert row["n"].item() == 6
    assert row["mape_pct"].item() == pytest.approx(sel["error_pct"].abs().mean())
    assert row["coverage_80"].item() == pytest.approx(sel["covered_80"].astype(float).mean())
    assert (s.loc[s["method"] == "naive", "skill_vs_naive"] == 0.0).all()
    assert s[["coverage_80", "coverage_95"]].apply(lambda c: c.between(0.0, 1.0)).all(axis=None)
    assert (s["nominal_80"] == 0.8).all()


def test_origins_use_only_data_to_their_year_end():
    base = annual_frame()
    perturbed = base.copy()
    perturbed.loc[base["year"] > 2021, ["capex_gross_usd_m", "employees_year_end"]] *= 5.0
    cols = ["series", "origin", "horizon", "method", "model", "mean", "lower_80", "upper_80",
            "lower_95", "upper_95"]
    a = B.backtest_annual(base, 2019, 2021).detail[cols]
    b = B.backtest_annual(perturbed, 2019, 2021).detail[cols]
    pd.testing.assert_frame_equal(a, b)


def test_model_equal_to_naive_has_no_skill():
    rng = np.random.default_rng(8)
    years = np.arange(1990, 2015)
    frame = pd.DataFrame({"year": years,
                          "capex_gross_usd_m": 100.0 + np.cumsum(5.0 + rng.normal(0, 1, 25))})
    rw = next(c for c in F.ANNUAL_CANDIDATES if c.name.startswith("random walk with drift, "))
    res = B.backtest_annual(frame, 2005, 2012, series={"capex_gross_usd_m": "x"},
                            candidates=[rw])
    s = res.summary.set_index(["horizon", "method"])
    # ARIMA(0,1,0)+drift by maximum likelihood has the same drift as the closed form
    assert abs(s.loc[(1, "model"), "skill_vs_naive"]) < 0.02
    assert s.loc[(1, "model"), "n"] == 8

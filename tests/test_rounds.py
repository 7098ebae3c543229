"""Tests of analysis.models.rounds: counts, rates, the further-cuts simulator, as_of and seeds."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from analysis.models import rounds as R

AS_OF = "2026-06-30"
START = "2022-11-01"


def rounds_frame() -> pd.DataFrame:
    rows = [("2023-01-04", 18000, 18000, True), ("2023-03-20", 9000, 9000, True),
            ("2024-01-10", 500, 550, True), ("2024-01-10", 200, 900, True),
            ("2025-07-17", 200, 900, True), ("2025-10-28", 14000, 14000, True),
            ("2026-01-28", 16000, 16000, True), ("2026-03-03", 100, 200, True),
            ("2025-06-01", 5000, 5000, False)]  # not corporate: never counted
    df = pd.DataFrame(rows, columns=["announced", "roles_low", "roles_high", "is_corporate"])
    df["announced"] = pd.to_datetime(df["announced"])
    df[["roles_low", "roles_high"]] = df[["roles_low", "roles_high"]].astype(float)
    df["roles_mid"] = (df["roles_low"] + df["roles_high"]) / 2.0
    return df


def test_rounds_per_quarter_counts_and_exposure():
    table = R.rounds_per_quarter(rounds_frame(), AS_OF, START)
    assert list(table.columns) == ["period", "large_rounds", "small_rounds", "exposure_quarters"]
    assert table["period"].iloc[0] == "2022Q4" and table["period"].iloc[-1] == "2026Q2"
    assert table["large_rounds"].sum() == 4 and table["small_rounds"].sum() == 4
    assert table["exposure_quarters"].iloc[0] == pytest.approx(61 / 92)  # 1 Nov - 31 Dec
    assert table.set_index("period").loc["2023Q1", "large_rounds"] == 2


def test_fit_round_frequency():
    fit = R.fit_round_frequency(rounds_frame(), AS_OF, START).set_index("size_class")
    large = fit.loc["large"]
    assert large["rounds"] == 4
    assert large["rate_per_quarter"] == pytest.approx(4 / large["exposure_quarters"])
    assert large["rate_lower"] < large["rate_per_quarter"] < large["rate_upper"]
    assert large["mean_size_roles"] == pytest.approx((18000 + 9000 + 14000 + 16000) / 4)
    assert large["size_lower"] <= large["mean_size_roles"] <= large["size_upper"]


def test_rate_of_a_known_poisson_process_is_recovered():
    rng = np.random.default_rng(7)
    quarters = pd.period_range("1900Q1", periods=400, freq="Q")
    counts = rng.poisson(0.5, quarters.size)
    dates = np.repeat(quarters.start_time + pd.Timedelta(days=10), counts)
    df = pd.DataFrame({"announced": dates, "roles_low": 5000.0, "roles_high": 5000.0,
                       "roles_mid": 5000.0, "is_corporate": True})
    fit = R.fit_round_frequency(df, "1999-12-31", "1900-01-01").set_index("size_class")
    # sd of the estimate sqrt(0.5 / 400) = 0.035; tolerance 3 sd
    assert fit.loc["large", "rate_per_quarter"] == pytest.approx(0.5, abs=0.11)
    assert fit.loc["large", "rate_lower"] < 0.5 < fit.loc["large", "rate_upper"]
    assert fit.loc["small", "rounds"] == 0 and fit.loc["small", "rate_per_quarter"] == 0.0


def test_simulator_is_deterministic_per_seed():
    a = R.simulate_further_cuts(rounds_frame(), AS_OF, draws=5_000, seed=11)
    b = R.simulate_further_cuts(rounds_frame(), AS_OF, draws=5_000, seed=11)
    c = R.simulate_further_cuts(rounds_frame(), AS_OF, draws=5_000, seed=12)
    pd.testing.assert_frame_equal(a, b)
    assert not a["further_roles_to_horizon"].equals(c["further_roles_to_horizon"])
    assert list(a.columns) == R.SIM_COLUMNS and len(a) == 5_000


def test_totals_include_observed_further_cuts():
    sim = R.simulate_further_cuts(rounds_frame(), AS_OF, draws=5_000, seed=1)
    observed = 16_000 + 150  # after 28 Oct 2025 (exclusive): 28 Jan and 3 Mar 2026
    assert (sim["observed_roles_to_horizon"] == observed).all()
    assert (sim["observed_roles_to_interim"] == observed).all()
    assert (sim["further_roles_to_interim"] >= observed).all()
    assert (sim["further_roles_to_horizon"] >= sim["further_roles_to_interim"]).all()
    assert sim["further_roles_to_horizon"].max() > observed  # more rounds are possible


def test_simulated_mean_matches_the_model():
    sim = R.simulate_further_cuts(rounds_frame(), AS_OF, draws=200_000, seed=3)
    hist = R.history_rounds(rounds_frame(), AS_OF, START)
    exposure = (pd.Timestamp(AS_OF) - pd.Timestamp(START)).days + 1
    gap = (pd.Timestamp("2027-12-31") - pd.Timestamp(AS_OF)).days
    expected = 16_150.0
    for _, pool in hist.groupby("size_class"):
        rate = (len(pool) + 0.5) / exposure  # Jeffreys posterior mean, per day
        size = ((pool["roles_low"] + pool["roles_high"]) / 2).mean()
        expected += rate * gap * size
    assert sim["further_roles_to_horizon"].mean() == pytest.approx(expected, rel=0.02)


def test_as_of_never_leaks_rounds():
    base = rounds_frame()
    extra = pd.DataFrame({"announced": pd.to_datetime(["2026-07-01", "2027-02-01"]),
                          "roles_low": 50_000.0, "roles_high": 60_000.0,
                          "roles_mid": 55_000.0, "is_corporate": True})
    more = pd.concat([base, extra], ignore_index=True)
    pd.testing.assert_frame_equal(R.simulate_further_cuts(base, AS_OF, draws=2_000, seed=5),
                                  R.simulate_further_cuts(more, AS_OF, draws=2_000, seed=5))
    pd.testing.assert_frame_equal(R.fit_round_frequency(base, AS_OF, START),
                                  R.fit_round_frequency(more, AS_OF, START))
    pd.testing.assert_frame_equal(R.rounds_per_quarter(base, AS_OF, START),
                                  R.rounds_per_quarter(more, AS_OF, START))


def test_earlier_as_of_ignores_later_rounds():
    sim = R.simulate_further_cuts(rounds_frame(), "2026-02-15", draws=2_000, seed=5)
    assert (sim["observed_roles_to_horizon"] == 16_000).all()  # 3 Mar 2026 not yet known


def test_as_of_after_the_horizon_is_observed_only():
    sim = R.simulate_further_cuts(rounds_frame(), "2028-03-31", draws=1_000, seed=5)
    assert (sim["further_roles_to_horizon"] == 16_150).all()
    assert (sim["further_roles_to_interim"] == 16_150).all()


def test_summary_probabilities():
    sim = R.simulate_further_cuts(rounds_frame(), AS_OF, draws=10_000, seed=2)
    summary = R.summarise_further_cuts(sim)
    assert summary["reading"].tolist() == ["announced by 31 Dec 2026",
                                           "announced by 31 Dec 2027"]
    total = summary[["p_in_band", "p_below_band", "p_above_band"]].sum(axis=1)
    np.testing.assert_allclose(total, 1.0)
    assert (summary["lower_roles"] <= summary["median_roles"]).all()
    assert (summary["median_roles"] <= summary["upper_roles"]).all()


def test_rounds_emit_no_warnings(capsys):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        R.fit_round_frequency(rounds_frame(), AS_OF, START)
        R.summarise_further_cuts(R.simulate_further_cuts(rounds_frame(), AS_OF, draws=1_000))
    assert capsys.readouterr() == ("", "")


def test_nested_undisclosed_and_open_ended_rounds():
    base = rounds_frame()
    base["included_in_round_id"] = pd.Series([None] * len(base), dtype="str")
    extra = pd.DataFrame({
        "announced": pd.to_datetime(["2022-11-15", "2026-04-01", "2026-05-01"]),
        "roles_low": [10_000.0, np.nan, 300.0], "roles_high": [10_000.0, np.nan, np.nan],
        "is_corporate": True, "included_in_round_id": ["r2023_01", None, None]})
    extra["roles_mid"] = (extra["roles_low"] + extra["roles_high"]) / 2.0
    df = pd.concat([base, extra], ignore_index=True)
    hist = R.history_rounds(df, AS_OF, START)
    assert len(hist) == 10  # the Nov-2022 part of the Jan-2023 round is not counted twice
    assert hist["size_class"].value_counts().to_dict() == {"small": 6, "large": 4}
    sim = R.simulate_further_cuts(df, AS_OF, draws=1_000, seed=1)
    # undisclosed adds nothing; ">= 300" counts its lower bound
    assert (sim["observed_roles_to_horizon"] == 16_150 + 300).all()
    assert np.isfinite(sim["further_roles_to_horizon"]).all()

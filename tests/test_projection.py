"""The projection core: hand-computed cases, readings, validation and the Monte Carlo."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis.models import projection as pr
from analysis.params import SCHEMA, validate
from tests.inputs import EVENTS, FAMILIES

# One family and a small round, for arithmetic by hand.
ONE = pd.DataFrame({"family": ["all"], "headcount_share_pct": [100.0],
                    "ai_exposure_pct": [0.0], "is_ai_specialist": [False]})
SMALL_EVENTS = pd.DataFrame({
    "announced": pd.to_datetime(["2025-10-28", "2026-02-01"]),
    "roles_low": [100_000.0, 14_000.0],
    "roles_high": [100_000.0, 16_000.0],
    "roles_mid": [100_000.0, 15_000.0],
    "is_corporate": [True, True],
})
# 200,000 − 100,000 (Oct 2025 round) − 15,000 (observed) = 85,000 at as_of.
QUIET = {
    "corporate_headcount_base": 200_000, "as_of": "2026-06-30", "horizon_end": "2026-12-31",
    "attrition_rate_pct": 0.0, "rto_attrition_uplift_pct": 0.0, "backfill_rate_pct": 0.0,
    "ai_specialist_hires_per_year": 0, "manager_ratio_change_pct": 0.0,
    "eu_brake_strength_pct": 0.0,
}


def one_family(exposure_pct: float = 0.0) -> pd.DataFrame:
    return ONE.assign(ai_exposure_pct=exposure_pct)


def by_quarter(frame: pd.DataFrame) -> pd.DataFrame:
    cols = ["observed_cuts", "layoffs_ai", "layoffs_delayering", "attrition", "hires",
            "headcount", "further_cuts"]
    return frame.groupby("quarter_end")[cols].sum()


def further_by(frame: pd.DataFrame, cutoff: str) -> float:
    return float(frame.loc[frame["quarter_end"] <= pd.Timestamp(cutoff), "further_cuts"].sum())


def test_attrition_and_backfill_by_hand():
    """One family, no AI, no de-layering: 4%/quarter leave, half replaced, over two quarters."""
    out = pr.project_point({**QUIET, "attrition_rate_pct": 12.0, "rto_attrition_uplift_pct": 4.0,
                            "backfill_rate_pct": 50.0}, ONE, SMALL_EVENTS)
    projected = by_quarter(out[out["phase"] == "projected"])
    expected = pd.DataFrame({
        "observed_cuts": [0.0, 0.0], "layoffs_ai": [0.0, 0.0], "layoffs_delayering": [0.0, 0.0],
        "attrition": [3_400.0, 3_332.0],  # 85,000 × 4%; 83,300 × 4%
        "hires": [1_700.0, 1_666.0],
        "headcount": [83_300.0, 81_634.0],
        "further_cuts": [0.0, 0.0],
    }, index=pd.DatetimeIndex(pd.to_datetime(["2026-09-30", "2026-12-31"]), name="quarter_end"))
    pd.testing.assert_frame_equal(projected, expected, check_freq=False)
    assert further_by(out, "2026-12-31") == 15_000.0  # only the observed round


def test_observed_phase_removes_rounds_in_their_quarter():
    out = pr.project_point(QUIET, ONE, SMALL_EVENTS)
    observed = by_quarter(out[out["phase"] == "observed"])
    assert list(observed.index.strftime("%Y-%m-%d")) == ["2025-12-31", "2026-03-31", "2026-06-30"]
    assert list(observed["observed_cuts"]) == [0.0, 15_000.0, 0.0]
    assert list(observed["headcount"]) == [100_000.0, 85_000.0, 85_000.0]
    assert out["headcount_start"].iloc[0] == 100_000.0  # base minus the Oct 2025 round


def test_delayering_by_hand():
    """10% managers, ICs per manager +25%, half done: 10% × (1 − 1/1.25) × 50% = 1% of 85,000,
    spread evenly over four quarters."""
    out = pr.project_point({**QUIET, "horizon_end": "2027-06-30", "manager_share_pct": 10.0,
                            "manager_ratio_change_pct": 25.0, "delayering_realised_pct": 50.0},
                           ONE, SMALL_EVENTS)
    projected = by_quarter(out[out["phase"] == "projected"])
    np.testing.assert_allclose(projected["layoffs_delayering"], [212.5] * 4)
    assert projected["headcount"].iloc[-1] == pytest.approx(84_150.0)
    assert further_by(out, "2026-12-31") == pytest.approx(15_425.0)
    assert further_by(out, "2027-06-30") == pytest.approx(15_850.0)


def _adoption(day_of_year: int, current: float = 10.0, ceiling: float = 60.0,
              midpoint: float = 2027.0, steepness: float = 1.0) -> float:
    """The documented logistic, by hand (2026 has 365 days; dates are end of day)."""
    def logistic(year: float) -> float:
        return 1.0 / (1.0 + math.exp(-steepness * (year - midpoint)))
    y0 = 2026 + 181 / 365  # 30 Jun 2026
    year = 2026 + day_of_year / 365
    return current + (ceiling - current) * (logistic(year) - logistic(y0)) / (1 - logistic(y0))


AI = {**QUIET, "ai_adoption_current_pct": 10.0, "ai_adoption_ceiling_pct": 60.0,
      "ai_adoption_midpoint_year": 2027.0, "ai_adoption_steepness_per_year": 1.0,
      "ai_substitution_share_pct": 40.0}


def test_ai_substitution_by_hand():
    """AI cuts = H0 × exposure × Δadoption × substitution share."""
    out = pr.project_point(AI, one_family(50.0), SMALL_EVENTS)
    a0, a1, a2 = _adoption(181), _adoption(273), _adoption(365)
    expected = [85_000 * 0.5 * (a1 - a0) / 100 * 0.4, 85_000 * 0.5 * (a2 - a1) / 100 * 0.4]
    projected = by_quarter(out[out["phase"] == "projected"])
    np.testing.assert_allclose(projected["layoffs_ai"], expected, rtol=1e-12)
    assert 400 < expected[0] < 900  # a sanity check on the hand numbers themselves


def test_adoption_curve_starts_at_current_level_and_rises_to_the_ceiling():
    values = {k: np.array([v]) for k, v in (("ai_adoption_current_pct", 10.0),
                                            ("ai_adoption_ceiling_pct", 60.0),
                                            ("ai_adoption_midpoint_year", 2028.0),
                                            ("ai_adoption_steepness_per_year", 1.0))}
    years = np.linspace(2026.5, 2060.0, 200)
    curve = pr._adoption_pct(years, values)[0]
    assert curve[0] == pytest.approx(10.0)
    assert np.all(np.diff(curve) > 0)
    assert curve[-1] == pytest.approx(60.0, abs=1e-6)


def test_exposure_times_multiplier_is_capped_at_all_tasks():
    high = pr.project_point({**AI, "exposure_multiplier": 3.0}, one_family(50.0), SMALL_EVENTS)
    full = pr.project_point({**AI, "exposure_multiplier": 1.0}, one_family(100.0), SMALL_EVENTS)
    np.testing.assert_allclose(high["layoffs_ai"], full["layoffs_ai"])


def test_cap_binds_and_the_excess_is_carried_forward():
    """Targets far above a 4%/year cap: exactly 1% of H0 (850) each quarter."""
    fast = {**AI, "horizon_end": "2027-06-30", "ai_adoption_current_pct": 0.0,
            "ai_adoption_ceiling_pct": 100.0, "ai_adoption_midpoint_year": 2024.0,
            "ai_adoption_steepness_per_year": 5.0, "ai_substitution_share_pct": 100.0,
            "max_annual_cut_pct": 4.0}
    out = pr.project_point(fast, one_family(100.0), SMALL_EVENTS)
    projected = by_quarter(out[out["phase"] == "projected"])
    np.testing.assert_allclose(projected["layoffs_ai"], [850.0] * 4)
    # With de-layering as well, de-layering goes first and the total stays at the cap.
    both = pr.project_point({**fast, "manager_ratio_change_pct": 25.0, "manager_share_pct": 10.0,
                             "delayering_realised_pct": 50.0}, one_family(100.0), SMALL_EVENTS)
    q = by_quarter(both[both["phase"] == "projected"])
    np.testing.assert_allclose(q["layoffs_delayering"], [212.5] * 4)
    np.testing.assert_allclose(q["layoffs_ai"] + q["layoffs_delayering"], [850.0] * 4)


def test_cap_defers_cuts_rather_than_cancelling_them():
    """A backlog built under a tight cap is worked off later, so the total matches the target."""
    base = {**AI, "horizon_end": "2030-12-31", "ai_adoption_midpoint_year": 2026.0}
    loose = pr.project_point(base, one_family(50.0), SMALL_EVENTS)
    tight = pr.project_point({**base, "max_annual_cut_pct": 2.5}, one_family(50.0), SMALL_EVENTS)
    early = by_quarter(tight).loc["2026-12-31", "layoffs_ai"]
    assert early < by_quarter(loose).loc["2026-12-31", "layoffs_ai"]
    assert tight["layoffs_ai"].sum() == pytest.approx(loose["layoffs_ai"].sum())


@pytest.mark.parametrize(("start", "lead", "factors"), [
    ("2025-06-01", 0, [0.9, 0.9]),  # in force before as_of: 20% EU × 50% held back
    ("2026-08-16", 0, [0.95, 0.9]),  # from 16 Aug: 46 of 92 days of Q3
    ("2026-10-16", 2, [0.95, 0.9]),  # the same date reached through the lead time
    ("2027-12-02", 6, [1.0, 1.0]),  # after the horizon
])
def test_eu_brake_holds_back_the_eu_share_of_ai_cuts(start, lead, factors):
    free = pr.project_point(AI, one_family(50.0), SMALL_EVENTS)
    braked = pr.project_point({**AI, "eu_brake_start": start, "eu_brake_lead_months": lead,
                               "eu_workforce_share_pct": 20.0, "eu_brake_strength_pct": 50.0},
                              one_family(50.0), SMALL_EVENTS)
    ratio = by_quarter(braked)["layoffs_ai"].iloc[-2:] / by_quarter(free)["layoffs_ai"].iloc[-2:]
    np.testing.assert_allclose(ratio, factors)


def test_partial_first_quarter_gets_its_share_of_the_flows():
    """as_of 15 May: the step to 30 Jun covers 46 of Q2's 91 days."""
    out = pr.project_point({**QUIET, "as_of": "2026-05-15", "horizon_end": "2026-06-30",
                            "attrition_rate_pct": 16.0}, ONE, SMALL_EVENTS)
    projected = out[out["phase"] == "projected"]
    assert len(projected) == 1
    assert projected["attrition"].iloc[0] == pytest.approx(85_000 * 0.04 * 46 / 91)


def test_ai_specialist_hires_go_to_specialist_families_only():
    # a quarter-end cut-off, so that every projected step is a whole quarter
    out = pr.project_point({"ai_specialist_hires_per_year": 4_000, "backfill_rate_pct": 0.0,
                            "as_of": "2026-06-30"}, FAMILIES, EVENTS)
    hires = out[out["phase"] == "projected"].groupby("family")["hires"].sum()
    quarters = (out["phase"] == "projected").sum() / len(FAMILIES)
    assert hires["ai_ml_specialists"] == pytest.approx(1_000 * quarters)
    assert hires.drop("ai_ml_specialists").eq(0).all()


def test_realistic_point_projection_counts_only_the_right_events():
    out = pr.project_point(validate({}), FAMILIES, EVENTS)
    observed = out.loc[out["phase"] == "observed"].groupby("quarter_end")["observed_cuts"].sum()
    assert observed.sum() == pytest.approx(16_150.0)  # Jan 2026 + robotics; not 2023/warehouse/Sep
    start = out.loc[out["phase"] == "projected", "headcount_start"].iloc[:len(FAMILIES)].sum()
    assert start == pytest.approx(350_000 - 14_000 - 16_150)
    assert out["quarter_end"].max() == pd.Timestamp("2027-12-31")
    assert 16_150 < further_by(out, "2026-12-31") < further_by(out, "2027-12-31")


def test_point_frame_columns_and_row_balance():
    out = pr.project_point({}, FAMILIES, EVENTS)
    assert list(out.columns) == [
        "quarter_end", "phase", "family", "headcount_start", "observed_cuts", "layoffs_ai",
        "layoffs_delayering", "attrition", "hires", "headcount", "further_cuts",
        "cumulative_further_cuts"]
    balance = (out["headcount_start"] - out["observed_cuts"] - out["layoffs_ai"]
               - out["layoffs_delayering"] - out["attrition"] + out["hires"])
    np.testing.assert_allclose(out["headcount"], balance, rtol=1e-12)


@pytest.mark.parametrize(("horizon", "cutoffs"), [
    ("2030-12-31", ["2026-12-31", "2027-12-31"]),
    ("2027-06-30", ["2026-12-31", "2027-06-30"]),
    ("2026-09-30", ["2026-09-30", "2026-09-30"]),
])
def test_both_readings_of_by_2027(horizon, cutoffs):
    result = pr.run_monte_carlo({"horizon_end": horizon, "mc_draws": 200}, FAMILIES, EVENTS)
    assert list(result.summary["cutoff_date"].dt.strftime("%Y-%m-%d")) == cutoffs
    point = result.deterministic
    np.testing.assert_allclose(result.summary["point"],
                               [further_by(point, c) for c in cutoffs], rtol=1e-12)


def test_zero_adoption_and_zero_delayering_leave_only_observed_events():
    for extra in ({"ai_adoption_ceiling_pct": 10.0, "ai_adoption_current_pct": 10.0},
                  {"ai_substitution_share_pct": 0.0}):
        out = pr.project_point({**extra, "manager_ratio_change_pct": 0.0}, FAMILIES, EVENTS)
        assert out["layoffs_ai"].eq(0).all() and out["layoffs_delayering"].eq(0).all()
        assert further_by(out, "2027-12-31") == pytest.approx(16_150.0)


# --- validation ---------------------------------------------------------------------------------


def _bad_families(**changes) -> pd.DataFrame:
    frame = FAMILIES.copy()
    for column, (row, value) in changes.items():
        frame.loc[row, column] = value
    return frame


@pytest.mark.parametrize(("params", "families", "events", "name"), [
    ({}, _bad_families(headcount_share_pct=(0, 13.0)), EVENTS, "headcount_share_pct"),
    ({}, _bad_families(ai_exposure_pct=(1, 120.0)), EVENTS, "ai_exposure_pct"),
    ({}, _bad_families(ai_exposure_pct=(1, -1.0)), EVENTS, "ai_exposure_pct"),
    ({}, FAMILIES.drop(columns="ai_exposure_pct"), EVENTS, "ai_exposure_pct"),
    ({}, FAMILIES.assign(is_ai_specialist=False), EVENTS, "is_ai_specialist"),
    ({"attrition_rate_pct": -1.0}, FAMILIES, EVENTS, "attrition_rate_pct"),
    ({"backfill_rate_pct": -5.0}, FAMILIES, EVENTS, "backfill_rate_pct"),
    ({"ai_adoption_current_pct": 50.0, "ai_adoption_ceiling_pct": 40.0}, FAMILIES, EVENTS,
     "ai_adoption_ceiling_pct"),
    ({"as_of": "2026-06-30", "horizon_end": "2026-03-31"}, FAMILIES, EVENTS, "horizon_end"),
    ({"as_of": "2025-06-30"}, FAMILIES, EVENTS, "as_of"),
    ({}, FAMILIES, EVENTS.iloc[[0, 2, 3]], "2025-10-28"),
    ({}, FAMILIES, EVENTS.assign(roles_high=EVENTS["roles_low"] - 1), "roles_high"),
    ({"not_a_parameter": 1}, FAMILIES, EVENTS, "not_a_parameter"),
])
def test_invalid_inputs_raise_naming_the_culprit(params, families, events, name):
    with pytest.raises(ValueError, match=name):
        pr.project_point(params, families, events)
    with pytest.raises(ValueError, match=name):
        pr.run_monte_carlo({**params, "mc_draws": 100}, families, events)


def test_shares_within_tolerance_are_accepted():
    pr.project_point({}, _bad_families(headcount_share_pct=(0, 14.0 + 1e-9)), EVENTS)


# --- Monte Carlo --------------------------------------------------------------------------------


def _frames(result: pr.ProjectionResult) -> list[pd.DataFrame]:
    return [result.draws, result.inputs, result.paths, result.summary, result.deterministic]


def test_same_seed_gives_byte_identical_output_and_chunking_does_not_matter():
    a = pr.run_monte_carlo({"mc_draws": 500, "seed": 7}, FAMILIES, EVENTS)
    b = pr.run_monte_carlo({"mc_draws": 500, "seed": 7}, FAMILIES, EVENTS, chunk_size=37)
    for x, y in zip(_frames(a), _frames(b), strict=True):
        pd.testing.assert_frame_equal(x, y, check_exact=True)
        assert pd.util.hash_pandas_object(x).to_numpy().tobytes() \
            == pd.util.hash_pandas_object(y).to_numpy().tobytes()


def test_different_seed_gives_different_draws():
    a = pr.run_monte_carlo({"mc_draws": 200, "seed": 1}, FAMILIES, EVENTS)
    b = pr.run_monte_carlo({"mc_draws": 200, "seed": 2}, FAMILIES, EVENTS)
    assert not np.array_equal(a.draws["further_cuts_2027"], b.draws["further_cuts_2027"])
    pd.testing.assert_frame_equal(a.deterministic, b.deterministic)


def test_draws_are_triangular_around_the_value_and_clipped_to_bounds():
    p = validate({"mc_draws": 40_000, "delayering_realised_pct": 90.0,
                  "attrition_rate_pct": 10.0})
    drawn = pr.run_monte_carlo(p, FAMILIES, EVENTS).inputs
    for name, spec in SCHEMA.items():
        if spec.mc_spread is None:
            assert name not in drawn
            continue
        value = float(p[name])
        lo = max(value - spec.mc_spread[0], spec.low)
        hi = min(value + spec.mc_spread[1], spec.high)
        assert drawn[name].between(lo, hi).all(), name
    # Triangular(6, 10, 14): the centre moves with the value; median 10.
    assert drawn["attrition_rate_pct"].median() == pytest.approx(10.0, abs=0.1)
    # Triangular(65, 90, 115) clipped at 100: P(x = 100) = 15² / (50 × 25) = 0.18.
    assert (drawn["delayering_realised_pct"] == 100.0).mean() == pytest.approx(0.18, abs=0.01)


def test_observed_events_are_uniform_in_their_range():
    result = pr.run_monte_carlo({"mc_draws": 20_000}, FAMILIES, EVENTS)
    observed = result.inputs["observed_further_cuts"]
    assert observed.between(16_100, 16_200).all()
    assert observed.mean() == pytest.approx(16_150, abs=1.0)
    assert observed.std() == pytest.approx(100 / math.sqrt(12), rel=0.03)
    np.testing.assert_array_equal(result.draws["observed_further_cuts"], observed)


def test_vectorised_draws_match_one_draw_at_a_time():
    p = validate({"mc_draws": 300, "seed": 3})
    result = pr.run_monte_carlo(p, FAMILIES, EVENTS)
    _, setup = pr._prepare(p, FAMILIES, EVENTS, monte_carlo=True)
    drawn, observed = pr._draw_inputs(p, setup, 300, 3)
    values = pr._point_values(p, 300)
    values.update({k: v for k, v in drawn.items() if k in values})
    for i in (0, 17, 299):
        single = pr._simulate(setup, {k: v[i:i + 1] for k, v in values.items()},
                              observed[i:i + 1])
        row = pr._draws_frame(setup, single).drop(columns="draw").iloc[0]
        np.testing.assert_allclose(row, result.draws.drop(columns="draw").iloc[i], rtol=1e-12)


def test_summary_paths_and_draws_agree():
    result = pr.run_monte_carlo({"mc_draws": 5_000}, FAMILIES, EVENTS)
    s = result.summary.set_index("reading")
    for reading in ("2026", "2027"):
        x = result.draws[f"further_cuts_{reading}"]
        assert s.loc[reading, "median"] == pytest.approx(x.median())
        assert s.loc[reading, "p10"] == pytest.approx(x.quantile(0.1))
        assert s.loc[reading, "interval_low"] == s.loc[reading, "p10"]  # 80% by default
        assert s.loc[reading, "prob_inside"] == pytest.approx(x.between(20_000, 35_000).mean())
        total = s.loc[reading, ["prob_below", "prob_inside", "prob_above"]].sum()
        assert total == pytest.approx(1.0)
    paths = result.paths
    assert set(paths["quantity"]) == {"headcount", "cumulative_further_cuts"}
    q = paths[["q10", "q25", "q50", "q75", "q90"]].to_numpy()
    assert np.all(np.diff(q, axis=1) >= 0)
    last = paths[(paths["quantity"] == "cumulative_further_cuts")
                 & (paths["quarter_end"] == pd.Timestamp("2027-12-31"))]
    assert last["q50"].iloc[0] == pytest.approx(result.draws["further_cuts_2027"].median())
    first = paths[paths["quarter_end"] == pd.Timestamp(pr.FURTHER_AFTER)]
    assert first.loc[first["quantity"] == "cumulative_further_cuts", "q90"].iloc[0] == 0.0
    d = result.draws
    np.testing.assert_allclose(d["further_cuts_2027"],
                               d["observed_further_cuts"] + d["layoffs_ai_2027"]
                               + d["layoffs_delayering_2027"])
    family_cols = [c for c in d.columns if c.startswith("projected_cuts_2027__")]
    assert len(family_cols) == len(FAMILIES)
    np.testing.assert_allclose(d[family_cols].sum(axis=1), d["projected_cuts_2027"])
    pd.testing.assert_frame_equal(result.deterministic, pr.project_point({}, FAMILIES, EVENTS))


def test_changing_a_parameter_moves_its_distribution_and_the_result():
    slow = pr.run_monte_carlo({"mc_draws": 2_000, "ai_adoption_midpoint_year": 2030.0},
                              FAMILIES, EVENTS)
    fast = pr.run_monte_carlo({"mc_draws": 2_000, "ai_adoption_midpoint_year": 2027.0},
                              FAMILIES, EVENTS)
    assert slow.inputs["ai_adoption_midpoint_year"].median() == pytest.approx(2030, abs=0.1)
    assert fast.summary["median"].iloc[1] > slow.summary["median"].iloc[1]


def test_a_shared_setup_and_no_paths_leave_the_draws_and_summary_unchanged():
    p = {"mc_draws": 400, "seed": 3, "ai_substitution_share_pct": 45.0}
    alone = pr.run_monte_carlo(p, FAMILIES, EVENTS)
    # Built at another modelled value: the setup holds only the dates and tables.
    shared = pr.shared_setup({"mc_draws": 400, "seed": 3}, FAMILIES, EVENTS)
    lean = pr.run_monte_carlo(p, FAMILIES, EVENTS, shared=shared, paths=False)
    pd.testing.assert_frame_equal(alone.draws, lean.draws)
    pd.testing.assert_frame_equal(alone.summary, lean.summary)
    assert lean.paths.empty and list(lean.paths.columns) == list(alone.paths.columns)
    assert (lean.paths.dtypes == alone.paths.dtypes).all()
    # A setup built for another cut-off is not used: the run rebuilds its own.
    stale = pr.shared_setup({"as_of": "2026-01-31"}, FAMILIES, EVENTS)
    pd.testing.assert_frame_equal(
        pr.run_monte_carlo(p, FAMILIES, EVENTS, shared=stale).summary, alone.summary)
    assert pr.run_monte_carlo({**p, "as_of": "2026-01-31"}, FAMILIES, EVENTS, shared=shared
                              ).summary.equals(
        pr.run_monte_carlo({**p, "as_of": "2026-01-31"}, FAMILIES, EVENTS).summary)


@pytest.mark.parametrize("chunk_size", [64, 8_192])
def test_further_cuts_draws_are_exactly_the_monte_carlo_columns(chunk_size):
    p = validate({"mc_draws": 500, "seed": 7})
    full = pr.run_monte_carlo(p, FAMILIES, EVENTS)
    lean = pr.further_cuts_draws(p, FAMILIES, EVENTS, chunk_size=chunk_size)
    assert set(lean) == {r for r in pr.READINGS}
    for reading, values in lean.items():
        np.testing.assert_array_equal(values, full.draws[f"further_cuts_{reading}"].to_numpy())

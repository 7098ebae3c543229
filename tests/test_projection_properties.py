"""Property tests of the projection core (hypothesis): stock-flow identities and monotonicity."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from analysis.models import projection as pr
from tests.inputs import EVENTS, FAMILIES

SETTINGS = settings(max_examples=50, deadline=None)
READING_DATES = ("2026-12-31", "2027-12-31")


def floats(low: float, high: float) -> st.SearchStrategy[float]:
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


@st.composite
def scenarios(draw) -> tuple[dict, pd.DataFrame, pd.DataFrame]:
    """Any valid parameters, job families and announced rounds."""
    as_of = draw(st.dates(dt.date(2025, 10, 28), dt.date(2027, 6, 30)))
    earliest_end = max(as_of + dt.timedelta(days=1), dt.date(2026, 1, 1))
    horizon = draw(st.dates(earliest_end, dt.date(2030, 12, 31)))
    current = draw(floats(0, 100))
    params = {
        "as_of": as_of.isoformat(), "horizon_end": horizon.isoformat(),
        "corporate_headcount_base": draw(st.integers(200_000, 500_000)),
        "attrition_rate_pct": draw(floats(0, 40)),
        "rto_attrition_uplift_pct": draw(floats(0, 15)),
        "backfill_rate_pct": draw(floats(0, 100)),
        "ai_specialist_hires_per_year": draw(st.integers(0, 30_000)),
        "ai_adoption_current_pct": current,
        "ai_adoption_ceiling_pct": draw(floats(current, 100)),
        "ai_adoption_midpoint_year": draw(floats(2024, 2040)),
        "ai_adoption_steepness_per_year": draw(floats(0.1, 5)),
        "ai_substitution_share_pct": draw(floats(0, 100)),
        "exposure_multiplier": draw(floats(0, 3)),
        "max_annual_cut_pct": draw(floats(0, 50)),
        "manager_ratio_change_pct": draw(floats(0, 100)),
        "manager_share_pct": draw(floats(1, 40)),
        "delayering_realised_pct": draw(floats(0, 100)),
        "eu_workforce_share_pct": draw(floats(0, 100)),
        "eu_brake_start": draw(st.dates(dt.date(2025, 1, 1), dt.date(2031, 12, 31))).isoformat(),
        "eu_brake_lead_months": draw(st.integers(0, 36)),
        "eu_brake_strength_pct": draw(floats(0, 100)),
    }
    n = draw(st.integers(1, 5))
    weights = np.array(draw(st.lists(floats(0.01, 1), min_size=n, max_size=n)))
    shares = 100 * weights / weights.sum()
    shares[-1] = 100 - shares[:-1].sum()
    specialist = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    specialist[draw(st.integers(0, n - 1))] = True
    families = pd.DataFrame({
        "family": [f"f{i}" for i in range(n)],
        "headcount_share_pct": shares,
        "ai_exposure_pct": draw(st.lists(floats(0, 100), min_size=n, max_size=n)),
        "is_ai_specialist": specialist,
    })
    rounds = draw(st.lists(st.tuples(st.dates(dt.date(2025, 10, 29), dt.date(2027, 12, 31)),
                                     floats(0, 20_000), floats(0, 5_000), st.booleans()),
                           max_size=3))
    events = pd.DataFrame({
        "announced": pd.to_datetime([dt.date(2025, 10, 28)] + [r[0] for r in rounds]),
        "roles_low": [14_000.0] + [r[1] for r in rounds],
        "roles_mid": [14_000.0] + [r[1] + r[2] / 2 for r in rounds],
        "roles_high": [14_000.0] + [r[1] + r[2] for r in rounds],
        "is_corporate": [True] + [r[3] for r in rounds],
    })
    return params, families, events


def readings(frame: pd.DataFrame) -> np.ndarray:
    return np.array([frame.loc[frame["quarter_end"] <= pd.Timestamp(c), "further_cuts"].sum()
                     for c in READING_DATES])


def observed_only(params: dict, events: pd.DataFrame) -> np.ndarray:
    used = events[events["is_corporate"]
                  & (events["announced"] > pd.Timestamp(pr.FURTHER_AFTER))
                  & (events["announced"] <= pd.Timestamp(params["as_of"]))]
    return np.array([used.loc[used["announced"] <= pd.Timestamp(c), "roles_mid"].sum()
                     for c in READING_DATES])


def assert_not_lower(higher: np.ndarray, lower: np.ndarray) -> None:
    assert np.all(higher >= lower - 1e-9 * np.maximum(1.0, np.abs(lower))), (higher, lower)


@SETTINGS
@given(scenarios())
def test_headcount_never_negative_and_stocks_and_flows_balance(case):
    params, families, events = case
    out = pr.project_point(params, families, events)
    flows = ["observed_cuts", "layoffs_ai", "layoffs_delayering", "attrition", "hires"]
    assert (out[["headcount_start", "headcount", *flows]] >= 0).all().all()
    scale = float(params["corporate_headcount_base"])
    row = (out["headcount_start"] - out["observed_cuts"] - out["layoffs_ai"]
           - out["layoffs_delayering"] - out["attrition"] + out["hires"])
    np.testing.assert_allclose(out["headcount"], row, rtol=0, atol=1e-9 * scale)
    for _, family in out.groupby("family", sort=False):
        np.testing.assert_allclose(family["headcount_start"].iloc[1:],
                                   family["headcount"].iloc[:-1], rtol=0, atol=1e-9 * scale)
    first = out["quarter_end"] == out["quarter_end"].min()
    last = out["quarter_end"] == out["quarter_end"].max()
    total = (out.loc[first, "headcount_start"].sum() - out[flows[:4]].sum().sum()
             + out["hires"].sum())
    assert out.loc[last, "headcount"].sum() == pytest.approx(total, rel=1e-9, abs=1e-6)


@SETTINGS
@given(scenarios(), floats(0, 1), floats(0, 1))
def test_more_adoption_ceiling_exposure_or_substitution_never_lowers_cuts(case, u, v):
    params, families, events = case
    base = readings(pr.project_point(params, families, events))
    ceiling = params["ai_adoption_ceiling_pct"]
    higher = [
        {**params, "ai_adoption_ceiling_pct": ceiling + u * (100 - ceiling)},
        {**params, "exposure_multiplier": params["exposure_multiplier"] * (1 + u) + v},
        {**params, "ai_substitution_share_pct":
            params["ai_substitution_share_pct"] + u * (100 - params["ai_substitution_share_pct"])},
    ]
    for changed in higher:
        changed["exposure_multiplier"] = min(changed["exposure_multiplier"], 3.0)
        assert_not_lower(readings(pr.project_point(changed, families, events)), base)
    exposed = families.assign(ai_exposure_pct=np.minimum(families["ai_exposure_pct"] + 100 * u,
                                                         100.0))
    assert_not_lower(readings(pr.project_point(params, exposed, events)), base)


@SETTINGS
@given(scenarios(), floats(0, 16))
def test_an_earlier_midpoint_never_lowers_cuts(case, years_earlier):
    params, families, events = case
    midpoint = params["ai_adoption_midpoint_year"]
    earlier = {**params, "ai_adoption_midpoint_year": max(2024.0, midpoint - years_earlier)}
    assert_not_lower(readings(pr.project_point(earlier, families, events)),
                     readings(pr.project_point(params, families, events)))


@SETTINGS
@given(scenarios(), floats(0.1, 5), floats(0, 1))
def test_a_steeper_curve_never_lowers_cuts_when_the_midpoint_is_near(case, s_high, u):
    """Holds whenever the midpoint is at most 1.2785/s years after as_of (module docstring)."""
    params, families, events = case
    s_low = 0.1 + u * (s_high - 0.1)
    as_of_year = pr._decimal_year(dt.date.fromisoformat(params["as_of"]))
    limit = as_of_year + pr.STEEPNESS_MONOTONE_LIMIT / s_high
    assume(limit >= 2024.0)
    midpoint = min(params["ai_adoption_midpoint_year"], limit)
    base = {**params, "ai_adoption_midpoint_year": midpoint}
    assert_not_lower(
        readings(pr.project_point({**base, "ai_adoption_steepness_per_year": s_high},
                                  families, events)),
        readings(pr.project_point({**base, "ai_adoption_steepness_per_year": s_low},
                                  families, events)))


def test_a_steeper_curve_lowers_cuts_when_the_midpoint_is_far_off():
    """The documented exception: a steeper logistic stays flatter for longer before its
    midpoint, so with the midpoint in 2032 steepness 2 gives fewer cuts by 2027 than 0.5."""
    far = {"ai_adoption_midpoint_year": 2032.0}
    gentle = readings(pr.project_point({**far, "ai_adoption_steepness_per_year": 0.5},
                                       FAMILIES, EVENTS))
    steep = readings(pr.project_point({**far, "ai_adoption_steepness_per_year": 2.0},
                                      FAMILIES, EVENTS))
    assert np.all(steep < gentle)


@SETTINGS
@given(scenarios(), st.booleans())
def test_no_adoption_and_no_delayering_leave_only_the_observed_rounds(case, by_ceiling):
    params, families, events = case
    none = {**params, "manager_ratio_change_pct": 0.0}
    if by_ceiling:
        none["ai_adoption_ceiling_pct"] = none["ai_adoption_current_pct"]
    else:
        none["ai_substitution_share_pct"] = 0.0
    out = pr.project_point(none, families, events)
    assert out["layoffs_ai"].eq(0).all() and out["layoffs_delayering"].eq(0).all()
    np.testing.assert_allclose(readings(out), observed_only(params, events), rtol=1e-12)


@settings(max_examples=15, deadline=None)
@given(scenarios(), st.integers(0, 2**32 - 1), st.integers(0, 2**32 - 1))
def test_same_seed_same_output_different_seed_different_draws(case, seed, other):
    params, families, events = case
    run = {**params, "mc_draws": 100}
    a = pr.run_monte_carlo({**run, "seed": seed}, families, events)
    b = pr.run_monte_carlo({**run, "seed": seed}, families, events, chunk_size=9)
    pd.testing.assert_frame_equal(a.draws, b.draws, check_exact=True)
    pd.testing.assert_frame_equal(a.inputs, b.inputs, check_exact=True)
    pd.testing.assert_frame_equal(a.paths, b.paths, check_exact=True)
    assert (a.paths.loc[a.paths["quantity"] == "headcount", "q10"] >= 0).all()
    if other != seed:
        c = pr.run_monte_carlo({**run, "seed": other}, families, events)
        assert not a.inputs.drop(columns="draw").equals(c.inputs.drop(columns="draw"))

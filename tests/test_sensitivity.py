"""Sensitivity of the projection: one-at-a-time swings and global rank correlations."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from analysis.models import projection as pr
from analysis.models import sensitivity as se
from analysis.params import SCHEMA
from tests.inputs import EVENTS, FAMILIES

OAT_COLUMNS = ["parameter", "label", "base_value", "low_value", "high_value", "result_base",
               "result_low", "result_high", "swing"]


def reading(params: dict, cutoff: str = "2027-12-31") -> float:
    out = pr.project_point(params, FAMILIES, EVENTS)
    return float(out.loc[out["quarter_end"] <= pd.Timestamp(cutoff), "further_cuts"].sum())


def test_oat_ends_are_the_clipped_monte_carlo_range_and_results_match_the_point_model():
    oat = se.sensitivity_oat({"delayering_realised_pct": 90.0}, FAMILIES, EVENTS)
    assert list(oat.columns) == OAT_COLUMNS
    uncertain = {n for n in pr.MODEL_PARAMETERS if SCHEMA[n].mc_spread is not None}
    assert set(oat["parameter"]) == uncertain | {se.OBSERVED_EVENTS}
    assert oat["swing"].is_monotonic_decreasing
    rows = oat.set_index("parameter")
    assert rows.loc["delayering_realised_pct", ["low_value", "high_value"]].tolist() == [65, 100]
    assert rows.loc["ai_adoption_ceiling_pct", ["low_value", "high_value"]].tolist() == [40, 85]
    assert rows.loc[se.OBSERVED_EVENTS, ["low_value", "high_value"]].tolist() == [16_100, 16_200]
    base = {"delayering_realised_pct": 90.0}
    assert rows["result_base"].iloc[0] == pytest.approx(reading(base))
    assert rows.loc["ai_adoption_ceiling_pct", "result_low"] == pytest.approx(
        reading({**base, "ai_adoption_ceiling_pct": 40.0}))
    assert rows.loc["ai_adoption_midpoint_year", "result_high"] == pytest.approx(
        reading({**base, "ai_adoption_midpoint_year": 2030.0}))
    swing = (rows["result_high"] - rows["result_low"]).abs()
    np.testing.assert_allclose(rows["swing"], swing)


def test_oat_other_quantity_and_unknown_quantity():
    oat = se.sensitivity_oat({}, FAMILIES, EVENTS, quantity="further_cuts_2026")
    rows = oat.set_index("parameter")
    assert rows.loc["ai_substitution_share_pct", "result_high"] == pytest.approx(
        reading({"ai_substitution_share_pct": 60.0}, "2026-12-31"))
    # Attrition moves headcount, never cuts.
    assert rows.loc["attrition_rate_pct", "swing"] == 0.0
    net = se.sensitivity_oat({}, FAMILIES, EVENTS, quantity="net_headcount_change_2027")
    assert net.set_index("parameter").loc["attrition_rate_pct", "swing"] > 0
    with pytest.raises(ValueError, match="quantity"):
        se.sensitivity_oat({}, FAMILIES, EVENTS, quantity="nonsense")


def test_global_rank_correlations_signs_and_shares():
    result = pr.run_monte_carlo({"mc_draws": 4_000}, FAMILIES, EVENTS)
    table = se.sensitivity_global(result)
    assert list(table.columns) == ["parameter", "label", "rank_correlation", "share_of_variance"]
    assert table["label"].str.contains("_").sum() == 0  # human labels, not code names
    assert table["share_of_variance"].sum() == pytest.approx(1.0)
    assert table["rank_correlation"].abs().is_monotonic_decreasing
    rho = table.set_index("parameter")["rank_correlation"]
    assert rho["ai_adoption_midpoint_year"] < -0.3  # later midpoint, fewer cuts
    assert rho["ai_substitution_share_pct"] > 0.2
    assert "cost_per_employee_usd_k" not in rho  # drawn, but the projection does not use it
    with pytest.raises(ValueError, match="quantity"):
        se.sensitivity_global(result, quantity="draw")


def test_global_on_a_known_relation():
    """A headline that is a monotone function of one input has rank correlation 1 with it."""
    result = pr.run_monte_carlo({"mc_draws": 500}, FAMILIES, EVENTS)
    inputs = result.inputs.assign(attrition_rate_pct=1.0)  # a constant input
    draws = result.draws.assign(
        further_cuts_2027=np.exp(result.inputs["ai_adoption_ceiling_pct"]))
    fake = dataclasses.replace(result, inputs=inputs, draws=draws)
    rho = se.sensitivity_global(fake).set_index("parameter")["rank_correlation"]
    assert rho["ai_adoption_ceiling_pct"] == pytest.approx(1.0)
    assert rho["attrition_rate_pct"] == 0.0
    assert rho.index[0] == "ai_adoption_ceiling_pct"

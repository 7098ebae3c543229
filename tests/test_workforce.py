"""Chapter 2 logic: job families, exposure, de-layering, quiet attrition, decomposition."""

from __future__ import annotations

import re

import altair as alt
import numpy as np
import pandas as pd
import pytest

from analysis import ledger
from analysis.chapters import workforce as wf
from analysis.charts import workforce as wf_charts
from analysis.data.layoff_rounds import corporate_rounds
from analysis.models import projection as pr
from analysis.narrative import workforce as wf_story
from analysis.params import validate

FAMILIES = pd.DataFrame({
    "family": ["pm", "hr", "ai"],
    "family_label": ["Program management", "HR", "AI specialists"],
    "headcount_share_pct": [50.0, 30.0, 20.0],
    "ai_exposure_pct": [40.0, 60.0, 50.0],  # human-rated
    "ai_exposure_gpt4_pct": [45.0, 55.0, 70.0],  # GPT-4-rated: HR lower, others higher
    "is_ai_specialist": [False, False, True],
})

ROUNDS = pd.DataFrame({
    "round_id": ["r22", "r23", "r25", "r26", "r26b"],
    "announced": pd.to_datetime(["2022-11-01", "2023-01-04", "2025-10-28", "2026-01-28",
                                 "2026-01-01"]),
    "announced_precision": ["month", "day", "day", "day", "year"],
    "roles_low": [10_000.0, 18_000.0, 14_000.0, 16_000.0, np.nan],
    "roles_high": [10_000.0, 18_000.0, 14_000.0, 16_000.0, np.nan],
    "organisation": ["Devices; buyouts in PXT", "Stores; PXT", "Corporate-wide",
                     "Corporate-wide", "Selling Partner Services"],
    "is_corporate": [True, True, True, True, True],
    "included_in_round_id": ["r23", None, None, None, None],  # r22 is inside r23
})
ROUNDS["roles_mid"] = (ROUNDS["roles_low"] + ROUNDS["roles_high"]) / 2.0


def test_family_exposure_sizes_ranges_and_ranks():
    out = wf.family_exposure(FAMILIES, 100_000)
    assert list(out["family"]) == ["hr", "ai", "pm"]  # by human-rated exposure
    assert list(out["exposure_rank"]) == [1, 2, 3]
    row = out.set_index("family").loc["hr"]
    assert row["headcount_est"] == pytest.approx(30_000)
    assert (row["exposure_low_pct"], row["exposure_high_pct"]) == (55.0, 60.0)
    assert row["exposed_roles_human"] == pytest.approx(18_000)  # 30,000 × 60%
    assert row["exposed_roles_gpt4"] == pytest.approx(16_500)
    assert out["headcount_est"].sum() == pytest.approx(100_000)


def test_family_exposure_rejects_a_non_positive_base_and_missing_columns():
    with pytest.raises(ValueError, match="positive"):
        wf.family_exposure(FAMILIES, 0)
    with pytest.raises(ValueError, match="ai_exposure_gpt4_pct"):
        wf.family_exposure(FAMILIES.drop(columns="ai_exposure_gpt4_pct"), 1)


def test_central_interval_quantiles_and_errors():
    med, lo, hi = wf.central_interval(np.arange(101.0), 80)
    assert (med, lo, hi) == pytest.approx((50.0, 10.0, 90.0))
    with pytest.raises(ValueError, match="finite"):
        wf.central_interval([1.0, np.nan], 80)
    with pytest.raises(ValueError, match="level_pct"):
        wf.central_interval([1.0], 100)


def test_family_cuts_medians_intervals_and_share_of_family():
    draws = pd.DataFrame({
        "headcount_2027": [900.0, 800.0, 700.0],
        "net_headcount_change_2027": [-100.0, -200.0, -300.0],  # 1,000 at as_of in each draw
        "projected_cuts_2027__pm": [10.0, 20.0, 30.0],
        "projected_cuts_2027__hr": [30.0, 60.0, 90.0],
        "projected_cuts_2027__ai": [0.0, 0.0, 0.0],
    })
    out = wf.family_cuts(draws, FAMILIES, 50).set_index("family")
    assert list(out.index) == ["hr", "pm", "ai"]
    assert out.loc["hr", "median_roles"] == pytest.approx(60.0)
    assert out.loc["hr", "lower_roles"] == pytest.approx(45.0)  # 25th percentile
    assert out.loc["hr", "upper_roles"] == pytest.approx(75.0)
    assert out.loc["hr", "median_pct_of_family"] == pytest.approx(20.0)  # 60 / (1,000 × 30%)
    assert out.loc["pm", "cut_rank"] == 2


def test_family_cuts_names_a_missing_family_column():
    draws = pd.DataFrame({"headcount_2027": [1.0], "net_headcount_change_2027": [0.0]})
    with pytest.raises(ValueError, match="projected_cuts_2027__pm"):
        wf.family_cuts(draws, FAMILIES, 80)


def test_manager_mandate_by_hand():
    """350,000 staff, 12% managers, +15% ICs per manager, 60% done."""
    out = wf.manager_mandate(350_000, 12.0, 15.0, 60.0)
    assert out["managers_before"] == pytest.approx(42_000)
    assert out["ic_per_manager_before"] == pytest.approx(308_000 / 42_000)
    assert out["ic_per_manager_after"] == pytest.approx(out["ic_per_manager_before"] * 1.15)
    assert out["manager_roles_removed"] == pytest.approx(42_000 - 42_000 / 1.15)
    assert out["realised_roles"] + out["remaining_roles"] == pytest.approx(
        out["manager_roles_removed"])
    assert out["remaining_roles"] == pytest.approx(out["manager_roles_removed"] * 0.4)


def test_manager_mandate_matches_the_projection_delayering():
    """The projection's de-layering total equals the mandate's remaining roles at as_of."""
    params = validate({"attrition_rate_pct": 0.0, "rto_attrition_uplift_pct": 0.0,
                       "backfill_rate_pct": 0.0, "ai_specialist_hires_per_year": 0,
                       "ai_adoption_ceiling_pct": 10.0})  # ceiling = current: no AI cuts
    events = pd.DataFrame({"announced": pd.to_datetime(["2025-10-28"]),
                           "roles_low": [14_000.0], "roles_high": [14_000.0],
                           "roles_mid": [14_000.0], "is_corporate": [True]})
    point = pr.project_point(params, FAMILIES, events)
    mandate = wf.manager_mandate(350_000 - 14_000, params["manager_share_pct"],
                                 params["manager_ratio_change_pct"],
                                 params["delayering_realised_pct"])
    assert point["layoffs_delayering"].sum() == pytest.approx(mandate["remaining_roles"])


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"headcount": 0}, "headcount"),
    ({"manager_share_pct": 0}, "manager_share_pct"),
    ({"manager_ratio_change_pct": -1}, "manager_ratio_change_pct"),
    ({"delayering_realised_pct": 101}, "delayering_realised_pct"),
])
def test_manager_mandate_rejects_bad_values(kwargs, match):
    values = {"headcount": 100.0, "manager_share_pct": 10.0, "manager_ratio_change_pct": 15.0,
              "delayering_realised_pct": 50.0, **kwargs}
    with pytest.raises(ValueError, match=match):
        wf.manager_mandate(**values)


def test_rto_extra_leavers_share_and_backfill():
    out = wf.rto_extra_leavers(np.array([1_400.0, 0.0]), 12.0, 2.0, 60.0)
    np.testing.assert_allclose(out["extra_leavers"], [200.0, 0.0])  # 2 of 14 points
    np.testing.assert_allclose(out["net_headcount_effect"], [80.0, 0.0])  # 40% not replaced


def test_rto_extra_leavers_zero_rates_and_errors():
    out = wf.rto_extra_leavers(100.0, 0.0, 0.0, 50.0)
    assert float(out["extra_leavers"]) == 0.0
    with pytest.raises(ValueError, match="negative"):
        wf.rto_extra_leavers(100.0, -1.0, 2.0, 50.0)
    with pytest.raises(ValueError, match="backfill"):
        wf.rto_extra_leavers(100.0, 1.0, 2.0, 150.0)


def test_quiet_attrition_uses_drawn_inputs_and_params():
    draws = pd.DataFrame({"attrition_2027": [1_400.0, 1_400.0, 1_400.0]})
    inputs = pd.DataFrame({"rto_attrition_uplift_pct": [0.0, 2.0, 4.0]})  # rate from params
    params = {"attrition_rate_pct": 12.0, "rto_attrition_uplift_pct": 2.0,
              "backfill_rate_pct": 50.0}
    out = wf.quiet_attrition(draws, inputs, params, 50)
    # extra = 1,400 × u / (12 + u): 0, 200, 350
    assert out["median"] == pytest.approx(200.0)
    assert out["net_median"] == pytest.approx(100.0)
    assert out["uplift_share_pct"] == pytest.approx(100 * 2 / 14)


POINT = pd.DataFrame({
    "quarter_end": pd.to_datetime(["2026-03-31", "2026-03-31", "2026-09-30", "2026-09-30",
                                   "2026-11-15", "2026-11-15"]),
    "phase": ["observed", "observed", "projected", "projected", "projected", "projected"],
    "family": ["a", "b"] * 3,
    "observed_cuts": [600.0, 400.0, 0.0, 0.0, 0.0, 0.0],
    "layoffs_ai": [0.0, 0.0, 10.0, 20.0, 5.0, 5.0],
    "layoffs_delayering": [0.0, 0.0, 3.0, 2.0, 0.0, 0.0],
    "attrition": [0.0, 0.0, 70.0, 70.0, 35.0, 35.0],
    "hires": [0.0, 0.0, 80.0, 70.0, 40.0, 35.0],
})


def test_decomposition_by_quarter_splits_flows_and_sums_to_the_change():
    out = wf.decomposition_by_quarter(POINT, 12.0, 2.0, 50.0)
    assert list(out["component"].unique()) == list(wf.COMPONENT_ORDER)
    assert list(dict.fromkeys(out["step"])) == ["2026 Q1", "2026 Q3", "to 15 Nov 2026"]
    q3 = out[out["step"] == "2026 Q3"].set_index("component")["roles"]
    assert q3["AI-driven layoffs"] == pytest.approx(-30.0)
    assert q3["de-layering"] == pytest.approx(-5.0)
    assert q3["baseline attrition"] == pytest.approx(-120.0)  # 140 × 12/14
    assert q3["extra attrition (return to office)"] == pytest.approx(-20.0)
    assert q3["backfill hires"] == pytest.approx(70.0)  # 50% of 140
    assert q3["AI-specialist hires (assumed)"] == pytest.approx(80.0)
    net = out.groupby("step", sort=False)["roles"].sum()
    assert list(net) == pytest.approx([-1_000.0, -25.0, -5.0])


def test_decomposition_totals_signs_and_net_change():
    draws = pd.DataFrame({
        "observed_further_cuts": [1_000.0, 1_000.0],
        "layoffs_ai_2027": [100.0, 300.0], "layoffs_delayering_2027": [10.0, 10.0],
        "attrition_2027": [140.0, 140.0], "hires_2027": [100.0, 100.0],
        "net_headcount_change_2027": [-150.0, -350.0],
    })
    out = wf.decomposition_totals(draws, pd.DataFrame(), {
        "attrition_rate_pct": 12.0, "rto_attrition_uplift_pct": 2.0,
        "backfill_rate_pct": 50.0}, 50).set_index("component")
    assert list(out.index) == [*wf.COMPONENT_ORDER, "net change"]
    assert out.loc["AI-driven layoffs", "median"] == pytest.approx(-200.0)
    assert out.loc["extra attrition (return to office)", "median"] == pytest.approx(-20.0)
    assert out.loc["AI-specialist hires (assumed)", "median"] == pytest.approx(30.0)
    assert out.loc["net change", "median"] == pytest.approx(-1_250.0)  # −250 − 1,000 observed
    assert (out["lower"] <= out["median"]).all() and (out["median"] <= out["upper"]).all()


def test_rounds_table_labels_precision_sizes_and_nesting():
    out = wf_charts.rounds_table(ROUNDS)
    assert list(out["announced"]) == ["Nov 2022", "4 Jan 2023", "28 Oct 2025", "2026",
                                      "28 Jan 2026"]
    assert out.loc[0, "counted"] == "inside r23"
    assert out.loc[3, "roles"] == "not disclosed"
    assert out.loc[2, "roles"] == "14,000"


def test_rounds_naming_is_case_insensitive_and_corporate_only():
    rounds = ROUNDS.assign(is_corporate=[True, True, True, True, False])
    assert list(wf.rounds_naming(rounds, "pxt")["round_id"]) == ["r22", "r23"]
    assert wf.rounds_naming(rounds, "selling").empty


def test_charts_build_with_tooltips():
    exposure = wf_charts.exposure_chart(wf.family_exposure(FAMILIES, 1_000)).to_dict()
    assert any("tooltip" in layer["encoding"] for layer in exposure["layer"])
    quarters = wf.decomposition_by_quarter(POINT, 12.0, 2.0, 50.0)
    assert isinstance(wf_charts.decomposition_chart(quarters), alt.LayerChart)
    df = pd.DataFrame({"family": ["x"], "median": [1.0], "lower": [0.0], "upper": [2.0],
                       "level_pct": [80.0]})
    spec = wf_charts.interval_chart(df, category="family", x_title="roles",
                                    sort=["x"]).to_dict()
    assert spec["layer"][1]["encoding"]["tooltip"][1]["title"] == "median"


def test_group_share_of_cuts_per_draw():
    draws = pd.DataFrame({
        "projected_cuts_2027__pm": [10.0, 30.0],
        "projected_cuts_2027__hr": [10.0, 10.0],
        "projected_cuts_2027__ai": [0.0, 0.0],
    })
    out = wf.group_share_of_cuts(draws, FAMILIES, ["pm", "hr"], 50)
    assert out["median"] == pytest.approx(100.0)
    assert out["headcount_share_pct"] == pytest.approx(80.0)
    out = wf.group_share_of_cuts(draws, FAMILIES, ["hr"], 50)
    assert out["median"] == pytest.approx((50.0 + 25.0) / 2)  # per draw: 50% and 25%
    with pytest.raises(ValueError, match="unknown family 'zz'"):
        wf.group_share_of_cuts(draws, FAMILIES, ["zz"], 50)


def test_middle_families_are_real_family_ids():
    from analysis import data
    ids = set(data.load_job_families()["family"])
    assert set(wf.MIDDLE_FAMILIES) <= ids


def test_reading_cutoff_follows_an_early_horizon():
    events = corporate_rounds(ROUNDS, sized=True)
    short = pr.run_monte_carlo({"horizon_end": "2027-06-30", "mc_draws": 100}, FAMILIES, events)
    assert wf.reading_cutoff(short) == "2027-06-30"
    assert wf.reading_cutoff(short, "2026") == "2026-12-31"
    with pytest.raises(ValueError, match="2030"):
        wf.reading_cutoff(short, "2030")


def test_analyse_workforce_and_claim_evidence_on_the_real_data():
    from analysis import data
    res = wf.analyse_workforce({"mc_draws": 500}, data.load_job_families(),
                               data.load_layoff_rounds(), data.load_workplace_memos(),
                               data.load_benchmarks())
    assert res.projection.n_draws == 500
    assert res.facts["rounds_naming_pxt"] >= 1
    assert res.facts["ic_ratio_increase_pct"] == 15
    assert len(res.cuts) == len(res.exposure) == res.n_families == 9
    evidence = wf_story.claim_evidence(res)
    assert set(evidence) == {"middle", "elite_hiring", "quiet_attrition", "internal_automation"}
    verdicts = ledger.chapter_verdicts("ch2", evidence)
    assert verdicts["elite_hiring"].verdict == "not testable"
    for item in evidence.values():
        assert not re.search(r"\bnan\b", item.evidence) and "{" not in item.evidence
    assert "31 Dec 2027" in evidence["middle"].evidence


def test_compute_loads_its_tables_and_is_frozen():
    import dataclasses

    res = wf.compute(validate({"mc_draws": 200}))
    assert res.projection.n_draws == 200 and res.as_of_stock > 0
    assert res.observed_further_cuts > 0
    assert "included_in_round_id" in res.rounds and res.rounds["is_corporate"].all()
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.n_families = 1  # type: ignore[misc]
    assert set(wf.PARAMETERS) <= set(res.params.to_dict())


def test_the_page_glues_exactly_what_the_package_gives():
    """Every glue key of the chapter 2 page comes from the narrative or the chart builders."""
    from pathlib import Path

    page = (Path(__file__).resolve().parent.parent / "book" / "ch2-corporate-middle.md"
            ).read_text(encoding="utf-8")
    used = set(re.findall(r"\{glue:text\}`([\w-]+)`", page))
    used |= set(re.findall(r"```\{glue(?::figure|:md)?\} ([\w-]+)", page))
    res = wf.compute(validate({"mc_draws": 200}))
    verdicts = ledger.chapter_verdicts("ch2", wf_story.claim_evidence(res))
    values = wf_story.glue_values(res, verdicts)
    figures, tables = wf_charts.figures(res), wf_charts.tables(res)
    given = set(values) | {f"fig-ch2-corporate-middle-{n}" for n in figures}
    given |= {f"tbl-ch2-corporate-middle-{n}{s}" for n in tables for s in ("", "-csv")}
    assert used <= given, sorted(used - given)
    assert set(wf_story.alt_texts(res)) == set(figures)
    assert all(isinstance(v, str) and v and not re.search(r"\bnan\b", v)
               for v in values.values())
    for chart in figures.values():
        chart.to_json()  # serialisable


def test_the_results_cache_stores_and_reuses_the_result(tmp_path):
    from analysis.site import results

    p = validate({"mc_draws": 200})
    first = results.get("workforce", p, results_dir=tmp_path)
    (folder,) = tmp_path.iterdir()
    again = results.get("workforce", p, results_dir=tmp_path)  # read back from the pickle
    assert again.params == p and again.facts == first.facts
    pd.testing.assert_frame_equal(again.totals, first.totals)
    assert list(tmp_path.iterdir()) == [folder]

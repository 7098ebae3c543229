"""Chapter 4 logic: margins, cuts by year, the EU AI Act timeline and the brake grid."""

from __future__ import annotations

import re

import altair as alt
import numpy as np
import pandas as pd
import pytest

from analysis import ledger
from analysis.chapters import regulation as rg
from analysis.charts import regulation as rg_charts
from analysis.narrative import regulation as rg_story
from analysis.params import validate

ANNUAL = pd.DataFrame({
    "year": [2022, 2023, 2024],
    "net_sales_usd_m": [1_000.0, 1_000.0, 2_000.0],
    "operating_income_usd_m": [20.0, np.nan, 200.0],  # 2023 missing (unverified)
    "aws_net_sales_usd_m": [200.0, 250.0, 400.0],
    "aws_operating_income_usd_m": [60.0, 70.0, 140.0],
})

BENCHMARKS = pd.DataFrame({
    "metric": ["severance_charge_usd_bn", "severance_charge_usd_bn", "severance_charge_usd_bn",
               "special_charges_usd_bn"],
    "period": ["2024Q3", "2024Q4", "2023Q4", "2024Q4"],
    "value_low": [0.01, 0.01, 5.0, 9.0],
})

ROUNDS = pd.DataFrame({
    "announced": pd.to_datetime(["2022-11-01", "2023-01-04", "2023-03-20", "2024-01-10",
                                 "2024-06-01", "2024-07-01"]),
    "roles_low": [10_000.0, 18_000.0, 9_000.0, 200.0, np.nan, 500.0],
    "roles_high": [10_000.0, 18_000.0, 9_000.0, 900.0, np.nan, 500.0],
    "is_corporate": [True, True, True, True, True, False],
    "included_in_round_id": ["b", None, None, None, None, None],  # the first is nested
})

EU = pd.DataFrame({
    "milestone_id": ["entry-into-force", "annex-iii-high-risk", "omnibus-proposed"],
    "milestone": ["Entry into force", "Annex III duties apply", "Omnibus proposed"],
    "kind": ["act_milestone", "act_milestone", "omnibus_process"],
    "date_original": pd.to_datetime(["2024-08-01", "2026-08-02", None]),
    "date_after_omnibus": pd.to_datetime(["2024-08-01", "2027-12-02", "2025-11-19"]),
    "applies_to": ["the Act", "employment", "the Omnibus"],
})


def test_operating_margins_by_segment():
    out = rg.operating_margins(ANNUAL)
    assert list(out["segment"].unique()) == list(rg.SEGMENTS)
    table = out.pivot_table(index="year", columns="segment", values="operating_margin_pct",
                            dropna=False)
    assert table.loc[2022, "Amazon total"] == pytest.approx(2.0)
    assert table.loc[2022, "AWS segment"] == pytest.approx(30.0)
    assert table.loc[2022, "Amazon excluding AWS"] == pytest.approx(-40 / 800 * 100)
    assert np.isnan(table.loc[2023, "Amazon total"])  # missing stays missing
    assert table.loc[2024, "Amazon excluding AWS"] == pytest.approx(60 / 1_600 * 100)
    assert out["year"].dtype == "int64"


def test_margin_change_pts_and_errors():
    margins = rg.operating_margins(ANNUAL)
    out = rg.margin_change_pts(margins, "Amazon total", 2022, 2024)
    assert out == pytest.approx({"start_pct": 2.0, "end_pct": 10.0, "change_pts": 8.0})
    with pytest.raises(ValueError, match="segment"):
        rg.margin_change_pts(margins, "Retail", 2022, 2024)
    with pytest.raises(ValueError, match="2019"):
        rg.margin_change_pts(margins, "AWS segment", 2019, 2024)


def test_severance_adjusted_margin_adds_back_that_years_charges_only():
    out = rg.severance_adjusted_margin(ANNUAL, BENCHMARKS, 2024)
    assert out["severance_usd_m"] == pytest.approx(20.0)
    assert out["margin_pct"] == pytest.approx(10.0)
    assert out["margin_ex_severance_pct"] == pytest.approx(11.0)
    assert out["severance_pts"] == pytest.approx(1.0)
    with pytest.raises(ValueError, match="2023"):
        rg.severance_adjusted_margin(ANNUAL, BENCHMARKS, 2023)


def test_corporate_cuts_by_year_skips_nested_and_non_corporate():
    out = rg.corporate_cuts_by_year(ROUNDS).set_index("year")
    assert list(out.index) == [2023, 2024]
    assert out.loc[2023, "roles_mid"] == pytest.approx(27_000)  # Nov 2022 is inside Jan 2023
    assert (out.loc[2024, "roles_low"], out.loc[2024, "roles_high"]) == (200.0, 900.0)
    assert out.loc[2024, "rounds"] == 2
    assert out.loc[2024, "rounds_undisclosed"] == 1


def test_ai_act_timeline_versions_and_shift():
    out = rg.ai_act_timeline(EU)
    annex = out[out["milestone_id"] == "annex-iii-high-risk"]
    assert list(annex["version"]) == ["original Act", "after the Digital Omnibus"]
    assert annex["moved"].all() and (annex["shift_months"] == 16).all()
    assert annex["is_employment"].all()
    process = out[out["milestone_id"] == "omnibus-proposed"]
    assert list(process["version"]) == ["Omnibus legislative step"]
    unchanged = out[out["milestone_id"] == "entry-into-force"]
    assert list(unchanged["version"]) == ["unchanged by the Omnibus"]  # one row, not two
    assert not unchanged["moved"].any()
    assert list(out["milestone_id"].drop_duplicates()) == [
        "entry-into-force", "omnibus-proposed", "annex-iii-high-risk"]  # by first date


def test_annex_iii_dates():
    assert rg.annex_iii_dates(EU) == {"original": "2026-08-02", "after_omnibus": "2027-12-02"}
    with pytest.raises(ValueError, match="annex-iii"):
        rg.annex_iii_dates(EU.iloc[[0]])


def test_brake_draws_per_point():
    assert rg.brake_draws_per_point(20_000) == 2_000
    assert rg.brake_draws_per_point(5_000) == 1_000


FAMILIES = pd.DataFrame({
    "family": ["hr", "ai"], "headcount_share_pct": [80.0, 20.0],
    "ai_exposure_pct": [60.0, 50.0], "is_ai_specialist": [False, True],
})
EVENTS = pd.DataFrame({
    "announced": pd.to_datetime(["2025-10-28", "2026-01-28"]),
    "roles_low": [14_000.0, 16_000.0], "roles_high": [14_000.0, 16_000.0],
    "roles_mid": [14_000.0, 16_000.0], "is_corporate": [True, True],
})


def test_brake_grid_stronger_and_earlier_brakes_cut_less():
    grid = rg.brake_grid({"mc_draws": 1_000}, FAMILIES, EVENTS,
                         {"early": "2026-08-02", "late": "2027-12-02"},
                         strengths_pct=[0, 100], draws_per_point=300)
    assert len(grid) == 2 * 2 * 2  # starts × strengths × readings
    assert set(grid["n_draws"]) == {300}
    assert grid.loc[grid["start_label"] == "early", "brake_from"].iloc[0] == "2026-02-02"
    early = rg.brake_effect_roles(grid, "early")
    late = rg.brake_effect_roles(grid, "late")
    assert early > late > 0
    # The late start is not active in 2026: no effect on the 2026 reading.
    assert rg.brake_effect_roles(grid, "late", reading="2026") == pytest.approx(0.0)
    assert (grid["lower"] <= grid["median"]).all() and (grid["median"] <= grid["upper"]).all()
    with pytest.raises(ValueError, match="not on the grid"):
        rg.brake_effect_roles(grid, "early", high_pct=50)


def test_memo_table_dates_and_quotes():
    memos = pd.DataFrame({
        "date": pd.to_datetime(["2025-01-01", "2024-09-16"]),
        "date_precision": ["year", "day"], "author": ["Amazon", "Andy Jassy"],
        "topic": ["Non-compliance", "Five days"], "quote": [None, "as before COVID"],
        "source_id": ["a", "b"]})
    out = rg_charts.memo_table(memos)
    assert list(out["date"]) == ["2024-09-16", "2025"]
    assert list(out["quote"]) == ["as before COVID", ""]


def test_charts_build():
    margins = rg.operating_margins(ANNUAL)
    cuts = rg.corporate_cuts_by_year(ROUNDS)
    assert isinstance(rg_charts.margins_chart(margins, cuts), alt.VConcatChart)
    markers = pd.DataFrame({"date": pd.to_datetime(["2026-06-30"]), "label": ["as_of"]})
    spec = rg_charts.timeline_chart(rg.ai_act_timeline(EU), markers).to_dict()
    assert spec["layer"]
    grid = pd.DataFrame({"start_label": ["a", "a"], "eu_brake_start": ["2026-08-02"] * 2,
                         "eu_brake_strength_pct": [0.0, 100.0], "reading": ["2027"] * 2,
                         "median": [2.0, 1.0], "lower": [1.0, 0.5], "upper": [3.0, 2.0],
                         "level_pct": [80.0, 80.0], "n_draws": [10, 10]})
    chart = rg_charts.brake_chart(grid, reading="2027", current_strength_pct=50)
    assert isinstance(chart, alt.LayerChart)
    chart.to_json()  # serialisable (no Period or Timestamp objects left)


def test_analyse_regulation_and_claim_evidence_on_the_real_data():
    from analysis import data
    res = rg.analyse_regulation(
        {"mc_draws": 1_000}, annual=data.load_annual(), rounds=data.load_layoff_rounds(),
        families=data.load_job_families(), eu=data.load_eu_ai_act(),
        memos=data.load_workplace_memos(), benchmarks=data.load_benchmarks())
    assert res.margin_base_year == 2021  # the first cuts were announced in Nov 2022
    assert res.annex_iii == {"original": "2026-08-02", "after_omnibus": "2027-12-02"}
    assert set(res.grid["n_draws"]) == {1_000}  # the floor of brake_draws_per_point
    assert res.eu_staff_as_of > 0
    evidence = rg_story.claim_evidence(res)
    assert set(evidence) == {"morale", "eu_collision", "margins"}
    verdicts = ledger.chapter_verdicts("ch4", evidence)
    assert verdicts["eu_collision"].verdict == "partly supported"  # duties after the cut-off
    for item in evidence.values():
        assert not re.search(r"\bnan\b", item.evidence)
    assert "2 Dec 2027" in evidence["eu_collision"].evidence


def test_the_page_glues_exactly_what_the_package_gives():
    """Every glue key of the chapter 4 page comes from the narrative or the chart builders."""
    from pathlib import Path

    page = (Path(__file__).resolve().parent.parent / "book" / "ch4-morale-regulation.md"
            ).read_text(encoding="utf-8")
    used = set(re.findall(r"\{glue:text\}`([\w-]+)`", page))
    used |= set(re.findall(r"```\{glue(?::figure|:md)?\} ([\w-]+)", page))
    res = rg.compute(validate({"mc_draws": 1_000}))
    assert res.after_omnibus_dates["omnibus-proposed"] == "2025-11-19"
    verdicts = ledger.chapter_verdicts("ch4", rg_story.claim_evidence(res))
    values = rg_story.glue_values(res, verdicts)
    figures, tables = rg_charts.figures(res), rg_charts.tables(res)
    given = set(values) | {f"fig-ch4-morale-regulation-{n}" for n in figures}
    given |= {f"tbl-ch4-morale-regulation-{n}{s}" for n in tables for s in ("", "-csv")}
    assert used <= given, sorted(used - given)
    assert set(rg_story.alt_texts(res)) == set(figures)
    assert all(isinstance(v, str) and v and not re.search(r"\bnan\b", v)
               for v in values.values())
    for chart in figures.values():
        chart.to_json()  # serialisable
    import pickle

    again = pickle.loads(pickle.dumps(res))  # as the results cache stores it
    assert rg_story.glue_values(again, verdicts) == values

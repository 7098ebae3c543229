"""Tests of chapter 3 (automation): analysis.chapters.automation (robot counts, the leaked
plan, milestones, the results object), analysis.narrative.automation (glue values, the plan
table, claim evidence) and analysis.charts.automation (the charts)."""

from __future__ import annotations

import json
import math
import pickle
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import ledger
from analysis.chapters import automation as A
from analysis.charts import automation as AC
from analysis.narrative import automation as AN

REPO = Path(__file__).resolve().parent.parent


def robots_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "year": [2014, 2015, 2016, 2019, 2023, 2025],
        "robots": [15000, 30000, 45000, 200000, 750000, 1000000],
        "is_lower_bound": [False, False, False, False, True, False],
        "source_id": ["s"] * 6,
        "confidence": ["secondary"] * 6,
        "note": ["year-end count"] * 4 + ["'more than 750,000'",
                                          "announced mid-year: a mid-year count, not year-end"],
    })


def milestones_frame() -> pd.DataFrame:
    rows = [
        # id, date, precision, system, metric, value, unit, confidence
        ("proteus-unveiled", "2022-06-01", "month", "Proteus", None, None, None, "secondary"),
        ("sparrow-unveiled", "2022-11-10", "day", "Sparrow", "catalogue_items_handled_pct",
         65.0, "% of items", "secondary"),
        ("shreveport-fewer-workers", "2025-01-01", "year", "Shreveport",
         "fewer_workers_than_comparable_site_pct", 25.0, "%", "secondary"),
        ("shreveport-replication", "2025-01-01", "year", "Shreveport",
         "sites_with_design_by_end_2027", 40.0, "facilities", "secondary"),
        ("shreveport-robots", "2025-01-01", "year", "Shreveport", "robots_at_site", 1000.0,
         "robots", "secondary"),
        ("leaked-plan-automation-goal", "2025-10-21", "day", "Leaked plan",
         "operations_automated_goal_pct", 75.0, "% of operations", "secondary"),
        ("leaked-plan-hires-avoided-2027", "2025-10-21", "day", "Leaked plan",
         "us_hires_avoided_by_2027", 160000.0, "US hires", "secondary"),
        ("leaked-plan-hires-avoided-2033", "2025-10-21", "day", "Leaked plan",
         "us_hires_avoided_by_2033", 600000.0, "US hires", "secondary"),
        ("leaked-plan-savings", "2025-10-21", "day", "Leaked plan",
         "cumulative_savings_2025_2027_usd_bn", 12.6, "USD bn", "secondary"),
        ("leaked-plan-saving-per-item", "2025-10-21", "day", "Leaked plan",
         "saving_per_item_usd", 0.3, "USD per item", "secondary"),
        ("leaked-plan-us-workforce", "2025-10-21", "day", "Leaked plan",
         "us_operations_workforce", 1200000.0, "persons", "secondary"),
        ("amazon-response-seasonal-hires", "2025-10-21", "day", "Amazon response",
         "seasonal_hires_planned", 250000.0, "seasonal hires", "secondary"),
        ("late-event", "2026-09-01", "day", "Late system", None, None, None, "unverified"),
    ]
    df = pd.DataFrame(rows, columns=["milestone_id", "date", "date_precision",
                                     "system_or_event", "metric", "value", "unit",
                                     "confidence"])
    df["date"] = pd.to_datetime(df["date"])
    df["note"] = "a note"
    df["source_id"] = "s"
    return df


def benchmarks_frame() -> pd.DataFrame:
    return pd.DataFrame({"metric": ["annual_robotics_savings", "other"],
                         "value_low": [2.0, 1.0], "value_high": [4.0, 1.0]})


def annual_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "year": [2021, 2022, 2023, 2024, 2025],
        "net_sales_usd_m": [400.0, 500.0, 600.0, 700.0, 800.0],
        "operating_income_usd_m": [40.0, 20.0, np.nan, 70.0, 100.0],
        "capex_gross_usd_m": [50.0, 60.0, 70.0, 80.0, 100.0],
        "aws_net_sales_usd_m": [40.0, 60.0, np.nan, 100.0, 120.0],
        "aws_operating_income_usd_m": [10.0, 30.0, np.nan, 35.0, 45.0],
        "employees_year_end": [100.0, 110.0, 120.0, 130.0, 140.0],
    })


# --- robot counts --------------------------------------------------------------------------


def test_no_warning_escapes_even_when_the_ceiling_is_unidentified(capsys):
    """Pure exponential growth: the ceiling runs to the bound; nothing reaches stderr."""
    t = np.array([2015.0, 2016.0, 2017.0, 2020.0, 2023.5, 2025.5])
    y = 15000.0 * 1.5 ** (t - t[0])
    frame = robots_frame().assign(robots=y, note="year-end count")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ra = A.analyse_robots(frame, as_of="2026-06-30", seed=1, level_pct=80.0, n_boot=100)
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out == ""
    assert ra.boots["logistic"].share_ceiling_at_bound > 0.2
    assert ra.fits["logistic"].max_ceiling == A.MAX_CEILING_ROBOTS
    upper_bounded = ra.comparison.set_index("model").loc["logistic",
                                                         "ceiling_profile_upper_bounded"]
    assert not upper_bounded


def test_robot_observations_date_counts_by_their_note_and_respect_as_of():
    obs = A.robot_observations(robots_frame(), "2026-06-30")
    assert list(obs["timing"]) == ["year-end"] * 4 + ["mid-year", "mid-year"]
    assert obs["date"].iloc[0] == "2014-12-31"
    assert obs["date"].iloc[-1] == "2025-07-01"
    assert obs["t_year"].iloc[-1] == pytest.approx(2025.4959, abs=1e-3)
    early = A.robot_observations(robots_frame(), "2025-06-30")
    assert early["year"].max() == 2023


def test_robot_density_uses_year_end_employees():
    obs = A.robot_observations(robots_frame(), "2026-06-30")
    dens = A.robot_density(obs, annual_frame().assign(year=[2015, 2016, 2019, 2023, 2025]))
    assert list(dens["year"]) == [2015, 2016, 2019, 2023, 2025]
    assert dens["robots_per_100_employees"].iloc[0] == pytest.approx(30000 / 100 * 100)


def test_robot_growth_between_consecutive_counts():
    obs = pd.DataFrame({"year": [2014, 2015, 2017], "t_year": [2015.0, 2016.0, 2018.0],
                        "robots": [100.0, 200.0, 800.0]})
    g = A.robot_growth(obs)
    assert list(g["to_year"]) == [2015, 2017]
    np.testing.assert_allclose(g["growth_pct_per_year"], [100.0, 100.0])
    assert A.robot_cagr_pct(obs) == pytest.approx(100.0)


# --- the leaked plan -----------------------------------------------------------------------


def test_leaked_plan_reads_the_figures_and_leaves_missing_ones_nan():
    plan = A.leaked_plan(milestones_frame())
    assert plan.hires_avoided_2033 == 600000 and plan.automation_goal_pct == 75
    assert plan.shreveport_sites_2027 == 40
    partial = A.leaked_plan(milestones_frame().iloc[:3])
    assert math.isnan(partial.hires_avoided_2027)
    doubled = pd.concat([milestones_frame(), milestones_frame().iloc[[5]]])
    with pytest.raises(ValueError, match="appears 2 times"):
        A.leaked_plan(doubled)


def _chapter() -> A.AutomationResults:
    return A.analyse_chapter(robots_frame(), milestones_frame(),
                             annual_frame().assign(year=[2021, 2022, 2023, 2024, 2025]),
                             benchmarks_frame(), as_of="2026-06-30", seed=11, level_pct=80,
                             n_boot=200, unverified=A.unverified_figures(
                                 pd.DataFrame(columns=["year", "metric", "confidence"]),
                                 robots_frame(), milestones_frame()))


@pytest.fixture(scope="module")
def chapter() -> A.AutomationResults:
    return _chapter()


def test_plan_arithmetic(chapter):
    cmp = chapter.comparison
    assert cmp.hires_pace_early == pytest.approx(160000 / (2028 - 2025), rel=1e-3)
    assert cmp.hires_pace_late == pytest.approx(440000 / 6, rel=1e-3)
    assert cmp.hires_pace_ratio > 1
    assert cmp.reduction_vs_counterfactual_pct == pytest.approx(25.0)
    assert cmp.savings_per_year_usd_bn == pytest.approx(4.2)
    assert (cmp.ms_savings_low_usd_bn, cmp.ms_savings_high_usd_bn) == (2.0, 4.0)
    assert cmp.shreveport_design_robots == 40000
    assert cmp.shreveport_share_of_fleet_pct == pytest.approx(4.0)
    pace = cmp.robots_pace.set_index("model")
    # A saturating curve slows down; constant growth speeds up.
    assert pace.loc["logistic", "ratio"] < 1 < pace.loc["log-linear", "ratio"]
    assert (pace["early_lower"] <= pace["early_upper"]).all()


def test_plan_table_is_text(chapter):
    table = AN.plan_table(chapter.comparison)
    assert list(table.columns) == ["item", "leaked plan or source", "what the data show",
                                   "can it be checked?"]
    assert table.map(lambda v: isinstance(v, str)).all().all()


def test_chapter_is_deterministic_per_seed(chapter):
    again = _chapter()
    pd.testing.assert_frame_equal(chapter.robots.comparison, again.robots.comparison)
    for model, band in chapter.robots.bands.items():
        pd.testing.assert_frame_equal(band, again.robots.bands[model])
    pd.testing.assert_frame_equal(chapter.comparison.robots_pace, again.comparison.robots_pace)
    assert AN.claim_evidence(chapter) == AN.claim_evidence(again)
    assert AN.glue_values(chapter) == AN.glue_values(again)
    assert chapter.robots.warnings == ()


def test_frames_in_robots_carry_the_unit(chapter):
    ra = chapter.robots
    assert {"fitted_robots", "lower_robots", "upper_robots"} <= set(ra.bands["logistic"])
    assert "ceiling_robots" in ra.profiles["gompertz"]
    assert {"ceiling_robots", "robots_horizon", "robots_horizon_lower",
            "robots_horizon_upper"} <= set(ra.comparison)


def test_results_survive_the_results_cache_pickle(chapter):
    back = pickle.loads(pickle.dumps(chapter, protocol=pickle.HIGHEST_PROTOCOL))
    assert AN.glue_values(back) == AN.glue_values(chapter)


def test_parameters_name_what_the_chapter_reads():
    from analysis.params import SCHEMA
    assert set(A.PARAMETERS) <= set(SCHEMA)
    assert set(A.PARAMETERS) == {"as_of", "include_unreliable", "interval_level_pct", "seed"}


def test_claim_evidence_uses_the_ledger_vocabulary(chapter):
    ev = AN.claim_evidence(chapter)
    assert set(ev) == {"lights_out", "robots", "aws"}
    verdicts = ledger.chapter_verdicts("ch3", ev)
    assert all(j.verdict in ledger.VERDICTS for j in verdicts.values())
    # the fleet grows fast, but the claim names the entire value chain: one part measured
    assert verdicts["robots"].verdict == "partly supported"
    assert ev["robots"].measures["growth_pct_per_year"] >= ledger.ROBOT_GROWTH_MIN_PCT
    assert "75%" in ev["lights_out"].evidence
    assert "np.float" not in " ".join(e.evidence for e in ev.values())
    rows = ledger.automation_rows(chapter)
    assert [r.claim.claim_id for r in rows] == ["lights-out", "robots", "aws-utility"]


# --- milestones ----------------------------------------------------------------------------


def test_milestone_timeline_merges_same_day_rows_and_spans_the_precision():
    tl = A.milestone_timeline(milestones_frame(), "2026-06-30")
    assert "Late system" not in set(tl["system"])  # after as_of
    plan = tl.loc[tl["system"] == "Leaked plan"].iloc[0]
    assert plan["details"].count(";") == 5
    assert "US hires avoided by 2033: 600,000 US hires" in plan["details"]
    assert "cumulative savings 2025-2027: 12.6 USD bn" in plan["details"]
    proteus = tl.loc[tl["system"] == "Proteus"].iloc[0]
    assert (proteus["start"], proteus["end"]) == ("2022-06-01", "2022-06-30")
    shreve = tl.loc[tl["system"] == "Shreveport"].iloc[0]
    assert shreve["end"] == "2025-12-31" and shreve["lane"] == "fleet and sites"
    assert list(tl["start"]) == sorted(tl["start"])


def test_unverified_figures_lists_each_table():
    annual_long = pd.DataFrame({"year": [2020, 2021], "metric": ["aws_net_sales_usd_m", "x"],
                                "confidence": ["unverified", "filing"]})
    out = A.unverified_figures(annual_long, robots_frame(), milestones_frame())
    assert list(out["figure"]) == ["FY2020 AWS net sales", "Late system"]


# --- the page's words ----------------------------------------------------------------------


def test_glue_values_cover_every_glue_the_page_cites(chapter):
    """Every {glue:text} name on the page is glued by glue_values or the verdict loop."""
    page = (REPO / "book" / "ch3-ai-native.md").read_text(encoding="utf-8")
    cited = set(re.findall(r"\{glue:text\}`([^`]+)`", page))
    glued = set(AN.glue_values(chapter)) | {f"ch3_verdict_{k}" for k in AN.claim_evidence(chapter)}
    assert cited and cited <= glued, sorted(cited - glued)
    assert all(isinstance(v, str) and v for v in AN.glue_values(chapter).values())


def test_glue_values_follow_the_settings(chapter):
    values = AN.glue_values(chapter)
    assert values["ch3_level"] == "80%"
    assert values["ch3_unverified"] == "Late system"
    assert values["ch3_unverified_status"] == "left out"
    assert values["ch3_plan_per_item"] == "$0.30"
    assert values["ch3_aws_over100"] == "FY2022"


def test_alt_texts_name_every_chart(chapter):
    alt = AN.alt_texts(chapter)
    assert set(alt) == set(AC.chapter_charts(chapter))
    assert all(text.strip() for text in alt.values())
    assert "15,000 (year-end 2014)" in alt["robots"]


# --- charts --------------------------------------------------------------------------------


def _spec(chart) -> dict:
    spec = chart.to_dict()
    json.dumps(spec)  # serialisable: no Period or NumPy objects
    return spec


def test_charts_serialise_and_carry_tooltips(chapter):
    charts = AC.chapter_charts(chapter)
    assert list(charts) == ["robots", "ceiling", "timeline", "aws-revenue-margin", "aws-share"]
    for chart in charts.values():
        text = json.dumps(_spec(chart))
        assert '"tooltip"' in text

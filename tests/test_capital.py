"""Tests of chapter 1: its arithmetic (analysis.chapters.capital), its sentences and evidence
(analysis.narrative.capital) and its charts (analysis.charts.capital)."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from analysis import params
from analysis.chapters import capital as C
from analysis.charts import capital as G
from analysis.data import calendar
from analysis.models.forecast import ForecastResult, capex_headcount_relation
from analysis.narrative import capital as N
from tests.inputs import annual_frame, benchmarks_frame, guidance_frame, rounds_frame

AS_OF = "2026-06-30"
def peer_frame() -> pd.DataFrame:
    rows = [
        ("Microsoft", 2024, "2024-06-30", 56.0, "actual", None, "incl. finance leases"),
        ("Microsoft", 2025, "2025-06-30", 88.2, "actual", None, "incl. finance leases"),
        ("Alphabet", 2024, "2024-12-31", 52.53, "actual", None, "PP&E"),
        ("Alphabet", 2025, "2025-12-31", 85.0, "guidance_low", "2025-07-31", "guide"),
        ("Alphabet", 2025, "2025-12-31", 85.0, "guidance_high", "2025-07-31", "guide"),
        ("Alphabet", 2025, "2025-12-31", 91.447, "actual", None, "PP&E"),
        ("Alphabet", 2026, "2026-12-31", 175.0, "guidance_low", "2026-02-04", "guide"),
        ("Alphabet", 2026, "2026-12-31", 185.0, "guidance_high", "2026-02-04", "guide"),
        ("Meta", 2025, "2025-12-31", 66.0, "guidance_low", None, "undated guide"),
        ("Meta", 2025, "2025-12-31", 72.0, "guidance_high", None, "undated guide"),
    ]
    df = pd.DataFrame(rows, columns=["company", "fiscal_year", "fiscal_year_end", "capex_usd_bn",
                                     "kind", "statement_date", "basis_note"])
    df["fiscal_year_end"] = pd.to_datetime(df["fiscal_year_end"])
    df["statement_date"] = pd.to_datetime(df["statement_date"])
    return df


def result(years: list[int], mean: list[float], half: float, model: str) -> ForecastResult:
    frame = pd.DataFrame({"period": years, "mean": mean,
                          "lower": [m - half for m in mean], "upper": [m + half for m in mean],
                          "level": 0.8, "model": model})
    return ForecastResult(frame=frame, history=pd.DataFrame({"period": [2025], "value": [1.0]}),
                          model=model, reason="test", candidates=pd.DataFrame(), warnings=())


def quarterly_frame() -> pd.DataFrame:
    periods = ["2025Q1", "2025Q2", "2025Q3", "2025Q4", "2026Q1"]
    gross = [25019.0, 32183.0, 35095.0, 39522.0, 44203.0]
    return pd.DataFrame({"period": periods,
                         "quarter_end": [C.quarter_end(p) for p in periods],
                         "capex_gross_usd_m": gross,
                         "capex_net_usd_m": [g - 1000.0 for g in gross]})


def results(as_of: str = AS_OF) -> C.CapitalResults:
    """The chapter's results on the inline frames (labels and flags added where needed)."""
    rounds = rounds_frame().assign(organisation=lambda d: d["round_id"],
                                   announced_precision="day", confidence="secondary")
    return C.analyse(annual=annual_frame(), guidance=guidance_frame(),
                     peer=peer_frame().assign(confidence="secondary"), rounds=rounds,
                     benchmarks=benchmarks_frame(), quarterly=quarterly_frame(), as_of=as_of,
                     cost_spread_usd_k=(35.0, 75.0))


STAT = result([2026, 2027], [144_542.0, 157_265.0], 20_000.0, "rw")
GUIDED = result([2026, 2027], [200_000.0, 217_600.0], 10_000.0, "guidance + rw growth")


# --- dates and history ---------------------------------------------------------------------


def test_reported_annual_and_last_data_year_cut_at_as_of():
    annual = annual_frame()
    assert calendar.reported_annual(annual, "2025-10-28")["year"].max() == 2024
    assert C.last_data_year(annual, "2025-10-28") == 2024
    assert C.last_data_year(annual, "2027-06-30") == 2025  # data lag the cut-off


def test_indexed_growth_sets_base_to_100_and_flags_as_reported_capex():
    out = C.indexed_growth(annual_frame(), AS_OF, base_year=2017)
    base = out[out["year"] == 2017]
    assert np.allclose(base["index_value"], 100.0)
    capex = out[out["series"] == "gross capex"].set_index("year")
    assert capex.loc[2025, "index_value"] == pytest.approx(100 * 131819 / 11955)
    assert capex.loc[2025, "value"] == pytest.approx(131.819)
    assert capex.loc[2015, "basis"] == C.AS_REPORTED_BASIS
    assert capex.loc[2017, "basis"] == C.GROSS_BASIS
    assert out["year"].dtype.kind == "i"
    with pytest.raises(ValueError, match="base year"):
        C.indexed_growth(annual_frame(), AS_OF, base_year=2010)


def test_capex_intensity_is_gross_capex_over_net_sales():
    out = C.capex_intensity(annual_frame(), AS_OF).set_index("year")
    assert out.loc[2025, "capex_intensity_pct"] == pytest.approx(100 * 131819 / 716924)
    assert out.loc[2025, "net_capex_intensity_pct"] == pytest.approx(100 * 128320 / 716924)
    assert math.isnan(out.loc[2016, "capex_net_usd_bn"])


def test_cash_flow_uses_amazons_definition_and_skips_years_without_proceeds():
    out = C.cash_flow(annual_frame(), AS_OF)
    wide = out.pivot_table(index="year", columns="measure", values="value_usd_bn")
    assert 2015 not in wide.index and 2016 not in wide.index
    assert wide.loc[2025, "free cash flow"] == pytest.approx(139.514 - (131.819 - 3.499))
    np.testing.assert_allclose(wide["free cash flow"],
                               wide["operating cash flow"] - wide["net capex"])


def test_growth_pct_and_peak_year():
    annual = annual_frame()
    assert C.peak_year(annual, AS_OF) == 2021
    assert C.growth_pct(annual, AS_OF, "employees_year_end", 2021) == pytest.approx(
        100 * (1576000 / 1608000 - 1))
    assert math.isnan(C.growth_pct(annual, "2025-10-28", "employees_year_end", 2021, 2025))


def test_first_year_above_respects_threshold_and_as_of():
    annual = annual_frame()
    assert C.first_year_above(annual, AS_OF, 100.0) == 2025
    assert C.first_year_above(annual, AS_OF, 60.0) == 2021
    assert C.first_year_above(annual, "2025-10-28", 100.0) is None


# --- guidance and benchmarks ---------------------------------------------------------------


def test_guidance_for_year_takes_the_latest_statement_known_at_as_of():
    g = guidance_frame()
    assert C.guidance_for_year(g, "2025-09-01", 2025).mid_usd_bn == 100.0
    latest = C.guidance_for_year(g, AS_OF, 2026)
    assert (latest.mid_usd_bn, latest.first_date, latest.latest_date) == (
        200.0, "2026-02-05", "2026-04-29")
    assert C.guidance_for_year(g, "2026-01-31", 2026) is None


def test_guidance_kwargs_pick_the_first_unreported_year():
    g, annual = guidance_frame(), annual_frame()
    assert C.guidance_kwargs(g, annual, AS_OF) == {
        "guidance_usd_m": 200_000.0, "guidance_year": 2026, "guidance_announced": "2026-02-05"}
    assert C.guidance_kwargs(g, annual, "2025-11-15")["guidance_year"] == 2025
    assert C.guidance_kwargs(g, annual, "2026-01-15") == {}


def test_guidance_points_are_plain_ints_and_strings():
    out = C.guidance_points(guidance_frame(), "2026-03-01")
    assert list(out["year"]) == [2025, 2025, 2026]
    assert out["year"].dtype.kind == "i"
    json.dumps(out.to_dict("records"))


def test_benchmark_range_filters_by_date_and_fills_a_missing_end():
    b = benchmarks_frame()
    assert C.benchmark_range(b, "amazon-stock-reaction-2026-02", AS_OF) == (-11.0, -10.0)
    assert C.benchmark_range(b, "amazon-stock-reaction-2026-02", "2026-02-04") is None
    assert C.benchmark_range(b, "undated-half", "2025-11-01") == (600.0, 600.0)
    assert C.benchmark_range(b, "no-such-row", AS_OF) is None


def test_charges_count_only_the_window():
    b = benchmarks_frame()
    assert C.charges_usd_bn(b, AS_OF) == pytest.approx(2.53)
    assert C.charges_usd_bn(b, "2025-12-31") == pytest.approx(1.8)


# --- cuts and savings ----------------------------------------------------------------------


def test_cuts_since_counts_corporate_unnested_rounds_in_the_window():
    cuts = C.cuts_since(rounds_frame(), AS_OF)
    assert cuts.round_ids == ("2025-10-big", "2026-01", "2026-small", "2026-03")
    assert (cuts.roles_low, cuts.roles_mid, cuts.roles_high) == (30100.0, 30150.0, 30200.0)
    assert (cuts.rounds, cuts.undisclosed) == (4, 1)
    assert C.cuts_since(rounds_frame(), C.CUTS_FROM).roles_mid == 14000.0


def test_savings_band_comes_from_the_cost_spread_and_the_size_range():
    assert C.savings_usd_bn(30_000, 175.0, (35.0, 75.0)) == (5.25, 4.2, 7.5)
    assert C.savings_usd_bn(30_000, 175.0, None) == (5.25, 5.25, 5.25)
    central, low, high = C.savings_usd_bn(30_150, 175.0, (35.0, 75.0), 30_100, 30_200)
    assert low == pytest.approx(30_100 * 140 / 1e6)
    assert high == pytest.approx(30_200 * 250 / 1e6)
    assert low < central < high


def test_funding_share_and_its_guards():
    assert C.funding_share(5.25, 68.181) == pytest.approx(7.7002, abs=1e-3)
    with pytest.raises(ValueError):
        C.funding_share(5.0, 0.0)
    with pytest.raises(ValueError):
        C.funding_share(-1.0, 10.0)


# --- capex paths ---------------------------------------------------------------------------


def test_central_path_falls_back_when_guidance_is_unusable():
    assert C.central_path_name("guidance", GUIDED) == "guidance"
    assert C.central_path_name("forecast", GUIDED) == "forecast"
    assert C.central_path_name("guidance", STAT) == "forecast"
    with pytest.raises(ValueError):
        C.central_path_name("other", GUIDED)


def test_capex_paths_convert_to_bn_and_flag_the_central_path():
    paths = C.capex_paths(STAT, GUIDED, "guidance", guidance_year=2026)
    g = paths[paths["key"] == "guidance"].set_index("year")
    assert g.loc[2026, "mean"] == pytest.approx(200.0)
    assert list(g["source"]) == ["company guidance", "guidance grown at the forecast rate"]
    assert g["central"].all() and not paths[paths["key"] == "forecast"]["central"].any()
    only_stat = C.capex_paths(STAT, STAT, "guidance")
    assert set(only_stat["key"]) == {"forecast"} and only_stat["central"].all()


def test_capex_increases_reported_then_on_each_path():
    paths = C.capex_paths(STAT, GUIDED, "guidance", guidance_year=2026)
    inc = C.capex_increases(annual_frame(), AS_OF, paths).set_index("label")
    rep = inc.loc["FY2024\u2192FY2025, reported"]
    assert rep["increase_usd_bn"] == pytest.approx(131.819 - 82.999)
    assert rep["lower_usd_bn"] == rep["upper_usd_bn"] == rep["increase_usd_bn"]
    gd = inc.loc["FY2025\u2192FY2026, guidance"]
    assert gd["increase_usd_bn"] == pytest.approx(200 - 131.819)
    assert (gd["lower_usd_bn"], gd["upper_usd_bn"]) == pytest.approx((190 - 131.819,
                                                                      210 - 131.819))
    assert gd["central"] and gd["source"] == "company guidance"


def test_funding_table_range_pairs_low_savings_with_high_increase():
    paths = C.capex_paths(STAT, GUIDED, "guidance", guidance_year=2026)
    inc = C.capex_increases(annual_frame(), AS_OF, paths)
    out = C.funding_table((5.0, 4.0, 7.0), inc).set_index("basis")
    g = out.loc["guidance"]
    assert g["share_low_pct"] == pytest.approx(100 * 4.0 / g["upper_usd_bn"])
    assert g["share_high_pct"] == pytest.approx(100 * 7.0 / g["lower_usd_bn"])
    stat = out.loc["forecast"]  # its lower end is negative: no upper share
    assert math.isnan(stat["share_high_pct"])


def test_path_table_and_summary_read_both_paths():
    paths = C.capex_paths(STAT, GUIDED, "guidance", guidance_year=2026)
    table = N.path_table(paths)
    assert list(table.columns) == ["path", "year", "gross capex", "80% interval",
                                   "central path"]
    assert table.loc[2, "gross capex"] == "$200B"
    summary = N.path_summary(paths, 2026)
    assert "well below the guidance path's $200B" in summary
    assert "$157B" in summary and "$218B" in summary
    assert "no company guidance" in N.path_summary(C.capex_paths(STAT, STAT), 2026)


def test_build_capex_paths_on_real_history():
    cap = C.build_capex_paths(annual_frame(), guidance_frame(), AS_OF, "guidance", 80)
    assert cap.central == "guidance" and cap.guidance_year == 2026
    g = cap.paths[(cap.paths["key"] == "guidance") & (cap.paths["year"] == 2026)]
    assert g["mean"].iloc[0] == pytest.approx(200.0)
    fc = cap.paths[cap.paths["key"] == "forecast"]
    assert (fc["lower"] < fc["mean"]).all() and (fc["mean"] < fc["upper"]).all()
    assert "guidance" in cap.guided.reason


# --- peers ---------------------------------------------------------------------------------


def test_peer_comparison_uses_actuals_after_year_end_else_dated_guidance():
    out = C.peer_capex_comparison(peer_frame(), annual_frame(), guidance_frame(), AS_OF)
    key = out.set_index(["company", "fiscal_year"])
    assert key.loc[("Alphabet", 2025), "kind"] == "actual"
    assert key.loc[("Alphabet", 2026), "capex_usd_bn"] == 180.0
    assert key.loc[("Alphabet", 2026), "growth_low_pct"] == pytest.approx(
        100 * (175 / 91.447 - 1))
    assert key.loc[("Amazon", 2025), "capex_usd_bn"] == pytest.approx(131.819)
    assert key.loc[("Amazon", 2026), "kind"] == "guidance"
    assert ("Meta", 2025) not in key.index  # undated guidance is ignored
    early = C.peer_capex_comparison(peer_frame(), annual_frame(), guidance_frame(),
                                    "2025-10-28").set_index(["company", "fiscal_year"])
    assert early.loc[("Alphabet", 2025), "kind"] == "guidance"
    assert early.loc[("Microsoft", 2025), "kind"] == "actual"  # year ended 30 Jun 2025
    assert early.loc[("Amazon", 2025), "capex_usd_bn"] == 100.0  # the Oct guide came later
    assert list(out["company"].unique()) == ["Amazon", "Alphabet", "Microsoft"]


# --- relation ------------------------------------------------------------------------------


def test_relation_band_reproduces_the_fit_and_brackets_it():
    rel = capex_headcount_relation(annual_frame(), AS_OF, interval_level_pct=95)
    band = C.relation_fit_band(rel, points=11)
    assert len(band) == 11
    assert (band["lower_pct"] <= band["fit_pct"]).all()
    assert (band["fit_pct"] <= band["upper_pct"]).all()
    x0 = band["capex_intensity_pct"].iloc[0]
    assert band["fit_pct"].iloc[0] == pytest.approx(rel.intercept + rel.coefficient * x0)
    assert "weak" in N.relation_verdict(rel)
    assert "10 years" in N.relation_summary(rel)


def test_relation_verdict_names_an_interval_that_includes_zero():
    rel = capex_headcount_relation(annual_frame(), AS_OF, interval_level_pct=95)
    wide = type(rel)(**{**rel.__dict__, "lower": -1.0, "upper": 1.0})
    assert "includes zero" in N.relation_verdict(wide)


# --- evidence ------------------------------------------------------------------------------


def _evidence(as_of: str = AS_OF, cost: float = 175.0) -> dict[str, str]:
    """The four evidence strings from the chapter's numbers on the inline frames."""
    annual, guidance, bench = annual_frame(), guidance_frame(), benchmarks_frame()
    paths = C.capex_paths(STAT, GUIDED, "guidance", guidance_year=2026)
    cuts = C.cuts_since(rounds_frame(), as_of)
    saved = C.savings_usd_bn(cuts.roles_mid, cost, (35.0, 75.0), cuts.roles_low,
                             cuts.roles_high)
    funding = C.funding_table(saved, C.capex_increases(annual, as_of, paths))
    return {
        "ch1_evidence_capex100": N.evidence_capex100(
            calendar.reported_annual(annual, as_of), C.first_year_above(annual, as_of),
            C.upcoming_guidance(guidance, annual, as_of), as_of),
        "ch1_evidence_funding": N.evidence_funding(
            funding, cuts, saved, cost, (35.0, 75.0), as_of,
            N.severance_period_words(C.severance_charges(bench, as_of)),
            C.savings_denominators(saved[0], annual, bench, funding, as_of)),
        "ch1_evidence_shield": N.evidence_shield(*_shield_inputs(as_of)),
        "ch1_evidence_arms_race": N.evidence_arms_race(
            C.peer_capex_comparison(peer_frame(), annual, guidance, as_of)),
    }


def _shield_inputs(as_of: str) -> tuple:
    bench = benchmarks_frame()
    return (C.cash_flow(annual_frame(), as_of), C.benchmark_range(bench, C.REACTION_ID, as_of),
            C.benchmark_range(bench, C.CONSENSUS_ID, as_of),
            C.guidance_for_year(guidance_frame(), as_of, 2026),
            C.benchmark_range(bench, C.TTM_FCF_ID, as_of), as_of)


def test_evidence_has_the_four_keys_and_the_numbers():
    ev = _evidence()
    assert tuple(ev) == N.EVIDENCE_KEYS
    assert "first exceeded $100B in FY2025, at $132B" in ev["ch1_evidence_capex100"]
    assert "cannot be tested" in ev["ch1_evidence_capex100"]
    funding = ev["ch1_evidence_funding"]
    assert "30,000" in funding and "$5.3B" in funding and "$4.2B\u2013$7.5B" in funding
    assert "11% (9\u201315%)" in funding and "implied by the guidance" in funding
    assert "small fraction" in funding and "$2.5B" in funding
    assert "rounding error" not in funding and "same period" not in funding
    assert "Q3\u2013Q4 2025" in funding and "the quarter before the round" in funding
    shield = ev["ch1_evidence_shield"]
    assert "10\u201311%" in shield and "not supported" in shield and "$1.2B" in shield
    arms = ev["ch1_evidence_arms_race"]
    assert "Alphabet $91B in FY2025 (+74% on $53B)" in arms
    assert "$175B\u2013$185B" in arms and "FY to June 2025" in arms


def test_evidence_changes_with_the_cost_assumption():
    assert "material part" in _evidence(cost=500.0)["ch1_evidence_funding"]


def test_evidence_before_the_guide_says_what_cannot_be_tested():
    paths = C.capex_paths(STAT, STAT, "guidance")
    shield = N.evidence_shield(*_shield_inputs("2026-01-15"))
    assert "cannot be tested" in shield
    assert "No market reaction" in N.shield_conclusion(
        C.benchmark_range(benchmarks_frame(), C.REACTION_ID, "2026-01-15"))
    capex = _evidence("2025-11-15")["ch1_evidence_capex100"]
    assert "No fiscal year reported by 15 Nov 2025" in capex and "$125B" in capex
    assert N.funding_conclusion(C.funding_table((1.0, 1.0, 1.0), C.capex_increases(
        annual_frame(), "2026-01-15", paths).iloc[0:0])).startswith("No capex increase")


def test_market_reaction_sentence():
    cash, reaction, consensus, guide, _, as_of = _shield_inputs(AS_OF)
    s = N.market_reaction_sentence(reaction, consensus, guide, as_of)
    assert s == ("After Amazon guided to about $200B of capex for 2026 on 5 Feb 2026 "
                 "(analysts had expected about $146B), its shares fell about 10\u201311% after "
                 "hours")
    assert N.market_reaction_sentence(None, consensus, guide, as_of).startswith(
        "No market reaction")


def test_guidance_basis_sentence_names_the_basis_and_a_missing_guide():
    guide = C.guidance_for_year(guidance_frame(), AS_OF, 2026)
    assert "$200B, stated on 29 Apr 2026 as a basis the company did not state" in (
        N.guidance_basis_sentence(guide, 2026))
    assert N.guidance_basis_sentence(None, 2027).startswith("The data hold no capex guidance")


# --- charts --------------------------------------------------------------------------------


def _spec(chart) -> dict:
    spec = chart.to_dict()
    json.dumps(spec)  # no Period or NumPy objects
    return spec


def _has_tooltips(spec: dict) -> bool:
    layers = spec.get("layer", [spec])
    return all("tooltip" in layer.get("encoding", {}) for layer in layers)


def test_every_chart_builds_with_tooltips():
    annual = annual_frame()
    paths = C.capex_paths(STAT, GUIDED, "guidance", guidance_year=2026)
    funding = C.funding_table((5.0, 4.0, 7.0), C.capex_increases(annual, AS_OF, paths))
    rel = capex_headcount_relation(annual, AS_OF, interval_level_pct=95)
    charts = [
        G.indexed_chart(C.indexed_growth(annual, AS_OF), 2017),
        G.intensity_chart(C.capex_intensity(annual, AS_OF)),
        G.peers_chart(C.peer_capex_comparison(peer_frame(), annual, guidance_frame(), AS_OF)),
        G.cash_flow_chart(C.cash_flow(annual, AS_OF)),
        G.savings_chart(C.savings_items(funding, [("savings", (5.0, 4.0, 7.0))])),
        G.path_chart(C.capex_history(annual, AS_OF), paths,
                     C.guidance_points(guidance_frame(), AS_OF)),
        G.relation_chart(rel, C.relation_fit_band(rel)),
    ]
    for chart in charts:
        assert _has_tooltips(_spec(chart))


def test_savings_items_put_savings_first():
    paths = C.capex_paths(STAT, GUIDED, "guidance", guidance_year=2026)
    funding = C.funding_table((5.0, 4.0, 7.0), C.capex_increases(annual_frame(), AS_OF, paths))
    items = C.savings_items(funding, [("a", (5.0, 4.0, 7.0))])
    assert list(items["kind"]) == ["labour savings"] + ["capex increase"] * 3
    assert items.loc[1, "item"] == "capex increase 2024\u21922025, reported"


def test_cash_flow_sentence_follows_the_direction_of_each_series():
    annual = annual_frame()
    late = N.cash_flow_sentence(C.cash_flow(annual, AS_OF), 2025)
    assert late == ("From FY2024 to FY2025 operating cash flow grew from $116B to $140B, but "
                    "net capex grew from $78B to $128B, so free cash flow fell from $38B to "
                    "$11B.")
    early = N.cash_flow_sentence(C.cash_flow(annual, "2025-10-28"), 2024)
    assert ", and net capex" in early and "free cash flow grew" in early


def test_severance_sentence_with_and_without_charges():
    def sentence(as_of: str) -> str:
        return N.severance_sentence(C.severance_charges(benchmarks_frame(), as_of), as_of)

    assert "$2.5B" in sentence(AS_OF)
    assert sentence("2025-10-29").startswith("no severance")


# --- the results object and what the page reads from it -----------------------------------


def test_results_hold_every_glued_value_chart_and_table():
    res = results()
    values = N.glue_values(res)
    assert all(isinstance(v, str) for v in values.values())
    assert {k: values[k] for k in N.EVIDENCE_KEYS} == N.evidence(res)
    assert values["ch1_last_year"] == "FY2025" and values["ch1_next_year"] == "FY2026"
    assert values["ch1_cut_roles"] == "30,000" and values["ch1_oct_roles"] == "14,000"
    assert values["ch1_cost_band"] == "$140k\u2013$250k"
    assert values["ch1_fcf_ttm_sentence"].endswith("$1.2B")
    charts = G.figures(res)
    assert list(charts) == list(N.alt_texts(res))
    for chart in charts.values():
        assert _spec(chart)["$schema"]
    assert set(N.tables(res)) == {"denominators", "paths"}
    assert list(N.denominators_table(res)["denominator"])[:2] == ["rise in gross capex"] * 2


def test_results_are_frozen_and_survive_the_results_cache():
    import dataclasses
    import pickle

    res = results()
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.last_year = 2030
    again = pickle.loads(pickle.dumps(res))
    assert N.glue_values(again) == N.glue_values(res)
    assert set(C.PARAMETERS) <= set(params.SCHEMA)


def test_results_at_an_early_cut_off_know_only_what_was_reported():
    res = results("2025-11-15")
    assert res.last_year == 2024 and res.first_year_above_claim is None
    assert res.capex_usd_m(2024) == 82999.0 and math.isnan(res.capex_usd_m(2025))
    assert [g.year for g in res.upcoming_guidance] == [2025]
    assert res.reaction_pct is None and res.ttm_fcf_usd_bn is None
    values = N.glue_values(res)
    assert values["ch1_last_year"] == "FY2024"
    assert "No fiscal year reported by 15 Nov 2025" in values["ch1_evidence_capex100"]
    assert values["ch1_fcf_ttm_sentence"].startswith("Free cash flow for the twelve months")


def _assert_same(a, b, path="results"):
    """Every field of two results objects is equal (frames exactly, NaN equal to NaN)."""
    import dataclasses

    if isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b, check_exact=True, obj=path)
    elif isinstance(a, pd.Series):
        pd.testing.assert_series_equal(a, b, check_exact=True, obj=path)
    elif dataclasses.is_dataclass(a):
        for f in dataclasses.fields(a):
            _assert_same(getattr(a, f.name), getattr(b, f.name), f"{path}.{f.name}")
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _assert_same(x, y, f"{path}[{i}]")
    elif isinstance(a, float) and math.isnan(a):
        assert isinstance(b, float) and math.isnan(b), path
    else:
        assert a == b, path


def test_the_stored_capex_part_gives_exactly_the_chapters_results():
    # The results cache fits the capex part once and hands it to compute (INPUTS); a rebuild
    # that moves only the cost per employee reuses it. Nothing may differ from a fresh fit.
    p = params.validate()
    part = C.compute_capex(p)
    _assert_same(C.compute(p, capex=part), C.compute(p))
    cheaper = params.validate({"cost_per_employee_usd_k": 120.0})
    _assert_same(C.compute(cheaper, capex=part), C.compute(cheaper))
    assert "cost_per_employee_usd_k" not in C.CAPEX_PARAMETERS
    assert set(C.CAPEX_PARAMETERS) <= set(C.PARAMETERS)

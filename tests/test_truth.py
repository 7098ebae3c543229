"""Issue 16: the slips stay fixed, citations disambiguate, comparisons name their denominators,
and weak sources are said in plain words. Unit tests on small inline frames; the checks of the
built site are in tests/test_site.py (they need the session build)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pybtex.database import parse_file

from analysis import study
from analysis.chapters import capital as C
from analysis.charts import capital as G
from analysis.narrative import capital as N
from analysis.narrative import sources
from analysis.site import citations
from tests.inputs import annual_frame, benchmarks_frame, guidance_frame, rounds_frame

# --- citations: same author, same year -> 2026a / 2026b -------------------------------------


def _labels(bib: str) -> dict[str, str]:
    import pybtex.plugin
    from pybtex.database import parse_string

    citations.register()
    style = pybtex.plugin.find_plugin("pybtex.style.formatting", citations.STYLE_NAME)()
    entries = list(style.sort(parse_string(bib, "bibtex").entries.values()))
    return {e.key: label for e, label in zip(entries, style.format_labels(entries),
                                             strict=True)}


def test_same_author_and_year_get_suffixes_and_others_do_not():
    bib = """
    @misc{b, author={{Amazon.com, Inc.}}, title={Fourth Quarter}, year={2026}}
    @misc{a, author={{Amazon.com, Inc.}}, title={First Quarter}, year={2026}}
    @misc{c, author={{Amazon.com, Inc.}}, title={Third Quarter}, year={2025}}
    @misc{d, author={Eloundou, Tyna and Manning, Sam and Mishkin, Pamela and Rock, Daniel},
          title={GPTs}, year={2023}}
    @misc{e, author={{Particle News}}, title={X}}
    @misc{f, author={{Particle News}}, title={Y}}
    """
    labels = _labels(bib)
    assert labels["a"] == "Amazon.com, Inc., 2026a"  # sorted by title: "First" < "Fourth"
    assert labels["b"] == "Amazon.com, Inc., 2026b"
    assert labels["c"] == "Amazon.com, Inc., 2025"
    assert labels["d"].startswith("Eloundou") and labels["d"].endswith(", 2023")
    assert {labels["e"], labels["f"]} == {"Particle News, n.d.-a", "Particle News, n.d.-b"}


def test_plugin_lookup_is_memoised_and_answers_as_pybtex_does(monkeypatch):
    import pybtex.plugin

    calls: list[tuple[object, ...]] = []
    original = pybtex.plugin.find_plugin

    def counting(group, name=None, filename=None):
        calls.append((group, name, filename))
        return original(group, name, filename)

    monkeypatch.setattr(pybtex.plugin, "find_plugin", counting)  # restored after the test
    citations.register()
    citations.memoise_plugin_lookup()
    citations.memoise_plugin_lookup()  # idempotent: one wrapper, not two
    memo = pybtex.plugin.find_plugin
    for _ in range(3):
        assert memo("pybtex.style.formatting", citations.STYLE_NAME) is citations.ReportStyle
        assert memo("pybtex.backends", "plaintext") is original("pybtex.backends", "plaintext")
    assert calls == [("pybtex.style.formatting", citations.STYLE_NAME, None),
                     ("pybtex.backends", "plaintext", None)]


def test_kept_formatted_entries_equal_fresh_ones_and_follow_the_entry(tmp_path, monkeypatch):
    """An entry formatted at an earlier render is reused only while it is the same entry."""
    from pybtex.backends.plaintext import Backend
    from pybtex.database import parse_string

    bib = ('@misc{a, author = {Amazon.com, Inc.}, title = {{Q3 results}}, year = {2026}}\n'
           '@misc{b, author = {Jassy, Andy}, title = {{Memo}}, year = {2025}}\n')
    entries = parse_string(bib, "bibtex").entries
    citations.register()
    style = citations.ReportStyle()
    text = Backend()

    def formatted(kept, entry, label="L"):
        monkeypatch.setattr(citations.ReportStyle, "kept", kept)
        return style.format_entry(label, entry).text.render(text)

    fresh = {k: formatted(None, e) for k, e in entries.items()}
    path = tmp_path / citations.FORMATTED_FILE
    first = citations.FormattedEntries(path)
    assert {k: formatted(first, e) for k, e in entries.items()} == fresh
    first.save()
    again = citations.FormattedEntries(path)
    calls = []
    real = citations.PlainStyle.format_entry
    monkeypatch.setattr(citations.PlainStyle, "format_entry",
                        lambda self, *a: calls.append(a[1].key) or real(self, *a))
    assert {k: formatted(again, e) for k, e in entries.items()} == fresh and calls == []
    # Another label, or an edited entry: formatted afresh.
    formatted(again, entries["a"], label="M")
    edited = parse_string(bib.replace("Q3", "Q4"), "bibtex").entries["a"]
    assert "Q4" in formatted(again, edited) and calls == ["a", "a"]
    assert citations.entry_key(citations.ReportStyle, "L", entries["a"]) \
        != citations.entry_key(citations.ReportStyle, "L", edited)
    # A damaged file is ignored: every entry is formatted again.
    path.write_bytes(b"not a pickle")
    assert formatted(citations.FormattedEntries(path), entries["b"]) == fresh["b"]


def test_every_key_of_the_bibliography_gets_its_own_label():
    from pathlib import Path

    import pybtex.plugin

    citations.register()
    style = pybtex.plugin.find_plugin("pybtex.style.formatting", citations.STYLE_NAME)()
    bib = parse_file(str(Path(__file__).resolve().parent.parent / "book" / "references.bib"))
    entries = list(style.sort(bib.entries.values()))
    labels = list(style.format_labels(entries))
    assert len(labels) == len(set(labels)) == len(entries)
    by_key = dict(zip([e.key for e in entries], labels, strict=True))
    assert by_key["amazon_q4_2025"] != by_key["amazon_q1_2026"]


def test_suffixes_run_past_z():
    out = list(citations.suffixes(28))
    assert out[:2] == ["a", "b"] and out[25] == "z" and out[26:] == ["aa", "ab"]


# --- source strength in plain words ---------------------------------------------------------


@pytest.mark.parametrize("flag,words", [("secondary", "secondary report"),
                                        ("estimate", "own estimate"),
                                        ("unverified", "could not be verified")])
def test_weak_flags_are_said_in_words(flag, words):
    clause = sources.source_clause("The Q3-2025 charge", flag)
    assert clause.startswith("The Q3-2025 charge ") and words in clause and clause.endswith(".")


@pytest.mark.parametrize("flag", ["filing", "company_release", "derived"])
def test_strong_flags_need_no_warning(flag):
    assert sources.source_clause("The figure", flag) == ""
    assert not sources.is_weak(flag)


def test_a_figure_is_as_weak_as_its_weakest_input():
    assert sources.weakest(["filing", "unverified", "secondary"]) == "unverified"
    assert "secondary" in sources.source_clause("The sum", ["company_release", "secondary"])
    with pytest.raises(ValueError, match="unknown confidence flag"):
        sources.source_clause("The figure", "rumour")
    with pytest.raises(ValueError):
        sources.weakest([])


def test_figure_note_names_the_weak_points_by_flag():
    note = sources.figure_note(["Q4 2025", "Q1 2026", "Q2 2026", "Q3 2026"],
                               ["company_release", "secondary", "secondary", "estimate"],
                               "quarters")
    assert note.startswith("The quarters for Q1 2026 and Q2 2026 rest only on secondary reports")
    assert "The quarters for Q3 2026 are this report's estimates" in note
    assert "Q4 2025" not in note
    assert sources.figure_note(["a"], ["filing"]).startswith("All figures come from")
    assert sources.figure_note(["a", "b"], ["secondary", "secondary"]).startswith(
        "All figures rest only on secondary reports")
    with pytest.raises(ValueError, match="same length"):
        sources.figure_note(["a"], [])


# --- slip (f): the severance period comes from the booking quarters -------------------------


def _charges(periods: list[str], values: list[float], stated: list[str]) -> pd.DataFrame:
    n = len(periods)
    return pd.DataFrame({
        "benchmark_id": [f"s{i}" for i in range(n)], "category": ["amazon_charges"] * n,
        "metric": ["severance_charge_usd_bn"] * n, "period": periods, "value_low": values,
        "value_high": values, "statement_date": pd.to_datetime(stated),
        "confidence": ["company_release"] * n, "source_id": ["x"] * n})


def _severance(benchmarks: pd.DataFrame, as_of: str) -> str:
    return N.severance_sentence(C.severance_charges(benchmarks, as_of), as_of)


def test_severance_booked_before_the_announcement_is_said_so():
    words = _severance(benchmarks_frame(), "2026-06-30")
    assert "Q3\u2013Q4 2025" in words and "same period" not in words
    assert "$1.8B in Q3 2025, the quarter before the round of 28 Oct 2025" in words


def test_severance_booked_after_the_announcement_has_no_before_clause():
    frame = _charges(["2026Q1"], [0.5], ["2026-04-29"])
    words = _severance(frame, "2026-06-30")
    assert words == "Amazon booked severance charges of about $0.5B in Q1 2026"
    early = _charges(["2025Q3"], [1.8], ["2025-10-30"])
    assert _severance(early, "2026-06-30").endswith(
        "in Q3 2025, booked before the round of 28 Oct 2025 was announced")
    spread = _charges(["2025Q4", "2026Q2"], [0.7, 0.3], ["2026-02-05", "2026-07-30"])
    assert "in Q4 2025 to Q2 2026" in _severance(spread, "2026-12-01")


# --- slip (g): "latest reported quarter" follows the data -----------------------------------


def _quarterly(periods: list[str], gross: list[float]) -> pd.DataFrame:
    return pd.DataFrame({"period": periods,
                         "quarter_end": [C.quarter_end(p) for p in periods],
                         "capex_gross_usd_m": gross})


def test_latest_quarter_follows_the_rows_not_the_cut_off():
    q = _quarterly(["2025Q4", "2026Q1", "2026Q2"], [39522.0, 44203.0, np.nan])
    assert C.latest_quarter(q, "2026-06-30") == "2026Q1"  # Q2 has no figure yet
    q2 = _quarterly(["2025Q4", "2026Q1", "2026Q2"], [39522.0, 44203.0, 54208.0])
    assert C.latest_quarter(q2, "2026-07-31") == "2026Q2"
    assert C.latest_quarter(q2, "2026-03-30") == "2025Q4"
    assert C.latest_quarter(q2, "2025-01-01") is None
    assert C.quarter_label("2026Q2") == "Q2 2026"
    with pytest.raises(ValueError):
        C.quarter_label("FY2026")


# --- slip (j): exposure is a weighted score, defined once -----------------------------------


def test_exposure_is_defined_as_a_weighted_score():
    assert "\u03b2" in study.EXPOSURE_DEFINITION and "weighted score" in study.EXPOSURE_DEFINITION
    assert "half" in study.EXPOSURE_DEFINITION
    assert "share of tasks" not in study.EXPOSURE_AXIS_TITLE


# --- point 4: every denominator with its period ---------------------------------------------


def _ttm_rows() -> pd.DataFrame:
    b = benchmarks_frame()
    extra = pd.DataFrame({
        "benchmark_id": ["ocf26", "ocf25", "fcf25"], "category": ["amazon_reported"] * 3,
        "metric": ["ttm_operating_cash_flow_usd_bn", "ttm_operating_cash_flow_usd_bn",
                   "ttm_free_cash_flow_usd_bn"],
        "value_low": [148.5, 113.903, 25.925], "value_high": [148.5, 113.903, 25.925],
        "statement_date": pd.to_datetime(["2026-04-29", "2026-02-05", "2026-02-05"]),
        "period": ["TTM to 2026Q1", "TTM to 2025Q1", "TTM to 2025Q1"],
        "confidence": ["company_release", "derived", "company_release"],
        "source_id": ["x"] * 3})
    return pd.concat([b, extra], ignore_index=True)


def test_denominators_cover_capex_fcf_and_align_the_window():
    annual = annual_frame()
    annual["operating_income_usd_m"] = np.nan
    annual.loc[annual["year"] == 2025, "operating_income_usd_m"] = 79975.0
    increases = pd.DataFrame([{"label": "FY2024\u2192FY2025, reported", "from_year": 2024,
                               "to_year": 2025, "basis": "reported", "source": "reported",
                               "central": True, "increase_usd_bn": 48.82,
                               "lower_usd_bn": 48.82, "upper_usd_bn": 48.82}])
    funding = C.funding_table((5.25, 4.2, 7.5), increases)
    den = C.savings_denominators(5.25, annual, _ttm_rows(), funding, "2026-06-30",
                                 {(2025, "capex_gross_usd_m"): "company_release"})
    rows = den.set_index("key")
    assert list(rows.index) == ["capex_fy2025", "capex_ttm", "fcf_fy2025", "fcf_ttm",
                                "operating_income_fy2025"]
    assert rows.loc["capex_ttm", "value_usd_bn"] == pytest.approx(147.3 - 87.978)
    assert rows.loc["capex_ttm", "aligned"] and not rows.loc["capex_fy2025", "aligned"]
    assert "Q1 2026" in rows.loc["capex_ttm", "period"]
    assert "Q1 2025" in rows.loc["capex_ttm", "period"]
    assert rows.loc["fcf_fy2025", "share_pct"] == pytest.approx(100 * 5.25 / 11.194)
    assert rows.loc["fcf_ttm", "share_pct"] == pytest.approx(437.5)
    assert rows.loc["operating_income_fy2025", "share_pct"] == pytest.approx(6.5646, rel=1e-3)
    assert rows.loc["capex_fy2025", "confidence"] == "company_release"
    sentence = N.denominators_sentence(den)
    assert "4.4 times free cash flow in the twelve months to Q1 2026" in sentence
    assert "47% of free cash flow in FY2025" in sentence
    # the verdict's words use the same numbers as the table and no longer call it a rounding
    # error against the one denominator that makes the savings look small
    conclusion = N.funding_conclusion(funding, den)
    assert "rounding error" not in conclusion
    assert "4.4 times free cash flow" in conclusion and "47% of free cash flow" in conclusion


def test_denominators_without_trailing_figures_keep_the_fiscal_year_rows():
    funding = C.funding_table((5.25, 4.2, 7.5), pd.DataFrame(columns=[
        "label", "from_year", "to_year", "basis", "source", "central", "increase_usd_bn",
        "lower_usd_bn", "upper_usd_bn"]))
    den = C.savings_denominators(5.25, annual_frame(), benchmarks_frame().iloc[0:0], funding,
                                 "2026-06-30")
    assert list(den["key"]) == ["fcf_fy2025"]
    assert N.fmt_share(float("nan")).startswith("not defined")


# --- point 5: the charts' frames ------------------------------------------------------------


def test_cumulative_cuts_and_chart_carry_band_on_the_october_baseline():
    rounds = rounds_frame()
    rounds["organisation"] = rounds["round_id"]
    rounds["announced_precision"] = "day"
    rounds["confidence"] = "secondary"
    cum = C.cumulative_cuts(rounds, "2026-06-30")
    assert list(cum["round_id"]) == ["2025-10-big", "2026-01", "2026-small", "2026-03"]
    assert list(cum["cumulative_roles"]) == [14000.0, 30000.0, 30000.0, 30150.0]
    spec = G.cumulative_cuts_chart(cum, 14000.0, study.CLAIM_LOW, study.CLAIM_HIGH, 30000.0,
                                   "2026-06-30", study.READINGS["2027"]).to_dict()
    datasets = list(spec["datasets"].values())
    band = next(d for d in datasets if d and "low" in d[0])
    assert band[0]["low"] == 34000 and band[0]["high"] == 49000
    assert any(d and d[0].get("roles") == 30000 for d in datasets)


def test_quarterly_guidance_in_force_is_the_latest_stated_by_quarter_end():
    q = _quarterly(["2025Q3", "2025Q4", "2026Q1"], [35095.0, 39522.0, 44200.0])
    q["capex_net_usd_m"] = q["capex_gross_usd_m"] - 1000.0
    frame = C.quarterly_capex_vs_guidance(q, guidance_frame(), "2026-06-30", "2025Q1",
                                          {("2026Q1", "capex_gross_usd_m"): "secondary"})
    by = frame.set_index("period")
    assert by.loc["2025Q3", "guide_usd_bn"] == 100.0  # the Oct guide came after 30 Sep
    assert by.loc["2025Q4", "guide_usd_bn"] == 125.0
    assert by.loc["2026Q1", "guide_quarter_usd_bn"] == 50.0
    assert by.loc["2026Q1", "confidence"] == "secondary"
    assert G.quarterly_guidance_chart(frame).to_dict()["layer"]


def test_savings_chart_holds_the_aligned_capex_rise_the_text_uses():
    den = pd.DataFrame([{"key": "capex_ttm", "measure": "rise in net capex",
                         "period": "twelve months to Q1 2026 against the twelve months to "
                                   "Q1 2025", "basis": "trailing", "value_usd_bn": 59.3,
                         "savings_usd_bn": 5.25, "share_pct": 8.85, "aligned": True,
                         "confidence": "derived", "why": "x"}])
    empty = pd.DataFrame(columns=["label", "basis", "source", "increase_usd_bn",
                                  "lower_usd_bn", "upper_usd_bn"])
    items = C.savings_items(empty, [("savings", (5.25, 4.2, 7.5))], den)
    assert list(items["kind"]) == ["labour savings", "capex increase"]
    assert items["value_usd_bn"].iloc[1] == 59.3 and "Q1 2026" in items["note"].iloc[1]


def test_every_confidence_flag_has_a_strength_and_plain_words():
    from analysis.data import schemas
    from analysis.narrative import sources

    assert set(schemas.CONFIDENCE_WEAKNESS) == set(schemas.CONFIDENCE_LEVELS)
    for flag in schemas.CONFIDENCE_LEVELS:
        assert sources.strength_label(flag)
        # every weak flag is said in words; a strong one needs no clause
        assert bool(sources.source_clause("the figure", flag)) == sources.is_weak(flag), flag

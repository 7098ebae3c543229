"""The headline mixture: counting observed cuts, summaries, weights, scenario directions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import data, params
from analysis.models import headline

FAMILIES = pd.DataFrame({
    "family": ["middle", "engineering", "ai_ml"],
    "headcount_share_pct": [50.0, 45.0, 5.0],
    "ai_exposure_pct": [60.0, 40.0, 30.0],
    "is_ai_specialist": [False, False, True],
})


def rounds(*rows):
    df = pd.DataFrame(rows, columns=["announced", "roles_low", "roles_high", "is_corporate",
                                     "included_in_round_id"])
    df["announced"] = pd.to_datetime(df["announced"])
    df["roles_mid"] = (df["roles_low"] + df["roles_high"]) / 2
    return df


EVENTS = rounds(
    ("2023-01-04", 18_000, 18_000, True, None),
    ("2022-11-01", 10_000, 10_000, True, "2023-01"),  # nested in the January 2023 round
    ("2025-10-28", 14_000, 14_000, True, None),  # the reference round: not "further"
    ("2026-01-28", 16_000, 16_000, True, None),
    ("2026-03-03", 100, 200, True, None),
    ("2026-05-01", np.nan, np.nan, True, None),  # undisclosed size
    ("2026-09-01", 5_000, 5_000, True, None),  # after the cut-off below
)


def test_observed_further_cuts_counts_only_disclosed_rounds_after_the_reference_round():
    assert headline.observed_further_cuts(EVENTS, "2026-06-30") == 16_150.0
    assert headline.observed_further_cuts(EVENTS, "2026-12-31") == 21_150.0
    assert headline.observed_further_cuts(EVENTS, "2025-12-31") == 0.0


def test_summary_of_known_draws():
    values = np.arange(1, 101) * 500.0  # 500 .. 50,000
    s = headline.summarise_draws(values, 80.0, low=20_000, high=35_000)
    assert s["prob_below"] == pytest.approx(0.39)  # 500 .. 19,500
    assert s["prob_above"] == pytest.approx(0.30)  # 35,500 .. 50,000
    assert s["prob_inside"] == pytest.approx(0.31)
    assert s["median"] == pytest.approx(25_250.0)


def small(**overrides):
    return params.validate({"mc_draws": 2_000, **overrides})


@pytest.mark.parametrize(("weight", "source"), [(100.0, "projection"), (0.0, "rounds")])
def test_weight_selects_one_model(weight, source):
    r = headline.compute_headline(small(headline_weight_projection_pct=weight), FAMILIES,
                                  EVENTS)
    for reading in ("2026", "2027"):
        np.testing.assert_array_equal(r.draws[f"combined_{reading}"],
                                      r.draws[f"{source}_{reading}"])


def test_same_seed_same_numbers_and_every_draw_includes_observed_cuts():
    a = headline.compute_headline(small(), FAMILIES, EVENTS)
    b = headline.compute_headline(small(), FAMILIES, EVENTS)
    pd.testing.assert_frame_equal(a.summary, b.summary)
    assert (a.draws["combined_2027"] >= a.observed - 1e-9).all()
    assert (a.draws["combined_2027"] >= a.draws["combined_2026"] - 1e-9).all()


def test_a_shared_rounds_part_gives_the_same_headline_and_a_stale_one_is_not_used():
    p = small(ai_substitution_share_pct=45.0)
    alone = headline.compute_headline(p, FAMILIES, EVENTS)
    shared = headline.rounds_part(small(), EVENTS)  # the gridded value does not enter it
    with_part = headline.compute_headline(p, FAMILIES, EVENTS, shared=shared)
    pd.testing.assert_frame_equal(alone.summary, with_part.summary)
    pd.testing.assert_frame_equal(alone.draws, with_part.draws)
    stale = headline.rounds_part(small(seed=99), EVENTS)  # other rounds settings: recomputed
    pd.testing.assert_frame_equal(
        headline.compute_headline(p, FAMILIES, EVENTS, shared=stale).draws, alone.draws)


def test_scenarios_move_the_headline_in_the_expected_direction():
    """Real data: faster automation raises further cuts, the regulatory brake does not."""
    families = data.load_job_families()
    events = data.load_layoff_rounds()
    base = headline.compute_headline(params.resolve("baseline"), families, events)
    fast = headline.compute_headline(params.resolve("accelerated-automation"), families, events)
    brake = headline.compute_headline(params.resolve("regulatory-brake"), families, events)
    for reading in ("2026", "2027"):
        b, f, k = (r.get("projection core", reading) for r in (base, fast, brake))
        assert f["median"] > b["median"]
        assert k["median"] < b["median"]
    assert fast.get("combined", "2027")["median"] > base.get("combined", "2027")["median"]
    assert brake.get("combined", "2027")["median"] <= base.get("combined", "2027")["median"]


def test_scenario_comparison_has_every_scenario_and_matches_the_baseline():
    families, events = data.load_job_families(), data.load_layoff_rounds()
    p = params.validate({"mc_draws": 2_000})
    table = headline.scenario_comparison(p, families, events)
    assert set(table["scenario"]) == set(params.list_scenarios())
    base = headline.compute_headline(params.validate({"mc_draws": 2_000}, scenario="baseline"),
                                     families, events)
    row = table[(table["scenario"] == "baseline") & (table["reading"] == "2027")].iloc[0]
    assert row["median"] == base.get("combined", "2027")["median"]


def test_scenario_comparison_reuses_the_builds_headline_only_for_identical_values():
    families, events = data.load_job_families(), data.load_layoff_rounds()
    p = params.validate({"mc_draws": 2_000})
    computed = headline.compute_headline(p, families, events)
    reused = headline.scenario_comparison(p, families, events, computed=computed)
    pd.testing.assert_frame_equal(reused, headline.scenario_comparison(p, families, events))
    # A headline of other values is never taken for a scenario: the table is unchanged.
    other = headline.compute_headline(params.validate({"mc_draws": 2_000, "seed": 5}),
                                      families, events)
    pd.testing.assert_frame_equal(
        headline.scenario_comparison(p, families, events, computed=other), reused)


def test_one_formatter_prints_the_further_cuts_already_announced_everywhere():
    """Every page and the ledger print the observed further cuts through one function."""
    import re
    from pathlib import Path


    events = data.load_layoff_rounds()
    as_of = params.SCHEMA["as_of"].default
    # 16,000 (Jan 2026) + 150 (robotics, 100-200); SPS (May) and AGI (Jul) are undisclosed
    assert headline.observed_further_cuts(events, as_of) == 16_150
    assert headline.observed_further_cuts_text(events, as_of) == "16,150"
    assert headline.undisclosed_further_rounds(events, as_of) == 2
    root = Path(__file__).resolve().parent.parent
    for page in sorted((root / "book").glob("*.md")):
        for line in page.read_text(encoding="utf-8").splitlines():
            if re.search(r'glue\(\s*"[a-z0-9]+_observed|"ch2_observed_rounds":', line):
                assert "observed_further_cuts_text" in line or line.rstrip().endswith("("), \
                    (page.name, line)
    for module in ("ledger.py", "narrative/arithmetic.py"):
        source = (root / "analysis" / module).read_text(encoding="utf-8")
        assert "fmt_observed(result.observed)" in source or "fmt_observed(a.observed)" in source
        assert "fmt_count(result.observed)" not in source and "fmt_count(a.observed)" not in source

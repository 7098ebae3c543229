"""The verdict rules: one test per rule with its boundaries, and sentence and verdict together."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import ledger as L
from analysis import study


def consistent(j: L.Judgement) -> None:
    """A judgement's reason never states another verdict."""
    assert L.contradiction(j.verdict, j.reason) is None


# --- likelihood words ------------------------------------------------------------------------


@pytest.mark.parametrize(("p", "words"), [
    (0.52, "about as likely as not (52%)"), (0.66, "likely (66%)"),
    (0.6549, "about as likely as not (65%)"), (0.659, "likely (66%)"),  # words follow the shown %
    (0.33, "about as likely as not (33%)"), (0.3249, "unlikely (32%)"),
    (0.0, "exceptionally unlikely (0%)"),
    (0.999, "virtually certain (>99%)"),
])
def test_likelihood_phrase_puts_the_number_next_to_the_words(p, words):
    assert L.likelihood_phrase(p) == words


def test_forecast_judgement_names_both_readings_and_moves_with_p():
    low = L.forecast_judgement(0.30, 0.10)
    high = L.forecast_judgement(0.70, 0.10)
    assert low.verdict.startswith("unlikely (30%) " + study.READING_LABELS["2027"])
    assert high.verdict.startswith("likely (70%)")
    assert "likely (70%)" in high.reason and "unlikely (30%)" in low.reason
    assert "unlikely (10%) " + study.READING_LABELS["2026"] in low.verdict


# --- one test per factual rule, with its boundary ---------------------------------------------


def test_cuts_rule_boundaries():
    at = L.rule_cuts(L.CUTS_CLAIMED, 16_150, 2, "2026-06-30")
    below = L.rule_cuts(L.CUTS_CLAIMED - 1, 0, 0, "2026-06-30")
    edge = L.rule_cuts(L.PARTLY_CUTS_SHARE * L.CUTS_CLAIMED, 0, 0, "2026-06-30")
    far = L.rule_cuts(L.PARTLY_CUTS_SHARE * L.CUTS_CLAIMED - 1, 0, 0, "2026-06-30")
    assert (at.verdict, below.verdict, edge.verdict, far.verdict) == (
        "supported", "partly supported", "partly supported", "not supported")
    assert "at least the 14,000" in at.reason and "below the 14,000" in below.reason
    assert "well below" in far.reason
    assert L.rule_cuts(None, 0, 0, "2026-06-30").verdict == "not testable"


def test_capex_rule():
    assert L.rule_capex(None, False).verdict == "not supported"
    part = L.rule_capex(2025, False)
    assert part.verdict == "partly supported" and "FY2025" in part.reason
    assert "does not disclose" in part.reason
    full = L.rule_capex(2025, True)
    assert full.verdict == "supported" and "does not disclose" not in full.reason


def test_arms_race_rule_boundaries():
    three_up = L.rule_arms_race({"A": 5.0, "B": 1.0, "C": 0.1})
    two_up = L.rule_arms_race({"A": 5.0, "B": 1.0})
    one_flat = L.rule_arms_race({"A": 5.0, "B": 1.0, "C": 0.0})
    none_up = L.rule_arms_race({"A": -1.0, "B": 0.0, "C": float("nan")})
    assert three_up.verdict == "supported" and "3 of the 3" in three_up.reason
    assert two_up.verdict == "partly supported"  # fewer than three companies measured
    assert one_flat.verdict == "partly supported" and "2 of the 3" in one_flat.reason
    assert none_up.verdict == "not supported" and "0 of the 2" in none_up.reason
    assert L.rule_arms_race({}).verdict == "not testable"


def test_funding_rule_boundary_at_the_small_share():
    limit = L.capital.SMALL_SHARE_PCT
    under = L.rule_funding(limit - 0.01, "the capex rise")
    at = L.rule_funding(limit, "the capex rise")
    assert under.verdict == "not supported" and "under the" in under.reason
    assert at.verdict == "partly supported" and "at least the" in at.reason
    assert L.rule_funding(None, "x").verdict == "not testable"


def test_shield_rule_boundary_at_zero():
    assert L.rule_shield(-0.1).verdict == "not supported"
    assert L.rule_shield(0.0).verdict == "partly supported"
    assert L.rule_shield(None).verdict == "not testable"
    assert "fall" in L.rule_shield(-0.1).reason and "not a fall" in L.rule_shield(0.0).reason


def test_middle_rule_boundary_at_half():
    assert L.rule_middle(5, 10).verdict == "supported"
    assert L.rule_middle(4, 10).verdict == "partly supported"
    assert L.rule_middle(1, 10).verdict == "partly supported"
    assert L.rule_middle(0, 10).verdict == "not supported"
    assert L.rule_middle(0, 0).verdict == "not testable"
    assert L.rule_middle(4, 10).reason.startswith("4 of 10")


@pytest.mark.parametrize("claim_id, arg", [
    ("elite-hiring", "ai_hires_observed"), ("quiet-attrition", "attrition_series"),
    ("aws-utility", "ai_platform_measures"), ("morale", "morale_indicators"),
])
def test_measured_rules_are_not_testable_without_the_measure(claim_id, arg):
    none = L.judge(claim_id, {arg: float("nan")})
    zero = L.judge(claim_id, {arg: 0})
    some = L.judge(claim_id, {arg: 3})
    assert none.verdict == zero.verdict == "not testable"
    assert "hold no" in none.reason
    # a measure alone earns no support: a threshold must be written first
    assert some.verdict == "not testable" and "hold 3" in some.reason


def test_internal_automation_rule():
    assert L.rule_internal_automation(1000, 1).verdict == "supported"
    part = L.rule_internal_automation(1000, 0)
    assert part.verdict == "partly supported" and "1,000" in part.reason
    assert L.rule_internal_automation(float("nan"), 0).verdict == "not testable"


def test_lights_out_rule():
    assert L.rule_lights_out(75.0, 75.0, True).verdict == "supported"
    no_year = L.rule_lights_out(75.0, 75.0, False)
    assert no_year.verdict == "partly supported" and "no target year" in no_year.reason
    lower = L.rule_lights_out(74.9, 75.0, True)
    assert lower.verdict == "partly supported" and "below" in lower.reason
    assert L.rule_lights_out(float("nan"), 75.0, True).verdict == "not supported"


def test_robots_rule_boundary_at_the_growth_threshold():
    g = L.ROBOT_GROWTH_MIN_PCT
    assert L.rule_robots(g, 2, 2).verdict == "supported"
    assert L.rule_robots(g, 1, 2).verdict == "partly supported"
    slow = L.rule_robots(g - 0.1, 2, 2)
    assert slow.verdict == "not supported" and "under the" in slow.reason
    assert L.rule_robots(float("nan"), 1, 2).verdict == "not testable"


def test_margins_rule_boundaries():
    assert L.rule_margins(2.0, 0.0).verdict == "supported"
    fell = L.rule_margins(2.0, -8.0)
    assert fell.verdict == "partly supported" and "shares fell" in fell.reason
    assert L.rule_margins(2.0, float("nan")).verdict == "partly supported"
    assert L.rule_margins(0.0, 5.0).verdict == "not supported"


def test_eu_rule_boundary_at_the_cut_off():
    assert L.rule_eu(True, "2026-06-30", "2026-06-30").verdict == "supported"
    later = L.rule_eu(True, "2027-12-02", "2026-06-30")
    assert later.verdict == "partly supported" and "2 Dec 2027" in later.reason
    assert L.rule_eu(False, "2026-06-30", "2026-06-30").verdict == "not supported"


# --- sentence and verdict move together -------------------------------------------------------

PAIRS = [  # the same rule either side of its boundary
    (lambda: L.rule_cuts(14_000, 0, 0, "2026-06-30"),
     lambda: L.rule_cuts(13_999, 0, 0, "2026-06-30")),
    (lambda: L.rule_funding(24.99, "x"), lambda: L.rule_funding(25.0, "x")),
    (lambda: L.rule_shield(-1.0), lambda: L.rule_shield(1.0)),
    (lambda: L.rule_middle(5, 10), lambda: L.rule_middle(4, 10)),
    (lambda: L.rule_robots(10.0, 1, 2), lambda: L.rule_robots(9.9, 1, 2)),
    (lambda: L.rule_margins(1.0, 1.0), lambda: L.rule_margins(1.0, -1.0)),
    (lambda: L.rule_eu(True, "2026-01-01", "2026-06-30"),
     lambda: L.rule_eu(True, "2027-01-01", "2026-06-30")),
    (lambda: L.rule_arms_race({"A": 1, "B": 1, "C": 1}),
     lambda: L.rule_arms_race({"A": 1, "B": 1, "C": -1})),
    (lambda: L.rule_lights_out(75, 75, True), lambda: L.rule_lights_out(75, 75, False)),
    (lambda: L.rule_capex(2025, True), lambda: L.rule_capex(2025, False)),
    (lambda: L.rule_internal_automation(10, 1), lambda: L.rule_internal_automation(10, 0)),
]


@pytest.mark.parametrize(("a", "b"), PAIRS)
def test_sentence_changes_whenever_the_verdict_changes(a, b):
    ja, jb = a(), b()
    assert ja.verdict != jb.verdict
    assert ja.reason != jb.reason
    consistent(ja)
    consistent(jb)


def test_a_row_that_contradicts_its_verdict_is_refused():
    with pytest.raises(ValueError, match="the claim cannot be tested"):
        L.LedgerRow(L.CLAIMS["robots"], "supported", "So the claim cannot be tested.")
    # a part of the claim may be untestable while the whole is partly supported
    assert L.contradiction("partly supported", "The 'in AI' part of the claim cannot be "
                                               "tested.") is None
    with pytest.raises(ValueError, match="verdict"):
        L.LedgerRow(L.CLAIMS["robots"], "probably", "x")


def test_rubric_is_the_study_vocabulary_and_renders_every_verdict():
    md = L.rubric_markdown()
    for verdict in study.FACTUAL_VERDICTS:
        assert f"**{verdict.capitalize()}**" in md


def test_every_claim_has_a_verbatim_quote_and_a_rule():
    from analysis import data
    quotes = data.load_quotes()
    for claim in L.CLAIMS.values():
        assert claim.quote_id in set(quotes["quote_id"]), claim.claim_id
    chapter_ids = {c for m in L.CHAPTER_CLAIMS.values() for c in m.values()}
    assert chapter_ids <= set(L._RULES)


def test_ledger_markdown_renders_the_stored_words_in_quotation_marks():
    quotes = pd.DataFrame({"quote_id": ["claim-robots"], "quote_text": ["Exact words."]})
    row = L.LedgerRow(L.CLAIMS["robots"], "partly supported", "Reason.")
    md = L.ledger_markdown([row], quotes)
    assert "\u201cExact words.\u201d" in md and "{cite}`ailing_episode`" in md
    with pytest.raises(KeyError, match="quotes.csv"):
        L.ledger_markdown([row], quotes.iloc[0:0])

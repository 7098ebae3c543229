"""The claim ledger: the registry of claims and every verdict rule, in one place.

Chapter modules compute the evidence (numbers, and sentences that describe them); this module
decides. Each rule is a pure function of a few numbers that returns a :class:`Judgement`: the
verdict and the sentence that gives the reason, both computed from the same numbers, so the
sentence cannot say something the verdict does not.

* Factual claims get one of :data:`analysis.study.FACTUAL_VERDICTS` by the written
  :data:`RUBRIC`, which the ledger page prints.
* Predictions get calibrated likelihood words from :func:`analysis.study.likelihood_words`,
  always with the number ("about as likely as not (52%)"); the thresholds live only in
  :mod:`analysis.study`.

Claims are quoted verbatim from the quotes table (``data/quotes.csv``), never retyped here.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from analysis import study, text
from analysis.chapters import automation, capital
from analysis.chapters.capital import CapitalResults
from analysis.chapters.forecast import ForecastChapterResults
from analysis.chapters.regulation import RegulationResults
from analysis.chapters.workforce import WorkforceResults
from analysis.data.layoff_rounds import corporate_rounds
from analysis.models.headline import fmt_observed, further_rounds
from analysis.narrative import automation as automation_narrative
from analysis.narrative import capital as capital_text
from analysis.narrative import regulation as regulation_story
from analysis.narrative import workforce as workforce_story
from analysis.narrative.likelihood import likelihood_phrase

__all__ = [
    "CHAPTER_CLAIMS",
    "CLAIMS",
    "CONTRADICTIONS",
    "CUTS_CLAIMED",
    "PARTLY_CUTS_SHARE",
    "ROBOT_GROWTH_MIN_PCT",
    "RUBRIC",
    "VERDICTS",
    "all_rows",
    "automation_rows",
    "Claim",
    "Judgement",
    "LedgerRow",
    "capital_rows",
    "chapter_rows",
    "chapter_verdicts",
    "contradiction",
    "cuts_row",
    "forecast_row",
    "judge",
    "ledger_frame",
    "ledger_markdown",
    "likelihood_phrase",
    "likelihood_scale_text",
    "regulation_rows",
    "rubric_markdown",
    "verdict_counts",
    "workforce_rows",
]

VERDICTS = study.FACTUAL_VERDICTS

#: The one written rubric for factual claims; the ledger page prints it as it stands here.
RUBRIC: tuple[tuple[str, str], ...] = (
    ("supported", "every part of the claim that the data can check holds, at the threshold "
                  "its rule states, and no part is left unchecked"),
    ("partly supported", "some part of the claim holds, but another part is contradicted, is "
                         "not in the data, or holds only with a caveat the claim leaves out"),
    ("not supported", "the data point the other way, or the claim's figure misses the data by "
                      "more than its rule allows"),
    ("not testable", "the data in this report hold no measure that could confirm or refute the "
                     "claim; the claim is not rejected"),
)
assert tuple(v for v, _ in RUBRIC) == VERDICTS  # one vocabulary, stated in study.py

#: The figure of claim "cuts-14000" (the report's lower bound "over 14,000").
CUTS_CLAIMED = 14_000
#: Below the claimed figure but within this share of it, the cuts claim is "partly supported".
PARTLY_CUTS_SHARE = 0.9
#: Yearly growth of the robot fleet at or above which it counts as fast (% a year).
ROBOT_GROWTH_MIN_PCT = 10.0

#: Phrases that state a whole-claim verdict; a row whose text holds one of another verdict's
#: phrases contradicts itself (checked when a row is made). "part of the claim ..." speaks of
#: a part, not the whole, and is not matched.
CONTRADICTIONS: dict[str, tuple[str, ...]] = {
    "supported": ("the claim is supported", "the claim holds"),
    "partly supported": ("the claim is partly supported", "the claim partly holds"),
    "not supported": ("the claim is not supported", "the claim does not hold"),
    "not testable": ("the claim cannot be tested", "the claim is not testable"),
}


@dataclass(frozen=True)
class Claim:
    """One claim of the analysis under examination.

    Attributes:
        claim_id: Stable id (used in anchors and the CSV).
        topic: Section of the original analysis.
        quote_id: Row of ``data/quotes.csv`` holding the claim's words, verbatim.
        chapter: Page id of the chapter that tests it.
        kind: ``"fact"`` (rubric verdict) or ``"prediction"`` (likelihood words).
        sources: Bib keys of the main evidence.
    """

    claim_id: str
    topic: str
    quote_id: str
    chapter: str
    kind: str = "fact"
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Judgement:
    """A verdict and the sentence that gives its reason, from the same numbers."""

    verdict: str
    reason: str


@dataclass(frozen=True)
class LedgerRow:
    """A claim with its verdict, the rule's reason and the chapter's evidence."""

    claim: Claim
    verdict: str
    evidence: str

    def __post_init__(self) -> None:
        if self.claim.kind == "fact" and self.verdict not in VERDICTS:
            raise ValueError(f"claim {self.claim.claim_id!r}: verdict {self.verdict!r} is not "
                             f"one of {VERDICTS}")
        clash = contradiction(self.verdict, self.evidence)
        if clash:
            raise ValueError(f"claim {self.claim.claim_id!r}: the evidence says {clash!r} but "
                             f"the verdict is {self.verdict!r}")


_C = Claim
CLAIMS: dict[str, Claim] = {c.claim_id: c for c in (
    _C("cuts-14000", "Introduction", "claim-cuts-14000", "ch5-forecast",
       sources=("menafn_2025_14000", "reuters_2025_30000")),
    _C("capex-100bn", "Introduction", "claim-capex-100bn", "ch1-capital",
       sources=("amazon_q4_2025",)),
    _C("arms-race", "The great capital reallocation", "claim-arms-race", "ch1-capital",
       sources=("sherwood_2026_capex",)),
    _C("funding-war", "The great capital reallocation", "claim-funding-war", "ch1-capital",
       sources=("amazon_q4_2025", "fool_2026_30000")),
    _C("capex-shield", "The great capital reallocation", "claim-capex-shield", "ch1-capital",
       sources=("wallstreetcn_2026_200bn", "lambham_2026_200bn")),
    _C("middle", "Hollowing out the corporate middle", "claim-middle", "ch2-corporate-middle",
       sources=("techplugged_2025_warn", "eloundou_2023_gpts")),
    _C("elite-hiring", "Hollowing out the corporate middle", "claim-elite-hiring",
       "ch2-corporate-middle"),
    _C("quiet-attrition", "Hollowing out the corporate middle", "claim-quiet-attrition",
       "ch2-corporate-middle", sources=("cnbc_2024_rto",)),
    _C("internal-automation", "The AI-native enterprise", "claim-internal-automation",
       "ch2-corporate-middle", sources=("jassy_2025_memo", "challenger_2026_january")),
    _C("lights-out", "The AI-native enterprise", "claim-lights-out", "ch3-ai-native",
       sources=("nyt_2025_robots",)),
    _C("robots", "The AI-native enterprise", "claim-robots", "ch3-ai-native",
       sources=("technewshub_2025_million_robots",)),
    _C("aws-utility", "The AI-native enterprise", "claim-aws-utility", "ch3-ai-native",
       sources=("amazon_q4_2025",)),
    _C("morale", "Morale vs. margins", "claim-morale", "ch4-morale-regulation"),
    _C("margins", "Morale vs. margins", "claim-margins", "ch4-morale-regulation",
       sources=("amazon_q4_2025",)),
    _C("eu-collision", "The regulatory collision", "claim-eu-collision",
       "ch4-morale-regulation", sources=("aiactblog_2026_omnibus",)),
    _C("further-cuts", "Future predictions", "claim-further-cuts", "ch5-forecast",
       kind="prediction", sources=("ailing_episode",)),
)}

#: Chapter evidence keys -> claim ids, per chapter module.
CHAPTER_CLAIMS: dict[str, dict[str, str]] = {
    "ch2": {"middle": "middle", "elite_hiring": "elite-hiring",
            "quiet_attrition": "quiet-attrition", "internal_automation": "internal-automation"},
    "ch3": {"lights_out": "lights-out", "robots": "robots", "aws": "aws-utility"},
    "ch4": {"morale": "morale", "margins": "margins", "eu_collision": "eu-collision"},
}


def contradiction(verdict: str, sentence: str) -> str | None:
    """Return the phrase of another verdict that ``sentence`` states, or ``None``."""
    low = " ".join(sentence.lower().split())
    for other, phrases in CONTRADICTIONS.items():
        if other == verdict:
            continue
        for phrase in phrases:
            if re.search(r"(?<!of )" + re.escape(phrase), low):
                return phrase
    return None


def _finite(x: Any) -> bool:
    try:
        return x is not None and math.isfinite(float(x))
    except (TypeError, ValueError):
        return False


# --- the rules, one per claim -----------------------------------------------------------------


def rule_cuts(oct_roles: float | None, later_roles: float, later_rounds: int, as_of: str
              ) -> Judgement:
    """Claim "over 14,000 corporate positions": the 28 Oct 2025 round against the figure.

    Supported at or above :data:`CUTS_CLAIMED`; partly supported within
    :data:`PARTLY_CUTS_SHARE` of it; not supported below; not testable without the round.
    """
    if not _finite(oct_roles):
        return Judgement("not testable",
                         f"No corporate round dated {text.fmt_date(study.FURTHER_AFTER)} is in "
                         f"the data.")
    roles = float(oct_roles)
    if roles >= CUTS_CLAIMED:
        verdict, how = "supported", "at least"
    elif roles >= PARTLY_CUTS_SHARE * CUTS_CLAIMED:
        verdict, how = "partly supported", "close to but below"
    else:
        verdict, how = "not supported", "well below"
    return Judgement(verdict, (
        f"Amazon announced about {text.fmt_count(roles)} corporate role reductions on "
        f"{text.fmt_date(study.FURTHER_AFTER)}, {how} the {text.fmt_count(CUTS_CLAIMED)} "
        f"claimed, and {text.fmt_count(later_roles)} more in {later_rounds} later rounds by "
        f"{text.fmt_date(as_of)}."))


def rule_capex(first_year_above: int | None, ai_share_disclosed: bool) -> Judgement:
    """Claim "$100 billion-plus capex in AI": the amount, and whether the AI share is known."""
    if first_year_above is None:
        return Judgement("not supported", "No reported fiscal year had gross capex above "
                                          "$100B by the cut-off.")
    if ai_share_disclosed:
        return Judgement("supported", f"Gross capex first exceeded $100B in "
                                      f"FY{first_year_above}, and its AI share is disclosed.")
    return Judgement("partly supported", (
        f"The amount holds (gross capex first exceeded $100B in FY{first_year_above}), but "
        f"Amazon does not disclose how much of it is for AI."))


def rule_arms_race(growth_pct: Mapping[str, float]) -> Judgement:
    """Claim of an AI arms race: did Amazon and its peers all raise capex in their latest year?

    Supported if at least three companies are measured and all raised capex; partly if some
    did; not supported if none did; not testable without peer data.
    """
    measured = {k: float(v) for k, v in growth_pct.items() if _finite(v)}
    rising = sorted(k for k, v in measured.items() if v > 0)
    n = len(measured)
    if n == 0:
        return Judgement("not testable", "No company's capex growth is in the data.")
    if n >= 3 and len(rising) == n:
        verdict = "supported"
    elif rising:
        verdict = "partly supported"
    else:
        verdict = "not supported"
    return Judgement(verdict, f"{len(rising)} of the {n} companies with data raised capex in "
                              f"their latest reported year.")


def rule_funding(max_share_pct: float | None, denominator: str) -> Judgement:
    """Claim that the layoffs fund the build-out: savings as a share of the capex increase.

    Not supported when the savings are under ``capital.SMALL_SHARE_PCT`` of every reported or
    central capex increase, partly supported otherwise (the data show timing, not cause).
    """
    if not _finite(max_share_pct):
        return Judgement("not testable", "No capex increase is known to set the savings "
                                         "against.")
    share, limit = float(max_share_pct), capital.SMALL_SHARE_PCT
    if share < limit:
        return Judgement("not supported", (
            f"The yearly savings are at most {text.fmt_pct(share)} of {denominator}, under the "
            f"{text.fmt_pct(limit)} this ledger requires before savings could be said to fund "
            f"it."))
    return Judgement("partly supported", (
        f"The yearly savings reach {text.fmt_pct(share)} of {denominator}, at least the "
        f"{text.fmt_pct(limit)} this ledger requires, but the data show only that the two came "
        f"together, not that one pays for the other."))


def rule_shield(reaction_high_pct: float | None) -> Judgement:
    """Claim that the squeeze "has been rewarded by investors": the recorded market reaction."""
    if not _finite(reaction_high_pct):
        return Judgement("not testable", "No market reaction to the capex guide is recorded "
                                         "by the cut-off.")
    if float(reaction_high_pct) < 0:
        return Judgement("not supported", "The one market reaction in the data, to the 2026 "
                                          "capex guide, was a fall in the shares.")
    return Judgement("partly supported", "The one market reaction in the data was not a fall, "
                                         "but one move does not show a lasting reward.")


def rule_middle(rounds_naming_middle: int, rounds_counted: int) -> Judgement:
    """Claim that middle functions are targeted: how many rounds named one (HR/PXT).

    Supported if at least half the corporate rounds named a middle function; partly if at
    least one did; not supported if none did; not testable without rounds.
    """
    if rounds_counted <= 0:
        return Judgement("not testable", "No corporate round is in the data.")
    share = rounds_naming_middle / rounds_counted
    verdict = ("supported" if share >= 0.5 else
               "partly supported" if rounds_naming_middle > 0 else "not supported")
    return Judgement(verdict, (
        f"{text.fmt_count(rounds_naming_middle)} of {text.fmt_count(rounds_counted)} "
        f"corporate rounds named a middle function (HR); half is the bar for supported."))


def rule_measured(count: float, measure: str, claim_part: str) -> Judgement:
    """Shared rule for claims the data may hold no measure of (hiring, attrition, morale).

    Not testable when the data hold no ``measure``. A measure that later appears in the data
    does not earn the claim any support by itself: it stays not testable, and the reason says
    that the measure now exists and needs a written threshold before it can decide.
    """
    if not _finite(count) or float(count) <= 0:
        return Judgement("not testable", f"The data hold no {measure}, so whether "
                                         f"{claim_part} cannot be checked.")
    return Judgement("not testable", f"The data now hold {text.fmt_count(count)} {measure}, "
                                     f"but this ledger has no written threshold yet for "
                                     f"whether {claim_part}, so it does not judge it.")


def rule_internal_automation(genai_applications: float, linked_task_sources: int) -> Judgement:
    """Claim that generative AI automates the laid-off employees' tasks.

    Supported if deployment is documented and a source links cut roles to automated tasks;
    partly if only deployment is documented; not testable otherwise.
    """
    deployed = _finite(genai_applications) and float(genai_applications) > 0
    if deployed and linked_task_sources > 0:
        return Judgement("supported", "Deployment is documented, and sources link the cut "
                                      "roles to the tasks automated.")
    if deployed:
        return Judgement("partly supported", (
            f"Deployment is documented (more than {text.fmt_count(genai_applications)} "
            f"generative-AI applications), but no source links the cut roles to tasks "
            f"automated."))
    return Judgement("not testable", "The data document neither the deployment nor the tasks "
                                     "automated.")


def rule_lights_out(goal_pct: float, claimed_pct: float, goal_has_year: bool) -> Judgement:
    """Claim of a leaked timeline to automate 75% of warehouse tasks within a decade.

    Supported if the reported goal reaches the claimed share with a target year; partly if
    the goal is reported but without a year or below the share; not supported without it.
    """
    if not _finite(goal_pct):
        return Judgement("not supported", "No leaked automation goal is in the data.")
    if float(goal_pct) >= claimed_pct and goal_has_year:
        return Judgement("supported", f"The reported goal of {text.fmt_pct(goal_pct)} has a "
                                      f"target year.")
    why = ("has no target year" if not goal_has_year else
           f"is below the {text.fmt_pct(claimed_pct)} claimed")
    return Judgement("partly supported", f"The documents were reported, but the "
                                         f"{text.fmt_pct(goal_pct)} goal {why}.")


def rule_robots(growth_pct_per_year: float, parts_measured: int, parts_claimed: int
                ) -> Judgement:
    """Claim that AI is embedded across the entire value chain, measured by the robot fleet.

    The fleet counts as fast-growing at :data:`ROBOT_GROWTH_MIN_PCT` a year or more. Supported
    only if every part of the value chain the claim names is measured; with fewer parts
    measured the verdict is at most partly supported.
    """
    if not _finite(growth_pct_per_year):
        return Judgement("not testable", "No robot counts are in the data.")
    fast = float(growth_pct_per_year) >= ROBOT_GROWTH_MIN_PCT
    g = text.fmt_pct(growth_pct_per_year)
    if not fast:
        return Judgement("not supported", f"The robot fleet grew {g} a year, under the "
                                          f"{text.fmt_pct(ROBOT_GROWTH_MIN_PCT)} that counts "
                                          f"as fast.")
    if parts_measured >= parts_claimed:
        return Judgement("supported", f"The robot fleet grew {g} a year, and every part of the "
                                      f"value chain is measured.")
    return Judgement("partly supported", (
        f"The warehouse part holds (the robot fleet grew {g} a year, at least the "
        f"{text.fmt_pct(ROBOT_GROWTH_MIN_PCT)} that counts as fast), but the data measure "
        f"only {parts_measured} of the {parts_claimed} parts of the value chain the claim "
        f"names (from warehouse to AWS)."))


def rule_margins(margin_change_pts: float, reaction_high_pct: float | None) -> Judgement:
    """Claim that investors celebrate the cost-cutting: margins and the market reaction.

    Supported if the operating margin rose and the recorded reaction was not a fall; partly
    if the margin rose but the shares fell (or no reaction is recorded); not supported if the
    margin fell.
    """
    if not _finite(margin_change_pts):
        return Judgement("not testable", "No operating margin is in the data.")
    change = text.fmt_value(round(float(margin_change_pts), 1))
    if float(margin_change_pts) <= 0:
        return Judgement("not supported", f"The operating margin changed by {change} points "
                                          f"over the years of the cuts.")
    if _finite(reaction_high_pct) and float(reaction_high_pct) >= 0:
        return Judgement("supported", f"The operating margin rose {change} points and the "
                                      f"recorded market reaction was not a fall.")
    tail = ("the shares fell after the capex guide" if _finite(reaction_high_pct)
            else "no market reaction is recorded")
    return Judgement("partly supported", f"The operating margin rose {change} points, but "
                                         f"{tail}.")


def rule_eu(classified_high_risk: bool, duties_date: str, as_of: str) -> Judgement:
    """Claim of a collision course with the EU AI Act's high-risk rules for employment AI.

    Supported if the classification holds and the duties already apply at the cut-off;
    partly if they apply only later; not supported if employment AI is not high-risk.
    """
    if not classified_high_risk:
        return Judgement("not supported", "The EU AI Act data do not class employment AI as "
                                          "high-risk.")
    when = text.fmt_date(duties_date)
    if pd.Timestamp(duties_date) <= pd.Timestamp(as_of):
        return Judgement("supported", f"Employment AI is high-risk under Annex III and its "
                                      f"duties apply from {when}, before the cut-off.")
    return Judgement("partly supported", (
        f"Employment AI is high-risk under Annex III, but its duties apply only from {when}, "
        f"after the cut-off of {text.fmt_date(as_of)}."))


_RULES = {
    "middle": rule_middle,
    "elite-hiring": lambda ai_hires_observed: rule_measured(
        ai_hires_observed, "sourced count of AI or machine-learning hires",
        "elite AI roles replace the cut ones"),
    "quiet-attrition": lambda attrition_series: rule_measured(
        attrition_series, "corporate attrition figures",
        "the office rule was used to cut headcount"),
    "internal-automation": rule_internal_automation,
    "lights-out": rule_lights_out,
    "robots": rule_robots,
    "aws-utility": lambda ai_platform_measures: rule_measured(
        ai_platform_measures, "AWS AI figures (AWS capex, Trainium, Bedrock or Anthropic)",
        "AWS is becoming the AI economy's indispensable platform"),
    "morale": lambda morale_indicators: rule_measured(
        morale_indicators, "morale indicator (survey, review-site rating or attrition series)",
        "morale has plummeted"),
    "margins": rule_margins,
    "eu-collision": rule_eu,
}


def judge(claim_id: str, measures: Mapping[str, Any]) -> Judgement:
    """Apply the rule of one chapter claim to the numbers its chapter computed."""
    try:
        rule = _RULES[claim_id]
    except KeyError:
        raise KeyError(f"no chapter rule for claim {claim_id!r}") from None
    return rule(**measures)


def chapter_verdicts(chapter: str, evidence: Mapping[str, Any]) -> dict[str, Judgement]:
    """Judge every claim of one chapter (``"ch2"``, ``"ch3"``, ``"ch4"``), by evidence key.

    Args:
        chapter: Key of :data:`CHAPTER_CLAIMS`.
        evidence: The chapter's ``claim_evidence`` result (objects with ``.measures``).
    """
    return {key: judge(claim_id, evidence[key].measures)
            for key, claim_id in CHAPTER_CLAIMS[chapter].items()}


def _row(claim_id: str, j: Judgement, details: str = "") -> LedgerRow:
    body = j.reason if not details else f"{j.reason} {details.strip()}"
    return LedgerRow(CLAIMS[claim_id], j.verdict, body)


def chapter_rows(chapter: str, evidence: Mapping[str, Any]) -> list[LedgerRow]:
    """Ledger rows of one chapter: the rule's verdict and reason, then the chapter's evidence."""
    judged = chapter_verdicts(chapter, evidence)
    return [_row(CHAPTER_CLAIMS[chapter][key], j, str(evidence[key].evidence))
            for key, j in judged.items()]


def cuts_row(rounds: pd.DataFrame, as_of: str) -> LedgerRow:
    """The "over 14,000 corporate positions" claim, checked against the announced rounds."""
    df = corporate_rounds(rounds)
    oct_round = df[df["announced"] == pd.Timestamp(study.FURTHER_AFTER)]
    later = further_rounds(rounds, as_of)  # undisclosed sizes count as rounds, add no roles
    roles = float(oct_round["roles_mid"].sum()) if not oct_round.empty else None
    j = rule_cuts(roles, float(later["roles_mid"].sum()), len(later), as_of)
    return _row("cuts-14000", j)


def capital_rows(res: CapitalResults) -> list[LedgerRow]:
    """The four capital-reallocation claims: chapter 1's results, this module's rules.

    Args:
        res: Chapter 1's results (``results.get("capital", params)``).
    """
    ev = capital_text.evidence(res)
    # Every capex rise the chapter sets the savings against: the reported and central-path
    # fiscal-year rises and the trailing-twelve-month rise aligned with the cuts.
    rises = res.denominators[res.denominators["measure"].str.startswith("rise")]
    shares = [float(v) for v in rises["share_pct"] if math.isfinite(v)]
    peers = res.peers
    actual = peers[(peers["kind"] == "actual") & peers["growth_pct"].notna()]
    latest = actual.sort_values("fiscal_year").groupby("company").tail(1)
    return [
        _row("capex-100bn", rule_capex(res.first_year_above_claim, ai_share_disclosed=False),
             ev["ch1_evidence_capex100"]),
        _row("arms-race", rule_arms_race(dict(zip(latest["company"], latest["growth_pct"],
                                                  strict=True))),
             ev["ch1_evidence_arms_race"]),
        _row("funding-war", rule_funding(max(shares) if shares else None,
                                         "each rise in capex the chapter sets them against"),
             ev["ch1_evidence_funding"]),
        _row("capex-shield", rule_shield(res.reaction_pct[1] if res.reaction_pct is not None
                                         else None),
             ev["ch1_evidence_shield"]),
    ]


def automation_rows(res: automation.AutomationResults) -> list[LedgerRow]:
    """The three AI-native-enterprise claims: chapter 3's results, this module's rules."""
    return chapter_rows("ch3", automation_narrative.claim_evidence(res))


def workforce_rows(res: WorkforceResults) -> list[LedgerRow]:
    """Chapter 2's four claims: the chapter's evidence, this module's rules."""
    return chapter_rows("ch2", workforce_story.claim_evidence(res))


def regulation_rows(res: RegulationResults) -> list[LedgerRow]:
    """Chapter 4's three claims: the chapter's evidence, this module's rules."""
    return chapter_rows("ch4", regulation_story.claim_evidence(res))


def forecast_judgement(prob_2027: float, prob_2026: float) -> Judgement:
    """The prediction's likelihood words, for both readings of "by 2027"."""
    words = (f"{likelihood_phrase(prob_2027)} {study.READING_LABELS['2027']}; "
             f"{likelihood_phrase(prob_2026)} {study.READING_LABELS['2026']}")
    reason = (f"On the combined forecast, further cuts inside the claimed range are "
              f"{likelihood_phrase(prob_2027)} {study.READING_LABELS['2027']} and "
              f"{likelihood_phrase(prob_2026)} {study.READING_LABELS['2026']}.")
    return Judgement(words, reason)


def forecast_row(res: ForecastChapterResults) -> LedgerRow:
    """The prediction's row: likelihood words for both readings, each model's chance too.

    Args:
        res: The forecast chapter's results (its headline).
    """
    result = res.headline
    c26, c27 = result.get("combined", "2026"), result.get("combined", "2027")
    j = forecast_judgement(float(c27["prob_inside"]), float(c26["prob_inside"]))
    level = text.fmt_pct(float(c27["level_pct"]))
    proj, rnd = result.get("projection core", "2027"), result.get("layoff-rounds model", "2027")
    weight = text.fmt_pct(result.weight_pct)
    how = ("fitted on the models' record against history (a short record: see the forecast "
           "page)" if result.weight_source == "fitted" else "set by this build's parameters")
    details = (
        f"Already announced by the cut-off: {fmt_observed(result.observed)}. By 31 Dec 2027 "
        f"the median is {text.fmt_roles(c27['median'])} ({level} interval "
        f"{text.fmt_interval(c27['lower'], c27['upper'])}). The two models disagree: the "
        f"projection core gives the range {text.fmt_prob(proj['prob_inside'])}, the "
        f"layoff-rounds model {text.fmt_prob(rnd['prob_inside'])}; the combination gives the "
        f"projection core a {weight} weight, {how}.")
    return _row("further-cuts", j, details)


def all_rows(as_of: str, *, rounds: pd.DataFrame, capital_results: CapitalResults,
             workforce_results: WorkforceResults,
             automation_results: automation.AutomationResults,
             regulation_results: RegulationResults,
             forecast_results: ForecastChapterResults) -> list[LedgerRow]:
    """Every row of the ledger: each chapter's stored results, judged by this module's rules.

    Args:
        as_of: Data cut-off (ISO date) of the row on the cuts announced so far.
        rounds: Layoff rounds (for that row).
        capital_results: Chapter 1's results (``results.get("capital", params)``).
        workforce_results: Chapter 2's results (``results.get("workforce", params)``).
        automation_results: Chapter 3's results (``results.get("automation", params)``).
        regulation_results: Chapter 4's results (``results.get("regulation", params)``).
        forecast_results: The forecast chapter's results (``results.get("forecast", params)``).
    """
    rows = [cuts_row(rounds, as_of)]
    rows += capital_rows(capital_results)
    rows += workforce_rows(workforce_results)
    rows += automation_rows(automation_results)
    rows += regulation_rows(regulation_results)
    rows.append(forecast_row(forecast_results))
    return rows


def likelihood_scale_text() -> str:
    """The likelihood scale in words, from :data:`analysis.study.LIKELIHOOD_SCALE`."""
    parts = []
    scale = study.LIKELIHOOD_SCALE
    for i, (bound, words) in enumerate(scale):
        upper = scale[i - 1][0] if i else None
        if bound == 0.0:
            parts.append(f"{words} below {text.fmt_prob(upper)}")
        elif upper is None:
            parts.append(f"{words} at least {text.fmt_prob(bound)}")
        else:
            parts.append(f"{words} from {text.fmt_prob(bound)} to below {text.fmt_prob(upper)}")
    return "; ".join(parts)


# --- rendering ----------------------------------------------------------------------------------


def _ordered(rows: Iterable[LedgerRow]) -> list[LedgerRow]:
    order = list(CLAIMS)
    return sorted(rows, key=lambda r: order.index(r.claim.claim_id))


def _quote_text(quotes: pd.DataFrame, quote_id: str) -> str:
    hit = quotes.loc[quotes["quote_id"] == quote_id, "quote_text"]
    if hit.empty:
        raise KeyError(f"quote {quote_id!r} is not in data/quotes.csv")
    return str(hit.iloc[0])


def verdict_counts(rows: Iterable[LedgerRow]) -> dict[str, int]:
    """Count the factual rows per verdict (every verdict present, zeros included)."""
    counts = dict.fromkeys(VERDICTS, 0)
    for row in rows:
        if row.claim.kind == "fact":
            counts[row.verdict] += 1
    return counts


def rubric_markdown() -> str:
    """The rubric as a MyST bullet list (the ledger page prints it)."""
    return "\n".join(f"- **{v.capitalize()}**: {d}." for v, d in RUBRIC) + "\n"


def ledger_frame(rows: Iterable[LedgerRow], quotes: pd.DataFrame) -> pd.DataFrame:
    """The ledger as a plain table (for its CSV download), in the order of :data:`CLAIMS`."""
    ordered = _ordered(rows)
    return pd.DataFrame({
        "number": range(1, len(ordered) + 1),
        "claim_id": [r.claim.claim_id for r in ordered],
        "topic": [r.claim.topic for r in ordered],
        "claim_verbatim": [_quote_text(quotes, r.claim.quote_id) for r in ordered],
        "quote_id": [r.claim.quote_id for r in ordered],
        "kind": [r.claim.kind for r in ordered],
        "verdict": [r.verdict for r in ordered],
        "evidence": [r.evidence for r in ordered],
        "chapter": [r.claim.chapter for r in ordered],
        "sources": [";".join(r.claim.sources) for r in ordered],
    })


def ledger_markdown(rows: Iterable[LedgerRow], quotes: pd.DataFrame) -> str:
    """Render the ledger as MyST: a summary table, then one block per claim.

    Each claim is quoted verbatim from ``quotes`` and cited to the analysis; blocks link to
    the chapter that tests the claim and to the sources of its main evidence.
    """
    ordered = _ordered(rows)
    lines = ["| # | claim | verdict |", "|---|---|---|"]
    for number, row in enumerate(ordered, start=1):
        words = _quote_text(quotes, row.claim.quote_id)
        lines.append(f"| {number} | \u201c{words}\u201d | **{row.verdict}** |")
    lines.append("")
    for number, row in enumerate(ordered, start=1):
        words = _quote_text(quotes, row.claim.quote_id)
        cites = (" {cite}`" + ",".join(row.claim.sources) + "`") if row.claim.sources else ""
        label = "Likelihood" if row.claim.kind == "prediction" else "Verdict"
        lines += [
            f"**{number}. \u201c{words}\u201d** {{cite}}`ailing_episode` ({row.claim.topic})",
            "",
            f": **{label}: {row.verdict}.** {row.evidence.strip()}{cites} "
            f"Tested in {{doc}}`{row.claim.chapter}`.",
            "",
        ]
    return "\n".join(lines) + "\n"

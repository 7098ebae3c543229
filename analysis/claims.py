"""The claim ledger: every claim of the original analysis, a verdict and its evidence.

The claims are quoted from the analysis under examination (``ailing_episode``). Verdicts
come from stated rules applied to computed numbers where a number decides them (for example
the share of the capex increase that the labour savings would cover), and from the chapters'
reading of the evidence otherwise; the evidence text is produced by the chapter modules, so
it changes with the data and parameters.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from analysis import capital, text
from analysis.headline import fmt_observed, further_rounds
from analysis.projection import FURTHER_AFTER

__all__ = [
    "CLAIMS",
    "VERDICTS",
    "Claim",
    "LedgerRow",
    "capital_rows",
    "cuts_row",
    "forecast_row",
    "ledger_frame",
    "forecast_verdict",
    "ledger_markdown",
    "rows_from_chapter",
    "verdict_counts",
]

VERDICTS = ("supported", "partly supported", "not supported", "not testable")
# Forecast rule: the claimed range must be the more likely outcome to count as supported.
SUPPORTED_MIN_PROB = 0.5
PARTLY_MIN_PROB = 0.2


@dataclass(frozen=True)
class Claim:
    """One claim of the original analysis.

    Attributes:
        claim_id: Stable id (used in anchors).
        topic: Section of the original analysis.
        quote: The claim, quoted or closely paraphrased.
        chapter: Page id of the chapter that tests it.
        sources: Bib keys of the main evidence.
    """

    claim_id: str
    topic: str
    quote: str
    chapter: str
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class LedgerRow:
    """A claim with its verdict and evidence."""

    claim: Claim
    verdict: str
    evidence: str

    def __post_init__(self) -> None:
        if self.verdict not in VERDICTS:
            raise ValueError(f"claim {self.claim.claim_id!r}: verdict {self.verdict!r} is not "
                             f"one of {VERDICTS}")


_C = Claim
CLAIMS: dict[str, Claim] = {c.claim_id: c for c in (
    _C("cuts-14000", "Introduction", "Amazon is eliminating over 14,000 corporate positions.",
       "ch5-forecast", ("menafn_2025_14000", "reuters_2025_30000")),
    _C("capex-100bn", "Introduction",
       "Amazon is launching a $100 billion-plus capital expenditure in artificial intelligence.",
       "ch1-capital", ("amazon_q4_2025",)),
    _C("arms-race", "The great capital reallocation",
       "Amazon is in a high-stakes battle with Microsoft and Google to build the foundational "
       "infrastructure of the AI economy.", "ch1-capital", ("sherwood_2026_capex",)),
    _C("funding-war", "The great capital reallocation",
       "The 14,000+ layoffs are inextricably linked to funding this infrastructure build-out.",
       "ch1-capital", ("amazon_q4_2025", "fool_2026_30000")),
    _C("capex-shield", "The great capital reallocation",
       "Framing the cuts as funding a once-in-a-lifetime opportunity justifies the squeeze on "
       "free cash flow, which has been rewarded by investors.", "ch1-capital",
       ("wallstreetcn_2026_200bn", "lambham_2026_200bn")),
    _C("middle", "Hollowing out the corporate middle",
       "Roles centred on process management, coordination, human resources and routine "
       "analysis are being targeted.", "ch2-corporate-middle",
       ("techplugged_2025_warn", "eloundou_2023_gpts")),
    _C("elite-hiring", "Hollowing out the corporate middle",
       "In their place Amazon is creating a smaller number of elite AI and machine-learning "
       "positions.", "ch2-corporate-middle", ()),
    _C("quiet-attrition", "Hollowing out the corporate middle",
       "Strict return-to-office mandates are tools to reduce headcount without severance.",
       "ch2-corporate-middle", ("cnbc_2024_rto",)),
    _C("internal-automation", "The AI-native enterprise",
       "Generative AI is being deployed in HR and operations to automate the tasks previously "
       "done by the employees being laid off.", "ch2-corporate-middle",
       ("jassy_2025_memo", "challenger_2026_january")),
    _C("lights-out", "The AI-native enterprise",
       "Leaked documents reveal an aggressive timeline to automate 75% of warehouse tasks "
       "within a decade, driven by robots like Sparrow and Proteus.", "ch3-ai-native",
       ("nyt_2025_robots",)),
    _C("robots", "The AI-native enterprise",
       "Amazon is systematically embedding automation across its value chain (the robot "
       "fleet).", "ch3-ai-native", ("technewshub_2025_million_robots",)),
    _C("aws-utility", "The AI-native enterprise",
       "AWS is positioned as the utility for the AI era and the indispensable platform for the "
       "global AI economy.", "ch3-ai-native", ("amazon_q4_2025",)),
    _C("morale", "Morale vs. margins",
       "Employee morale has plummeted, a significant risk to Amazon's Day 1 culture.",
       "ch4-morale-regulation", ()),
    _C("margins", "Morale vs. margins",
       "Investors celebrate the cost-cutting.", "ch4-morale-regulation",
       ("amazon_q4_2025",)),
    _C("eu-collision", "The regulatory collision",
       "The strategy is on a direct collision course with the EU AI Act, which classifies AI "
       "used in hiring, promotion and performance management as high-risk.",
       "ch4-morale-regulation", ("aiactblog_2026_omnibus",)),
    _C("further-cuts", "Future predictions",
       "An additional 20,000 to 35,000 corporate roles could be eliminated by 2027.",
       "ch5-forecast", ("ailing_episode",)),
)}


def cuts_row(rounds: pd.DataFrame, as_of: str) -> LedgerRow:
    """The "over 14,000 corporate positions" claim, checked against the announced rounds."""
    df = rounds[rounds["is_corporate"].astype(bool)]
    oct_round = df[df["announced"] == pd.Timestamp(FURTHER_AFTER)]
    later = further_rounds(rounds, as_of)
    if oct_round.empty:
        return LedgerRow(CLAIMS["cuts-14000"], "not testable",
                         "No corporate round dated 28 Oct 2025 is in the data.")
    roles = float(oct_round["roles_mid"].sum())
    verdict = "supported" if roles >= 14_000 else "partly supported"
    evidence = (f"Amazon announced about {text.fmt_count(roles)} corporate role reductions on "
                f"28 Oct 2025, and {text.fmt_count(later['roles_mid'].fillna(0).sum())} more in "
                f"{len(later)} later rounds by {text.fmt_date(as_of)}.")
    return LedgerRow(CLAIMS["cuts-14000"], verdict, evidence)


def forecast_verdict(prob_inside: float) -> str:
    """Verdict on the 20,000-35,000 prediction from the chance of landing inside the range.

    Supported if the range is the more likely outcome (at least 50%), partly supported if it
    keeps a material chance (at least 20%), otherwise not supported.
    """
    if not 0.0 <= prob_inside <= 1.0:
        raise ValueError(f"prob_inside must lie in [0, 1], got {prob_inside!r}")
    if prob_inside >= SUPPORTED_MIN_PROB:
        return "supported"
    if prob_inside >= PARTLY_MIN_PROB:
        return "partly supported"
    return "not supported"


def forecast_row(summary_2026: Mapping[str, Any], summary_2027: Mapping[str, Any],
                 level_pct: float) -> LedgerRow:
    """The prediction's row, judged on the 31 Dec 2027 reading (both readings in the text)."""
    def part(label: str, s: Mapping[str, Any]) -> str:
        return (f"{label}: median {text.fmt_roles(s['median'])}, {text.fmt_pct(level_pct)} "
                f"interval {text.fmt_interval(s['lower'], s['upper'])}, "
                f"{text.fmt_prob(s['prob_inside'])} chance inside the range")
    evidence = (f"Already announced by the cut-off: {fmt_observed(summary_2027['observed'])}. "
                + part("By 31 Dec 2027", summary_2027) + "; "
                + part("before 1 Jan 2027", summary_2026) + ".")
    return LedgerRow(CLAIMS["further-cuts"], forecast_verdict(float(summary_2027["prob_inside"])),
                     evidence)


def capital_rows(annual: pd.DataFrame, guidance: pd.DataFrame, peer: pd.DataFrame,
                 rounds: pd.DataFrame, benchmarks: pd.DataFrame, params: Mapping[str, Any],
                 cost_spread_usd_k: tuple[float, float] | None) -> list[LedgerRow]:
    """The four capital-reallocation claims, with verdicts from chapter 1's numbers.

    Rules: capex above $100B is "partly supported" (the AI share is not disclosed); the
    funding claim is "not supported" when the savings are under a quarter of every reported
    or central capex increase, else "partly supported"; the shield is "not supported" when
    the recorded market reaction to the capex guide is negative; the arms race is
    "supported" when at least three of the companies raised capex in their latest reported
    year.
    """
    as_of = params["as_of"]
    paths = capital.build_capex_paths(annual, guidance, as_of, params["capex_path"],
                                      params["interval_level_pct"]).paths
    ev = capital.evidence(annual, guidance, peer, rounds, benchmarks, paths, params,
                          cost_spread_usd_k)
    year = capital.first_year_above(annual, as_of, 100.0)
    capex_verdict = "partly supported" if year is not None else "not supported"

    cuts = capital.cuts_since(rounds, as_of)
    saved = capital.savings_usd_bn(cuts.roles_mid, float(params["cost_per_employee_usd_k"]),
                                   cost_spread_usd_k, cuts.roles_low, cuts.roles_high)
    funding = capital.funding_table(saved, capital.capex_increases(annual, as_of, paths))
    shares = [r.share_pct for r in funding.itertuples(index=False)
              if (r.basis == "reported" or r.central) and math.isfinite(r.share_pct)]
    if not shares:
        funding_verdict = "not testable"
    elif max(shares) < capital.SMALL_SHARE_PCT:
        funding_verdict = "not supported"
    else:
        funding_verdict = "partly supported"

    reaction = capital.benchmark_range(benchmarks, "amazon-stock-reaction-2026-02", as_of)
    shield_verdict = ("not testable" if reaction is None
                      else "not supported" if reaction[1] < 0 else "partly supported")

    peers = capital.peer_capex_comparison(peer, annual, guidance, as_of)
    actual = peers[(peers["kind"] == "actual") & peers["growth_pct"].notna()]
    latest = actual.sort_values("fiscal_year").groupby("company").tail(1)
    arms_verdict = ("supported" if len(latest) >= 3 and (latest["growth_pct"] > 0).all()
                    else "partly supported")
    return [
        LedgerRow(CLAIMS["capex-100bn"], capex_verdict, ev["ch1_evidence_capex100"]),
        LedgerRow(CLAIMS["arms-race"], arms_verdict, ev["ch1_evidence_arms_race"]),
        LedgerRow(CLAIMS["funding-war"], funding_verdict, ev["ch1_evidence_funding"]),
        LedgerRow(CLAIMS["capex-shield"], shield_verdict, ev["ch1_evidence_shield"]),
    ]


def rows_from_chapter(evidence: Mapping[str, Any], mapping: Mapping[str, str]
                      ) -> list[LedgerRow]:
    """Turn a chapter module's ``claim_evidence`` result into ledger rows.

    Args:
        evidence: ``{key: object with .verdict and .evidence}``.
        mapping: ``{key in evidence: claim id in CLAIMS}``.
    """
    rows = []
    for key, claim_id in mapping.items():
        item = evidence[key]
        rows.append(LedgerRow(CLAIMS[claim_id], str(item.verdict), str(item.evidence)))
    return rows


def ledger_frame(rows: Iterable[LedgerRow]) -> pd.DataFrame:
    """The ledger as a plain table (for its CSV download), in the order of :data:`CLAIMS`."""
    order = list(CLAIMS)
    ordered = sorted(rows, key=lambda r: order.index(r.claim.claim_id))
    return pd.DataFrame({
        "number": range(1, len(ordered) + 1),
        "claim_id": [r.claim.claim_id for r in ordered],
        "topic": [r.claim.topic for r in ordered],
        "claim": [r.claim.quote for r in ordered],
        "verdict": [r.verdict for r in ordered],
        "evidence": [r.evidence for r in ordered],
        "chapter": [r.claim.chapter for r in ordered],
        "sources": [";".join(r.claim.sources) for r in ordered],
    })


def verdict_counts(rows: Iterable[LedgerRow]) -> dict[str, int]:
    """Count the rows per verdict (every verdict present, zeros included)."""
    counts = dict.fromkeys(VERDICTS, 0)
    for row in rows:
        counts[row.verdict] += 1
    return counts


def ledger_markdown(rows: Iterable[LedgerRow]) -> str:
    """Render the ledger as MyST: a summary table, then one block per claim.

    Blocks follow the order of :data:`CLAIMS` and link to the chapter that tests the claim
    and to the sources of its main evidence.
    """
    order = list(CLAIMS)
    ordered = sorted(rows, key=lambda r: order.index(r.claim.claim_id))
    lines = ["| # | claim | verdict |", "|---|---|---|"]
    for number, row in enumerate(ordered, start=1):
        lines.append(f"| {number} | \u201c{row.claim.quote}\u201d | **{row.verdict}** |")
    lines.append("")
    for number, row in enumerate(ordered, start=1):
        cites = (" {cite}`" + ",".join(row.claim.sources) + "`") if row.claim.sources else ""
        lines += [
            f"**{number}. \u201c{row.claim.quote}\u201d** ({row.claim.topic})",
            "",
            f": **Verdict: {row.verdict}.** {row.evidence.strip()}{cites} "
            f"Tested in {{doc}}`{row.claim.chapter}`.",
            "",
        ]
    return "\n".join(lines) + "\n"

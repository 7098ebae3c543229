"""Chapter 4 in words: the evidence on its claims and every value its page glues.

:func:`claim_evidence` gives the ledger the evidence sentences and the numbers its rules take;
:func:`glue_values` gives the page every pre-formatted number and text it glues, and
:func:`alt_texts` the text descriptions of its charts. All from
:class:`analysis.chapters.regulation.RegulationResults`; numbers are formatted by
:mod:`analysis.text`.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from analysis import text
from analysis.chapters.regulation import SEGMENTS, RegulationResults, brake_effect_roles
from analysis.narrative.evidence import ClaimEvidence, Judged, evidence_glue

__all__ = ["PREFIX", "alt_texts", "claim_evidence", "glue_values"]

#: The page's glue prefix.
PREFIX = "ch4"


# --- the claims ----------------------------------------------------------------------------------


def _morale(res: RegulationResults) -> ClaimEvidence:
    f = res.facts
    suggestions = (f"{text.fmt_count(f['mailbox_suggestions'])} suggestions and led to more "
                   f"than {text.fmt_count(f['mailbox_changes'])} process changes by Oct 2025"
                   if np.isfinite(f["mailbox_suggestions"]) and np.isfinite(f["mailbox_changes"])
                   else "suggestions and process changes")
    return ClaimEvidence(
        claim="Employee morale has plummeted, and anxiety and frustration put Amazon's 'Day 1' "
              "innovation culture at risk.",
        # no table in data/ holds an employee survey, review-site rating or attrition series
        measures={"morale_indicators": 0},
        evidence=(
            f"The sourced data hold no morale indicator: no employee survey, review-site "
            f"rating or attrition series. What exists is qualitative: Jassy said the Oct 2025 "
            f"cuts were about culture ('{f['culture_quote']}'), an anonymous 'Bureaucracy "
            f"Mailbox' drew {suggestions}, and one low-quality source says staff who did not "
            f"comply with the office rule were treated as having resigned. None of this "
            f"measures morale or its effect on innovation."))


def _timing(res: RegulationResults) -> str:
    """Where the post-Omnibus Annex III date falls against the forecast horizon."""
    gap_days = (pd.Timestamp(res.params["horizon_end"])
                - pd.Timestamp(res.annex_iii["after_omnibus"])).days
    if 0 <= gap_days <= 31:
        return "within the last month of the forecast horizon"
    if gap_days > 31:
        return "before the end of the forecast horizon"
    return "after the end of the forecast horizon"


def _collision(res: RegulationResults) -> ClaimEvidence:
    p = res.params
    level = text.fmt_pct(float(p["interval_level_pct"]))
    grid27 = res.grid.loc[res.grid["reading"] == "2027"]
    cutoff = text.fmt_date(str(grid27["cutoff_date"].iloc[0]))
    original, after = res.start_labels["original"], res.start_labels["after_omnibus"]
    eff_original = brake_effect_roles(res.grid, original)
    eff_after = brake_effect_roles(res.grid, after)
    band = grid27.loc[(grid27["start_label"] == after)
                      & (grid27["eu_brake_strength_pct"] == 0.0)].iloc[0]
    shift = int(res.timeline.loc[res.timeline["is_employment"], "shift_months"].max())
    return ClaimEvidence(
        claim="Amazon's strategy is on a collision course with the EU AI Act, which classes AI "
              "used in hiring, promotion and performance management as high-risk.",
        measures={"classified_high_risk": bool(res.timeline["is_employment"].any()),
                  "duties_date": str(res.annex_iii["after_omnibus"]), "as_of": str(p["as_of"])},
        evidence=(
            f"The classification is supported: employment and worker management is an Annex III "
            f"high-risk area (the sources confirm the area; the list of covered uses, such as "
            f"recruitment and the monitoring and evaluation of workers, is not verified here). "
            f"The timing weakens the 'collision': the Digital Omnibus moved those duties from "
            f"{text.fmt_date(res.annex_iii['original'])} to "
            f"{text.fmt_date(res.annex_iii['after_omnibus'])}, {shift} months later and "
            f"{_timing(res)}. In "
            f"the projection, a brake holding back all AI-driven "
            f"cuts of an assumed {text.fmt_pct(p['eu_workforce_share_pct'])} EU share of the "
            f"workforce lowers the median further cuts by {cutoff} by "
            f"{text.fmt_roles(eff_after)} roles with the Omnibus date and by "
            f"{text.fmt_roles(eff_original)} with the original date, while without a brake the "
            f"{level} interval runs from {text.fmt_roles(band['lower'])} to "
            f"{text.fmt_roles(band['upper'])}."))


def _margins(res: RegulationResults) -> ClaimEvidence:
    f = res.facts
    total = res.margin_changes[SEGMENTS[0]]
    aws = res.margin_changes[SEGMENTS[1]]
    low = res.margins.loc[(res.margins["segment"] == SEGMENTS[0])
                          & (res.margins["year"] == res.margin_low_year)].iloc[0]
    reaction = ""
    move_low, move_high = f["share_reaction_low_pct"], f["share_reaction_high_pct"]
    if np.isfinite(move_low) and np.isfinite(move_high):
        fall = text.fmt_interval(*sorted((-move_low, -move_high)), fmt=text.fmt_pct)
        reaction = (f" Investors did not simply celebrate: the shares fell {fall} after hours "
                    f"when Amazon guided to about $200B of 2026 capex.")
    return ClaimEvidence(
        claim="Investors celebrate the cost-cutting while morale falls (margins over morale).",
        measures={"margin_change_pts": float(total["end_pct"] - total["start_pct"]),
                  "reaction_high_pct": float(move_high)},
        evidence=(
            f"Amazon's operating margin went from {text.fmt_pct(total['start_pct'], 1)} in "
            f"FY{res.margin_base_year}, the last year before its first corporate cuts, "
            f"through {text.fmt_pct(low['operating_margin_pct'], 1)} in "
            f"FY{res.margin_low_year} to {text.fmt_pct(total['end_pct'], 1)} in "
            f"FY{res.margin_last_year}, and the AWS "
            f"segment's from {text.fmt_pct(aws['start_pct'], 1)} to "
            f"{text.fmt_pct(aws['end_pct'], 1)}; the rounds came in the same years as many "
            f"other changes, and these data cannot separate the cuts' effect. The cuts' own "
            f"severance charges ({text.fmt_usd_m_as_bn(res.severance['severance_usd_m'], 1)}) "
            f"lowered the FY{res.margin_last_year} margin by "
            f"{text.fmt_value(round(res.severance['severance_pts'], 1))} points.{reaction}"))


def claim_evidence(res: RegulationResults) -> dict[str, ClaimEvidence]:
    """Evidence and the rules' numbers for chapter 4's three claims.

    Args:
        res: Chapter 4's results (:func:`analysis.chapters.regulation.compute`).

    Returns:
        Keys ``morale``, ``eu_collision``, ``margins``.
    """
    return {"morale": _morale(res), "eu_collision": _collision(res), "margins": _margins(res)}


# --- the page's glued values ---------------------------------------------------------------------


def _margin_values(res: RegulationResults) -> dict[str, str]:
    """Margins by segment, the severance charges and the market reaction."""
    seg, f = SEGMENTS, res.facts
    margin = res.margins.pivot_table(index="year", columns="segment",
                                     values="operating_margin_pct", dropna=False)
    base, low_year, last = res.margin_base_year, res.margin_low_year, res.margin_last_year
    return {
        "ch4_base_year": f"FY{base}",
        "ch4_low_year": f"FY{low_year}",
        "ch4_last_year": f"FY{last}",
        "ch4_total_base": text.fmt_pct(margin.loc[base, seg[0]], 1),
        "ch4_total_low": text.fmt_pct(margin.loc[low_year, seg[0]], 1),
        "ch4_total_last": text.fmt_pct(margin.loc[last, seg[0]], 1),
        "ch4_aws_base": text.fmt_pct(margin.loc[base, seg[1]], 1),
        "ch4_aws_last": text.fmt_pct(margin.loc[last, seg[1]], 1),
        "ch4_exaws_low": text.fmt_pct(margin.loc[low_year, seg[2]], 1),
        "ch4_exaws_last": text.fmt_pct(margin.loc[last, seg[2]], 1),
        "ch4_severance_bn": text.fmt_usd_m_as_bn(res.severance["severance_usd_m"], 1),
        "ch4_severance_pts": text.fmt_value(round(res.severance["severance_pts"], 1)),
        "ch4_margin_ex_severance": text.fmt_pct(res.severance["margin_ex_severance_pct"], 1),
        "ch4_share_fall": text.fmt_interval(-f["share_reaction_high_pct"],
                                            -f["share_reaction_low_pct"], fmt=text.fmt_pct),
        "ch4_mailbox_suggestions": text.fmt_count(f["mailbox_suggestions"]),
        "ch4_mailbox_changes": text.fmt_count(f["mailbox_changes"]),
    }


def _act_values(res: RegulationResults) -> dict[str, str]:
    """The Annex III dates and the Digital Omnibus's legislative steps."""
    steps = res.after_omnibus_dates
    annex = res.timeline[res.timeline["is_employment"]]
    return {
        "ch4_annex_original": text.fmt_date(res.annex_iii["original"]),
        "ch4_annex_after": text.fmt_date(res.annex_iii["after_omnibus"]),
        "ch4_annex_shift": text.fmt_count(annex["shift_months"].max()),
        "ch4_omnibus_proposed": text.fmt_date(steps["omnibus-proposed"]),
        "ch4_omnibus_agreement": text.fmt_date(steps["omnibus-provisional-agreement"]),
        "ch4_omnibus_council": text.fmt_date(steps["omnibus-council-approval"]),
        "ch4_omnibus_parliament": text.fmt_date(steps["omnibus-parliament-adoption"]),
        "ch4_omnibus_oj": text.fmt_date(steps["omnibus-official-journal"]),
        "ch4_omnibus_in_force": text.fmt_date(steps["omnibus-entry-into-force"]),
    }


def _brake_values(res: RegulationResults) -> dict[str, str]:
    """The projection at the page's settings and the brake grid's effects."""
    p, grid = res.params, res.grid
    head = res.headline.summary.set_index("reading")
    original, after = res.start_labels["original"], res.start_labels["after_omnibus"]
    grid27 = grid[grid["reading"] == "2027"].set_index(["start_label", "eu_brake_strength_pct"])
    return {
        "ch4_level": text.fmt_pct(float(p.interval_level_pct)),
        "ch4_cutoff": text.fmt_date(str(head.loc["2027", "cutoff_date"].date())),
        "ch4_cutoff_2026_next": text.fmt_date(str((head.loc["2026", "cutoff_date"]
                                                   + pd.Timedelta(days=1)).date())),
        "ch4_as_of": text.fmt_date(p.as_of),
        "ch4_eu_share": text.fmt_pct(p.eu_workforce_share_pct),
        "ch4_eu_staff": text.fmt_roles(res.eu_staff_as_of),
        "ch4_lead_months": text.fmt_count(p.eu_brake_lead_months),
        "ch4_strength": text.fmt_pct(p.eu_brake_strength_pct),
        "ch4_page_start": text.fmt_date(p.eu_brake_start),
        "ch4_head_median": text.fmt_roles(head.loc["2027", "median"]),
        "ch4_head_interval": text.fmt_interval(head.loc["2027", "interval_low"],
                                               head.loc["2027", "interval_high"]),
        "ch4_draws_per_point": text.fmt_count(grid["n_draws"].iloc[0]),
        "ch4_effect_after": text.fmt_roles(brake_effect_roles(grid, after)),
        "ch4_effect_original": text.fmt_roles(brake_effect_roles(grid, original)),
        "ch4_effect_original_2026": text.fmt_roles(
            brake_effect_roles(grid, original, reading="2026")),
        "ch4_effect_after_2026": text.fmt_roles(brake_effect_roles(grid, after, reading="2026")),
        "ch4_nobrake_interval": text.fmt_interval(grid27.loc[(after, 0.0), "lower"],
                                                  grid27.loc[(after, 0.0), "upper"]),
    }


def _number_values(res: RegulationResults) -> dict[str, str]:
    """Every glued value except the evidence and verdict texts."""
    return {**_margin_values(res), **_act_values(res), **_brake_values(res)}


def glue_values(res: RegulationResults, verdicts: Mapping[str, Judged]) -> dict[str, str]:
    """Every value the chapter 4 page glues, pre-formatted, by glue key.

    Args:
        res: Chapter 4's results.
        verdicts: The ledger's judgements of :func:`claim_evidence`
            (:func:`analysis.ledger.chapter_verdicts` of ``"ch4"``).

    Returns:
        Glue key -> text: the numbers, and ``ch4_evidence_<key>`` and ``ch4_verdict_<key>``
        for each claim.
    """
    return {**_number_values(res), **evidence_glue(PREFIX, claim_evidence(res), verdicts)}


def alt_texts(res: RegulationResults) -> dict[str, str]:
    """The text description of each chart, by figure name.

    The names are those of :func:`analysis.charts.regulation.figures`.
    """
    v = _number_values(res)
    return {
        "margins": (
            f"Two-panel chart. Top: operating margin by fiscal year for Amazon, the AWS "
            f"segment and Amazon excluding AWS; Amazon's margin falls to "
            f"{v['ch4_total_low']} in {v['ch4_low_year']} and rises to "
            f"{v['ch4_total_last']} in {v['ch4_last_year']}, while the AWS margin "
            f"stays far higher. Bottom: corporate roles announced as cut per year, largest in "
            f"2023 and again in 2025 and 2026."),
        "ai-act": (
            f"Timeline of EU AI Act milestones from 2024 to 2028: most dates are unchanged; "
            f"the Digital Omnibus moves the Annex III high-risk duties, which include "
            f"employment, from {v['ch4_annex_original']} to {v['ch4_annex_after']}, "
            f"just before the end of the forecast horizon, and also moves the Annex I and "
            f"Article 50 dates."),
        "brake": (
            f"Line chart with bands: median further corporate cuts by {v['ch4_cutoff']} "
            f"against EU brake strength from 0 to 100%, for the original and the post-Omnibus "
            f"Annex III dates; both lines fall only slightly as the brake strengthens, by "
            f"{v['ch4_effect_original']} and {v['ch4_effect_after']} roles at full "
            f"strength, well inside their wide bands."),
    }

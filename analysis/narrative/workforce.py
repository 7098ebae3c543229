"""Chapter 2 in words: the evidence on its claims and every value its page glues.

:func:`claim_evidence` gives the ledger the evidence sentences and the numbers its rules take;
:func:`glue_values` gives the page every pre-formatted number and text it glues, and
:func:`alt_texts` the text descriptions of its charts. All from
:class:`analysis.chapters.workforce.WorkforceResults`; numbers are formatted by
:mod:`analysis.text`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from analysis import study, text
from analysis.chapters import workforce
from analysis.chapters.workforce import WorkforceResults
from analysis.models.headline import fmt_observed
from analysis.narrative.evidence import ClaimEvidence, Judged, evidence_glue

__all__ = ["alt_texts", "claim_evidence", "glue_values"]

#: The page's glue prefix.
PREFIX = "ch2"


def _lower_first(label: str) -> str:
    """Lower-case a label's first letter for use mid-sentence, keeping acronyms ("AI")."""
    if len(label) > 1 and label[1].isupper():
        return label
    return label[:1].lower() + label[1:]


def _interval_text(row: Mapping[str, float], level_pct: float, sign: float = 1.0,
                   fmt: Any = text.fmt_roles) -> str:
    low, high = sorted((sign * row["lower"], sign * row["upper"]))
    return (f"{fmt(sign * row['median'])} ({text.fmt_pct(level_pct)} interval "
            f"{text.fmt_interval(low, high, fmt=fmt)})")


def claim_evidence(res: WorkforceResults) -> dict[str, ClaimEvidence]:
    """Evidence and the rules' numbers for chapter 2's four claims.

    Args:
        res: Chapter 2's results (:func:`analysis.chapters.workforce.compute`).

    Returns:
        Keys ``middle``, ``elite_hiring``, ``quiet_attrition``, ``internal_automation``.
    """
    p, f, level = res.params, res.facts, float(res.params["interval_level_pct"])
    cutoff = text.fmt_date(workforce.reading_cutoff(res.projection))
    exp = res.exposure
    lo_row = exp.loc[exp["exposure_human_pct"].idxmin()]
    hi_row = exp.loc[exp["exposure_human_pct"].idxmax()]
    totals = res.totals.set_index("component")
    years = f["rounds_naming_pxt_years"]
    pxt_years = "" if not years else (f", all in {years[0]}" if len(set(years)) == 1
                                      else f", all in {years[0]}-{years[-1]}")
    middle = ClaimEvidence(
        claim="The corporate middle is being hollowed out: process management, coordination, "
              "HR and routine analysis are targeted.",
        measures={"rounds_naming_middle": int(f["rounds_naming_pxt"]),
                  "rounds_counted": int(f["rounds_counted"])},
        evidence=(
            f"The announced rounds named business units rather than job functions, except HR "
            f"(PXT), named in {text.fmt_count(f['rounds_naming_pxt'])} of "
            f"{text.fmt_count(f['rounds_counted'])} corporate rounds{pxt_years}; the "
            f"Oct 2025 memo spoke of 'fewer layers'. Washington WARN notices for that round "
            f"({text.fmt_count(f['warn_washington_notices'])}) included more than 500 managers "
            f"but also more than 600 software engineers, and about "
            f"{text.fmt_pct(f['warn_engineering_share_pct'])} of the WARN-filed cuts in four "
            f"states were engineering roles. Published exposure does not single out the "
            f"middle: human-rated exposure runs only from "
            f"{text.fmt_pct(lo_row['exposure_human_pct'])} "
            f"({_lower_first(lo_row['family_label'])}) "
            f"to {text.fmt_pct(hi_row['exposure_human_pct'])} "
            f"({_lower_first(hi_row['family_label'])}), so in the projection the four middle "
            f"families ({text.fmt_pct(res.middle['headcount_share_pct'])} of the estimated "
            f"workforce) take {text.fmt_pct(res.middle['median'])} of the projected cuts by "
            f"{cutoff} ({text.fmt_pct(level)} interval "
            f"{text.fmt_interval(res.middle['lower'], res.middle['upper'], fmt=text.fmt_pct)})."
        ))
    hires = totals.loc["AI-specialist hires (assumed)"]
    layoffs = res.projection.draws["projected_cuts_2027"]
    elite = ClaimEvidence(
        claim="Amazon is hiring a smaller number of elite AI and machine-learning specialists "
              "in their place.",
        # no table in data/ holds a count of AI or machine-learning hires
        measures={"ai_hires_observed": float("nan")},
        evidence=(
            f"No sourced count of AI or machine-learning hires exists, so the claim cannot be "
            f"tested with these data. The projection assumes "
            f"{text.fmt_count(p['ai_specialist_hires_per_year'])} AI-specialist hires a year, "
            f"{_interval_text(hires, level)} from {text.fmt_date(p['as_of'])} to {cutoff}, "
            f"against a median of {text.fmt_roles(float(layoffs.median()))} projected "
            f"layoffs over the same period; both are assumptions, not observations."))
    quiet = ClaimEvidence(
        claim="Strict return-to-office mandates are tools to reduce headcount without "
              "severance ('quiet attrition').",
        # no table in data/ holds a corporate attrition series
        measures={"attrition_series": float("nan")},
        evidence=(
            f"Amazon publishes no corporate attrition, and the only source saying that staff "
            f"who did not comply with the five-day rule were treated as resigning without "
            f"severance is a single low-quality page. The model assumes the rule adds "
            f"{text.fmt_value(p['rto_attrition_uplift_pct'])} percentage points to "
            f"{text.fmt_pct(p['attrition_rate_pct'])} yearly attrition; that assumption alone "
            f"implies {_interval_text(res.quiet, level)} extra leavers from "
            f"{text.fmt_date(p['as_of'])} to {cutoff}, or "
            f"{text.fmt_roles(res.quiet['net_median'])} fewer staff after backfill: a "
            f"consequence of the assumption, not evidence of intent."))
    apps = f["genai_applications"]
    apps_text = f"more than {text.fmt_count(apps)}" if np.isfinite(apps) else "many"
    ai_cuts, all_cuts = f["challenger_ai_cuts_2026_01"], f["challenger_cuts_2026_01"]
    share = (f" (across the US, {text.fmt_pct(ai_cuts / all_cuts * 100)} of that month's "
             f"announced cuts were attributed to AI)"
             if np.isfinite(ai_cuts) and np.isfinite(all_cuts) and all_cuts > 0 else "")
    automation = ClaimEvidence(
        claim="Generative AI is being deployed in HR and operations to automate the "
              "administrative and analytical tasks of the people laid off.",
        # no source in data/ links a cut role to a task that was automated
        measures={"genai_applications": apps, "linked_task_sources": 0},
        evidence=(
            f"Jassy wrote in Jun 2025 that {apps_text} generative-AI services and applications "
            f"were built or in development and that AI would reduce the corporate workforce "
            f"'in the next few years'; no source in the data says which HR or operations tasks "
            f"were automated or links the cut roles to them. Challenger attributed Amazon's "
            f"Jan 2026 cuts more to over-hiring and reducing layers than to AI{share}, and "
            f"Jassy called the Oct 2025 cuts 'not really AI-driven'."))
    return {"middle": middle, "elite_hiring": elite, "quiet_attrition": quiet,
            "internal_automation": automation}


def _exposure_values(res: WorkforceResults) -> dict[str, str]:
    """Families, exposure and the projected cuts by family."""
    exp = res.exposure.set_index("family")
    cuts = res.cuts.set_index("family")
    lowest = res.exposure.loc[res.exposure["exposure_human_pct"].idxmin()]
    highest = res.exposure.loc[res.exposure["exposure_human_pct"].idxmax()]
    gpt4_top = res.exposure.loc[res.exposure["exposure_gpt4_pct"].idxmax()]
    top_cut = res.cuts.iloc[0]
    return {
        "ch2_headcount_base": text.fmt_count(res.params.corporate_headcount_base),
        "ch2_n_families": text.fmt_count(res.n_families),
        "ch2_exposure_definition": study.EXPOSURE_DEFINITION,
        "ch2_lowest_label": lowest["family_label"].lower(),
        "ch2_lowest_pct": text.fmt_pct(lowest["exposure_human_pct"]),
        "ch2_highest_label": highest["family_label"],
        "ch2_highest_pct": text.fmt_pct(highest["exposure_human_pct"]),
        "ch2_se_human_pct": text.fmt_pct(exp.loc["software_engineering", "exposure_human_pct"]),
        "ch2_se_gpt4_pct": text.fmt_pct(exp.loc["software_engineering", "exposure_gpt4_pct"]),
        "ch2_gpt4_top_label": gpt4_top["family_label"].lower(),
        "ch2_pm_human_pct": text.fmt_pct(exp.loc["process_program_management",
                                                 "exposure_human_pct"]),
        "ch2_hr_human_pct": text.fmt_pct(exp.loc["hr_people_pxt", "exposure_human_pct"]),
        "ch2_top_cut_label": top_cut["family_label"].lower(),
        "ch2_top_cut_median": text.fmt_roles(top_cut["median_roles"]),
        "ch2_top_cut_interval": text.fmt_interval(top_cut["lower_roles"],
                                                  top_cut["upper_roles"]),
        "ch2_se_share": text.fmt_pct(exp.loc["software_engineering", "headcount_share_pct"]),
        "ch2_cut_pct_min": text.fmt_pct(res.cuts["median_pct_of_family"].min(), 1),
        "ch2_cut_pct_max": text.fmt_pct(res.cuts["median_pct_of_family"].max(), 1),
        "ch2_middle_headcount_pct": text.fmt_pct(res.middle["headcount_share_pct"]),
        "ch2_middle_cut_pct": text.fmt_pct(res.middle["median"]),
        "ch2_middle_cut_interval": text.fmt_row_interval(res.middle, fmt=text.fmt_pct),
        "ch2_hr_cut_median": text.fmt_roles(cuts.loc["hr_people_pxt", "median_roles"]),
        "ch2_hr_cut_interval": text.fmt_interval(cuts.loc["hr_people_pxt", "lower_roles"],
                                                 cuts.loc["hr_people_pxt", "upper_roles"]),
    }


def _fact_values(res: WorkforceResults) -> dict[str, str]:
    """The sourced figures: rounds, WARN notices, memos, Challenger."""
    f = res.facts
    return {
        "ch2_rounds_counted": text.fmt_count(f["rounds_counted"]),
        "ch2_rounds_pxt": text.fmt_count(f["rounds_naming_pxt"]),
        "ch2_warn_wa": text.fmt_count(f["warn_washington_notices"]),
        "ch2_warn_eng_pct": text.fmt_pct(f["warn_engineering_share_pct"]),
        "ch2_ic_ratio_pct": text.fmt_pct(f["ic_ratio_increase_pct"]),
        "ch2_ic_deadline": text.fmt_date(f["ic_ratio_deadline"]),
        "ch2_rto_memo_date": text.fmt_date(f["rto_memo_date"]),
        "ch2_rto_effective": text.fmt_date(f["rto_effective"]),
        "ch2_genai_apps": text.fmt_count(f["genai_applications"]),
        "ch2_challenger_ai_pct": text.fmt_pct(f["challenger_ai_cuts_2026_01"]
                                              / f["challenger_cuts_2026_01"] * 100),
    }


def _mandate_values(res: WorkforceResults) -> dict[str, str]:
    """The manager-ratio mandate and the quiet-attrition assumption."""
    p, m, q = res.params, res.mandate, res.quiet
    return {
        "ch2_manager_share": text.fmt_pct(p.manager_share_pct),
        "ch2_ratio_change": text.fmt_pct(p.manager_ratio_change_pct),
        "ch2_managers_before": text.fmt_roles(m["managers_before"]),
        "ch2_managers_after": text.fmt_roles(m["managers_after"], sig=3),
        "ch2_ic_ratio_before": text.fmt_value(round(m["ic_per_manager_before"], 1)),
        "ch2_ic_ratio_after": text.fmt_value(round(m["ic_per_manager_after"], 1)),
        "ch2_mandate_roles": text.fmt_roles(m["manager_roles_removed"]),
        "ch2_mandate_pct": text.fmt_pct(m["removed_pct_of_workforce"], 1),
        "ch2_realised_pct": text.fmt_pct(p.delayering_realised_pct),
        "ch2_realised_roles": text.fmt_roles(m["realised_roles"]),
        "ch2_remaining_roles": text.fmt_roles(m["remaining_roles"]),
        "ch2_attrition_pct": text.fmt_pct(p.attrition_rate_pct),
        "ch2_uplift_pts": text.fmt_value(p.rto_attrition_uplift_pct),
        "ch2_uplift_share": text.fmt_pct(q["uplift_share_pct"]),
        "ch2_backfill_pct": text.fmt_pct(p.backfill_rate_pct),
        "ch2_quiet_median": text.fmt_roles(q["median"]),
        "ch2_quiet_interval": text.fmt_row_interval(q),
        "ch2_quiet_net_median": text.fmt_roles(q["net_median"]),
        "ch2_quiet_net_interval": text.fmt_interval(q["net_lower"], q["net_upper"]),
    }


def _flow_values(res: WorkforceResults) -> dict[str, str]:
    """The decomposition of the projected headcount change, to the 2027 reading."""
    totals = res.totals.set_index("component")
    delayer = totals.loc["de-layering"]
    specialists = totals.loc["AI-specialist hires (assumed)"]
    return {
        "ch2_delayer_median": text.fmt_roles(-delayer["median"]),
        "ch2_delayer_interval": text.fmt_row_interval(delayer, sign=-1.0),
        "ch2_observed_rounds": fmt_observed(res.observed_further_cuts),
        "ch2_ai_median": text.fmt_roles(-totals.loc["AI-driven layoffs", "median"]),
        "ch2_ai_interval": text.fmt_row_interval(totals.loc["AI-driven layoffs"], sign=-1.0),
        "ch2_attrition_median": text.fmt_roles(
            -totals.loc["baseline attrition", "median"]
            - totals.loc["extra attrition (return to office)", "median"]),
        "ch2_hires_backfill_median": text.fmt_roles(totals.loc["backfill hires", "median"]),
        "ch2_hires_ai_median": text.fmt_roles(specialists["median"]),
        "ch2_hires_ai_interval": text.fmt_row_interval(specialists),
        "ch2_specialist_per_year": text.fmt_count(res.params.ai_specialist_hires_per_year),
        "ch2_net_median": text.fmt_roles(-totals.loc["net change", "median"]),
        "ch2_net_interval": text.fmt_row_interval(totals.loc["net change"], sign=-1.0),
    }


def _number_values(res: WorkforceResults) -> dict[str, str]:
    """Every glued value except the evidence and verdict texts."""
    p = res.params
    return {
        "ch2_level": text.fmt_pct(float(p.interval_level_pct)),
        "ch2_cutoff": text.fmt_date(workforce.reading_cutoff(res.projection)),
        "ch2_as_of": text.fmt_date(p.as_of),
        "ch2_as_of_stock": text.fmt_roles(res.as_of_stock),
        **_exposure_values(res), **_fact_values(res), **_mandate_values(res),
        **_flow_values(res),
    }


def glue_values(res: WorkforceResults, verdicts: Mapping[str, Judged]) -> dict[str, str]:
    """Every value the chapter 2 page glues, pre-formatted, by glue key.

    Args:
        res: Chapter 2's results.
        verdicts: The ledger's judgements of :func:`claim_evidence`
            (:func:`analysis.ledger.chapter_verdicts` of ``"ch2"``).

    Returns:
        Glue key -> text: the numbers, and ``ch2_evidence_<key>`` and ``ch2_verdict_<key>``
        for each claim.
    """
    return {**_number_values(res), **evidence_glue(PREFIX, claim_evidence(res), verdicts)}


def alt_texts(res: WorkforceResults) -> dict[str, str]:
    """The text description of each chart, by figure name.

    The names are those of :func:`analysis.charts.workforce.figures`.
    """
    v = _number_values(res)
    return {
        "exposure": (
            f"Dot-range chart of {v['ch2_n_families']} job families: rated by human "
            f"annotators, the exposure score \u03b2 of Eloundou et al. lies between "
            f"{v['ch2_lowest_pct']} and {v['ch2_highest_pct']} for every family; GPT-4 "
            f"ratings differ by family, and software engineering rises to "
            f"{v['ch2_se_gpt4_pct']}."),
        "family-cuts": (
            f"Interval chart of projected corporate cuts by {v['ch2_cutoff']} per job family: "
            f"{v['ch2_top_cut_label']} has the most, a median of {v['ch2_top_cut_median']}; "
            f"the other families follow roughly in order of size, each with a wide interval."),
        "decomposition": (
            "Stacked bar chart of the flows of the corporate workforce per quarter to the "
            "horizon: announced rounds before the data cut-off, then in each projected "
            "quarter attrition, AI-driven layoffs, de-layering and return-to-office leavers "
            "below zero and backfill and AI-specialist hires above zero, with the net change "
            "marked."),
        "totals": (
            f"Interval chart of the total flows from October 2025 to {v['ch2_cutoff']}, median "
            f"and interval for each: attrition is the largest outflow, backfill hires the "
            f"largest inflow, AI-driven layoffs a median of {v['ch2_ai_median']}, and the net "
            f"change a loss of {v['ch2_net_median']}."),
    }

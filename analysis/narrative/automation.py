"""Chapter 3's words: glued numbers, chart descriptions, the plan table and claim evidence.

Everything here is built from :class:`analysis.chapters.automation.AutomationResults` and
formatted through :mod:`analysis.text`; nothing is computed that the results do not hold.
The page (``book/ch3-ai-native.md``) glues :func:`glue_values`, describes its charts with
:func:`alt_texts` and shows :func:`plan_table`; the claim ledger judges
:func:`claim_evidence`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from analysis import text
from analysis.chapters.automation import AutomationResults, PlanComparison
from analysis.models.curves import MODEL_LABELS

__all__ = ["MODEL_KEYS", "ClaimEvidence", "alt_texts", "claim_evidence", "glue_values",
           "plan_table"]

#: Curve model -> the short key of its glue names (``ch3_log_2033``, ``ch3_gom_sd``, ...).
MODEL_KEYS: dict[str, str] = {"logistic": "log", "gompertz": "gom", "log-linear": "ll"}


def _fixed(decimals: int) -> Callable[[float], str]:
    """A formatter with a fixed number of decimals and an ASCII minus (``f"{v:.2f}"``)."""
    return lambda v: f"{v:.{decimals}f}"


# --- glued numbers -------------------------------------------------------------------------


def _robot_counts(res: AutomationResults) -> dict[str, str]:
    ra = res.robots
    obs, growth = ra.observations, ra.growth
    first, last = obs.iloc[0], obs.iloc[-1]
    dens = res.density
    return {
        "ch3_level": f"{ra.level_pct}%",
        "ch3_n_counts": str(len(obs)),
        "ch3_robots_first": text.fmt_count(first["robots"]),
        "ch3_robots_first_when": f"{first['timing']} {first['year']}",
        "ch3_robots_last": text.fmt_count(last["robots"]),
        "ch3_robots_last_when": f"{last['timing']} {last['year']}",
        "ch3_growth_first": text.fmt_pct(growth["growth_pct_per_year"].iloc[0]),
        "ch3_growth_first_span": f"{growth['from_year'].iloc[0]}–{growth['to_year'].iloc[0]}",
        "ch3_growth_last": text.fmt_pct(growth["growth_pct_per_year"].iloc[-1]),
        "ch3_growth_last_span": f"{growth['from_year'].iloc[-1]}–{growth['to_year'].iloc[-1]}",
        "ch3_robots_cagr": text.fmt_pct(ra.cagr_pct),
        "ch3_density_first": f"{dens['robots_per_100_employees'].iloc[0]:.0f}",
        "ch3_density_first_year": str(dens["year"].iloc[0]),
        "ch3_density_last": f"{dens['robots_per_100_employees'].iloc[-1]:.0f}",
        "ch3_density_last_year": str(dens["year"].iloc[-1]),
    }


def _gompertz_profile(comp: pd.DataFrame) -> str:
    """The Gompertz profile interval, or "anything above" its lower end when unbounded."""
    low = comp.loc["gompertz", "ceiling_profile_lower"]
    if bool(comp.loc["gompertz", "ceiling_profile_upper_bounded"]):
        return text.fmt_interval(low, comp.loc["gompertz", "ceiling_profile_upper"])
    return f"anything above {text.fmt_roles(low)}"


def _curve_fits(res: AutomationResults) -> dict[str, str]:
    ra = res.robots
    comp = ra.comparison.set_index("model")
    out = {
        "ch3_log_ceiling": text.fmt_roles(comp.loc["logistic", "ceiling_robots"]),
        "ch3_log_ceiling_boot": text.fmt_interval(comp.loc["logistic", "ceiling_boot_lower"],
                                                  comp.loc["logistic", "ceiling_boot_upper"]),
        "ch3_log_ceiling_profile": text.fmt_interval(
            comp.loc["logistic", "ceiling_profile_lower"],
            comp.loc["logistic", "ceiling_profile_upper"]),
        "ch3_log_midpoint": f"{ra.fits['logistic'].params['midpoint_year']:.0f}",
        "ch3_gom_ceiling": text.fmt_roles(comp.loc["gompertz", "ceiling_robots"]),
        "ch3_gom_ceiling_profile": _gompertz_profile(comp),
        "ch3_gom_ceiling_boot": text.fmt_interval(comp.loc["gompertz", "ceiling_boot_lower"],
                                                  comp.loc["gompertz", "ceiling_boot_upper"]),
        "ch3_gom_ratio": f"{comp.loc['gompertz', 'ceiling_robots'] / comp.loc['logistic', 'ceiling_robots']:.0f}",  # noqa: E501
        "ch3_ll_growth": text.fmt_pct(ra.fits["log-linear"].params["growth_pct_per_year"]),
        "ch3_ll_growth_iv": text.fmt_interval(
            *ra.boots["log-linear"].interval("growth_pct_per_year"), text.fmt_pct),
        "ch3_aicc_best": MODEL_LABELS[comp["aicc"].idxmin()],
    }
    for m, key in MODEL_KEYS.items():
        out[f"ch3_{key}_2033"] = text.fmt_roles(comp.loc[m, "robots_horizon"])
        out[f"ch3_{key}_2033_iv"] = text.fmt_interval(comp.loc[m, "robots_horizon_lower"],
                                                      comp.loc[m, "robots_horizon_upper"])
        out[f"ch3_{key}_holdout"] = text.fmt_pct(comp.loc[m, "holdout_error_pct"], signed=True)
        out[f"ch3_{key}_sd"] = f"{comp.loc[m, 'sigma_log']:.2f}"
    return out


def _unverified(res: AutomationResults) -> dict[str, str]:
    figures = res.unverified
    n_counts = int((figures["table"] == "robot counts").sum())
    return {
        "ch3_unverified": "; ".join(figures["figure"]) if len(figures) else "none",
        "ch3_unverified_status": "included" if res.include_unreliable else "left out",
        "ch3_unverified_robots":
            "none of them is a robot count, so the curve fits are the same either way"
            if n_counts == 0 else
            f"{n_counts} of them are robot counts, so the setting changes the curve fits",
    }


def _savings_vs_ms(cmp: PlanComparison) -> str:
    """Where the plan's yearly savings fall against Morgan Stanley's range."""
    if cmp.savings_per_year_usd_bn > cmp.ms_savings_high_usd_bn:
        return "above"
    return "within" if cmp.savings_per_year_usd_bn >= cmp.ms_savings_low_usd_bn else "below"


def _plan(res: AutomationResults) -> dict[str, str]:
    cmp, plan = res.comparison, res.plan
    pace = cmp.robots_pace.set_index("model")
    added = cmp.robots_added_to_2027.set_index("model")
    out = {
        "ch3_plan_goal": text.fmt_pct(plan.automation_goal_pct),
        "ch3_plan_2027": text.fmt_count(plan.hires_avoided_2027),
        "ch3_plan_2033": text.fmt_count(plan.hires_avoided_2033),
        "ch3_plan_savings": text.fmt_usd_bn(plan.savings_2025_2027_usd_bn, 1),
        "ch3_plan_per_item": f"${plan.saving_per_item_usd:.2f}",
        "ch3_plan_workforce": text.fmt_count(plan.us_operations_workforce, sig=2),
        "ch3_plan_shreveport_pct": text.fmt_pct(plan.shreveport_fewer_workers_pct),
        "ch3_plan_sites": text.fmt_count(plan.shreveport_sites_2027),
        "ch3_plan_site_robots": text.fmt_count(plan.shreveport_robots),
        "ch3_seasonal_hires": text.fmt_count(plan.seasonal_hires_planned),
        "ch3_plan_start": str(cmp.plan_start_year),
        "ch3_pace_early": text.fmt_roles(cmp.hires_pace_early),
        "ch3_pace_late": text.fmt_roles(cmp.hires_pace_late),
        "ch3_pace_ratio": f"{cmp.hires_pace_ratio:.2f}",
        "ch3_counterfactual": text.fmt_roles(cmp.counterfactual_workforce_2033),
        "ch3_reduction": text.fmt_pct(cmp.reduction_vs_counterfactual_pct),
        "ch3_savings_per_year": text.fmt_usd_bn(cmp.savings_per_year_usd_bn, 1),
        "ch3_ms_savings": text.fmt_interval(cmp.ms_savings_low_usd_bn,
                                            cmp.ms_savings_high_usd_bn, text.fmt_usd_bn),
        "ch3_savings_vs_ms": _savings_vs_ms(cmp),
        "ch3_shreveport_robots": text.fmt_count(cmp.shreveport_design_robots),
        "ch3_shreveport_share": text.fmt_pct(cmp.shreveport_share_of_fleet_pct),
        "ch3_added_2027": text.fmt_roles(added.loc["logistic", "added"]),
        "ch3_added_2027_iv": text.fmt_interval(added.loc["logistic", "lower"],
                                               added.loc["logistic", "upper"]),
    }
    for m, key in MODEL_KEYS.items():
        out[f"ch3_{key}_pace_early"] = text.fmt_roles(pace.loc[m, "early"])
        out[f"ch3_{key}_pace_late"] = text.fmt_roles(pace.loc[m, "late"])
        out[f"ch3_{key}_pace_ratio_iv"] = text.fmt_interval(
            pace.loc[m, "ratio_lower"], pace.loc[m, "ratio_upper"], _fixed(2))
    return out


def _fy_list(years: tuple[int, ...], prefix: str = "FY") -> str:
    return " and ".join(f"{prefix}{y}" for y in years) or "no year"


def _aws(res: AutomationResults) -> dict[str, str]:
    s, tr = res.aws.summary, res.aws.trend
    return {
        "ch3_aws_first_year": f"FY{s.first_year}",
        "ch3_aws_last_year": f"FY{s.last_year}",
        "ch3_aws_sales_first": text.fmt_usd_m_as_bn(s.sales_first_usd_m, 1),
        "ch3_aws_sales_last": text.fmt_usd_m_as_bn(s.sales_last_usd_m),
        "ch3_aws_cagr": text.fmt_pct(s.sales_cagr_pct),
        "ch3_amzn_cagr": text.fmt_pct(s.amazon_sales_cagr_pct),
        "ch3_aws_growth_last": text.fmt_pct(s.growth_last_pct),
        "ch3_amzn_growth_last": text.fmt_pct(s.amazon_growth_last_pct),
        "ch3_aws_faster": f"{s.n_faster} of {s.n_compared}",
        "ch3_aws_margin_first": text.fmt_pct(s.margin_first_pct),
        "ch3_aws_margin_last": text.fmt_pct(s.margin_last_pct),
        "ch3_aws_trend": text.fmt_pct(tr.slope_pp_per_year, 1).replace("%", " points"),
        "ch3_aws_trend_iv": text.fmt_interval(tr.lower, tr.upper, _fixed(1)),
        "ch3_aws_share_oi": text.fmt_pct(s.share_oi_last_pct),
        "ch3_aws_share_sales": text.fmt_pct(s.share_sales_last_pct),
        "ch3_aws_over100": _fy_list(s.years_share_over_100),
        "ch3_aws_oi_capex": text.fmt_pct(s.oi_to_capex_last_pct),
    }


def glue_values(res: AutomationResults) -> dict[str, str]:
    """Every pre-formatted number and phrase the chapter page glues, by glue name.

    Args:
        res: The chapter's results.

    Returns:
        Glue name (``ch3_...``) -> text, including each claim's evidence
        (``ch3_evidence_<key>``); the verdicts come from the ledger.
    """
    out: dict[str, str] = {}
    for part in (_robot_counts, _curve_fits, _unverified, _plan, _aws):
        out.update(part(res))
    out.update({f"ch3_evidence_{key}": ev.evidence
                for key, ev in claim_evidence(res).items()})
    return out


# --- chart descriptions --------------------------------------------------------------------


def alt_texts(res: AutomationResults) -> dict[str, str]:
    """The text a screen reader reads instead of each chart, by figure name.

    Args:
        res: The chapter's results.

    Returns:
        Keys ``robots``, ``ceiling``, ``timeline``, ``aws-revenue-margin``, ``aws-share``.
    """
    obs = res.robots.observations
    first, last = obs.iloc[0], obs.iloc[-1]
    s = res.aws.summary
    return {
        "robots": (
            f"Line chart on a log scale: Amazon's robot count rose from "
            f"{text.fmt_count(first['robots'])} ({first['timing']} {first['year']}) to "
            f"{text.fmt_count(last['robots'])} ({last['timing']} {last['year']}). A logistic "
            "curve levels off near its ceiling, a Gompertz curve keeps rising more slowly, and "
            "a log-linear curve keeps growing exponentially to 2033; shaded bands show "
            "bootstrap intervals."),
        "ceiling": (
            "Line chart: for each assumed ceiling on a log scale, how much worse the best "
            "logistic and Gompertz fits become. The logistic line stays below the threshold "
            "only near one to one and a half million robots; the Gompertz line stays below it "
            "over a range of ceilings many times wider."),
        "timeline": "Timeline, one row per system: " + "; ".join(
            f"{r.system} ({r.start[:7]})" for r in res.timeline.itertuples()) + ".",
        "aws-revenue-margin": (
            f"Two panels. Top: bars of AWS net sales, from "
            f"{text.fmt_usd_m_as_bn(s.sales_first_usd_m)} in fiscal {s.first_year} to "
            f"{text.fmt_usd_m_as_bn(s.sales_last_usd_m)} in fiscal {s.last_year}. Bottom: AWS "
            f"operating margin, from {text.fmt_pct(s.margin_first_pct)} to "
            f"{text.fmt_pct(s.margin_last_pct)}, with a linear trend and its band."),
        "aws-share": (
            f"Grouped bars by fiscal year: AWS's share of Amazon's operating income "
            f"({text.fmt_pct(s.share_oi_last_pct)} in fiscal {s.last_year}; above 100% in "
            f"fiscal {_fy_list(s.years_share_over_100, prefix='')}), next to its share of net "
            f"sales ({text.fmt_pct(s.share_sales_last_pct)} in fiscal {s.last_year})."),
    }


# --- the plan table ------------------------------------------------------------------------


def _count_interval(low: float, high: float) -> str:
    return text.fmt_interval(low, high, text.fmt_count, sig=2)


def _robots_pace_text(cmp: PlanComparison, model: str, which: str) -> str:
    r = cmp.robots_pace.set_index("model").loc[model]
    return (f"{text.fmt_count(r[which], sig=2)} a year ({text.fmt_pct(cmp.level_pct)} "
            f"interval {_count_interval(r[which + '_lower'], r[which + '_upper'])})")


def plan_table(cmp: PlanComparison) -> pd.DataFrame:
    """The plan-versus-data comparison as a display table (formatted strings).

    Args:
        cmp: :attr:`AutomationResults.comparison`.

    Returns:
        Columns ``item``, ``leaked plan or source``, ``what the data show``, ``can it be
        checked?``.
    """
    lvl = f"{text.fmt_pct(cmp.level_pct)} interval"
    added = cmp.robots_added_to_2027.set_index("model")
    p = cmp.plan
    start = cmp.plan_start_year
    rows = [
        ("Share of operations automated",
         f"{text.fmt_pct(p.automation_goal_pct)}: the robotics team's 'ultimate' goal, no year",
         "Not observed: Amazon reports no share of tasks or operations automated; robot "
         "counts do not measure it", "no"),
        (f"Pace of hires avoided, {start}-2027 vs 2028-2033",
         f"{text.fmt_count(cmp.hires_pace_early, sig=2)} then "
         f"{text.fmt_count(cmp.hires_pace_late, sig=2)} a year (late/early "
         f"{text.fmt_decimal(cmp.hires_pace_ratio, 2)}), if counted from {start}",
         f"Robots added on the logistic curve: {_robots_pace_text(cmp, 'logistic', 'early')} "
         f"then {_robots_pace_text(cmp, 'logistic', 'late')}; log-linear: "
         f"{_robots_pace_text(cmp, 'log-linear', 'early')} then "
         f"{_robots_pace_text(cmp, 'log-linear', 'late')}",
         "only the shape: hires avoided are a counterfactual"),
        ("Scale of the 2033 figure",
         f"more than {text.fmt_count(p.hires_avoided_2033)} US hires avoided while sales "
         f"double; US workforce almost {text.fmt_count(p.us_operations_workforce)}",
         f"{text.fmt_pct(cmp.reduction_vs_counterfactual_pct)} below a workforce that grows "
         f"with sales ({text.fmt_count(cmp.counterfactual_workforce_2033)}), the same order as "
         f"Shreveport's {text.fmt_pct(p.shreveport_fewer_workers_pct)} fewer workers",
         "arithmetic only, under a stated assumption"),
        ("Shreveport design by end-2027",
         f"about {text.fmt_count(p.shreveport_sites_2027)} sites with about "
         f"{text.fmt_count(p.shreveport_robots)} robots each",
         f"{text.fmt_count(cmp.shreveport_design_robots)} robots, "
         f"{text.fmt_pct(cmp.shreveport_share_of_fleet_pct)} of the "
         f"latest fleet; the logistic curve adds "
         f"{text.fmt_count(added.loc['logistic', 'added'], sig=2)} robots by end-2027 ({lvl} "
         f"{_count_interval(added.loc['logistic', 'lower'], added.loc['logistic', 'upper'])})",
         "partly: site counts are not reported"),
        ("Savings",
         f"about {text.fmt_usd_bn(p.savings_2025_2027_usd_bn, 1)} over 2025-2027, i.e. "
         f"{text.fmt_usd_bn(cmp.savings_per_year_usd_bn, 1)} a year on average; about "
         f"{text.fmt_usd(p.saving_per_item_usd, 2)} per item",
         "Morgan Stanley: " + text.fmt_interval(cmp.ms_savings_low_usd_bn,
                                                cmp.ms_savings_high_usd_bn, text.fmt_usd_bn)
         + " a year by 2027",
         "no: Amazon reports no robotics savings"),
    ]
    return pd.DataFrame(rows, columns=["item", "leaked plan or source", "what the data show",
                                       "can it be checked?"])


# --- claim evidence ------------------------------------------------------------------------


@dataclass(frozen=True)
class ClaimEvidence:
    """The evidence on one claim of the original analysis (:mod:`analysis.ledger` decides).

    Attributes:
        claim: The claim, paraphrased.
        evidence: One to three sentences with the numbers (formatted by :mod:`analysis.text`).
        measures: The numbers the ledger's rule for this claim takes, by argument name.
    """

    claim: str
    evidence: str
    measures: Mapping[str, Any]


def _lights_out_text(res: AutomationResults) -> str:
    p, cmp = res.plan, res.comparison
    return (
        f"The documents were reported by the New York Times, but their "
        f"{text.fmt_pct(p.automation_goal_pct)} is the robotics team's 'ultimate' goal for "
        f"'operations' with no target year, not a share of warehouse tasks within a decade; "
        f"the dated targets are more than {text.fmt_count(p.hires_avoided_2027)} US hires "
        f"avoided by 2027 and {text.fmt_count(p.hires_avoided_2033)} by 2033, about "
        f"{text.fmt_pct(cmp.reduction_vs_counterfactual_pct)} of a workforce growing with "
        f"sales. The share of tasks automated is not observed, and Amazon called the "
        f"documents incomplete.")


def _robots_text(res: AutomationResults) -> str:
    ra = res.robots
    first, last = ra.observations.iloc[0], ra.observations.iloc[-1]
    comp = ra.comparison.set_index("model")
    lvl = text.fmt_pct(ra.level_pct)
    lo, hi = comp.loc["logistic", "ceiling_boot_lower"], comp.loc["logistic", "ceiling_boot_upper"]
    g_lo = comp.loc["gompertz", "ceiling_profile_lower"]
    g_hi = comp.loc["gompertz", "ceiling_profile_upper"]
    gompertz_text = (
        f"a Gompertz curve, also a close fit, allows any ceiling above "
        f"{text.fmt_count(g_lo, sig=2)}"
        if not bool(comp.loc["gompertz", "ceiling_profile_upper_bounded"]) else
        f"a Gompertz curve, also a close fit, allows "
        f"{text.fmt_interval(g_lo, g_hi, text.fmt_count, sig=2)} ({lvl} profile interval)")
    return (
        f"Robots deployed rose from {text.fmt_count(first['robots'])} ({first['year']}) to "
        f"{text.fmt_count(last['robots'])} ({last['year']}), about "
        f"{text.fmt_pct(ra.cagr_pct)} a year; growth has slowed, and a logistic curve puts the "
        f"ceiling at {text.fmt_count(comp.loc['logistic', 'ceiling_robots'], sig=2)} "
        f"({lvl} interval {text.fmt_interval(lo, hi, text.fmt_count, sig=2)}), but "
        f"{gompertz_text}: six counts do not pin down a ceiling.")


def _aws_text(res: AutomationResults) -> str:
    s = res.aws.summary
    return (
        f"AWS earned {text.fmt_pct(s.share_oi_last_pct)} of Amazon's operating income "
        f"in FY{s.last_year} on {text.fmt_pct(s.share_sales_last_pct)} of its net "
        f"sales, at a {text.fmt_pct(s.margin_last_pct)} margin, and grew faster than "
        f"Amazon in {s.n_faster} of {s.n_compared} years with data; but AWS capex, "
        f"Trainium, Bedrock and Anthropic figures are not in the sourced data, so whether "
        f"AWS is becoming the AI era's indispensable platform cannot be tested.")


_CLAIMS = {
    "lights_out": ("Leaked documents reveal an aggressive timeline to automate 75% of "
                   "warehouse tasks within a decade, driven by Sparrow and Proteus.",
                   _lights_out_text),
    "robots": ("Amazon's warehouse robot fleet is growing fast (Sparrow, Proteus and others).",
               _robots_text),
    "aws": ("Amazon is positioning AWS as the 'utility' for the AI era (Trainium, a "
            "marketplace of models including Anthropic's) and the indispensable platform of "
            "the AI economy.", _aws_text),
}


def claim_evidence(res: AutomationResults) -> dict[str, ClaimEvidence]:
    """Evidence and the rules' numbers for the chapter's three claims.

    Args:
        res: The chapter's results (its ``measures`` are the rules' numbers).

    Returns:
        Keys ``lights_out``, ``robots``, ``aws`` -> :class:`ClaimEvidence`.
    """
    return {key: ClaimEvidence(claim=claim, evidence=sentences(res),
                               measures=dict(res.measures[key]))
            for key, (claim, sentences) in _CLAIMS.items()}

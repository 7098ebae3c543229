"""Chapter 3, "The AI-native enterprise": robot counts, the leaked plan, milestones and AWS.

Calculations only, returning one frozen :class:`AutomationResults` from :func:`compute`
(the build's results cache calls it once per set of inputs). The curves are the general
library :mod:`analysis.models.curves`; the AWS analysis is :mod:`analysis.chapters.aws`; the
sentences, glue values and evidence text are in :mod:`analysis.narrative.automation`, the
charts in :mod:`analysis.charts.automation`, and the verdicts in :mod:`analysis.ledger`.

Conventions:
    * Robot counts are fitted on the natural log (:mod:`analysis.models.curves`), with the
      ceiling searched up to :data:`MAX_CEILING_ROBOTS`.
    * A count the source calls "year-end" is dated 31 Dec of its year; any other count (a
      mid-year announcement, or a figure whose month is not known) is dated 1 Jul of its year.
    * ``as_of`` (ISO date) cuts the data: a robot count or milestone counts once its date is on
      or before ``as_of``; a fiscal year once its year end (31 Dec) is.
    * Intervals are central percentile intervals at ``level_pct`` (e.g. 80 -> 10th-90th).
    * Frames in robots carry the unit in their column names (``ceiling_robots``,
      ``fitted_robots``, ...), as the charts' data downloads show them.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis import data
from analysis.chapters import aws as aws_chapter
from analysis.models import curves
from analysis.params import Params

__all__ = [
    "HORIZON_YEAR",
    "MAX_CEILING_ROBOTS",
    "PARAMETERS",
    "PLAN_START_YEAR",
    "AutomationResults",
    "LeakedPlan",
    "PlanComparison",
    "RobotAnalysis",
    "analyse_chapter",
    "analyse_robots",
    "claim_measures",
    "compute",
    "leaked_plan",
    "milestone_timeline",
    "plan_vs_curve",
    "robot_cagr_pct",
    "robot_density",
    "robot_growth",
    "robot_observations",
    "unverified_figures",
]

#: The parameters the chapter's results depend on (the results cache keys on these only).
PARAMETERS: tuple[str, ...] = ("as_of", "include_unreliable", "interval_level_pct", "seed")
MAX_CEILING_ROBOTS = 1e9  # upper search bound of a ceiling: 1,000 times the 2025 fleet
HORIZON_YEAR = 2033  # the leaked plan's horizon: curves are projected to its end
PLAN_START_YEAR = 2025  # year from which the plan's hires avoided are counted (assumption)

# Generic curve-library columns -> the chapter's columns in robots.
_BAND_ROBOTS = {"fitted": "fitted_robots", "median": "median_robots",
                "lower": "lower_robots", "upper": "upper_robots"}
_COMPARISON_ROBOTS = {"ceiling": "ceiling_robots", "horizon": "robots_horizon",
                      "horizon_lower": "robots_horizon_lower",
                      "horizon_upper": "robots_horizon_upper"}


# --- robot counts --------------------------------------------------------------------------


def robot_observations(robots: pd.DataFrame, as_of: str) -> pd.DataFrame:
    """Date the robot counts and keep those known by ``as_of``.

    A count whose note calls it a "year-end" count is dated 31 Dec of its year; any other count
    (a note saying "mid-year" or "not year-end", or a month not known) is dated 1 Jul.

    Args:
        robots: Frame from :func:`analysis.data.load_warehouse_robots` (``year``, ``robots``,
            ``is_lower_bound``, ``confidence``, ``note``).
        as_of: Data cut-off (ISO date).

    Returns:
        Columns ``year``, ``date`` (ISO string), ``t_year``, ``robots`` (float),
        ``is_lower_bound``, ``timing`` (``"year-end"`` or ``"mid-year"``), ``confidence``,
        oldest first.
    """
    needed = ["year", "robots", "is_lower_bound", "confidence", "note"]
    missing = [c for c in needed if c not in robots.columns]
    if missing:
        raise ValueError(f"robot counts lack column(s) {missing}")
    note = robots["note"].fillna("").str.lower()
    mid_year = note.str.contains("mid-year") | note.str.contains("not year-end")
    year_end = note.str.contains("year-end") & ~mid_year
    dates = [dt.date(int(y), 12, 31) if ye else dt.date(int(y), 7, 1)
             for y, ye in zip(robots["year"], year_end, strict=True)]
    out = pd.DataFrame({
        "year": robots["year"].astype("int64").to_numpy(),
        "date": [d.isoformat() for d in dates],
        "t_year": curves.decimal_year(dates),
        "robots": robots["robots"].astype(float).to_numpy(),
        "is_lower_bound": robots["is_lower_bound"].astype(bool).to_numpy(),
        "timing": np.where(year_end.to_numpy(), "year-end", "mid-year"),
        "confidence": robots["confidence"].astype(str).to_numpy(),
    })
    cutoff = dt.date.fromisoformat(as_of)
    keep = [dt.date.fromisoformat(d) <= cutoff for d in out["date"]]
    return out.loc[keep].sort_values("t_year", kind="stable").reset_index(drop=True)


def robot_growth(observations: pd.DataFrame) -> pd.DataFrame:
    """Average growth per year between consecutive robot counts.

    Args:
        observations: Frame from :func:`robot_observations`.

    Returns:
        Columns ``from_year``, ``to_year``, ``years`` (decimal years between the counts) and
        ``growth_pct_per_year`` (compound), one row per pair of consecutive counts.
    """
    t = observations["t_year"].to_numpy(dtype=float)
    y = observations["robots"].to_numpy(dtype=float)
    span = np.diff(t)
    return pd.DataFrame({
        "from_year": observations["year"].to_numpy()[:-1],
        "to_year": observations["year"].to_numpy()[1:],
        "years": span,
        "growth_pct_per_year": (np.power(y[1:] / y[:-1], 1.0 / span) - 1.0) * 100.0,
    })


def robot_cagr_pct(observations: pd.DataFrame) -> float:
    """Compound growth per year from the first robot count to the latest (%).

    Args:
        observations: Frame from :func:`robot_observations` (at least two counts).

    Returns:
        Growth in percent a year.
    """
    first, last = observations.iloc[0], observations.iloc[-1]
    years = float(last["t_year"] - first["t_year"])
    return float(((last["robots"] / first["robots"]) ** (1.0 / years) - 1.0) * 100.0)


def robot_density(observations: pd.DataFrame, annual: pd.DataFrame) -> pd.DataFrame:
    """Robots per 100 Amazon employees, for the years with both a count and a headcount.

    The robot count is global and may be mid-year; the headcount is Amazon's total year-end
    employees (all segments, all countries), not its warehouse workforce, which is not
    reported.

    Args:
        observations: Frame from :func:`robot_observations`.
        annual: Frame from :func:`analysis.data.load_annual` (``year``,
            ``employees_year_end``).

    Returns:
        Columns ``year``, ``timing``, ``robots``, ``employees_year_end``,
        ``robots_per_100_employees``.
    """
    merged = observations[["year", "timing", "robots"]].merge(
        annual[["year", "employees_year_end"]], on="year", how="inner")
    merged = merged.loc[merged["employees_year_end"].notna()].reset_index(drop=True)
    merged["robots_per_100_employees"] = merged["robots"] / merged["employees_year_end"] * 100.0
    return merged


@dataclass(frozen=True, eq=False)
class RobotAnalysis:
    """Everything the chapter says about the robot counts.

    Attributes:
        observations: Frame from :func:`robot_observations`.
        growth: Frame from :func:`robot_growth`.
        cagr_pct: From :func:`robot_cagr_pct`.
        fits: Model name -> :class:`analysis.models.curves.CurveFit`.
        boots: Model name -> :class:`analysis.models.curves.CurveBootstrap`.
        bands: Model name -> the bootstrap band in robots: ``date``, ``t_year``, ``model``,
            ``fitted_robots``, ``median_robots``, ``lower_robots``, ``upper_robots``,
            ``level``.
        profiles: Model name -> ceiling profile (logistic and Gompertz), with the ceiling as
            ``ceiling_robots``.
        comparison: :func:`analysis.models.curves.compare_models` with the columns in robots
            (``ceiling_robots``, ``robots_horizon``, ``robots_horizon_lower``,
            ``robots_horizon_upper``; the horizon is the end of :data:`HORIZON_YEAR`).
        level_pct: Interval level in percent.
    """

    observations: pd.DataFrame
    growth: pd.DataFrame
    cagr_pct: float
    fits: dict[str, curves.CurveFit]
    boots: dict[str, curves.CurveBootstrap]
    bands: dict[str, pd.DataFrame]
    profiles: dict[str, pd.DataFrame]
    comparison: pd.DataFrame
    level_pct: float

    @property
    def warnings(self) -> tuple[str, ...]:
        """All warning messages raised by fits and refits (deduplicated)."""
        found: list[str] = []
        for f in self.fits.values():
            found.extend(f.warnings)
        for b in self.boots.values():
            found.extend(b.warnings)
        return tuple(dict.fromkeys(found))


def analyse_robots(robots: pd.DataFrame, *, as_of: str, seed: int, level_pct: float,
                   n_boot: int = curves.DEFAULT_N_BOOT, last_year: int = HORIZON_YEAR
                   ) -> RobotAnalysis:
    """Fit the three curves, bootstrap them, profile the ceilings and compare.

    Args:
        robots: Frame from :func:`analysis.data.load_warehouse_robots`.
        as_of: Data cut-off (ISO date).
        seed: Seed of the bootstrap (each model uses a seed derived from it).
        level_pct: Interval level in percent.
        n_boot: Bootstrap replicates per model.
        last_year: Last year of the projection band.

    Returns:
        A :class:`RobotAnalysis`.
    """
    obs = robot_observations(robots, as_of)
    t, y = obs["t_year"].to_numpy(), obs["robots"].to_numpy()
    fits, boots, profiles = {}, {}, {}
    seeds = np.random.SeedSequence(seed).spawn(len(curves.MODEL_NAMES))
    for name, child in zip(curves.MODEL_NAMES, seeds, strict=True):
        fits[name] = curves.fit_curve(t, y, name, max_ceiling=MAX_CEILING_ROBOTS)
        boots[name] = curves.bootstrap_curve(
            fits[name], first_year=int(obs["year"].min()), last_year=last_year, n_boot=n_boot,
            seed=int(child.generate_state(1)[0]), level_pct=level_pct)
        if curves.has_ceiling(name):
            profiles[name] = curves.ceiling_profile(fits[name], level_pct=level_pct)
    comparison = curves.compare_models(fits, boots, profiles, last_year)
    return RobotAnalysis(
        observations=obs, growth=robot_growth(obs), cagr_pct=robot_cagr_pct(obs), fits=fits,
        boots=boots, bands={m: b.band.rename(columns=_BAND_ROBOTS) for m, b in boots.items()},
        profiles={m: p.rename(columns={"ceiling": "ceiling_robots"})
                  for m, p in profiles.items()},
        comparison=comparison.rename(columns=_COMPARISON_ROBOTS), level_pct=level_pct)


# --- the leaked plan -----------------------------------------------------------------------


@dataclass(frozen=True)
class LeakedPlan:
    """The figures of Amazon's internal automation plan as reported by the NYT (Oct 2025).

    Attributes:
        automation_goal_pct: Share of operations automated: the robotics team's "ultimate"
            goal, no target year (% of operations).
        hires_avoided_2027: US hires avoided by 2027 ("more than").
        hires_avoided_2033: US hires avoided by 2033 ("more than"), while sales double.
        savings_2025_2027_usd_bn: Cumulative savings over 2025-2027 (USD bn).
        saving_per_item_usd: Saving per item picked, packed and delivered (USD).
        us_operations_workforce: US operations workforce at the time (persons).
        shreveport_fewer_workers_pct: Shreveport robotic site: fewer workers than a comparable
            site (%).
        shreveport_robots: Robots at the Shreveport site.
        shreveport_sites_2027: Sites to get the Shreveport design by end-2027.
        seasonal_hires_planned: Amazon's response: seasonal hires planned for holiday 2025.
    """

    automation_goal_pct: float
    hires_avoided_2027: float
    hires_avoided_2033: float
    savings_2025_2027_usd_bn: float
    saving_per_item_usd: float
    us_operations_workforce: float
    shreveport_fewer_workers_pct: float
    shreveport_robots: float
    shreveport_sites_2027: float
    seasonal_hires_planned: float


_PLAN_METRICS = {
    "automation_goal_pct": "operations_automated_goal_pct",
    "hires_avoided_2027": "us_hires_avoided_by_2027",
    "hires_avoided_2033": "us_hires_avoided_by_2033",
    "savings_2025_2027_usd_bn": "cumulative_savings_2025_2027_usd_bn",
    "saving_per_item_usd": "saving_per_item_usd",
    "us_operations_workforce": "us_operations_workforce",
    "shreveport_fewer_workers_pct": "fewer_workers_than_comparable_site_pct",
    "shreveport_robots": "robots_at_site",
    "shreveport_sites_2027": "sites_with_design_by_end_2027",
    "seasonal_hires_planned": "seasonal_hires_planned",
}


def leaked_plan(milestones: pd.DataFrame) -> LeakedPlan:
    """Collect the leaked-plan figures from the milestones table.

    Args:
        milestones: Frame from :func:`analysis.data.load_automation_milestones`.

    Returns:
        A :class:`LeakedPlan`; a figure absent from the table (e.g. excluded as unverified) is
        NaN.

    Raises:
        ValueError: A metric appears more than once.
    """
    values: dict[str, float] = {}
    for attr, metric in _PLAN_METRICS.items():
        found = milestones.loc[milestones["metric"] == metric, "value"].dropna()
        if len(found) > 1:
            raise ValueError(f"metric {metric!r} appears {len(found)} times")
        values[attr] = float(found.iloc[0]) if len(found) else math.nan
    return LeakedPlan(**values)


def _plan_window_ends(plan_start_year: int) -> list[float]:
    # Start of the plan, end of 2027, end of 2033 (31 Dec as decimal years).
    return [float(plan_start_year), float(curves.decimal_year([dt.date(2027, 12, 31)])[0]),
            float(curves.decimal_year([dt.date(2033, 12, 31)])[0])]


@dataclass(frozen=True, eq=False)
class PlanComparison:
    """The leaked plan set against the fitted robot curves and an analyst benchmark.

    Attributes:
        plan: The plan's figures.
        plan_start_year: Year from which the plan's hires avoided are counted (assumption).
        hires_pace_early: Hires avoided per year, start of ``plan_start_year`` to end-2027.
        hires_pace_late: Hires avoided per year, 2028-2033.
        hires_pace_ratio: Late over early pace (above 1: the plan accelerates).
        robots_pace: One row per model: ``model``, ``early`` / ``late`` robots added per year
            (point fit), ``early_lower``/``early_upper``, ``late_lower``/``late_upper``,
            ``ratio`` (late over early, point fit), ``ratio_lower``/``ratio_upper``.
        counterfactual_workforce_2033: US operations workforce in 2033 if labour grew in
            proportion to sales (sales double): twice the reported workforce.
        reduction_vs_counterfactual_pct: Hires avoided by 2033 as a share of that
            counterfactual.
        savings_per_year_usd_bn: The plan's 2025-2027 savings per year on average.
        ms_savings_low_usd_bn: Morgan Stanley's robotics savings by 2027, low end (USD bn/yr).
        ms_savings_high_usd_bn: High end.
        shreveport_design_robots: Robots in the sites to get the Shreveport design by end-2027
            (sites times robots per site).
        fleet_latest_robots: Latest robot count.
        robots_added_to_2027: One row per model: robots added from the latest count to end-2027
            (``model``, ``added``, ``lower``, ``upper``).
        level_pct: Interval level in percent.
    """

    plan: LeakedPlan
    plan_start_year: int
    hires_pace_early: float
    hires_pace_late: float
    hires_pace_ratio: float
    robots_pace: pd.DataFrame
    counterfactual_workforce_2033: float
    reduction_vs_counterfactual_pct: float
    savings_per_year_usd_bn: float
    ms_savings_low_usd_bn: float
    ms_savings_high_usd_bn: float
    shreveport_design_robots: float
    fleet_latest_robots: float
    robots_added_to_2027: pd.DataFrame
    level_pct: float

    @property
    def shreveport_share_of_fleet_pct(self) -> float:
        """Robots of the Shreveport design by end-2027 as a share of the latest fleet (%)."""
        return self.shreveport_design_robots / self.fleet_latest_robots * 100


def _robot_pace(robots: RobotAnalysis, name: str, ends: list[float], t_latest: float,
                q: list[float]) -> tuple[dict[str, Any], dict[str, Any]]:
    """One model's robots added per year in the plan's two windows, and to end-2027."""
    early_years, late_years = ends[1] - ends[0], ends[2] - ends[1]
    pts = robots.fits[name].predict(ends + [t_latest])
    early = (pts[1] - pts[0]) / early_years
    late = (pts[2] - pts[1]) / late_years
    s = robots.boots[name].sample(ends + [t_latest])
    e_draw = (s[:, 1] - s[:, 0]) / early_years
    l_draw = (s[:, 2] - s[:, 1]) / late_years
    ratio_draw = l_draw / e_draw
    pace = {
        "model": name, "early": early, "late": late,
        "early_lower": float(np.quantile(e_draw, q[0])),
        "early_upper": float(np.quantile(e_draw, q[1])),
        "late_lower": float(np.quantile(l_draw, q[0])),
        "late_upper": float(np.quantile(l_draw, q[1])),
        "ratio": late / early,
        "ratio_lower": float(np.quantile(ratio_draw, q[0])),
        "ratio_upper": float(np.quantile(ratio_draw, q[1])),
    }
    added_draw = s[:, 1] - s[:, 3]
    added = {"model": name, "added": float(pts[1] - pts[3]),
             "lower": float(np.quantile(added_draw, q[0])),
             "upper": float(np.quantile(added_draw, q[1]))}
    return pace, added


def plan_vs_curve(plan: LeakedPlan, robots: RobotAnalysis, benchmarks: pd.DataFrame,
                  plan_start_year: int = PLAN_START_YEAR) -> PlanComparison:
    """Compare the leaked plan's timeline and scale with the fitted robot curves.

    The plan's hires avoided are counted from the start of ``plan_start_year`` (the year of the
    documents; the reports give no start). The counterfactual assumes the labour a given sales
    volume needs stays as in 2025, so doubling sales would double the US operations workforce;
    that is an assumption, stated wherever it is used.

    Args:
        plan: From :func:`leaked_plan`.
        robots: From :func:`analyse_robots`.
        benchmarks: Frame from :func:`analysis.data.load_benchmarks` (for Morgan Stanley's
            ``annual_robotics_savings``).
        plan_start_year: First year of the plan's windows.

    Returns:
        A :class:`PlanComparison`.
    """
    ends = _plan_window_ends(plan_start_year)
    pace_early = plan.hires_avoided_2027 / (ends[1] - ends[0])
    pace_late = (plan.hires_avoided_2033 - plan.hires_avoided_2027) / (ends[2] - ends[1])
    level = robots.level_pct
    q = [(1.0 - level / 100.0) / 2.0, (1.0 + level / 100.0) / 2.0]
    latest = robots.observations.iloc[-1]
    rows = [_robot_pace(robots, name, ends, float(latest["t_year"]), q)
            for name in curves.MODEL_NAMES]
    ms = benchmarks.loc[benchmarks["metric"] == "annual_robotics_savings"]
    ms_low = float(ms["value_low"].iloc[0]) if len(ms) else math.nan
    ms_high = float(ms["value_high"].iloc[0]) if len(ms) else math.nan
    counterfactual = 2.0 * plan.us_operations_workforce
    return PlanComparison(
        plan=plan, plan_start_year=plan_start_year, hires_pace_early=pace_early,
        hires_pace_late=pace_late, hires_pace_ratio=pace_late / pace_early,
        robots_pace=pd.DataFrame([pace for pace, _ in rows]),
        counterfactual_workforce_2033=counterfactual,
        reduction_vs_counterfactual_pct=plan.hires_avoided_2033 / counterfactual * 100.0,
        savings_per_year_usd_bn=plan.savings_2025_2027_usd_bn / 3.0,
        ms_savings_low_usd_bn=ms_low, ms_savings_high_usd_bn=ms_high,
        shreveport_design_robots=plan.shreveport_sites_2027 * plan.shreveport_robots,
        fleet_latest_robots=float(latest["robots"]),
        robots_added_to_2027=pd.DataFrame([added for _, added in rows]), level_pct=level)


# --- milestones ----------------------------------------------------------------------------

_PLAN_IDS = ("leaked-plan", "amazon-response")
_FLEET_IDS = ("million-robots", "shreveport", "packages-per-employee",
              "robotics-assisted-deliveries")
_PRECISION_MONTHS = {"day": 0, "month": 1, "quarter": 3, "half": 6, "year": 12}


def _lane(milestone_id: str) -> str:
    if milestone_id.startswith(_PLAN_IDS):
        return "leaked plan and response"
    if milestone_id.startswith(_FLEET_IDS):
        return "fleet and sites"
    return "robots and AI systems"


def _detail(metric: object, value: object, unit: object, note: object) -> str:
    """A milestone's figure as a data label (``"US hires avoided by 2033: 600,000 US hires"``)."""
    if isinstance(metric, str) and metric and value is not None and not pd.isna(value):
        v = float(value)
        shown = f"{v:,.0f}" if v.is_integer() else f"{v:,.2f}".rstrip("0").rstrip(".")
        words = re.sub(r"_(usd_bn|usd|pct)$", "", metric)
        words = re.sub(r"(\d{4})_(\d{4})", r"\1-\2", words).replace("_", " ")
        words = re.sub(r"\bus\b", "US", words)
        return f"{words}: {shown} {unit}"
    return str(note) if isinstance(note, str) and note else "event"


def milestone_timeline(milestones: pd.DataFrame, as_of: str) -> pd.DataFrame:
    """Milestones known by ``as_of``, one row per system and date, with the date's precision.

    Rows of the same system on the same date (e.g. the figures of the leaked plan) are merged
    into one, their details joined.

    Args:
        milestones: Frame from :func:`analysis.data.load_automation_milestones`.
        as_of: Data cut-off (ISO date).

    Returns:
        Columns ``system``, ``lane``, ``start`` / ``end`` / ``mid`` (ISO dates; ``end`` is the
        last day the date could be, from ``date_precision``), ``precision``, ``details``,
        ``confidence``, oldest first.
    """
    cutoff = pd.Timestamp(as_of)
    df = milestones.loc[milestones["date"] <= cutoff].copy()
    rows = []
    for (system, date, precision), grp in df.groupby(
            ["system_or_event", "date", "date_precision"], sort=False):
        start = pd.Timestamp(date)
        months = _PRECISION_MONTHS.get(str(precision), 0)
        end = start + pd.DateOffset(months=months) - pd.Timedelta(days=1) if months else start
        mid = start + (end - start) / 2
        details = "; ".join(_detail(m, v, u, n) for m, v, u, n in zip(
            grp["metric"], grp["value"], grp["unit"], grp["note"], strict=True))
        rows.append({"system": str(system), "lane": _lane(str(grp["milestone_id"].iloc[0])),
                     "start": start.date().isoformat(), "end": end.date().isoformat(),
                     "mid": mid.normalize().date().isoformat(), "precision": str(precision),
                     "details": details,
                     "confidence": ", ".join(sorted(set(grp["confidence"].astype(str))))})
    cols = ["system", "lane", "start", "end", "mid", "precision", "details", "confidence"]
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values(["start", "system"], kind="stable").reset_index(drop=True)


def unverified_figures(annual_long: pd.DataFrame, robots: pd.DataFrame,
                       milestones: pd.DataFrame) -> pd.DataFrame:
    """List the chapter's figures flagged ``unverified`` (loaded with unverified rows kept).

    Args:
        annual_long: :func:`analysis.data.load_table` ``("annual_financials", ...,
            include_unreliable=True)`` (long format: ``year``, ``metric``).
        robots: :func:`analysis.data.load_warehouse_robots` with ``include_unreliable=True``.
        milestones: :func:`analysis.data.load_automation_milestones` with
            ``include_unreliable=True``.

    Returns:
        Columns ``table`` and ``figure`` (a short description), one row per unverified figure.
    """
    rows: list[dict[str, str]] = []
    for r in annual_long.loc[annual_long["confidence"] == "unverified"].itertuples():
        words = re.sub(r"_usd_m$", "", str(r.metric)).replace("_", " ")
        rows.append({"table": "annual figures",
                     "figure": f"FY{int(r.year)} {words.replace('aws', 'AWS')}"})
    for r in robots.loc[robots["confidence"] == "unverified"].itertuples():
        rows.append({"table": "robot counts", "figure": f"{int(r.year)} robot count"})
    for r in milestones.loc[milestones["confidence"] == "unverified"].itertuples():
        rows.append({"table": "milestones", "figure": str(r.system_or_event)})
    return pd.DataFrame(rows, columns=["table", "figure"])


# --- claims: the numbers the ledger's rules take ---------------------------------------------


def claim_measures(robots: RobotAnalysis, plan: LeakedPlan, aws: aws_chapter.AwsResults
                   ) -> dict[str, dict[str, Any]]:
    """The numbers each of the chapter's claims is judged on, by claim key.

    Args:
        robots: From :func:`analyse_robots`.
        plan: From :func:`leaked_plan`.
        aws: From :func:`analysis.chapters.aws.analyse_aws`.

    Returns:
        Keys ``lights_out``, ``robots``, ``aws`` -> the keyword arguments of the ledger's rule
        for that claim (:data:`analysis.ledger.CHAPTER_CLAIMS` ``["ch3"]``).
    """
    return {
        # the reported goal is the robotics team's "ultimate" one, with no target year
        "lights_out": {"goal_pct": plan.automation_goal_pct, "claimed_pct": 75.0,
                       "goal_has_year": False},
        # the claim names the entire value chain; the data measure one part, the warehouse
        "robots": {"growth_pct_per_year": robots.cagr_pct, "parts_measured": 1,
                   "parts_claimed": 2},
        # no table in data/ holds AWS capex, Trainium, Bedrock or Anthropic figures
        "aws": {"ai_platform_measures": aws.ai_platform_measures},
    }


# --- the chapter ---------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class AutomationResults:
    """Everything chapter 3 computes, for the page, the claim ledger and the briefing.

    Attributes:
        robots: Curve fits and uncertainty.
        plan: The leaked plan's figures.
        comparison: The plan set against the curves.
        density: Robots per 100 employees (:func:`robot_density`).
        timeline: Milestones (:func:`milestone_timeline`).
        aws: The AWS analysis (:mod:`analysis.chapters.aws`).
        unverified: Figures flagged unverified in the chapter's tables
            (:func:`unverified_figures`), whether or not they are included.
        include_unreliable: Whether unverified figures were included.
        measures: Claim key -> the numbers its rule takes (:func:`claim_measures`).
    """

    robots: RobotAnalysis
    plan: LeakedPlan
    comparison: PlanComparison
    density: pd.DataFrame
    timeline: pd.DataFrame
    aws: aws_chapter.AwsResults
    unverified: pd.DataFrame
    include_unreliable: bool
    measures: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


def analyse_chapter(robots: pd.DataFrame, milestones: pd.DataFrame, annual: pd.DataFrame,
                    benchmarks: pd.DataFrame, *, as_of: str, seed: int, level_pct: float,
                    n_boot: int = curves.DEFAULT_N_BOOT,
                    plan_start_year: int = PLAN_START_YEAR,
                    unverified: pd.DataFrame | None = None,
                    include_unreliable: bool = False) -> AutomationResults:
    """Run the whole chapter on loaded frames: robot curves, the leaked plan, milestones, AWS.

    Args:
        robots: :func:`analysis.data.load_warehouse_robots` frame.
        milestones: :func:`analysis.data.load_automation_milestones` frame.
        annual: :func:`analysis.data.load_annual` frame.
        benchmarks: :func:`analysis.data.load_benchmarks` frame.
        as_of: Data cut-off (ISO date).
        seed: Seed of the bootstraps.
        level_pct: Interval level in percent.
        n_boot: Bootstrap replicates per model.
        plan_start_year: Year from which the plan's hires avoided are counted.
        unverified: :func:`unverified_figures` of the tables (default: none listed).
        include_unreliable: Whether the frames include unverified figures.

    Returns:
        An :class:`AutomationResults`.
    """
    ra = analyse_robots(robots, as_of=as_of, seed=seed, level_pct=level_pct, n_boot=n_boot)
    plan = leaked_plan(milestones.loc[milestones["date"] <= pd.Timestamp(as_of)])
    aws = aws_chapter.analyse_aws(annual, as_of, level_pct)
    return AutomationResults(
        robots=ra, plan=plan, comparison=plan_vs_curve(plan, ra, benchmarks, plan_start_year),
        density=robot_density(ra.observations, annual),
        timeline=milestone_timeline(milestones, as_of), aws=aws,
        unverified=unverified if unverified is not None
        else pd.DataFrame(columns=["table", "figure"]),
        include_unreliable=include_unreliable, measures=claim_measures(ra, plan, aws))


def compute(params: Params, data_dir: Path | None = None) -> AutomationResults:
    """Load the chapter's data and run it: the results cache's entry point.

    Args:
        params: Validated parameters; only :data:`PARAMETERS` are read.
        data_dir: Data folder (default: the repository's ``data/``).

    Returns:
        An :class:`AutomationResults`.
    """
    u = params.include_unreliable
    unverified = unverified_figures(
        data.load_table("annual_financials", data_dir, include_unreliable=True),
        data.load_warehouse_robots(include_unreliable=True, data_dir=data_dir),
        data.load_automation_milestones(include_unreliable=True, data_dir=data_dir))
    return analyse_chapter(
        data.load_warehouse_robots(include_unreliable=u, data_dir=data_dir),
        data.load_automation_milestones(include_unreliable=u, data_dir=data_dir),
        data.load_annual(include_unreliable=u, data_dir=data_dir),
        data.load_benchmarks(include_unreliable=u, data_dir=data_dir),
        as_of=params.as_of, seed=params.seed, level_pct=params.interval_level_pct,
        unverified=unverified, include_unreliable=u)

"""The corporate middle: job families, AI exposure, de-layering and "quiet attrition".

The calculations behind chapter 2 (and the claim ledger): :func:`compute` loads the tables
(:mod:`analysis.data`), runs the projection core (:mod:`analysis.models.projection`) and returns
one frozen :class:`WorkforceResults`. Sentences, evidence and glued values are in
:mod:`analysis.narrative.workforce`, charts and display tables in
:mod:`analysis.charts.workforce`. Nothing here writes files or reads globals.

The corporate workforce (about 350,000) and its split into job families are ESTIMATES: Amazon
files neither. Every count per family below inherits that.

Conventions: counts are persons or roles (floats, unrounded); ``*_pct`` columns are percent
(0-100); intervals are central intervals of ``level_pct`` percent of the Monte Carlo draws
(80 → 10th to 90th percentile) around the median.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis import data
from analysis.data import lookup_value
from analysis.data.layoff_rounds import corporate_rounds, is_corporate
from analysis.models import projection
from analysis.models.headline import observed_further_cuts
from analysis.params import Params, validate

__all__ = [
    "COMPONENT_ORDER",
    "FAMILY_PREFIX",
    "MIDDLE_FAMILIES",
    "PARAMETERS",
    "WorkforceResults",
    "analyse_workforce",
    "central_interval",
    "check_columns",
    "compute",
    "decomposition_by_quarter",
    "decomposition_totals",
    "family_cuts",
    "family_exposure",
    "group_share_of_cuts",
    "manager_mandate",
    "quiet_attrition",
    "reading_cutoff",
    "rounds_naming",
    "rto_extra_leavers",
    "stock_at_as_of",
]

#: Every parameter the projection, and so this chapter's results, depend on (the results
#: cache keys on these only).
PARAMETERS: tuple[str, ...] = (
    *projection.MODEL_PARAMETERS, "eu_brake_start", "eu_brake_lead_months", "as_of",
    "horizon_end", "include_unreliable", "mc_draws", "seed", "interval_level_pct")

#: Prefix of the per-family cut columns in ``ProjectionResult.draws``.
FAMILY_PREFIX = "projected_cuts_2027__"

#: The families the original analysis says are targeted: process management, coordination,
#: human resources and routine analysis ("the corporate middle").
MIDDLE_FAMILIES: tuple[str, ...] = (
    "process_program_management",
    "coordination_operations_support",
    "hr_people_pxt",
    "routine_analysis",
)

#: Flows of the headcount decomposition, in stacking order (outflows, then inflows).
COMPONENT_ORDER: tuple[str, ...] = (
    "announced rounds (observed)",
    "AI-driven layoffs",
    "de-layering",
    "baseline attrition",
    "extra attrition (return to office)",
    "backfill hires",
    "AI-specialist hires (assumed)",
)

# Columns the interval helpers read from ProjectionResult.draws, by component.
_TOTAL_COLUMNS: dict[str, str] = {
    "AI-driven layoffs": "layoffs_ai_{r}",
    "de-layering": "layoffs_delayering_{r}",
    "attrition (all)": "attrition_{r}",
    "hires": "hires_{r}",
}


def check_columns(df: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    """Raise ``ValueError`` naming the first of ``columns`` that ``df`` lacks.

    Args:
        df: The frame to check.
        columns: Required column names.
        what: The frame's name in the message.
    """
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{what}: missing column {missing[0]!r}")


def central_interval(values: np.ndarray | pd.Series | Sequence[float], level_pct: float
                     ) -> tuple[float, float, float]:
    """Return the median and the central interval of ``level_pct`` percent of ``values``.

    Args:
        values: Simulated values (finite).
        level_pct: Interval width in percent, between 0 and 100 (80 → 10th-90th percentile).

    Returns:
        ``(median, lower, upper)``.

    Raises:
        ValueError: No values, a non-finite value, or a level outside (0, 100).
    """
    arr = np.asarray(values, dtype=float)
    if arr.size == 0 or not np.all(np.isfinite(arr)):
        raise ValueError("values must be a non-empty array of finite numbers")
    if not 0.0 < float(level_pct) < 100.0:
        raise ValueError(f"level_pct must lie strictly between 0 and 100, got {level_pct!r}")
    tail = (100.0 - float(level_pct)) / 200.0
    median, lower, upper = np.quantile(arr, [0.5, tail, 1.0 - tail])
    return float(median), float(lower), float(upper)


# --- the projection's readings --------------------------------------------------------------


def reading_cutoff(result: projection.ProjectionResult, reading: str = "2027") -> str:
    """Return the cut-off date (ISO) of a reading: 31 Dec, or ``horizon_end`` if earlier.

    Args:
        result: A Monte Carlo projection.
        reading: ``"2026"`` or ``"2027"``.

    Raises:
        ValueError: The reading is not in the result's summary.
    """
    rows = result.summary.loc[result.summary["reading"] == reading, "cutoff_date"]
    if rows.empty:
        raise ValueError(f"no reading {reading!r} in the projection summary")
    return pd.Timestamp(rows.iloc[0]).date().isoformat()


def stock_at_as_of(result: projection.ProjectionResult) -> float:
    """The projected corporate workforce at ``as_of`` (start of the first projected step).

    Args:
        result: A projection (its ``deterministic`` path at the central parameter values).

    Returns:
        Persons, summed over the job families.
    """
    point = result.deterministic
    return float(point.loc[point["phase"] == "projected"].groupby("quarter_end")[
        "headcount_start"].sum().iloc[0])


# --- job families and exposure ---------------------------------------------------------------


def family_exposure(families: pd.DataFrame, corporate_headcount_base: float) -> pd.DataFrame:
    """Estimate each job family's size and its AI exposure under both published ratings.

    Args:
        families: :func:`analysis.data.load_job_families` (``family``, ``family_label``,
            ``headcount_share_pct``, ``ai_exposure_pct`` = human-annotator beta,
            ``ai_exposure_gpt4_pct`` = GPT-4-rated beta, ``is_ai_specialist``).
        corporate_headcount_base: Estimated corporate workforce, persons.

    Returns:
        One row per family, most exposed (human rating) first: ``family``, ``family_label``,
        ``headcount_share_pct``, ``headcount_est`` (persons), ``exposure_human_pct``,
        ``exposure_gpt4_pct``, ``exposure_low_pct`` and ``exposure_high_pct`` (the lower and
        higher of the two ratings), ``exposed_roles_human`` and ``exposed_roles_gpt4``
        (headcount times exposure: role-equivalents of exposed tasks, persons),
        ``exposure_rank`` (1 = most exposed, human rating), ``is_ai_specialist``.

    Raises:
        ValueError: A column is missing or the base is not positive.
    """
    check_columns(families, ["family", "family_label", "headcount_share_pct",
                             "ai_exposure_pct", "ai_exposure_gpt4_pct", "is_ai_specialist"],
                 "families")
    if not corporate_headcount_base > 0:
        raise ValueError("corporate_headcount_base must be positive")
    human = families["ai_exposure_pct"].astype(float)
    gpt4 = families["ai_exposure_gpt4_pct"].astype(float)
    headcount = families["headcount_share_pct"].astype(float) / 100.0 * corporate_headcount_base
    out = pd.DataFrame({
        "family": families["family"].astype(str),
        "family_label": families["family_label"].astype(str),
        "headcount_share_pct": families["headcount_share_pct"].astype(float),
        "headcount_est": headcount,
        "exposure_human_pct": human,
        "exposure_gpt4_pct": gpt4,
        "exposure_low_pct": np.minimum(human, gpt4),
        "exposure_high_pct": np.maximum(human, gpt4),
        "exposed_roles_human": headcount * human / 100.0,
        "exposed_roles_gpt4": headcount * gpt4 / 100.0,
        "is_ai_specialist": families["is_ai_specialist"].astype(bool),
    })
    out = out.sort_values(["exposure_human_pct", "family"], ascending=[False, True],
                          kind="stable").reset_index(drop=True)
    out.insert(len(out.columns) - 1, "exposure_rank", np.arange(1, len(out) + 1))
    return out


def family_cuts(draws: pd.DataFrame, families: pd.DataFrame, level_pct: float) -> pd.DataFrame:
    """Summarise the projected cuts to the 2027 reading per job family across draws.

    Cuts are the projection core's AI-driven and de-layering layoffs from ``as_of`` to the 2027
    reading (31 Dec 2027, or ``horizon_end`` if earlier; observed rounds are not split by
    family). The share of the family is taken per
    draw against the family's stock at ``as_of`` (the draw's workforce at ``as_of`` times the
    family's headcount share).

    Args:
        draws: ``ProjectionResult.draws`` (``projected_cuts_2027__<family>``,
            ``headcount_2027``, ``net_headcount_change_2027``).
        families: The job families the projection was run with.
        level_pct: Interval width in percent.

    Returns:
        One row per family, largest median first: ``family``, ``family_label``,
        ``median_roles``, ``lower_roles``, ``upper_roles``, ``median_pct_of_family``,
        ``lower_pct_of_family``, ``upper_pct_of_family``, ``level_pct``, ``cut_rank``
        (1 = most roles).

    Raises:
        ValueError: A family has no column in ``draws``, or a column is missing.
    """
    check_columns(draws, ["headcount_2027", "net_headcount_change_2027"], "draws")
    check_columns(families, ["family", "family_label", "headcount_share_pct"], "families")
    stock_as_of = (draws["headcount_2027"] - draws["net_headcount_change_2027"]).to_numpy(float)
    rows = []
    for fam in families.itertuples(index=False):
        column = FAMILY_PREFIX + str(fam.family)
        if column not in draws.columns:
            raise ValueError(f"draws: no column {column!r} for family {fam.family!r}")
        cuts = draws[column].to_numpy(float)
        stock = stock_as_of * float(fam.headcount_share_pct) / 100.0
        pct = np.divide(cuts, stock, out=np.zeros_like(cuts), where=stock > 0) * 100.0
        med, lo, hi = central_interval(cuts, level_pct)
        pmed, plo, phi = central_interval(pct, level_pct)
        rows.append({"family": str(fam.family), "family_label": str(fam.family_label),
                     "median_roles": med, "lower_roles": lo, "upper_roles": hi,
                     "median_pct_of_family": pmed, "lower_pct_of_family": plo,
                     "upper_pct_of_family": phi, "level_pct": float(level_pct)})
    out = pd.DataFrame(rows).sort_values(["median_roles", "family"], ascending=[False, True],
                                         kind="stable").reset_index(drop=True)
    out["cut_rank"] = np.arange(1, len(out) + 1)
    return out


def group_share_of_cuts(draws: pd.DataFrame, families: pd.DataFrame, group: Sequence[str],
                        level_pct: float) -> dict[str, float]:
    """Share of the projected cuts to the 2027 reading that falls on a group of families.

    The share is taken per draw (the group's cuts over all families' projected cuts) and then
    summarised, so it is not a ratio of medians.

    Args:
        draws: ``ProjectionResult.draws`` with a ``projected_cuts_2027__<family>`` column per
            family.
        families: The job families the projection was run with (``family``,
            ``headcount_share_pct``).
        group: Family ids of the group (e.g. :data:`MIDDLE_FAMILIES`).
        level_pct: Interval width in percent.

    Returns:
        ``headcount_share_pct`` (the group's estimated share of the workforce), ``median``,
        ``lower`` and ``upper`` (its share of projected cuts, percent), ``level_pct``.

    Raises:
        ValueError: A group member is not a family, or a column is missing.
    """
    ids = [str(f) for f in families["family"]]
    unknown = [g for g in group if g not in ids]
    if unknown or not group:
        raise ValueError(f"group: unknown family {unknown[0]!r}" if unknown
                         else "group: no families")
    columns = [FAMILY_PREFIX + f for f in ids]
    check_columns(draws, columns, "draws")
    total = draws[columns].to_numpy(float).sum(axis=1)
    part = draws[[FAMILY_PREFIX + g for g in group]].to_numpy(float).sum(axis=1)
    share = np.divide(part, total, out=np.zeros_like(part), where=total > 0) * 100.0
    med, lo, hi = central_interval(share, level_pct)
    headcount = float(families.loc[families["family"].isin(list(group)),
                                   "headcount_share_pct"].astype(float).sum())
    return {"headcount_share_pct": headcount, "median": med, "lower": lo, "upper": hi,
            "level_pct": float(level_pct)}


# --- de-layering -----------------------------------------------------------------------------


def manager_mandate(headcount: float, manager_share_pct: float, manager_ratio_change_pct: float,
                    delayering_realised_pct: float) -> dict[str, float]:
    """Work out what a rise in individual contributors (ICs) per manager means in roles.

    The mandate (Jassy memo, 16 Sep 2024) raises ICs per manager by ``r`` percent. Holding the
    number of ICs fixed, the number of managers must fall to ``managers / (1 + r)``; this is the
    same rule the projection core applies (it adds the unrealised part to its cuts).

    Args:
        headcount: Workforce the mandate applies to, persons.
        manager_share_pct: Managers as a percent of that workforce (0 < m < 100).
        manager_ratio_change_pct: Rise in ICs per manager, percent (>= 0).
        delayering_realised_pct: Part of the manager reduction already done, percent (0-100).

    Returns:
        ``managers_before``, ``ics`` (persons), ``ic_per_manager_before``,
        ``ic_per_manager_after`` (ratios), ``managers_after``, ``manager_roles_removed``
        (the whole mandate), ``realised_roles`` and ``remaining_roles`` (roles), and
        ``removed_pct_of_workforce`` (percent).

    Raises:
        ValueError: A value is out of range.
    """
    if not headcount > 0:
        raise ValueError("headcount must be positive")
    if not 0.0 < manager_share_pct < 100.0:
        raise ValueError("manager_share_pct must lie strictly between 0 and 100")
    if manager_ratio_change_pct < 0:
        raise ValueError("manager_ratio_change_pct must not be negative")
    if not 0.0 <= delayering_realised_pct <= 100.0:
        raise ValueError("delayering_realised_pct must lie between 0 and 100")
    managers = headcount * manager_share_pct / 100.0
    ics = headcount - managers
    growth = 1.0 + manager_ratio_change_pct / 100.0
    managers_after = managers / growth
    removed = managers - managers_after
    realised = removed * delayering_realised_pct / 100.0
    return {
        "managers_before": managers,
        "ics": ics,
        "ic_per_manager_before": ics / managers,
        "ic_per_manager_after": ics / managers_after,
        "managers_after": managers_after,
        "manager_roles_removed": removed,
        "realised_roles": realised,
        "remaining_roles": removed - realised,
        "removed_pct_of_workforce": removed / headcount * 100.0,
    }


# --- quiet attrition --------------------------------------------------------------------------


def rto_extra_leavers(attrition: np.ndarray | float, attrition_rate_pct: np.ndarray | float,
                      rto_attrition_uplift_pct: np.ndarray | float,
                      backfill_rate_pct: np.ndarray | float) -> dict[str, np.ndarray]:
    """Split modelled attrition into the part the return-to-office uplift adds.

    The projection core applies one leaving rate, ``attrition_rate_pct +
    rto_attrition_uplift_pct`` per year, to the stock; the uplift's share of the leavers is
    therefore ``uplift / (rate + uplift)``. A share ``backfill_rate_pct`` of leavers is
    replaced, so the uplift lowers headcount by ``extra × (1 − backfill)``. The uplift is an
    ASSUMPTION: no sourced attrition data exists.

    Args:
        attrition: Leavers over a period (scalar or per draw), persons.
        attrition_rate_pct: Baseline attrition, percent per year (same shape or scalar).
        rto_attrition_uplift_pct: Uplift, percentage points per year.
        backfill_rate_pct: Share of leavers replaced, percent.

    Returns:
        ``extra_leavers`` and ``net_headcount_effect`` (extra leavers not replaced), persons,
        as arrays (0 where both rates are 0).

    Raises:
        ValueError: A negative rate or leaver count.
    """
    leavers = np.asarray(attrition, dtype=float)
    rate = np.asarray(attrition_rate_pct, dtype=float)
    uplift = np.asarray(rto_attrition_uplift_pct, dtype=float)
    backfill = np.asarray(backfill_rate_pct, dtype=float)
    if np.any(leavers < 0) or np.any(rate < 0) or np.any(uplift < 0):
        raise ValueError("attrition and the rates must not be negative")
    if np.any((backfill < 0) | (backfill > 100)):
        raise ValueError("backfill_rate_pct must lie between 0 and 100")
    total = rate + uplift
    share = np.divide(uplift, total, out=np.zeros(np.broadcast(uplift, total).shape),
                      where=total > 0)
    extra = leavers * share
    return {"extra_leavers": extra, "net_headcount_effect": extra * (1.0 - backfill / 100.0)}


def quiet_attrition(draws: pd.DataFrame, inputs: pd.DataFrame, params: Mapping[str, float],
                    level_pct: float, reading: str = "2027") -> dict[str, float]:
    """Extra leavers implied by the return-to-office uplift, from ``as_of`` to a reading.

    Args:
        draws: ``ProjectionResult.draws`` (``attrition_<reading>``).
        inputs: ``ProjectionResult.inputs`` (drawn ``attrition_rate_pct``,
            ``rto_attrition_uplift_pct``, ``backfill_rate_pct``; a parameter that is not drawn
            is taken from ``params``).
        params: Parameter values (for the point estimate and undrawn parameters).
        level_pct: Interval width in percent.
        reading: ``"2026"`` or ``"2027"``.

    Returns:
        ``median``, ``lower``, ``upper`` of extra leavers and ``net_median``, ``net_lower``,
        ``net_upper`` of their net headcount effect (persons), ``uplift_share_pct`` (the
        uplift's share of all leavers at the parameter values) and ``level_pct``.
    """
    column = f"attrition_{reading}"
    check_columns(draws, [column], "draws")
    names = ("attrition_rate_pct", "rto_attrition_uplift_pct", "backfill_rate_pct")
    values = {n: (inputs[n].to_numpy(float) if n in inputs.columns else float(params[n]))
              for n in names}
    split = rto_extra_leavers(draws[column].to_numpy(float), *(values[n] for n in names))
    med, lo, hi = central_interval(split["extra_leavers"], level_pct)
    nmed, nlo, nhi = central_interval(split["net_headcount_effect"], level_pct)
    total = float(params["attrition_rate_pct"]) + float(params["rto_attrition_uplift_pct"])
    share = float(params["rto_attrition_uplift_pct"]) / total * 100.0 if total > 0 else 0.0
    return {"median": med, "lower": lo, "upper": hi, "net_median": nmed, "net_lower": nlo,
            "net_upper": nhi, "uplift_share_pct": share, "level_pct": float(level_pct)}


# --- decomposition of the headcount change -------------------------------------------------


def _step_label(end: pd.Timestamp) -> str:
    quarter = (end.month - 1) // 3 + 1
    if end.is_quarter_end:
        return f"{end.year} Q{quarter}"
    return f"to {end.day} {end:%b %Y}"


def decomposition_by_quarter(point: pd.DataFrame, attrition_rate_pct: float,
                             rto_attrition_uplift_pct: float, backfill_rate_pct: float
                             ) -> pd.DataFrame:
    """Decompose the projected corporate headcount change per step into its flows.

    Args:
        point: ``project_point`` output (or ``ProjectionResult.deterministic``): one row per
            step and family with ``quarter_end``, ``phase``, ``observed_cuts``,
            ``layoffs_ai``, ``layoffs_delayering``, ``attrition``, ``hires``.
        attrition_rate_pct: Baseline attrition used, percent per year.
        rto_attrition_uplift_pct: Return-to-office uplift used, percentage points per year.
        backfill_rate_pct: Share of leavers replaced, percent; hires above the backfill are
            the assumed AI-specialist hires.

    Returns:
        Tidy frame, one row per step and component of :data:`COMPONENT_ORDER`:
        ``quarter_end`` (timestamp, step end), ``step`` (label such as ``"2026 Q3"``),
        ``phase``, ``component``, ``order`` (stacking order), ``roles`` (signed: outflows
        negative, hires positive, persons). Components sum to the step's headcount change.
    """
    check_columns(point, ["quarter_end", "phase", "observed_cuts", "layoffs_ai",
                          "layoffs_delayering", "attrition", "hires"], "point")
    flows = point.groupby("quarter_end", sort=True).agg(
        phase=("phase", "first"), observed=("observed_cuts", "sum"),
        ai=("layoffs_ai", "sum"), dl=("layoffs_delayering", "sum"),
        attrition=("attrition", "sum"), hires=("hires", "sum"))
    total = attrition_rate_pct + rto_attrition_uplift_pct
    uplift_share = rto_attrition_uplift_pct / total if total > 0 else 0.0
    signed = {
        COMPONENT_ORDER[0]: -flows["observed"],
        COMPONENT_ORDER[1]: -flows["ai"],
        COMPONENT_ORDER[2]: -flows["dl"],
        COMPONENT_ORDER[3]: -flows["attrition"] * (1.0 - uplift_share),
        COMPONENT_ORDER[4]: -flows["attrition"] * uplift_share,
        COMPONENT_ORDER[5]: flows["attrition"] * backfill_rate_pct / 100.0,
        COMPONENT_ORDER[6]: flows["hires"] - flows["attrition"] * backfill_rate_pct / 100.0,
    }
    frames = []
    for order, (component, values) in enumerate(signed.items()):
        frames.append(pd.DataFrame({
            "quarter_end": flows.index.to_numpy(),
            "step": [_step_label(pd.Timestamp(t)) for t in flows.index],
            "phase": flows["phase"].to_numpy(),
            "component": component,
            "order": order,
            "roles": values.to_numpy(float),
        }))
    out = pd.concat(frames, ignore_index=True)
    return out.sort_values(["quarter_end", "order"], kind="stable").reset_index(drop=True)


def decomposition_totals(draws: pd.DataFrame, inputs: pd.DataFrame,
                         params: Mapping[str, float], level_pct: float, reading: str = "2027"
                         ) -> pd.DataFrame:
    """Total each flow of the headcount change from 28 Oct 2025 to a reading, with intervals.

    The 28 Oct 2025 round itself is the starting point and is not a flow here. Each
    component's interval is its own (marginal) interval across draws; the intervals of the
    components do not add up to the interval of the net change.

    Args:
        draws: ``ProjectionResult.draws``.
        inputs: ``ProjectionResult.inputs`` (to split attrition, see :func:`quiet_attrition`).
        params: Parameter values (for parameters that are not drawn).
        level_pct: Interval width in percent.
        reading: ``"2026"`` or ``"2027"``.

    Returns:
        One row per component, in :data:`COMPONENT_ORDER` and then ``"net change"``:
        ``component``, ``median``, ``lower``, ``upper`` (signed persons; outflows negative),
        ``level_pct``, ``order``.
    """
    cols = {k: v.format(r=reading) for k, v in _TOTAL_COLUMNS.items()}
    check_columns(draws, [*cols.values(), "observed_further_cuts",
                          f"net_headcount_change_{reading}"], "draws")
    names = ("attrition_rate_pct", "rto_attrition_uplift_pct", "backfill_rate_pct")
    values = {n: (inputs[n].to_numpy(float) if n in inputs.columns else float(params[n]))
              for n in names}
    attrition = draws[cols["attrition (all)"]].to_numpy(float)
    extra = rto_extra_leavers(attrition, *(values[n] for n in names))["extra_leavers"]
    backfill = attrition * np.asarray(values["backfill_rate_pct"], dtype=float) / 100.0
    observed = draws["observed_further_cuts"].to_numpy(float)
    series = {
        COMPONENT_ORDER[0]: -observed,
        COMPONENT_ORDER[1]: -draws[cols["AI-driven layoffs"]].to_numpy(float),
        COMPONENT_ORDER[2]: -draws[cols["de-layering"]].to_numpy(float),
        COMPONENT_ORDER[3]: -(attrition - extra),
        COMPONENT_ORDER[4]: -extra,
        COMPONENT_ORDER[5]: backfill,
        COMPONENT_ORDER[6]: draws[cols["hires"]].to_numpy(float) - backfill,
        "net change": draws[f"net_headcount_change_{reading}"].to_numpy(float) - observed,
    }
    rows = []
    for order, (component, vals) in enumerate(series.items()):
        med, lo, hi = central_interval(vals, level_pct)
        rows.append({"component": component, "median": med, "lower": lo, "upper": hi,
                     "level_pct": float(level_pct), "order": order})
    return pd.DataFrame(rows)


# --- the announced rounds ----------------------------------------------------------------------


def rounds_naming(rounds: pd.DataFrame, pattern: str) -> pd.DataFrame:
    """Return the corporate rounds whose ``organisation`` matches a regular expression.

    Args:
        rounds: :func:`analysis.data.load_layoff_rounds` output.
        pattern: Case-insensitive regular expression, e.g. ``"PXT|people experience"``.

    Returns:
        The matching rows (all columns), oldest first.
    """
    check_columns(rounds, ["organisation", "is_corporate", "announced"], "rounds")
    hit = rounds["organisation"].astype(str).str.contains(pattern, case=False, regex=True)
    out = rounds.loc[hit & is_corporate(rounds)]
    return out.sort_values("announced", kind="stable").reset_index(drop=True)


# --- the chapter in one call -------------------------------------------------------------------


@dataclass(frozen=True)
class WorkforceResults:
    """Everything chapter 2 computes, for the page, the claim ledger and the briefing.

    Attributes:
        params: The parameters used.
        projection: The Monte Carlo projection (``mc_draws`` draws).
        exposure: :func:`family_exposure`.
        cuts: :func:`family_cuts` (to the 2027 reading).
        middle: :func:`group_share_of_cuts` for :data:`MIDDLE_FAMILIES`.
        mandate: :func:`manager_mandate` applied to ``corporate_headcount_base``.
        quiet: :func:`quiet_attrition` to the 2027 reading.
        quarters: :func:`decomposition_by_quarter` of the deterministic path.
        totals: :func:`decomposition_totals` to the 2027 reading.
        rounds: Every corporate round announced, nested ones included
            (:func:`analysis.data.layoff_rounds.corporate_rounds`), in the table's order.
        facts: Sourced figures the chapter quotes, by name: ``rounds_counted`` (rounds not
            nested in another), ``rounds_naming_pxt``, ``rounds_naming_pxt_years`` (list of
            years), ``warn_washington_notices``,
            ``warn_engineering_share_pct``, ``ic_ratio_increase_pct``, ``ic_ratio_deadline``,
            ``rto_memo_date``, ``rto_effective``, ``genai_applications``,
            ``challenger_ai_cuts_2026_01``, ``challenger_cuts_2026_01`` (NaN or ``""`` where
            the row is missing).
        n_families: Number of job families.
        as_of_stock: :func:`stock_at_as_of` of the projection, persons.
        observed_further_cuts: Further cuts announced by ``as_of``
            (:func:`analysis.models.headline.observed_further_cuts`), roles.
    """

    params: Params
    projection: projection.ProjectionResult
    exposure: pd.DataFrame
    cuts: pd.DataFrame
    middle: dict[str, float]
    mandate: dict[str, float]
    quiet: dict[str, float]
    quarters: pd.DataFrame
    totals: pd.DataFrame
    rounds: pd.DataFrame
    facts: dict[str, Any]
    n_families: int
    as_of_stock: float
    observed_further_cuts: float


def _facts(rounds: pd.DataFrame, memos: pd.DataFrame, benchmarks: pd.DataFrame
           ) -> dict[str, Any]:
    """The sourced figures of :attr:`WorkforceResults.facts`."""
    counted = corporate_rounds(rounds)
    pxt = rounds_naming(counted, r"\bPXT\b|people experience")
    return {
        "rounds_counted": len(counted),
        "rounds_naming_pxt": len(pxt),
        "rounds_naming_pxt_years": sorted({int(d.year) for d in pxt["announced"]}),
        "warn_washington_notices": lookup_value(benchmarks, "benchmark_id",
                                                "washington-warn-2025-10", "value_low"),
        "warn_engineering_share_pct": lookup_value(benchmarks, "benchmark_id",
                                                   "warn-engineering-share", "value_low"),
        "ic_ratio_increase_pct": lookup_value(memos, "memo_id", "ic-per-manager-15pct", "value"),
        "ic_ratio_deadline": lookup_value(memos, "memo_id", "ic-per-manager-15pct",
                                          "effective_date"),
        "rto_memo_date": lookup_value(memos, "memo_id", "rto-five-days", "date"),
        "rto_effective": lookup_value(memos, "memo_id", "rto-five-days", "effective_date"),
        "genai_applications": lookup_value(memos, "memo_id", "jassy-ai-memo-applications",
                                           "value"),
        "challenger_ai_cuts_2026_01": lookup_value(benchmarks, "benchmark_id",
                                                   "challenger-ai-cuts-2026-01", "value_low"),
        "challenger_cuts_2026_01": lookup_value(benchmarks, "benchmark_id",
                                                "challenger-cuts-2026-01", "value_low"),
    }


def analyse_workforce(params: Mapping[str, Any], families: pd.DataFrame, rounds: pd.DataFrame,
                      memos: pd.DataFrame, benchmarks: pd.DataFrame) -> WorkforceResults:
    """Run chapter 2's analysis on loaded tables: exposure, cuts by family, mandate, attrition.

    Args:
        params: Parameter values (validated here).
        families: :func:`analysis.data.load_job_families`.
        rounds: :func:`analysis.data.load_layoff_rounds` (all rows; the projection counts
            the sized corporate rounds not nested in another,
            :func:`analysis.data.layoff_rounds.corporate_rounds`).
        memos: :func:`analysis.data.load_workplace_memos`.
        benchmarks: :func:`analysis.data.load_benchmarks`.

    Returns:
        A :class:`WorkforceResults`.
    """
    p = params if isinstance(params, Params) else validate(dict(params))
    level = float(p["interval_level_pct"])
    result = projection.run_monte_carlo(p, families, corporate_rounds(rounds, sized=True))
    return WorkforceResults(
        params=p,
        projection=result,
        exposure=family_exposure(families, p["corporate_headcount_base"]),
        cuts=family_cuts(result.draws, families, level),
        middle=group_share_of_cuts(result.draws, families, MIDDLE_FAMILIES, level),
        mandate=manager_mandate(p["corporate_headcount_base"], p["manager_share_pct"],
                                p["manager_ratio_change_pct"], p["delayering_realised_pct"]),
        quiet=quiet_attrition(result.draws, result.inputs, p, level),
        quarters=decomposition_by_quarter(result.deterministic, p["attrition_rate_pct"],
                                          p["rto_attrition_uplift_pct"],
                                          p["backfill_rate_pct"]),
        totals=decomposition_totals(result.draws, result.inputs, p, level),
        rounds=corporate_rounds(rounds, include_nested=True),
        facts=_facts(rounds, memos, benchmarks),
        n_families=len(families),
        as_of_stock=stock_at_as_of(result),
        observed_further_cuts=observed_further_cuts(rounds, p["as_of"]),
    )


def compute(params: Params, data_dir: Path | None = None) -> WorkforceResults:
    """Load chapter 2's tables and run :func:`analyse_workforce` (the results cache calls this).

    Args:
        params: Validated parameters (only :data:`PARAMETERS` matter).
        data_dir: Data folder (default: the repository's ``data/``).

    Returns:
        A :class:`WorkforceResults`.
    """
    unreliable = params.include_unreliable
    return analyse_workforce(params, data.load_job_families(unreliable, data_dir),
                             data.load_layoff_rounds(unreliable, data_dir),
                             data.load_workplace_memos(unreliable, data_dir),
                             data.load_benchmarks(unreliable, data_dir))

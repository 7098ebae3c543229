"""The corporate middle: job families, AI exposure, de-layering and "quiet attrition".

Pure functions behind chapter 2 (and the claim ledger). They take the loaded tables
(:mod:`analysis.data`), the projection core's output (:mod:`analysis.models.projection`) and
parameter values, and return frames, dicts or charts; nothing here reads files or globals.

The corporate workforce (about 350,000) and its split into job families are ESTIMATES: Amazon
files neither. Every count per family below inherits that.

Conventions: counts are persons or roles (floats, unrounded); ``*_pct`` columns are percent
(0-100); intervals are central intervals of ``level_pct`` percent of the Monte Carlo draws
(80 → 10th to 90th percentile) around the median.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from analysis import text
from analysis.data import lookup_value
from analysis.data.layoff_rounds import corporate_rounds, is_corporate, is_nested
from analysis.models import projection
from analysis.params import Params, validate
from analysis.study import EXPOSURE_AXIS_TITLE

__all__ = [
    "CHART_WIDTH_WITH_LABELS",
    "COMPONENT_ORDER",
    "FAMILY_PREFIX",
    "MIDDLE_FAMILIES",
    "ClaimEvidence",
    "WorkforceResults",
    "analyse_workforce",
    "central_interval",
    "claim_evidence",
    "decomposition_by_quarter",
    "decomposition_chart",
    "decomposition_totals",
    "exposure_chart",
    "family_cuts",
    "family_exposure",
    "group_share_of_cuts",
    "interval_chart",
    "manager_mandate",
    "projection_events",
    "quiet_attrition",
    "reading_cutoff",
    "rounds_naming",
    "rounds_table",
    "rto_extra_leavers",
]

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
#: Plot width (px) of charts with long category labels on the y axis, so they fit the page.
CHART_WIDTH_WITH_LABELS = 400
_COMPONENT_COLOURS = ("#000000", "#0072B2", "#56B4E9", "#E69F00", "#D55E00", "#009E73",
                      "#CC79A7")

# Columns the interval helpers read from ProjectionResult.draws, by component.
_TOTAL_COLUMNS: dict[str, str] = {
    "AI-driven layoffs": "layoffs_ai_{r}",
    "de-layering": "layoffs_delayering_{r}",
    "attrition (all)": "attrition_{r}",
    "hires": "hires_{r}",
}


def _check_columns(df: pd.DataFrame, columns: Sequence[str], what: str) -> None:
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


# --- inputs --------------------------------------------------------------------------------


def projection_events(rounds: pd.DataFrame) -> pd.DataFrame:
    """Return the layoff rounds the projection core can count.

    The one rule (:func:`analysis.data.layoff_rounds.corporate_rounds` with ``sized=True``):
    corporate rounds only, no row nested in another round (``included_in_round_id`` set:
    counting both would double-count), and no round of undisclosed size, which adds nothing.

    Args:
        rounds: Layoff rounds as from :func:`analysis.data.load_layoff_rounds`.

    Returns:
        The remaining rows, in the input order, with a fresh RangeIndex.
    """
    return corporate_rounds(rounds, sized=True)


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
    _check_columns(families, ["family", "family_label", "headcount_share_pct",
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
    _check_columns(draws, ["headcount_2027", "net_headcount_change_2027"], "draws")
    _check_columns(families, ["family", "family_label", "headcount_share_pct"], "families")
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
    _check_columns(draws, columns, "draws")
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
    _check_columns(draws, [column], "draws")
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
    _check_columns(point, ["quarter_end", "phase", "observed_cuts", "layoffs_ai",
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
    _check_columns(draws, [*cols.values(), "observed_further_cuts",
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


def rounds_table(rounds: pd.DataFrame) -> pd.DataFrame:
    """Tabulate the announced corporate rounds for display, oldest first.

    Args:
        rounds: :func:`analysis.data.load_layoff_rounds` output (``announced``,
            ``announced_precision``, ``organisation``, ``roles_low``, ``roles_high``,
            ``included_in_round_id``, ``is_corporate``).

    Returns:
        Columns ``announced`` (as precise as the source: ``"28 Oct 2025"``, ``"Nov 2022"``,
        ``"2025 Q1"``, ``"2025 H1"`` or ``"2026"``), ``organisation``, ``roles``
        (``"14,000"``, ``"200–900"`` or ``"not disclosed"``) and ``counted`` (``"yes"``, or
        ``"inside <round id>"`` for a round already counted in a later one).
    """
    _check_columns(rounds, ["announced", "announced_precision", "organisation", "roles_low",
                            "roles_high", "included_in_round_id", "is_corporate"], "rounds")
    df = corporate_rounds(rounds, include_nested=True).sort_values("announced", kind="stable")

    def roles(low: float, high: float) -> str:
        if pd.isna(low) or pd.isna(high):
            return "not disclosed"
        return f"{low:,.0f}" if low == high else f"{low:,.0f}\u2013{high:,.0f}"

    parent = df["included_in_round_id"].fillna("").astype(str).str.strip()
    return pd.DataFrame({
        "announced": [text.fmt_event_date(pd.Timestamp(d), str(p)) for d, p in
                      zip(df["announced"], df["announced_precision"], strict=True)],
        "organisation": df["organisation"].astype(str).to_numpy(),
        "roles": [roles(lo, hi) for lo, hi in zip(df["roles_low"], df["roles_high"],
                                                  strict=True)],
        "counted": np.where(is_nested(df), "inside " + parent, "yes"),
    })


def rounds_naming(rounds: pd.DataFrame, pattern: str) -> pd.DataFrame:
    """Return the corporate rounds whose ``organisation`` matches a regular expression.

    Args:
        rounds: :func:`analysis.data.load_layoff_rounds` output.
        pattern: Case-insensitive regular expression, e.g. ``"PXT|people experience"``.

    Returns:
        The matching rows (all columns), oldest first.
    """
    _check_columns(rounds, ["organisation", "is_corporate", "announced"], "rounds")
    hit = rounds["organisation"].astype(str).str.contains(pattern, case=False, regex=True)
    out = rounds.loc[hit & is_corporate(rounds)]
    return out.sort_values("announced", kind="stable").reset_index(drop=True)


# --- charts ------------------------------------------------------------------------------------


def exposure_chart(exposure: pd.DataFrame) -> alt.LayerChart:
    """Range between the human-rated and the GPT-4-rated exposure of each family.

    Args:
        exposure: :func:`family_exposure` output.

    Returns:
        A layered chart: a bar from the lower to the higher rating, a filled circle at the
        human rating (the report's central value) and an open diamond at the GPT-4 rating.
    """
    _check_columns(exposure, ["family_label", "exposure_human_pct", "exposure_gpt4_pct",
                              "exposure_low_pct", "exposure_high_pct", "headcount_est",
                              "headcount_share_pct"], "exposure")
    order = list(exposure.sort_values("exposure_human_pct", ascending=False)["family_label"])
    data = exposure.loc[:, ["family_label", "exposure_human_pct", "exposure_gpt4_pct",
                            "exposure_low_pct", "exposure_high_pct", "headcount_est",
                            "headcount_share_pct"]]
    tips = [alt.Tooltip("family_label:N", title="job family"),
            alt.Tooltip("exposure_human_pct:Q", title="human-rated score \u03b2", format=".1f"),
            alt.Tooltip("exposure_gpt4_pct:Q", title="GPT-4-rated score \u03b2", format=".1f"),
            alt.Tooltip("headcount_est:Q", title="estimated headcount", format=",.0f"),
            alt.Tooltip("headcount_share_pct:Q", title="estimated share (%)", format=".0f")]
    y = alt.Y("family_label:N", sort=order, title=None, axis=alt.Axis())
    base = alt.Chart(data).encode(y=y, tooltip=tips)
    rule = base.mark_rule(strokeWidth=6, opacity=0.35, color="#0072B2").encode(
        x=alt.X("exposure_low_pct:Q", title=EXPOSURE_AXIS_TITLE,
                scale=alt.Scale(zero=False, padding=10)),
        x2="exposure_high_pct:Q")
    long = data.melt(id_vars=["family_label", "headcount_est", "headcount_share_pct"],
                     value_vars=["exposure_human_pct", "exposure_gpt4_pct"],
                     var_name="rating", value_name="exposure_pct")
    long["rating"] = long["rating"].map({"exposure_human_pct": "human annotators",
                                         "exposure_gpt4_pct": "GPT-4"})
    dots = alt.Chart(long).mark_point(size=90, filled=True).encode(
        y=y, x="exposure_pct:Q",
        shape=alt.Shape("rating:N", title="rated by",
                        scale=alt.Scale(domain=["human annotators", "GPT-4"],
                                        range=["circle", "diamond"])),
        color=alt.Color("rating:N", title="rated by",
                        scale=alt.Scale(domain=["human annotators", "GPT-4"],
                                        range=["#0072B2", "#D55E00"])),
        tooltip=[alt.Tooltip("family_label:N", title="job family"),
                 alt.Tooltip("rating:N", title="rated by"),
                 alt.Tooltip("exposure_pct:Q", title="exposure (%)", format=".1f")])
    return alt.layer(rule, dots).properties(width=CHART_WIDTH_WITH_LABELS)


def interval_chart(df: pd.DataFrame, *, category: str, x_title: str, sort: Sequence[str],
                   value_format: str = ",.0f", label_title: str = "median",
                   extra_tooltips: Sequence[alt.Tooltip] = ()) -> alt.LayerChart:
    """Medians with central intervals, one row per category (tooltips say "median").

    Args:
        df: Columns ``category``, ``median``, ``lower``, ``upper`` and ``level_pct``.
        category: The category column.
        x_title: Value axis title with unit.
        sort: Category order (top to bottom).
        value_format: d3 format of values in tooltips.
        label_title: Tooltip title of the central value.
        extra_tooltips: More tooltip fields (columns of ``df``).

    Returns:
        A layered chart (interval rule plus median point), with a zero rule.
    """
    _check_columns(df, [category, "median", "lower", "upper", "level_pct"], "df")
    data = df.assign(interval=[f"{lv:.0f}% interval" for lv in df["level_pct"]])
    tips = [alt.Tooltip(f"{category}:N", title=category.replace("_", " ")),
            alt.Tooltip("median:Q", title=label_title, format=value_format),
            alt.Tooltip("lower:Q", title="lower", format=value_format),
            alt.Tooltip("upper:Q", title="upper", format=value_format),
            alt.Tooltip("interval:N", title="interval"), *extra_tooltips]
    y = alt.Y(f"{category}:N", sort=list(sort), title=None, axis=alt.Axis())
    base = alt.Chart(data).encode(y=y, tooltip=tips)
    rule = base.mark_rule(strokeWidth=3, color="#0072B2").encode(
        x=alt.X("lower:Q", title=x_title, axis=alt.Axis(format=",d")), x2="upper:Q")
    dots = base.mark_point(filled=True, size=80, color="#0072B2").encode(x="median:Q")
    zero = alt.Chart(pd.DataFrame({"zero": [0.0]})).mark_rule(color="#888").encode(x="zero:Q")
    return alt.layer(zero, rule, dots).properties(width=CHART_WIDTH_WITH_LABELS)


def decomposition_chart(quarters: pd.DataFrame) -> alt.LayerChart:
    """Stacked bars of the flows per step (outflows below zero, hires above) and net change.

    Args:
        quarters: :func:`decomposition_by_quarter` output.

    Returns:
        A layered chart: stacked bars by component and a black tick at each step's net
        change.
    """
    _check_columns(quarters, ["step", "quarter_end", "component", "order", "roles"], "quarters")
    steps = list(dict.fromkeys(quarters.sort_values("quarter_end")["step"]))
    data = quarters.loc[:, ["step", "phase", "component", "order", "roles"]]
    net = data.groupby("step", sort=False, as_index=False)["roles"].sum()
    x = alt.X("step:O", sort=steps, title="quarter (step end)", axis=alt.Axis(labelAngle=-40))
    bars_ = alt.Chart(data).mark_bar().encode(
        x=x,
        y=alt.Y("sum(roles):Q", title="change in corporate headcount (persons)",
                axis=alt.Axis(format=",d"), stack="zero"),
        color=alt.Color("component:N", title=None,
                        scale=alt.Scale(domain=list(COMPONENT_ORDER),
                                        range=list(_COMPONENT_COLOURS)),
                        legend=alt.Legend(columns=3)),
        order=alt.Order("order:Q"),
        tooltip=[alt.Tooltip("step:O", title="quarter"), alt.Tooltip("phase:N", title="phase"),
                 alt.Tooltip("component:N", title="flow"),
                 alt.Tooltip("roles:Q", title="persons (signed)", format=",.0f")])
    ticks = alt.Chart(net).mark_tick(color="#333", thickness=3, size=22).encode(
        x=x, y=alt.Y("roles:Q"),
        tooltip=[alt.Tooltip("step:O", title="quarter"),
                 alt.Tooltip("roles:Q", title="net change (persons)", format=",.0f")])
    return alt.layer(bars_, ticks).properties(width=560)


# --- the chapter in one call, and its claims -----------------------------------------------------


@dataclass(frozen=True)
class ClaimEvidence:
    """The evidence on one claim of the original analysis (``analysis.ledger`` decides).

    Attributes:
        claim: The claim, paraphrased.
        evidence: A few sentences with the numbers (formatted by :mod:`analysis.text`); plain
            text, no citations (the chapter cites the sources next to it).
        measures: The numbers the ledger's rule for this claim takes, by argument name.
    """

    claim: str
    evidence: str
    measures: Mapping[str, Any]


@dataclass(frozen=True)
class WorkforceResults:
    """Everything chapter 2 computes, for the page and the claim ledger.

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
        rounds: :func:`rounds_table` of every corporate round.
        facts: Sourced figures the chapter quotes, by name: ``rounds_counted`` (rounds not
            nested in another), ``rounds_naming_pxt``, ``rounds_naming_pxt_years`` (list of
            years), ``warn_washington_notices``,
            ``warn_engineering_share_pct``, ``ic_ratio_increase_pct``, ``ic_ratio_deadline``,
            ``rto_memo_date``, ``rto_effective``, ``genai_applications``,
            ``challenger_ai_cuts_2026_01``, ``challenger_cuts_2026_01`` (NaN or ``""`` where
            the row is missing).
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




def analyse_workforce(params: Mapping[str, Any], families: pd.DataFrame, rounds: pd.DataFrame,
                      memos: pd.DataFrame, benchmarks: pd.DataFrame) -> WorkforceResults:
    """Run chapter 2's analysis: exposure, projected cuts by family, mandate, quiet attrition.

    Args:
        params: Parameter values (validated here).
        families: :func:`analysis.data.load_job_families`.
        rounds: :func:`analysis.data.load_layoff_rounds` (all rows; nested and unsized rounds
            are dropped for the projection by :func:`projection_events`).
        memos: :func:`analysis.data.load_workplace_memos`.
        benchmarks: :func:`analysis.data.load_benchmarks`.

    Returns:
        A :class:`WorkforceResults`.
    """
    p = params if isinstance(params, Params) else validate(dict(params))
    level = float(p["interval_level_pct"])
    result = projection.run_monte_carlo(p, families, projection_events(rounds))
    counted = corporate_rounds(rounds)
    pxt = rounds_naming(counted, r"\bPXT\b|people experience")
    facts: dict[str, Any] = {
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
        "genai_applications": lookup_value(memos, "memo_id", "jassy-ai-memo-applications", "value"),
        "challenger_ai_cuts_2026_01": lookup_value(benchmarks, "benchmark_id",
                                              "challenger-ai-cuts-2026-01", "value_low"),
        "challenger_cuts_2026_01": lookup_value(benchmarks, "benchmark_id",
                                                "challenger-cuts-2026-01", "value_low"),
    }
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
        rounds=rounds_table(rounds),
        facts=facts,
    )


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
        res: From :func:`analyse_workforce`.

    Returns:
        Keys ``middle``, ``elite_hiring``, ``quiet_attrition``, ``internal_automation``.
    """
    p, f, level = res.params, res.facts, float(res.params["interval_level_pct"])
    cutoff = text.fmt_date(reading_cutoff(res.projection))
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

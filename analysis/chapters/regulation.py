"""Morale, margins and the EU AI Act: the calculations behind chapter 4 (and the ledger).

Operating margins from the annual figures, the corporate cuts per year, the EU AI Act timeline
before and after the Digital Omnibus, and the "regulatory brake" grid that re-runs the
projection core (:func:`analysis.models.projection.run_monte_carlo`) over brake strengths and
application dates. :func:`compute` loads the tables and returns one frozen
:class:`RegulationResults`; sentences and glued values are in
:mod:`analysis.narrative.regulation`, charts and display tables in
:mod:`analysis.charts.regulation`. Nothing here writes files or reads globals.

Conventions: money in USD millions (``*_usd_m``), nominal; margins and shares in percent;
roles in persons (floats, unrounded); intervals are central intervals of ``level_pct`` percent of
the Monte Carlo draws around the median.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis import data, text
from analysis.chapters import workforce
from analysis.chapters.workforce import check_columns
from analysis.data import lookup_value
from analysis.data.layoff_rounds import corporate_rounds
from analysis.models import projection
from analysis.params import Params, validate

__all__ = [
    "ANNEX_III_ID",
    "PARAMETERS",
    "SEGMENTS",
    "VERSION_OMNIBUS",
    "VERSION_ORIGINAL",
    "VERSION_PROCESS",
    "VERSION_UNCHANGED",
    "RegulationResults",
    "ai_act_timeline",
    "analyse_regulation",
    "annex_iii_dates",
    "brake_draws_per_point",
    "brake_effect_roles",
    "brake_grid",
    "compute",
    "corporate_cuts_by_year",
    "margin_change_pts",
    "operating_margins",
    "severance_adjusted_margin",
]

#: The parameters the results depend on: the projection's, as in chapter 2.
PARAMETERS: tuple[str, ...] = workforce.PARAMETERS

#: Milestone id of the Annex III (standalone high-risk, incl. employment) application date.
ANNEX_III_ID = "annex-iii-high-risk"
#: Segments of :func:`operating_margins`, in legend order.
SEGMENTS: tuple[str, ...] = ("Amazon total", "AWS segment", "Amazon excluding AWS")
VERSION_ORIGINAL = "original Act"
VERSION_OMNIBUS = "after the Digital Omnibus"
VERSION_PROCESS = "Omnibus legislative step"
VERSION_UNCHANGED = "unchanged by the Omnibus"



# --- margins ---------------------------------------------------------------------------------


def operating_margins(annual: pd.DataFrame) -> pd.DataFrame:
    """Compute operating margins for Amazon, the AWS segment and Amazon excluding AWS.

    Args:
        annual: :func:`analysis.data.load_annual` output (``year``, ``net_sales_usd_m``,
            ``operating_income_usd_m``, ``aws_net_sales_usd_m``,
            ``aws_operating_income_usd_m``).

    Returns:
        Long frame, one row per year and segment (:data:`SEGMENTS`): ``year`` (int),
        ``segment``, ``net_sales_usd_m``, ``operating_income_usd_m``,
        ``operating_margin_pct`` (operating income / net sales × 100; NaN where a figure is
        missing, e.g. excluded as unverified).
    """
    check_columns(annual, ["year", "net_sales_usd_m", "operating_income_usd_m",
                           "aws_net_sales_usd_m", "aws_operating_income_usd_m"], "annual")
    years = annual["year"].astype(int).to_numpy()
    sales = annual["net_sales_usd_m"].to_numpy(float)
    income = annual["operating_income_usd_m"].to_numpy(float)
    aws_sales = annual["aws_net_sales_usd_m"].to_numpy(float)
    aws_income = annual["aws_operating_income_usd_m"].to_numpy(float)
    parts = {SEGMENTS[0]: (sales, income), SEGMENTS[1]: (aws_sales, aws_income),
             SEGMENTS[2]: (sales - aws_sales, income - aws_income)}
    frames = []
    for segment, (s, i) in parts.items():
        with np.errstate(divide="ignore", invalid="ignore"):
            margin = np.where(s > 0, i / s * 100.0, np.nan)
        frames.append(pd.DataFrame({"year": years, "segment": segment, "net_sales_usd_m": s,
                                    "operating_income_usd_m": i,
                                    "operating_margin_pct": margin}))
    out = pd.concat(frames, ignore_index=True)
    out["year"] = out["year"].astype("int64")
    return out


def margin_change_pts(margins: pd.DataFrame, segment: str, start_year: int, end_year: int
                      ) -> dict[str, float]:
    """Return a segment's margin in two years and the change in percentage points.

    Args:
        margins: :func:`operating_margins` output.
        segment: One of :data:`SEGMENTS`.
        start_year: First year.
        end_year: Second year.

    Returns:
        ``start_pct``, ``end_pct`` and ``change_pts`` (NaN where a margin is missing).

    Raises:
        ValueError: The segment or a year is not in the frame.
    """
    rows = margins.loc[margins["segment"] == segment].set_index("year")["operating_margin_pct"]
    if rows.empty:
        raise ValueError(f"unknown segment {segment!r}; known: {sorted(set(margins['segment']))}")
    for year in (start_year, end_year):
        if year not in rows.index:
            raise ValueError(f"no margin for {segment!r} in {year}")
    start, end = float(rows[start_year]), float(rows[end_year])
    return {"start_pct": start, "end_pct": end, "change_pts": end - start}


def severance_adjusted_margin(annual: pd.DataFrame, benchmarks: pd.DataFrame, year: int
                              ) -> dict[str, float]:
    """Amazon's operating margin in ``year`` with and without the reported severance charges.

    Severance charges are the ``severance_charge_usd_bn`` rows of the benchmarks table whose
    ``period`` starts with the year (e.g. ``2025Q3``, ``2025Q4``).

    Args:
        annual: :func:`analysis.data.load_annual` output.
        benchmarks: :func:`analysis.data.load_benchmarks` output.
        year: Fiscal year.

    Returns:
        ``margin_pct`` (reported), ``severance_usd_m`` (sum of the charges found),
        ``margin_ex_severance_pct`` and ``severance_pts`` (the difference, percentage points).

    Raises:
        ValueError: The year has no net sales or operating income.
    """
    check_columns(benchmarks, ["metric", "period", "value_low"], "benchmarks")
    row = annual.loc[annual["year"] == year]
    if row.empty or row[["net_sales_usd_m", "operating_income_usd_m"]].isna().any(axis=None):
        raise ValueError(f"no net sales or operating income for {year}")
    sales = float(row["net_sales_usd_m"].iloc[0])
    income = float(row["operating_income_usd_m"].iloc[0])
    charges = benchmarks.loc[(benchmarks["metric"] == "severance_charge_usd_bn")
                             & benchmarks["period"].astype(str).str.startswith(str(year))]
    severance = float(charges["value_low"].astype(float).sum()) * 1000.0
    margin = income / sales * 100.0
    adjusted = (income + severance) / sales * 100.0
    return {"margin_pct": margin, "severance_usd_m": severance,
            "margin_ex_severance_pct": adjusted, "severance_pts": adjusted - margin}


def corporate_cuts_by_year(rounds: pd.DataFrame) -> pd.DataFrame:
    """Sum the announced corporate layoff rounds by calendar year of announcement.

    Rows are selected by the one rule (:func:`analysis.data.layoff_rounds.corporate_rounds`):
    rounds nested in a later one (``included_in_round_id`` set) are skipped; rounds of
    undisclosed size are counted in ``rounds_undisclosed`` but add no roles.

    Args:
        rounds: :func:`analysis.data.load_layoff_rounds` output.

    Returns:
        One row per year with at least one round: ``year`` (int), ``roles_low``,
        ``roles_mid``, ``roles_high`` (roles), ``rounds`` (count) and ``rounds_undisclosed``.
    """
    check_columns(rounds, ["announced", "roles_low", "roles_high", "is_corporate"], "rounds")
    df = corporate_rounds(rounds)
    years = pd.to_datetime(df["announced"]).dt.year.astype("int64")
    frame = pd.DataFrame({"year": years.to_numpy(),
                          "roles_low": df["roles_low"].astype(float).to_numpy(),
                          "roles_high": df["roles_high"].astype(float).to_numpy()})
    frame["undisclosed"] = frame["roles_low"].isna()  # by the rule: both bounds missing
    out = frame.groupby("year", as_index=False).agg(
        roles_low=("roles_low", "sum"), roles_high=("roles_high", "sum"),
        rounds=("undisclosed", "size"), rounds_undisclosed=("undisclosed", "sum"))
    out["roles_mid"] = (out["roles_low"] + out["roles_high"]) / 2.0
    out["rounds"] = out["rounds"].astype("int64")
    out["rounds_undisclosed"] = out["rounds_undisclosed"].astype("int64")
    return out.loc[:, ["year", "roles_low", "roles_mid", "roles_high", "rounds",
                       "rounds_undisclosed"]]


# --- EU AI Act ---------------------------------------------------------------------------------


def ai_act_timeline(eu: pd.DataFrame) -> pd.DataFrame:
    """Reshape the EU AI Act milestones into one row per milestone and version of the dates.

    Args:
        eu: :func:`analysis.data.load_eu_ai_act` output (``milestone_id``, ``milestone``,
            ``kind``, ``date_original``, ``date_after_omnibus``, ``applies_to``).

    Returns:
        Long frame sorted by the milestone's first date: ``milestone_id``, ``milestone``,
        ``applies_to``, ``version`` (for a date the Omnibus moved, one row ``"original Act"``
        and one ``"after the Digital Omnibus"``; otherwise one row ``"unchanged by the
        Omnibus"``, or ``"Omnibus legislative step"`` for the Omnibus's own steps), ``date``
        (timestamp),
        ``moved`` (the Omnibus changed this date), ``shift_months`` (whole months moved, 0 if
        not), ``is_employment`` (the Annex III row, which covers employment systems),
        ``sort_key`` (first date, for ordering).
    """
    check_columns(eu, ["milestone_id", "milestone", "kind", "date_original",
                       "date_after_omnibus", "applies_to"], "eu")
    rows = []
    for r in eu.itertuples(index=False):
        original = pd.Timestamp(r.date_original) if pd.notna(r.date_original) else None
        after = pd.Timestamp(r.date_after_omnibus) if pd.notna(r.date_after_omnibus) else None
        moved = original is not None and after is not None and after != original
        shift = ((after.year - original.year) * 12 + after.month - original.month) if moved \
            else 0
        first = min(d for d in (original, after) if d is not None)
        common = {"milestone_id": str(r.milestone_id), "milestone": str(r.milestone),
                  "applies_to": str(r.applies_to), "moved": moved, "shift_months": int(shift),
                  "is_employment": str(r.milestone_id) == ANNEX_III_ID, "sort_key": first}
        if original is None:
            rows.append({**common, "version": VERSION_PROCESS, "date": after})
        elif not moved:
            rows.append({**common, "version": VERSION_UNCHANGED, "date": original})
        else:
            rows.append({**common, "version": VERSION_ORIGINAL, "date": original})
            rows.append({**common, "version": VERSION_OMNIBUS, "date": after})
    out = pd.DataFrame(rows)
    out["date"] = pd.to_datetime(out["date"])
    out["sort_key"] = pd.to_datetime(out["sort_key"])
    return out.sort_values(["sort_key", "milestone_id", "date"], kind="stable"
                           ).reset_index(drop=True)


def annex_iii_dates(eu: pd.DataFrame) -> dict[str, str]:
    """Return the Annex III application dates: ``original`` and ``after_omnibus`` (ISO).

    Raises:
        ValueError: The table has no Annex III row or it lacks a date.
    """
    row = eu.loc[eu["milestone_id"] == ANNEX_III_ID]
    if row.empty or row[["date_original", "date_after_omnibus"]].isna().any(axis=None):
        raise ValueError(f"eu: no complete row {ANNEX_III_ID!r}")
    return {"original": pd.Timestamp(row["date_original"].iloc[0]).date().isoformat(),
            "after_omnibus": pd.Timestamp(row["date_after_omnibus"].iloc[0]).date().isoformat()}


# --- the regulatory brake grid -----------------------------------------------------------------


def brake_draws_per_point(mc_draws: int, floor: int = 1_000) -> int:
    """Draws per grid point: a tenth of the page's draws, but at least ``floor``."""
    return max(int(floor), int(mc_draws) // 10)


def brake_grid(params: Mapping[str, Any], families: pd.DataFrame, events: pd.DataFrame,
               starts: Mapping[str, str], strengths_pct: Iterable[float] = range(0, 101, 10),
               draws_per_point: int | None = None) -> pd.DataFrame:
    """Re-run the projection over EU brake strengths and application dates.

    Every grid point uses the same seed (common random numbers), so differences between points
    come from the brake alone. ``eu_brake_strength_pct`` is the central value of the Monte
    Carlo draw at each point: as everywhere in the report, each simulation draws the strength
    within the schema's spread around it (clipped to 0-100).

    Args:
        params: Parameter values (validated; the grid overrides ``eu_brake_start``,
            ``eu_brake_strength_pct`` and ``mc_draws``).
        families: Job families for the projection.
        events: Layoff rounds the projection can count
            (:func:`analysis.data.layoff_rounds.corporate_rounds`, ``sized=True``).
        starts: Label → application date (ISO) of the brake, e.g. the original and the
            post-Omnibus Annex III dates.
        strengths_pct: Central brake strengths, percent.
        draws_per_point: Draws per point (default :func:`brake_draws_per_point`).

    Returns:
        One row per start, strength and reading: ``start_label``, ``eu_brake_start``,
        ``brake_from`` (start minus ``eu_brake_lead_months``, ISO), ``eu_brake_strength_pct``,
        ``reading`` (``"2026"``/``"2027"``), ``cutoff_date`` (ISO), ``median``, ``lower``,
        ``upper`` (further cuts, roles), ``level_pct``, ``n_draws``.
    """
    base = validate(dict(params))
    n = draws_per_point if draws_per_point is not None else brake_draws_per_point(
        base["mc_draws"])
    rows = []
    for label, start in starts.items():
        brake_from = (pd.Timestamp(start)
                      - pd.DateOffset(months=int(base["eu_brake_lead_months"]))).date()
        shared = None  # the setup of this start's dates, built once for its strengths
        for strength in strengths_pct:
            p = validate({**base.to_dict(), "eu_brake_start": start,
                          "eu_brake_strength_pct": float(strength), "mc_draws": int(n)})
            shared = shared or projection.shared_setup(p, families, events)
            # Only the summary is read: no fan-chart paths (the same simulation otherwise).
            result = projection.run_monte_carlo(p, families, events, shared=shared,
                                                paths=False)
            for s in result.summary.itertuples(index=False):
                rows.append({
                    "start_label": str(label), "eu_brake_start": p["eu_brake_start"],
                    "brake_from": brake_from.isoformat(),
                    "eu_brake_strength_pct": float(strength), "reading": str(s.reading),
                    "cutoff_date": pd.Timestamp(s.cutoff_date).date().isoformat(),
                    "median": float(s.median), "lower": float(s.interval_low),
                    "upper": float(s.interval_high),
                    "level_pct": float(s.interval_level_pct), "n_draws": int(s.n_draws)})
    return pd.DataFrame(rows)


def brake_effect_roles(grid: pd.DataFrame, start_label: str, reading: str = "2027",
                       low_pct: float = 0.0, high_pct: float = 100.0) -> float:
    """Median further cuts at ``low_pct`` brake strength minus the median at ``high_pct``.

    Args:
        grid: :func:`brake_grid` output.
        start_label: Which application date.
        reading: ``"2026"`` or ``"2027"``.
        low_pct: Weaker brake strength (must be on the grid).
        high_pct: Stronger brake strength (must be on the grid).

    Returns:
        Roles held back by moving from the weaker to the stronger brake (positive = fewer cuts).

    Raises:
        ValueError: A strength, label or reading is not on the grid.
    """
    sel = grid.loc[(grid["start_label"] == start_label) & (grid["reading"] == reading)]
    medians = sel.set_index("eu_brake_strength_pct")["median"]
    for value in (low_pct, high_pct):
        if float(value) not in medians.index:
            raise ValueError(f"strength {value} for {start_label!r}, reading {reading!r} is "
                             "not on the grid")
    return float(medians[float(low_pct)] - medians[float(high_pct)])


# --- the chapter in one call -------------------------------------------------------------------


@dataclass(frozen=True)
class RegulationResults:
    """Everything chapter 4 computes, for the page and the claim ledger.

    Attributes:
        params: The parameters used.
        margins: :func:`operating_margins`.
        margin_base_year: Last fiscal year before the first corporate round (nested rounds
            included: the cuts began in late 2022).
        margin_last_year: Latest fiscal year with an operating margin.
        margin_low_year: Year of Amazon's lowest operating margin after the base year.
        margin_changes: Segment → :func:`margin_change_pts` between those years.
        severance: :func:`severance_adjusted_margin` for ``margin_last_year``.
        cuts_by_year: :func:`corporate_cuts_by_year`.
        timeline: :func:`ai_act_timeline`.
        annex_iii: :func:`annex_iii_dates`.
        after_omnibus_dates: Milestone id → its date after the Omnibus (ISO), for every
            milestone that has one (the Omnibus's own steps included).
        headline: The projection at the page's parameters (``mc_draws`` draws).
        grid: :func:`brake_grid` over strengths 0-100 for the original and post-Omnibus
            Annex III dates (labels in ``start_labels``).
        start_labels: ``{"original": label, "after_omnibus": label}``.
        eu_staff_as_of: Assumed EU share times the projected workforce at ``as_of``
            (:func:`analysis.chapters.workforce.stock_at_as_of`), persons.
        memos: The workplace memos and statements, oldest first (as loaded).
        facts: Sourced figures quoted by the chapter: ``culture_quote``,
            ``mailbox_suggestions``, ``mailbox_changes``, ``share_reaction_low_pct``,
            ``share_reaction_high_pct``, ``share_reaction_date`` (NaN or ``""`` if missing).
    """

    params: Params
    margins: pd.DataFrame
    margin_base_year: int
    margin_last_year: int
    margin_low_year: int
    margin_changes: dict[str, dict[str, float]]
    severance: dict[str, float]
    cuts_by_year: pd.DataFrame
    timeline: pd.DataFrame
    annex_iii: dict[str, str]
    after_omnibus_dates: dict[str, str]
    headline: projection.ProjectionResult
    grid: pd.DataFrame
    start_labels: dict[str, str]
    eu_staff_as_of: float
    memos: pd.DataFrame
    facts: dict[str, Any]


def _facts(memos: pd.DataFrame, benchmarks: pd.DataFrame) -> dict[str, Any]:
    """The sourced figures of :attr:`RegulationResults.facts`."""
    reaction = "amazon-stock-reaction-2026-02"
    return {
        "culture_quote": lookup_value(memos, "memo_id", "jassy-q3-call-culture", "quote"),
        "mailbox_suggestions": lookup_value(memos, "memo_id", "bureaucracy-mailbox-suggestions",
                                            "value"),
        "mailbox_changes": lookup_value(memos, "memo_id", "bureaucracy-mailbox-changes", "value"),
        "share_reaction_low_pct": lookup_value(benchmarks, "benchmark_id", reaction, "value_low"),
        "share_reaction_high_pct": lookup_value(benchmarks, "benchmark_id", reaction,
                                                "value_high"),
        "share_reaction_date": lookup_value(benchmarks, "benchmark_id", reaction,
                                            "statement_date"),
    }


def _margin_years(margins: pd.DataFrame, rounds: pd.DataFrame) -> tuple[int, int, int]:
    """The base year (before the first corporate round), the last year and the lowest year."""
    total = margins.loc[(margins["segment"] == SEGMENTS[0])
                        & margins["operating_margin_pct"].notna()]
    corporate = corporate_rounds(rounds, include_nested=True)["announced"]
    base_year = int(pd.to_datetime(corporate).dt.year.min()) - 1
    after_base = total.loc[total["year"] > base_year]
    low_year = int(after_base.loc[after_base["operating_margin_pct"].idxmin(), "year"])
    return base_year, int(total["year"].max()), low_year


def analyse_regulation(params: Mapping[str, Any], *, annual: pd.DataFrame,
                       rounds: pd.DataFrame, families: pd.DataFrame, eu: pd.DataFrame,
                       memos: pd.DataFrame, benchmarks: pd.DataFrame) -> RegulationResults:
    """Run chapter 4's analysis on loaded tables: margins, the AI Act and the brake.

    Args:
        params: Parameter values (validated here).
        annual: :func:`analysis.data.load_annual`.
        rounds: :func:`analysis.data.load_layoff_rounds` (all rows).
        families: :func:`analysis.data.load_job_families`.
        eu: :func:`analysis.data.load_eu_ai_act`.
        memos: :func:`analysis.data.load_workplace_memos`.
        benchmarks: :func:`analysis.data.load_benchmarks`.

    Returns:
        A :class:`RegulationResults`.
    """
    p = params if isinstance(params, Params) else validate(dict(params))
    margins = operating_margins(annual)
    base_year, last_year, low_year = _margin_years(margins, rounds)
    dates = annex_iii_dates(eu)
    labels = {"original": f"{text.fmt_date(dates['original'])} (original Act)",
              "after_omnibus": f"{text.fmt_date(dates['after_omnibus'])} (Digital Omnibus)"}
    events = corporate_rounds(rounds, sized=True)
    headline = projection.run_monte_carlo(p, families, events)
    grid = brake_grid(p, families, events, {labels["original"]: dates["original"],
                                            labels["after_omnibus"]: dates["after_omnibus"]})
    after = eu.dropna(subset=["date_after_omnibus"])
    return RegulationResults(
        params=p, margins=margins, margin_base_year=base_year, margin_last_year=last_year,
        margin_low_year=low_year,
        margin_changes={seg: margin_change_pts(margins, seg, base_year, last_year)
                        for seg in SEGMENTS},
        severance=severance_adjusted_margin(annual, benchmarks, last_year),
        cuts_by_year=corporate_cuts_by_year(rounds), timeline=ai_act_timeline(eu),
        annex_iii=dates,
        after_omnibus_dates={str(m): pd.Timestamp(d).date().isoformat() for m, d in
                             zip(after["milestone_id"], after["date_after_omnibus"],
                                 strict=True)},
        headline=headline, grid=grid, start_labels=labels,
        eu_staff_as_of=workforce.stock_at_as_of(headline)
        * float(p["eu_workforce_share_pct"]) / 100.0,
        memos=memos.sort_values("date", kind="stable").reset_index(drop=True),
        facts=_facts(memos, benchmarks))


def compute(params: Params, data_dir: Path | None = None) -> RegulationResults:
    """Load chapter 4's tables and run :func:`analyse_regulation` (the results cache calls this).

    Args:
        params: Validated parameters (only :data:`PARAMETERS` matter).
        data_dir: Data folder (default: the repository's ``data/``).

    Returns:
        A :class:`RegulationResults`.
    """
    u = params.include_unreliable
    return analyse_regulation(
        params, annual=data.load_annual(u, data_dir), rounds=data.load_layoff_rounds(u, data_dir),
        families=data.load_job_families(u, data_dir), eu=data.load_eu_ai_act(u, data_dir),
        memos=data.load_workplace_memos(u, data_dir), benchmarks=data.load_benchmarks(u, data_dir))

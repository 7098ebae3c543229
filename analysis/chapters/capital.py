"""Chapter 1, the great capital reallocation: the calculations (capex, cash flow, the cuts).

:func:`compute` loads the tables (:mod:`analysis.data`) and returns one frozen
:class:`CapitalResults` holding every frame and number the chapter page, the claim ledger and
the briefing use. The functions below are pure: they take the loaded tables and the forecasts
(:mod:`analysis.models.forecast`) and return frames or numbers; nothing here reads globals or
writes files. The sentences are in :mod:`analysis.narrative.capital`, the charts in
:mod:`analysis.charts.capital`.

Definitions (DESIGN §5):
    * **Capex** is gross purchases of property and equipment (``capex_gross_usd_m``). FY2015-16
      carry the line as then reported, already net of proceeds and incentives, so they are not
      comparable with FY2017 onwards (``basis`` columns say so).
    * **Net capex** ("cash capex") is gross capex minus proceeds from sales and incentives.
    * **Free cash flow** is Amazon's definition: operating cash flow minus net capex. Vendor
      figures that subtract gross capex are never mixed in.
    * **Cuts since Oct 2025** are corporate roles in rounds announced on or after 28 Oct 2025
      and on or before ``as_of``; rounds counted inside a later round are skipped.
    * What is known at ``as_of`` follows the one calendar rule of :mod:`analysis.data.calendar`:
      a fiscal year counts as reported once its year end is on or before ``as_of``; guidance and
      market events count from their statement date.

Labour savings are gross yearly run-rate savings (:mod:`analysis.models.economics`): severance and
backfills are not subtracted.
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis import data, text
from analysis.data.calendar import as_date, reported_annual, stated_by
from analysis.data.layoff_rounds import corporate_rounds
from analysis.data.schemas import CONFIDENCE_WEAKNESS
from analysis.models import economics
from analysis.models.forecast import (
    ForecastResult,
    RelationResult,
    capex_headcount_relation,
    forecast_capex_annual,
    forecast_capex_guidance,
)
from analysis.params import SCHEMA, Params

__all__ = [
    "AS_REPORTED_BASIS",
    "BASE_YEAR",
    "CapexPart",
    "COMPANY_ORDER",
    "CUTS_FROM",
    "DENOMINATOR_COLUMNS",
    "GROSS_BASIS",
    "CAPEX_PARAMETERS",
    "INPUTS",
    "PARAMETERS",
    "SMALL_SHARE_PCT",
    "CapexPaths",
    "CapitalResults",
    "CutCount",
    "Guidance",
    "analyse",
    "annual_value",
    "benchmark_range",
    "build_capex_paths",
    "capex_history",
    "capex_increases",
    "capex_intensity",
    "capex_part",
    "capex_paths",
    "cash_flow",
    "central_path_name",
    "charges_usd_bn",
    "compute",
    "compute_capex",
    "confidence_map",
    "cumulative_cuts",
    "cuts_since",
    "first_year_above",
    "funding_share",
    "funding_table",
    "gross_equivalent_usd_m",
    "growth_pct",
    "guidance_for_year",
    "guidance_kwargs",
    "guidance_points",
    "indexed_growth",
    "last_data_year",
    "latest_quarter",
    "peak_year",
    "peer_capex_comparison",
    "quarter_end",
    "quarter_label",
    "quarterly_capex_vs_guidance",
    "relation_fit_band",
    "savings_denominators",
    "savings_fcf_frame",
    "savings_items",
    "savings_usd_bn",
    "severance_charges",
    "ttm_cash_flow",
    "upcoming_guidance",
]

#: Parameters the chapter's results depend on (the results cache keys on these only).
PARAMETERS: tuple[str, ...] = ("as_of", "capex_path", "cost_per_employee_usd_k",
                               "interval_level_pct", "include_unreliable")
#: Stored results :func:`compute` takes as keyword arguments (the results cache computes or
#: reads each first); ``capex`` is :func:`compute_capex`, registered as ``capex``.
INPUTS: tuple[str, ...] = ("capex",)
CUTS_FROM = "2025-10-28"  # the round under examination; "cuts since" includes it
SMALL_SHARE_PCT = 25.0  # savings below this share of the capex increase read as "small"
BASE_YEAR = 2017  # first fiscal year whose capex line is gross: the index base
CAPEX_CLAIM_USD_BN = 100.0  # the claim's "$100B-plus" of capex
RELATION_LEVEL_PCT = 95  # confidence level of the capex-headcount relation, %
REACTION_YEAR = 2026  # the fiscal year whose capex guide the recorded market reaction followed
#: Benchmark rows the chapter reads (``data/benchmarks.csv``).
REACTION_ID = "amazon-stock-reaction-2026-02"
CONSENSUS_ID = "consensus-amazon-capex-2026"
TTM_FCF_ID = "amazon-ttm-fcf-2026-q1"
FOOL_SAVINGS_ID = "motley-fool-2026-savings"
REUTERS_PLAN_ID = "reuters-plan-30000"
GROSS_BASIS = "gross purchases of property and equipment"
AS_REPORTED_BASIS = "as reported: net of proceeds and incentives (not comparable)"
AMAZON_CAPEX_BASIS = "purchases of property and equipment (gross)"
COMPANY_ORDER = ("Amazon", "Alphabet", "Meta", "Microsoft")


# --- reported years ------------------------------------------------------------------------


def _capex_basis(year: int, first_gross_year: int) -> str:
    return GROSS_BASIS if year >= first_gross_year else AS_REPORTED_BASIS


def _first_gross_year(annual: pd.DataFrame) -> int:
    """First year with recorded proceeds: from then on the capex line is gross."""
    has = annual.loc[annual["capex_proceeds_usd_m"].notna(), "year"]
    return int(has.min()) if not has.empty else int(annual["year"].max()) + 1


def last_data_year(annual: pd.DataFrame, as_of: str, column: str = "capex_gross_usd_m"
                    ) -> int:
    """Return the last reported year with a value in ``column`` (data may lag ``as_of``).

    Args:
        annual: Wide annual frame.
        as_of: Data cut-off (ISO date).
        column: Column that must have a value.

    Returns:
        The year.

    Raises:
        ValueError: No reported year has a value.
    """
    data = reported_annual(annual, as_of).dropna(subset=[column])
    if data.empty:
        raise ValueError(f"no reported {column} by {as_of}")
    return int(data["year"].max())


def annual_value(frame: pd.DataFrame, year: int, column: str) -> float:
    """Return ``column`` of ``year`` in a wide annual frame, NaN if the year is absent.

    >>> annual_value(pd.DataFrame({"year": [2024], "x": [2.0]}), 2024, "x")
    2.0
    """
    rows = frame.loc[frame["year"].astype(int) == year, column]
    return float(rows.iloc[0]) if not rows.empty else math.nan


# --- history: growth, intensity, cash flow --------------------------------------------------


def growth_pct(annual: pd.DataFrame, as_of: str, column: str, from_year: int,
               to_year: int | None = None) -> float:
    """Return the % change of ``column`` from ``from_year`` to ``to_year``.

    Args:
        annual: Wide annual frame.
        as_of: Data cut-off (ISO date).
        column: Column to compare.
        from_year: Base year.
        to_year: End year (default: the last reported year with a value).

    Returns:
        Percent change; NaN if either value is missing or not yet reported.
    """
    data = reported_annual(annual, as_of)
    end = last_data_year(annual, as_of, column) if to_year is None else to_year
    start_value = annual_value(data, from_year, column)
    end_value = annual_value(data, end, column)
    if not (math.isfinite(start_value) and math.isfinite(end_value)) or start_value == 0:
        return math.nan
    return 100.0 * (end_value / start_value - 1.0)


def indexed_growth(annual: pd.DataFrame, as_of: str, base_year: int = 2017) -> pd.DataFrame:
    """Gross capex, employees and net sales indexed to ``base_year`` = 100.

    Args:
        annual: Wide annual frame.
        as_of: Data cut-off (ISO date).
        base_year: Year set to 100 (default 2017, the first year with gross capex).

    Returns:
        Long frame: ``year`` (int), ``series``, ``value`` (USD bn or persons), ``unit``,
        ``index_value`` (base year = 100) and ``basis``; rows with missing values dropped.

    Raises:
        ValueError: A series has no value in ``base_year``.
    """
    data = reported_annual(annual, as_of)
    first_gross = _first_gross_year(annual)
    series = [("gross capex", "capex_gross_usd_m", 1e-3, "USD bn"),
              ("employees (year end)", "employees_year_end", 1.0, "persons"),
              ("net sales", "net_sales_usd_m", 1e-3, "USD bn")]
    parts = []
    for name, column, scale, unit in series:
        base = annual_value(data, base_year, column)
        if not math.isfinite(base) or base <= 0:
            raise ValueError(f"{column} has no value in base year {base_year}")
        part = data[["year", column]].dropna()
        years = part["year"].astype(int).to_numpy()
        basis = ([_capex_basis(int(y), first_gross) for y in years] if column ==
                 "capex_gross_usd_m" else ["as reported"] * len(years))
        parts.append(pd.DataFrame({
            "year": years, "series": name,
            "value": part[column].to_numpy(dtype=float) * scale, "unit": unit,
            "index_value": 100.0 * part[column].to_numpy(dtype=float) / base,
            "basis": basis}))
    return pd.concat(parts, ignore_index=True)


def capex_intensity(annual: pd.DataFrame, as_of: str) -> pd.DataFrame:
    """Return Amazon's capex intensity (gross capex / net sales) by reported year.

    Args:
        annual: Wide annual frame.
        as_of: Data cut-off (ISO date).

    Returns:
        Columns ``year`` (int), ``capex_gross_usd_bn``, ``capex_net_usd_bn`` (NaN before
        FY2017), ``net_sales_usd_bn``, ``capex_intensity_pct`` (gross),
        ``net_capex_intensity_pct`` and ``basis``.
    """
    data = reported_annual(annual, as_of)
    data = data.loc[data["capex_gross_usd_m"].notna() & data["net_sales_usd_m"].notna()]
    first_gross = _first_gross_year(annual)
    gross = data["capex_gross_usd_m"].to_numpy(dtype=float)
    net = data["capex_net_usd_m"].to_numpy(dtype=float)
    sales = data["net_sales_usd_m"].to_numpy(dtype=float)
    return pd.DataFrame({
        "year": data["year"].astype(int).to_numpy(),
        "capex_gross_usd_bn": gross / 1e3,
        "capex_net_usd_bn": net / 1e3,
        "net_sales_usd_bn": sales / 1e3,
        "capex_intensity_pct": 100.0 * gross / sales,
        "net_capex_intensity_pct": 100.0 * net / sales,
        "basis": [_capex_basis(int(y), first_gross) for y in data["year"]],
    })


def cash_flow(annual: pd.DataFrame, as_of: str) -> pd.DataFrame:
    """Operating cash flow, net capex and free cash flow (Amazon's definition) by year.

    Only years with all three values appear (FY2015-16 have no proceeds, hence no net capex).

    Args:
        annual: Wide annual frame.
        as_of: Data cut-off (ISO date).

    Returns:
        Long frame: ``year`` (int), ``measure`` (``operating cash flow``, ``net capex``,
        ``free cash flow``) and ``value_usd_bn``.
    """
    data = reported_annual(annual, as_of)
    cols = {"operating cash flow": "operating_cash_flow_usd_m",
            "net capex": "capex_net_usd_m",
            "free cash flow": "free_cash_flow_usd_m"}
    data = data.dropna(subset=list(cols.values()))
    parts = [pd.DataFrame({"year": data["year"].astype(int).to_numpy(), "measure": name,
                           "value_usd_bn": data[col].to_numpy(dtype=float) / 1e3})
             for name, col in cols.items()]
    return pd.concat(parts, ignore_index=True)


def first_year_above(annual: pd.DataFrame, as_of: str, threshold_usd_bn: float = 100.0,
                     column: str = "capex_gross_usd_m") -> int | None:
    """Return the first reported fiscal year in which ``column`` exceeded the threshold.

    Args:
        annual: Wide annual frame.
        as_of: Data cut-off (ISO date).
        threshold_usd_bn: Threshold in USD bn (strictly above).
        column: A USD m column (default gross capex).

    Returns:
        The year, or ``None`` if no reported year is above the threshold.
    """
    data = reported_annual(annual, as_of)
    above = data.loc[data[column] > threshold_usd_bn * 1e3, "year"]
    return int(above.min()) if not above.empty else None


def peak_year(annual: pd.DataFrame, as_of: str, column: str = "employees_year_end") -> int:
    """Return the reported year in which ``column`` was highest.

    Args:
        annual: Wide annual frame.
        as_of: Data cut-off (ISO date).
        column: Column to search.

    Returns:
        The year of the maximum.
    """
    data = reported_annual(annual, as_of).dropna(subset=[column])
    return int(data.loc[data[column].idxmax(), "year"])


# --- guidance and benchmarks ----------------------------------------------------------------


@dataclass(frozen=True)
class Guidance:
    """The latest company capex guidance for one fiscal year, as known at ``as_of``.

    Attributes:
        year: Fiscal year the guidance is for.
        low_usd_bn: Low end of the guided amount.
        high_usd_bn: High end (equal to ``low_usd_bn`` for a point guide).
        basis: ``gross``, ``net`` or ``unspecified``.
        latest_date: ISO date of the latest statement on or before ``as_of``.
        first_date: ISO date of the earliest statement with the same amount (when the guide
            was first given).
        statement_id: Id of the latest statement.
    """

    year: int
    low_usd_bn: float
    high_usd_bn: float
    basis: str
    latest_date: str
    first_date: str
    statement_id: str

    @property
    def mid_usd_bn(self) -> float:
        """Mid-point of the guided range, USD bn."""
        return (self.low_usd_bn + self.high_usd_bn) / 2.0


def guidance_for_year(guidance: pd.DataFrame, as_of: str, year: int) -> Guidance | None:
    """Return Amazon's latest capex guidance for ``year`` stated on or before ``as_of``.

    Args:
        guidance: Capex guidance table (:func:`analysis.data.load_capex_guidance`).
        as_of: Data cut-off (ISO date).
        year: Fiscal year (the table's ``period`` is ``"FY<year>"``).

    Returns:
        A :class:`Guidance`, or ``None`` if no statement for that year is known by ``as_of``.
    """
    rows = stated_by(guidance, "statement_date", as_of)
    rows = rows.loc[rows["period"] == f"FY{year}"]
    if rows.empty:
        return None
    rows = rows.assign(date_=pd.to_datetime(rows["statement_date"])).sort_values(
        ["date_", "statement_id"], kind="stable")
    last = rows.iloc[-1]
    # the guide was "first given" at the start of the latest unbroken run of that amount
    first = last["date_"]
    for row in rows.iloc[::-1].itertuples(index=False):
        if (row.value_low_usd_bn, row.value_high_usd_bn) != (last["value_low_usd_bn"],
                                                             last["value_high_usd_bn"]):
            break
        first = row.date_
    return Guidance(year=year, low_usd_bn=float(last["value_low_usd_bn"]),
                    high_usd_bn=float(last["value_high_usd_bn"]), basis=str(last["basis"]),
                    latest_date=last["date_"].date().isoformat(),
                    first_date=pd.Timestamp(first).date().isoformat(),
                    statement_id=str(last["statement_id"]))


def guidance_kwargs(guidance: pd.DataFrame, annual: pd.DataFrame, as_of: str
                    ) -> dict[str, Any]:
    """Arguments for :func:`analysis.models.forecast.forecast_capex_guidance` from the table.

    Takes the first fiscal year after the last reported one that has guidance stated by
    ``as_of``, and its latest guided amount (mid-point). The path is gross capex (DESIGN §5):
    guidance of unstated basis is treated as gross; guidance stated as cash (net) capex, such
    as the ~$220B of the 30 Jul 2026 call, is put on the gross basis by adding the proceeds
    and incentives of the last reported year (:func:`gross_equivalent_usd_m`), never used as
    gross as it stands.

    Args:
        guidance: Capex guidance table.
        annual: Wide annual frame.
        as_of: Data cut-off (ISO date).

    Returns:
        ``guidance_usd_m``, ``guidance_year`` and ``guidance_announced`` (first statement of
        the latest amount), or an empty dict when no unreported year has guidance (the
        function then falls back to the statistical forecast).
    """
    last = last_data_year(annual, as_of)
    for year in (last + 1, last + 2):
        guide = guidance_for_year(guidance, as_of, year)
        if guide is not None:
            return {"guidance_usd_m": gross_equivalent_usd_m(guide, annual, as_of),
                    "guidance_year": year, "guidance_announced": guide.first_date}
    return {}


def upcoming_guidance(guidance: pd.DataFrame, annual: pd.DataFrame, as_of: str
                      ) -> tuple[Guidance, ...]:
    """Amazon's latest guidance for the two fiscal years after the last reported one.

    Args:
        guidance: Capex guidance table.
        annual: Wide annual frame.
        as_of: Data cut-off (ISO date).

    Returns:
        The :class:`Guidance` of each of those years with a statement by ``as_of``, in order.
    """
    last = last_data_year(annual, as_of)
    found = (guidance_for_year(guidance, as_of, year) for year in (last + 1, last + 2))
    return tuple(g for g in found if g is not None)


def gross_equivalent_usd_m(guide: Guidance, annual: pd.DataFrame, as_of: str) -> float:
    """A guided amount on the gross basis (purchases of property and equipment), USD m.

    Gross and unspecified guidance is returned as it stands. Net ("cash") guidance gets the
    last reported year's proceeds and incentives added back: gross = net + proceeds, the
    identity of Amazon's cash-flow statement, with that year's proceeds as the assumption.

    Args:
        guide: The guidance statement.
        annual: Wide annual frame.
        as_of: Data cut-off (ISO date).
    """
    value = guide.mid_usd_bn * 1e3
    if guide.basis != "net":
        return value
    reported = reported_annual(annual, as_of).dropna(subset=["capex_proceeds_usd_m"])
    return value + float(reported["capex_proceeds_usd_m"].iloc[-1]) if len(reported) else value


def guidance_points(guidance: pd.DataFrame, as_of: str) -> pd.DataFrame:
    """Every guidance statement known by ``as_of``, for plotting at its fiscal year.

    Args:
        guidance: Capex guidance table.
        as_of: Data cut-off (ISO date).

    Returns:
        Columns ``year`` (int), ``value`` (mid, USD bn), ``low``, ``high``, ``label``
        (date and basis of the statement), ``basis`` and ``statement_date`` (ISO string).
    """
    rows = stated_by(guidance, "statement_date", as_of)
    rows = rows.loc[rows["period"].str.match(r"^FY\d{4}$")]
    dates = pd.to_datetime(rows["statement_date"])
    return pd.DataFrame({
        "year": rows["period"].str[2:].astype(int).to_numpy(),
        "value": ((rows["value_low_usd_bn"] + rows["value_high_usd_bn"]) / 2.0).to_numpy(),
        "low": rows["value_low_usd_bn"].to_numpy(dtype=float),
        "high": rows["value_high_usd_bn"].to_numpy(dtype=float),
        "label": [f"guidance of {text.fmt_date(d.date())} ({b} basis)"
                  for d, b in zip(dates, rows["basis"], strict=True)],
        "basis": rows["basis"].astype(str).to_numpy(),
        "statement_date": [d.date().isoformat() for d in dates],
    })


def benchmark_range(benchmarks: pd.DataFrame, benchmark_id: str, as_of: str
                    ) -> tuple[float, float] | None:
    """Return ``(value_low, value_high)`` of one benchmark row known by ``as_of``.

    A missing end takes the other end's value. Rows without a statement date are treated as
    known.

    Args:
        benchmarks: Benchmarks table (:func:`analysis.data.load_benchmarks`).
        benchmark_id: Row id.
        as_of: Data cut-off (ISO date).

    Returns:
        The pair, or ``None`` if the row is absent (or excluded) or dated after ``as_of``.
    """
    rows = benchmarks.loc[benchmarks["benchmark_id"] == benchmark_id]
    if rows.empty:
        return None
    row = rows.iloc[0]
    date = row["statement_date"]
    if pd.notna(date) and as_date(date) > as_date(as_of):
        return None
    low, high = float(row["value_low"]), float(row["value_high"])
    if math.isnan(low) and math.isnan(high):
        return None
    low = high if math.isnan(low) else low
    high = low if math.isnan(high) else high
    return (min(low, high), max(low, high))


def charges_usd_bn(benchmarks: pd.DataFrame, as_of: str,
                   metric: str = "severance_charge_usd_bn",
                   since: str = CUTS_FROM) -> float:
    """Sum Amazon's reported charges of one kind stated from ``since`` to ``as_of``.

    Args:
        benchmarks: Benchmarks table.
        as_of: Data cut-off (ISO date).
        metric: Benchmark ``metric`` (default severance charges, USD bn).
        since: First statement date counted (ISO), inclusive.

    Returns:
        The sum in USD bn (0.0 if none).
    """
    rows = benchmarks.loc[(benchmarks["category"] == "amazon_charges")
                          & (benchmarks["metric"] == metric)]
    rows = stated_by(rows, "statement_date", as_of)
    rows = rows.loc[pd.to_datetime(rows["statement_date"]) >= as_date(since)]
    return float(rows["value_low"].sum())


# --- the cuts and their savings ------------------------------------------------------------


@dataclass(frozen=True)
class CutCount:
    """Corporate roles cut in rounds announced in a window.

    Attributes:
        roles_low: Sum of the low ends of the disclosed sizes.
        roles_mid: Sum of the mid-points (``roles_mid``, else the one bound given).
        roles_high: Sum of the high ends.
        rounds: Number of rounds in the window (including undisclosed sizes).
        undisclosed: Rounds whose size was not disclosed (they add no roles).
        round_ids: Ids of the rounds counted.
    """

    roles_low: float
    roles_mid: float
    roles_high: float
    rounds: int
    undisclosed: int
    round_ids: tuple[str, ...]


def _corporate_between(rounds: pd.DataFrame, start: str, as_of: str) -> pd.DataFrame:
    """The rounds that count (the one rule), announced from ``start`` to ``as_of`` inclusive.

    The rule is :func:`analysis.data.layoff_rounds.corporate_rounds`: nested rows skipped, a
    missing bound filled from the other, undisclosed sizes kept with missing sizes.
    """
    sel = corporate_rounds(rounds)
    announced = pd.to_datetime(sel["announced"])
    return sel.loc[(announced >= as_date(start)) & (announced <= as_date(as_of))]


def cuts_since(rounds: pd.DataFrame, as_of: str, start: str = CUTS_FROM) -> CutCount:
    """Count corporate roles announced from ``start`` to ``as_of`` (both inclusive).

    Rows counted inside a later round (``included_in_round_id`` set) are skipped.

    Args:
        rounds: Layoff rounds (:func:`analysis.data.load_layoff_rounds`).
        as_of: Data cut-off (ISO date).
        start: First announcement date counted (default 28 Oct 2025).

    Returns:
        A :class:`CutCount`.
    """
    sel = _corporate_between(rounds, start, as_of)
    low, mid, high = sel["roles_low"], sel["roles_mid"], sel["roles_high"]
    return CutCount(roles_low=float(low.sum()), roles_mid=float(mid.sum()),
                    roles_high=float(high.sum()), rounds=len(sel),
                    undisclosed=int(mid.isna().sum()),
                    round_ids=tuple(str(r) for r in sel["round_id"]))


def cumulative_cuts(rounds: pd.DataFrame, as_of: str, start: str = CUTS_FROM) -> pd.DataFrame:
    """Cumulative corporate roles announced from ``start`` (inclusive) to ``as_of``.

    Rows counted inside a later round are skipped; rounds of undisclosed size add nothing but
    are listed, so the reader sees them.

    Returns:
        One row per round, oldest first: ``announced``, ``round_id``, ``organisation``,
        ``roles_mid`` (NaN if undisclosed), ``cumulative_roles``, ``date_known_to`` (the
        date's precision: day, month, year...), ``confidence``.
    """
    sel = _corporate_between(rounds, start, as_of).sort_values("announced", kind="stable")
    mid = sel["roles_mid"]
    return pd.DataFrame({
        "announced": pd.to_datetime(sel["announced"]).to_numpy(),
        "round_id": sel["round_id"].astype(str).to_numpy(),
        "organisation": sel["organisation"].astype(str).to_numpy(),
        "roles_mid": mid.to_numpy(dtype=float),
        "cumulative_roles": mid.fillna(0.0).cumsum().to_numpy(dtype=float),
        "date_known_to": sel["announced_precision"].astype(str).to_numpy(),
        "confidence": sel["confidence"].astype(str).to_numpy()})


def savings_usd_bn(roles: float, cost_per_employee_usd_k: float,
                   cost_spread_usd_k: tuple[float, float] | None,
                   roles_low: float | None = None, roles_high: float | None = None
                   ) -> tuple[float, float, float]:
    """Yearly gross labour savings with a band for the cost (and size) assumption.

    Args:
        roles: Central number of roles cut.
        cost_per_employee_usd_k: Fully loaded yearly cost per employee, USD thousand.
        cost_spread_usd_k: (below, above) the central cost for the band (the parameter's
            ``mc_spread``); ``None`` gives no cost band.
        roles_low: Low count for the band (default ``roles``).
        roles_high: High count for the band (default ``roles``).

    Returns:
        ``(central, low, high)`` in USD bn per year.

    >>> savings_usd_bn(30_000, 175.0, (35.0, 75.0))
    (5.25, 4.2, 7.5)
    """
    below, above = cost_spread_usd_k if cost_spread_usd_k is not None else (0.0, 0.0)
    low_cost = max(cost_per_employee_usd_k - below, 1e-9)
    central = economics.labour_savings_usd_bn(roles, cost_per_employee_usd_k)
    low = economics.labour_savings_usd_bn(roles if roles_low is None else roles_low, low_cost)
    high = economics.labour_savings_usd_bn(roles if roles_high is None else roles_high,
                                           cost_per_employee_usd_k + above)
    return (round(float(central), 12), round(float(low), 12), round(float(high), 12))


def funding_share(savings_usd_bn: float, capex_increase_usd_bn: float) -> float:
    """Return yearly savings as a percentage of a yearly capex increase.

    Args:
        savings_usd_bn: Yearly savings, USD bn (non-negative).
        capex_increase_usd_bn: Increase in yearly capex, USD bn (positive).

    Returns:
        ``100 * savings / increase``.

    Raises:
        ValueError: Negative savings or a non-positive increase (a share of a fall in capex
            has no meaning).

    >>> round(funding_share(5.25, 68.181), 1)
    7.7
    """
    if savings_usd_bn < 0:
        raise ValueError("savings_usd_bn must be non-negative")
    if not capex_increase_usd_bn > 0:
        raise ValueError("capex_increase_usd_bn must be positive")
    return 100.0 * savings_usd_bn / capex_increase_usd_bn


# --- capex paths ---------------------------------------------------------------------------


def _guidance_used(guided: ForecastResult) -> bool:
    return guided.model.startswith("guidance")


def central_path_name(capex_path: str, guided: ForecastResult) -> str:
    """Return the path that is central: ``"guidance"`` or ``"forecast"``.

    ``capex_path="guidance"`` falls back to the forecast when the guidance is not usable at
    ``as_of`` (announced later, or the guided year already reported).

    Args:
        capex_path: The parameter's value, ``"guidance"`` or ``"forecast"``.
        guided: Result of :func:`analysis.models.forecast.forecast_capex_guidance`.

    Returns:
        ``"guidance"`` or ``"forecast"``.
    """
    if capex_path not in ("guidance", "forecast"):
        raise ValueError(f"capex_path must be 'guidance' or 'forecast', got {capex_path!r}")
    return "guidance" if capex_path == "guidance" and _guidance_used(guided) else "forecast"


def capex_paths(statistical: ForecastResult, guided: ForecastResult,
                capex_path: str = "guidance", guidance_year: int | None = None
                ) -> pd.DataFrame:
    """Both capex paths in one long frame, in USD bn, with the central one flagged.

    Args:
        statistical: Result of :func:`analysis.models.forecast.forecast_capex_annual`.
        guided: Result of :func:`analysis.models.forecast.forecast_capex_guidance`; left out when
            it fell back to the statistical forecast.
        capex_path: The ``capex_path`` parameter.
        guidance_year: The guided fiscal year (labels the ``source`` of the guidance path).

    Returns:
        Columns ``year`` (int), ``path`` (``"statistical forecast"`` or ``"guidance path"``),
        ``key`` (``forecast``/``guidance``), ``source`` (``statistical forecast``,
        ``company guidance`` or ``guidance grown at the forecast rate``), ``mean``,
        ``lower``, ``upper`` (USD bn), ``level`` (fraction), ``model`` and ``central``
        (bool).
    """
    central = central_path_name(capex_path, guided)
    parts = [(statistical, "forecast", "statistical forecast")]
    if _guidance_used(guided):
        parts.append((guided, "guidance", "guidance path"))
    frames = []
    for res, key, label in parts:
        f = res.frame
        years = f["period"].astype(int).to_numpy()
        if key == "guidance" and guidance_year is not None:
            source = np.where(years == guidance_year, "company guidance", np.where(
                years > guidance_year, "guidance grown at the forecast rate",
                "statistical forecast"))
        elif key == "guidance":
            source = np.full(years.size, "guidance path")
        else:
            source = np.full(years.size, "statistical forecast")
        frames.append(pd.DataFrame({
            "year": years, "path": label, "key": key, "source": source,
            "mean": f["mean"].to_numpy(dtype=float) / 1e3,
            "lower": f["lower"].to_numpy(dtype=float) / 1e3,
            "upper": f["upper"].to_numpy(dtype=float) / 1e3,
            "level": f["level"].to_numpy(dtype=float), "model": f["model"].astype(str).to_numpy(),
            "central": key == central}))
    return pd.concat(frames, ignore_index=True)


@dataclass(frozen=True)
class CapexPaths:
    """The two capex paths to the horizon and which one is central.

    Attributes:
        statistical: The statistical forecast of gross capex (USD m).
        guided: The guidance path (or the statistical forecast when guidance is unusable).
        paths: Both paths in USD bn (:func:`capex_paths`).
        central: ``"guidance"`` or ``"forecast"``.
        guidance_year: The guided fiscal year, or ``None``.
    """

    statistical: ForecastResult
    guided: ForecastResult
    paths: pd.DataFrame
    central: str
    guidance_year: int | None


def build_capex_paths(annual: pd.DataFrame, guidance: pd.DataFrame, as_of: str,
                      capex_path: str = "guidance", interval_level_pct: float = 80,
                      horizon_year: int = 2027) -> CapexPaths:
    """Fit the statistical forecast, build the guidance path, and combine them.

    Args:
        annual: Wide annual frame.
        guidance: Capex guidance table.
        as_of: Data cut-off (ISO date).
        capex_path: The ``capex_path`` parameter (which path is central).
        interval_level_pct: Interval level, %.
        horizon_year: Last year of both paths.

    Returns:
        A :class:`CapexPaths`.
    """
    # the validated forecast: the guidance-anchored path is one of its candidates
    statistical = forecast_capex_annual(annual, as_of, horizon_year, interval_level_pct,
                                        guidance=guidance)
    kwargs = guidance_kwargs(guidance, annual, as_of)
    guided = forecast_capex_guidance(annual, as_of, horizon_year=horizon_year,
                                     interval_level_pct=interval_level_pct, guidance=guidance,
                                     **kwargs)
    year = kwargs.get("guidance_year") if _guidance_used(guided) else None
    paths = capex_paths(statistical, guided, capex_path, year)
    return CapexPaths(statistical, guided, paths, central_path_name(capex_path, guided), year)


def capex_history(annual: pd.DataFrame, as_of: str) -> pd.DataFrame:
    """Reported gross capex by year in USD bn, with the basis of each figure.

    Args:
        annual: Wide annual frame.
        as_of: Data cut-off (ISO date).

    Returns:
        Columns ``year`` (int), ``value`` (USD bn) and ``basis``.
    """
    data = reported_annual(annual, as_of).dropna(subset=["capex_gross_usd_m"])
    first_gross = _first_gross_year(annual)
    return pd.DataFrame({
        "year": data["year"].astype(int).to_numpy(),
        "value": data["capex_gross_usd_m"].to_numpy(dtype=float) / 1e3,
        "basis": [_capex_basis(int(y), first_gross) for y in data["year"]]})


def capex_increases(annual: pd.DataFrame, as_of: str, paths: pd.DataFrame,
                    to_years: Sequence[int] = (2025, 2026)) -> pd.DataFrame:
    """Yearly increases in gross capex: reported where known, else on each path.

    For a reported year the increase is exact. For a year on a path, the increase runs from
    the previous year's reported value (or that path's mean if it is not reported either) to
    the path's mean, and the interval from the path's lower and upper ends.

    Args:
        annual: Wide annual frame.
        as_of: Data cut-off (ISO date).
        paths: Output of :func:`capex_paths`.
        to_years: Years whose increase over the previous year is wanted.

    Returns:
        Columns ``label``, ``from_year``, ``to_year``, ``basis`` (``reported``, or the path's
        ``key``), ``source`` (``reported``, or the path's ``source`` for that year),
        ``central`` (bool; reported rows are central), ``increase_usd_bn``,
        ``lower_usd_bn``, ``upper_usd_bn``.
    """
    data = reported_annual(annual, as_of)
    rows = []
    for year in to_years:
        now = annual_value(data, year, "capex_gross_usd_m") / 1e3
        before = annual_value(data, year - 1, "capex_gross_usd_m") / 1e3
        if math.isfinite(now) and math.isfinite(before):
            rows.append({"label": f"FY{year - 1}\u2192FY{year}, reported",
                         "from_year": year - 1, "to_year": year, "basis": "reported",
                         "source": "reported", "central": True,
                         "increase_usd_bn": now - before,
                         "lower_usd_bn": now - before, "upper_usd_bn": now - before})
            continue
        for key, sub in paths.groupby("key", sort=False):
            sub = sub.set_index("year")
            if year not in sub.index:
                continue
            start = before if math.isfinite(before) else (
                float(sub.loc[year - 1, "mean"]) if year - 1 in sub.index else math.nan)
            if not math.isfinite(start):
                continue
            name = "guidance" if key == "guidance" else "statistical forecast"
            rows.append({"label": f"FY{year - 1}\u2192FY{year}, {name}",
                         "from_year": year - 1, "to_year": year, "basis": key,
                         "source": str(sub.loc[year, "source"]) if "source" in sub else key,
                         "central": bool(sub.loc[year, "central"]),
                         "increase_usd_bn": float(sub.loc[year, "mean"]) - start,
                         "lower_usd_bn": float(sub.loc[year, "lower"]) - start,
                         "upper_usd_bn": float(sub.loc[year, "upper"]) - start})
    return pd.DataFrame(rows, columns=["label", "from_year", "to_year", "basis", "source",
                                       "central", "increase_usd_bn", "lower_usd_bn",
                                       "upper_usd_bn"])


def funding_table(savings: tuple[float, float, float], increases: pd.DataFrame) -> pd.DataFrame:
    """Savings as a share of each capex increase, with the range of both uncertainties.

    Args:
        savings: ``(central, low, high)`` yearly savings, USD bn (:func:`savings_usd_bn`).
        increases: Output of :func:`capex_increases`.

    Returns:
        ``increases`` with ``share_pct``, ``share_low_pct`` (low savings over the high end of
        the increase) and ``share_high_pct`` (high savings over the low end); NaN where the
        increase (or its low end) is not positive.
    """
    central, low, high = savings

    def share(num: float, den: float) -> float:
        return funding_share(num, den) if den > 0 else math.nan

    out = increases.copy()
    out["share_pct"] = [share(central, v) for v in out["increase_usd_bn"]]
    out["share_low_pct"] = [share(low, v) for v in out["upper_usd_bn"]]
    out["share_high_pct"] = [share(high, v) for v in out["lower_usd_bn"]]
    return out


def savings_items(funding: pd.DataFrame, items: Sequence[tuple[str, tuple[float, float,
                                                                         float]]],
                  denominators: pd.DataFrame | None = None) -> pd.DataFrame:
    """Rows of the savings chart: labour savings first, then the capex increases.

    Args:
        funding: Output of :func:`funding_table` (or :func:`capex_increases`).
        items: ``(label, (central, low, high))`` yearly savings in USD bn, in display order.
        denominators: Output of :func:`savings_denominators` (optional): its trailing
            twelve-month rise in net capex is added, so the chart holds every capex rise the
            text and the verdict use.

    Returns:
        Columns ``item``, ``kind``, ``value_usd_bn``, ``low_usd_bn``, ``high_usd_bn``,
        ``note``.
    """
    rows = [{"item": label, "kind": "labour savings", "value_usd_bn": c, "low_usd_bn": lo,
             "high_usd_bn": hi, "note": "gross yearly run rate; band from the cost per employee"}
            for label, (c, lo, hi) in items]
    for row in funding.itertuples(index=False):
        note = ("reported" if row.basis == "reported" else
                f"{row.source}; band: the path's interval")
        rows.append({"item": f"capex increase {row.label.replace('FY', '')}",
                     "kind": "capex increase", "value_usd_bn": row.increase_usd_bn,
                     "low_usd_bn": row.lower_usd_bn, "high_usd_bn": row.upper_usd_bn,
                     "note": note})
    if denominators is not None:
        for row in denominators.loc[denominators["key"] == "capex_ttm"].itertuples(index=False):
            rows.append({"item": "net capex increase, trailing 12 months",
                         "kind": "capex increase", "value_usd_bn": row.value_usd_bn,
                         "low_usd_bn": row.value_usd_bn, "high_usd_bn": row.value_usd_bn,
                         "note": f"{row.period}; {row.basis}"})
    return pd.DataFrame(rows, columns=["item", "kind", "value_usd_bn", "low_usd_bn",
                                       "high_usd_bn", "note"])


# --- peers ---------------------------------------------------------------------------------


def peer_capex_comparison(peer: pd.DataFrame, annual: pd.DataFrame, guidance: pd.DataFrame,
                          as_of: str, first_year: int = 2024) -> pd.DataFrame:
    """Capex of Amazon, Alphabet, Meta and Microsoft by fiscal year, actual or guided.

    For each company and fiscal year from ``first_year``: the actual if the fiscal year ended
    on or before ``as_of``, else the latest guidance stated on or before ``as_of`` (undated
    guidance rows are ignored). Amazon's actuals are gross purchases of property and
    equipment; its guidance comes from the capex-guidance table.

    Args:
        peer: Peer capex table (:func:`analysis.data.load_peer_capex`).
        annual: Amazon's wide annual frame.
        guidance: Amazon's capex guidance table.
        as_of: Data cut-off (ISO date).
        first_year: First fiscal year shown.

    Returns:
        Columns ``company``, ``fiscal_year`` (int), ``fiscal_year_end`` (ISO string),
        ``kind`` (``actual``/``guidance``), ``capex_usd_bn`` (mid of a range), ``low_usd_bn``,
        ``high_usd_bn``, ``growth_pct`` (central vs the previous year's central),
        ``growth_low_pct``, ``growth_high_pct`` and ``basis``; sorted by company and year.
    """
    cut = as_date(as_of)
    rows: list[dict[str, Any]] = []
    # A calendar-year expectation of a company whose fiscal year ends in June (Microsoft's
    # calendar-2026 figure) is not a fiscal-year figure: left out, so growth never mixes them.
    actuals = peer.loc[peer["kind"] == "actual"]
    fy_month = pd.to_datetime(actuals["fiscal_year_end"]).dt.month.groupby(
        actuals["company"]).first()
    for (company, year), grp in peer.groupby(["company", "fiscal_year"], sort=True):
        if int(year) < first_year:
            continue
        year_end = pd.Timestamp(grp["fiscal_year_end"].iloc[0])
        if company in fy_month.index and year_end.month != fy_month[company]:
            continue
        actual = grp.loc[grp["kind"] == "actual"]
        if year_end <= cut and not actual.empty:
            value = float(actual["capex_usd_bn"].iloc[0])
            rows.append(_peer_row(str(company), int(year), year_end, "actual", value, value,
                                  str(actual["basis_note"].iloc[0])))
            continue
        guided = stated_by(grp.loc[grp["kind"].str.startswith("guidance")], "statement_date",
                        as_of)
        if guided.empty:
            continue
        latest = pd.to_datetime(guided["statement_date"]).max()
        guided = guided.loc[pd.to_datetime(guided["statement_date"]) == latest]
        rows.append(_peer_row(str(company), int(year), year_end, "guidance",
                              float(guided["capex_usd_bn"].min()),
                              float(guided["capex_usd_bn"].max()),
                              str(guided["basis_note"].iloc[0])))
    data = reported_annual(annual, as_of)
    last = last_data_year(annual, as_of)
    for year in range(first_year, last + 1):
        value = annual_value(data, year, "capex_gross_usd_m") / 1e3
        if math.isfinite(value):
            rows.append(_peer_row("Amazon", year, pd.Timestamp(year, 12, 31), "actual", value,
                                  value, AMAZON_CAPEX_BASIS))
    for year in range(max(first_year, last + 1), last + 3):
        guide = guidance_for_year(guidance, as_of, year)
        if guide is not None:
            rows.append(_peer_row("Amazon", year, pd.Timestamp(year, 12, 31), "guidance",
                                  guide.low_usd_bn, guide.high_usd_bn,
                                  f"company guidance ({guide.basis} basis)"))
    out = pd.DataFrame(rows)
    out["_order"] = [(COMPANY_ORDER.index(c) if c in COMPANY_ORDER else 99)
                     for c in out["company"]]
    out = out.sort_values(["_order", "fiscal_year"], kind="stable").drop(columns="_order")
    out = out.reset_index(drop=True)
    previous = out.groupby("company")["capex_usd_bn"].shift(1)
    consecutive = out.groupby("company")["fiscal_year"].diff() == 1
    prev = previous.where(consecutive)
    out["growth_pct"] = 100.0 * (out["capex_usd_bn"] / prev - 1.0)
    out["growth_low_pct"] = 100.0 * (out["low_usd_bn"] / prev - 1.0)
    out["growth_high_pct"] = 100.0 * (out["high_usd_bn"] / prev - 1.0)
    return out[["company", "fiscal_year", "fiscal_year_end", "kind", "capex_usd_bn",
                "low_usd_bn", "high_usd_bn", "growth_pct", "growth_low_pct",
                "growth_high_pct", "basis"]]


def _peer_row(company: str, year: int, year_end: pd.Timestamp, kind: str, low: float,
              high: float, basis: str) -> dict[str, Any]:
    return {"company": company, "fiscal_year": year,
            "fiscal_year_end": year_end.date().isoformat(), "kind": kind,
            "capex_usd_bn": (low + high) / 2.0, "low_usd_bn": low, "high_usd_bn": high,
            "basis": basis}


# --- capex intensity and headcount growth --------------------------------------------------


def relation_fit_band(relation: RelationResult, points: int = 41) -> pd.DataFrame:
    """Fitted line of the capex-headcount relation with its confidence band.

    Refits the same OLS with the same Newey-West (HAC) covariance as
    :func:`analysis.models.forecast.capex_headcount_relation` and returns the fitted mean and its
    confidence interval (at ``relation.level``) over the observed range of capex intensity.

    Args:
        relation: The estimated relation.
        points: Number of grid points.

    Returns:
        Columns ``capex_intensity_pct``, ``fit_pct``, ``lower_pct``, ``upper_pct``.

    Raises:
        RuntimeError: The refit does not reproduce the coefficient.
    """
    import statsmodels.api as sm

    x = relation.data["capex_intensity_pct"].to_numpy(dtype=float)
    y = relation.data["headcount_growth_pct"].to_numpy(dtype=float)
    grid = np.linspace(float(x.min()), float(x.max()), points)
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        res = sm.OLS(y, sm.add_constant(x)).fit(
            cov_type="HAC", cov_kwds={"maxlags": relation.maxlags, "use_correction": True},
            use_t=True)
        frame = res.get_prediction(sm.add_constant(grid, has_constant="add")).summary_frame(
            alpha=1.0 - relation.level)
    if not math.isclose(float(res.params[1]), relation.coefficient, rel_tol=1e-9,
                        abs_tol=1e-12):
        raise RuntimeError("refit does not reproduce the relation's coefficient")
    return pd.DataFrame({"capex_intensity_pct": grid,
                         "fit_pct": frame["mean"].to_numpy(),
                         "lower_pct": frame["mean_ci_lower"].to_numpy(),
                         "upper_pct": frame["mean_ci_upper"].to_numpy()})


# --- quarters, trailing twelve months and the denominators of the savings ------------------

_TTM_PERIOD = re.compile(r"^TTM to (\d{4})Q([1-4])$")
_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")


def quarter_label(period: str) -> str:
    """``"2026Q1"`` -> ``"Q1 2026"``.

    >>> quarter_label("2025Q3")
    'Q3 2025'
    """
    match = _QUARTER.match(str(period))
    if not match:
        raise ValueError(f"not a quarter like 2025Q3: {period!r}")
    return f"Q{match.group(2)} {match.group(1)}"


def quarter_end(period: str) -> pd.Timestamp:
    """Last day of a calendar quarter given as ``"2025Q3"``."""
    quarter_label(period)  # validates
    return pd.Period(str(period), freq="Q").end_time.normalize()


def latest_quarter(quarterly: pd.DataFrame, as_of: str, column: str = "capex_gross_usd_m"
                   ) -> str | None:
    """Return the latest quarter (``"2026Q1"``) with a value in ``column`` ending by ``as_of``.

    The sentence "figures up to ..." follows this, not the cut-off date: data usually lag it.

    Args:
        quarterly: Wide quarterly frame (:func:`analysis.data.load_quarterly`).
        as_of: Data cut-off (ISO date).
        column: Column that must have a value.

    Returns:
        The period, or ``None`` if no quarter qualifies.
    """
    rows = quarterly.loc[quarterly[column].notna()
                         & (pd.to_datetime(quarterly["quarter_end"]) <= as_date(as_of))]
    if rows.empty:
        return None
    return str(rows.sort_values("quarter_end")["period"].iloc[-1])


def _weakest(flags: Sequence[str]) -> str:
    flags = [f for f in flags if f in CONFIDENCE_WEAKNESS]
    return max(flags, key=CONFIDENCE_WEAKNESS.index) if flags else "derived"


def ttm_cash_flow(benchmarks: pd.DataFrame, as_of: str) -> pd.DataFrame:
    """Amazon's trailing-twelve-month operating cash flow, free cash flow and net capex.

    Amazon reports free cash flow only over trailing twelve months in its releases; net
    capex is operating cash flow minus free cash flow (Amazon's definition, DESIGN §5).

    Args:
        benchmarks: Benchmarks table (rows ``ttm_operating_cash_flow_usd_bn`` and
            ``ttm_free_cash_flow_usd_bn`` with periods ``"TTM to 2026Q1"``).
        as_of: Data cut-off (ISO date): rows stated later are left out.

    Returns:
        One row per quarter with both figures, oldest first: ``quarter``, ``quarter_end``,
        ``ocf_usd_bn``, ``fcf_usd_bn``, ``net_capex_usd_bn``, ``confidence`` (the weaker
        flag of the two inputs), ``fcf_confidence``, ``source_id``.
    """
    metrics = {"ttm_operating_cash_flow_usd_bn": "ocf", "ttm_free_cash_flow_usd_bn": "fcf"}
    rows = benchmarks.loc[(benchmarks["category"] == "amazon_reported")
                          & benchmarks["metric"].isin(list(metrics))]
    rows = stated_by(rows, "statement_date", as_of)
    found: dict[str, dict[str, Any]] = {}
    for row in rows.itertuples(index=False):
        match = _TTM_PERIOD.match(str(row.period))
        if not match:
            continue
        quarter = f"{match.group(1)}Q{match.group(2)}"
        item = found.setdefault(quarter, {"quarter": quarter})
        kind = metrics[str(row.metric)]
        item[f"{kind}_usd_bn"] = float(row.value_low)
        item[f"{kind}_confidence"] = str(row.confidence)
        item.setdefault("sources", []).append(str(row.source_id))
    out = []
    for quarter, item in sorted(found.items()):
        if "ocf_usd_bn" not in item or "fcf_usd_bn" not in item:
            continue
        out.append({"quarter": quarter, "quarter_end": quarter_end(quarter),
                    "ocf_usd_bn": item["ocf_usd_bn"], "fcf_usd_bn": item["fcf_usd_bn"],
                    "net_capex_usd_bn": item["ocf_usd_bn"] - item["fcf_usd_bn"],
                    "confidence": _weakest([item["ocf_confidence"], item["fcf_confidence"]]),
                    "fcf_confidence": item["fcf_confidence"],
                    "source_id": ";".join(dict.fromkeys(";".join(item["sources"]).split(";")))})
    return pd.DataFrame(out, columns=["quarter", "quarter_end", "ocf_usd_bn", "fcf_usd_bn",
                                      "net_capex_usd_bn", "confidence", "fcf_confidence",
                                      "source_id"])


DENOMINATOR_COLUMNS = ("key", "measure", "period", "basis", "value_usd_bn", "savings_usd_bn",
                       "share_pct", "aligned", "confidence", "why")


def savings_denominators(savings_usd_bn: float, annual: pd.DataFrame, benchmarks: pd.DataFrame,
                         funding: pd.DataFrame, as_of: str,
                         confidence: Mapping[tuple[int, str], str] | None = None
                         ) -> pd.DataFrame:
    """The yearly savings set against every denominator a reader may pick, with its period.

    Rows (each only where the data hold it): the capex increases of :func:`funding_table`
    (the reported fiscal-year rise and the central path's next year), the change in net
    capex between the latest trailing twelve months and the twelve months a year earlier
    (the window aligned with the cuts, see the chapter), free cash flow of the last fiscal
    year and of the latest trailing twelve months, and operating income of the last fiscal
    year.

    Args:
        savings_usd_bn: Central yearly savings, USD bn.
        annual: Wide annual frame.
        benchmarks: Benchmarks table (trailing-twelve-month rows).
        funding: Output of :func:`funding_table` (the chart's capex increases).
        as_of: Data cut-off (ISO date).
        confidence: ``{(year, metric): flag}`` of the annual figures (optional; missing
            flags read as ``derived``).

    Returns:
        Columns :data:`DENOMINATOR_COLUMNS`; ``share_pct`` is ``100 * savings / value`` (NaN
        where the value is not positive).
    """
    flags = dict(confidence or {})

    def flag(year: int, *metrics: str) -> str:
        return _weakest([flags.get((year, m), "derived") for m in metrics])

    rows: list[dict[str, Any]] = []

    def add(key: str, measure: str, period: str, basis: str, value: float, aligned: bool,
            conf: str, why: str) -> None:
        share = 100.0 * savings_usd_bn / value if value > 0 else math.nan
        rows.append({"key": key, "measure": measure, "period": period, "basis": basis,
                     "value_usd_bn": value, "savings_usd_bn": savings_usd_bn,
                     "share_pct": share, "aligned": aligned, "confidence": conf, "why": why})

    for row in funding.itertuples(index=False):
        if not (row.basis == "reported" or row.central):
            continue
        reported = row.basis == "reported"
        add(f"capex_fy{row.to_year}", "rise in gross capex",
            f"FY{row.from_year} to FY{row.to_year}",
            "reported" if reported else f"central path ({row.source})",
            float(row.increase_usd_bn), not reported,
            flag(row.to_year, "capex_gross_usd_m") if reported else
            "derived" if row.source == "company guidance" else "estimate",
            "came mostly before the cuts were announced" if reported else
            "first year the savings run in full")
    ttm = ttm_cash_flow(benchmarks, as_of)
    if not ttm.empty:
        last = ttm.iloc[-1]
        start = pd.Period(str(last["quarter"]), freq="Q") - 4
        prior = ttm.loc[ttm["quarter"] == str(start)]
        span = f"twelve months to {quarter_label(str(last['quarter']))}"
        if not prior.empty:
            before = prior.iloc[0]
            add("capex_ttm", "rise in net capex", f"{span} against the twelve months to "
                f"{quarter_label(str(before['quarter']))}", "net (cash) capex, Amazon's "
                "trailing figures",
                float(last["net_capex_usd_bn"] - before["net_capex_usd_bn"]), True,
                _weakest([str(last["confidence"]), str(before["confidence"]), "derived"]),
                "contains the cuts' announcements")
    year = last_data_year(annual, as_of, "free_cash_flow_usd_m")
    fcf = annual_value(reported_annual(annual, as_of), year, "free_cash_flow_usd_m") / 1e3
    add(f"fcf_fy{year}", "free cash flow", f"FY{year}", "Amazon's definition", fcf, False,
        flag(year, "operating_cash_flow_usd_m", "capex_gross_usd_m", "capex_proceeds_usd_m"),
        "last full fiscal year")
    if not ttm.empty:
        add("fcf_ttm", "free cash flow", span, "Amazon's definition",
            float(last["fcf_usd_bn"]), True, str(last["fcf_confidence"]),
            "latest twelve months reported")
    if "operating_income_usd_m" in annual and annual["operating_income_usd_m"].notna().any():
        year = last_data_year(annual, as_of, "operating_income_usd_m")
        income = annual_value(reported_annual(annual, as_of), year, "operating_income_usd_m") / 1e3
        add(f"operating_income_fy{year}", "operating income", f"FY{year}", "reported", income,
            False, flag(year, "operating_income_usd_m"), "last full fiscal year")
    return pd.DataFrame(rows, columns=list(DENOMINATOR_COLUMNS))


def severance_charges(benchmarks: pd.DataFrame, as_of: str, since: str = CUTS_FROM
                      ) -> pd.DataFrame:
    """Severance charges reported from ``since`` to ``as_of``, with the quarter they were booked in.

    Returns:
        Columns ``period`` (``"2025Q3"``), ``quarter_end``, ``value_usd_bn``, ``confidence``,
        ``before_announcement`` (the quarter ended before ``since``), oldest first.
    """
    rows = benchmarks.loc[(benchmarks["category"] == "amazon_charges")
                          & (benchmarks["metric"] == "severance_charge_usd_bn")]
    rows = stated_by(rows, "statement_date", as_of)
    rows = rows.loc[pd.to_datetime(rows["statement_date"]) >= as_date(since)]
    out = pd.DataFrame({
        "period": rows["period"].astype(str).to_numpy(),
        "quarter_end": pd.to_datetime([quarter_end(p) for p in rows["period"].astype(str)]),
        "value_usd_bn": rows["value_low"].to_numpy(dtype=float),
        "confidence": rows["confidence"].astype(str).to_numpy()})
    out["before_announcement"] = out["quarter_end"] < as_date(since)
    return out.sort_values("quarter_end", kind="stable").reset_index(drop=True)


def quarterly_capex_vs_guidance(quarterly: pd.DataFrame, guidance: pd.DataFrame, as_of: str,
                                first_period: str = "2024Q1",
                                confidence: Mapping[tuple[str, str], str] | None = None
                                ) -> pd.DataFrame:
    """Quarterly capex (gross and net) next to the full-year guidance in force at quarter end.

    The guidance in force at a quarter's end is the latest statement for that fiscal year
    made on or before that day (:func:`guidance_for_year`); a quarter of that year at that
    guide averages a quarter of it.

    Args:
        quarterly: Wide quarterly frame.
        guidance: Capex guidance table.
        as_of: Data cut-off (ISO date).
        first_period: First quarter shown.
        confidence: ``{(period, metric): flag}`` of the quarterly figures (optional).

    Returns:
        Columns ``period``, ``quarter_end``, ``gross_usd_bn``, ``net_usd_bn``,
        ``guide_usd_bn`` (full year), ``guide_quarter_usd_bn`` (a quarter of it),
        ``guide_basis``, ``guide_date``, ``confidence`` (of the gross figure; ``"not in the
        data"`` where missing).
    """
    flags = dict(confidence or {})
    ends = pd.to_datetime(quarterly["quarter_end"])
    rows = quarterly.loc[(quarterly["period"] >= first_period) & (ends <= as_date(as_of))]
    out = []
    for row in rows.itertuples(index=False):
        end = pd.Timestamp(row.quarter_end)
        guide = guidance_for_year(guidance, end.date().isoformat(), end.year)
        gross = float(row.capex_gross_usd_m) / 1e3
        out.append({
            "period": str(row.period), "quarter_end": end, "gross_usd_bn": gross,
            "net_usd_bn": float(row.capex_net_usd_m) / 1e3,
            "guide_usd_bn": guide.mid_usd_bn if guide else math.nan,
            "guide_quarter_usd_bn": guide.mid_usd_bn / 4 if guide else math.nan,
            "guide_basis": guide.basis if guide else "",
            "guide_date": guide.latest_date if guide else "",
            "confidence": (flags.get((str(row.period), "capex_gross_usd_m"), "derived")
                           if math.isfinite(gross) else "not in the data")})
    return pd.DataFrame(out, columns=["period", "quarter_end", "gross_usd_bn", "net_usd_bn",
                                      "guide_usd_bn", "guide_quarter_usd_bn", "guide_basis",
                                      "guide_date", "confidence"])


def savings_fcf_frame(cash: pd.DataFrame, ttm: pd.DataFrame, first_year: int = 2019,
                      confidence: Mapping[tuple[int, str], str] | None = None) -> pd.DataFrame:
    """Free cash flow by fiscal year and over the latest trailing twelve months, USD bn.

    Args:
        cash: Output of :func:`cash_flow`.
        ttm: Output of :func:`ttm_cash_flow`.
        first_year: First fiscal year shown.
        confidence: ``{(year, metric): flag}`` of the annual figures (optional): a fiscal
            year's free cash flow is as strong as the weakest of its three inputs.

    Returns:
        Columns ``period`` (label), ``kind`` (``fiscal year``/``trailing twelve months``),
        ``fcf_usd_bn``, ``confidence``.
    """
    flags = dict(confidence or {})
    inputs = ("operating_cash_flow_usd_m", "capex_gross_usd_m", "capex_proceeds_usd_m")
    fcf = cash.loc[(cash["measure"] == "free cash flow") & (cash["year"] >= first_year)]
    rows = [{"period": f"FY{int(r.year)}", "kind": "fiscal year",
             "fcf_usd_bn": float(r.value_usd_bn),
             "confidence": _weakest([flags.get((int(r.year), m), "derived") for m in inputs])}
            for r in fcf.sort_values("year").itertuples(index=False)]
    if not ttm.empty:
        last = ttm.iloc[-1]
        rows.append({"period": f"TTM to {quarter_label(str(last['quarter']))}",
                     "kind": "trailing twelve months", "fcf_usd_bn": float(last["fcf_usd_bn"]),
                     "confidence": str(last["fcf_confidence"])})
    return pd.DataFrame(rows, columns=["period", "kind", "fcf_usd_bn", "confidence"])


def confidence_map(long: pd.DataFrame, key: str) -> dict[tuple[Any, str], str]:
    """``{(year or period, metric): confidence}`` from a long table (annual or quarterly).

    Args:
        long: ``data.load_table("annual_financials")`` or ``data.load_table("quarterly")``.
        key: ``"year"`` or ``"period"``.
    """
    return {((int(k) if key == "year" else str(k)), str(m)): str(c)
            for k, m, c in zip(long[key], long["metric"], long["confidence"], strict=True)}


# --- the chapter's results -----------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class CapitalResults:
    """Everything chapter 1 computes at one cut-off, for its page, the ledger and the briefing.

    Money is in USD bn unless a name says otherwise; frames are those of the functions named.

    Attributes:
        as_of: Data cut-off (ISO date).
        capex_path: The ``capex_path`` parameter (``"guidance"`` or ``"forecast"``).
        cost_per_employee_usd_k: Fully loaded yearly cost per corporate employee, USD thousand.
        cost_spread_usd_k: (below, above) the central cost for the savings band, or ``None``.
        interval_level_pct: Interval level of the capex paths, %.
        reported: Wide annual frame of the fiscal years reported by ``as_of``
            (:func:`analysis.data.calendar.reported_annual`).
        last_year: Last reported fiscal year with gross capex (:func:`last_data_year`).
        latest_quarter: Latest quarter with gross capex by ``as_of`` (``"2026Q2"``), or ``None``.
        base_year: Base year of the index (= 100).
        indexed: :func:`indexed_growth`.
        peak_year: Year of the most employees (:func:`peak_year`).
        employees_since_peak_pct: Change in employees from ``peak_year`` to the last year, %.
        capex_since_peak_pct: Change in gross capex over the same years, %.
        intensity: :func:`capex_intensity`.
        first_year_above_claim: First fiscal year with gross capex above
            :data:`CAPEX_CLAIM_USD_BN`, or ``None``.
        peers: :func:`peer_capex_comparison`.
        peer_confidence: ``(company, source strength of each of its rows)``, by company name.
        next_guidance: Latest guidance for ``last_year + 1``, or ``None``.
        upcoming_guidance: :func:`upcoming_guidance`.
        reaction_guidance: Latest guidance for :data:`REACTION_YEAR`, or ``None``.
        quarterly_guidance: :func:`quarterly_capex_vs_guidance` (from 2024Q1).
        cash: :func:`cash_flow`.
        ttm_cash: :func:`ttm_cash_flow`.
        cuts: Roles cut in rounds announced from :data:`CUTS_FROM` to ``as_of``.
        october: Roles cut in rounds announced on :data:`CUTS_FROM` itself.
        savings_usd_bn: ``(central, low, high)`` yearly savings of ``cuts``.
        october_savings_usd_bn: The same for ``october`` (cost band only).
        funding: :func:`funding_table` of the savings against :func:`capex_increases`.
        denominators: :func:`savings_denominators` (with the annual figures' source strength).
        severance: :func:`severance_charges`.
        cumulative: :func:`cumulative_cuts`.
        savings_items: :func:`savings_items` (both savings, then the capex increases).
        fcf: :func:`savings_fcf_frame`.
        reaction_pct: After-hours share-price change after the guide, (low, high) %, or ``None``.
        reaction_confidence: Source strength of that row (known or not by ``as_of``).
        consensus_capex_usd_bn: Analysts' expected capex for :data:`REACTION_YEAR`, or ``None``.
        ttm_fcf_usd_bn: Free cash flow over the twelve months to Q1 2026, or ``None``.
        fool_savings_usd_bn: An outside estimate of the cuts' yearly savings, or ``None``.
        reuters_plan_roles: Reuters' reported plan of corporate cuts ("up to"), or ``None``.
        paths: The two capex paths (:func:`build_capex_paths`).
        history: :func:`capex_history`.
        guidance_points: :func:`guidance_points`.
        relation: Capex intensity against headcount growth
            (:func:`analysis.models.forecast.capex_headcount_relation`).
        relation_band: :func:`relation_fit_band`.
    """

    as_of: str
    capex_path: str
    cost_per_employee_usd_k: float
    cost_spread_usd_k: tuple[float, float] | None
    interval_level_pct: float
    reported: pd.DataFrame
    last_year: int
    latest_quarter: str | None
    base_year: int
    indexed: pd.DataFrame
    peak_year: int
    employees_since_peak_pct: float
    capex_since_peak_pct: float
    intensity: pd.DataFrame
    first_year_above_claim: int | None
    peers: pd.DataFrame
    peer_confidence: tuple[tuple[str, tuple[str, ...]], ...]
    next_guidance: Guidance | None
    upcoming_guidance: tuple[Guidance, ...]
    reaction_guidance: Guidance | None
    quarterly_guidance: pd.DataFrame
    cash: pd.DataFrame
    ttm_cash: pd.DataFrame
    cuts: CutCount
    october: CutCount
    savings_usd_bn: tuple[float, float, float]
    october_savings_usd_bn: tuple[float, float, float]
    funding: pd.DataFrame
    denominators: pd.DataFrame
    severance: pd.DataFrame
    cumulative: pd.DataFrame
    savings_items: pd.DataFrame
    fcf: pd.DataFrame
    reaction_pct: tuple[float, float] | None
    reaction_confidence: tuple[str, ...]
    consensus_capex_usd_bn: tuple[float, float] | None
    ttm_fcf_usd_bn: tuple[float, float] | None
    fool_savings_usd_bn: tuple[float, float] | None
    reuters_plan_roles: tuple[float, float] | None
    paths: CapexPaths
    history: pd.DataFrame
    guidance_points: pd.DataFrame
    relation: RelationResult
    relation_band: pd.DataFrame

    @property
    def next_year(self) -> int:
        """The first fiscal year not yet reported."""
        return self.last_year + 1

    @property
    def base_roles(self) -> float:
        """Roles of the first round counted from :data:`CUTS_FROM` (NaN if none)."""
        return (float(self.cumulative["roles_mid"].iloc[0]) if not self.cumulative.empty
                else math.nan)

    def capex_usd_m(self, year: int) -> float:
        """Reported gross capex of ``year``, USD m (NaN if not reported by ``as_of``)."""
        return annual_value(self.reported, year, "capex_gross_usd_m")


def _history_part(annual: pd.DataFrame, as_of: str) -> dict[str, Any]:
    last = last_data_year(annual, as_of)
    peak = peak_year(annual, as_of)
    return {
        "reported": reported_annual(annual, as_of), "last_year": last, "base_year": BASE_YEAR,
        "indexed": indexed_growth(annual, as_of, base_year=BASE_YEAR), "peak_year": peak,
        "employees_since_peak_pct": growth_pct(annual, as_of, "employees_year_end", peak),
        "capex_since_peak_pct": growth_pct(annual, as_of, "capex_gross_usd_m", peak),
        "intensity": capex_intensity(annual, as_of),
        "first_year_above_claim": first_year_above(annual, as_of, CAPEX_CLAIM_USD_BN),
        "cash": cash_flow(annual, as_of), "history": capex_history(annual, as_of)}


def _guidance_part(annual: pd.DataFrame, guidance: pd.DataFrame, peer: pd.DataFrame,
                   quarterly: pd.DataFrame, as_of: str,
                   quarter_confidence: Mapping[tuple[str, str], str] | None) -> dict[str, Any]:
    flags = peer.groupby("company")["confidence"].agg(list)
    return {
        "latest_quarter": latest_quarter(quarterly, as_of),
        "peers": peer_capex_comparison(peer, annual, guidance, as_of),
        "peer_confidence": tuple((str(c), tuple(str(f) for f in fs))
                                 for c, fs in flags.items()),
        "next_guidance": guidance_for_year(guidance, as_of, last_data_year(annual, as_of) + 1),
        "upcoming_guidance": upcoming_guidance(guidance, annual, as_of),
        "reaction_guidance": guidance_for_year(guidance, as_of, REACTION_YEAR),
        "quarterly_guidance": quarterly_capex_vs_guidance(quarterly, guidance, as_of,
                                                          confidence=quarter_confidence),
        "guidance_points": guidance_points(guidance, as_of)}


def _benchmark_part(benchmarks: pd.DataFrame, as_of: str) -> dict[str, Any]:
    reaction = benchmarks.loc[benchmarks["benchmark_id"] == REACTION_ID, "confidence"]
    return {
        "reaction_pct": benchmark_range(benchmarks, REACTION_ID, as_of),
        "reaction_confidence": tuple(str(c) for c in reaction),
        "consensus_capex_usd_bn": benchmark_range(benchmarks, CONSENSUS_ID, as_of),
        "ttm_fcf_usd_bn": benchmark_range(benchmarks, TTM_FCF_ID, as_of),
        "fool_savings_usd_bn": benchmark_range(benchmarks, FOOL_SAVINGS_ID, as_of),
        "reuters_plan_roles": benchmark_range(benchmarks, REUTERS_PLAN_ID, as_of),
        "ttm_cash": ttm_cash_flow(benchmarks, as_of),
        "severance": severance_charges(benchmarks, as_of)}


def _cuts_part(annual: pd.DataFrame, rounds: pd.DataFrame, benchmarks: pd.DataFrame,
               paths: pd.DataFrame, as_of: str, cost_usd_k: float,
               spread_usd_k: tuple[float, float] | None,
               annual_confidence: Mapping[tuple[int, str], str] | None) -> dict[str, Any]:
    cuts, october = cuts_since(rounds, as_of), cuts_since(rounds, CUTS_FROM)
    saved = savings_usd_bn(cuts.roles_mid, cost_usd_k, spread_usd_k, cuts.roles_low,
                           cuts.roles_high)
    saved_oct = savings_usd_bn(october.roles_mid, cost_usd_k, spread_usd_k)
    funding = funding_table(saved, capex_increases(annual, as_of, paths))
    denominators = savings_denominators(saved[0], annual, benchmarks, funding, as_of,
                                        annual_confidence)
    items = savings_items(funding, [
        (f"savings: {text.fmt_roles(cuts.roles_mid)} roles since Oct 2025", saved),
        (f"savings: {text.fmt_roles(october.roles_mid)} roles, Oct 2025 round", saved_oct)],
        denominators)
    return {"cuts": cuts, "october": october, "savings_usd_bn": saved,
            "october_savings_usd_bn": saved_oct, "funding": funding,
            "denominators": denominators, "cumulative": cumulative_cuts(rounds, as_of),
            "savings_items": items}


def analyse(*, annual: pd.DataFrame, guidance: pd.DataFrame, peer: pd.DataFrame,
            rounds: pd.DataFrame, benchmarks: pd.DataFrame, quarterly: pd.DataFrame,
            as_of: str, capex_path: str = "guidance", cost_per_employee_usd_k: float = 175.0,
            cost_spread_usd_k: tuple[float, float] | None = None,
            interval_level_pct: float = 80,
            annual_confidence: Mapping[tuple[int, str], str] | None = None,
            quarter_confidence: Mapping[tuple[str, str], str] | None = None,
            capex: CapexPart | None = None) -> CapitalResults:
    """Run every calculation of chapter 1 on loaded tables.

    Args:
        annual: Wide annual frame (:func:`analysis.data.load_annual`).
        guidance: Capex guidance table.
        peer: Peer capex table.
        rounds: Layoff rounds.
        benchmarks: Benchmarks table.
        quarterly: Wide quarterly frame.
        as_of: Data cut-off (ISO date).
        capex_path: Which capex path is central (``"guidance"`` or ``"forecast"``).
        cost_per_employee_usd_k: Fully loaded yearly cost per employee, USD thousand.
        cost_spread_usd_k: The cost band, (below, above) USD thousand, or ``None``.
        interval_level_pct: Interval level of the capex paths, %.
        annual_confidence: :func:`confidence_map` of the annual table (optional).
        quarter_confidence: :func:`confidence_map` of the quarterly table (optional).
        capex: The fitted part, :func:`capex_part` of the same tables and parameters, if it
            was computed already (the results cache stores it apart: it does not depend on
            the cost per employee); ``None`` computes it here.

    Returns:
        A :class:`CapitalResults`.
    """
    if capex is None:
        capex = capex_part(annual, guidance, as_of, capex_path, interval_level_pct)
    paths, relation = capex.paths, capex.relation
    cuts = _cuts_part(annual, rounds, benchmarks, paths.paths, as_of, cost_per_employee_usd_k,
                      cost_spread_usd_k, annual_confidence)
    history = _history_part(annual, as_of)
    bench = _benchmark_part(benchmarks, as_of)
    return CapitalResults(
        as_of=as_of, capex_path=capex_path, cost_per_employee_usd_k=cost_per_employee_usd_k,
        cost_spread_usd_k=cost_spread_usd_k, interval_level_pct=interval_level_pct,
        **history, **_guidance_part(annual, guidance, peer, quarterly, as_of,
                                    quarter_confidence),
        **bench, **cuts,
        fcf=savings_fcf_frame(history["cash"], bench["ttm_cash"], confidence=annual_confidence),
        paths=paths, relation=relation, relation_band=capex.relation_band)


@dataclass(frozen=True)
class CapexPart:
    """The part of chapter 1 fitted with statsmodels: the capex paths and the relation.

    It reads the annual and guidance tables, the cut-off, the central path and the interval
    level, not the cost per employee, so the results cache keeps it apart
    (:data:`CAPEX_PARAMETERS`, :mod:`analysis.chapters.capex`): a rebuild that moves only the
    cost reuses it, and neither imports statsmodels nor fits again.

    Attributes:
        paths: :func:`build_capex_paths`.
        relation: :func:`~analysis.models.forecast.capex_headcount_relation` at
            :data:`RELATION_LEVEL_PCT`.
        relation_band: :func:`relation_fit_band` of ``relation``.
    """

    paths: CapexPaths
    relation: RelationResult
    relation_band: pd.DataFrame


#: The parameters :class:`CapexPart` depends on (a subset of :data:`PARAMETERS`).
CAPEX_PARAMETERS: tuple[str, ...] = ("as_of", "capex_path", "interval_level_pct",
                                     "include_unreliable")


def capex_part(annual: pd.DataFrame, guidance: pd.DataFrame, as_of: str, capex_path: str,
               interval_level_pct: float) -> CapexPart:
    """Fit the capex paths and the capex-headcount relation (see :class:`CapexPart`)."""
    relation = capex_headcount_relation(annual, as_of, interval_level_pct=RELATION_LEVEL_PCT)
    return CapexPart(paths=build_capex_paths(annual, guidance, as_of, capex_path,
                                             interval_level_pct),
                     relation=relation, relation_band=relation_fit_band(relation))


def compute_capex(params: Params, data_dir: Path | None = None) -> CapexPart:
    """Load the two tables :class:`CapexPart` reads and fit it (the results cache calls this).

    Args:
        params: Validated parameters (only :data:`CAPEX_PARAMETERS` are read).
        data_dir: Data folder; default the repository's ``data/``.
    """
    load = {"include_unreliable": params.include_unreliable, "data_dir": data_dir}
    return capex_part(data.load_annual(**load), data.load_capex_guidance(**load),
                      params.as_of, params.capex_path, params.interval_level_pct)


def compute(params: Params, data_dir: Path | None = None, *,
            capex: CapexPart | None = None) -> CapitalResults:
    """Load chapter 1's tables and run its calculations (the results cache calls this).

    Args:
        params: Validated parameters (only :data:`PARAMETERS` are read).
        data_dir: Data folder; default the repository's ``data/``.
        capex: :func:`compute_capex` of the same parameters and data, if stored (the results
            cache passes it: :data:`INPUTS`); ``None`` fits it here.

    Returns:
        A :class:`CapitalResults`.
    """
    load = {"include_unreliable": params.include_unreliable, "data_dir": data_dir}
    return analyse(
        annual=data.load_annual(**load), guidance=data.load_capex_guidance(**load),
        peer=data.load_peer_capex(**load), rounds=data.load_layoff_rounds(**load),
        benchmarks=data.load_benchmarks(**load), quarterly=data.load_quarterly(**load),
        as_of=params.as_of, capex_path=params.capex_path,
        cost_per_employee_usd_k=params.cost_per_employee_usd_k,
        cost_spread_usd_k=SCHEMA["cost_per_employee_usd_k"].mc_spread,
        interval_level_pct=params.interval_level_pct,
        annual_confidence=confidence_map(data.load_table("annual_financials", **load), "year"),
        quarter_confidence=confidence_map(data.load_table("quarterly", **load), "period"),
        capex=capex)

"""Chapter 1, the great capital reallocation: capex, headcount, cash flow and the cuts.

Pure functions on the loaded tables (:mod:`analysis.data`) and the forecasts
(:mod:`analysis.models.forecast`): they return frames, numbers or evidence sentences, and the chart
builders return Altair charts. Nothing here reads files or globals.

Definitions (DESIGN §5):
    * **Capex** is gross purchases of property and equipment (``capex_gross_usd_m``). FY2015-16
      carry the line as then reported, already net of proceeds and incentives, so they are not
      comparable with FY2017 onwards (``basis`` columns say so).
    * **Net capex** ("cash capex") is gross capex minus proceeds from sales and incentives.
    * **Free cash flow** is Amazon's definition: operating cash flow minus net capex. Vendor
      figures that subtract gross capex are never mixed in.
    * **Cuts since Oct 2025** are corporate roles in rounds announced on or after 28 Oct 2025
      and on or before ``as_of``; rounds counted inside a later round are skipped.
    * A fiscal year counts as reported once its year end is on or before ``as_of`` (the
      convention of :mod:`analysis.models.forecast`); guidance and market events count from their
      statement date.

Labour savings are gross yearly run-rate savings (:mod:`analysis.models.economics`): severance and
backfills are not subtracted.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from analysis import text
from analysis.charts import PALETTE
from analysis.data.layoff_rounds import corporate_rounds
from analysis.data.schemas import CONFIDENCE_WEAKNESS
from analysis.models import economics
from analysis.models.forecast import (
    ForecastResult,
    RelationResult,
    forecast_capex_annual,
    forecast_capex_guidance,
)

__all__ = [
    "CUTS_FROM",
    "EVIDENCE_KEYS",
    "CapexPaths",
    "CutCount",
    "Guidance",
    "benchmark_range",
    "build_capex_paths",
    "capex_increases",
    "capex_history",
    "capex_intensity",
    "capex_paths",
    "cash_flow",
    "cash_flow_chart",
    "cash_flow_sentence",
    "central_path_name",
    "charges_usd_bn",
    "cuts_since",
    "evidence",
    "evidence_arms_race",
    "evidence_capex100",
    "evidence_funding",
    "evidence_shield",
    "first_year_above",
    "funding_conclusion",
    "funding_share",
    "funding_table",
    "growth_pct",
    "guidance_basis_sentence",
    "guidance_for_year",
    "guidance_kwargs",
    "guidance_points",
    "indexed_chart",
    "indexed_growth",
    "intensity_chart",
    "last_data_year",
    "last_reported_year",
    "market_reaction_sentence",
    "path_chart",
    "path_summary",
    "peak_year",
    "path_table",
    "peer_capex_comparison",
    "peers_chart",
    "relation_chart",
    "relation_fit_band",
    "relation_summary",
    "relation_verdict",
    "reported_annual",
    "savings_chart",
    "savings_items",
    "savings_usd_bn",
    "severance_sentence",
    "shield_conclusion",
]

CUTS_FROM = "2025-10-28"  # the round under examination; "cuts since" includes it
SMALL_SHARE_PCT = 25.0  # savings below this share of the capex increase read as "small"
EVIDENCE_KEYS = ("ch1_evidence_capex100", "ch1_evidence_funding", "ch1_evidence_shield",
                 "ch1_evidence_arms_race")
GROSS_BASIS = "gross purchases of property and equipment"
AS_REPORTED_BASIS = "as reported: net of proceeds and incentives (not comparable)"
AMAZON_CAPEX_BASIS = "purchases of property and equipment (gross)"
_COMPANY_ORDER = ["Amazon", "Alphabet", "Meta", "Microsoft"]
_CLAIM_COLOUR = "#E69F00"
CHART_WIDTH = 600  # px; ordinal x axes would otherwise be narrow
_YEAR_AXIS = alt.Axis(labelAngle=0)


# --- dates and reported years --------------------------------------------------------------


def _day(value: str | dt.date | pd.Timestamp) -> pd.Timestamp:
    if isinstance(value, str):
        return pd.Timestamp(dt.date.fromisoformat(value))
    return pd.Timestamp(value)


def last_reported_year(as_of: str) -> int:
    """Return the last fiscal year (ending 31 Dec) reported by ``as_of``.

    >>> last_reported_year("2026-06-30")
    2025
    >>> last_reported_year("2025-12-31")
    2025
    """
    cut = _day(as_of)
    return cut.year if (cut.month, cut.day) == (12, 31) else cut.year - 1


def reported_annual(annual: pd.DataFrame, as_of: str) -> pd.DataFrame:
    """Return the rows of the wide annual frame for fiscal years reported by ``as_of``.

    Args:
        annual: Wide annual frame (:func:`analysis.data.load_annual`).
        as_of: Data cut-off (ISO date).

    Returns:
        A copy sorted by ``year`` with a RangeIndex.
    """
    keep = annual["year"].astype(int) <= last_reported_year(as_of)
    return annual.loc[keep].sort_values("year").reset_index(drop=True)


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


def _value(frame: pd.DataFrame, year: int, column: str) -> float:
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
    start_value = _value(data, from_year, column)
    end_value = _value(data, end, column)
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
        base = _value(data, base_year, column)
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


def cash_flow_sentence(cash: pd.DataFrame, year: int) -> str:
    """Describe how operating cash flow, net capex and free cash flow moved into ``year``.

    Args:
        cash: Output of :func:`cash_flow`.
        year: The later year (the sentence compares it with the year before).

    Returns:
        One plain sentence with formatted numbers.

    Raises:
        KeyError: ``year`` or the year before has no figures.
    """
    wide = cash.pivot_table(index="year", columns="measure", values="value_usd_bn")
    a, b = wide.loc[year - 1], wide.loc[year]

    def move(name: str) -> str:
        verb = "grew" if b[name] > a[name] else "fell" if b[name] < a[name] else "stayed"
        return (f"{verb} from {_bn(a[name])} to {_bn(b[name])}" if verb != "stayed" else
                f"stayed at {_bn(b[name])}")

    ocf, capex, fcf = (move("operating cash flow"), move("net capex"), move("free cash flow"))
    link = "but" if b["free cash flow"] < a["free cash flow"] else "and"
    return (f"From FY{year - 1} to FY{year} operating cash flow {ocf}, {link} net capex "
            f"{capex}, so free cash flow {fcf}.")


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


def _dated(frame: pd.DataFrame, column: str, as_of: str) -> pd.DataFrame:
    dates = pd.to_datetime(frame[column])
    return frame.loc[dates.notna() & (dates <= _day(as_of))]


def guidance_for_year(guidance: pd.DataFrame, as_of: str, year: int) -> Guidance | None:
    """Return Amazon's latest capex guidance for ``year`` stated on or before ``as_of``.

    Args:
        guidance: Capex guidance table (:func:`analysis.data.load_capex_guidance`).
        as_of: Data cut-off (ISO date).
        year: Fiscal year (the table's ``period`` is ``"FY<year>"``).

    Returns:
        A :class:`Guidance`, or ``None`` if no statement for that year is known by ``as_of``.
    """
    rows = _dated(guidance, "statement_date", as_of)
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


def guidance_basis_sentence(guidance: pd.DataFrame, as_of: str, year: int) -> str:
    """Say which guidance for ``year`` the report uses and on which basis (for prose).

    Args:
        guidance: Capex guidance table.
        as_of: Data cut-off (ISO date).
        year: Fiscal year.
    """
    guide = guidance_for_year(guidance, as_of, year)
    if guide is None:
        return f"The data hold no capex guidance for {year} stated by the cut-off."
    basis = {"gross": "gross purchases of property and equipment",
             "net": "cash capex, net of proceeds and incentives",
             }.get(guide.basis, "a basis the company did not state")
    out = (f"Amazon's {year} figure is its latest guidance known at the cut-off, about "
           f"{text.fmt_usd_bn(guide.mid_usd_bn)}, stated on {text.fmt_date(guide.latest_date)} "
           f"as {basis}.")
    if guide.basis == "net":
        out += (" It is not comparable as it stands with the gross figures of earlier years; "
                "the guidance path below adds back the last reported year's proceeds.")
    return out


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
    rows = _dated(guidance, "statement_date", as_of)
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
    if pd.notna(date) and _day(date) > _day(as_of):
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
    rows = _dated(rows, "statement_date", as_of)
    rows = rows.loc[pd.to_datetime(rows["statement_date"]) >= _day(since)]
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


def severance_sentence(benchmarks: pd.DataFrame, as_of: str) -> str:
    """Say how much severance Amazon reported from 28 Oct 2025 to ``as_of``, and when it was booked.

    The quarters come from the rows' ``period`` (the $1.8B of Q3 2025 was booked before the
    October round was announced, though reported after it).

    Args:
        benchmarks: Benchmarks table.
        as_of: Data cut-off (ISO date).

    Returns:
        One plain sentence without a final full stop (a citation follows on the page).
    """
    words = severance_period_words(severance_charges(benchmarks, as_of))
    if not words:
        return f"no severance charge for these rounds had been reported by {text.fmt_date(as_of)}"
    return f"Amazon booked severance charges of {words}"


def _corporate_between(rounds: pd.DataFrame, start: str, as_of: str) -> pd.DataFrame:
    """The rounds that count (the one rule), announced from ``start`` to ``as_of`` inclusive.

    The rule is :func:`analysis.data.layoff_rounds.corporate_rounds`: nested rows skipped, a
    missing bound filled from the other, undisclosed sizes kept with missing sizes.
    """
    sel = corporate_rounds(rounds)
    announced = pd.to_datetime(sel["announced"])
    return sel.loc[(announced >= _day(start)) & (announced <= _day(as_of))]


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


def path_table(paths: pd.DataFrame) -> pd.DataFrame:
    """Format the capex paths as a table for a page (one row per path and year).

    Args:
        paths: Output of :func:`capex_paths` (one interval level).

    Returns:
        Columns ``path``, ``year``, ``gross capex`` (formatted mean),
        ``interval`` (formatted) and ``central path`` (yes/no).
    """
    level = float(paths["level"].iloc[0])
    return pd.DataFrame({
        "path": paths["path"].to_numpy(),
        "year": paths["year"].astype(int).astype(str).to_numpy(),
        "gross capex": [text.fmt_usd_bn(v) for v in paths["mean"]],
        f"{level:.0%} interval": [text.fmt_interval(lo, hi, fmt=text.fmt_usd_bn)
                                  for lo, hi in zip(paths["lower"], paths["upper"], strict=True)],
        "central path": np.where(paths["central"], "yes", "no"),
    })


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
        now = _value(data, year, "capex_gross_usd_m") / 1e3
        before = _value(data, year - 1, "capex_gross_usd_m") / 1e3
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
    """Rows for :func:`savings_chart`: labour savings first, then the capex increases.

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
    cut = _day(as_of)
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
        guided = _dated(grp.loc[grp["kind"].str.startswith("guidance")], "statement_date",
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
        value = _value(data, year, "capex_gross_usd_m") / 1e3
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
    out["_order"] = [(_COMPANY_ORDER.index(c) if c in _COMPANY_ORDER else 99)
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


WEAK_R_SQUARED = 0.5  # below this share of variance explained, a relation reads as weak


def relation_summary(relation: RelationResult) -> str:
    """One sentence with the slope, its interval, p-value, n and R squared.

    Args:
        relation: The estimated relation.

    Returns:
        Plain sentence with formatted numbers.
    """
    def pts(x: float) -> str:
        return text.fmt_pct(x, 1).rstrip("%")

    lag = (f", with capex intensity leading by {text.plural(relation.lag_years, 'year')}"
           if relation.lag_years else "")
    return (f"The fitted slope is {pts(relation.coefficient)} percentage points of yearly "
            f"employee growth per percentage point of capex intensity "
            f"({text.fmt_pct(relation.level * 100)} "
            f"confidence interval {pts(relation.lower)} to {pts(relation.upper)}; two-sided "
            f"p-value {text.fmt_prob(relation.p_value)}; {text.plural(relation.n, 'year')}{lag}; "
            "R\u00b2 "
            f"{text.fmt_pct(100.0 * relation.r_squared)}).")


def relation_verdict(relation: RelationResult) -> str:
    """Say in one sentence whether the relation is weak, and why.

    The relation is called weak when its interval includes zero or it explains less than
    :data:`WEAK_R_SQUARED` of the variance; with about ten annual points it is never
    called strong.

    Args:
        relation: The estimated relation.

    Returns:
        Plain sentence.
    """
    r2 = text.fmt_pct(100.0 * relation.r_squared)
    if relation.lower <= 0.0 <= relation.upper:
        return (f"The relation is weak: the interval includes zero, and capex intensity "
                f"explains {r2} of the variation in employee growth over {relation.n} years.")
    if relation.r_squared < WEAK_R_SQUARED:
        direction = "negative" if relation.coefficient < 0 else "positive"
        return (f"The relation is weak: the slope is {direction} and its interval excludes "
                f"zero, but capex intensity explains only {r2} of the variation in employee "
                f"growth over {relation.n} years.")
    return (f"Capex intensity explains {r2} of the variation in employee growth, but with "
            f"{relation.n} annual points the estimate remains fragile.")


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


# --- evidence for the claim ledger ---------------------------------------------------------


def _bn(x: float) -> str:
    """USD bn with one decimal below $10B, none above."""
    return text.fmt_usd_bn(x, 1 if abs(x) < 10 else 0)


def _pct_range(low: float, high: float) -> str:
    """A percentage range such as '9–15%' (one decimal below 1%)."""
    decimals = 1 if min(abs(low), abs(high)) < 1 else 0
    return f"{text.fmt_pct(low, decimals).rstrip('%')}\u2013{text.fmt_pct(high, decimals)}"


def evidence_capex100(annual: pd.DataFrame, guidance: pd.DataFrame, as_of: str,
                      threshold_usd_bn: float = 100.0) -> str:
    """Evidence for "$100B-plus capital expenditure in AI" (when, gross basis, AI share).

    Args:
        annual: Wide annual frame.
        guidance: Capex guidance table.
        as_of: Data cut-off (ISO date).
        threshold_usd_bn: The claimed amount, USD bn.

    Returns:
        Plain sentences with formatted numbers.
    """
    data = reported_annual(annual, as_of)
    year = first_year_above(annual, as_of, threshold_usd_bn)
    limit = _bn(threshold_usd_bn)
    if year is not None:
        gross = _value(data, year, "capex_gross_usd_m") / 1e3
        net = _value(data, year, "capex_net_usd_m") / 1e3
        prior = _value(data, year - 1, "capex_gross_usd_m") / 1e3
        out = (f"Amazon's gross capex (purchases of property and equipment) first exceeded "
               f"{limit} in FY{year}, at {_bn(gross)}")
        out += f" ({_bn(net)} net of proceeds and incentives)" if math.isfinite(net) else ""
        out += f", up from {_bn(prior)} in FY{year - 1}." if math.isfinite(prior) else "."
    else:
        last = int(data.dropna(subset=["capex_gross_usd_m"])["year"].max())
        value = _value(data, last, "capex_gross_usd_m") / 1e3
        out = (f"No fiscal year reported by {text.fmt_date(as_of)} had gross capex above "
               f"{limit}; the latest, FY{last}, had {_bn(value)}.")
    last_data = last_data_year(annual, as_of)
    upcoming = [g for g in (guidance_for_year(guidance, as_of, y)
                            for y in range(last_data + 1, last_data + 3)) if g is not None]
    for guide in upcoming:
        amount = (_bn(guide.low_usd_bn) if guide.low_usd_bn == guide.high_usd_bn else
                  text.fmt_interval(guide.low_usd_bn, guide.high_usd_bn, fmt=_bn))
        when = (f"given on {text.fmt_date(guide.first_date)}" if guide.first_date ==
                guide.latest_date else f"given on {text.fmt_date(guide.first_date)} and "
                f"repeated on {text.fmt_date(guide.latest_date)}")
        out += (f" Its guidance for FY{guide.year}, {when}, is about {amount} "
                f"({guide.basis} basis).")
    out += (" Amazon does not disclose what share of its capex is for AI, so the 'in AI' part "
            "of the claim cannot be tested.")
    return out


def evidence_funding(funding: pd.DataFrame, cuts: CutCount,
                     savings: tuple[float, float, float], cost_per_employee_usd_k: float,
                     cost_spread_usd_k: tuple[float, float] | None, as_of: str,
                     severance_words: str = "",
                     denominators: pd.DataFrame | None = None) -> str:
    """Evidence for "the layoffs are inextricably linked to funding the build-out".

    Args:
        funding: Output of :func:`funding_table`.
        cuts: Roles cut since Oct 2025 (:func:`cuts_since`).
        savings: ``(central, low, high)`` yearly savings, USD bn.
        cost_per_employee_usd_k: Central cost per employee, USD thousand.
        cost_spread_usd_k: The cost band, (below, above), USD thousand.
        as_of: Data cut-off (ISO date).
        severance_words: When and how much severance was booked
            (:func:`severance_period_words`; optional).
        denominators: Output of :func:`savings_denominators` (optional): the free-cash-flow
            and operating-income comparisons are added.

    Returns:
        Plain sentences with formatted numbers.
    """
    central, low, high = savings
    below, above = cost_spread_usd_k if cost_spread_usd_k is not None else (0.0, 0.0)
    cost = f"${cost_per_employee_usd_k:,.0f}k"
    band = (f"${cost_per_employee_usd_k - below:,.0f}k\u2013"
            f"${cost_per_employee_usd_k + above:,.0f}k")
    window = (f"on {text.fmt_date(CUTS_FROM)}" if _day(as_of) == _day(CUTS_FROM) else
              f"from {text.fmt_date(CUTS_FROM)} to {text.fmt_date(as_of)}")
    out = (f"The {text.fmt_roles(cuts.roles_mid)} or so corporate roles cut in rounds announced "
           f"{window} save about {_bn(central)} "
           f"a year at {cost} per person-year ({text.fmt_interval(low, high, fmt=_bn)} at "
           f"{band}), gross of severance and backfills.")
    shares = []
    for row in funding.itertuples(index=False):
        if not (row.basis == "reported" or row.central) or not math.isfinite(row.share_pct):
            continue
        rng = (f" ({_pct_range(row.share_low_pct, row.share_high_pct)})"
               if math.isfinite(row.share_low_pct) and math.isfinite(row.share_high_pct)
               else "")
        what = ("as reported" if row.basis == "reported" else
                "implied by the guidance" if row.source == "company guidance" else
                "on the guidance path" if row.basis == "guidance" else
                "on the statistical forecast")
        shares.append(f"{fmt_share(row.share_pct)}{rng} of the {_bn(row.increase_usd_bn)} "
                      f"rise in gross capex from FY{row.from_year} to FY{row.to_year} {what}")
    if shares:
        out += " That is " + " and ".join(shares) + "."
    others = (denominators.loc[~denominators["key"].str.startswith("capex_fy")]
              if denominators is not None else None)
    if others is not None and not others.empty:
        out += " " + denominators_sentence(others)
    if severance_words:
        out += f" Amazon booked severance charges of {severance_words}."
    return out + " " + funding_conclusion(funding, denominators)


def funding_conclusion(funding: pd.DataFrame, denominators: pd.DataFrame | None = None) -> str:
    """Judge in one or two sentences whether the savings could fund the capex increase.

    The savings count as small when they are below :data:`SMALL_SHARE_PCT` of every reported
    or central-path capex increase.

    Args:
        funding: Output of :func:`funding_table`.
        denominators: Output of :func:`savings_denominators` (optional): when free cash flow
            is known, the conclusion says how the savings compare with it too.

    Returns:
        Plain sentences.
    """
    shares = [r.share_pct for r in funding.itertuples(index=False)
              if (r.basis == "reported" or r.central) and math.isfinite(r.share_pct)]
    if not shares:
        return ("No capex increase is known on the central path, so the savings cannot be set "
                "against one.")
    fcf = (denominators.loc[denominators["measure"] == "free cash flow"]
           if denominators is not None else pd.DataFrame())
    fcf = fcf.loc[fcf["share_pct"].notna()] if not fcf.empty else fcf
    if max(shares) < SMALL_SHARE_PCT:
        out = ("The savings are a small fraction of the extra capex, so they cannot pay for the "
               "build-out on their own")
        if not fcf.empty:
            out += ("; next to the cash left after that capex they are not small (" + ", ".join(
                f"{fmt_share(r.share_pct).replace(chr(215), ' times')}"
                f"{'' if r.share_pct >= 100 else ' of'} free cash flow in "
                f"{'the ' if not r.period.startswith('FY') else ''}{r.period}"
                for r in fcf.itertuples(index=False)) + ")")
        return out + ("; the data show that the two happened together, not that one pays for "
                      "the other.")
    return ("On these figures the savings would cover a material part of the extra capex; "
            "the data still show only that the two happened together, not that one pays for "
            "the other.")


def shield_conclusion(benchmarks: pd.DataFrame, as_of: str) -> str:
    """Say what the market-reaction data can and cannot show about the "capex shield".

    Args:
        benchmarks: Benchmarks table.
        as_of: Data cut-off (ISO date).

    Returns:
        Plain sentences.
    """
    reaction = benchmark_range(benchmarks, "amazon-stock-reaction-2026-02", as_of)
    tail = ("the data hold no measure of the market's reaction to the layoff announcements "
            "themselves.")
    if reaction is None:
        return "No market reaction is recorded by the cut-off date, and " + tail
    if reaction[1] < 0:
        return ("One after-hours move is not a test of how investors value the strategy over "
                "time, but it is the opposite of a reward for the capex guide; " + tail)
    return ("One after-hours move is not a test of how investors value the strategy over "
            "time; " + tail)


def path_summary(paths: pd.DataFrame, next_year: int, horizon_year: int = 2027) -> str:
    """Compare the two capex paths in the next year and at the horizon.

    Args:
        paths: Output of :func:`capex_paths`.
        next_year: First year after the last reported one.
        horizon_year: Last year of the paths.

    Returns:
        Plain sentences with formatted numbers.
    """
    def at(key: str, year: int) -> pd.Series | None:
        rows = paths[(paths["key"] == key) & (paths["year"] == year)]
        return rows.iloc[0] if not rows.empty else None

    level = text.fmt_pct(float(paths['level'].iloc[0]) * 100)
    stat_next, guide_next = at("forecast", next_year), at("guidance", next_year)
    stat_end, guide_end = at("forecast", horizon_year), at("guidance", horizon_year)
    out = []
    if stat_next is not None and guide_next is not None:
        gap = ("well below" if stat_next["mean"] < 0.9 * guide_next["mean"] else
               "well above" if stat_next["mean"] > 1.1 * guide_next["mean"] else "close to")
        out.append(f"For FY{next_year} the statistical forecast expects about "
                   f"{text.fmt_usd_bn(stat_next['mean'])}, {gap} the guidance path's "
                   f"{text.fmt_usd_bn(guide_next['mean'])}.")
    elif stat_next is not None:
        out.append(f"For FY{next_year} the statistical forecast expects about "
                   f"{text.fmt_usd_bn(stat_next['mean'])}; no company guidance for that year "
                   "is known at the cut-off date.")
    for name, row in (("the statistical forecast", stat_end), ("the guidance path", guide_end)):
        if row is not None:
            out.append(f"For FY{horizon_year} {name} gives {text.fmt_usd_bn(row['mean'])} "
                       f"({level} interval "
                       f"{text.fmt_interval(row['lower'], row['upper'], fmt=text.fmt_usd_bn)}).")
    return " ".join(out)


def market_reaction_sentence(benchmarks: pd.DataFrame, guidance: pd.DataFrame,
                             as_of: str) -> str:
    """Describe the share-price reaction to the 2026 capex guide, if known by ``as_of``.

    Args:
        benchmarks: Benchmarks table.
        guidance: Capex guidance table.
        as_of: Data cut-off (ISO date).

    Returns:
        One plain sentence without a final full stop (a citation follows on the page).
    """
    reaction = benchmark_range(benchmarks, "amazon-stock-reaction-2026-02", as_of)
    consensus = benchmark_range(benchmarks, "consensus-amazon-capex-2026", as_of)
    guide = guidance_for_year(guidance, as_of, 2026)
    if reaction is None or guide is None:
        return (f"No market reaction to the capex guidance is in the data on "
                f"{text.fmt_date(as_of)}")
    lo, hi = abs(reaction[1]), abs(reaction[0])
    drop = text.fmt_pct(lo) if lo == hi else _pct_range(lo, hi)
    expected = (f" (analysts had expected about {_bn(consensus[0])})"
                if consensus is not None else "")
    return (f"After Amazon guided to about {_bn(guide.mid_usd_bn)} of capex for 2026 on "
            f"{text.fmt_date(guide.first_date)}{expected}, its shares fell about {drop} after "
            "hours")


def evidence_shield(cash: pd.DataFrame, benchmarks: pd.DataFrame, guidance: pd.DataFrame,
                    as_of: str) -> str:
    """Evidence for the "capex shield ... rewarded by investors" claim.

    Args:
        cash: Output of :func:`cash_flow`.
        benchmarks: Benchmarks table.
        guidance: Capex guidance table.
        as_of: Data cut-off (ISO date).

    Returns:
        Plain sentences with formatted numbers.
    """
    fcf = cash.loc[cash["measure"] == "free cash flow"].sort_values("year")
    parts = []
    reaction = benchmark_range(benchmarks, "amazon-stock-reaction-2026-02", as_of)
    if reaction is not None and guidance_for_year(guidance, as_of, 2026) is not None:
        verdict = ("negative, so 'rewarded by investors' is not supported for the capex guide"
                   if reaction[1] < 0 else "not negative")
        parts.append(market_reaction_sentence(benchmarks, guidance, as_of)
                     + f": the one market reaction in the data is {verdict}.")
    else:
        parts.append(f"No market reaction to the capex guidance is recorded by "
                     f"{text.fmt_date(as_of)}, so 'rewarded by investors' cannot be tested.")
    if len(fcf) >= 2:
        a, b = fcf.iloc[-2], fcf.iloc[-1]
        s = (f"Free cash flow (operating cash flow minus net capex) went from "
             f"{_bn(a['value_usd_bn'])} in FY{int(a['year'])} to {_bn(b['value_usd_bn'])} in "
             f"FY{int(b['year'])}")
        ttm = benchmark_range(benchmarks, "amazon-ttm-fcf-2026-q1", as_of)
        latest = float(b["value_usd_bn"])
        if ttm is not None:
            s += f" and {_bn(ttm[0])} in the twelve months to Q1 2026"
            latest = ttm[0]
        squeezed = latest < float(a["value_usd_bn"])
        parts.append(s + (": the squeeze is real." if squeezed else
                          "; the reported figures show no squeeze yet."))
    parts.append("The data hold no measure of the market's reaction to the layoffs themselves.")
    return " ".join(parts)


def evidence_arms_race(peers: pd.DataFrame) -> str:
    """Evidence for "an AI arms race with Microsoft and Google" (peer capex growth).

    Args:
        peers: Output of :func:`peer_capex_comparison`.

    Returns:
        Plain sentences with formatted numbers.
    """
    pieces = []
    for company in _COMPANY_ORDER:
        rows = peers.loc[peers["company"] == company].sort_values("fiscal_year")
        actual = rows.loc[rows["kind"] == "actual"]
        guided = rows.loc[rows["kind"] == "guidance"]
        if actual.empty:
            continue
        fy = "FY to June " if company == "Microsoft" else "FY"
        last = actual.iloc[-1]
        s = f"{company} {_bn(last['capex_usd_bn'])} in {fy}{int(last['fiscal_year'])}"
        if len(actual) >= 2 and math.isfinite(last["growth_pct"]):
            s += (f" ({text.fmt_pct(last['growth_pct'], signed=True)} on "
                  f"{_bn(actual.iloc[-2]['capex_usd_bn'])})")
        if not guided.empty:
            g = guided.iloc[-1]
            amount = (_bn(g["low_usd_bn"]) if g["low_usd_bn"] == g["high_usd_bn"] else
                      text.fmt_interval(g["low_usd_bn"], g["high_usd_bn"], fmt=_bn))
            s += f", guided to {amount} for {fy}{int(g['fiscal_year'])}"
        pieces.append(s)
    if not pieces:
        return "No peer capex is recorded by the cut-off date."
    return ("Capex (latest actual, growth on the year before, and guidance): "
            + "; ".join(pieces) + ". All four are raising capex steeply at the same time, "
            "consistent with a race to build AI capacity; definitions differ (Microsoft and "
            "Meta include finance leases, Microsoft's fiscal year ends in June), and no company "
            "splits out its AI share.")


def evidence(annual: pd.DataFrame, guidance: pd.DataFrame, peer: pd.DataFrame,
             rounds: pd.DataFrame, benchmarks: pd.DataFrame, paths: pd.DataFrame,
             params: Mapping[str, Any], cost_spread_usd_k: tuple[float, float] | None
             ) -> dict[str, str]:
    """All four evidence strings of chapter 1, keyed by their glue names.

    Args:
        annual: Wide annual frame.
        guidance: Capex guidance table.
        peer: Peer capex table.
        rounds: Layoff rounds.
        benchmarks: Benchmarks table.
        paths: Output of :func:`capex_paths`.
        params: Validated parameters (``as_of``, ``cost_per_employee_usd_k``).
        cost_spread_usd_k: The cost band (``params.SCHEMA["cost_per_employee_usd_k"]
            .mc_spread``).

    Returns:
        ``{key: sentence}`` for the keys of :data:`EVIDENCE_KEYS`.
    """
    as_of = params["as_of"]
    cost = float(params["cost_per_employee_usd_k"])
    cuts = cuts_since(rounds, as_of)
    saved = savings_usd_bn(cuts.roles_mid, cost, cost_spread_usd_k, cuts.roles_low,
                           cuts.roles_high)
    funding = funding_table(saved, capex_increases(annual, as_of, paths))
    denominators = savings_denominators(saved[0], annual, benchmarks, funding, as_of)
    return {
        "ch1_evidence_capex100": evidence_capex100(annual, guidance, as_of),
        "ch1_evidence_funding": evidence_funding(
            funding, cuts, saved, cost, cost_spread_usd_k, as_of,
            severance_period_words(severance_charges(benchmarks, as_of)), denominators),
        "ch1_evidence_shield": evidence_shield(cash_flow(annual, as_of), benchmarks, guidance,
                                               as_of),
        "ch1_evidence_arms_race": evidence_arms_race(
            peer_capex_comparison(peer, annual, guidance, as_of)),
    }


# --- charts --------------------------------------------------------------------------------


def indexed_chart(indexed: pd.DataFrame, base_year: int) -> alt.LayerChart:
    """Lines of the indexed series on a log scale; capex points marked by basis.

    Args:
        indexed: Output of :func:`indexed_growth`.
        base_year: The base year (for the axis title).
    """
    tips = [alt.Tooltip("year:O", title="year"), alt.Tooltip("series:N", title="series"),
            alt.Tooltip("index_value:Q", title=f"index ({base_year} = 100)", format=",.0f"),
            alt.Tooltip("value:Q", title="value", format=",.1f"),
            alt.Tooltip("unit:N", title="unit"), alt.Tooltip("basis:N", title="basis")]
    base = alt.Chart(indexed).encode(
        x=alt.X("year:O", title="fiscal year", axis=_YEAR_AXIS),
        y=alt.Y("index_value:Q", title=f"index, {base_year} = 100 (log scale)",
                scale=alt.Scale(type="log", nice=False)),
        color=alt.Color("series:N", title=None, scale=alt.Scale(range=PALETTE)))
    lines = base.mark_line().encode(tooltip=tips)
    points = base.mark_point(size=55, filled=True).encode(
        shape=alt.condition(alt.datum.basis == AS_REPORTED_BASIS, alt.value("triangle-up"),
                            alt.value("circle")), tooltip=tips)
    return alt.layer(lines, points).properties(width=CHART_WIDTH)


def intensity_chart(intensity: pd.DataFrame) -> alt.Chart:
    """Bars of Amazon's capex intensity by year, coloured by the basis of the capex line.

    Args:
        intensity: Output of :func:`capex_intensity`.
    """
    return alt.Chart(intensity).mark_bar().encode(
        x=alt.X("year:O", title="fiscal year", axis=_YEAR_AXIS),
        y=alt.Y("capex_intensity_pct:Q", title="capex / net sales (%)"),
        color=alt.Color("basis:N", title="capex basis", scale=alt.Scale(
            domain=[GROSS_BASIS, AS_REPORTED_BASIS], range=[PALETTE[0], "#9ecae1"]),
            legend=alt.Legend(orient="bottom", direction="vertical")),
        tooltip=[alt.Tooltip("year:O", title="fiscal year"),
                 alt.Tooltip("capex_intensity_pct:Q", title="capex intensity (%)",
                             format=".1f"),
                 alt.Tooltip("net_capex_intensity_pct:Q", title="net capex intensity (%)",
                             format=".1f"),
                 alt.Tooltip("capex_gross_usd_bn:Q", title="capex (USD bn)", format=",.1f"),
                 alt.Tooltip("net_sales_usd_bn:Q", title="net sales (USD bn)", format=",.0f"),
                 alt.Tooltip("basis:N", title="basis")]).properties(width=CHART_WIDTH)


def peers_chart(peers: pd.DataFrame) -> alt.LayerChart:
    """Grouped bars of capex by company and fiscal year; guidance bars paler with a range.

    Args:
        peers: Output of :func:`peer_capex_comparison`.
    """
    data = peers.assign(fiscal_year=peers["fiscal_year"].astype(int))
    order = [c for c in _COMPANY_ORDER if c in set(data["company"])]
    tips = [alt.Tooltip("company:N"), alt.Tooltip("fiscal_year:O", title="fiscal year"),
            alt.Tooltip("fiscal_year_end:N", title="fiscal year ends"),
            alt.Tooltip("kind:N", title="actual or guidance"),
            alt.Tooltip("capex_usd_bn:Q", title="capex (USD bn)", format=",.1f"),
            alt.Tooltip("low_usd_bn:Q", title="low (USD bn)", format=",.1f"),
            alt.Tooltip("high_usd_bn:Q", title="high (USD bn)", format=",.1f"),
            alt.Tooltip("growth_pct:Q", title="growth on prior year (%)", format="+.0f"),
            alt.Tooltip("basis:N", title="definition")]
    colour = alt.Color("company:N", title=None, sort=order,
                       scale=alt.Scale(domain=order, range=PALETTE[: len(order)]))
    base = alt.Chart(data).encode(x=alt.X("fiscal_year:O", title="fiscal year", axis=_YEAR_AXIS),
                                  xOffset=alt.XOffset("company:N", sort=order), color=colour)
    bars_ = base.mark_bar().encode(
        y=alt.Y("capex_usd_bn:Q", title="capital expenditure (USD bn)"),
        # The legend shows what the opacity encodes (solid vs pale bars), in a neutral
        # colour, so it is not read as two more companies in black and grey.
        opacity=alt.Opacity("kind:N", title=None, sort=["actual", "guidance"],
                            scale=alt.Scale(domain=["actual", "guidance"], range=[1.0, 0.45]),
                            legend=alt.Legend(
                                symbolType="square", symbolFillColor="#666",
                                symbolStrokeColor="#666",
                                labelExpr="datum.label == 'actual' ? 'reported (solid bar)' "
                                          ": 'guidance (pale bar; line: guided range)'")),
        tooltip=tips)
    ranges = base.mark_rule(strokeWidth=2).encode(
        y="low_usd_bn:Q", y2="high_usd_bn:Q", color=alt.value("#333"), tooltip=tips)
    return alt.layer(bars_, ranges).properties(width=CHART_WIDTH)


def cash_flow_chart(cash: pd.DataFrame) -> alt.LayerChart:
    """Lines of operating cash flow, net capex and free cash flow, with a zero rule.

    Args:
        cash: Output of :func:`cash_flow`.
    """
    order = ["operating cash flow", "net capex", "free cash flow"]
    lines = alt.Chart(cash).mark_line(point=True).encode(
        x=alt.X("year:O", title="fiscal year", axis=_YEAR_AXIS),
        y=alt.Y("value_usd_bn:Q", title="USD bn per year"),
        color=alt.Color("measure:N", title=None, sort=order,
                        scale=alt.Scale(domain=order, range=[PALETTE[0], PALETTE[1],
                                                              PALETTE[3]])),
        tooltip=[alt.Tooltip("year:O", title="fiscal year"), alt.Tooltip("measure:N"),
                 alt.Tooltip("value_usd_bn:Q", title="USD bn", format=",.1f")])
    zero = alt.Chart(pd.DataFrame({"y": [0.0]})).mark_rule(color="#888").encode(
        y="y:Q", tooltip=[alt.Tooltip("y:Q", title="zero")])
    return alt.layer(zero, lines).properties(width=CHART_WIDTH)


def savings_chart(items: pd.DataFrame) -> alt.LayerChart:
    """Horizontal bars of yearly savings and capex increases, each with its range.

    Args:
        items: Columns ``item`` (label), ``kind`` (``labour savings``/``capex increase``),
            ``value_usd_bn``, ``low_usd_bn``, ``high_usd_bn``, ``note``.
    """
    order = list(items["item"])
    tips = [alt.Tooltip("item:N", title="item"), alt.Tooltip("kind:N"),
            alt.Tooltip("value_usd_bn:Q", title="central (USD bn)", format=",.1f"),
            alt.Tooltip("low_usd_bn:Q", title="low (USD bn)", format=",.1f"),
            alt.Tooltip("high_usd_bn:Q", title="high (USD bn)", format=",.1f"),
            alt.Tooltip("note:N", title="note")]
    base = alt.Chart(items).encode(y=alt.Y("item:N", sort=order, title=None,
                                           axis=alt.Axis()))
    bars_ = base.mark_bar(opacity=0.85).encode(
        x=alt.X("value_usd_bn:Q", title="USD bn per year"),
        color=alt.Color("kind:N", title=None, scale=alt.Scale(
            domain=["labour savings", "capex increase"], range=[PALETTE[2], PALETTE[0]])),
        tooltip=tips)
    ranges = base.mark_rule(strokeWidth=2, color="#333").encode(
        x="low_usd_bn:Q", x2="high_usd_bn:Q", tooltip=tips)
    ticks = base.mark_tick(thickness=2, size=14, color="#333").encode(x="low_usd_bn:Q",
                                                                       tooltip=tips)
    ticks_hi = base.mark_tick(thickness=2, size=14, color="#333").encode(x="high_usd_bn:Q",
                                                                          tooltip=tips)
    return alt.layer(bars_, ranges, ticks, ticks_hi).properties(width=CHART_WIDTH - 200,
                                                                height=220)


def path_chart(history: pd.DataFrame, paths: pd.DataFrame, points: pd.DataFrame
               ) -> alt.LayerChart:
    """Reported gross capex, both paths to the horizon with their bands, and guidance points.

    Args:
        history: Columns ``year`` (int), ``value`` (USD bn), ``basis``.
        paths: Output of :func:`capex_paths`.
        points: Output of :func:`guidance_points`.
    """
    keys = list(dict.fromkeys(paths["path"]))
    colours = {"statistical forecast": PALETTE[0], "guidance path": PALETTE[3]}
    colour = alt.Color("path:N", title=None, sort=keys,
                       scale=alt.Scale(domain=keys, range=[colours[k] for k in keys]))
    last = history.sort_values("year").iloc[[-1]]
    # join each path to the last reported year so the dashed lines start from history
    joins = pd.concat([
        pd.DataFrame({"year": last["year"].to_numpy(), "path": k,
                      "mean": last["value"].to_numpy(), "lower": last["value"].to_numpy(),
                      "upper": last["value"].to_numpy(), "central": False})
        for k in keys] + [paths[["year", "path", "mean", "lower", "upper", "central"]]],
        ignore_index=True)
    joins["central_path"] = np.where(joins["central"], "central path", "alternative")
    x = alt.X("year:O", title="fiscal year", axis=_YEAR_AXIS)
    level = float(paths["level"].iloc[0])
    fc_tips = [alt.Tooltip("year:O", title="fiscal year"), alt.Tooltip("path:N"),
               alt.Tooltip("mean:Q", title="expected (USD bn)", format=",.0f"),
               alt.Tooltip("lower:Q", title=f"{level:.0%} lower (USD bn)", format=",.0f"),
               alt.Tooltip("upper:Q", title=f"{level:.0%} upper (USD bn)", format=",.0f")]
    band = alt.Chart(joins).mark_area(opacity=0.18).encode(
        x=x, y="lower:Q", y2="upper:Q", color=colour, tooltip=fc_tips)
    mean = alt.Chart(joins).mark_line(strokeDash=[6, 4], point=True).encode(
        x=x, y="mean:Q", color=colour, tooltip=fc_tips)
    hist = alt.Chart(history).mark_line(point=alt.OverlayMarkDef(color="#333"),
                                        color="#333").encode(
        x=x, y=alt.Y("value:Q", title="gross capex (USD bn per year)"),
        tooltip=[alt.Tooltip("year:O", title="fiscal year"),
                 alt.Tooltip("value:Q", title="reported (USD bn)", format=",.1f"),
                 alt.Tooltip("basis:N", title="basis")])
    layers = [band, hist, mean]
    if not points.empty:
        layers.append(alt.Chart(points).mark_point(
            shape="diamond", size=110, filled=True, color=_CLAIM_COLOUR, opacity=0.9).encode(
            x=x, y="value:Q",
            tooltip=[alt.Tooltip("year:O", title="fiscal year"),
                     alt.Tooltip("value:Q", title="guided (USD bn)", format=",.1f"),
                     alt.Tooltip("label:N", title="statement")]))
    return alt.layer(*layers).properties(width=CHART_WIDTH)


def relation_chart(relation: RelationResult, band: pd.DataFrame) -> alt.LayerChart:
    """Scatter of headcount growth against capex intensity, with the fitted line and band.

    Args:
        relation: The estimated relation (its ``data`` are the points).
        band: Output of :func:`relation_fit_band`.
    """
    pts = relation.data.assign(year=relation.data["year"].astype(int),
                               label=relation.data["year"].astype(int).astype(str))
    x = alt.X("capex_intensity_pct:Q", title="capex intensity: gross capex / net sales (%)",
              scale=alt.Scale(zero=False))
    tips_band = [alt.Tooltip("capex_intensity_pct:Q", title="capex intensity (%)",
                             format=".1f"),
                 alt.Tooltip("fit_pct:Q", title="fitted growth (%)", format=".1f"),
                 alt.Tooltip("lower_pct:Q", title=f"{relation.level:.0%} lower (%)",
                             format=".1f"),
                 alt.Tooltip("upper_pct:Q", title=f"{relation.level:.0%} upper (%)",
                             format=".1f")]
    area = alt.Chart(band).mark_area(opacity=0.2, color=PALETTE[0]).encode(
        x=x, y="lower_pct:Q", y2="upper_pct:Q", tooltip=tips_band)
    line = alt.Chart(band).mark_line(color=PALETTE[0]).encode(x=x, y="fit_pct:Q",
                                                               tooltip=tips_band)
    tips_pts = [alt.Tooltip("year:O", title="fiscal year"),
                alt.Tooltip("capex_intensity_pct:Q", title="capex intensity (%)",
                            format=".1f"),
                alt.Tooltip("headcount_growth_pct:Q", title="employee growth (%)",
                            format=".1f")]
    dots = alt.Chart(pts).mark_point(filled=True, size=60, color="#333").encode(
        x=x, y=alt.Y("headcount_growth_pct:Q", title="growth in employees (% per year)"),
        tooltip=tips_pts)
    labels = alt.Chart(pts).mark_text(dx=16, dy=-6, fontSize=11, color="#555").encode(
        x=x, y="headcount_growth_pct:Q", text="label:N", tooltip=tips_pts)
    return alt.layer(area, line, dots, labels).properties(width=CHART_WIDTH)


# --- denominators of the savings, quarters and severance periods (issue 16) ------------------

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
                         & (pd.to_datetime(quarterly["quarter_end"]) <= _day(as_of))]
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
    rows = _dated(rows, "statement_date", as_of)
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
    fcf = _value(reported_annual(annual, as_of), year, "free_cash_flow_usd_m") / 1e3
    add(f"fcf_fy{year}", "free cash flow", f"FY{year}", "Amazon's definition", fcf, False,
        flag(year, "operating_cash_flow_usd_m", "capex_gross_usd_m", "capex_proceeds_usd_m"),
        "last full fiscal year")
    if not ttm.empty:
        add("fcf_ttm", "free cash flow", span, "Amazon's definition",
            float(last["fcf_usd_bn"]), True, str(last["fcf_confidence"]),
            "latest twelve months reported")
    if "operating_income_usd_m" in annual and annual["operating_income_usd_m"].notna().any():
        year = last_data_year(annual, as_of, "operating_income_usd_m")
        income = _value(reported_annual(annual, as_of), year, "operating_income_usd_m") / 1e3
        add(f"operating_income_fy{year}", "operating income", f"FY{year}", "reported", income,
            False, flag(year, "operating_income_usd_m"), "last full fiscal year")
    return pd.DataFrame(rows, columns=list(DENOMINATOR_COLUMNS))


def fmt_share(share_pct: float) -> str:
    """A share as "8.9%" below 100% and as a multiple "4.4x" (times sign) from 100% up.

    >>> fmt_share(8.94)
    '8.9%'
    """
    if not math.isfinite(share_pct):
        return "not defined (the denominator is not positive)"
    if share_pct >= 100:
        return f"{share_pct / 100:.1f}\u00d7"
    return text.fmt_pct(share_pct, 1 if share_pct < 10 else 0)


def denominators_sentence(denominators: pd.DataFrame) -> str:
    """One sentence: the savings against every denominator, each with its period."""
    parts = []
    for row in denominators.itertuples(index=False):
        share = fmt_share(row.share_pct)
        of = " times" if share.endswith("\u00d7") else " of"
        share = share.rstrip("\u00d7")
        if row.measure.startswith("rise"):
            parts.append(f"{share}{of} the {row.measure} over the {row.period}"
                         if not row.period.startswith("FY") else
                         f"{share}{of} the {row.measure} from {row.period}")
        else:
            when = row.period if row.period.startswith("FY") else f"the {row.period}"
            parts.append(f"{share}{of} {row.measure} in {when}")
    if not parts:
        return "No denominator is known at the cut-off."
    return "The savings are " + "; ".join(parts) + "."


def severance_charges(benchmarks: pd.DataFrame, as_of: str, since: str = CUTS_FROM
                      ) -> pd.DataFrame:
    """Severance charges reported from ``since`` to ``as_of``, with the quarter they were booked in.

    Returns:
        Columns ``period`` (``"2025Q3"``), ``quarter_end``, ``value_usd_bn``, ``confidence``,
        ``before_announcement`` (the quarter ended before ``since``), oldest first.
    """
    rows = benchmarks.loc[(benchmarks["category"] == "amazon_charges")
                          & (benchmarks["metric"] == "severance_charge_usd_bn")]
    rows = _dated(rows, "statement_date", as_of)
    rows = rows.loc[pd.to_datetime(rows["statement_date"]) >= _day(since)]
    out = pd.DataFrame({
        "period": rows["period"].astype(str).to_numpy(),
        "quarter_end": pd.to_datetime([quarter_end(p) for p in rows["period"].astype(str)]),
        "value_usd_bn": rows["value_low"].to_numpy(dtype=float),
        "confidence": rows["confidence"].astype(str).to_numpy()})
    out["before_announcement"] = out["quarter_end"] < _day(since)
    return out.sort_values("quarter_end", kind="stable").reset_index(drop=True)


def severance_period_words(charges: pd.DataFrame, since: str = CUTS_FROM) -> str:
    """Say when the severance was booked, from the rows' own quarters.

    >>> frame = pd.DataFrame({"period": ["2025Q3", "2025Q4"], "value_usd_bn": [1.8, 0.73],
    ...                       "before_announcement": [True, False]})
    >>> severance_period_words(frame).startswith("about $2.5B in Q3\u2013Q4 2025, of which")
    True
    """
    if charges.empty:
        return ""
    periods = list(charges["period"].astype(str))
    first, last = quarter_label(periods[0]), quarter_label(periods[-1])
    span = first if first == last else (
        f"{first.split()[0]}\u2013{last}" if first.split()[1] == last.split()[1]
        else f"{first} to {last}")
    out = f"about {_bn(float(charges['value_usd_bn'].sum()))} in {span}"
    early = charges.loc[charges["before_announcement"].astype(bool)]
    if not early.empty and len(early) < len(charges):
        quarters = " and ".join(quarter_label(p) for p in early["period"].astype(str))
        out += (f", of which about {_bn(float(early['value_usd_bn'].sum()))} in {quarters}, "
                f"the quarter before the round of {text.fmt_date(since)} was announced")
    elif not early.empty:
        out += f", booked before the round of {text.fmt_date(since)} was announced"
    return out


# --- charts a reader asks for (issue 16) ---------------------------------------------------


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


def cumulative_cuts_chart(cumulative: pd.DataFrame, base_roles: float, claim_low: float,
                          claim_high: float, plan_roles: float | None, as_of: str,
                          horizon: str) -> alt.LayerChart:
    """Step line of cumulative announced cuts, the claimed band on its baseline, the plan.

    Args:
        cumulative: Output of :func:`cumulative_cuts` (from the October 2025 round).
        base_roles: The roles of the round the claim adds to (the band's baseline).
        claim_low: Claimed further cuts, low end.
        claim_high: Claimed further cuts, high end.
        plan_roles: Reuters' reported plan ("up to"), or ``None`` if not known at ``as_of``.
        as_of: Data cut-off (the step line runs to it).
        horizon: Last day of the claim's window (the band runs to it).
    """
    steps = pd.concat([cumulative[["announced", "cumulative_roles"]],
                       pd.DataFrame({"announced": [_day(as_of)],
                                     "cumulative_roles": [cumulative["cumulative_roles"]
                                                          .iloc[-1]]})], ignore_index=True)
    x = alt.X("announced:T", title="date announced",
              scale=alt.Scale(domain=[cumulative["announced"].min().isoformat(),
                                      _day(horizon).isoformat()]))
    band = pd.DataFrame({"start": [cumulative["announced"].min()], "end": [_day(horizon)],
                         "low": [base_roles + claim_low], "high": [base_roles + claim_high],
                         "label": [f"claimed: October round + {claim_low:,.0f}\u2013"
                                   f"{claim_high:,.0f} more"]})
    band_tip = [alt.Tooltip("label:N", title="band"),
                alt.Tooltip("low:Q", title="low (cumulative roles)", format=","),
                alt.Tooltip("high:Q", title="high (cumulative roles)", format=",")]
    layers = [
        alt.Chart(band).mark_rect(opacity=0.18, color=_CLAIM_COLOUR).encode(
            x="start:T", x2="end:T", y="low:Q", y2="high:Q", tooltip=band_tip),
        alt.Chart(band).mark_text(align="right", baseline="top", dx=-6, dy=6,
                                  color="#8a5a00").encode(x="end:T", y="high:Q", text="label:N"),
        alt.Chart(steps).mark_line(interpolate="step-after", color="#333").encode(
            x=x, y=alt.Y("cumulative_roles:Q", title="corporate roles, cumulative",
                         axis=alt.Axis(format=",d"), scale=alt.Scale(zero=True))),
        alt.Chart(cumulative).mark_point(filled=True, size=60, color="#333").encode(
            x="announced:T", y="cumulative_roles:Q",
            tooltip=[alt.Tooltip("announced:T", title="announced", format="%d %b %Y"),
                     alt.Tooltip("organisation:N", title="round"),
                     alt.Tooltip("roles_mid:Q", title="roles (undisclosed if blank)",
                                 format=",.0f"),
                     alt.Tooltip("cumulative_roles:Q", title="cumulative", format=",.0f"),
                     alt.Tooltip("date_known_to:N", title="date known to the"),
                     alt.Tooltip("confidence:N", title="source strength")]),
    ]
    if plan_roles is not None:
        plan = pd.DataFrame({"roles": [plan_roles],
                             "label": [f"Reuters, 27 Oct 2025: plan for up to "
                                       f"{plan_roles:,.0f} in all"]})
        layers.append(alt.Chart(plan).mark_rule(strokeDash=[6, 4], color=PALETTE[0]).encode(
            y="roles:Q", tooltip=[alt.Tooltip("label:N", title="reported plan")]))
        plan["end"] = _day(horizon)
        layers.append(alt.Chart(plan).mark_text(align="right", baseline="bottom", dx=-6, dy=-4,
                                                color=PALETTE[0]).encode(
            x="end:T", y="roles:Q", text="label:N"))
    return alt.layer(*layers).properties(width=CHART_WIDTH, height=300)


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
    rows = quarterly.loc[(quarterly["period"] >= first_period) & (ends <= _day(as_of))]
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


def quarterly_guidance_chart(frame: pd.DataFrame) -> alt.LayerChart:
    """Bars of quarterly gross capex, ticks of net capex, steps of a quarter of the guide."""
    x = alt.X("period:O", title="quarter", axis=_YEAR_AXIS)
    tips = [alt.Tooltip("period:O", title="quarter"),
            alt.Tooltip("gross_usd_bn:Q", title="gross capex (USD bn)", format=",.1f"),
            alt.Tooltip("net_usd_bn:Q", title="net capex (USD bn)", format=",.1f"),
            alt.Tooltip("guide_usd_bn:Q", title="full-year guide in force (USD bn)",
                        format=",.0f"),
            alt.Tooltip("guide_basis:N", title="guide's basis"),
            alt.Tooltip("guide_date:N", title="guide stated on"),
            alt.Tooltip("confidence:N", title="source strength of gross capex")]
    base = alt.Chart(frame).encode(x=x, tooltip=tips)
    bars_ = base.mark_bar(color=PALETTE[0], opacity=0.8).encode(
        y=alt.Y("gross_usd_bn:Q", title="USD bn per quarter"))
    net = base.mark_tick(color="#333", thickness=2, size=18).encode(y="net_usd_bn:Q")
    guide = base.mark_line(interpolate="step", color=PALETTE[3], strokeDash=[5, 3],
                           point=alt.OverlayMarkDef(shape="diamond", size=60,
                                                    color=PALETTE[3])).encode(
        y="guide_quarter_usd_bn:Q")
    return alt.layer(bars_, net, guide).properties(width=CHART_WIDTH, height=300)


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


def savings_fcf_chart(fcf: pd.DataFrame, savings: tuple[float, float, float]) -> alt.LayerChart:
    """Bars of free cash flow with the yearly savings as a line and its band."""
    order = list(fcf["period"])
    tips = [alt.Tooltip("period:N", title="period"), alt.Tooltip("kind:N"),
            alt.Tooltip("fcf_usd_bn:Q", title="free cash flow (USD bn)", format=",.1f")]
    bars_ = alt.Chart(fcf).mark_bar(opacity=0.85).encode(
        x=alt.X("period:N", sort=order, title=None, axis=alt.Axis(labelAngle=-35)),
        y=alt.Y("fcf_usd_bn:Q", title="USD bn per year"),
        color=alt.Color("kind:N", title=None, scale=alt.Scale(
            domain=["fiscal year", "trailing twelve months"], range=[PALETTE[0], PALETTE[5]])),
        tooltip=tips)
    central, low, high = savings
    band_data = pd.DataFrame({"low": [low], "high": [high], "central": [central],
                              "label": ["labour savings from the cuts, a year"]})
    stips = [alt.Tooltip("label:N", title=""),
             alt.Tooltip("central:Q", title="central (USD bn)", format=",.1f"),
             alt.Tooltip("low:Q", title="low (USD bn)", format=",.1f"),
             alt.Tooltip("high:Q", title="high (USD bn)", format=",.1f")]
    band = alt.Chart(band_data).mark_rect(opacity=0.2, color=PALETTE[2]).encode(
        y="low:Q", y2="high:Q", tooltip=stips)
    line = alt.Chart(band_data).mark_rule(color=PALETTE[2], strokeWidth=2).encode(
        y="central:Q", tooltip=stips)
    zero = alt.Chart(pd.DataFrame({"y": [0.0]})).mark_rule(color="#888").encode(y="y:Q")
    return alt.layer(bars_, band, line, zero).properties(width=CHART_WIDTH - 100, height=280)


def confidence_map(long: pd.DataFrame, key: str) -> dict[tuple[Any, str], str]:
    """``{(year or period, metric): confidence}`` from a long table (annual or quarterly).

    Args:
        long: ``data.load_table("annual_financials")`` or ``data.load_table("quarterly")``.
        key: ``"year"`` or ``"period"``.
    """
    return {((int(k) if key == "year" else str(k)), str(m)): str(c)
            for k, m, c in zip(long[key], long["metric"], long["confidence"], strict=True)}

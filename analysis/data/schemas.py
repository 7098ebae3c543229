"""Table schemas of the sourced data in ``data/``: columns, types, allowed values, keys, rules.

One :class:`TableSpec` per CSV file. The loader in :mod:`analysis.data` parses each column with
the declared kind (so that a bad cell is reported with its line and column), then validates the
typed frame with the pandera schema built here (types, ranges, allowed values, unique key), then
applies the row rules (checks that involve several columns) and the file rules.

Units and meanings of the columns live in the metadata beside each table
(``data/meta/<table>.yaml``); a test keeps the two column lists identical.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from analysis.data_cutoff import SOURCE_DATE_COLUMNS

if TYPE_CHECKING:
    import pandera.pandas as pa

__all__ = [
    "ANNUAL_METRICS",
    "CONFIDENCE_LEVELS",
    "CONFIDENCE_WEAKNESS",
    "DATE_PRECISIONS",
    "QUARTERLY_METRICS",
    "TABLES",
    "ColumnSpec",
    "FileRule",
    "RowRule",
    "TableSpec",
    "pandera_schema",
    "split_sources",
]

#: The confidence vocabulary of every table (``confidence`` column), strongest first.
CONFIDENCE_LEVELS: tuple[str, ...] = (
    "filing",  # read in an SEC filing (or its XBRL rendering)
    "company_release",  # read in an Amazon press release or a verbatim copy of one
    "filing_copy",  # an SEC filing figure read in a secondary copy (the bib entry names it)
    "company_release_copy",  # an earnings release or company post read in a secondary copy
    "call_transcript_copy",  # spoken on an earnings call, read in a transcript excerpt
    "secondary",  # read in a news page, aggregator, analyst write-up or research paper
    "derived",  # arithmetic on sourced figures; the note gives the formula
    "estimate",  # this report's estimate; the note or derivation says how it was made
    "unverified",  # fact base: "memory only" or "UNRELIABLE"; excluded from fits by default
)

#: The same flags from strongest to weakest as a basis for a figure built from several rows:
#: arithmetic on sourced figures is as strong as a release; a secondary copy is weaker.
#: A figure read in a copy of a company document sits between the document and a news page.
CONFIDENCE_WEAKNESS: tuple[str, ...] = ("filing", "company_release", "derived", "filing_copy",
                                        "company_release_copy", "call_transcript_copy",
                                        "secondary", "estimate", "unverified")

#: How precisely an event date is known; the stored date is the first day of the period.
DATE_PRECISIONS: tuple[str, ...] = ("day", "month", "quarter", "half", "year")

ANNUAL_METRICS: tuple[str, ...] = (
    "net_sales_usd_m",
    "operating_income_usd_m",
    "operating_cash_flow_usd_m",
    "capex_gross_usd_m",
    "capex_proceeds_usd_m",
    "aws_net_sales_usd_m",
    "aws_operating_income_usd_m",
    "employees_year_end",
)
QUARTERLY_METRICS: tuple[str, ...] = (
    "capex_gross_usd_m",
    "capex_proceeds_usd_m",
    "employees",
    "net_sales_usd_m",
    "operating_income_usd_m",
    "operating_cash_flow_usd_m",
    "aws_net_sales_usd_m",
    "aws_operating_income_usd_m",
    "backlog_usd_m",  # remaining performance obligations at quarter end (a stock)
    "ttm_operating_cash_flow_usd_m",  # trailing twelve months, as reported (checks only)
    "ttm_free_cash_flow_usd_m",  # trailing twelve months, Amazon's definition, as reported
)
# Metrics that may be negative (losses, outflows); every other money or count metric is >= 0.
SIGNED_METRICS: frozenset[str] = frozenset({"operating_income_usd_m", "aws_operating_income_usd_m",
                                            "ttm_free_cash_flow_usd_m"})

_PERIOD_RE = r"^\d{4}Q[1-4]$"
_ID_RE = r"^[a-z0-9][a-z0-9-]*$"
_SNAKE_RE = r"^[a-z][a-z0-9_]*$"
_SOC_RE = r"^\d{2}-\d{4}\.\d{2}$"


@dataclass(frozen=True)
class ColumnSpec:
    """One column of a table.

    Attributes:
        name: Column name (carries the unit where there is one).
        kind: ``int``, ``float``, ``str``, ``bool`` or ``date`` (ISO ``YYYY-MM-DD``).
        nullable: Whether an empty cell is allowed (read as NaN / NaT / missing).
        low: Inclusive lower bound (numbers and dates).
        high: Inclusive upper bound (numbers and dates).
        allowed: Allowed values (strings).
        pattern: Regular expression every value must match in full (strings).
        is_source: The cell holds ``;``-separated keys of ``book/references.bib``.
    """

    name: str
    kind: str
    nullable: bool = False
    low: float | str | None = None
    high: float | str | None = None
    allowed: tuple[str, ...] | None = None
    pattern: str | None = None
    is_source: bool = False


@dataclass(frozen=True)
class RowRule:
    """A check on each row that involves several columns.

    Attributes:
        column: The column a failure is reported against.
        message: What is wrong, in words (the row's values are appended).
        bad_rows: Function of the typed frame returning a boolean Series, True where the rule
            is broken.
    """

    column: str
    message: str
    bad_rows: Callable[[pd.DataFrame], pd.Series]


@dataclass(frozen=True)
class FileRule:
    """A check on the whole table.

    Attributes:
        message: What is wrong, in words.
        is_broken: Function of the typed frame returning an explanation when the rule is
            broken, or ``None``.
    """

    message: str
    is_broken: Callable[[pd.DataFrame], str | None]


@dataclass(frozen=True)
class TableSpec:
    """One CSV table in ``data/``.

    Attributes:
        name: Table name; the file is ``<name>.csv``, its metadata ``meta/<name>.yaml``.
        columns: Column specifications, in file order.
        key: Columns that identify a row (unique together).
        unreliable: What loading does with ``confidence == "unverified"`` rows unless
            ``include_unreliable``: ``"nan"`` blanks the ``value_columns`` (time series keep
            their shape), ``"drop"`` removes the rows (event tables).
        value_columns: Columns blanked by the ``"nan"`` policy.
        row_rules: Multi-column checks.
        file_rules: Whole-table checks.
        date_columns_for_vintage: Date columns of observed events (used for the data vintage).
    """

    name: str
    columns: tuple[ColumnSpec, ...]
    key: tuple[str, ...]
    unreliable: str = "drop"
    value_columns: tuple[str, ...] = ()
    row_rules: tuple[RowRule, ...] = ()
    file_rules: tuple[FileRule, ...] = ()
    date_columns_for_vintage: tuple[str, ...] = field(default=())

    @property
    def file(self) -> str:
        """File name of the table inside ``data/``."""
        return f"{self.name}.csv"

    @property
    def column_names(self) -> tuple[str, ...]:
        """Names of the columns, in file order."""
        return tuple(c.name for c in self.columns)


# --- shared columns and rules ----------------------------------------------------------------

_SOURCE = ColumnSpec("source_id", "str", is_source=True)
_CONFIDENCE = ColumnSpec("confidence", "str", allowed=CONFIDENCE_LEVELS)
_NOTE = ColumnSpec("note", "str", nullable=True)
_DATE_PRECISION = ColumnSpec("date_precision", "str", allowed=DATE_PRECISIONS)


def _first_of_period_rule(date_col: str, precision_col: str) -> RowRule:
    """A date stored with a coarse precision must be the first day of its period."""

    def bad(df: pd.DataFrame) -> pd.Series:
        d = df[date_col]
        p = df[precision_col]
        first_of_month = d.dt.day == 1
        month = d.dt.month
        ok = (
            (p == "day")
            | ((p == "month") & first_of_month)
            | ((p == "quarter") & first_of_month & month.isin([1, 4, 7, 10]))
            | ((p == "half") & first_of_month & month.isin([1, 7]))
            | ((p == "year") & first_of_month & (month == 1))
        )
        return d.notna() & ~ok

    return RowRule(date_col, f"a date with coarse {precision_col} must be the first day of "
                   "that period", bad)


def _low_not_above_high(low: str, high: str) -> RowRule:
    return RowRule(high, f"{high} is below {low}",
                   lambda df: df[low].notna() & df[high].notna() & (df[high] < df[low]))


def _both_or_neither(a: str, b: str) -> RowRule:
    return RowRule(b, f"{a} and {b} must both be given or both be empty",
                   lambda df: df[a].isna() != df[b].isna())


# --- the tables ----------------------------------------------------------------------------


def _unit_matches_metric(df: pd.DataFrame) -> pd.Series:
    expected = df["metric"].map(lambda m: "USD m" if m.endswith("_usd_m") else "persons")
    return df["unit"] != expected


def _negative_unsigned(df: pd.DataFrame) -> pd.Series:
    return ~df["metric"].isin(SIGNED_METRICS) & (df["value"] < 0)


def _quarter_end_matches_period(df: pd.DataFrame) -> pd.Series:
    expected = pd.PeriodIndex(df["period"], freq="Q").end_time.normalize()
    return pd.Series(df["quarter_end"].to_numpy() != expected.to_numpy(), index=df.index)


ANNUAL_FINANCIALS = TableSpec(
    name="annual_financials",
    columns=(
        ColumnSpec("year", "int", low=2000, high=2100),
        ColumnSpec("metric", "str", allowed=ANNUAL_METRICS),
        ColumnSpec("value", "float"),
        ColumnSpec("unit", "str", allowed=("USD m", "persons")),
        _SOURCE,
        _CONFIDENCE,
        _NOTE,
    ),
    key=("year", "metric"),
    unreliable="nan",
    value_columns=("value",),
    row_rules=(
        RowRule("unit", "unit does not match the metric's suffix", _unit_matches_metric),
        RowRule("value", "only operating income may be negative", _negative_unsigned),
    ),
)

QUARTERLY = TableSpec(
    name="quarterly",
    columns=(
        ColumnSpec("period", "str", pattern=_PERIOD_RE),
        ColumnSpec("quarter_end", "date", low="2000-01-01", high="2100-12-31"),
        ColumnSpec("metric", "str", allowed=QUARTERLY_METRICS),
        ColumnSpec("value", "float"),
        ColumnSpec("unit", "str", allowed=("USD m", "persons")),
        _SOURCE,
        _CONFIDENCE,
        _NOTE,
    ),
    key=("period", "metric"),
    unreliable="nan",
    value_columns=("value",),
    row_rules=(
        RowRule("unit", "unit does not match the metric's suffix", _unit_matches_metric),
        RowRule("quarter_end", "quarter_end is not the last day of period",
                _quarter_end_matches_period),
        RowRule("value", "only operating income and free cash flow may be negative",
                _negative_unsigned),
    ),
)


def _unknown_parent_round(df: pd.DataFrame) -> pd.Series:
    parent = df["included_in_round_id"]
    return parent.notna() & ~parent.isin(df["round_id"])


LAYOFF_ROUNDS = TableSpec(
    name="layoff_rounds",
    columns=(
        ColumnSpec("round_id", "str", pattern=_ID_RE),
        ColumnSpec("announced", "date", low="2015-01-01", high="2100-12-31"),
        ColumnSpec("announced_precision", "str", allowed=DATE_PRECISIONS),
        ColumnSpec("roles_low", "float", nullable=True, low=0),
        ColumnSpec("roles_high", "float", nullable=True, low=0),
        ColumnSpec("organisation", "str"),
        ColumnSpec("is_corporate", "bool"),
        ColumnSpec("included_in_round_id", "str", nullable=True, pattern=_ID_RE),
        _SOURCE,
        _CONFIDENCE,
        _NOTE,
    ),
    key=("round_id",),
    row_rules=(
        _first_of_period_rule("announced", "announced_precision"),
        _low_not_above_high("roles_low", "roles_high"),
        _both_or_neither("roles_low", "roles_high"),
        RowRule("included_in_round_id", "included_in_round_id names no round in the table",
                _unknown_parent_round),
    ),
    date_columns_for_vintage=SOURCE_DATE_COLUMNS["layoff_rounds"],
)

CAPEX_GUIDANCE = TableSpec(
    name="capex_guidance",
    columns=(
        ColumnSpec("statement_id", "str", pattern=_ID_RE),
        ColumnSpec("statement_date", "date", low="2015-01-01", high="2100-12-31"),
        ColumnSpec("period", "str", pattern=r"^FY\d{4}$"),
        ColumnSpec("value_low_usd_bn", "float", low=0, high=10_000),
        ColumnSpec("value_high_usd_bn", "float", low=0, high=10_000),
        ColumnSpec("basis", "str", allowed=("gross", "net", "unspecified")),
        ColumnSpec("quote", "str", nullable=True),
        _SOURCE,
        _CONFIDENCE,
        _NOTE,
    ),
    key=("statement_id",),
    row_rules=(_low_not_above_high("value_low_usd_bn", "value_high_usd_bn"),),
    date_columns_for_vintage=SOURCE_DATE_COLUMNS["capex_guidance"],
)


def _fiscal_year_mismatch(df: pd.DataFrame) -> pd.Series:
    return df["fiscal_year_end"].dt.year != df["fiscal_year"]


PEER_CAPEX = TableSpec(
    name="peer_capex",
    columns=(
        ColumnSpec("company", "str", allowed=("Microsoft", "Alphabet", "Meta")),
        ColumnSpec("fiscal_year", "int", low=2000, high=2100),
        ColumnSpec("fiscal_year_end", "date", low="2000-01-01", high="2100-12-31"),
        ColumnSpec("capex_usd_bn", "float", low=0, high=10_000),
        ColumnSpec("kind", "str", allowed=("actual", "guidance_low", "guidance_high")),
        ColumnSpec("statement_date", "date", nullable=True, low="2015-01-01",
                   high="2100-12-31"),
        ColumnSpec("basis_note", "str"),
        _SOURCE,
        _CONFIDENCE,
        _NOTE,
    ),
    key=("company", "fiscal_year", "kind", "statement_date"),
    row_rules=(
        RowRule("fiscal_year_end", "fiscal_year_end is not in fiscal_year",
                _fiscal_year_mismatch),
        RowRule("statement_date", "an actual has no statement_date",
                lambda df: (df["kind"] == "actual") & df["statement_date"].notna()),
    ),
    date_columns_for_vintage=SOURCE_DATE_COLUMNS["peer_capex"],
)

WAREHOUSE_ROBOTS = TableSpec(
    name="warehouse_robots",
    columns=(
        ColumnSpec("year", "int", low=2000, high=2100),
        ColumnSpec("robots", "int", low=0, high=100_000_000),
        ColumnSpec("is_lower_bound", "bool"),
        _SOURCE,
        _CONFIDENCE,
        _NOTE,
    ),
    key=("year",),
)

AUTOMATION_MILESTONES = TableSpec(
    name="automation_milestones",
    columns=(
        ColumnSpec("milestone_id", "str", pattern=_ID_RE),
        ColumnSpec("date", "date", low="2000-01-01", high="2100-12-31"),
        _DATE_PRECISION,
        ColumnSpec("system_or_event", "str"),
        ColumnSpec("metric", "str", nullable=True, pattern=_SNAKE_RE),
        ColumnSpec("value", "float", nullable=True),
        ColumnSpec("unit", "str", nullable=True),
        _SOURCE,
        _CONFIDENCE,
        _NOTE,
    ),
    key=("milestone_id",),
    row_rules=(
        _first_of_period_rule("date", "date_precision"),
        _both_or_neither("value", "unit"),
        _both_or_neither("value", "metric"),
    ),
    date_columns_for_vintage=SOURCE_DATE_COLUMNS["automation_milestones"],
)

WORKPLACE_MEMOS = TableSpec(
    name="workplace_memos",
    columns=(
        ColumnSpec("memo_id", "str", pattern=_ID_RE),
        ColumnSpec("date", "date", low="2000-01-01", high="2100-12-31"),
        _DATE_PRECISION,
        ColumnSpec("author", "str"),
        ColumnSpec("topic", "str"),
        ColumnSpec("metric", "str", nullable=True, pattern=_SNAKE_RE),
        ColumnSpec("value", "float", nullable=True),
        ColumnSpec("unit", "str", nullable=True),
        ColumnSpec("effective_date", "date", nullable=True, low="2000-01-01",
                   high="2100-12-31"),
        ColumnSpec("quote", "str", nullable=True),
        _SOURCE,
        _CONFIDENCE,
        _NOTE,
    ),
    key=("memo_id",),
    row_rules=(
        _first_of_period_rule("date", "date_precision"),
        _both_or_neither("value", "unit"),
        _both_or_neither("value", "metric"),
    ),
    date_columns_for_vintage=SOURCE_DATE_COLUMNS["workplace_memos"],
)


WARN_NOTICES = TableSpec(
    name="warn_notices",
    columns=(
        ColumnSpec("notice_id", "str", pattern=_ID_RE),
        ColumnSpec("filed", "date", low="2015-01-01", high="2100-12-31"),
        ColumnSpec("filed_precision", "str", allowed=DATE_PRECISIONS),
        ColumnSpec("state", "str", pattern=r"^[A-Z]{2}$"),
        ColumnSpec("workers", "int", low=1, high=1_000_000),
        ColumnSpec("who", "str"),
        ColumnSpec("locations", "str"),
        ColumnSpec("separations_first", "date", nullable=True, low="2015-01-01",
                   high="2100-12-31"),
        ColumnSpec("separations_last", "date", nullable=True, low="2015-01-01",
                   high="2100-12-31"),
        ColumnSpec("round_id", "str", nullable=True, pattern=_ID_RE),
        ColumnSpec("is_corporate", "bool"),
        _SOURCE,
        _CONFIDENCE,
        _NOTE,
    ),
    key=("notice_id",),
    row_rules=(
        _first_of_period_rule("filed", "filed_precision"),
        _low_not_above_high("separations_first", "separations_last"),
        RowRule("separations_first", "separations start before the notice was filed",
                lambda df: df["separations_first"].notna()
                & (df["separations_first"] < df["filed"])),
    ),
    date_columns_for_vintage=SOURCE_DATE_COLUMNS["warn_notices"],
)


def _eu_dates_missing(df: pd.DataFrame) -> pd.Series:
    milestone = df["kind"] == "act_milestone"
    return (milestone & df["date_original"].isna()) | df["date_after_omnibus"].isna()


EU_AI_ACT = TableSpec(
    name="eu_ai_act",
    columns=(
        ColumnSpec("milestone_id", "str", pattern=_ID_RE),
        ColumnSpec("milestone", "str"),
        ColumnSpec("kind", "str", allowed=("act_milestone", "omnibus_process")),
        ColumnSpec("date_original", "date", nullable=True, low="2020-01-01",
                   high="2100-12-31"),
        ColumnSpec("date_after_omnibus", "date", nullable=True, low="2020-01-01",
                   high="2100-12-31"),
        ColumnSpec("applies_to", "str"),
        _SOURCE,
        _CONFIDENCE,
        _NOTE,
    ),
    key=("milestone_id",),
    row_rules=(
        RowRule("date_after_omnibus", "an act milestone needs both dates; an Omnibus step "
                "needs date_after_omnibus", _eu_dates_missing),
        RowRule("date_original", "an Omnibus step has no date_original",
                lambda df: (df["kind"] == "omnibus_process") & df["date_original"].notna()),
    ),
)

BENCHMARK_CATEGORIES: tuple[str, ...] = (
    "challenger",
    "layoffs_fyi",
    "analyst_savings",
    "analyst_forecast",
    "industry_capex",
    "plan_report",
    "workforce_estimate",
    "research_exposure",
    "peer_layoffs",
    "amazon_charges",
    "amazon_reported",
    "market_reaction",
)

BENCHMARKS = TableSpec(
    name="benchmarks",
    columns=(
        ColumnSpec("benchmark_id", "str", pattern=_ID_RE),
        ColumnSpec("category", "str", allowed=BENCHMARK_CATEGORIES),
        ColumnSpec("publisher", "str"),
        ColumnSpec("metric", "str", pattern=_SNAKE_RE),
        ColumnSpec("period", "str"),
        ColumnSpec("value_low", "float", nullable=True),
        ColumnSpec("value_high", "float", nullable=True),
        ColumnSpec("unit", "str"),
        ColumnSpec("statement_date", "date", nullable=True, low="2015-01-01",
                   high="2100-12-31"),
        _SOURCE,
        _CONFIDENCE,
        _NOTE,
    ),
    key=("benchmark_id",),
    row_rules=(
        _low_not_above_high("value_low", "value_high"),
        RowRule("value_high", "value_low and value_high are both empty",
                lambda df: df["value_low"].isna() & df["value_high"].isna()),
    ),
    date_columns_for_vintage=SOURCE_DATE_COLUMNS["benchmarks"],
)


def _shares_not_100(df: pd.DataFrame) -> str | None:
    total = float(df["headcount_share_pct"].sum())
    return None if abs(total - 100.0) < 1e-6 else f"headcount_share_pct sums to {total:g}"


def _specialist_flags(df: pd.DataFrame) -> pd.Series:
    return df["is_ai_specialist"] != (df["family"] == "ai_ml_specialists")


JOB_FAMILIES = TableSpec(
    name="job_families",
    columns=(
        ColumnSpec("family", "str", pattern=_SNAKE_RE),
        ColumnSpec("family_label", "str"),
        ColumnSpec("headcount_share_pct", "float", low=0, high=100),
        ColumnSpec("ai_exposure_pct", "float", low=0, high=100),
        ColumnSpec("ai_exposure_gpt4_pct", "float", low=0, high=100),
        ColumnSpec("is_ai_specialist", "bool"),
        ColumnSpec("derivation", "str"),
        _SOURCE,
        ColumnSpec("exposure_source_id", "str", is_source=True),
        _CONFIDENCE,
    ),
    key=("family",),
    row_rules=(
        RowRule("is_ai_specialist", "is_ai_specialist is true only for ai_ml_specialists",
                _specialist_flags),
        RowRule("confidence", "the job-family split is an estimate",
                lambda df: df["confidence"] != "estimate"),
    ),
    file_rules=(FileRule("job-family shares must sum to 100", _shares_not_100),),
)

JOB_FAMILY_OCCUPATIONS = TableSpec(
    name="job_family_occupations",
    columns=(
        ColumnSpec("family", "str", pattern=_SNAKE_RE),
        ColumnSpec("onet_soc_code", "str", pattern=_SOC_RE),
        ColumnSpec("onet_title", "str"),
        ColumnSpec("exposure_beta_human_pct", "float", low=0, high=100),
        ColumnSpec("exposure_beta_gpt4_pct", "float", low=0, high=100),
        _SOURCE,
        _CONFIDENCE,
        _NOTE,
    ),
    key=("family", "onet_soc_code"),
)

QUOTES = TableSpec(
    name="quotes",
    columns=(
        ColumnSpec("quote_id", "str", pattern=_ID_RE),
        # Verbatim words of the source: pages render them from here, never retype them.
        ColumnSpec("quote_text", "str"),
        _SOURCE,
        ColumnSpec("locator", "str"),  # where in the source: page, section, timestamp
        ColumnSpec("speaker", "str"),
        ColumnSpec("date", "date", low="2000-01-01", high="2100-12-31"),
        _DATE_PRECISION,
        _CONFIDENCE,
        _NOTE,
    ),
    key=("quote_id",),
    row_rules=(_first_of_period_rule("date", "date_precision"),),
)

TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        ANNUAL_FINANCIALS,
        QUARTERLY,
        LAYOFF_ROUNDS,
        CAPEX_GUIDANCE,
        PEER_CAPEX,
        WAREHOUSE_ROBOTS,
        AUTOMATION_MILESTONES,
        WORKPLACE_MEMOS,
        JOB_FAMILIES,
        JOB_FAMILY_OCCUPATIONS,
        EU_AI_ACT,
        BENCHMARKS,
        WARN_NOTICES,
        QUOTES,
    )
}

_PANDERA_DTYPES = {
    "int": "int64",
    "float": "float64",
    "str": "str",
    "bool": "bool",
    "date": "datetime64[us]",
}


def _column_checks(col: ColumnSpec) -> list[pa.Check]:
    import pandera.pandas as pa  # imported when a table is validated, not with the specs

    checks: list[pa.Check] = []
    if col.kind == "date":
        if col.low is not None:
            checks.append(pa.Check.ge(pd.Timestamp(col.low)))
        if col.high is not None:
            checks.append(pa.Check.le(pd.Timestamp(col.high)))
    else:
        if col.low is not None:
            checks.append(pa.Check.ge(col.low))
        if col.high is not None:
            checks.append(pa.Check.le(col.high))
    if col.allowed is not None:
        checks.append(pa.Check.isin(list(col.allowed)))
    if col.pattern is not None:
        checks.append(pa.Check.str_matches(col.pattern))
    return checks


def pandera_schema(spec: TableSpec) -> pa.DataFrameSchema:
    """Build the pandera schema of a table: dtypes, ranges, allowed values, unique key.

    Args:
        spec: The table.

    Returns:
        A strict schema (no extra columns) whose ``unique`` is the table's key.
    """
    import pandera.pandas as pa

    columns = {
        col.name: pa.Column(_PANDERA_DTYPES[col.kind], checks=_column_checks(col),
                            nullable=col.nullable)
        for col in spec.columns
    }
    return pa.DataFrameSchema(columns, unique=list(spec.key), strict=True,
                              name=spec.name)


def split_sources(cell: str) -> list[str]:
    """Split a ``source_id`` cell into its bibliography keys (``a; b`` -> ``["a", "b"]``)."""
    return [part.strip() for part in cell.split(";") if part.strip()]

"""Chapter 5, the forecast: every calculation behind the forecast, backtest and methods pages.

:func:`compute` runs, once per set of inputs, everything those pages (and the briefing, the
introduction and the claim ledger) read about further corporate cuts and the statistical
forecasts:

* the headline (:func:`analysis.models.headline.compute_headline`): the projection core, the
  layoff-rounds model and their mixture, with the headline backtest that fitted the weight;
* what the headline backtest says about that weight: the chance inside the claimed range at
  every weight (the weight curve), its spread over the weight's bootstrap interval and the
  weight refitted with other bin widths of the log score;
* the sensitivity of the projection core (one at a time, and rank correlations over the
  draws) and the headline under each shipped scenario;
* the arithmetic context of the headline (:class:`Arithmetic`): what is announced and what
  the claim still needs;
* the statistical forecasts of capex and headcount published at the cut-off, their
  nested rolling-origin backtest (:mod:`analysis.models.backtest`) and the comparison of the
  two ways of calibrating their intervals.

Calculations only: sentences are in :mod:`analysis.narrative.forecast` and
:mod:`analysis.narrative.backtest`, charts and display tables in
:mod:`analysis.charts.forecast`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from analysis import data, study
from analysis.models import backtest, forecast, headline, sensitivity
from analysis.models import headline_backtest as hbt
from analysis.models.backtest import BacktestResult
from analysis.models.forecast import ForecastResult
from analysis.models.headline import HeadlineResult
from analysis.models.headline_backtest import HeadlineBacktest
from analysis.params import SCHEMA, Params, validate

__all__ = ["PARAMETERS", "REUTERS_PLAN_ID", "SERIES", "Arithmetic", "ForecastChapterResults",
           "ReadingNeed", "arithmetic", "compute", "position"]

#: Parameters no result here depends on: the capex path and the cost per employee are read by
#: other chapters, the sweep's draws by the explore page.
_NOT_READ = ("capex_path", "cost_per_employee_usd_k", "sweep_draws_per_point")
#: Every parameter the results depend on (the results cache keys on these only). A parameter
#: added to the schema counts until it is listed in ``_NOT_READ``.
PARAMETERS: tuple[str, ...] = tuple(name for name in SCHEMA if name not in _NOT_READ)

#: The annual series forecast and backtested: label -> column.
SERIES: dict[str, str] = {label: column for column, label in backtest.DEFAULT_SERIES.items()}
#: Benchmark row holding Reuters' report of the planned cuts.
REUTERS_PLAN_ID = "reuters-plan-30000"
#: Weights on the projection core at which the weight curve is evaluated, %.
WEIGHT_CURVE_PCT = range(0, 101)


@dataclass(frozen=True)
class ReadingNeed:
    """What one reading of "by 2027" still needs.

    Attributes:
        reading: ``"2026"`` or ``"2027"`` (keys of :data:`analysis.study.READINGS`).
        label: The reading in words.
        cutoff: Last day on which an announcement counts (ISO date).
        months_left: Whole months from the data cut-off to ``cutoff``.
        need_low: More roles needed to reach the low end (0 if already reached).
        need_high: More roles allowed before passing the high end (negative if passed).
        prob_inside: The combined forecast's chance of ending inside the range.
    """

    reading: str
    label: str
    cutoff: str
    months_left: int
    need_low: float
    need_high: float
    prob_inside: float


@dataclass(frozen=True)
class Arithmetic:
    """The arithmetic context of the headline.

    Attributes:
        as_of: Data cut-off.
        observed: Further corporate cuts announced after 28 Oct 2025 and by ``as_of``.
        largest: Largest past corporate rounds (not nested in another), largest first:
            ``announced`` (Timestamp), ``roles`` (midpoint).
        one_more_largest: ``observed`` plus the largest past round.
        one_more_position: Where that total falls: "below", "inside" or "above" the range.
        plan_roles: Reuters' reported plan ("as many as"), or ``None`` if not in the data.
        plan_date: Date of that report (ISO), or ``""``.
        since_plan: Corporate cuts announced from the 28 Oct 2025 round on, by ``as_of``.
        readings: One :class:`ReadingNeed` per reading.
    """

    as_of: str
    observed: float
    largest: pd.DataFrame
    one_more_largest: float
    one_more_position: str
    plan_roles: float | None
    plan_date: str
    since_plan: float
    readings: tuple[ReadingNeed, ...]


def position(total: float, low: float = study.CLAIM_LOW, high: float = study.CLAIM_HIGH) -> str:
    """Where ``total`` falls against the range (inclusive ends): below, inside or above."""
    if total < low:
        return "below"
    if total > high:
        return "above"
    return "inside"


def _months(start: str, end: str) -> int:
    a, b = pd.Timestamp(start), pd.Timestamp(end)
    return max(0, (b.year - a.year) * 12 + b.month - a.month)


def _reuters_plan(benchmarks: pd.DataFrame, as_of: str) -> tuple[float | None, str]:
    """Reuters' reported plan and its date, if the report is in the data by ``as_of``."""
    plan = benchmarks.loc[benchmarks["benchmark_id"] == REUTERS_PLAN_ID]
    if plan.empty or pd.isna(plan["statement_date"].iloc[0]):
        return None, ""
    day = pd.Timestamp(plan["statement_date"].iloc[0])
    if day > pd.Timestamp(as_of):
        return None, ""
    return float(plan["value_high"].iloc[0]), str(day.date())


def arithmetic(result: HeadlineResult, rounds: pd.DataFrame, benchmarks: pd.DataFrame,
               as_of: str, n_largest: int = 3) -> Arithmetic:
    """Compute the arithmetic context from the headline, the rounds and the benchmarks.

    Args:
        result: The headline (:func:`analysis.models.headline.compute_headline`) at ``as_of``.
        rounds: Layoff rounds (``analysis.data.load_layoff_rounds``).
        benchmarks: Benchmarks (``analysis.data.load_benchmarks``), for the Reuters report.
        as_of: Data cut-off (ISO date); rounds after it are not counted.
        n_largest: How many of the largest past rounds to list.

    Returns:
        An :class:`Arithmetic`.
    """
    sized = headline.sized_rounds(rounds)
    known = sized[sized["announced"] <= pd.Timestamp(as_of)]
    largest = (known.sort_values(["roles_mid", "announced"], ascending=[False, True])
               .head(n_largest)[["announced", "roles_mid"]]
               .rename(columns={"roles_mid": "roles"}).reset_index(drop=True))
    observed = float(result.observed)
    top = float(largest["roles"].iloc[0]) if not largest.empty else 0.0
    plan_roles, plan_date = _reuters_plan(benchmarks, as_of)
    since = known[known["announced"] >= pd.Timestamp(study.FURTHER_AFTER)]
    readings = []
    for reading, cutoff in study.READINGS.items():
        row = result.get("combined", reading)
        readings.append(ReadingNeed(
            reading=reading, label=study.READING_LABELS[reading], cutoff=cutoff,
            months_left=_months(as_of, cutoff), need_low=max(0.0, study.CLAIM_LOW - observed),
            need_high=study.CLAIM_HIGH - observed, prob_inside=float(row["prob_inside"])))
    return Arithmetic(
        as_of=as_of, observed=observed, largest=largest, one_more_largest=observed + top,
        one_more_position=position(observed + top), plan_roles=plan_roles, plan_date=plan_date,
        since_plan=float(since["roles_mid"].sum()), readings=tuple(readings))


@dataclass(frozen=True)
class ForecastChapterResults:
    """Everything the forecast, backtest and methods pages show, computed once.

    Attributes:
        params: The parameters used: the :data:`PARAMETERS` of the build, defaults elsewhere.
        vintage: :func:`analysis.data.data_vintage` of the data read.
        headline: The headline (:class:`analysis.models.headline.HeadlineResult`).
        headline_backtest: The headline models against history
            (:class:`analysis.models.headline_backtest.HeadlineBacktest`): the one that fitted
            the weight, or, when the weight is set by the reader, the same backtest run for
            the page.
        further_rounds: Corporate rounds announced after 28 Oct 2025 and by ``as_of``
            (undisclosed sizes kept), as in the layoff-rounds table.
        arithmetic: What is announced and what the claim still needs.
        oat: One-at-a-time sensitivity of further cuts by 31 Dec 2027 in the projection core
            (:func:`analysis.models.sensitivity.sensitivity_oat`), largest swing first, of the
            assumptions that move it at all (swing above zero).
        variance: Rank correlations of each drawn input with further cuts by 31 Dec 2027
            (:func:`analysis.models.sensitivity.sensitivity_global`), largest first.
        scenarios: The combined headline under each shipped scenario
            (:func:`analysis.models.headline.scenario_comparison`).
        weight_curve: The headline at every whole weight on the projection core from 0 to
            100% (:func:`analysis.models.headline_backtest.weight_curve`).
        widened: Per reading, the chance inside the range and the interval over the weight's
            bootstrap interval (:func:`analysis.models.headline_backtest.widened_summary`).
        bin_widths: The stacking weight refitted with other bin widths of the log score
            (:func:`analysis.models.headline_backtest.bin_width_sensitivity`).
        annual: The annual table cut to the fiscal years reported by ``as_of``.
        annual_backtest: Nested rolling-origin backtest of the annual forecasts
            (:class:`analysis.models.backtest.BacktestResult`).
        published: The statistical forecast published at the cut-off, per series label of
            :data:`SERIES` (:class:`analysis.models.forecast.ForecastResult`).
        interval_methods: Pooled coverage and interval score of the published procedure under
            each interval calibration (:func:`analysis.models.backtest.compare_interval_methods`).
        capex_years: Fiscal years of gross capex reported by ``as_of``.
    """

    params: Params
    vintage: dict[str, Any]
    headline: HeadlineResult
    headline_backtest: HeadlineBacktest
    further_rounds: pd.DataFrame
    arithmetic: Arithmetic
    oat: pd.DataFrame
    variance: pd.DataFrame
    scenarios: pd.DataFrame
    weight_curve: pd.DataFrame
    widened: pd.DataFrame
    bin_widths: pd.DataFrame
    annual: pd.DataFrame
    annual_backtest: BacktestResult
    published: dict[str, ForecastResult]
    interval_methods: pd.DataFrame
    capex_years: int


def _moving(oat: pd.DataFrame) -> pd.DataFrame:
    """The rows of a one-at-a-time table whose assumption moves the result."""
    return oat[oat["swing"] > 0]


def _statistical(p: Params, data_dir: Path | None) -> dict[str, Any]:
    """The annual forecasts at the cut-off, their backtest and the interval comparison."""
    u = p.include_unreliable
    annual_all = data.load_annual(include_unreliable=u, data_dir=data_dir)
    annual = forecast.annual_known_by(annual_all, p.as_of)
    guidance = data.load_capex_guidance(include_unreliable=u, data_dir=data_dir)
    origins = (p.backtest_first_origin, p.backtest_last_origin)
    return {
        "annual": annual,
        "annual_backtest": backtest.backtest_annual(annual, *origins, as_of=p.as_of,
                                                    guidance=guidance),
        "published": {
            "Gross capex": forecast.forecast_capex_annual(annual, p.as_of, guidance=guidance),
            "Employees": forecast.forecast_headcount_annual(annual, p.as_of)},
        "interval_methods": backtest.compare_interval_methods(annual, *origins, as_of=p.as_of,
                                                              guidance=guidance),
        "capex_years": len(forecast.annual_series(annual_all, SERIES["Gross capex"],
                                                  p.as_of).dropna()),
    }


def compute(params: Params, data_dir: Path | None = None) -> ForecastChapterResults:
    """Compute the forecast chapter's results.

    Args:
        params: Validated parameters; only :data:`PARAMETERS` are read (the others take their
            defaults, so the result depends on exactly what the cache keys on).
        data_dir: Folder of the data tables (default: the repository's ``data/``).

    Returns:
        A :class:`ForecastChapterResults`.
    """
    p = validate({name: params[name] for name in PARAMETERS})
    u = p.include_unreliable
    events = data.load_layoff_rounds(include_unreliable=u, data_dir=data_dir)
    families = data.load_job_families(include_unreliable=u, data_dir=data_dir)
    result = headline.compute_headline(p, families, events)
    bt = result.backtest or hbt.run_headline_backtest(p, families, events)
    level_pct = float(p.interval_level_pct)
    return ForecastChapterResults(
        params=p,
        vintage=data.data_vintage(data_dir),
        headline=result,
        headline_backtest=bt,
        further_rounds=headline.further_rounds(events, p.as_of),
        arithmetic=arithmetic(result, events,
                              data.load_benchmarks(include_unreliable=u, data_dir=data_dir),
                              p.as_of),
        oat=_moving(sensitivity.sensitivity_oat(p, families, headline.sized_rounds(events))),
        variance=sensitivity.sensitivity_global(result.projection),
        scenarios=headline.scenario_comparison(p, families, events, computed=result),
        weight_curve=hbt.weight_curve(result.draws, level_pct, WEIGHT_CURVE_PCT),
        widened=hbt.widened_summary(result.draws, bt.weight_interval_pct, level_pct),
        bin_widths=hbt.bin_width_sensitivity(bt),
        **_statistical(p, data_dir),
    )

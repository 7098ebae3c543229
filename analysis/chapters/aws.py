"""AWS, Amazon's cloud segment: its sales, margin and share of Amazon's profit.

Calculations for the AWS section of chapter 3 ("The AI-native enterprise"); the chapter's
results (:class:`analysis.chapters.automation.AutomationResults`) carry them, and its
sentences and charts are in :mod:`analysis.narrative.automation` and
:mod:`analysis.charts.automation`. Pure functions of the annual financials.

Conventions:
    * A fiscal year counts once its year end (31 Dec) is on or before ``as_of``.
    * Ratios and growth rates are NaN where an input is missing (e.g. unverified figures left
      out); growth rates only between consecutive years.
    * The margin trend is ordinary least squares over the years with a margin, with t-based
      intervals at ``level_pct``.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = [
    "AI_PLATFORM_MEASURES",
    "AwsResults",
    "AwsSummary",
    "AwsTrend",
    "analyse_aws",
    "aws_margin_trend",
    "aws_segments",
    "aws_summary",
]

#: Measures in ``data/`` of AWS as an AI platform (AWS capex, Trainium, Bedrock, Anthropic):
#: no table holds any of them.
AI_PLATFORM_MEASURES = 0


def aws_segments(annual: pd.DataFrame, as_of: str) -> pd.DataFrame:
    """AWS segment figures next to Amazon's totals, by fiscal year.

    Args:
        annual: Frame from :func:`analysis.data.load_annual`.
        as_of: Data cut-off (ISO date): a fiscal year counts once 31 Dec is on or before it.

    Returns:
        Columns ``year``, ``aws_net_sales_usd_m``, ``aws_operating_income_usd_m``,
        ``net_sales_usd_m``, ``operating_income_usd_m``, ``aws_operating_margin_pct``,
        ``amazon_operating_margin_pct``, ``non_aws_operating_income_usd_m``,
        ``aws_share_of_operating_income_pct``, ``aws_share_of_net_sales_pct``,
        ``aws_sales_growth_pct``, ``amazon_sales_growth_pct``, ``non_aws_sales_growth_pct``,
        ``aws_operating_income_to_capex_pct`` (AWS operating income over Amazon's gross capex).
    """
    cutoff = dt.date.fromisoformat(as_of)
    df = annual.loc[[dt.date(int(y), 12, 31) <= cutoff for y in annual["year"]]]
    df = df.sort_values("year").reset_index(drop=True)
    aws_s, aws_oi = df["aws_net_sales_usd_m"], df["aws_operating_income_usd_m"]
    tot_s, tot_oi = df["net_sales_usd_m"], df["operating_income_usd_m"]
    consecutive = df["year"].diff() == 1

    def growth(series: pd.Series) -> pd.Series:
        g = (series / series.shift(1) - 1.0) * 100.0
        return g.where(consecutive)

    return pd.DataFrame({
        "year": df["year"].astype("int64"),
        "aws_net_sales_usd_m": aws_s, "aws_operating_income_usd_m": aws_oi,
        "net_sales_usd_m": tot_s, "operating_income_usd_m": tot_oi,
        "aws_operating_margin_pct": aws_oi / aws_s * 100.0,
        "amazon_operating_margin_pct": tot_oi / tot_s * 100.0,
        "non_aws_operating_income_usd_m": tot_oi - aws_oi,
        "aws_share_of_operating_income_pct": aws_oi / tot_oi * 100.0,
        "aws_share_of_net_sales_pct": aws_s / tot_s * 100.0,
        "aws_sales_growth_pct": growth(aws_s),
        "amazon_sales_growth_pct": growth(tot_s),
        "non_aws_sales_growth_pct": growth(tot_s - aws_s),
        "aws_operating_income_to_capex_pct": aws_oi / df["capex_gross_usd_m"] * 100.0,
    })


@dataclass(frozen=True)
class AwsSummary:
    """Headline AWS figures, from :func:`aws_summary`.

    Attributes:
        first_year: First fiscal year with AWS net sales.
        last_year: Last fiscal year with AWS net sales.
        sales_first_usd_m: AWS net sales in ``first_year`` (USD m).
        sales_last_usd_m: AWS net sales in ``last_year`` (USD m).
        sales_cagr_pct: AWS net sales growth per year between those years (%, compound).
        amazon_sales_cagr_pct: Amazon's net sales growth per year over the same years (%).
        margin_first_pct: AWS operating margin in ``first_year`` (%).
        margin_last_pct: AWS operating margin in ``last_year`` (%).
        share_oi_last_pct: AWS share of Amazon's operating income, latest year with it (%).
        share_sales_last_pct: AWS share of Amazon's net sales in ``last_year`` (%).
        growth_last_pct: AWS net sales growth in ``last_year`` (%).
        amazon_growth_last_pct: Amazon's net sales growth in ``last_year`` (%).
        oi_to_capex_last_pct: AWS operating income over Amazon's gross capex, ``last_year``
            (%).
        years_share_over_100: Years in which AWS earned more than all of Amazon.
        n_faster: Years in which AWS sales grew faster than Amazon's.
        n_compared: Years with both growth rates.
    """

    first_year: int
    last_year: int
    sales_first_usd_m: float
    sales_last_usd_m: float
    sales_cagr_pct: float
    amazon_sales_cagr_pct: float
    margin_first_pct: float
    margin_last_pct: float
    share_oi_last_pct: float
    share_sales_last_pct: float
    growth_last_pct: float
    amazon_growth_last_pct: float
    oi_to_capex_last_pct: float
    years_share_over_100: tuple[int, ...]
    n_faster: int
    n_compared: int


def aws_summary(aws: pd.DataFrame) -> AwsSummary:
    """Headline AWS figures for prose, from :func:`aws_segments`.

    Args:
        aws: From :func:`aws_segments`.

    Returns:
        An :class:`AwsSummary`.
    """
    with_sales = aws.loc[aws["aws_net_sales_usd_m"].notna()]
    first, last = with_sales.iloc[0], with_sales.iloc[-1]
    span = float(last["year"] - first["year"])
    both = aws.dropna(subset=["aws_sales_growth_pct", "amazon_sales_growth_pct"])
    share = aws.loc[aws["aws_share_of_operating_income_pct"].notna()]
    return AwsSummary(
        first_year=int(first["year"]), last_year=int(last["year"]),
        sales_first_usd_m=float(first["aws_net_sales_usd_m"]),
        sales_last_usd_m=float(last["aws_net_sales_usd_m"]),
        sales_cagr_pct=float(((last["aws_net_sales_usd_m"] / first["aws_net_sales_usd_m"])
                              ** (1.0 / span) - 1.0) * 100.0),
        amazon_sales_cagr_pct=float(((last["net_sales_usd_m"] / first["net_sales_usd_m"])
                                     ** (1.0 / span) - 1.0) * 100.0),
        margin_first_pct=float(first["aws_operating_margin_pct"]),
        margin_last_pct=float(last["aws_operating_margin_pct"]),
        share_oi_last_pct=float(share["aws_share_of_operating_income_pct"].iloc[-1]),
        share_sales_last_pct=float(last["aws_share_of_net_sales_pct"]),
        growth_last_pct=float(last["aws_sales_growth_pct"]),
        amazon_growth_last_pct=float(last["amazon_sales_growth_pct"]),
        oi_to_capex_last_pct=float(last["aws_operating_income_to_capex_pct"]),
        years_share_over_100=tuple(int(y) for y in share.loc[
            share["aws_share_of_operating_income_pct"] > 100.0, "year"]),
        n_faster=int((both["aws_sales_growth_pct"] > both["amazon_sales_growth_pct"]).sum()),
        n_compared=len(both),
    )


@dataclass(frozen=True)
class AwsTrend:
    """Linear trend of AWS's operating margin (ordinary least squares on the years observed).

    Attributes:
        slope_pp_per_year: Change in margin, percentage points per year.
        lower: Lower end of the slope's confidence interval (points per year).
        upper: Upper end.
        level: Confidence level (fraction).
        n_years: Years used.
        band: Fitted trend with its confidence band: ``year``, ``fitted_pct``, ``lower_pct``,
            ``upper_pct``, ``level``.
    """

    slope_pp_per_year: float
    lower: float
    upper: float
    level: float
    n_years: int
    band: pd.DataFrame


def aws_margin_trend(aws: pd.DataFrame, level_pct: float = 80.0) -> AwsTrend:
    """Fit a straight line to AWS's operating margin over the years with data.

    Args:
        aws: Frame from :func:`aws_segments`.
        level_pct: Confidence level in percent.

    Returns:
        An :class:`AwsTrend` (t-based intervals for the slope and the fitted line).

    Raises:
        ValueError: Fewer than three years with a margin.
    """
    d = aws.loc[aws["aws_operating_margin_pct"].notna(), ["year", "aws_operating_margin_pct"]]
    n = len(d)
    if n < 3:
        raise ValueError(f"need at least 3 years with an AWS margin, got {n}")
    x = d["year"].to_numpy(dtype=float)
    y = d["aws_operating_margin_pct"].to_numpy(dtype=float)
    xc = x - x.mean()
    slope = float(np.sum(xc * (y - y.mean())) / np.sum(xc ** 2))
    intercept = float(y.mean())
    resid = y - (intercept + slope * xc)
    s2 = float(np.sum(resid ** 2) / (n - 2))
    from scipy import special  # imported where used: scipy takes a second to import
    tq = float(special.stdtrit(n - 2, 0.5 + level_pct / 200.0))
    se_slope = math.sqrt(s2 / np.sum(xc ** 2))
    years = aws["year"].to_numpy(dtype=float)
    fitted = intercept + slope * (years - x.mean())
    se_fit = np.sqrt(s2 * (1.0 / n + (years - x.mean()) ** 2 / np.sum(xc ** 2)))
    band = pd.DataFrame({"year": aws["year"].astype("int64").to_numpy(), "fitted_pct": fitted,
                         "lower_pct": fitted - tq * se_fit, "upper_pct": fitted + tq * se_fit,
                         "level": level_pct / 100.0})
    return AwsTrend(slope_pp_per_year=slope, lower=slope - tq * se_slope,
                    upper=slope + tq * se_slope, level=level_pct / 100.0, n_years=n, band=band)


@dataclass(frozen=True, eq=False)
class AwsResults:
    """The AWS analysis: segment table, headline figures and margin trend.

    Attributes:
        segments: From :func:`aws_segments`.
        summary: From :func:`aws_summary`.
        trend: From :func:`aws_margin_trend`.
        ai_platform_measures: Measures of AWS as an AI platform in the data
            (:data:`AI_PLATFORM_MEASURES`).
    """

    segments: pd.DataFrame
    summary: AwsSummary
    trend: AwsTrend
    ai_platform_measures: int = AI_PLATFORM_MEASURES


def analyse_aws(annual: pd.DataFrame, as_of: str, level_pct: float) -> AwsResults:
    """Run the AWS analysis.

    Args:
        annual: Frame from :func:`analysis.data.load_annual`.
        as_of: Data cut-off (ISO date).
        level_pct: Confidence level of the margin trend, in percent.

    Returns:
        An :class:`AwsResults`.
    """
    segments = aws_segments(annual, as_of)
    return AwsResults(segments=segments, summary=aws_summary(segments),
                      trend=aws_margin_trend(segments, level_pct))

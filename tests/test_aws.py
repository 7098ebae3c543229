"""Tests of analysis.chapters.aws, the AWS part of the automation chapter: segment ratios,
growth, the as_of rule, the headline figures and the margin trend."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis.chapters import aws as W


def annual_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "year": [2021, 2022, 2023, 2024, 2025],
        "net_sales_usd_m": [400.0, 500.0, 600.0, 700.0, 800.0],
        "operating_income_usd_m": [40.0, 20.0, np.nan, 70.0, 100.0],
        "capex_gross_usd_m": [50.0, 60.0, 70.0, 80.0, 100.0],
        "aws_net_sales_usd_m": [40.0, 60.0, np.nan, 100.0, 120.0],
        "aws_operating_income_usd_m": [10.0, 30.0, np.nan, 35.0, 45.0],
        "employees_year_end": [100.0, 110.0, 120.0, 130.0, 140.0],
    })


def test_aws_segments_ratios_growth_and_as_of():
    aws = W.aws_segments(annual_frame(), "2026-06-30")
    row = aws.set_index("year").loc[2025]
    assert row["aws_operating_margin_pct"] == pytest.approx(37.5)
    assert row["aws_share_of_operating_income_pct"] == pytest.approx(45.0)
    assert row["aws_share_of_net_sales_pct"] == pytest.approx(15.0)
    assert row["aws_sales_growth_pct"] == pytest.approx(20.0)
    assert row["amazon_sales_growth_pct"] == pytest.approx(100 / 700 * 100)
    assert row["aws_operating_income_to_capex_pct"] == pytest.approx(45.0)
    by_year = aws.set_index("year")
    # 2022: the rest of Amazon lost money, so AWS earned more than all of it.
    assert by_year.loc[2022, "aws_share_of_operating_income_pct"] == pytest.approx(150.0)
    assert math.isnan(by_year.loc[2024, "aws_sales_growth_pct"])  # 2023 missing
    assert W.aws_segments(annual_frame(), "2025-06-30")["year"].max() == 2024


def test_aws_margin_trend_recovers_a_straight_line():
    aws = pd.DataFrame({"year": np.arange(2015, 2026),
                        "aws_operating_margin_pct": 20.0 + 1.5 * np.arange(11)})
    tr = W.aws_margin_trend(aws, 80.0)
    assert tr.slope_pp_per_year == pytest.approx(1.5)
    assert tr.lower == pytest.approx(1.5) and tr.upper == pytest.approx(1.5)
    assert list(tr.band.columns) == ["year", "fitted_pct", "lower_pct", "upper_pct", "level"]
    with pytest.raises(ValueError, match="at least 3"):
        W.aws_margin_trend(aws.iloc[:2])


def test_aws_summary_headlines():
    s = W.aws_summary(W.aws_segments(annual_frame(), "2026-06-30"))
    assert (s.first_year, s.last_year) == (2021, 2025)
    assert s.sales_cagr_pct == pytest.approx(((120 / 40) ** 0.25 - 1) * 100)
    assert s.years_share_over_100 == (2022,)
    assert (s.n_faster, s.n_compared) == (2, 2)
    assert s.share_oi_last_pct == pytest.approx(45.0)


def test_analyse_aws_bundles_the_three_parts():
    res = W.analyse_aws(annual_frame(), "2026-06-30", 80.0)
    assert res.summary.last_year == int(res.segments["year"].max())
    assert res.trend.level == pytest.approx(0.8)
    assert res.ai_platform_measures == W.AI_PLATFORM_MEASURES == 0

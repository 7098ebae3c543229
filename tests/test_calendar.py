"""Tests of analysis.data.calendar: the one as_of rule for fiscal years and dated statements."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from analysis.charts import tables
from analysis.data import calendar
from analysis.models import forecast


@pytest.mark.parametrize(("as_of", "year"), [("2026-06-30", 2025), ("2025-12-31", 2025),
                                             ("2025-12-30", 2024), ("2026-01-01", 2025)])
def test_last_reported_year_counts_a_year_from_its_year_end(as_of, year):
    assert calendar.last_reported_year(as_of) == year
    assert calendar.last_reported_year(dt.date.fromisoformat(as_of)) == year
    assert calendar.last_reported_year(pd.Timestamp(as_of)) == year


def test_as_date_refuses_a_string_that_is_not_an_iso_date():
    with pytest.raises(ValueError):
        calendar.as_date("30/06/2026")


def _annual() -> pd.DataFrame:
    return pd.DataFrame({"year": [2025, 2023, 2024], "capex_gross_usd_m": [3.0, 1.0, 2.0]},
                        index=[7, 8, 9])


def test_reported_annual_cuts_sorts_and_resets_the_index():
    out = calendar.reported_annual(_annual(), "2025-10-28")
    assert out["year"].tolist() == [2023, 2024]
    assert out.index.tolist() == [0, 1]
    assert calendar.reported_annual(_annual(), "2025-12-31")["year"].tolist() == [
        2023, 2024, 2025]


def test_stated_by_keeps_dated_rows_up_to_the_cut_off():
    frame = pd.DataFrame({"statement_date": pd.to_datetime(["2026-02-05", None,
                                                             "2026-07-30"]),
                          "value": [1, 2, 3]})
    assert calendar.stated_by(frame, "statement_date", "2026-07-29")["value"].tolist() == [1]
    assert calendar.stated_by(frame, "statement_date", "2026-07-30")["value"].tolist() == [1, 3]


@pytest.mark.parametrize("as_of", ["2024-12-30", "2024-12-31", "2025-10-28", "2026-09-28"])
def test_tables_and_forecast_use_the_same_rule(as_of):
    annual = _annual().sort_values("year").reset_index(drop=True)
    last = calendar.last_reported_year(as_of)
    assert tables.annual_known_by(annual, as_of)["year"].max() == last
    series = forecast.annual_series(annual, "capex_gross_usd_m", as_of)
    assert int(series.index.max()) == last

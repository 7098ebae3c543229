"""The briefing's key numbers follow the one as_of rule: it reads chapter 1's results."""

from __future__ import annotations

import pytest

from analysis import data, params, text
from analysis.chapters import capital
from analysis.data import calendar
from analysis.narrative import briefing


@pytest.mark.parametrize(("as_of", "year"), [("2025-11-15", 2024), ("2026-09-28", 2025)])
def test_briefing_capex_is_the_last_year_reported_by_the_cut_off(as_of, year):
    capex = data.load_annual().set_index("year")["capex_gross_usd_m"]
    assert capex.index.max() == 2025  # the data hold FY2025 whatever the cut-off
    res = capital.compute(params.validate({"as_of": as_of}))
    assert res.last_year == calendar.last_reported_year(as_of) == year
    row = {"median": 30000.0, "lower": 20000.0, "upper": 40000.0, "prob_inside": 0.5}
    number = briefing.key_numbers(0.0, as_of, row, 80, res)[-1]
    assert number == briefing.capital_number(res)
    assert number.label == f"gross capex {year}"
    assert number.value == text.fmt_usd_words(capex[year])
    assert number.context == (f"up {text.fmt_usd_words(capex[year] - capex[year - 1])} on "
                              f"{year - 1}")
    if year < 2025:  # an early cut-off never quotes FY2025's $132 billion
        assert text.fmt_usd_words(capex[2025]) not in number.value

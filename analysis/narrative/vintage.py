"""What the data contain and what they do not yet contain, in words (the vintage box).

Everything is computed from :func:`analysis.data.data_vintage` (the latest quarter of each
series, the latest event, the latest dated source), never typed, so that the sentences follow
the data when an editor adds a row.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from analysis import text

__all__ = ["not_yet_in_data", "not_yet_in_data_sentence", "vintage_sentence"]


_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")


def _next_quarter(period: str) -> str:
    """The quarter after ``period`` (``"2026Q4"`` -> ``"2027Q1"``), as pandas writes a quarter.

    Plain arithmetic rather than ``pd.Period``, so importing the build (whose page footers
    use this module) does not import pandas.
    """
    match = _QUARTER.match(str(period))
    if match is None:
        raise ValueError(f"not a quarter like '2026Q1': {period!r}")
    year, quarter = int(match[1]), int(match[2])
    return f"{year + quarter // 4}Q{quarter % 4 + 1}"


def not_yet_in_data(vintage: Mapping[str, Any]) -> list[str]:
    """List what the data do not yet contain, newest gaps first.

    Args:
        vintage: :func:`analysis.data.data_vintage`.

    Returns:
        Short phrases: the first quarter with no company results at all, then each reported
        series that stops before the latest quarter (e.g. the employee count), then the first
        fiscal year with no annual figures.
    """
    latest = str(vintage["latest_quarter"])
    out = [f"no {_next_quarter(latest)} results (the latest quarter in the data is {latest})"]
    for label, period in vintage.get("series_latest_quarter", {}).items():
        if not period:
            out.append(f"no {label} at all")
        elif period < latest:
            first_missing = _next_quarter(period)
            years = sorted({first_missing[:4], latest[:4]})
            span = "–".join(years) if len(years) > 1 else years[0]
            out.append(f"no {label} after {period} (none for {span})")
    year = int(vintage["latest_annual_year"])
    out.append(f"no fiscal-year {year + 1} annual figures (the latest full year is {year})")
    return out


def not_yet_in_data_sentence(vintage: Mapping[str, Any]) -> str:
    """One sentence for the top of a page: what is not yet in the data, and the cut-off."""
    as_of = vintage.get("as_of") or vintage["latest_source_date"]
    return (f"Data to {text.fmt_date(str(as_of))}: "
            + "; ".join(not_yet_in_data(vintage)) + ".")


def vintage_sentence(vintage: Mapping[str, Any]) -> str:
    """The latest figures and the latest event, for the vintage box (plain text, escaped later)."""
    return (f"latest quarter {vintage['latest_quarter']}, latest fiscal year "
            f"{vintage['latest_annual_year']}; latest event: {vintage['latest_event']} "
            f"({text.fmt_date(str(vintage['latest_event_date']))}); latest dated source "
            f"{text.fmt_date(str(vintage['latest_source_date']))}; data retrieved "
            f"{text.fmt_date(str(vintage['data_retrieved']))}")

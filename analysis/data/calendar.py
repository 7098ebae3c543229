"""The one ``as_of`` calendar rule: what is known at a data cut-off.

Every chapter, model and page that cuts data at ``as_of`` uses these functions, so the rule is
written once:

* A **fiscal year** (ending 31 Dec) counts as reported once its year end is on or before
  ``as_of``: :func:`last_reported_year`, :func:`reported_annual`.
* A **statement** (guidance, a benchmark, a market move) counts from its statement date, on or
  before ``as_of``: :func:`stated_by`.

Amazon publishes a year's results some five weeks after its year end; the rule counts the year
from its end, so a cut-off in January already sees the year just ended (the data hold each
figure as later reported).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

__all__ = ["as_date", "last_reported_year", "reported_annual", "stated_by"]


def as_date(value: str | dt.date | pd.Timestamp) -> pd.Timestamp:
    """Return a day as a Timestamp; a string must be an ISO date (``"2026-06-30"``).

    >>> as_date("2025-10-28")
    Timestamp('2025-10-28 00:00:00')
    """
    if isinstance(value, str):
        return pd.Timestamp(dt.date.fromisoformat(value))
    return pd.Timestamp(value)


def last_reported_year(as_of: str | dt.date | pd.Timestamp) -> int:
    """Return the last fiscal year (ending 31 Dec) reported by ``as_of``.

    >>> last_reported_year("2026-06-30")
    2025
    >>> last_reported_year("2025-12-31")
    2025
    >>> last_reported_year("2025-12-30")
    2024
    """
    cut = as_date(as_of)
    return cut.year if (cut.month, cut.day) == (12, 31) else cut.year - 1


def reported_annual(annual: pd.DataFrame, as_of: str | dt.date | pd.Timestamp) -> pd.DataFrame:
    """Return the rows of an annual frame for fiscal years reported by ``as_of``.

    Args:
        annual: Frame with an integer ``year`` column (e.g. :func:`analysis.data.load_annual`).
        as_of: Data cut-off (ISO date).

    Returns:
        A copy sorted by ``year`` with a RangeIndex.
    """
    keep = annual["year"].astype(int) <= last_reported_year(as_of)
    return annual.loc[keep].sort_values("year").reset_index(drop=True)


def stated_by(frame: pd.DataFrame, column: str, as_of: str | dt.date | pd.Timestamp
              ) -> pd.DataFrame:
    """Return the rows of ``frame`` whose date in ``column`` is on or before ``as_of``.

    Rows without a date are left out.

    Args:
        frame: Any table with a date column.
        column: The date column (e.g. ``statement_date``).
        as_of: Data cut-off (ISO date).

    Returns:
        The rows known by ``as_of`` (a view of ``frame``'s rows, index kept).
    """
    dates = pd.to_datetime(frame[column])
    return frame.loc[dates.notna() & (dates <= as_date(as_of))]

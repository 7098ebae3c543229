"""Number formatting for prose: every number a page glues is a string made here.

One module formats, so that the same quantity reads the same everywhere and the formatting is
tested. Functions take plain numbers (NumPy scalars are accepted) and return strings.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

__all__ = [
    "fmt_count",
    "fmt_decimal",
    "fmt_usd",
    "fmt_date",
    "fmt_event_date",
    "fmt_interval",
    "fmt_pct",
    "fmt_prob",
    "fmt_roles",
    "fmt_usd_bn",
    "fmt_usd_m_as_bn",
    "fmt_value",
]

_DASH = "\u2013"  # en dash for ranges


def _finite(x: Any) -> float:
    value = float(x)
    if not math.isfinite(value):
        raise ValueError(f"cannot format a non-finite number: {x!r}")
    return value


def _round_sig(value: float, sig: int) -> float:
    if value == 0:
        return 0.0
    digits = sig - int(math.floor(math.log10(abs(value)))) - 1
    return round(value, digits)


def fmt_count(x: Any, sig: int | None = None) -> str:
    """Format a count with thousands separators, optionally rounded to ``sig`` figures.

    >>> fmt_count(14000)
    '14,000'
    >>> fmt_count(23456.7, sig=2)
    '23,000'
    """
    value = _finite(x)
    if sig is not None:
        value = _round_sig(value, sig)
    return f"{round(value):,}".replace("-", "\u2212")


def fmt_roles(x: Any, sig: int = 2) -> str:
    """Format a number of roles for prose, rounded to ``sig`` significant figures.

    >>> fmt_roles(16100)
    '16,000'
    """
    return fmt_count(x, sig=sig)


def fmt_pct(x: Any, decimals: int = 0, signed: bool = False) -> str:
    """Format a percentage given in percent units (12.5 → '12.5%').

    >>> fmt_pct(12.345, 1)
    '12.3%'
    >>> fmt_pct(-3, signed=True)
    '−3%'
    """
    value = _finite(x)
    text = f"{value:+.{decimals}f}%" if signed else f"{value:.{decimals}f}%"
    return text.replace("-", "\u2212")


def fmt_prob(p: Any) -> str:
    """Format a probability (0–1) as a whole percentage, with '<1%' / '>99%' at the ends.

    >>> fmt_prob(0.4567)
    '46%'
    >>> fmt_prob(0.001)
    '<1%'
    """
    value = _finite(p)
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"a probability must lie in [0, 1], got {p!r}")
    if 0 < value < 0.005:
        return "<1%"
    if 0.995 < value < 1:
        return ">99%"
    return f"{value * 100:.0f}%"


def fmt_decimal(x: Any, decimals: int = 2) -> str:
    """Format a plain number with a fixed number of decimals (ratios, error measures).

    >>> fmt_decimal(1.23456, 3)
    '1.235'
    >>> fmt_decimal(-0.5, 1)
    '−0.5'
    """
    return f"{_finite(x):,.{decimals}f}".replace("-", "\u2212")


def fmt_usd(x: Any, decimals: int = 2) -> str:
    """Format a small amount of US dollars.

    >>> fmt_usd(0.3)
    '$0.30'
    """
    value = _finite(x)
    sign = "\u2212" if value < 0 else ""
    return f"{sign}${abs(value):,.{decimals}f}"


def fmt_usd_bn(x: Any, decimals: int = 0) -> str:
    """Format billions of US dollars.

    >>> fmt_usd_bn(131.819)
    '$132B'
    >>> fmt_usd_bn(-9.069, 1)
    '−$9.1B'
    """
    return fmt_usd(x, decimals) + "B"


def fmt_usd_m_as_bn(x: Any, decimals: int = 0) -> str:
    """Format a value in millions of US dollars as billions.

    >>> fmt_usd_m_as_bn(131819)
    '$132B'
    """
    return fmt_usd_bn(_finite(x) / 1000.0, decimals)


def fmt_interval(low: Any, high: Any, fmt: Any = fmt_roles, **kwargs: Any) -> str:
    """Format an interval with an en dash, using ``fmt`` for both ends.

    >>> fmt_interval(12345, 34567)
    '12,000–35,000'
    """
    return f"{fmt(low, **kwargs)}{_DASH}{fmt(high, **kwargs)}"


def fmt_date(value: str | dt.date) -> str:
    """Format an ISO date as '2 Dec 2027'.

    >>> fmt_date("2027-12-02")
    '2 Dec 2027'
    """
    day = dt.date.fromisoformat(value) if isinstance(value, str) else value
    return f"{day.day} {day:%b %Y}"


def fmt_event_date(value: Any, precision: str = "day") -> str:
    """Format an event date as precisely as it is known (never a placeholder first day).

    >>> fmt_event_date("2026-05-01", "month")
    'May 2026'
    >>> fmt_event_date("2026-07-22")
    '22 Jul 2026'
    >>> fmt_event_date("2025-07-01", "half")
    'H2 2025'
    """
    day = value.date() if hasattr(value, "date") and not isinstance(value, dt.date) else value
    day = dt.date.fromisoformat(day) if isinstance(day, str) else day
    if precision == "month":
        return f"{day:%b %Y}"
    if precision == "quarter":
        return f"Q{(day.month - 1) // 3 + 1} {day.year}"
    if precision == "half":
        return f"H{1 if day.month < 7 else 2} {day.year}"
    if precision == "year":
        return str(day.year)
    return fmt_date(day)


def fmt_value(value: Any, unit: str = "") -> str:
    """Format a parameter value for tables: dates, booleans and numbers in a plain style.

    >>> fmt_value(350000)
    '350,000'
    >>> fmt_value(2027.5)
    '2027.5'
    """
    if value is None:
        return "unset"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}" if unit not in ("year", "seed") else str(value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)

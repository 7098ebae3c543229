"""Number formatting for prose: every number a page glues is a string made here.

One module formats, so that the same quantity reads the same everywhere and the formatting is
tested. Functions take plain numbers (NumPy scalars are accepted) and return strings.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

__all__ = [
    "article",
    "fmt_count",
    "fmt_k_of_n",
    "fmt_usd_words",
    "plural",
    "with_article",
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


def fmt_row_interval(row: Any, sign: float = 1.0, fmt: Any = fmt_roles, **kwargs: Any) -> str:
    """Format a row's ``lower``–``upper`` as an interval, optionally negated (ends sorted).

    A negated flow (cuts counted as a fall in headcount) keeps its low end first.

    >>> fmt_row_interval({"lower": -2500, "upper": -1200}, sign=-1.0)
    '1,200–2,500'
    """
    low, high = sorted((sign * float(row["lower"]), sign * float(row["upper"])))
    return fmt_interval(low, high, fmt=fmt, **kwargs)


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


# --- words around numbers: articles, plurals, "all N", money in words --------------------------

# Acronym letters whose spoken name starts with a vowel sound ("an EU rule", "an HR team").
_VOWEL_LETTERS = set("AEFHILMNORSX")
# Words that start with a vowel letter but a consonant sound, and the reverse.
_CONSONANT_SOUND = ("uni", "use", "usu", "one", "once", "eu", "ur")
_VOWEL_SOUND = ("hour", "honest", "honour", "heir")


def article(phrase: str) -> str:
    """Return the indefinite article ("a" or "an") for ``phrase`` as it is read aloud.

    Numbers are read as words: 8, 80%, 800, 8,000, 11 and 18,000 take "an".

    >>> article("80% interval")
    'an'
    >>> article("8% chance")
    'an'
    >>> article("18,000-role round")
    'an'
    >>> article("110,000 total")
    'a'
    >>> article("12% chance")
    'a'
    >>> article("EU rule")
    'an'
    >>> article("unit")
    'a'
    >>> article("<1% chance")
    'a'
    """
    word = phrase.strip().lstrip("$\u2212-~\u2248(\"'")
    if not word:
        raise ValueError("cannot choose an article for an empty phrase")
    if word[0].isdigit():
        digits = ""
        for ch in word:
            if ch.isdigit() or ch == ",":
                digits += ch
            else:
                break
        groups = digits.split(",")
        lead = groups[0] if len(groups) > 1 else groups[0][:len(groups[0]) % 3 or 3]
        if len(groups) == 1 and len(groups[0]) <= 3:
            lead = groups[0]
        # "eight...", "eleven", "eighteen" are the spoken numbers that start with a vowel.
        return "an" if lead.startswith("8") or lead in ("11", "18") else "a"
    if word.startswith("<"):
        return "a"  # "<1%" reads "less than one per cent"
    first = word.split()[0].strip(".,;:")
    if len(first) > 1 and first.isupper() and first.isalpha():
        return "an" if first[0] in _VOWEL_LETTERS else "a"
    lower = first.lower()
    if lower.startswith(_VOWEL_SOUND):
        return "an"
    if lower.startswith(_CONSONANT_SOUND):
        return "a"
    return "an" if lower[0] in "aeiou" else "a"


def with_article(phrase: str) -> str:
    """Return ``phrase`` preceded by its indefinite article.

    >>> with_article("80% interval")
    'an 80% interval'
    >>> with_article("50% interval")
    'a 50% interval'
    """
    return f"{article(phrase)} {phrase}"


def plural(n: Any, singular: str, plural_form: str | None = None) -> str:
    """Return a count with its noun in the right number.

    >>> plural(1, "lag")
    '1 lag'
    >>> plural(2, "lag")
    '2 lags'
    >>> plural(12000, "role")
    '12,000 roles'
    >>> plural(3, "company", "companies")
    '3 companies'
    """
    value = _finite(n)
    noun = singular if value == 1 else (plural_form or singular + "s")
    return f"{fmt_count(value)} {noun}"


def fmt_k_of_n(k: Any, n: Any) -> str:
    """Say "k of the n" the way a writer would: "all 4", "both", "none of the 4", "2 of the 4".

    Read it after "In" or before a noun: "In all 4 combinations", "in 3 of the 8 rounds".

    >>> fmt_k_of_n(4, 4)
    'all 4'
    >>> fmt_k_of_n(2, 2)
    'both'
    >>> fmt_k_of_n(0, 4)
    'none of the 4'
    >>> fmt_k_of_n(3, 4)
    '3 of the 4'
    >>> fmt_k_of_n(1, 1)
    'the only'
    """
    kk, nn = int(_finite(k)), int(_finite(n))
    if nn <= 0 or not 0 <= kk <= nn:
        raise ValueError(f"need 0 <= k <= n and n > 0, got k={k!r}, n={n!r}")
    if kk == nn:
        return {1: "the only", 2: "both"}.get(nn, f"all {fmt_count(nn)}")
    if kk == 0:
        return f"none of the {fmt_count(nn)}"
    return f"{fmt_count(kk)} of the {fmt_count(nn)}"


def fmt_usd_words(x_usd_m: Any, decimals: int | None = None) -> str:
    """Format an amount given in millions of US dollars in words: "$200 billion", "$850 million".

    Tables and chart axes may keep "USD m"; prose says the amount the way a reader says it.
    By default billions get no decimals from $10 billion up and one below.

    >>> fmt_usd_words(200_000)
    '$200 billion'
    >>> fmt_usd_words(5_300)
    '$5.3 billion'
    >>> fmt_usd_words(850)
    '$850 million'
    >>> fmt_usd_words(-1_800)
    '−$1.8 billion'
    >>> fmt_usd_words(1_250_000)
    '$1.25 trillion'
    """
    value = _finite(x_usd_m)
    sign = "\u2212" if value < 0 else ""
    size = abs(value)
    if size >= 1_000_000:
        amount, unit = size / 1_000_000, "trillion"
        places = 2 if decimals is None else decimals
    elif size >= 1_000:
        amount, unit = size / 1_000, "billion"
        places = (0 if amount >= 10 else 1) if decimals is None else decimals
    else:
        amount, unit = size, "million"
        places = 0 if decimals is None else decimals
    number = f"{amount:,.{places}f}"
    if "." in number:
        number = number.rstrip("0").rstrip(".")
    return f"{sign}${number} {unit}"

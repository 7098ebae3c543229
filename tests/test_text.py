"""Formatting of numbers for prose."""

from __future__ import annotations

import math

import numpy as np
import pytest

from analysis import text


def test_numpy_scalars_format_like_python_numbers():
    assert text.fmt_count(np.float64(16100.0)) == "16,100"
    assert text.fmt_pct(np.float32(12.5), 1) == "12.5%"


@pytest.mark.parametrize("bad", [math.nan, math.inf])
def test_non_finite_numbers_are_refused(bad):
    with pytest.raises(ValueError, match="non-finite"):
        text.fmt_count(bad)


def test_probabilities_outside_unit_interval_are_refused():
    with pytest.raises(ValueError):
        text.fmt_prob(1.2)


def test_interval_and_rounding():
    assert text.fmt_interval(12_345, 34_567) == "12,000\u201335,000"
    assert text.fmt_usd_m_as_bn(-9_069, 1) == "\u2212$9.1B"
    assert text.fmt_prob(0.999) == ">99%"
    assert text.fmt_prob(0.0) == "0%"


@pytest.mark.parametrize(("phrase", "expected"), [
    ("80% interval", "an 80% interval"), ("50% interval", "a 50% interval"),
    ("8% chance", "an 8% chance"), ("11% chance", "an 11% chance"),
    ("18% chance", "an 18% chance"), ("180-day wait", "a 180-day wait"),
    ("8,000-role round", "an 8,000-role round"), ("800-role round", "an 800-role round"),
    ("1,100-role round", "a 1,100-role round"), ("95% interval", "a 95% interval"),
    ("increase", "an increase"), ("union", "a union"), ("hour", "an hour"),
    ("HR team", "an HR team"), ("US rule", "a US rule"), ("<1% chance", "a <1% chance"),
])
def test_article_follows_how_the_phrase_is_read(phrase, expected):
    assert text.with_article(phrase) == expected


def test_plural_and_k_of_n():
    assert text.plural(1, "lag") == "1 lag"
    assert text.plural(0, "lag") == "0 lags"
    assert text.plural(2.0, "year") == "2 years"
    assert text.fmt_k_of_n(4, 4) == "all 4"
    assert text.fmt_k_of_n(1, 4) == "1 of the 4"
    assert text.fmt_k_of_n(0, 3) == "none of the 3"
    with pytest.raises(ValueError):
        text.fmt_k_of_n(5, 4)


def test_money_in_words_never_reads_like_a_table_unit():
    assert text.fmt_usd_words(200_000) == "$200 billion"
    assert text.fmt_usd_words(131_819) == "$132 billion"
    assert text.fmt_usd_words(9_069) == "$9.1 billion"
    assert text.fmt_usd_words(1_000) == "$1 billion"
    assert "USD" not in text.fmt_usd_words(123.4)


@pytest.mark.parametrize("period", ["1999Q4", "2025Q1", "2026Q2", "2026Q3", "2026Q4"])
def test_the_next_quarter_is_the_one_pandas_counts(period):
    import pandas as pd

    from analysis.narrative.vintage import _next_quarter

    assert _next_quarter(period) == str(pd.Period(period, freq="Q") + 1)


def test_a_period_that_is_not_a_quarter_is_refused_by_name():
    from analysis.narrative.vintage import _next_quarter

    with pytest.raises(ValueError, match="'2026-03'"):
        _next_quarter("2026-03")

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

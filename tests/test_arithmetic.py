"""The headline's arithmetic context: what is announced, what the claim still needs."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import params, study
from analysis.chapters import forecast as fc
from analysis.models import headline
from analysis.narrative import arithmetic as ar


def rounds(*rows):
    df = pd.DataFrame(rows, columns=["announced", "roles_mid", "is_corporate",
                                     "included_in_round_id"])
    df["announced"] = pd.to_datetime(df["announced"])
    return df


def bench(value=30_000.0, date="2025-10-27"):
    return pd.DataFrame({"benchmark_id": [fc.REUTERS_PLAN_ID], "value_high": [value],
                         "statement_date": [date]})


class FakeHeadline:
    """Stands in for a HeadlineResult: observed cuts and P(inside) per reading."""

    def __init__(self, observed, p26=0.3, p27=0.6):
        self.observed = observed
        self._p = {"2026": p26, "2027": p27}

    def get(self, source, reading):
        assert source == "combined"
        return pd.Series({"prob_inside": self._p[reading]})


EVENTS = rounds(("2022-11-01", 10_000, True, "2023-01"), ("2023-01-04", 18_000, True, ""),
                ("2025-10-28", 14_000, True, ""), ("2026-01-28", 16_000, True, ""),
                ("2026-03-03", 150, True, ""), ("2026-08-01", 50_000, True, ""))


@pytest.mark.parametrize(("total", "where"), [
    (study.CLAIM_LOW - 1, "below"), (study.CLAIM_LOW, "inside"), (study.CLAIM_HIGH, "inside"),
    (study.CLAIM_HIGH + 1, "above")])
def test_position_has_inclusive_ends(total, where):
    assert fc.position(total) == where


def test_what_is_announced_and_what_each_reading_still_needs():
    a = fc.arithmetic(FakeHeadline(16_150), EVENTS, bench(), "2026-06-30")
    assert list(a.largest["roles"]) == [18_000, 16_000, 14_000]  # nested and later rounds out
    assert a.one_more_largest == 34_150 and a.one_more_position == "inside"
    assert a.since_plan == 30_150 and a.plan_roles == 30_000
    need = {r.reading: r for r in a.readings}
    assert need["2026"].need_low == study.CLAIM_LOW - 16_150
    assert need["2027"].need_high == study.CLAIM_HIGH - 16_150
    assert (need["2026"].months_left, need["2027"].months_left) == (6, 18)
    s = ar.sentences(a)
    assert "34,150: inside the range, short of its top" in s["one_more"]
    assert "at least 3,850 and at most 18,850 more" in s["need_2026"]
    assert "unlikely (30%)" in s["need_2026"] and "about as likely as not (60%)" in s["need_2027"]
    assert "more than that figure (by 150)" in s["plan"]
    assert s["need_short"] == ("3,850 to 18,850 more announced roles would put the total inside "
                               "the range: unlikely (30%) before 1 Jan 2027 and about as likely "
                               "as not (60%) by 31 Dec 2027.")
    assert "18,000 (Jan 2023), 16,000 (Jan 2026) and 14,000 (Oct 2025)" in s["largest"]


def test_the_comparison_word_follows_the_numbers():
    above = ar.sentences(fc.arithmetic(FakeHeadline(17_500), EVENTS, bench(), "2026-06-30"))
    assert "35,500: past the top of the range" in above["one_more"]
    below = ar.sentences(fc.arithmetic(FakeHeadline(1_000), EVENTS, bench(), "2026-06-30"))
    assert "19,000: still below the bottom" in below["one_more"]
    past = ar.sentences(fc.arithmetic(FakeHeadline(36_000), EVENTS, bench(), "2026-06-30"))
    assert "already 1,000 above the top" in past["need_2027"]
    inside = ar.sentences(fc.arithmetic(FakeHeadline(21_000), EVENTS, bench(), "2026-06-30"))
    assert "already inside the range" in inside["need_2026"]


def test_a_report_after_the_cut_off_is_not_used():
    a = fc.arithmetic(FakeHeadline(0), EVENTS, bench(date="2027-01-01"), "2025-12-31")
    assert a.plan_roles is None and ar.sentences(a)["plan"] == ""


def test_on_the_report_data_the_sum_matches_the_headline():
    from analysis import data
    events, fams = data.load_layoff_rounds(), data.load_job_families()
    p = params.validate({"mc_draws": 200})
    result = headline.compute_headline(p, fams, events)
    a = fc.arithmetic(result, events, data.load_benchmarks(), p.as_of)
    assert a.observed == result.observed
    assert a.one_more_largest == result.observed + a.largest["roles"].iloc[0]

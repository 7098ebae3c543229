"""The one rule for which layoff rounds count: corporate flag, nesting and missing sizes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import data
from analysis.data.layoff_rounds import corporate_rounds, is_corporate, is_nested, round_sizes

NAN = np.nan


def frame() -> pd.DataFrame:
    return pd.DataFrame({
        "round_id": ["full", "range", "nested", "blank-link", "space-link", "undisclosed",
                     "more-than", "up-to", "not-corporate", "flag-missing"],
        "is_corporate": [True, True, True, True, True, True, True, True, False, None],
        "included_in_round_id": [None, NAN, "full", "", "  ", None, None, None, None, None],
        "roles_low": [1_000.0, 200.0, 500.0, 10.0, 20.0, NAN, 300.0, NAN, 5.0, 7.0],
        "roles_high": [1_000.0, 900.0, 500.0, 10.0, 20.0, NAN, NAN, 900.0, 5.0, 7.0],
    })


def ids(df: pd.DataFrame) -> list[str]:
    return list(df["round_id"])


def test_a_missing_corporate_flag_is_not_corporate():
    assert list(is_corporate(frame())) == [True] * 8 + [False, False]
    with pytest.raises(ValueError, match="is_corporate"):
        is_corporate(frame().drop(columns="is_corporate"))


def test_only_a_named_round_nests_a_row():
    assert ids(frame()[is_nested(frame())]) == ["nested"]  # None, NaN, "" and blanks do not
    assert not is_nested(frame().drop(columns="included_in_round_id")).any()


def test_a_missing_bound_takes_the_other_and_undisclosed_stays_missing():
    sizes = round_sizes(frame()).set_axis(frame()["round_id"])
    assert sizes.loc["more-than"].tolist() == [300.0, 300.0, 300.0]
    assert sizes.loc["up-to"].tolist() == [900.0, 900.0, 900.0]
    assert sizes.loc["range"].tolist() == [200.0, 550.0, 900.0]
    assert sizes.loc["undisclosed"].isna().all()


def test_a_given_midpoint_is_kept():
    df = frame().assign(roles_mid=[999.0] + [NAN] * 9)
    assert round_sizes(df)["roles_mid"].iloc[0] == 999.0
    assert round_sizes(df)["roles_mid"].iloc[1] == 550.0  # missing: the mean of the bounds
    only_mid = pd.DataFrame({"roles_mid": [40.0, NAN]})
    assert round_sizes(only_mid).iloc[0].tolist() == [40.0, 40.0, 40.0]
    assert round_sizes(only_mid).iloc[1].isna().all()
    with pytest.raises(ValueError, match="no size column"):
        round_sizes(pd.DataFrame({"x": [1]}))


def test_corporate_rounds_counts_each_round_once_and_keeps_undisclosed_rounds():
    out = corporate_rounds(frame())
    assert ids(out) == ["full", "range", "blank-link", "space-link", "undisclosed",
                        "more-than", "up-to"]
    assert out.index.equals(pd.RangeIndex(len(out)))
    assert out["roles_mid"].sum() == 1_000 + 550 + 10 + 20 + 300 + 900  # undisclosed adds 0
    assert ids(corporate_rounds(frame(), sized=True)) == [
        "full", "range", "blank-link", "space-link", "more-than", "up-to"]
    assert ids(corporate_rounds(frame(), include_nested=True))[:3] == ["full", "range", "nested"]


def test_the_input_is_not_changed():
    df = frame()
    corporate_rounds(df)
    pd.testing.assert_frame_equal(df, frame())


def test_on_the_real_data_the_rule_skips_the_nested_round_only():
    rounds = data.load_layoff_rounds()
    out = corporate_rounds(rounds)
    nested = rounds["included_in_round_id"].notna()
    assert len(out) == len(rounds) - int(nested.sum())
    assert out["roles_mid"].isna().sum() == rounds.loc[~nested, "roles_mid"].isna().sum()

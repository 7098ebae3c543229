"""The headline backtest: visibility of later rows, targets, scores, the stacking weight."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import params
from analysis.models import headline
from analysis.models import headline_backtest as hb

FAMILIES = pd.DataFrame({
    "family": ["middle", "engineering", "ai_ml"],
    "headcount_share_pct": [50.0, 45.0, 5.0],
    "ai_exposure_pct": [60.0, 40.0, 30.0],
    "is_ai_specialist": [False, False, True],
})


def rounds(*rows):
    df = pd.DataFrame(rows, columns=["round_id", "announced", "roles_low", "roles_high",
                                     "is_corporate", "included_in_round_id"])
    df["announced"] = pd.to_datetime(df["announced"])
    df["roles_mid"] = (df["roles_low"] + df["roles_high"]) / 2
    return df


EVENTS = rounds(
    ("nov22", "2022-11-01", 10_000, 10_000, True, "jan23"),  # folded into jan23 later
    ("jan23", "2023-01-04", 18_000, 18_000, True, None),
    ("mar23", "2023-03-20", 9_000, 9_000, True, None),
    ("jan24", "2024-01-10", 200, 900, True, None),
    ("q125", "2025-01-01", np.nan, np.nan, True, None),  # undisclosed size
    ("jul25", "2025-07-17", 200, 900, True, None),
    ("oct25", "2025-10-28", 14_000, 14_000, True, None),
    ("jan26", "2026-01-28", 16_000, 16_000, True, None),
    ("mar26", "2026-03-03", 100, 200, True, None),
    ("may26", "2026-05-01", np.nan, np.nan, True, None),  # undisclosed, like the 2026 rows
    ("jul26", "2026-07-22", np.nan, np.nan, True, None),  # after the default cut-off
)


def small(**overrides):
    return params.validate({"mc_draws": 400, **overrides})


def test_a_link_to_a_round_not_yet_announced_is_ignored():
    at_2022 = headline.rounds_known_at(EVENTS, "2022-12-31")
    assert list(at_2022["round_id"]) == ["nov22"]
    assert at_2022["included_in_round_id"].isna().all()
    at_2023 = headline.rounds_known_at(EVENTS, "2023-06-30")
    assert at_2023.set_index("round_id").loc["nov22", "included_in_round_id"] == "jan23"


def test_target_counts_only_new_roles_and_undisclosed_rounds():
    # Jan 2023 absorbed the 10,000 of Nov 2022: 18,000 + 9,000 - 10,000 are new in 2023
    assert hb.realised_cuts(EVENTS, "2022-12-31", "2023-12-31") == (17_000.0, 0)
    # 2024-25: the Jan 2024 round (550) and Jul 2025 (550) plus Oct 2025; one undisclosed
    assert hb.realised_cuts(EVENTS, "2023-12-31", "2025-12-31") == (15_100.0, 1)
    assert hb.realised_cuts(EVENTS, "2024-06-30", "2025-06-30") == (0.0, 1)


def test_origins_need_a_closed_window_and_history():
    assert hb.backtest_origins("2026-06-30", "2022-11-01") == [
        "2022-12-31", "2023-06-30", "2023-12-31", "2024-06-30", "2024-12-31", "2025-06-30"]
    assert hb.backtest_origins("2026-06-30", "2024-01-01")[0] == "2024-06-30"
    assert hb.backtest_origins("2023-06-30", "2022-11-01") == []


def test_scores_of_known_draws():
    draws = np.array([0.0, 0.0, 4_000.0, 10_000.0])
    # bins of 5,000 centred on 0: 0, 0 and 4,000 → bin of 5,000; the outcome 1,000 → bin 0
    n_bins = int(hb.BIN_TOP_ROLES / hb.BIN_WIDTH_ROLES) + 1
    expected = (2 + hb.SMOOTHING_DRAWS) / (4 + hb.SMOOTHING_DRAWS * n_bins)
    assert hb.binned_probability(draws, 1_000.0) == pytest.approx(expected)
    assert hb.mid_pit(draws, 0.0) == pytest.approx(0.25)  # half of the two zeros
    assert hb.mid_pit(draws, 20_000.0) == 1.0
    s = hb.score_draws(np.arange(101.0) * 100, 5_000.0)
    assert s["inside_50"] == 1.0 and s["inside_80"] == 1.0
    assert hb.score_draws(np.arange(101.0) * 100, 9_500.0)["inside_80"] == 0.0


def test_stacking_gives_the_right_model_the_weight():
    rng = np.random.default_rng(3)
    truth = rng.normal(20_000, 3_000, size=12)
    good = [hb.binned_probability(rng.normal(20_000, 3_000, 4_000), y) for y in truth]
    bad = [hb.binned_probability(rng.normal(60_000, 3_000, 4_000), y) for y in truth]
    assert hb.fit_stacking_weight(good, bad) >= 95
    assert hb.fit_stacking_weight(bad, good) <= 5


def test_equal_models_get_a_middle_weight_and_bad_input_is_refused():
    assert hb.fit_stacking_weight([0.2, 0.3], [0.2, 0.3]) == 50
    with pytest.raises(ValueError, match="same"):
        hb.fit_stacking_weight([0.2], [0.2, 0.3])
    with pytest.raises(ValueError, match="positive"):
        hb.fit_stacking_weight([0.0], [0.2])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.floats(1e-6, 1.0), st.floats(1e-6, 1.0)), min_size=1, max_size=12))
def test_weights_lie_in_the_unit_interval(pairs):
    a, b = zip(*pairs, strict=True)
    assert 0.0 <= hb.fit_stacking_weight(a, b) <= 100.0


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(0, 80_000), min_size=1, max_size=30),
       st.lists(st.floats(0, 80_000), min_size=1, max_size=30),
       st.floats(0, 100))
def test_chance_inside_is_linear_in_the_weight(core, rnd, weight):
    core, rnd = np.array(core), np.array(rnd)
    at = {w: hb.mixture_summary(core, rnd, w, 80.0)["prob_inside"] for w in (0.0, 100.0, weight)}
    expected = weight / 100 * at[100.0] + (1 - weight / 100) * at[0.0]
    assert at[weight] == pytest.approx(expected, abs=1e-12)
    assert 0.0 <= at[weight] <= 1.0


def test_later_rows_are_invisible_to_every_origin():
    p = small(as_of="2026-06-30")
    base = hb.run_headline_backtest(p, FAMILIES, EVENTS, resamples=50)
    changed = EVENTS.copy()
    later = changed["announced"] > pd.Timestamp("2025-06-30")  # after the last origin
    changed.loc[later, ["roles_low", "roles_high", "roles_mid"]] *= 3
    changed.loc[later, "included_in_round_id"] = "jan23"
    again = hb.run_headline_backtest(p, FAMILIES, changed, resamples=50)
    for key in base.forecasts:
        np.testing.assert_array_equal(base.forecasts[key], again.forecasts[key])
    # ...but the outcomes that end after the last origin do see them
    assert not base.pairs["outcome"].equals(again.pairs["outcome"])


def test_rows_after_the_build_cut_off_change_nothing():
    p = small(as_of="2026-06-30")
    base = hb.run_headline_backtest(p, FAMILIES, EVENTS, resamples=50)
    extra = pd.concat([EVENTS, rounds(("big", "2026-08-01", 50_000, 50_000, True, None))])
    again = hb.run_headline_backtest(p, FAMILIES, extra, resamples=50)
    pd.testing.assert_frame_equal(base.scores, again.scores)
    assert base.weight_pct == again.weight_pct


def test_backtest_is_deterministic_and_flags_a_short_history():
    p = small(as_of="2026-06-30")
    one = hb.run_headline_backtest(p, FAMILIES, EVENTS, resamples=50)
    two = hb.run_headline_backtest(p, FAMILIES, EVENTS, resamples=50)
    pd.testing.assert_frame_equal(one.scores, two.scores)
    np.testing.assert_array_equal(one.bootstrap_weights_pct, two.bootstrap_weights_pct)
    assert one.independent_windows == 3  # six half-year origins, 12-month windows
    assert one.too_short
    lo, hi = one.weight_interval_pct
    assert 0.0 <= lo <= hi <= 100.0
    assert set(one.model_table()["windows"]) == {6, 4}


def test_projection_core_is_moved_to_the_origin():
    forecast = hb.forecast_at_origin(small(), FAMILIES, EVENTS, "2023-06-30", 300, 5)
    core_12, core_24 = forecast["projection"][12], forecast["projection"][24]
    assert np.all(core_12 > 0) and np.all(core_24 >= core_12)
    # the rounds model from mid-2023 has seen only the large 2022-23 rounds
    assert np.median(forecast["rounds"][12]) > 9_000


def test_headline_uses_the_fitted_weight_unless_overridden():
    fitted = headline.compute_headline(small(), FAMILIES, EVENTS)
    assert fitted.weight_source == "fitted"
    assert fitted.weight_pct == fitted.backtest.weight_pct
    assert fitted.widened is not None  # the short history widens the headline
    wide = fitted.widened.set_index("reading")
    for reading in ("2026", "2027"):
        row = fitted.get("combined", reading)
        assert wide.loc[reading, "prob_inside_low"] <= row["prob_inside"] + 1e-12
        assert row["prob_inside"] <= wide.loc[reading, "prob_inside_high"] + 1e-12
    forced = headline.compute_headline(small(headline_weight_projection_pct=30), FAMILIES,
                                       EVENTS)
    assert (forced.weight_pct, forced.weight_source, forced.backtest) == (30.0, "override", None)
    curve = hb.weight_curve(forced.draws, 80.0, [30.0])
    assert curve.loc[curve["reading"] == "2027", "prob_inside"].iloc[0] == pytest.approx(
        forced.get("combined", "2027")["prob_inside"])


@pytest.mark.parametrize("value", ["fitted", "none", "", None])
def test_weight_override_can_be_left_unset(value):
    assert params.validate({"headline_weight_projection_pct": value}
                           ).headline_weight_projection_pct is None


def test_weight_override_out_of_bounds_names_the_parameter():
    with pytest.raises(params.ParameterError, match="headline_weight_projection_pct"):
        params.validate({"headline_weight_projection_pct": 120})


@pytest.mark.parametrize("origin", ["2022-12-31", "2023-12-31", "2025-06-30"])
def test_forecast_at_an_origin_ignores_every_later_row(origin):
    p = small()
    base = hb.forecast_at_origin(p, FAMILIES, EVENTS, origin, 300, 9)
    later = EVENTS["announced"] > pd.Timestamp(origin)
    changed = EVENTS.copy()
    changed.loc[later, ["roles_low", "roles_high", "roles_mid"]] = 99_000.0
    changed.loc[later, "round_id"] = changed.loc[later, "round_id"] + "-renamed"
    # a link from an earlier row to a later round is itself news from after the origin
    later_ids = set(EVENTS.loc[later, "round_id"])
    changed.loc[EVENTS["included_in_round_id"].isin(later_ids), "included_in_round_id"] = None
    for model in ("projection", "rounds"):
        for months in hb.HORIZONS_MONTHS:
            again = hb.forecast_at_origin(p, FAMILIES, changed, origin, 300, 9)
            np.testing.assert_array_equal(base[model][months], again[model][months])


# --- the projection core's calendar ---------------------------------------------------------


def _core(calendar, **overrides):
    from analysis.models import projection

    p = small(as_of="2023-06-30", **overrides)
    return projection.run_monte_carlo(p, FAMILIES, headline.sized_rounds(
        headline.rounds_known_at(EVENTS, "2023-06-30")), calendar=calendar)


def _calendar(shift_days):
    from analysis.models import projection

    return projection.Calendar(further_after="2023-06-30",
                               readings=(("12m", "2024-06-30"), ("24m", "2025-06-30")),
                               shift_days=shift_days, horizon_end="2025-06-30")


def test_a_moved_calendar_needs_no_round_on_its_start_and_names_its_readings():
    res = _core(_calendar(0))
    assert {"further_cuts_12m", "further_cuts_24m"} <= set(res.draws.columns)
    assert (res.draws["observed_further_cuts"] == 0).all()
    assert (res.draws["further_cuts_24m"] >= res.draws["further_cuts_12m"]).all()


def test_the_shift_moves_the_eu_brake_with_the_origin():
    # a brake holding back (nearly) every AI-driven cut from 2 Dec 2027, no lead time
    brake = {"eu_workforce_share_pct": 100.0, "eu_brake_strength_pct": 100.0}
    common = {"eu_brake_lead_months": 0, "ai_substitution_share_pct": 60.0}
    for shift_days, brake_applies in ((0, False), (1_650, True)):  # 1,650 days: ~4.5 years
        free = _core(_calendar(shift_days), **common).draws["layoffs_ai_24m"]
        held = _core(_calendar(shift_days), **common, **brake).draws["layoffs_ai_24m"]
        if brake_applies:
            assert held.mean() < 0.1 * free.mean()
        else:  # the brake date lies after the 2025 horizon: the same draws, no effect
            np.testing.assert_allclose(held, free)


def test_a_cut_off_before_the_calendar_start_is_refused():
    from analysis.models import projection

    with pytest.raises(ValueError, match="as_of"):
        projection.run_monte_carlo(small(as_of="2023-06-30"), FAMILIES, EVENTS)

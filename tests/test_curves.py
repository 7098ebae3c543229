"""Tests of analysis.models.curves, the curve library of the automation chapter: recovery of
known curves, bootstrap determinism, no leaked warnings, profiles and hold-outs.

No test asserts an optimiser's convergence flag (it can differ between CPUs); fits are
checked by the parameters and residuals they reach.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest

from analysis.models import curves as C

TRUE_LOGISTIC = {"ceiling": 2_000_000.0, "rate_per_year": 0.6, "midpoint_year": 2022.0}
TRUE_GOMPERTZ = {"ceiling": 3_000_000.0, "rate_per_year": 0.25, "inflection_year": 2024.0}

T_DENSE = np.arange(2010.0, 2027.0)  # 17 yearly points
T_SIX = np.array([2015.0, 2016.0, 2017.0, 2020.0, 2023.5, 2025.5])  # the robot counts' design


def synthetic(curve, params: dict[str, float], t: np.ndarray, noise_sd: float = 0.0,
              seed: int = 0) -> np.ndarray:
    """Counts on a known curve, with multiplicative (log-normal) noise."""
    rng = np.random.default_rng(seed)
    return curve(t, **params) * np.exp(rng.normal(0.0, noise_sd, t.size))


# --- fits ----------------------------------------------------------------------------------


def test_logistic_fit_recovers_known_parameters_from_noisy_data():
    """With 17 points and 3% noise the logistic fit lands near the true parameters."""
    y = synthetic(C.logistic, TRUE_LOGISTIC, T_DENSE, noise_sd=0.03, seed=1)
    fit = C.fit_curve(T_DENSE, y, "logistic")
    assert fit.params["ceiling"] == pytest.approx(2_000_000, rel=0.08)
    assert fit.params["rate_per_year"] == pytest.approx(0.6, rel=0.08)
    assert fit.params["midpoint_year"] == pytest.approx(2022.0, abs=0.3)
    assert fit.warnings == ()


@pytest.mark.parametrize("model,curve,truth", [
    ("logistic", C.logistic, TRUE_LOGISTIC),
    ("gompertz", C.gompertz, TRUE_GOMPERTZ),
    ("log-linear", C.log_linear, {"level_2020": 150_000.0, "growth_pct_per_year": 45.0}),
])
def test_exact_curves_are_recovered_from_six_points(model, curve, truth):
    """Noise-free data on a six-point design: the fit returns the generating values."""
    y = synthetic(curve, truth, T_SIX)
    fit = C.fit_curve(T_SIX, y, model)
    for name, value in truth.items():
        assert fit.params[name] == pytest.approx(value, rel=1e-4), name
    assert fit.rss_log < 1e-10
    np.testing.assert_allclose(fit.predict(T_SIX), y, rtol=1e-5)


def test_fit_sorts_its_input_and_rejects_bad_input():
    y = synthetic(C.logistic, TRUE_LOGISTIC, T_SIX)
    a = C.fit_curve(T_SIX, y)
    b = C.fit_curve(T_SIX[::-1], y[::-1])
    assert a.params == pytest.approx(b.params)
    with pytest.raises(ValueError, match="unknown model"):
        C.fit_curve(T_SIX, y, "cubic")
    with pytest.raises(ValueError, match="at least 4"):
        C.fit_curve(T_SIX[:3], y[:3])
    with pytest.raises(ValueError, match="positive"):
        C.fit_curve(T_SIX, np.r_[y[:-1], 0.0])
    with pytest.raises(ValueError, match="max_ceiling"):
        C.fit_curve(T_SIX, y, max_ceiling=float(y.max()) / 2)


def test_default_ceiling_bound_is_relative_and_recorded():
    """Without a bound the ceiling is searched up to 1,000 times the largest count."""
    y = synthetic(C.logistic, TRUE_LOGISTIC, T_SIX)
    fit = C.fit_curve(T_SIX, y)
    assert fit.max_ceiling == pytest.approx(1000.0 * y.max())
    assert C.fit_curve(T_SIX, y, max_ceiling=1e9).max_ceiling == 1e9


def test_aicc_is_infinite_when_too_few_points_for_the_correction():
    y = synthetic(C.logistic, TRUE_LOGISTIC, T_SIX[:5], noise_sd=0.05)
    fit = C.fit_curve(T_SIX[:5], y)
    assert math.isinf(fit.aicc)


def test_batched_fit_matches_scipy_least_squares():
    """The vectorised Levenberg-Marquardt refits reach scipy's optimum on the same data."""
    y = synthetic(C.logistic, TRUE_LOGISTIC, T_SIX, noise_sd=0.08, seed=3)
    fit = C.fit_curve(T_SIX, y, "logistic")
    spec = C._MODELS["logistic"]
    rng = np.random.default_rng(5)
    sims = spec.log_curve(T_SIX, np.asarray(fit.theta)) + rng.normal(0, 0.08, (25, 6))
    bounds = spec.bounds(float(np.log(y).max()), fit.max_ceiling)
    theta, rss, _ = C._batched_fit(spec, T_SIX, sims, np.asarray(fit.theta), bounds)
    assert np.isfinite(theta).all()
    for i in range(25):
        _, rss_ref, _ = C._least_squares(spec, T_SIX, sims[i], [np.asarray(fit.theta)], bounds)
        assert rss[i] <= rss_ref * (1 + 1e-6) + 1e-12


def test_fits_are_deterministic():
    """The same inputs give bit-for-bit the same fit, bootstrap and profile."""
    y = synthetic(C.gompertz, TRUE_GOMPERTZ, T_SIX, noise_sd=0.1, seed=9)
    a, b = C.fit_curve(T_SIX, y, "gompertz"), C.fit_curve(T_SIX, y, "gompertz")
    assert a.theta == b.theta and a.rss_log == b.rss_log
    boot_a = C.bootstrap_curve(a, first_year=2015, last_year=2030, n_boot=50, seed=3)
    boot_b = C.bootstrap_curve(b, first_year=2015, last_year=2030, n_boot=50, seed=3)
    np.testing.assert_array_equal(boot_a.theta_draws, boot_b.theta_draws)
    pd.testing.assert_frame_equal(C.ceiling_profile(a), C.ceiling_profile(b))


# --- bootstrap -----------------------------------------------------------------------------


def _boot(seed: int, level: float = 80.0, model: str = "logistic", n_boot: int = 200):
    y = synthetic(C.logistic, TRUE_LOGISTIC, T_SIX, noise_sd=0.05, seed=2)
    return C.bootstrap_curve(C.fit_curve(T_SIX, y, model), n_boot=n_boot, seed=seed,
                             level_pct=level, first_year=2015, last_year=2033)


def test_bootstrap_is_deterministic_per_seed():
    a, b, c = _boot(7), _boot(7), _boot(8)
    pd.testing.assert_frame_equal(a.band, b.band)
    pd.testing.assert_frame_equal(a.intervals, b.intervals)
    assert not np.allclose(a.band["upper"], c.band["upper"])


def test_bootstrap_band_is_ordered_and_widens_with_the_level():
    b80, b95 = _boot(1, 80.0), _boot(1, 95.0)
    band = b80.band
    assert (band["lower"] <= band["median"]).all()
    assert (band["median"] <= band["upper"]).all()
    assert band["date"].iloc[-1] == "2033-12-31"
    assert band["level"].iloc[0] == pytest.approx(0.8)
    w80 = b80.band["upper"] - b80.band["lower"]
    w95 = b95.band["upper"] - b95.band["lower"]
    assert (w95.to_numpy() >= w80.to_numpy() - 1e-6).all()
    # every finite refit is kept, whatever the optimiser's flag says
    assert b80.n_failed == 0 and len(b80.draws) == b80.n_boot


def test_bootstrap_interval_covers_the_truth_on_low_noise_data():
    y = synthetic(C.logistic, TRUE_LOGISTIC, T_DENSE, noise_sd=0.02, seed=4)
    boot = C.bootstrap_curve(C.fit_curve(T_DENSE, y), first_year=2010, last_year=2033,
                             n_boot=300, seed=1, level_pct=95.0)
    low, high = boot.interval("ceiling")
    assert low < 2_000_000 < high
    assert boot.sample([2030.0]).shape == (300, 1)
    with pytest.raises(KeyError):
        boot.interval("nonsense")


def test_bootstrap_rejects_bad_settings():
    fit = C.fit_curve(T_SIX, synthetic(C.logistic, TRUE_LOGISTIC, T_SIX, 0.05))
    with pytest.raises(ValueError, match="n_boot"):
        C.bootstrap_curve(fit, first_year=2015, last_year=2030, n_boot=5)
    with pytest.raises(ValueError, match="level_pct"):
        C.bootstrap_curve(fit, first_year=2015, last_year=2030, level_pct=100.0)


def test_no_warning_escapes_even_when_the_ceiling_is_unidentified(capsys):
    """Pure exponential growth: the ceiling runs to the bound; nothing reaches stderr."""
    y = 15000.0 * 1.5 ** (T_SIX - T_SIX[0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fit = C.fit_curve(T_SIX, y, "logistic", max_ceiling=1e9)
        boot = C.bootstrap_curve(fit, first_year=2015, last_year=2033, n_boot=100, seed=1)
        profile = C.ceiling_profile(fit)
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out == ""
    assert boot.share_ceiling_at_bound > 0.2
    assert C.profile_interval(profile)["upper_bounded"] is False


# --- profile and hold-out ------------------------------------------------------------------


def test_ceiling_profile_interval_contains_the_true_ceiling():
    y = synthetic(C.logistic, TRUE_LOGISTIC, T_DENSE, noise_sd=0.03, seed=6)
    prof = C.ceiling_profile(C.fit_curve(T_DENSE, y), level_pct=95.0)
    iv = C.profile_interval(prof)
    assert iv["lower"] < 2_000_000 < iv["upper"]
    assert iv["upper_bounded"] and iv["lower_bounded"]
    assert set(prof.columns) >= {"ceiling", "f_stat", "threshold", "consistent"}
    assert prof["f_stat"].min() == pytest.approx(0.0, abs=1e-6)


def test_ceiling_profile_refuses_the_log_linear_model():
    fit = C.fit_curve(T_SIX, synthetic(C.logistic, TRUE_LOGISTIC, T_SIX), "log-linear")
    with pytest.raises(ValueError, match="no ceiling"):
        C.ceiling_profile(fit)


def test_profile_interval_without_consistent_ceilings_is_nan():
    prof = pd.DataFrame({"ceiling": [1.0, 2.0], "consistent": [False, False]})
    assert math.isnan(C.profile_interval(prof)["lower"])


def test_holdout_of_an_exact_curve_has_no_error():
    y = synthetic(C.logistic, TRUE_LOGISTIC, T_DENSE)
    out = C.holdout_last_point(T_DENSE, y, "logistic")
    assert out["error_pct"] == pytest.approx(0.0, abs=1e-3)
    assert out["t_year"] == T_DENSE[-1]


def test_compare_models_one_row_per_model_in_order():
    y = synthetic(C.logistic, TRUE_LOGISTIC, T_SIX, noise_sd=0.05, seed=2)
    fits = {m: C.fit_curve(T_SIX, y, m) for m in C.MODEL_NAMES}
    boots = {m: C.bootstrap_curve(f, first_year=2015, last_year=2030, n_boot=50, seed=1)
             for m, f in fits.items()}
    profiles = {m: C.ceiling_profile(fits[m]) for m in C.MODEL_NAMES if C.has_ceiling(m)}
    comp = C.compare_models(fits, boots, profiles, 2030)
    assert list(comp["model"]) == list(C.MODEL_NAMES)
    row = comp.set_index("model").loc["logistic"]
    assert row["horizon_lower"] <= row["horizon"] <= row["horizon_upper"]
    assert math.isnan(comp.set_index("model").loc["log-linear", "ceiling"])


def test_decimal_year():
    out = C.decimal_year(["2025-01-01", "2024-12-31", "2024-07-02"])
    np.testing.assert_allclose(out, [2025.0, 2024 + 365 / 366, 2024.5], atol=1e-9)

"""The methods page in words: every number it glues, from the code and this build's inputs.

Constants come from the modules that use them (the projection core's claimed range and
de-layering period, the selection rule's thresholds, the layoff-rounds model's large-round
size, the guidance anchor's defaults), the headline's weight and the data's vintage from
:class:`analysis.chapters.forecast.ForecastChapterResults`, so the page cannot describe a
model other than the one that ran.
"""

from __future__ import annotations

import inspect

from analysis import text
from analysis.chapters.forecast import ForecastChapterResults
from analysis.models import forecast, headline, projection, rounds, scoring
from analysis.params import SCHEMA, Params

__all__ = ["changed_text", "glue_values"]


def changed_text(params: Params) -> str:
    """The parameters that differ from their default, "name = value; ...", or "none"."""
    return "; ".join(f"{name} = {text.fmt_value(value, SCHEMA[name].unit)}"
                     for name, value in params.changed().items()) or "none"


def _model_values() -> dict[str, str]:
    """Constants of the models, read from their code."""
    guidance = inspect.signature(forecast.forecast_capex_guidance).parameters
    large_round = inspect.signature(rounds.simulate_further_cuts).parameters[
        "large_threshold_roles"]
    out = {
        "methods_n_params": text.fmt_count(len(SCHEMA)),
        "methods_n_uncertain": text.fmt_count(
            sum(spec.mc_spread is not None for spec in SCHEMA.values())),
        "methods_further_after": text.fmt_date(projection.FURTHER_AFTER),
        "methods_claim": text.fmt_interval(projection.CLAIM_LOW, projection.CLAIM_HIGH,
                                           fmt=text.fmt_count),
        "methods_delayering_quarters": text.fmt_count(projection.DELAYERING_QUARTERS),
        "methods_min_cv": text.fmt_count(forecast.MIN_CV_ERRORS),
        "methods_rel_tol": text.fmt_pct(100 * scoring.REL_TOL),
        "methods_guidance_usd": text.fmt_usd_m_as_bn(guidance["guidance_usd_m"].default),
        "methods_guidance_year": str(guidance["guidance_year"].default),
        "methods_dispersion": f"{rounds.NEGBIN_DISPERSION_THRESHOLD:g}",
        "methods_large_round": text.fmt_count(large_round.default),
    }
    for reading, (label, cutoff) in headline.READINGS.items():
        out[f"methods_reading_{reading}"] = label
        out[f"methods_cutoff_{reading}"] = text.fmt_date(cutoff)
    return out


def _build_values(res: ForecastChapterResults, params: Params) -> dict[str, str]:
    """This build's parameters, the headline's weight and the data's vintage."""
    weight_pct, vintage = res.headline.weight_pct, res.vintage
    return {
        "methods_changed": changed_text(params),
        "methods_n_years": text.fmt_count(res.capex_years),
        "methods_capex_path": params.capex_path,
        "methods_rounds_start": text.fmt_date(params.rounds_history_start),
        "methods_weight_projection": text.fmt_pct(weight_pct),
        "methods_weight_rounds": text.fmt_pct(100.0 - weight_pct),
        "methods_weight_source": ("fitted on the headline backtest"
                                  if res.headline.weight_source == "fitted"
                                  else "set by the reader"),
        "methods_interval_level": text.fmt_pct(params.interval_level_pct),
        "methods_mc_draws": text.fmt_count(params.mc_draws),
        "methods_seed": str(params.seed),
        "methods_as_of": text.fmt_date(params.as_of),
        "methods_horizon_end": text.fmt_date(params.horizon_end),
        "methods_headcount_base": text.fmt_count(params.corporate_headcount_base),
        "methods_latest_year": str(vintage["latest_annual_year"]),
        "methods_latest_quarter": vintage["latest_quarter"],
        "methods_latest_event": text.fmt_date(vintage["latest_event_date"]),
        "methods_retrieved": text.fmt_date(vintage["data_retrieved"]),
        "methods_unverified_use": ("this build includes them, because include_unreliable is set"
                                   if params.include_unreliable
                                   else "this build leaves them out"),
    }


def glue_values(res: ForecastChapterResults, params: Params) -> dict[str, str]:
    """Every text the methods page glues (``methods_*``) but its two generated tables.

    Args:
        res: The forecast chapter's results (the headline's weight, the data's vintage, the
            years of capex the forecasts are fitted on).
        params: The page's parameters (all of them: the page lists every change).

    Returns:
        Glue key -> formatted text.
    """
    return {**_model_values(), **_build_values(res, params)}

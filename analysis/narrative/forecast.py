"""The forecast page in words: every number it glues, formatted, and the few verdict phrases.

:func:`glue_values` turns :class:`analysis.chapters.forecast.ForecastChapterResults` into the
``ch5_*`` texts of ``book/ch5-forecast.md``; :func:`explore_glue_values` gives the
``explore_*`` texts of ``book/explore.md`` from the stored sweep. Numbers are formatted by
:mod:`analysis.text` only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from analysis import text
from analysis.chapters.forecast import ForecastChapterResults
from analysis.models import headline_backtest as hbt
from analysis.models.headline import fmt_observed
from analysis.models.sweep import SweepGrid
from analysis.narrative import arithmetic, vintage
from analysis.params import Params

__all__ = ["HEADLINE_SOURCES", "SCENARIO_KEYS", "explore_glue_values", "glue_values"]

#: Headline sources and the glue-key stems of their numbers.
HEADLINE_SOURCES: dict[str, str] = {"combined": "comb", "projection core": "proj",
                                    "layoff-rounds model": "rnd"}
#: Scenarios the page names, and their glue-key stems.
SCENARIO_KEYS: dict[str, str] = {"accelerated-automation": "fast", "regulatory-brake": "brake"}
_BACKTEST_MODELS = {"projection core": "proj", "layoff-rounds model": "rnd"}


def _chance(p: float) -> str:
    """The chance as a phrase with its article: "a 45% chance", "an 80% chance"."""
    return text.with_article(f"{text.fmt_prob(p)} chance")


def _headline_values(res: ForecastChapterResults) -> dict[str, str]:
    """The headline's numbers: median, interval and chances, per source and reading."""
    h, p = res.headline, res.params
    level = text.fmt_pct(p.interval_level_pct)
    out = {
        "ch5_not_in_data": vintage.not_yet_in_data_sentence({**res.vintage, "as_of": p.as_of}),
        "ch5_level": level,
        "ch5_a_level": text.with_article(f"{level} interval"),
        "ch5_observed": fmt_observed(h.observed),
        "ch5_as_of": text.fmt_date(p.as_of),
        "ch5_draws": text.fmt_count(p.mc_draws),
        "ch5_weight": text.fmt_pct(h.weight_pct),
        "ch5_weight_source": ("the weight fitted on the models' record below"
                              if h.weight_source == "fitted" else "a weight set by the reader"),
        "ch5_proj_point_2027": text.fmt_roles(
            h.projection.summary.set_index("reading").loc["2027", "point"]),
    }
    for source, stem in HEADLINE_SOURCES.items():
        for reading in ("2026", "2027"):
            row, k = h.get(source, reading), f"ch5_{stem}_{reading}"
            out[f"{k}_median"] = text.fmt_roles(row["median"])
            out[f"{k}_interval"] = text.fmt_interval(row["lower"], row["upper"])
            out[f"{k}_inside"] = text.fmt_prob(row["prob_inside"])
            out[f"{k}_a_inside"] = _chance(row["prob_inside"])
            out[f"{k}_below"] = text.fmt_prob(row["prob_below"])
            out[f"{k}_above"] = text.fmt_prob(row["prob_above"])
    out.update({f"ch5_ar_{key}": s for key, s in arithmetic.sentences(res.arithmetic).items()})
    return out


def _sensitivity_values(res: ForecastChapterResults) -> dict[str, str]:
    """The largest one-at-a-time swing and the headline under the named scenarios."""
    top = res.oat.iloc[0]
    out = {"ch5_top_param": str(top["label"]), "ch5_top_swing": text.fmt_roles(top["swing"])}
    by = res.scenarios[res.scenarios["reading"] == "2027"].set_index("scenario")
    for name, stem in SCENARIO_KEYS.items():
        out[f"ch5_scen_{stem}_median"] = text.fmt_roles(by.loc[name, "median"])
        out[f"ch5_scen_{stem}_inside"] = text.fmt_prob(by.loc[name, "prob_inside"])
        out[f"ch5_scen_{stem}_a_inside"] = _chance(by.loc[name, "prob_inside"])
    return out


def _record_values(res: ForecastChapterResults) -> dict[str, str]:
    """The headline backtest's design and the two models' scores over the shorter window."""
    bt, h1 = res.headline_backtest, min(hbt.HORIZONS_MONTHS)
    out = {"ch5_hb_first": text.fmt_date(bt.origins[0]),
           "ch5_hb_last": text.fmt_date(bt.origins[-1])}
    counts = {"h1": h1, "h2": max(hbt.HORIZONS_MONTHS),
              "base": res.params.corporate_headcount_base, "origins": len(bt.origins),
              "pairs": len(bt.pairs), "independent": bt.independent_windows,
              "resamples": len(bt.bootstrap_weights_pct)}
    out.update({f"ch5_hb_{key}": text.fmt_count(value) for key, value in counts.items()})
    levels = {"l50": hbt.LEVELS_PCT[0], "l80": hbt.LEVELS_PCT[1],
              "wlevel": hbt.WEIGHT_INTERVAL_PCT}
    out.update({f"ch5_hb_{key}": text.fmt_pct(value) for key, value in levels.items()})
    table = bt.model_table()
    for label, stem in _BACKTEST_MODELS.items():
        row = table[(table["model_label"] == label) & (table["horizon_months"] == h1)].iloc[0]
        out[f"ch5_hb_{stem}_ls"] = text.fmt_decimal(row["mean_log_score"])
        out[f"ch5_hb_{stem}_c50"] = text.fmt_pct(100 * row["coverage_50"])
        out[f"ch5_hb_{stem}_c80"] = text.fmt_pct(100 * row["coverage_80"])
    undisclosed = bt.scores.drop_duplicates(["origin", "horizon_months"])["undisclosed_rounds"]
    out["ch5_hb_undisclosed"] = text.fmt_count(int((undisclosed > 0).sum()))
    out["ch5_hb_verdict"] = ("too short to tell which model deserves more weight" if bt.too_short
                             else "long enough to fit the weight with some confidence")
    return out


def _weight_values(res: ForecastChapterResults) -> dict[str, str]:
    """The fitted weight, and the chance inside the range at the ends and over its interval."""
    bt, curve = res.headline_backtest, res.weight_curve
    out = {"ch5_hb_fitted": text.fmt_pct(bt.fitted_weight_pct),
           "ch5_hb_bagged": text.fmt_pct(bt.weight_pct),
           "ch5_hb_wint": text.fmt_interval(*bt.weight_interval_pct, fmt=text.fmt_pct)}
    widened = res.widened.set_index("reading")
    for reading in ("2026", "2027"):
        ends = curve[(curve["reading"] == reading) & (curve["weight_pct"].isin([0.0, 100.0]))]
        out[f"ch5_hb_p0_{reading}"] = text.fmt_prob(ends["prob_inside"].iloc[0])
        out[f"ch5_hb_p100_{reading}"] = text.fmt_prob(ends["prob_inside"].iloc[-1])
        out[f"ch5_hb_pw_{reading}"] = text.fmt_prob(
            res.headline.get("combined", reading)["prob_inside"])
        w = widened.loc[reading]
        out[f"ch5_hb_prange_{reading}"] = text.fmt_interval(
            w["prob_inside_low"], w["prob_inside_high"], fmt=text.fmt_prob)
        out[f"ch5_hb_wide_{reading}"] = text.fmt_interval(w["lower"], w["upper"])
    return out


def glue_values(res: ForecastChapterResults) -> dict[str, str]:
    """Every text the forecast page glues, by glue key (``ch5_*``).

    Args:
        res: The forecast chapter's results.

    Returns:
        Glue key -> formatted text: the headline per source and reading, the arithmetic
        sentences (``ch5_ar_*``), the sensitivity and scenarios, and the headline backtest
        and its weight (``ch5_hb_*``). The histogram's overflow note is the chart's
        (:func:`analysis.charts.forecast.histogram_tail_note`).
    """
    return {**_headline_values(res), **_sensitivity_values(res), **_record_values(res),
            **_weight_values(res)}


def explore_glue_values(table: pd.DataFrame, provenance: Mapping[str, Any], grid: SweepGrid,
                        params: Params) -> dict[str, str]:
    """Every text the explore page glues (``explore_*``) but its controls table.

    Args:
        table: The sweep table (two rows per point, one per reading).
        provenance: The sweep's provenance (:func:`analysis.site.results.sweep_provenance`).
        grid: The sweep's grid.
        params: The build's parameters.

    Returns:
        Glue key -> text.
    """
    weight_pct = provenance["point_base"]["headline_weight_projection_pct"]
    return {"explore_points": text.fmt_count(len(table) // 2),
            "explore_draws": text.fmt_count(grid.draws),
            "explore_build_draws": text.fmt_count(params.mc_draws),
            "explore_seed": str(params.seed),
            "explore_weight": text.fmt_pct(weight_pct),
            "explore_commit": provenance["commit"]}

"""The backtest page in words: its verdict phrases and every number it glues, formatted.

:func:`glue_values` turns the statistical forecasts and their backtest in
:class:`analysis.chapters.forecast.ForecastChapterResults` into the ``bt_*`` texts of
``book/backtest.md``; :func:`backtest_text_values` is the part read from the backtest's
detail and summary frames. Numbers are formatted by :mod:`analysis.text` only.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import pandas as pd

from analysis import text
from analysis.chapters.forecast import ForecastChapterResults
from analysis.models import backtest, forecast, scoring
from analysis.text import fmt_count, fmt_k_of_n, fmt_pct, fmt_prob

__all__ = ["NOT_AVAILABLE", "NOT_COMPARABLE", "SERIES_KEYS", "backtest_text_values",
           "compare_word", "coverage_word", "glue_values"]

NOT_AVAILABLE = "not available"
NOT_COMPARABLE = "not yet comparable with"
#: Glue-key stems of the backtest's series.
SERIES_KEYS: dict[str, str] = {"Gross capex": "capex", "Employees": "emp"}
_DASH = "\u2013"


def compare_word(skill: float, tolerance: float = 0.005) -> str:
    """Describe a skill score against the naive benchmark in words.

    Args:
        skill: ``1 - MAPE / MAPE_naive``.
        tolerance: Scores this close to zero count as a tie.

    Returns:
        ``"more accurate than"``, ``"less accurate than"`` or ``"as accurate as"``.
    """
    if not math.isfinite(skill):
        raise ValueError("skill must be finite")
    if skill > tolerance:
        return "more accurate than"
    if skill < -tolerance:
        return "less accurate than"
    return "as accurate as"


def coverage_word(coverage: Sequence[float], nominal: Sequence[float],
                  tolerance: float = 0.1) -> str:
    """Describe interval coverage against its nominal level in words.

    Args:
        coverage: Empirical coverage of several intervals (fractions).
        nominal: Their nominal levels (fractions).
        tolerance: Mean shortfall or excess that still counts as "close".

    Returns:
        ``"too narrow"``, ``"too wide"`` or ``"close to their nominal level"``.
    """
    if len(coverage) == 0 or len(coverage) != len(nominal):
        raise ValueError("need as many coverage values as nominal levels, at least one")
    gap = sum(c - n for c, n in zip(coverage, nominal, strict=True)) / len(coverage)
    if gap < -tolerance:
        return "too narrow"
    if gap > tolerance:
        return "too wide"
    return "close to their nominal level"


def _cell_values(by: pd.DataFrame, label: str, stem: str, h: int,
                 levels_pct: Sequence[int]) -> dict[str, str]:
    """The numbers of one series and horizon (``"not available"`` when none is known)."""
    pre = f"bt_{stem}_h{h}"
    if (label, h, "model") not in by.index or (label, h, "naive") not in by.index:
        out = {f"{pre}_{name}": NOT_AVAILABLE
               for name in ("mape_model", "mape_naive", *(f"cov{lv}" for lv in levels_pct))}
        return {**out, f"{pre}_n": "0", f"{pre}_skill": NOT_AVAILABLE,
                f"{pre}_verdict": NOT_COMPARABLE}
    model, naive = by.loc[(label, h, "model")], by.loc[(label, h, "naive")]
    out = {f"{pre}_mape_model": fmt_pct(model["mape_pct"], 1),
           f"{pre}_mape_naive": fmt_pct(naive["mape_pct"], 1)}
    for lv in levels_pct:
        out[f"{pre}_cov{lv}"] = fmt_prob(model[f"coverage_{lv}"])
    out[f"{pre}_n"] = fmt_count(model["n"])
    out[f"{pre}_verdict"] = compare_word(float(model["skill_vs_naive"]))
    out[f"{pre}_skill"] = fmt_pct(100.0 * float(model["skill_vs_naive"]), 1, signed=True)
    return out


def _pooled_values(rows: pd.DataFrame, levels_pct: Sequence[int]) -> dict[str, str]:
    """Coverage ranges, counts of cells worse than naive or short of nominal, the verdicts."""
    out = {}
    for lv in levels_pct:
        out[f"bt_cov{lv}_range"] = NOT_AVAILABLE if rows.empty else (
            fmt_prob(rows[f"coverage_{lv}"].min()) + _DASH + fmt_prob(rows[f"coverage_{lv}"].max()))
    worse = int((rows["skill_vs_naive"] < 0).sum())
    out["bt_n_worse"] = fmt_count(worse)
    out["bt_n_cells"] = fmt_count(len(rows))
    cov = [float(v) for lv in levels_pct for v in rows[f"coverage_{lv}"]]
    nom = [lv / 100.0 for lv in levels_pct for _ in range(len(rows))]
    short = sum(c < n for c, n in zip(cov, nom, strict=True))
    out["bt_n_short"] = fmt_count(short)
    out["bt_n_level_cells"] = fmt_count(len(cov))
    # "In all 4 ...", "In 3 of the 4 ...": one phrase, so no sentence reads "4 of the 4".
    out["bt_worse_of_cells"] = fmt_k_of_n(worse, len(rows)) if len(rows) else "none of the"
    out["bt_short_of_cells"] = fmt_k_of_n(short, len(cov)) if cov else "none of the"
    out["bt_interval_verdict"] = coverage_word(cov, nom) if cov else "not measurable yet"
    out["bt_overall_verdict"] = (NOT_COMPARABLE if rows.empty
                                 else compare_word(float(rows["skill_vs_naive"].mean())))
    return out


def _worst_values(detail: pd.DataFrame) -> dict[str, str]:
    """How many models were chosen, and the published forecast's largest single miss."""
    models = detail[detail["method"] == "model"] if not detail.empty else detail
    out = {"bt_n_models": fmt_count(models["model"].nunique() if not models.empty else 0)}
    known = models[models["actual"].notna()] if not models.empty else models
    if known.empty:
        return {**out, **{f"bt_worst_{name}": NOT_AVAILABLE
                          for name in ("series", "target", "origin", "error")}}
    worst = known.loc[known["error_pct"].abs().idxmax()]
    out["bt_worst_series"] = str(worst["series"]).lower()
    out["bt_worst_target"] = str(int(worst["target_year"]))
    out["bt_worst_origin"] = str(int(worst["origin"]))
    out["bt_worst_error"] = fmt_pct(float(worst["error_pct"]), 0, signed=True)
    return out


def backtest_text_values(detail: pd.DataFrame, summary: pd.DataFrame,
                         series_keys: Mapping[str, str] | None = None,
                         horizons: Sequence[int] = (1, 2),
                         levels_pct: Sequence[int] = (80, 95)) -> dict[str, str]:
    """Return every number and verdict the backtest page glues, as formatted strings.

    Keys (all prefixed ``bt_``): per series stem ``s`` and horizon ``h``,
    ``{s}_h{h}_mape_model``, ``{s}_h{h}_mape_naive``, ``{s}_h{h}_cov80``, ``{s}_h{h}_cov95``,
    ``{s}_h{h}_n``, ``{s}_h{h}_skill`` and ``{s}_h{h}_verdict``; then ``cov80_range``,
    ``cov95_range`` (over the selected model's cells), ``n_worse`` and ``n_cells`` (cells
    where the model was less accurate than the benchmark), ``n_short`` and ``n_level_cells``
    (cells and levels where coverage fell short of nominal), ``worse_of_cells`` and
    ``short_of_cells`` (the same counts as one phrase, "all 4" or "3 of the 4", from
    :func:`analysis.text.fmt_k_of_n`), ``interval_verdict``, ``overall_verdict`` (mean skill),
    ``n_models`` (distinct models chosen), and the largest single miss of the model:
    ``worst_series``, ``worst_target``, ``worst_origin``, ``worst_error``. Every key is
    present even when no outcome is known yet (late origins): the numbers then read
    ``"not available"`` and the counts ``"0"``.

    Args:
        detail: :attr:`analysis.models.backtest.BacktestResult.detail`.
        summary: :attr:`analysis.models.backtest.BacktestResult.summary`.
        series_keys: Series label -> key stem (default :data:`SERIES_KEYS`).
        horizons: Horizons the page refers to, years.
        levels_pct: Interval levels in the summary.

    Returns:
        Key -> text.
    """
    keys = SERIES_KEYS if series_keys is None else series_keys
    by = summary.set_index(["series", "horizon", "method"])
    out: dict[str, str] = {}
    for label, stem in keys.items():
        for h in horizons:
            out.update(_cell_values(by, label, stem, h, levels_pct))
    out.update(_pooled_values(summary[summary["method"] == "model"], levels_pct))
    out.update(_worst_values(detail))
    return out


def _published_values(res: ForecastChapterResults) -> dict[str, str]:
    """The forecast published at the cut-off for each series, and how many fell back to naive."""
    out = {}
    for label, stem in SERIES_KEYS.items():
        out[f"bt_{stem}_published"] = res.published[label].model
        out[f"bt_{stem}_published_reason"] = res.published[label].reason
    out["bt_n_naive"] = fmt_count(sum(r.naive_used for r in res.published.values()))
    out["bt_n_series"] = fmt_count(len(res.published))
    return out


def _calibration_values(res: ForecastChapterResults) -> dict[str, str]:
    """Pooled coverage of the published intervals, and both calibrations compared."""
    cal = res.annual_backtest.calibration
    pooled = cal[cal["series"] == "all"].set_index("nominal_pct")
    out = {f"bt_cov_all_{lv}": fmt_pct(pooled.loc[float(lv), "observed_pct"])
           for lv in backtest.LEVELS_PCT}
    out["bt_n_all"] = fmt_count(int(pooled["n"].iloc[0]))
    methods = res.interval_methods.set_index(["interval_method", "level_pct"])
    for (method, lv), row in methods.iterrows():
        out[f"bt_{method}_cov_{lv}"] = fmt_pct(row["coverage_pct"])
        out[f"bt_{method}_k_{lv}"] = fmt_k_of_n(row["covered"], row["n"])
        out[f"bt_{method}_score_{lv}"] = text.fmt_value(round(row["interval_score"], 2))
    return out


def glue_values(res: ForecastChapterResults) -> dict[str, str]:
    """Every text the backtest page glues, by glue key (``bt_*``).

    Args:
        res: The forecast chapter's results (its statistical forecasts and their backtest).

    Returns:
        Glue key -> formatted text.
    """
    levels = backtest.LEVELS_PCT  # (50, 80)
    bt = res.annual_backtest
    out = {"bt_level_a": fmt_pct(levels[1]), "bt_level_b": fmt_pct(levels[0]),
           "bt_first_origin": str(res.params.backtest_first_origin),
           "bt_last_origin": str(res.params.backtest_last_origin),
           "bt_last_year": str(int(res.annual["year"].max())),
           "bt_min_cv": fmt_count(forecast.MIN_CV_ERRORS),
           "bt_rel_tol": fmt_pct(100 * scoring.REL_TOL)}
    out.update(backtest_text_values(bt.detail, bt.summary, levels_pct=levels))
    return {**out, **_published_values(res), **_calibration_values(res)}

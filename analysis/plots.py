"""Reusable chart builders in the report's style (theme and renderer live in analysis.charts).

Each builder takes a tidy frame with plain columns (int years or timestamps, floats), returns an
Altair chart with tooltips, and shows uncertainty as a band or interval, never a bare point.
Pages name and describe the result with :class:`analysis.charts.Figures`.
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

__all__ = [
    "bars",
    "claim_band_histogram",
    "fan_chart",
    "history_forecast",
    "interval_dots",
    "tornado",
]

CLAIM_COLOUR = "#E69F00"
BAND_COLOUR = "#0072B2"


def _check_columns(df: pd.DataFrame, columns: Sequence[str]) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"chart data lacks column(s) {missing}; has {list(df.columns)}")


def history_forecast(
    history: pd.DataFrame,
    forecast: pd.DataFrame,
    *,
    x: str,
    y_title: str,
    x_title: str = "year",
    value_format: str = ",.0f",
    x_type: str = "O",
    reference: pd.DataFrame | None = None,
) -> alt.LayerChart:
    """Observed history as a line with points, the forecast as a dashed line with a band.

    Args:
        history: Columns ``x`` and ``value``.
        forecast: Columns ``x``, ``mean``, ``lower``, ``upper`` and ``level`` (fraction).
        x: Name of the period column in both frames.
        y_title: Axis title with unit.
        x_title: Axis title of the period axis.
        value_format: d3 format for tooltips.
        x_type: Vega-Lite type of the period (``O`` for years, ``T`` for dates).
        reference: Optional points (columns ``x``, ``value``, ``label``), e.g. guidance.

    Returns:
        A layered chart.
    """
    _check_columns(history, [x, "value"])
    _check_columns(forecast, [x, "mean", "lower", "upper", "level"])
    hist = history.assign(series="observed")
    fc = forecast.assign(
        series="forecast",
        interval=[f"{lv:.0%} interval" for lv in forecast["level"]],
    )
    xenc = alt.X(f"{x}:{x_type}", title=x_title)
    line = alt.Chart(hist).mark_line(point=True).encode(
        x=xenc, y=alt.Y("value:Q", title=y_title),
        tooltip=[alt.Tooltip(f"{x}:{x_type}", title=x_title),
                 alt.Tooltip("value:Q", title="observed", format=value_format)])
    band = alt.Chart(fc).mark_area(opacity=0.25, color=BAND_COLOUR).encode(
        x=xenc, y="lower:Q", y2="upper:Q",
        tooltip=[alt.Tooltip(f"{x}:{x_type}", title=x_title),
                 alt.Tooltip("mean:Q", title="forecast", format=value_format),
                 alt.Tooltip("lower:Q", title="lower", format=value_format),
                 alt.Tooltip("upper:Q", title="upper", format=value_format),
                 alt.Tooltip("interval:N", title="interval")])
    mean = alt.Chart(fc).mark_line(strokeDash=[6, 4], point=True, color=BAND_COLOUR).encode(
        x=xenc, y="mean:Q",
        tooltip=[alt.Tooltip(f"{x}:{x_type}", title=x_title),
                 alt.Tooltip("mean:Q", title="forecast", format=value_format)])
    layers = [band, line, mean]
    if reference is not None and not reference.empty:
        _check_columns(reference, [x, "value", "label"])
        layers.append(alt.Chart(reference).mark_point(
            shape="diamond", size=120, filled=True, color=CLAIM_COLOUR).encode(
            x=xenc, y="value:Q",
            tooltip=[alt.Tooltip(f"{x}:{x_type}", title=x_title),
                     alt.Tooltip("value:Q", format=value_format), "label:N"]))
    return alt.layer(*layers)


def fan_chart(paths: pd.DataFrame, *, x: str, y_title: str, x_title: str = "quarter end",
              value_format: str = ",.0f") -> alt.LayerChart:
    """A fan chart from quantile paths (80% and 50% bands and the median).

    Args:
        paths: Columns ``x``, ``q10``, ``q25``, ``q50``, ``q75``, ``q90``.
        x: The time column (timestamps).
        y_title: Axis title with unit.
        x_title: Axis title of the time axis.
        value_format: d3 format for tooltips.
    """
    _check_columns(paths, [x, "q10", "q25", "q50", "q75", "q90"])
    base = alt.Chart(paths).encode(x=alt.X(f"{x}:T", title=x_title))
    tips = [alt.Tooltip(f"{x}:T", title=x_title)] + [
        alt.Tooltip(f"{q}:Q", title=title, format=value_format)
        for q, title in (("q10", "10th pct"), ("q50", "median"), ("q90", "90th pct"))]
    outer = base.mark_area(opacity=0.2, color=BAND_COLOUR).encode(
        y=alt.Y("q10:Q", title=y_title), y2="q90:Q", tooltip=tips)
    inner = base.mark_area(opacity=0.35, color=BAND_COLOUR).encode(y="q25:Q", y2="q75:Q",
                                                                   tooltip=tips)
    median = base.mark_line(color=BAND_COLOUR).encode(y="q50:Q", tooltip=tips)
    return alt.layer(outer, inner, median)


def claim_band_histogram(draws: np.ndarray | pd.Series, *, low: float, high: float,
                         x_title: str, bins: int = 40, clip_pct: float | None = None
                         ) -> alt.LayerChart:
    """Histogram of simulated outcomes with the claimed range shaded.

    Args:
        draws: Simulated values.
        low: Lower end of the claimed range.
        high: Upper end of the claimed range.
        x_title: Axis title with unit.
        bins: Number of bins.
        clip_pct: If given, values above this percentile are counted in the last bin, so a
            long tail does not squash the chart (say so in the caption).
    """
    values = np.asarray(draws, dtype=float)
    if values.size == 0 or not np.all(np.isfinite(values)):
        raise ValueError("draws must be a non-empty array of finite numbers")
    if clip_pct is not None:
        values = np.minimum(values, np.percentile(values, clip_pct))
    counts, edges = np.histogram(values, bins=bins)
    hist = pd.DataFrame({"start": edges[:-1], "end": edges[1:],
                         "share_pct": counts / values.size * 100.0})
    band = pd.DataFrame({"start": [low], "end": [high], "label": ["claimed range"]})
    shade = alt.Chart(band).mark_rect(opacity=0.2, color=CLAIM_COLOUR).encode(
        x="start:Q", x2="end:Q", tooltip=[alt.Tooltip("start:Q", format=","),
                                          alt.Tooltip("end:Q", format=","), "label:N"])
    bars_ = alt.Chart(hist).mark_bar(color=BAND_COLOUR, opacity=0.8).encode(
        x=alt.X("start:Q", title=x_title, axis=alt.Axis(format=",d")), x2="end:Q",
        y=alt.Y("share_pct:Q", title="share of simulations (%)"), y2=alt.datum(0),
        tooltip=[alt.Tooltip("start:Q", title="from", format=",.0f"),
                 alt.Tooltip("end:Q", title="to", format=",.0f"),
                 alt.Tooltip("share_pct:Q", title="share (%)", format=".1f")])
    return alt.layer(shade, bars_)


def tornado(sens: pd.DataFrame, *, x_title: str, base_value: float) -> alt.LayerChart:
    """Tornado chart of one-at-a-time sensitivities.

    Args:
        sens: Columns ``parameter``, ``result_low``, ``result_high``, ``swing``.
        x_title: Axis title with unit.
        base_value: The headline at the central parameter values (a rule).
    """
    _check_columns(sens, ["parameter", "result_low", "result_high", "swing"])
    order = list(sens.sort_values("swing", ascending=False)["parameter"])
    data = sens.assign(lo=sens[["result_low", "result_high"]].min(axis=1),
                       hi=sens[["result_low", "result_high"]].max(axis=1))
    bars_ = alt.Chart(data).mark_bar(color=BAND_COLOUR).encode(
        y=alt.Y("parameter:N", sort=order, title=None),
        x=alt.X("lo:Q", title=x_title, axis=alt.Axis(format=",d")), x2="hi:Q",
        tooltip=["parameter:N",
                 alt.Tooltip("result_low:Q", title="at low end", format=",.0f"),
                 alt.Tooltip("result_high:Q", title="at high end", format=",.0f"),
                 alt.Tooltip("swing:Q", title="swing", format=",.0f")])
    rule = alt.Chart(pd.DataFrame({"base": [base_value]})).mark_rule(
        color="#333", strokeDash=[4, 3]).encode(
        x="base:Q", tooltip=[alt.Tooltip("base:Q", title="central", format=",.0f")])
    return alt.layer(bars_, rule)


def interval_dots(df: pd.DataFrame, *, category: str, y_title: str, sort: Sequence[str] | None
                  = None, value_format: str = ",.0f", color: str | None = None
                  ) -> alt.LayerChart:
    """Point estimates with interval bars, one row per category.

    Args:
        df: Columns ``category``, ``mean``, ``lower``, ``upper`` (and ``color`` if given).
        category: The category column.
        y_title: Title of the value axis (with unit).
        sort: Category order.
        value_format: d3 format for tooltips.
        color: Optional column to colour by.
    """
    _check_columns(df, [category, "mean", "lower", "upper"])
    tips = [f"{category}:N", alt.Tooltip("mean:Q", format=value_format),
            alt.Tooltip("lower:Q", format=value_format),
            alt.Tooltip("upper:Q", format=value_format)]
    enc_color = alt.Color(f"{color}:N", title=None) if color else alt.value(BAND_COLOUR)
    base = alt.Chart(df).encode(y=alt.Y(f"{category}:N", sort=list(sort) if sort else None,
                                        title=None))
    rule = base.mark_rule(strokeWidth=2).encode(
        x=alt.X("lower:Q", title=y_title), x2="upper:Q", color=enc_color, tooltip=tips)
    dots = base.mark_point(filled=True, size=70).encode(x="mean:Q", color=enc_color,
                                                        tooltip=tips)
    return alt.layer(rule, dots)


def bars(df: pd.DataFrame, *, x: str, y: str, x_title: str, y_title: str,
         color: str | None = None, x_type: str = "O", value_format: str = ",.0f",
         stack: bool = True) -> alt.Chart:
    """Bars (stacked or grouped by ``color``) with tooltips.

    Args:
        df: Tidy frame.
        x: Category or period column.
        y: Value column.
        x_title: Axis title.
        y_title: Axis title with unit.
        color: Optional series column.
        x_type: Vega-Lite type of ``x``.
        value_format: d3 format for tooltips.
        stack: Stack the series (else side by side).
    """
    _check_columns(df, [x, y] + ([color] if color else []))
    tips = [alt.Tooltip(f"{x}:{x_type}", title=x_title),
            alt.Tooltip(f"{y}:Q", title=y_title, format=value_format)]
    enc = {"x": alt.X(f"{x}:{x_type}", title=x_title),
           "y": alt.Y(f"{y}:Q", title=y_title, stack=True if stack else None),
           "tooltip": tips}
    if color:
        enc["color"] = alt.Color(f"{color}:N", title=None)
        tips.append(f"{color}:N")
        if not stack:
            enc["xOffset"] = f"{color}:N"
    return alt.Chart(df).mark_bar().encode(**enc)

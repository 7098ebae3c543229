"""Reusable chart builders in the report's style (theme and renderer live in analysis.charts).

Each builder takes a tidy frame with plain columns (int years or timestamps, floats), returns an
Altair chart with tooltips, and shows uncertainty as a band or interval, never a bare point.
Pages name and describe the result with :class:`analysis.charts.Figures`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import altair as alt
import numpy as np
import pandas as pd

from analysis.params import label as param_label

__all__ = [
    "bars",
    "HistogramBins",
    "claim_band_histogram",
    "histogram_bins",
    "overflow_note",
    "fan_chart",
    "history_forecast",
    "interval_dots",
    "tornado",
]

CLAIM_COLOUR = "#E69F00"
#: Axis for dates: month and year on each label, at most one label per quarter.
TIME_AXIS = alt.Axis(format="%b %Y", labelAngle=0, labelOverlap=True,
                     tickCount={"interval": "month", "step": 6})
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
    # Month and year on every label: a fan over several years must say which year it is.
    base = alt.Chart(paths).encode(x=alt.X(f"{x}:T", title=x_title, axis=TIME_AXIS))
    tips = [alt.Tooltip(f"{x}:T", title=x_title, format="%d %b %Y")] + [
        alt.Tooltip(f"{q}:Q", title=title, format=value_format)
        for q, title in (("q10", "10th pct"), ("q50", "median"), ("q90", "90th pct"))]
    outer = base.mark_area(opacity=0.2, color=BAND_COLOUR).encode(
        y=alt.Y("q10:Q", title=y_title), y2="q90:Q", tooltip=tips)
    inner = base.mark_area(opacity=0.35, color=BAND_COLOUR).encode(y="q25:Q", y2="q75:Q",
                                                                   tooltip=tips)
    median = base.mark_line(color=BAND_COLOUR).encode(y="q50:Q", tooltip=tips)
    return alt.layer(outer, inner, median)


def _nice_width(span: float, bins: int) -> float:
    """Round ``span / bins`` up to 1, 2, 2.5 or 5 times a power of ten (round bin edges)."""
    raw = max(span / max(bins, 1), 1e-9)
    power = 10.0 ** math.floor(math.log10(raw))
    for step in (1.0, 2.0, 2.5, 5.0, 10.0):
        if raw <= step * power:
            return step * power
    return 10.0 * power  # unreachable


@dataclass(frozen=True)
class HistogramBins:
    """Binned simulations with round edges and an honest open-ended last bin.

    Attributes:
        bins: One row per bin: ``start``, ``end``, ``count``, ``share_pct`` and ``overflow``
            (True only for the last bin when it collects every value from ``start`` up).
        overflow_start: Lower edge of the open-ended last bin (``None``: no value was capped).
        overflow_share_pct: Share of all values in that bin, %.
        max_value: Largest value.
        n: Number of values.
    """

    bins: pd.DataFrame
    overflow_start: float | None
    overflow_share_pct: float
    max_value: float
    n: int


def histogram_bins(draws: np.ndarray | pd.Series, *, bins: int = 40,
                   cap_pct: float | None = None) -> HistogramBins:
    """Bin ``draws`` on round edges; values above the ``cap_pct`` percentile share a last bin.

    The last bin then runs from a round edge at or above the percentile to the largest value,
    and is flagged ``overflow`` so a chart and its caption can say so.

    Args:
        draws: Values (finite).
        bins: Approximate number of regular bins.
        cap_pct: Percentile from which values are collected in the open-ended last bin.

    Returns:
        A :class:`HistogramBins`.

    >>> hb = histogram_bins(np.arange(1000.0), bins=10, cap_pct=90)
    >>> hb.overflow_start, round(hb.overflow_share_pct, 1)
    (900.0, 10.0)
    """
    values = np.asarray(draws, dtype=float)
    if values.size == 0 or not np.all(np.isfinite(values)):
        raise ValueError("draws must be a non-empty array of finite numbers")
    lo, hi = float(values.min()), float(values.max())
    top = float(np.percentile(values, cap_pct)) if cap_pct is not None else hi
    width = _nice_width(max(top - lo, 1.0), bins)
    first = math.floor(lo / width) * width
    cap = math.ceil(top / width) * width if cap_pct is not None else math.inf
    if cap >= hi:  # nothing to collect: every value fits in the regular bins
        cap = math.inf
    last_edge = cap if math.isfinite(cap) else max(first + width,
                                                   math.ceil(hi / width) * width)
    if last_edge == hi and not math.isfinite(cap):
        last_edge += width  # the largest value sits inside a bin, not on its right edge
    edges = np.arange(first, last_edge + width / 2, width)
    counts, _ = np.histogram(np.minimum(values, last_edge - width / 2), bins=edges)
    frame = pd.DataFrame({"start": edges[:-1], "end": edges[1:], "count": counts})
    frame["overflow"] = False
    over_share = 0.0
    if math.isfinite(cap):
        n_over = int((values >= cap).sum())
        frame.loc[len(frame)] = {"start": cap, "end": cap + width, "count": n_over,
                                 "overflow": True}
        # values at or above the cap were put in the bin below it by the clipping above
        frame.loc[len(frame) - 2, "count"] -= n_over
        over_share = n_over / values.size * 100.0
    frame["count"] = frame["count"].astype(int)
    frame["share_pct"] = frame["count"] / values.size * 100.0
    return HistogramBins(bins=frame, overflow_start=cap if math.isfinite(cap) else None,
                         overflow_share_pct=over_share, max_value=hi, n=int(values.size))


def overflow_note(binned: HistogramBins, unit: str = "roles") -> str:
    """One sentence for a caption that says what the last bar holds, from the bins themselves.

    >>> overflow_note(histogram_bins(np.arange(1000.0), bins=10, cap_pct=90), "units")
    'The last bar, paler, counts the 10% of simulations at 900 units or more (up to 999).'
    >>> overflow_note(histogram_bins(np.arange(10.0), bins=5))
    'The last bar counts simulations from 8 to 10 roles; no simulation lies beyond the chart.'
    """
    if binned.overflow_start is None:
        last = binned.bins.iloc[-1]
        return (f"The last bar counts simulations from {_count(last['start'])} to "
                f"{_count(last['end'])} {unit}; no simulation lies beyond the chart.")
    share = binned.overflow_share_pct
    share_text = f"{share:.0f}%" if share >= 1 else f"{share:.1f}%"
    return (f"The last bar, paler, counts the {share_text} of simulations at "
            f"{_count(binned.overflow_start)} {unit} or more (up to {_count(binned.max_value)}).")


def _count(x: float) -> str:
    return f"{round(float(x)):,}"


def claim_band_histogram(draws: np.ndarray | pd.Series | HistogramBins, *, low: float,
                         high: float, x_title: str, bins: int = 40,
                         clip_pct: float | None = None, floor: float | None = None,
                         floor_label: str = "already announced") -> alt.LayerChart:
    """Histogram of simulated outcomes with the claimed range shaded and marked.

    Args:
        draws: Simulated values, or bins from :func:`histogram_bins`.
        low: Lower end of the claimed range.
        high: Upper end of the claimed range.
        x_title: Axis title with unit.
        bins: Number of bins (when ``draws`` are values).
        clip_pct: If given, values above this percentile are counted in an open-ended last
            bar, drawn paler with a dashed outline and labelled "or more" (say so with
            :func:`overflow_note`).
        floor: A value every simulation includes (the cuts already announced): a labelled rule.
        floor_label: Label of that rule.
    """
    binned = draws if isinstance(draws, HistogramBins) else histogram_bins(
        draws, bins=bins, cap_pct=clip_pct)
    hist = binned.bins.assign(
        label=[f"{_count(s)} or more" if o else f"{_count(s)}\u2013{_count(e)}"
               for s, e, o in zip(binned.bins["start"], binned.bins["end"],
                                  binned.bins["overflow"], strict=True)])
    y_top = float(hist["share_pct"].max()) * 1.18  # headroom: the top bar and labels fit
    y_scale = alt.Scale(domain=[0, y_top], nice=False)
    band = pd.DataFrame({"start": [low], "end": [high], "label": ["claimed range"],
                         "mid": [(low + high) / 2], "y": [y_top]})
    shade = alt.Chart(band).mark_rect(opacity=0.2, color=CLAIM_COLOUR).encode(
        x="start:Q", x2="end:Q", tooltip=[alt.Tooltip("start:Q", format=","),
                                          alt.Tooltip("end:Q", format=","), "label:N"])
    shade_text = alt.Chart(band).mark_text(baseline="top", dy=3, color="#8a5a00",
                                           fontSize=11).encode(
        x="mid:Q", y=alt.Y("y:Q", scale=y_scale), text="label:N")
    tips = [alt.Tooltip("label:N", title="simulated cuts"),
            alt.Tooltip("share_pct:Q", title="share (%)", format=".1f")]
    x_enc = alt.X("start:Q", title=x_title, axis=alt.Axis(format=",d"))
    y_enc = alt.Y("share_pct:Q", title="share of simulations (%)", scale=y_scale)
    regular = alt.Chart(hist[~hist["overflow"]]).mark_bar(
        color=BAND_COLOUR, opacity=0.8).encode(x=x_enc, x2="end:Q", y=y_enc, y2=alt.datum(0),
                                               tooltip=tips)
    layers: list[alt.Chart] = [shade, shade_text, regular]
    over = hist[hist["overflow"]]
    if not over.empty:
        layers.append(alt.Chart(over).mark_bar(
            color=BAND_COLOUR, opacity=0.45, stroke=BAND_COLOUR, strokeDash=[3, 2]).encode(
            x=x_enc, x2="end:Q", y=y_enc, y2=alt.datum(0), tooltip=tips))
        layers.append(alt.Chart(over.assign(text="or more")).mark_text(
            align="right", baseline="bottom", dy=-3, fontSize=11, color="#333").encode(
            x="end:Q", y=y_enc, text="text:N"))
    if floor is not None:
        mark = pd.DataFrame({"x": [float(floor)], "label": [floor_label], "y": [y_top]})
        layers.append(alt.Chart(mark).mark_rule(color="#333", strokeDash=[4, 3]).encode(
            x="x:Q", tooltip=[alt.Tooltip("x:Q", title=floor_label, format=",.0f")]))
        # Written along the rule, so it never runs into the claimed range or the axis.
        layers.append(alt.Chart(mark).mark_text(
            angle=270, align="right", baseline="bottom", dy=-4, fontSize=11,
            color="#333").encode(x="x:Q", y=alt.Y("y:Q", scale=y_scale), text="label:N"))
    return alt.layer(*layers)


def tornado(sens: pd.DataFrame, *, x_title: str, base_value: float) -> alt.LayerChart:
    """Tornado chart of one-at-a-time sensitivities, rows named by their human labels.

    Args:
        sens: Columns ``parameter``, ``result_low``, ``result_high``, ``swing`` and, for the
            row names, ``label`` (else the parameter's label from the schema).
        x_title: Axis title with unit.
        base_value: The headline at the central parameter values (a rule).
    """
    _check_columns(sens, ["parameter", "result_low", "result_high", "swing"])
    if "label" not in sens.columns:
        sens = sens.assign(label=[param_label(n) for n in sens["parameter"]])
    order = list(sens.sort_values("swing", ascending=False)["label"])
    data = sens.assign(lo=sens[["result_low", "result_high"]].min(axis=1),
                       hi=sens[["result_low", "result_high"]].max(axis=1))
    bars_ = alt.Chart(data).mark_bar(color=BAND_COLOUR).encode(
        y=alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=0)),
        x=alt.X("lo:Q", title=x_title, axis=alt.Axis(format=",d"),
                scale=alt.Scale(zero=False, nice=True)), x2="hi:Q",
        tooltip=[alt.Tooltip("label:N", title="assumption"),
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

"""The "Explore the assumptions" chart: controls over a precomputed sweep, drawn offline.

The whole sweep table travels inside the chart's specification (no file is fetched, so the
page also works from ``file://``). Each gridded parameter becomes a Vega-Lite parameter bound
to a labelled select; the chart filters the table to the chosen grid point, prints the
headline for both readings and draws the distribution (the stored quantiles as a cumulative
curve) against the claimed range. Nothing is computed in the browser but the filter.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import pandas as pd

from analysis import charts, text
from analysis.charts import tables
from analysis.models.sweep import QUANTILE_LEVELS, SweepGrid
from analysis.params import SCHEMA, Params
from analysis.study import CLAIM_HIGH, CLAIM_LOW, READING_LABELS

__all__ = ["ALT_TEXT", "DATA_NAME", "controls_md", "explorer_chart", "explorer_figure",
           "explorer_records", "control_label", "level_label", "point_for"]

#: Name of the inline dataset (the page's script and the browser test read it by name).
DATA_NAME = "sweep"
#: What a screen reader reads for the explorer.
ALT_TEXT = ("Controls for the assumptions above a cumulative distribution of further corporate "
            "cuts for both readings of 'by 2027', with the claimed range shaded and the cuts "
            "already announced marked. The line above the chart gives the median, interval and "
            "chance of landing inside the range for the chosen assumptions.")
_SUMMARY = ("median", "lower", "upper", "prob_below", "prob_inside", "prob_above")


def explorer_records(table: pd.DataFrame, grid: SweepGrid) -> list[dict[str, Any]]:
    """The sweep table as compact records: one per point and reading, quantiles as a list.

    Keys are short to keep the page light (``i`` point, ``r`` reading, ``m`` median, ``lo``
    and ``hi`` the interval, ``pb``/``pi``/``pa`` the chances below/inside/above, ``lv`` the
    interval's level in percent, ``q`` the quantiles at
    :data:`analysis.models.sweep.QUANTILE_LEVELS`); the gridded parameters keep
    their names. Cut counts are rounded to whole roles and probabilities to 0.1 point, finer
    than a sweep point's simulation noise.
    """
    qcols = [f"q{level * 100:g}" for level in QUANTILE_LEVELS]
    records = []
    for row in table.to_dict("records"):
        rec: dict[str, Any] = {"i": int(row["point"]), "r": str(row["reading"])}
        rec.update({name: float(row[name]) for name in grid.names})
        rec.update({"m": round(float(row["median"])), "lo": round(float(row["lower"])),
                    "hi": round(float(row["upper"])), "pb": round(float(row["prob_below"]), 3),
                    "pi": round(float(row["prob_inside"]), 3),
                    "pa": round(float(row["prob_above"]), 3), "lv": float(row["level_pct"]),
                    "q": [round(float(row[c])) for c in qcols]})
        records.append(rec)
    return records


def level_label(name: str, value: float, build_value: float) -> str:
    """An option's label: the value in the parameter's unit, and whether it is this build's."""
    shown = text.fmt_value(value, SCHEMA[name].unit)
    return f"{shown} (this build)" if value == build_value else shown


def control_label(name: str) -> str:
    """A control's label in words, with its unit: "Year of fastest AI adoption (year)"."""
    spec = SCHEMA[name]
    label = getattr(spec, "label", "") or spec.description.split(";")[0].rstrip(".")
    return f"{label} ({spec.unit})"


def explorer_chart(grid: SweepGrid, params: Params, observed: float, width: int = 560
                   ) -> alt.LayerChart:
    """Build the explorer: a select per gridded parameter over the distribution's curves.

    The headline numbers for the chosen point are written next to the chart by the page's
    script from the same dataset (an HTML status line, which wraps on a phone and is read
    by screen readers as it changes).

    Args:
        grid: The grid of the sweep table (attached by :func:`explorer_figure`).
        params: This build's parameters (the controls start at its values).
        observed: Further cuts already announced (drawn as the floor).
        width: Width of the distribution chart in pixels.

    Returns:
        The chart (its parameters are the gridded parameters' names).
    """
    controls = []
    for name, levels in grid.levels:
        build_value = float(params[name])
        controls.append(alt.param(
            name=name, value=build_value,
            bind=alt.binding_select(options=list(levels),
                                    labels=[level_label(name, v, build_value) for v in levels],
                                    name=control_label(name))))
    match = " && ".join(f"datum['{n}'] == {n}" for n in grid.names)
    label_expr = " : ".join(f"datum.r == '{r}' ? '{lab}'" for r, lab in READING_LABELS.items())
    levels_js = "[" + ",".join(f"{q:g}" for q in QUANTILE_LEVELS) + "]"
    curve = (alt.Chart(alt.NamedData(DATA_NAME)).transform_filter(match)
             .transform_calculate(reading_label=f"{label_expr} : datum.r", levels=levels_js)
             .transform_flatten(["q", "levels"], as_=["value", "probability"]))
    x = alt.X("value:Q", title="Further corporate cuts announced (roles)",
              axis=alt.Axis(format=",.0f"))
    band = alt.Chart(pd.DataFrame({"lo": [CLAIM_LOW], "hi": [CLAIM_HIGH]})).mark_rect(
        opacity=0.15, color="#009E73").encode(x="lo:Q", x2="hi:Q")
    floor = alt.Chart(pd.DataFrame({"observed": [observed]})).mark_rule(
        strokeDash=[4, 3], color="#555").encode(x="observed:Q")
    lines = curve.mark_line(interpolate="linear").encode(
        x=x, y=alt.Y("probability:Q", title="Probability of at most this many",
                      axis=alt.Axis(format="%")),
        color=alt.Color("reading_label:N", title="Reading of 'by 2027'",
                        sort=list(READING_LABELS.values())),
        tooltip=[alt.Tooltip("reading_label:N", title="Reading"),
                 alt.Tooltip("value:Q", title="Cuts", format=",.0f"),
                 alt.Tooltip("probability:Q", title="P(at most)", format=".1%")])
    return alt.layer(band, floor, lines).properties(width=width, height=300).add_params(
        *controls)


def explorer_figure(chart: alt.TopLevelMixin, table: pd.DataFrame, grid: SweepGrid
                    ) -> charts.SpecFigure:
    """The finished explorer: the chart's specification with the sweep as its one dataset.

    The table is attached after Altair has checked the specification, so its hundreds of
    rows are neither validated one by one nor written twice.
    """
    spec = chart.to_dict()
    spec.setdefault("datasets", {})[DATA_NAME] = explorer_records(table, grid)
    return charts.SpecFigure(spec)


def controls_md(grid: SweepGrid, params: Params) -> str:
    """A Markdown table of the controls: label, unit, levels, this build's value, source."""
    rows = []
    for name, levels in grid.levels:
        spec = SCHEMA[name]
        rows.append([tables.escape_md(control_label(name)), tables.escape_md(spec.unit),
                     ", ".join(text.fmt_value(v, spec.unit) for v in levels),
                     text.fmt_value(params[name], spec.unit),
                     tables.cite_sources(spec.source)])
    return tables.md_table(["Control", "Unit", "Levels", "This build", "Source of the default"],
                           rows)


def point_for(table: pd.DataFrame, values: Mapping[str, float], names: Sequence[str]
              ) -> pd.DataFrame:
    """The sweep rows of one grid point (both readings)."""
    mask = pd.Series(True, index=table.index)
    for name in names:
        mask &= table[name] == values[name]
    return table[mask]

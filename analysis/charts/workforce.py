"""Charts and display tables of chapter 2 (the corporate middle), from its results.

Builders take :class:`analysis.chapters.workforce.WorkforceResults` (or one of its frames) and
return Altair charts or pandas Stylers; the page names them and adds their alt text
(:mod:`analysis.narrative.workforce`) with :class:`analysis.charts.Figures`.
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd
from pandas.io.formats.style import Styler

from analysis import text
from analysis.chapters.workforce import (
    COMPONENT_ORDER,
    WorkforceResults,
    check_columns,
    reading_cutoff,
)
from analysis.data.layoff_rounds import corporate_rounds, is_nested
from analysis.study import EXPOSURE_AXIS_TITLE

__all__ = [
    "CHART_WIDTH_WITH_LABELS",
    "decomposition_chart",
    "exposure_chart",
    "families_table",
    "family_cuts_chart",
    "figures",
    "interval_chart",
    "rounds_table",
    "tables",
    "totals_chart",
]

#: Plot width (px) of charts with long category labels on the y axis, so they fit the page.
CHART_WIDTH_WITH_LABELS = 400
_COMPONENT_COLOURS = ("#000000", "#0072B2", "#56B4E9", "#E69F00", "#D55E00", "#009E73",
                      "#CC79A7")


def rounds_table(rounds: pd.DataFrame) -> pd.DataFrame:
    """Tabulate the announced corporate rounds for display, oldest first.

    Args:
        rounds: :func:`analysis.data.load_layoff_rounds` output (``announced``,
            ``announced_precision``, ``organisation``, ``roles_low``, ``roles_high``,
            ``included_in_round_id``, ``is_corporate``).

    Returns:
        Columns ``announced`` (as precise as the source: ``"28 Oct 2025"``, ``"Nov 2022"``,
        ``"2025 Q1"``, ``"2025 H1"`` or ``"2026"``), ``organisation``, ``roles``
        (``"14,000"``, ``"200–900"`` or ``"not disclosed"``) and ``counted`` (``"yes"``, or
        ``"inside <round id>"`` for a round already counted in a later one).
    """
    check_columns(rounds, ["announced", "announced_precision", "organisation", "roles_low",
                           "roles_high", "included_in_round_id", "is_corporate"], "rounds")
    df = corporate_rounds(rounds, include_nested=True).sort_values("announced", kind="stable")

    def roles(low: float, high: float) -> str:
        if pd.isna(low) or pd.isna(high):
            return "not disclosed"
        return f"{low:,.0f}" if low == high else f"{low:,.0f}\u2013{high:,.0f}"

    parent = df["included_in_round_id"].fillna("").astype(str).str.strip()
    return pd.DataFrame({
        "announced": [text.fmt_event_date(pd.Timestamp(d), str(p)) for d, p in
                      zip(df["announced"], df["announced_precision"], strict=True)],
        "organisation": df["organisation"].astype(str).to_numpy(),
        "roles": [roles(lo, hi) for lo, hi in zip(df["roles_low"], df["roles_high"],
                                                  strict=True)],
        "counted": np.where(is_nested(df), "inside " + parent, "yes"),
    })


def exposure_chart(exposure: pd.DataFrame) -> alt.LayerChart:
    """Range between the human-rated and the GPT-4-rated exposure of each family.

    Args:
        exposure: :func:`analysis.chapters.workforce.family_exposure` output.

    Returns:
        A layered chart: a bar from the lower to the higher rating, a filled circle at the
        human rating (the report's central value) and an open diamond at the GPT-4 rating.
    """
    check_columns(exposure, ["family_label", "exposure_human_pct", "exposure_gpt4_pct",
                             "exposure_low_pct", "exposure_high_pct", "headcount_est",
                             "headcount_share_pct"], "exposure")
    order = list(exposure.sort_values("exposure_human_pct", ascending=False)["family_label"])
    data = exposure.loc[:, ["family_label", "exposure_human_pct", "exposure_gpt4_pct",
                            "exposure_low_pct", "exposure_high_pct", "headcount_est",
                            "headcount_share_pct"]]
    tips = [alt.Tooltip("family_label:N", title="job family"),
            alt.Tooltip("exposure_human_pct:Q", title="human-rated score \u03b2", format=".1f"),
            alt.Tooltip("exposure_gpt4_pct:Q", title="GPT-4-rated score \u03b2", format=".1f"),
            alt.Tooltip("headcount_est:Q", title="estimated headcount", format=",.0f"),
            alt.Tooltip("headcount_share_pct:Q", title="estimated share (%)", format=".0f")]
    y = alt.Y("family_label:N", sort=order, title=None, axis=alt.Axis())
    base = alt.Chart(data).encode(y=y, tooltip=tips)
    rule = base.mark_rule(strokeWidth=6, opacity=0.35, color="#0072B2").encode(
        x=alt.X("exposure_low_pct:Q", title=EXPOSURE_AXIS_TITLE,
                scale=alt.Scale(zero=False, padding=10)),
        x2="exposure_high_pct:Q")
    long = data.melt(id_vars=["family_label", "headcount_est", "headcount_share_pct"],
                     value_vars=["exposure_human_pct", "exposure_gpt4_pct"],
                     var_name="rating", value_name="exposure_pct")
    long["rating"] = long["rating"].map({"exposure_human_pct": "human annotators",
                                         "exposure_gpt4_pct": "GPT-4"})
    dots = alt.Chart(long).mark_point(size=90, filled=True).encode(
        y=y, x="exposure_pct:Q",
        shape=alt.Shape("rating:N", title="rated by",
                        scale=alt.Scale(domain=["human annotators", "GPT-4"],
                                        range=["circle", "diamond"])),
        color=alt.Color("rating:N", title="rated by",
                        scale=alt.Scale(domain=["human annotators", "GPT-4"],
                                        range=["#0072B2", "#D55E00"])),
        tooltip=[alt.Tooltip("family_label:N", title="job family"),
                 alt.Tooltip("rating:N", title="rated by"),
                 alt.Tooltip("exposure_pct:Q", title="exposure (%)", format=".1f")])
    return alt.layer(rule, dots).properties(width=CHART_WIDTH_WITH_LABELS)


def interval_chart(df: pd.DataFrame, *, category: str, x_title: str, sort: Sequence[str],
                   value_format: str = ",.0f", label_title: str = "median",
                   extra_tooltips: Sequence[alt.Tooltip] = ()) -> alt.LayerChart:
    """Medians with central intervals, one row per category (tooltips say "median").

    Args:
        df: Columns ``category``, ``median``, ``lower``, ``upper`` and ``level_pct``.
        category: The category column.
        x_title: Value axis title with unit.
        sort: Category order (top to bottom).
        value_format: d3 format of values in tooltips.
        label_title: Tooltip title of the central value.
        extra_tooltips: More tooltip fields (columns of ``df``).

    Returns:
        A layered chart (interval rule plus median point), with a zero rule.
    """
    check_columns(df, [category, "median", "lower", "upper", "level_pct"], "df")
    data = df.assign(interval=[f"{lv:.0f}% interval" for lv in df["level_pct"]])
    tips = [alt.Tooltip(f"{category}:N", title=category.replace("_", " ")),
            alt.Tooltip("median:Q", title=label_title, format=value_format),
            alt.Tooltip("lower:Q", title="lower", format=value_format),
            alt.Tooltip("upper:Q", title="upper", format=value_format),
            alt.Tooltip("interval:N", title="interval"), *extra_tooltips]
    y = alt.Y(f"{category}:N", sort=list(sort), title=None, axis=alt.Axis())
    base = alt.Chart(data).encode(y=y, tooltip=tips)
    rule = base.mark_rule(strokeWidth=3, color="#0072B2").encode(
        x=alt.X("lower:Q", title=x_title, axis=alt.Axis(format=",d")), x2="upper:Q")
    dots = base.mark_point(filled=True, size=80, color="#0072B2").encode(x="median:Q")
    zero = alt.Chart(pd.DataFrame({"zero": [0.0]})).mark_rule(color="#888").encode(x="zero:Q")
    return alt.layer(zero, rule, dots).properties(width=CHART_WIDTH_WITH_LABELS)


def decomposition_chart(quarters: pd.DataFrame) -> alt.LayerChart:
    """Stacked bars of the flows per step (outflows below zero, hires above) and net change.

    Args:
        quarters: :func:`analysis.chapters.workforce.decomposition_by_quarter` output.

    Returns:
        A layered chart: stacked bars by component and a black tick at each step's net
        change.
    """
    check_columns(quarters, ["step", "quarter_end", "component", "order", "roles"], "quarters")
    steps = list(dict.fromkeys(quarters.sort_values("quarter_end")["step"]))
    data = quarters.loc[:, ["step", "phase", "component", "order", "roles"]]
    net = data.groupby("step", sort=False, as_index=False)["roles"].sum()
    x = alt.X("step:O", sort=steps, title="quarter (step end)", axis=alt.Axis(labelAngle=-40))
    bars_ = alt.Chart(data).mark_bar().encode(
        x=x,
        y=alt.Y("sum(roles):Q", title="change in corporate headcount (persons)",
                axis=alt.Axis(format=",d"), stack="zero"),
        color=alt.Color("component:N", title=None,
                        scale=alt.Scale(domain=list(COMPONENT_ORDER),
                                        range=list(_COMPONENT_COLOURS)),
                        legend=alt.Legend(columns=3)),
        order=alt.Order("order:Q"),
        tooltip=[alt.Tooltip("step:O", title="quarter"), alt.Tooltip("phase:N", title="phase"),
                 alt.Tooltip("component:N", title="flow"),
                 alt.Tooltip("roles:Q", title="persons (signed)", format=",.0f")])
    ticks = alt.Chart(net).mark_tick(color="#333", thickness=3, size=22).encode(
        x=x, y=alt.Y("roles:Q"),
        tooltip=[alt.Tooltip("step:O", title="quarter"),
                 alt.Tooltip("roles:Q", title="net change (persons)", format=",.0f")])
    return alt.layer(bars_, ticks).properties(width=560)


def family_cuts_chart(res: WorkforceResults) -> alt.LayerChart:
    """Projected cuts to the 2027 reading per job family: median and interval."""
    cutoff = text.fmt_date(reading_cutoff(res.projection))
    data = res.cuts.rename(columns={"median_roles": "median", "lower_roles": "lower",
                                    "upper_roles": "upper", "family_label": "job family"})
    return interval_chart(
        data, category="job family", x_title=f"projected cuts by {cutoff} (roles)",
        sort=list(data["job family"]),
        extra_tooltips=[alt.Tooltip("median_pct_of_family:Q", title="median, % of family",
                                    format=".1f")])


def totals_chart(res: WorkforceResults) -> alt.LayerChart:
    """Total flows of the headcount change to the 2027 reading: median and interval each."""
    cutoff = text.fmt_date(reading_cutoff(res.projection))
    return interval_chart(res.totals, category="component",
                          x_title=f"change in corporate headcount to {cutoff} (persons)",
                          sort=list(res.totals["component"]))


def figures(res: WorkforceResults) -> dict[str, alt.TopLevelMixin]:
    """Every chart of the chapter, by its figure name on the page."""
    return {"exposure": exposure_chart(res.exposure), "family-cuts": family_cuts_chart(res),
            "decomposition": decomposition_chart(res.quarters), "totals": totals_chart(res)}


def families_table(exposure: pd.DataFrame) -> Styler:
    """The job-family table: estimated share and headcount, both exposure ratings.

    Args:
        exposure: :func:`analysis.chapters.workforce.family_exposure` output.
    """
    table = exposure.loc[:, ["family_label", "headcount_share_pct", "headcount_est",
                             "exposure_human_pct", "exposure_gpt4_pct"]].rename(columns={
        "family_label": "job family", "headcount_share_pct": "estimated share (%)",
        "headcount_est": "estimated headcount",
        "exposure_human_pct": "exposure score \u03b2, human-rated",
        "exposure_gpt4_pct": "exposure score \u03b2, GPT-4-rated"})
    return table.style.hide(axis="index").format({
        "estimated share (%)": "{:.0f}", "estimated headcount": "{:,.0f}",
        "exposure score \u03b2, human-rated": "{:.1f}",
        "exposure score \u03b2, GPT-4-rated": "{:.1f}"})


def tables(res: WorkforceResults) -> dict[str, Styler]:
    """Every display table of the chapter, by its table name on the page."""
    return {"families": families_table(res.exposure),
            "rounds": rounds_table(res.rounds).style.hide(axis="index")}

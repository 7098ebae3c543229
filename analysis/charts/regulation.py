"""Charts and display tables of chapter 4 (morale, margins and the EU AI Act).

Builders take :class:`analysis.chapters.regulation.RegulationResults` (or one of its frames)
and return Altair charts or display frames; the page names them and adds their alt text
(:mod:`analysis.narrative.regulation`) with :class:`analysis.charts.Figures`.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
from pandas.io.formats.style import Styler

from analysis.chapters.regulation import (
    SEGMENTS,
    VERSION_OMNIBUS,
    VERSION_ORIGINAL,
    VERSION_PROCESS,
    VERSION_UNCHANGED,
    RegulationResults,
)
from analysis.chapters.workforce import check_columns
from analysis.models import projection
from analysis.params import Params

__all__ = ["brake_chart", "figures", "margins_chart", "memo_table", "tables", "timeline_chart",
           "timeline_markers"]

_SEGMENT_COLOURS = ("#000000", "#E69F00", "#0072B2")


def memo_table(memos: pd.DataFrame) -> pd.DataFrame:
    """Tabulate the workplace memos and statements for display, oldest first.

    Args:
        memos: :func:`analysis.data.load_workplace_memos` output.

    Returns:
        Columns ``date`` (ISO date, or year/month when that is all the source gives),
        ``who``, ``what`` (topic) and ``quote`` (empty when none), plus ``source_id``.
    """
    check_columns(memos, ["date", "date_precision", "author", "topic", "quote", "source_id"],
                  "memos")
    df = memos.sort_values("date", kind="stable")

    def when(day: pd.Timestamp, precision: str) -> str:
        if precision == "day":
            return day.date().isoformat()
        if precision == "month":
            return f"{day:%Y-%m}"
        if precision == "quarter":
            return f"{day.year} Q{(day.month - 1) // 3 + 1}"
        return str(day.year)

    return pd.DataFrame({
        "date": [when(pd.Timestamp(d), str(p)) for d, p in
                 zip(df["date"], df["date_precision"], strict=True)],
        "who": df["author"].astype(str).to_numpy(),
        "what": df["topic"].astype(str).to_numpy(),
        "quote": df["quote"].fillna("").astype(str).to_numpy(),
        "source_id": df["source_id"].astype(str).to_numpy(),
    })



def _date_text(day: Any) -> str:
    stamp = pd.Timestamp(day)
    return f"{stamp.day} {stamp:%b %Y}"


def margins_chart(margins: pd.DataFrame, cuts: pd.DataFrame) -> alt.VConcatChart:
    """Operating margins by segment (top) above announced corporate cuts per year (bottom).

    Args:
        margins: :func:`analysis.chapters.regulation.operating_margins` output.
        cuts: :func:`analysis.chapters.regulation.corporate_cuts_by_year` output.

    Returns:
        Two panels sharing a year axis; the cut bars show the midpoint with a low-high range.
    """
    check_columns(margins, ["year", "segment", "operating_margin_pct"], "margins")
    check_columns(cuts, ["year", "roles_low", "roles_mid", "roles_high", "rounds",
                         "rounds_undisclosed"], "cuts")
    years = sorted(set(margins["year"].astype(int)) | set(cuts["year"].astype(int)))
    domain = [min(years) - 0.5, max(years) + 0.5]
    x_axis = alt.Axis(format="d", values=years, labelAngle=0)
    data = margins.loc[:, ["year", "segment", "operating_margin_pct", "net_sales_usd_m",
                           "operating_income_usd_m"]]
    top = alt.Chart(data).mark_line(point=True, invalid="break-paths-show-domains").encode(
        x=alt.X("year:Q", title=None, scale=alt.Scale(domain=domain), axis=x_axis),
        y=alt.Y("operating_margin_pct:Q", title="operating margin (%)"),
        color=alt.Color("segment:N", title=None,
                        scale=alt.Scale(domain=list(SEGMENTS), range=list(_SEGMENT_COLOURS))),
        tooltip=[alt.Tooltip("year:Q", title="fiscal year", format="d"),
                 alt.Tooltip("segment:N"),
                 alt.Tooltip("operating_margin_pct:Q", title="margin (%)", format=".1f"),
                 alt.Tooltip("operating_income_usd_m:Q", title="operating income (USD m)",
                             format=",.0f"),
                 alt.Tooltip("net_sales_usd_m:Q", title="net sales (USD m)", format=",.0f")],
    ).properties(height=260)
    cut_tips = [alt.Tooltip("year:Q", title="year announced", format="d"),
                alt.Tooltip("roles_mid:Q", title="roles (midpoint)", format=",.0f"),
                alt.Tooltip("roles_low:Q", title="low", format=",.0f"),
                alt.Tooltip("roles_high:Q", title="high", format=",.0f"),
                alt.Tooltip("rounds:Q", title="rounds"),
                alt.Tooltip("rounds_undisclosed:Q", title="of which size not disclosed")]
    xb = alt.X("year:Q", title="year", scale=alt.Scale(domain=domain), axis=x_axis)
    bars_ = alt.Chart(cuts).mark_bar(color="#56B4E9", size=18).encode(
        x=xb, y=alt.Y("roles_mid:Q", title="corporate roles announced",
                      axis=alt.Axis(format=",d")), tooltip=cut_tips)
    ranges = alt.Chart(cuts).mark_rule(color="#333", strokeWidth=2).encode(
        x=xb, y="roles_low:Q", y2="roles_high:Q", tooltip=cut_tips)
    bottom = alt.layer(bars_, ranges).properties(height=130)
    return alt.vconcat(top, bottom, spacing=12)


def timeline_chart(timeline: pd.DataFrame, markers: pd.DataFrame) -> alt.LayerChart:
    """Dot timeline of the EU AI Act milestones, original and post-Omnibus dates.

    Args:
        timeline: :func:`analysis.chapters.regulation.ai_act_timeline` output.
        markers: Vertical reference lines: ``date`` (timestamp) and ``label``.

    Returns:
        A layered chart: a grey rule from the original to the new date of each moved
        milestone, a point per date (shape and colour by version) and labelled reference rules.
    """
    check_columns(timeline, ["milestone", "version", "date", "moved", "shift_months",
                             "sort_key", "applies_to"], "timeline")
    check_columns(markers, ["date", "label"], "markers")
    order = list(dict.fromkeys(timeline.sort_values(["sort_key", "date"])["milestone"]))
    data = timeline.loc[:, ["milestone", "version", "date", "moved", "shift_months",
                            "applies_to"]].assign(
        date_text=[_date_text(d) for d in timeline["date"]])
    y = alt.Y("milestone:N", sort=order, title=None, axis=alt.Axis())
    first = min(data["date"].min(), markers["date"].min())
    last = max(data["date"].max(), markers["date"].max())
    x_scale = alt.Scale(domain=[alt.DateTime(year=int(first.year), month=1, date=1),
                                alt.DateTime(year=int(last.year), month=12, date=31)])
    moved = data.loc[data["moved"]].pivot_table(index="milestone", columns="version",
                                                values="date", aggfunc="first").reset_index()
    moved = moved.rename(columns={VERSION_ORIGINAL: "start", VERSION_OMNIBUS: "end"})
    moved = moved.loc[:, ["milestone", "start", "end"]]
    moved["shift_months"] = moved["milestone"].map(
        data.drop_duplicates("milestone").set_index("milestone")["shift_months"])
    links = alt.Chart(moved).mark_rule(color="#999", strokeWidth=2).encode(
        y=y, x=alt.X("start:T"), x2="end:T",
        tooltip=[alt.Tooltip("milestone:N"),
                 alt.Tooltip("shift_months:Q", title="moved by (months)")])
    versions = [VERSION_UNCHANGED, VERSION_ORIGINAL, VERSION_OMNIBUS, VERSION_PROCESS]
    legend = alt.Legend(columns=2)
    dots = alt.Chart(data).mark_point(size=90, filled=True, opacity=0.9).encode(
        y=y, x=alt.X("date:T", title="date", scale=x_scale,
                     axis=alt.Axis(format="%Y", tickCount="year")),
        shape=alt.Shape("version:N", title=None, legend=legend,
                        scale=alt.Scale(domain=versions,
                                        range=["square", "circle", "diamond", "triangle-up"])),
        color=alt.Color("version:N", title=None, legend=legend,
                        scale=alt.Scale(domain=versions,
                                        range=["#000000", "#0072B2", "#D55E00", "#999999"])),
        tooltip=[alt.Tooltip("milestone:N"), alt.Tooltip("version:N", title="dates"),
                 alt.Tooltip("date_text:N", title="date"),
                 alt.Tooltip("applies_to:N", title="applies to")])
    marks = markers.loc[:, ["date", "label"]].assign(
        date_text=[_date_text(d) for d in markers["date"]])
    rules = alt.Chart(marks).mark_rule(color="#333", strokeDash=[4, 3]).encode(
        x=alt.X("date:T"),
        tooltip=[alt.Tooltip("label:N", title="marker"),
                 alt.Tooltip("date_text:N", title="date")])
    labels = alt.Chart(marks).mark_text(align="left", dx=3, dy=-4, baseline="bottom",
                                        fontSize=11, color="#333").encode(
        x=alt.X("date:T"), y=alt.value(0), text="label:N")
    # A row per milestone, tall enough for a label wrapped on up to three lines.
    return alt.layer(links, rules, labels, dots).properties(height=alt.Step(42), width=380)


def brake_chart(grid: pd.DataFrame, *, reading: str, current_strength_pct: float,
                claim_low: float = projection.CLAIM_LOW,
                claim_high: float = projection.CLAIM_HIGH) -> alt.LayerChart:
    """Further cuts against the EU brake strength: a median line and band per start date.

    Args:
        grid: :func:`analysis.chapters.regulation.brake_grid` output.
        reading: Which reading to draw (``"2027"``).
        current_strength_pct: The page's brake strength (a dashed rule).
        claim_low: Lower end of the claimed range (shaded).
        claim_high: Upper end of the claimed range.

    Returns:
        A layered chart.
    """
    check_columns(grid, ["start_label", "eu_brake_strength_pct", "reading", "median",
                         "lower", "upper", "level_pct"], "grid")
    data = grid.loc[grid["reading"] == reading, ["start_label", "eu_brake_start",
                                                  "eu_brake_strength_pct", "median", "lower",
                                                  "upper", "level_pct", "n_draws"]]
    data = data.assign(interval=[f"{lv:.0f}% interval" for lv in data["level_pct"]])
    labels = list(dict.fromkeys(data["start_label"]))
    colour = alt.Color("start_label:N", title="Annex III duties apply from",
                       scale=alt.Scale(domain=labels, range=["#0072B2", "#D55E00"][:len(labels)]),
                       legend=alt.Legend(titleLimit=400, direction="vertical"))
    tips = [alt.Tooltip("start_label:N", title="duties apply from"),
            alt.Tooltip("eu_brake_strength_pct:Q", title="brake strength (%)", format=".0f"),
            alt.Tooltip("median:Q", title="median further cuts", format=",.0f"),
            alt.Tooltip("lower:Q", title="lower", format=",.0f"),
            alt.Tooltip("upper:Q", title="upper", format=",.0f"),
            alt.Tooltip("interval:N", title="interval"),
            alt.Tooltip("n_draws:Q", title="draws", format=",")]
    x = alt.X("eu_brake_strength_pct:Q", title="EU brake strength (% of EU AI-driven cuts "
              "held back, central value)", scale=alt.Scale(domain=[0, 100]),
              axis=alt.Axis(values=list(range(0, 101, 20))))
    claim = alt.Chart(pd.DataFrame({"low": [claim_low], "high": [claim_high],
                                    "label": ["claimed range"]})).mark_rect(
        opacity=0.12, color="#E69F00").encode(
        y="low:Q", y2="high:Q",
        tooltip=[alt.Tooltip("label:N"), alt.Tooltip("low:Q", format=","),
                 alt.Tooltip("high:Q", format=",")])
    band = alt.Chart(data).mark_area(opacity=0.2).encode(
        x=x, y=alt.Y("lower:Q", title="further corporate cuts (roles)",
                      axis=alt.Axis(format=",d"), scale=alt.Scale(zero=False)),
        y2="upper:Q", color=colour, tooltip=tips)
    line = alt.Chart(data).mark_line(point=True).encode(
        x=x, y="median:Q", color=colour, tooltip=tips)
    rule = alt.Chart(pd.DataFrame({"strength": [float(current_strength_pct)],
                                   "label": ["this page's brake strength"]})).mark_rule(
        color="#333", strokeDash=[4, 3]).encode(
        x="strength:Q", tooltip=[alt.Tooltip("label:N"),
                                 alt.Tooltip("strength:Q", title="strength (%)")])
    return alt.layer(claim, band, line, rule)


def timeline_markers(params: Params) -> pd.DataFrame:
    """The timeline's reference lines: the data cut-off and the forecast horizon."""
    return pd.DataFrame({"date": pd.to_datetime([params.as_of, params.horizon_end]),
                         "label": ["data cut-off", "forecast horizon"]})


def figures(res: RegulationResults) -> dict[str, alt.TopLevelMixin]:
    """Every chart of the chapter, by its figure name on the page."""
    return {
        "margins": margins_chart(res.margins, res.cuts_by_year),
        "ai-act": timeline_chart(res.timeline, timeline_markers(res.params)),
        "brake": brake_chart(res.grid, reading="2027",
                             current_strength_pct=res.params.eu_brake_strength_pct),
    }


def tables(res: RegulationResults) -> dict[str, Styler]:
    """Every display table of the chapter, by its table name on the page."""
    memos = memo_table(res.memos).drop(columns="source_id").rename(columns={"what": "statement"})
    return {"memos": memos.style.hide(axis="index")}

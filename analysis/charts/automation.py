"""Chapter 3's charts: robot curves, the ceiling profile, the milestone timeline and AWS.

Each builder takes part of :class:`analysis.chapters.automation.AutomationResults` and returns
an Altair chart; the page names and describes it with ``fig(chart, name, alt_text)`` (the alt
texts are :func:`analysis.narrative.automation.alt_texts`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import altair as alt
import numpy as np
import pandas as pd

from analysis.chapters.automation import AutomationResults, RobotAnalysis
from analysis.chapters.aws import AwsTrend
from analysis.models.curves import MODEL_LABELS, MODEL_NAMES

__all__ = ["MODEL_COLOURS", "aws_revenue_margin_chart", "aws_share_chart",
           "ceiling_profile_chart", "chapter_charts", "robots_chart", "timeline_chart"]

#: One colour per curve model (colour-blind safe, Okabe-Ito).
MODEL_COLOURS = {"logistic": "#0072B2", "gompertz": "#009E73", "log-linear": "#D55E00"}


def robots_chart(ra: RobotAnalysis, models: Sequence[str] = MODEL_NAMES) -> alt.LayerChart:
    """Observed robot counts, the fitted curves and their bootstrap bands (log scale).

    Args:
        ra: :attr:`AutomationResults.robots`.
        models: Models to draw.

    Returns:
        A layered chart (temporal x axis labelled by year; log y axis).
    """
    band = pd.concat([ra.bands[m] for m in models], ignore_index=True)
    band = band.assign(label=band["model"].map(MODEL_LABELS),
                       interval=[f"{lv:.0%} interval" for lv in band["level"]])
    obs = ra.observations.assign(
        kind=np.where(ra.observations["is_lower_bound"], "observed (lower bound)", "observed"),
        when=[f"{t} {y}" for t, y in zip(ra.observations["timing"], ra.observations["year"],
                                         strict=True)])
    domain = [MODEL_LABELS[m] for m in models]
    colour = alt.Color("label:N", title=None,
                       scale=alt.Scale(domain=domain, range=[MODEL_COLOURS[m] for m in models]),
                       legend=alt.Legend(columns=3))
    x = alt.X("date:T", title="year", axis=alt.Axis(format="%Y", tickCount="year"))
    y_scale = alt.Scale(type="log")
    tips = [alt.Tooltip("label:N", title="model"), alt.Tooltip("date:T", format="%b %Y"),
            alt.Tooltip("fitted_robots:Q", title="fitted", format=",.0f"),
            alt.Tooltip("lower_robots:Q", title="lower", format=",.0f"),
            alt.Tooltip("upper_robots:Q", title="upper", format=",.0f"),
            alt.Tooltip("interval:N")]
    area = alt.Chart(band).mark_area(opacity=0.15).encode(
        x=x, y=alt.Y("lower_robots:Q", title="robots deployed (log scale)", scale=y_scale,
                     axis=alt.Axis(format="~s")),
        y2="upper_robots:Q", color=colour, tooltip=tips)
    lines = alt.Chart(band).mark_line().encode(
        x=x, y=alt.Y("fitted_robots:Q", scale=y_scale), color=colour, tooltip=tips)
    points = alt.Chart(obs).mark_point(filled=True, size=80, color="#000000").encode(
        x=x, y=alt.Y("robots:Q", scale=y_scale),
        shape=alt.Shape("kind:N", title=None,
                        legend=alt.Legend(orient="top-left", fillColor="white", padding=4),
                        scale=alt.Scale(domain=["observed", "observed (lower bound)"],
                                        range=["circle", "triangle-up"])),
        tooltip=[alt.Tooltip("when:N", title="count"),
                 alt.Tooltip("robots:Q", title="robots", format=","),
                 alt.Tooltip("kind:N", title="type"),
                 alt.Tooltip("confidence:N")])
    return alt.layer(area, lines, points).properties(width=500, height=340)


def ceiling_profile_chart(profiles: Mapping[str, pd.DataFrame]) -> alt.LayerChart:
    """How much worse the fit gets for each assumed ceiling, with the consistency threshold.

    The value axis is cut at four times the threshold (at least 10) to show where the curves
    cross it; larger values are clipped.

    Args:
        profiles: :attr:`RobotAnalysis.profiles` (model name -> profile with
            ``ceiling_robots``).

    Returns:
        A layered chart: one line per model, a dashed rule at the F threshold.
    """
    data = pd.concat(list(profiles.values()), ignore_index=True)
    data = data.assign(label=data["model"].map(MODEL_LABELS),
                       fits=np.where(data["consistent"], "consistent", "rejected"))
    models = list(profiles)
    colour = alt.Color("label:N", title=None, scale=alt.Scale(
        domain=[MODEL_LABELS[m] for m in models], range=[MODEL_COLOURS[m] for m in models]))
    tips = [alt.Tooltip("label:N", title="model"),
            alt.Tooltip("ceiling_robots:Q", title="assumed ceiling", format=",.0f"),
            alt.Tooltip("f_stat:Q", title="misfit (F)", format=".2f"),
            alt.Tooltip("fits:N", title="at the level")]
    y_max = max(4.0 * float(data["threshold"].iloc[0]), 10.0)
    lines = alt.Chart(data).mark_line(point=alt.OverlayMarkDef(size=18), clip=True).encode(
        x=alt.X("ceiling_robots:Q", title="assumed ceiling, robots (log scale)",
                scale=alt.Scale(type="log", domain=[float(data["ceiling_robots"].min()),
                                                    float(data["ceiling_robots"].max())],
                                nice=False),
                axis=alt.Axis(format="~s")),
        y=alt.Y("f_stat:Q", title="misfit relative to the best fit (F statistic)",
                scale=alt.Scale(domain=[0.0, y_max], nice=False)),
        color=colour, tooltip=tips)
    threshold = float(data["threshold"].iloc[0])
    level = float(data["level"].iloc[0])
    rule_df = pd.DataFrame({"threshold": [threshold],
                            "label": [f"{level:.0%} threshold: below = consistent with data"]})
    rule = alt.Chart(rule_df).mark_rule(strokeDash=[6, 4], color="#333333").encode(
        y="threshold:Q", tooltip=[alt.Tooltip("threshold:Q", format=".2f"), "label:N"])
    return alt.layer(lines, rule).properties(width=540)


def timeline_chart(timeline: pd.DataFrame) -> alt.LayerChart:
    """Automation milestones on a time line, one row per system, spans show date precision.

    Args:
        timeline: :attr:`AutomationResults.timeline`.

    Returns:
        A layered chart.
    """
    order = list(dict.fromkeys(timeline.sort_values("start")["system"]))
    tips = [alt.Tooltip("system:N"), alt.Tooltip("start:T", title="from", format="%d %b %Y"),
            alt.Tooltip("end:T", title="to", format="%d %b %Y"),
            alt.Tooltip("precision:N", title="date known to the"),
            alt.Tooltip("details:N"), alt.Tooltip("confidence:N")]
    y = alt.Y("system:N", sort=order, title=None, axis=alt.Axis())
    colour = alt.Color("lane:N", title=None, legend=alt.Legend(columns=3))
    scale = alt.Scale(nice="year")
    axis = alt.Axis(format="%Y", tickCount="year")
    span = alt.Chart(timeline).mark_rule(strokeWidth=6, opacity=0.45).encode(
        x=alt.X("start:T", title="year", scale=scale, axis=axis),
        x2="end:T", y=y, color=colour, tooltip=tips)
    dots = alt.Chart(timeline).mark_point(filled=True, size=90).encode(
        x=alt.X("mid:T", title="year", scale=scale, axis=axis), y=y, color=colour,
        tooltip=tips)
    return alt.layer(span, dots).properties(width=320, height=max(180, 26 * len(order)))


def aws_revenue_margin_chart(aws: pd.DataFrame, trend: AwsTrend) -> alt.VConcatChart:
    """AWS net sales (bars) above its operating margin with a linear trend and its band.

    Args:
        aws: :attr:`analysis.chapters.aws.AwsResults.segments`.
        trend: :attr:`analysis.chapters.aws.AwsResults.trend`.

    Returns:
        Two vertically stacked panels sharing the year axis.
    """
    data = aws.assign(aws_net_sales_usd_bn=aws["aws_net_sales_usd_m"] / 1000.0,
                      aws_operating_income_usd_bn=aws["aws_operating_income_usd_m"] / 1000.0)
    data = data[["year", "aws_net_sales_usd_bn", "aws_operating_income_usd_bn",
                 "aws_operating_margin_pct", "aws_sales_growth_pct"]]
    x = alt.X("year:O", title="fiscal year", axis=alt.Axis(labelAngle=0),
              scale=alt.Scale(domain=[int(y) for y in aws["year"]]))
    tips = [alt.Tooltip("year:O", title="fiscal year"),
            alt.Tooltip("aws_net_sales_usd_bn:Q", title="AWS net sales, USD bn", format=",.1f"),
            alt.Tooltip("aws_operating_income_usd_bn:Q", title="AWS operating income, USD bn",
                        format=",.1f"),
            alt.Tooltip("aws_operating_margin_pct:Q", title="operating margin, %", format=".1f"),
            alt.Tooltip("aws_sales_growth_pct:Q", title="sales growth, %", format=".1f")]
    sales = alt.Chart(data).mark_bar(color="#0072B2").encode(
        x=x, y=alt.Y("aws_net_sales_usd_bn:Q", title="AWS net sales (USD bn)"),
        tooltip=tips).properties(width=540, height=200)
    band_df = trend.band.assign(interval=f"{trend.level:.0%} interval of the trend")
    btips = [alt.Tooltip("year:O", title="fiscal year"),
             alt.Tooltip("fitted_pct:Q", title="trend, %", format=".1f"),
             alt.Tooltip("lower_pct:Q", title="lower, %", format=".1f"),
             alt.Tooltip("upper_pct:Q", title="upper, %", format=".1f"),
             alt.Tooltip("interval:N")]
    band = alt.Chart(band_df).mark_area(opacity=0.2, color="#E69F00").encode(
        x=x, y=alt.Y("lower_pct:Q", title="AWS operating margin (%)"), y2="upper_pct:Q",
        tooltip=btips)
    trend_line = alt.Chart(band_df).mark_line(strokeDash=[6, 4], color="#E69F00").encode(
        x=x, y="fitted_pct:Q", tooltip=btips)
    margin = alt.Chart(data).mark_line(point=True, color="#D55E00").encode(
        x=x, y="aws_operating_margin_pct:Q", tooltip=tips)
    return alt.vconcat(sales, alt.layer(band, trend_line, margin).properties(width=540,
                                                                            height=200))


def aws_share_chart(aws: pd.DataFrame) -> alt.LayerChart:
    """AWS's share of Amazon's operating income and of its net sales, by year.

    Args:
        aws: :attr:`analysis.chapters.aws.AwsResults.segments`.

    Returns:
        Grouped bars with a rule at 100% (above it, the rest of Amazon lost money).
    """
    long = aws.melt(id_vars="year", value_vars=["aws_share_of_operating_income_pct",
                                                "aws_share_of_net_sales_pct"],
                    var_name="measure", value_name="share_pct")
    long["measure"] = long["measure"].map({
        "aws_share_of_operating_income_pct": "share of Amazon operating income",
        "aws_share_of_net_sales_pct": "share of Amazon net sales"})
    long = long.dropna(subset=["share_pct"])
    bars_ = alt.Chart(long).mark_bar().encode(
        x=alt.X("year:O", title="fiscal year", axis=alt.Axis(labelAngle=0),
                scale=alt.Scale(domain=[int(y) for y in aws["year"]])),
        xOffset="measure:N",
        y=alt.Y("share_pct:Q", title="AWS share (%)"),
        color=alt.Color("measure:N", title=None, legend=alt.Legend(),
                        scale=alt.Scale(range=["#0072B2", "#E69F00"])),
        tooltip=[alt.Tooltip("year:O", title="fiscal year"), alt.Tooltip("measure:N"),
                 alt.Tooltip("share_pct:Q", title="share, %", format=".1f")])
    rule = alt.Chart(pd.DataFrame({"share_pct": [100.0], "label": ["100%"]})).mark_rule(
        strokeDash=[4, 3], color="#333333").encode(
        y="share_pct:Q", tooltip=[alt.Tooltip("label:N", title="reference")])
    return alt.layer(bars_, rule).properties(width=540)


def chapter_charts(res: AutomationResults) -> dict[str, alt.TopLevelMixin]:
    """Every chart of the chapter page, by figure name (the keys of the alt texts).

    Args:
        res: The chapter's results.

    Returns:
        Keys ``robots``, ``ceiling``, ``timeline``, ``aws-revenue-margin``, ``aws-share``, in
        the order the page shows them.
    """
    return {
        "robots": robots_chart(res.robots),
        "ceiling": ceiling_profile_chart(res.robots.profiles),
        "timeline": timeline_chart(res.timeline),
        "aws-revenue-margin": aws_revenue_margin_chart(res.aws.segments, res.aws.trend),
        "aws-share": aws_share_chart(res.aws.segments),
    }

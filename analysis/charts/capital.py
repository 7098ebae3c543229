"""Chapter 1's charts: Altair builders for the frames of :mod:`analysis.chapters.capital`.

Each builder takes the frames it draws and returns an Altair chart with tooltips on every
layer; :func:`figures` builds every chart of the page from the chapter's results, by figure
name. The page attaches each chart's name and text description
(:func:`analysis.narrative.capital.alt_texts`) with :func:`analysis.charts.setup`'s namer.
The frames named by function (``cash_flow``, ``capex_paths``...) are those of
:mod:`analysis.chapters.capital`.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from analysis import study
from analysis.chapters.capital import AS_REPORTED_BASIS, COMPANY_ORDER, GROSS_BASIS, CapitalResults
from analysis.charts import PALETTE
from analysis.data.calendar import as_date
from analysis.models.forecast import RelationResult

__all__ = [
    "CHART_WIDTH",
    "cash_flow_chart",
    "cumulative_cuts_chart",
    "figures",
    "indexed_chart",
    "intensity_chart",
    "path_chart",
    "peers_chart",
    "quarterly_guidance_chart",
    "relation_chart",
    "savings_chart",
    "savings_fcf_chart",
]

_CLAIM_COLOUR = "#E69F00"
CHART_WIDTH = 600  # px; ordinal x axes would otherwise be narrow
_YEAR_AXIS = alt.Axis(labelAngle=0)


def indexed_chart(indexed: pd.DataFrame, base_year: int) -> alt.LayerChart:
    """Lines of the indexed series on a log scale; capex points marked by basis.

    Args:
        indexed: Output of :func:`indexed_growth`.
        base_year: The base year (for the axis title).
    """
    tips = [alt.Tooltip("year:O", title="year"), alt.Tooltip("series:N", title="series"),
            alt.Tooltip("index_value:Q", title=f"index ({base_year} = 100)", format=",.0f"),
            alt.Tooltip("value:Q", title="value", format=",.1f"),
            alt.Tooltip("unit:N", title="unit"), alt.Tooltip("basis:N", title="basis")]
    base = alt.Chart(indexed).encode(
        x=alt.X("year:O", title="fiscal year", axis=_YEAR_AXIS),
        y=alt.Y("index_value:Q", title=f"index, {base_year} = 100 (log scale)",
                scale=alt.Scale(type="log", nice=False)),
        color=alt.Color("series:N", title=None, scale=alt.Scale(range=PALETTE)))
    lines = base.mark_line().encode(tooltip=tips)
    points = base.mark_point(size=55, filled=True).encode(
        shape=alt.condition(alt.datum.basis == AS_REPORTED_BASIS, alt.value("triangle-up"),
                            alt.value("circle")), tooltip=tips)
    return alt.layer(lines, points).properties(width=CHART_WIDTH)


def intensity_chart(intensity: pd.DataFrame) -> alt.Chart:
    """Bars of Amazon's capex intensity by year, coloured by the basis of the capex line.

    Args:
        intensity: Output of :func:`capex_intensity`.
    """
    return alt.Chart(intensity).mark_bar().encode(
        x=alt.X("year:O", title="fiscal year", axis=_YEAR_AXIS),
        y=alt.Y("capex_intensity_pct:Q", title="capex / net sales (%)"),
        color=alt.Color("basis:N", title="capex basis", scale=alt.Scale(
            domain=[GROSS_BASIS, AS_REPORTED_BASIS], range=[PALETTE[0], "#9ecae1"]),
            legend=alt.Legend(orient="bottom", direction="vertical")),
        tooltip=[alt.Tooltip("year:O", title="fiscal year"),
                 alt.Tooltip("capex_intensity_pct:Q", title="capex intensity (%)",
                             format=".1f"),
                 alt.Tooltip("net_capex_intensity_pct:Q", title="net capex intensity (%)",
                             format=".1f"),
                 alt.Tooltip("capex_gross_usd_bn:Q", title="capex (USD bn)", format=",.1f"),
                 alt.Tooltip("net_sales_usd_bn:Q", title="net sales (USD bn)", format=",.0f"),
                 alt.Tooltip("basis:N", title="basis")]).properties(width=CHART_WIDTH)


def peers_chart(peers: pd.DataFrame) -> alt.LayerChart:
    """Grouped bars of capex by company and fiscal year; guidance bars paler with a range.

    Args:
        peers: Output of :func:`peer_capex_comparison`.
    """
    data = peers.assign(fiscal_year=peers["fiscal_year"].astype(int))
    order = [c for c in COMPANY_ORDER if c in set(data["company"])]
    tips = [alt.Tooltip("company:N"), alt.Tooltip("fiscal_year:O", title="fiscal year"),
            alt.Tooltip("fiscal_year_end:N", title="fiscal year ends"),
            alt.Tooltip("kind:N", title="actual or guidance"),
            alt.Tooltip("capex_usd_bn:Q", title="capex (USD bn)", format=",.1f"),
            alt.Tooltip("low_usd_bn:Q", title="low (USD bn)", format=",.1f"),
            alt.Tooltip("high_usd_bn:Q", title="high (USD bn)", format=",.1f"),
            alt.Tooltip("growth_pct:Q", title="growth on prior year (%)", format="+.0f"),
            alt.Tooltip("basis:N", title="definition")]
    colour = alt.Color("company:N", title=None, sort=order,
                       scale=alt.Scale(domain=order, range=PALETTE[: len(order)]))
    base = alt.Chart(data).encode(x=alt.X("fiscal_year:O", title="fiscal year", axis=_YEAR_AXIS),
                                  xOffset=alt.XOffset("company:N", sort=order), color=colour)
    bars_ = base.mark_bar().encode(
        y=alt.Y("capex_usd_bn:Q", title="capital expenditure (USD bn)"),
        # The legend shows what the opacity encodes (solid vs pale bars), in a neutral
        # colour, so it is not read as two more companies in black and grey.
        opacity=alt.Opacity("kind:N", title=None, sort=["actual", "guidance"],
                            scale=alt.Scale(domain=["actual", "guidance"], range=[1.0, 0.45]),
                            legend=alt.Legend(
                                symbolType="square", symbolFillColor="#666",
                                symbolStrokeColor="#666",
                                labelExpr="datum.label == 'actual' ? 'reported (solid bar)' "
                                          ": 'guidance (pale bar; line: guided range)'")),
        tooltip=tips)
    ranges = base.mark_rule(strokeWidth=2).encode(
        y="low_usd_bn:Q", y2="high_usd_bn:Q", color=alt.value("#333"), tooltip=tips)
    return alt.layer(bars_, ranges).properties(width=CHART_WIDTH)


def cash_flow_chart(cash: pd.DataFrame) -> alt.LayerChart:
    """Lines of operating cash flow, net capex and free cash flow, with a zero rule.

    Args:
        cash: Output of :func:`cash_flow`.
    """
    order = ["operating cash flow", "net capex", "free cash flow"]
    lines = alt.Chart(cash).mark_line(point=True).encode(
        x=alt.X("year:O", title="fiscal year", axis=_YEAR_AXIS),
        y=alt.Y("value_usd_bn:Q", title="USD bn per year"),
        color=alt.Color("measure:N", title=None, sort=order,
                        scale=alt.Scale(domain=order, range=[PALETTE[0], PALETTE[1],
                                                              PALETTE[3]])),
        tooltip=[alt.Tooltip("year:O", title="fiscal year"), alt.Tooltip("measure:N"),
                 alt.Tooltip("value_usd_bn:Q", title="USD bn", format=",.1f")])
    zero = alt.Chart(pd.DataFrame({"y": [0.0]})).mark_rule(color="#888").encode(
        y="y:Q", tooltip=[alt.Tooltip("y:Q", title="zero")])
    return alt.layer(zero, lines).properties(width=CHART_WIDTH)


def savings_chart(items: pd.DataFrame) -> alt.LayerChart:
    """Horizontal bars of yearly savings and capex increases, each with its range.

    Args:
        items: Columns ``item`` (label), ``kind`` (``labour savings``/``capex increase``),
            ``value_usd_bn``, ``low_usd_bn``, ``high_usd_bn``, ``note``.
    """
    order = list(items["item"])
    tips = [alt.Tooltip("item:N", title="item"), alt.Tooltip("kind:N"),
            alt.Tooltip("value_usd_bn:Q", title="central (USD bn)", format=",.1f"),
            alt.Tooltip("low_usd_bn:Q", title="low (USD bn)", format=",.1f"),
            alt.Tooltip("high_usd_bn:Q", title="high (USD bn)", format=",.1f"),
            alt.Tooltip("note:N", title="note")]
    base = alt.Chart(items).encode(y=alt.Y("item:N", sort=order, title=None,
                                           axis=alt.Axis()))
    bars_ = base.mark_bar(opacity=0.85).encode(
        x=alt.X("value_usd_bn:Q", title="USD bn per year"),
        color=alt.Color("kind:N", title=None, scale=alt.Scale(
            domain=["labour savings", "capex increase"], range=[PALETTE[2], PALETTE[0]])),
        tooltip=tips)
    ranges = base.mark_rule(strokeWidth=2, color="#333").encode(
        x="low_usd_bn:Q", x2="high_usd_bn:Q", tooltip=tips)
    ticks = base.mark_tick(thickness=2, size=14, color="#333").encode(x="low_usd_bn:Q",
                                                                       tooltip=tips)
    ticks_hi = base.mark_tick(thickness=2, size=14, color="#333").encode(x="high_usd_bn:Q",
                                                                          tooltip=tips)
    return alt.layer(bars_, ranges, ticks, ticks_hi).properties(width=CHART_WIDTH - 200,
                                                                height=220)


def path_chart(history: pd.DataFrame, paths: pd.DataFrame, points: pd.DataFrame
               ) -> alt.LayerChart:
    """Reported gross capex, both paths to the horizon with their bands, and guidance points.

    Args:
        history: Columns ``year`` (int), ``value`` (USD bn), ``basis``.
        paths: Output of :func:`capex_paths`.
        points: Output of :func:`guidance_points`.
    """
    keys = list(dict.fromkeys(paths["path"]))
    colours = {"statistical forecast": PALETTE[0], "guidance path": PALETTE[3]}
    colour = alt.Color("path:N", title=None, sort=keys,
                       scale=alt.Scale(domain=keys, range=[colours[k] for k in keys]))
    last = history.sort_values("year").iloc[[-1]]
    # join each path to the last reported year so the dashed lines start from history
    joins = pd.concat([
        pd.DataFrame({"year": last["year"].to_numpy(), "path": k,
                      "mean": last["value"].to_numpy(), "lower": last["value"].to_numpy(),
                      "upper": last["value"].to_numpy(), "central": False})
        for k in keys] + [paths[["year", "path", "mean", "lower", "upper", "central"]]],
        ignore_index=True)
    joins["central_path"] = np.where(joins["central"], "central path", "alternative")
    x = alt.X("year:O", title="fiscal year", axis=_YEAR_AXIS)
    level = float(paths["level"].iloc[0])
    fc_tips = [alt.Tooltip("year:O", title="fiscal year"), alt.Tooltip("path:N"),
               alt.Tooltip("mean:Q", title="expected (USD bn)", format=",.0f"),
               alt.Tooltip("lower:Q", title=f"{level:.0%} lower (USD bn)", format=",.0f"),
               alt.Tooltip("upper:Q", title=f"{level:.0%} upper (USD bn)", format=",.0f")]
    band = alt.Chart(joins).mark_area(opacity=0.18).encode(
        x=x, y="lower:Q", y2="upper:Q", color=colour, tooltip=fc_tips)
    mean = alt.Chart(joins).mark_line(strokeDash=[6, 4], point=True).encode(
        x=x, y="mean:Q", color=colour, tooltip=fc_tips)
    hist = alt.Chart(history).mark_line(point=alt.OverlayMarkDef(color="#333"),
                                        color="#333").encode(
        x=x, y=alt.Y("value:Q", title="gross capex (USD bn per year)"),
        tooltip=[alt.Tooltip("year:O", title="fiscal year"),
                 alt.Tooltip("value:Q", title="reported (USD bn)", format=",.1f"),
                 alt.Tooltip("basis:N", title="basis")])
    layers = [band, hist, mean]
    if not points.empty:
        layers.append(alt.Chart(points).mark_point(
            shape="diamond", size=110, filled=True, color=_CLAIM_COLOUR, opacity=0.9).encode(
            x=x, y="value:Q",
            tooltip=[alt.Tooltip("year:O", title="fiscal year"),
                     alt.Tooltip("value:Q", title="guided (USD bn)", format=",.1f"),
                     alt.Tooltip("label:N", title="statement")]))
    return alt.layer(*layers).properties(width=CHART_WIDTH)


def relation_chart(relation: RelationResult, band: pd.DataFrame) -> alt.LayerChart:
    """Scatter of headcount growth against capex intensity, with the fitted line and band.

    Args:
        relation: The estimated relation (its ``data`` are the points).
        band: Output of :func:`relation_fit_band`.
    """
    pts = relation.data.assign(year=relation.data["year"].astype(int),
                               label=relation.data["year"].astype(int).astype(str))
    x = alt.X("capex_intensity_pct:Q", title="capex intensity: gross capex / net sales (%)",
              scale=alt.Scale(zero=False))
    tips_band = [alt.Tooltip("capex_intensity_pct:Q", title="capex intensity (%)",
                             format=".1f"),
                 alt.Tooltip("fit_pct:Q", title="fitted growth (%)", format=".1f"),
                 alt.Tooltip("lower_pct:Q", title=f"{relation.level:.0%} lower (%)",
                             format=".1f"),
                 alt.Tooltip("upper_pct:Q", title=f"{relation.level:.0%} upper (%)",
                             format=".1f")]
    area = alt.Chart(band).mark_area(opacity=0.2, color=PALETTE[0]).encode(
        x=x, y="lower_pct:Q", y2="upper_pct:Q", tooltip=tips_band)
    line = alt.Chart(band).mark_line(color=PALETTE[0]).encode(x=x, y="fit_pct:Q",
                                                               tooltip=tips_band)
    tips_pts = [alt.Tooltip("year:O", title="fiscal year"),
                alt.Tooltip("capex_intensity_pct:Q", title="capex intensity (%)",
                            format=".1f"),
                alt.Tooltip("headcount_growth_pct:Q", title="employee growth (%)",
                            format=".1f")]
    dots = alt.Chart(pts).mark_point(filled=True, size=60, color="#333").encode(
        x=x, y=alt.Y("headcount_growth_pct:Q", title="growth in employees (% per year)"),
        tooltip=tips_pts)
    labels = alt.Chart(pts).mark_text(dx=16, dy=-6, fontSize=11, color="#555").encode(
        x=x, y="headcount_growth_pct:Q", text="label:N", tooltip=tips_pts)
    return alt.layer(area, line, dots, labels).properties(width=CHART_WIDTH)


def cumulative_cuts_chart(cumulative: pd.DataFrame, base_roles: float, claim_low: float,
                          claim_high: float, plan_roles: float | None, as_of: str,
                          horizon: str) -> alt.LayerChart:
    """Step line of cumulative announced cuts, the claimed band on its baseline, the plan.

    Args:
        cumulative: Output of :func:`cumulative_cuts` (from the October 2025 round).
        base_roles: The roles of the round the claim adds to (the band's baseline).
        claim_low: Claimed further cuts, low end.
        claim_high: Claimed further cuts, high end.
        plan_roles: Reuters' reported plan ("up to"), or ``None`` if not known at ``as_of``.
        as_of: Data cut-off (the step line runs to it).
        horizon: Last day of the claim's window (the band runs to it).
    """
    steps = pd.concat([cumulative[["announced", "cumulative_roles"]],
                       pd.DataFrame({"announced": [as_date(as_of)],
                                     "cumulative_roles": [cumulative["cumulative_roles"]
                                                          .iloc[-1]]})], ignore_index=True)
    x = alt.X("announced:T", title="date announced",
              scale=alt.Scale(domain=[cumulative["announced"].min().isoformat(),
                                      as_date(horizon).isoformat()]))
    band = pd.DataFrame({"start": [cumulative["announced"].min()], "end": [as_date(horizon)],
                         "low": [base_roles + claim_low], "high": [base_roles + claim_high],
                         "label": [f"claimed: October round + {claim_low:,.0f}\u2013"
                                   f"{claim_high:,.0f} more"]})
    band_tip = [alt.Tooltip("label:N", title="band"),
                alt.Tooltip("low:Q", title="low (cumulative roles)", format=","),
                alt.Tooltip("high:Q", title="high (cumulative roles)", format=",")]
    layers = [
        alt.Chart(band).mark_rect(opacity=0.18, color=_CLAIM_COLOUR).encode(
            x="start:T", x2="end:T", y="low:Q", y2="high:Q", tooltip=band_tip),
        alt.Chart(band).mark_text(align="right", baseline="top", dx=-6, dy=6,
                                  color="#8a5a00").encode(x="end:T", y="high:Q", text="label:N"),
        alt.Chart(steps).mark_line(interpolate="step-after", color="#333").encode(
            x=x, y=alt.Y("cumulative_roles:Q", title="corporate roles, cumulative",
                         axis=alt.Axis(format=",d"), scale=alt.Scale(zero=True))),
        alt.Chart(cumulative).mark_point(filled=True, size=60, color="#333").encode(
            x="announced:T", y="cumulative_roles:Q",
            tooltip=[alt.Tooltip("announced:T", title="announced", format="%d %b %Y"),
                     alt.Tooltip("organisation:N", title="round"),
                     alt.Tooltip("roles_mid:Q", title="roles (undisclosed if blank)",
                                 format=",.0f"),
                     alt.Tooltip("cumulative_roles:Q", title="cumulative", format=",.0f"),
                     alt.Tooltip("date_known_to:N", title="date known to the"),
                     alt.Tooltip("confidence:N", title="source strength")]),
    ]
    if plan_roles is not None:
        plan = pd.DataFrame({"roles": [plan_roles],
                             "label": [f"Reuters, 27 Oct 2025: plan for up to "
                                       f"{plan_roles:,.0f} in all"]})
        layers.append(alt.Chart(plan).mark_rule(strokeDash=[6, 4], color=PALETTE[0]).encode(
            y="roles:Q", tooltip=[alt.Tooltip("label:N", title="reported plan")]))
        plan["end"] = as_date(horizon)
        layers.append(alt.Chart(plan).mark_text(align="right", baseline="bottom", dx=-6, dy=-4,
                                                color=PALETTE[0]).encode(
            x="end:T", y="roles:Q", text="label:N"))
    return alt.layer(*layers).properties(width=CHART_WIDTH, height=300)


def quarterly_guidance_chart(frame: pd.DataFrame) -> alt.LayerChart:
    """Bars of quarterly gross capex, ticks of net capex, steps of a quarter of the guide."""
    x = alt.X("period:O", title="quarter", axis=_YEAR_AXIS)
    tips = [alt.Tooltip("period:O", title="quarter"),
            alt.Tooltip("gross_usd_bn:Q", title="gross capex (USD bn)", format=",.1f"),
            alt.Tooltip("net_usd_bn:Q", title="net capex (USD bn)", format=",.1f"),
            alt.Tooltip("guide_usd_bn:Q", title="full-year guide in force (USD bn)",
                        format=",.0f"),
            alt.Tooltip("guide_basis:N", title="guide's basis"),
            alt.Tooltip("guide_date:N", title="guide stated on"),
            alt.Tooltip("confidence:N", title="source strength of gross capex")]
    base = alt.Chart(frame).encode(x=x, tooltip=tips)
    bars_ = base.mark_bar(color=PALETTE[0], opacity=0.8).encode(
        y=alt.Y("gross_usd_bn:Q", title="USD bn per quarter"))
    net = base.mark_tick(color="#333", thickness=2, size=18).encode(y="net_usd_bn:Q")
    guide = base.mark_line(interpolate="step", color=PALETTE[3], strokeDash=[5, 3],
                           point=alt.OverlayMarkDef(shape="diamond", size=60,
                                                    color=PALETTE[3])).encode(
        y="guide_quarter_usd_bn:Q")
    return alt.layer(bars_, net, guide).properties(width=CHART_WIDTH, height=300)


def savings_fcf_chart(fcf: pd.DataFrame, savings: tuple[float, float, float]) -> alt.LayerChart:
    """Bars of free cash flow with the yearly savings as a line and its band."""
    order = list(fcf["period"])
    tips = [alt.Tooltip("period:N", title="period"), alt.Tooltip("kind:N"),
            alt.Tooltip("fcf_usd_bn:Q", title="free cash flow (USD bn)", format=",.1f")]
    bars_ = alt.Chart(fcf).mark_bar(opacity=0.85).encode(
        x=alt.X("period:N", sort=order, title=None, axis=alt.Axis(labelAngle=-35)),
        y=alt.Y("fcf_usd_bn:Q", title="USD bn per year"),
        color=alt.Color("kind:N", title=None, scale=alt.Scale(
            domain=["fiscal year", "trailing twelve months"], range=[PALETTE[0], PALETTE[5]])),
        tooltip=tips)
    central, low, high = savings
    band_data = pd.DataFrame({"low": [low], "high": [high], "central": [central],
                              "label": ["labour savings from the cuts, a year"]})
    stips = [alt.Tooltip("label:N", title=""),
             alt.Tooltip("central:Q", title="central (USD bn)", format=",.1f"),
             alt.Tooltip("low:Q", title="low (USD bn)", format=",.1f"),
             alt.Tooltip("high:Q", title="high (USD bn)", format=",.1f")]
    band = alt.Chart(band_data).mark_rect(opacity=0.2, color=PALETTE[2]).encode(
        y="low:Q", y2="high:Q", tooltip=stips)
    line = alt.Chart(band_data).mark_rule(color=PALETTE[2], strokeWidth=2).encode(
        y="central:Q", tooltip=stips)
    zero = alt.Chart(pd.DataFrame({"y": [0.0]})).mark_rule(color="#888").encode(y="y:Q")
    return alt.layer(bars_, band, line, zero).properties(width=CHART_WIDTH - 100, height=280)


#: Description of the introduction's savings chart for assistive technology.
SAVINGS_CURVE_ALT = ("Line chart: yearly labour savings rise in proportion to the number of "
                     "corporate roles eliminated; a shaded band shows the range of the "
                     "cost-per-employee assumption.")


def savings_curve_chart(curve: pd.DataFrame) -> alt.LayerChart:
    """Yearly labour savings against roles eliminated, with the cost assumption's band.

    Args:
        curve: :func:`analysis.models.economics.savings_curve` (``roles``,
            ``savings_usd_bn``, ``savings_low_usd_bn``, ``savings_high_usd_bn``).
    """
    base = alt.Chart(curve).encode(
        x=alt.X("roles:Q", title="corporate roles eliminated", axis=alt.Axis(format=",d")))
    band = base.mark_area(opacity=0.25).encode(
        y=alt.Y("savings_low_usd_bn:Q", title="yearly savings (USD bn)"),
        y2="savings_high_usd_bn:Q")
    line = base.mark_line().encode(
        y="savings_usd_bn:Q",
        tooltip=[alt.Tooltip("roles:Q", title="roles", format=","),
                 alt.Tooltip("savings_usd_bn:Q", title="savings, USD bn", format=".2f"),
                 alt.Tooltip("savings_low_usd_bn:Q", title="low, USD bn", format=".2f"),
                 alt.Tooltip("savings_high_usd_bn:Q", title="high, USD bn", format=".2f")])
    return band + line


def figures(res: CapitalResults) -> dict[str, alt.TopLevelMixin]:
    """Every chart of the chapter page, by figure name (``fig-ch1-capital-<name>``).

    Args:
        res: The chapter's results.

    Returns:
        ``{name: chart}`` in the order of the page.
    """
    plan = res.reuters_plan_roles
    return {
        "indexed": indexed_chart(res.indexed, res.base_year),
        "intensity": intensity_chart(res.intensity),
        "peers": peers_chart(res.peers),
        "quarterly-guidance": quarterly_guidance_chart(res.quarterly_guidance),
        "cash-flow": cash_flow_chart(res.cash),
        "cumulative-cuts": cumulative_cuts_chart(
            res.cumulative, res.base_roles, study.CLAIM_LOW, study.CLAIM_HIGH,
            plan[1] if plan else None, res.as_of, study.READINGS["2027"]),
        "savings": savings_chart(res.savings_items),
        "savings-fcf": savings_fcf_chart(res.fcf, res.savings_usd_bn),
        "path": path_chart(res.history, res.paths.paths, res.guidance_points),
        "relation": relation_chart(res.relation, res.relation_band),
    }

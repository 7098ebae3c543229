"""Charts and display tables of the forecast and backtest pages.

Built from :class:`analysis.chapters.forecast.ForecastChapterResults`. Each chart builder
returns an Altair chart; :func:`forecast_figures` and :func:`backtest_figures` list a page's
charts with their names and alt texts, and :func:`forecast_tables` and :func:`backtest_tables`
its display tables (pandas Stylers of formatted text), so a page glues them in one loop. The
backtest charts themselves are in :mod:`analysis.charts.tables`.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
from pandas.io.formats.style import Styler

from analysis import text
from analysis.chapters.forecast import ForecastChapterResults
from analysis.charts import plots, tables
from analysis.models import backtest
from analysis.models.headline import HeadlineResult
from analysis.models.headline_backtest import HeadlineBacktest
from analysis.study import CLAIM_HIGH, CLAIM_LOW

__all__ = ["ALT_TEXT", "BACKTEST_ALT_TEXT", "backtest_figures", "backtest_tables",
           "forecast_figures", "forecast_tables", "headline_histogram", "histogram_tail_note",
           "model_intervals", "path_fan", "pit_strip", "scenario_intervals", "tornado",
           "variance_bars", "weight_curve_chart"]

Figure = tuple[str, alt.TopLevelMixin, str]
TableSpec = tuple[str, str, Styler]

_CUTS_2027 = "further corporate cuts announced by 31 Dec 2027 (roles)"
#: What a screen reader reads for each chart of the forecast page, by figure name.
ALT_TEXT: dict[str, str] = {
    "headline": "Histogram of simulated further corporate cuts by the end of 2027, with the "
                "claimed range of 20,000 to 35,000 roles shaded.",
    "models": "Medians and intervals of further corporate cuts from the projection core, the "
              "layoff-rounds model and their combination, for both readings of 'by 2027', "
              "against the shaded claimed range.",
    "path": "Fan chart of cumulative further corporate cuts from October 2025 to the end of "
            "2027 in the projection core: median line with 50% and 80% bands.",
    "tornado": "Tornado chart: how far further cuts by the end of 2027 move when each "
               "assumption is set to the low or high end of its range, largest swing first.",
    "variance": "Bar chart of each drawn assumption's approximate share of the variance of "
                "further cuts by the end of 2027 in the projection core.",
    "scenarios": "Medians and intervals of further corporate cuts by the end of 2027 under the "
                 "baseline, accelerated-automation and regulatory-brake scenarios, against the "
                 "shaded claimed range.",
    "hb-pit": "Strip chart of the PIT values of the projection core and the layoff-rounds "
              "model over the backtest windows, with the central 50% and 80% zones shaded: "
              "points inside a zone are outcomes inside that interval.",
    "hb-weight": "Line chart: the chance that further cuts land inside the claimed range, for "
                 "weights on the projection core from 0 to 100%, for both readings of 'by "
                 "2027'; a dashed line marks the fitted weight and a shaded band its bootstrap "
                 "interval.",
}
#: The same for the backtest page.
BACKTEST_ALT_TEXT: dict[str, str] = {
    "skill": "Bar chart: skill of the published forecast against the naive drift, by series "
             "and horizon; a bar of zero means the published forecast was the naive drift.",
    "mape": "Grouped bar chart: mean absolute percentage error of the published forecast and "
            "of the naive drift, for gross capex and employees one and two years ahead, with "
            "each single forecast's error shown as a dot.",
    "calibration": "Line chart: share of outcomes inside the published intervals against the "
                   "nominal level from 10% to 90%, for gross capex, employees and both pooled, "
                   "with a dashed diagonal for perfect calibration.",
    "coverage": "Dot chart: share of outcomes inside the 50% and the 80% intervals, for the "
                "published forecast and the naive drift, by series and horizon, with a "
                "binomial interval around each share and a dashed line at the nominal level.",
    "capex": "Two panels, one and two years ahead: for each year, the forecast of gross capex "
             "by the published procedure and by the naive drift with 50% and 80% intervals, "
             "next to the reported outcome drawn as a black line.",
    "employees": "Two panels, one and two years ahead: for each year, the forecast of total "
                 "employees by the published procedure and by the naive drift with 50% and 80% "
                 "intervals, next to the reported outcome drawn as a black line.",
}


def _claim_band() -> alt.Chart:
    """The claimed range of 20,000 to 35,000 roles as a shaded band along x."""
    return alt.Chart(pd.DataFrame({"lo": [CLAIM_LOW], "hi": [CLAIM_HIGH]})).mark_rect(
        opacity=0.15, color=plots.CLAIM_COLOUR).encode(x="lo:Q", x2="hi:Q")


def _bins(result: HeadlineResult) -> plots.HistogramBins:
    return plots.histogram_bins(result.draws["combined_2027"], cap_pct=99.0)


def headline_histogram(result: HeadlineResult, height: int = 260) -> alt.TopLevelMixin:
    """Histogram of the combined draws by 31 Dec 2027, claimed range shaded, cuts so far dashed.

    Args:
        result: The headline.
        height: Height in pixels.

    Returns:
        The chart (its largest 1% of draws folded into the last bin).
    """
    return plots.claim_band_histogram(_bins(result), low=CLAIM_LOW, high=CLAIM_HIGH,
                                      floor=result.observed, x_title=_CUTS_2027
                                      ).properties(height=height)


def histogram_tail_note(result: HeadlineResult) -> str:
    """The note under :func:`headline_histogram` on the draws folded into its last bin."""
    return plots.overflow_note(_bins(result))


def model_intervals(result: HeadlineResult) -> alt.TopLevelMixin:
    """Median and interval of each source and reading against the claimed range."""
    s = result.summary
    models = s.assign(mean=s["median"], label=s["source"] + ", " + s["reading_label"])
    dots = plots.interval_dots(models, category="label", y_title="further corporate cuts (roles)",
                               sort=list(models["label"]), color="reading_label")
    return alt.layer(_claim_band(), dots).properties(height=220)


def path_fan(result: HeadlineResult) -> alt.TopLevelMixin:
    """Fan chart of cumulative further cuts in the projection core, quarter by quarter."""
    paths = result.projection.paths
    cum = paths[paths["quantity"] == "cumulative_further_cuts"].copy()
    cum["quarter_end"] = pd.to_datetime(cum["quarter_end"])
    return plots.fan_chart(cum, x="quarter_end", y_title="cumulative further cuts (roles)")


def tornado(oat: pd.DataFrame, top: int = 10) -> alt.TopLevelMixin:
    """Tornado of the ``top`` largest one-at-a-time swings, the central value dashed."""
    oat = oat.head(top)
    base = float(oat["result_base"].iloc[0]) if len(oat) else 0.0
    return plots.tornado(oat, x_title="further cuts by 31 Dec 2027 (roles)",
                         base_value=base).properties(height=260)


def variance_bars(variance: pd.DataFrame, top: int = 8) -> alt.TopLevelMixin:
    """Bars of the ``top`` drawn assumptions' approximate shares of the variance."""
    glob = variance.assign(share_pct=variance["share_of_variance"] * 100).head(top)
    bars = alt.Chart(glob).mark_bar(color=plots.BAND_COLOUR).encode(
        y=alt.Y("label:N", sort="-x", title=None),
        x=alt.X("share_pct:Q", title="approximate share of variance (%)"),
        tooltip=[alt.Tooltip("label:N", title="assumption"),
                 alt.Tooltip("share_pct:Q", title="share (%)", format=".1f")])
    return bars.properties(height=220)


def scenario_intervals(scenarios: pd.DataFrame) -> alt.TopLevelMixin:
    """Median and interval by 31 Dec 2027 under each scenario against the claimed range."""
    scen = scenarios[scenarios["reading"] == "2027"].assign(mean=lambda d: d["median"])
    dots = plots.interval_dots(scen, category="scenario",
                               y_title="further corporate cuts by 31 Dec 2027 (roles)")
    return alt.layer(_claim_band(), dots).properties(height=140)


def pit_strip(bt: HeadlineBacktest) -> alt.TopLevelMixin:
    """PIT values of both headline models over the backtest windows, 50%/80% zones shaded."""
    pit = bt.scores.assign(horizon=bt.scores["horizon_months"].map(lambda m: f"{m} months"))
    zones = pd.DataFrame({"lo": [0.1, 0.25], "hi": [0.9, 0.75], "zone": ["80%", "50%"]})
    shade = alt.Chart(zones).mark_rect(opacity=0.12, color=plots.BAND_COLOUR).encode(
        x=alt.X("lo:Q", scale=alt.Scale(domain=[0, 1])), x2="hi:Q")
    dots = alt.Chart(pit).mark_point(filled=True, size=70, opacity=0.8).encode(
        x=alt.X("pit:Q", title="PIT: share of the model's draws below the outcome",
                scale=alt.Scale(domain=[0, 1])),
        y=alt.Y("model_label:N", title=None), yOffset=alt.YOffset("horizon:N"),
        shape=alt.Shape("horizon:N", title="window"),
        color=alt.Color("horizon:N", title="window"),
        tooltip=["origin", "horizon", alt.Tooltip("outcome:Q", format=",.0f"),
                 alt.Tooltip("pit:Q", format=".2f")])
    return alt.layer(shade, dots).properties(height=140)


def weight_curve_chart(curve: pd.DataFrame, bt: HeadlineBacktest) -> alt.TopLevelMixin:
    """Chance inside the range against the weight, the fitted weight and its interval marked."""
    marks = pd.DataFrame({"w": [bt.weight_pct], "lo": [bt.weight_interval_pct[0]],
                          "hi": [bt.weight_interval_pct[1]]})
    band = alt.Chart(marks).mark_rect(opacity=0.12, color=plots.BAND_COLOUR).encode(
        x="lo:Q", x2="hi:Q")
    rule = alt.Chart(marks).mark_rule(strokeDash=[4, 3], color="black").encode(
        x="w:Q", tooltip=[alt.Tooltip("w:Q", title="fitted weight (%)")])
    lines = alt.Chart(curve).mark_line().encode(
        x=alt.X("weight_pct:Q", title="weight on the projection core (%)",
                axis=alt.Axis(values=list(range(0, 101, 10)))),
        y=alt.Y("prob_inside:Q", title="chance inside the range", axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("reading_label:N", title="reading"),
        tooltip=["reading_label", "weight_pct", alt.Tooltip("prob_inside:Q", format=".0%")])
    return alt.layer(band, lines, rule).properties(height=240)


def forecast_figures(res: ForecastChapterResults) -> list[Figure]:
    """The forecast page's charts: ``(name, chart, alt text)``, glued as ``fig-ch5-forecast-*``.

    Args:
        res: The forecast chapter's results.

    Returns:
        One entry per chart, in page order.
    """
    h, bt = res.headline, res.headline_backtest
    charts = {"headline": headline_histogram(h), "models": model_intervals(h),
              "path": path_fan(h), "tornado": tornado(res.oat),
              "variance": variance_bars(res.variance),
              "scenarios": scenario_intervals(res.scenarios), "hb-pit": pit_strip(bt),
              "hb-weight": weight_curve_chart(res.weight_curve, bt)}
    return [(name, chart, ALT_TEXT[name]) for name, chart in charts.items()]


def _styled(frame: pd.DataFrame) -> Styler:
    return frame.style.hide(axis="index")


def _months(months: pd.Series) -> pd.Series:
    return months.map(lambda m: f"{m} months")


def _observed_table(further: pd.DataFrame) -> pd.DataFrame:
    def roles(values: pd.Series) -> pd.Series:
        return values.map(lambda v: "undisclosed" if pd.isna(v) else text.fmt_count(v))
    return pd.DataFrame({
        "announced": [text.fmt_event_date(d, p) for d, p in
                      zip(further["announced"], further["announced_precision"], strict=True)],
        "organisation": further["organisation"],
        "roles (low)": roles(further["roles_low"]),
        "roles (high)": roles(further["roles_high"]),
        "confidence": further["confidence"],
    })


def _scenario_table(scen: pd.DataFrame) -> pd.DataFrame:
    view = scen.assign(
        median=scen["median"].map(text.fmt_roles),
        interval=[text.fmt_interval(lo, hi) for lo, hi in zip(scen["lower"], scen["upper"],
                                                               strict=True)],
        inside=scen["prob_inside"].map(text.fmt_prob))
    return view[["scenario", "reading_label", "median", "interval", "inside", "changed"]].rename(
        columns={"reading_label": "reading", "inside": "chance inside the range",
                 "changed": "scenario settings"})


def _scores_table(bt: HeadlineBacktest) -> pd.DataFrame:
    table = bt.model_table()
    view = table.assign(
        horizon=_months(table["horizon_months"]),
        log_score=table["mean_log_score"].map(text.fmt_decimal),
        cov50=(100 * table["coverage_50"]).map(text.fmt_pct),
        cov80=(100 * table["coverage_80"]).map(text.fmt_pct),
        pit=table["mean_pit"].map(text.fmt_decimal))
    return view[["model_label", "horizon", "windows", "log_score", "cov50", "cov80",
                 "pit"]].rename(columns={
        "model_label": "model", "windows": "windows scored", "log_score": "mean log score",
        "cov50": "inside 50% interval", "cov80": "inside 80% interval", "pit": "mean PIT"})


def _windows_table(bt: HeadlineBacktest) -> pd.DataFrame:
    win = bt.scores.pivot_table(index=["origin", "horizon_months", "outcome",
                                       "undisclosed_rounds"],
                                columns="model", values=["lower_80", "upper_80"]).reset_index()

    def interval(model: str) -> list[str]:
        return [text.fmt_interval(a, b) for a, b in zip(
            win[("lower_80", model)], win[("upper_80", model)], strict=True)]
    return pd.DataFrame({
        "origin": win["origin"].map(text.fmt_date),
        "horizon": _months(win["horizon_months"]),
        "announced (disclosed)": win["outcome"].map(text.fmt_count),
        "rounds of undisclosed size": win["undisclosed_rounds"],
        "projection core, 80%": interval("projection"),
        "layoff-rounds model, 80%": interval("rounds")})


def _bins_table(bins: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "bin width of the log score (roles)": bins["bin_width_roles"].map(text.fmt_count),
        "fitted weight on the projection core": bins["fitted_weight_pct"].map(text.fmt_pct)})


def forecast_tables(res: ForecastChapterResults) -> list[TableSpec]:
    """The forecast page's tables: ``(glue key, table name, Styler)``.

    The page glues each Styler (through :meth:`analysis.charts.Figures.table`) under its key
    and the CSV link under ``<key>-csv``.
    """
    bt = res.headline_backtest
    return [("tbl-ch5-observed", "observed", _styled(_observed_table(res.further_rounds))),
            ("tbl-ch5-forecast-scenarios", "scenarios", _styled(_scenario_table(res.scenarios))),
            ("tbl-ch5-forecast-hb-scores", "hb-scores", _styled(_scores_table(bt))),
            ("tbl-ch5-forecast-hb-windows", "hb-windows", _styled(_windows_table(bt))),
            ("tbl-ch5-forecast-hb-bins", "hb-bins", _styled(_bins_table(res.bin_widths)))]


def backtest_figures(res: ForecastChapterResults) -> list[Figure]:
    """The backtest page's charts: ``(name, chart, alt text)``, glued as ``fig-backtest-<name>``.

    Args:
        res: The forecast chapter's results (its backtest of the statistical forecasts).

    Returns:
        One entry per chart, in page order.
    """
    bt = res.annual_backtest
    levels = backtest.LEVELS_PCT
    charts = {
        "skill": tables.chart_backtest_skill(bt.summary),
        "mape": tables.chart_backtest_mape(bt.summary, tables.backtest_error_frame(bt.detail)),
        "calibration": tables.chart_backtest_calibration(bt.calibration),
        "coverage": tables.chart_backtest_coverage(
            tables.backtest_coverage_frame(bt.detail, levels_pct=levels)),
        "capex": tables.chart_backtest_forecasts(
            tables.backtest_forecast_frame(bt.detail, "Gross capex", divisor=1000.0),
            y_title="gross capex (USD bn)", value_format=",.1f"),
        "employees": tables.chart_backtest_forecasts(
            tables.backtest_forecast_frame(bt.detail, "Employees", divisor=1000.0),
            y_title="employees (thousands)", value_format=",.0f"),
    }
    return [(name, chart, BACKTEST_ALT_TEXT[name]) for name, chart in charts.items()]


def backtest_tables(res: ForecastChapterResults) -> list[TableSpec]:
    """The backtest page's tables: ``(glue key, table name, Styler)``, as on the forecast page."""
    summary = tables.backtest_summary_display(res.annual_backtest.summary,
                                              levels_pct=backtest.LEVELS_PCT)
    styled = _styled(summary).set_table_styles(
        [{"selector": "th, td", "props": "padding: 0.2em 0.45em; font-size: 0.9em;"}])
    return [("tbl-backtest-summary", "summary", styled)]

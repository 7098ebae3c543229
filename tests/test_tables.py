"""analysis.charts.tables (assumption table, data dictionary, scenarios, backtest charts)
and the backtest's words (analysis.narrative.backtest)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from analysis import data, params
from analysis.charts import tables as T
from analysis.data.schemas import CONFIDENCE_LEVELS
from analysis.models.forecast import annual_known_by
from analysis.narrative import backtest as NB

KEYS = {"a", "b", "amazon_q1_2026"}


# --- Markdown building blocks -------------------------------------------------------------


def test_escape_md_neutralises_markup_and_line_breaks():
    out = T.escape_md("costs $5 | *bold* <b>\nnext [x] `code` {role}")
    assert "\n" not in out
    for raw in ("$", "|", "*", "<", "[", "`", "{"):
        assert re.search(r"(?<!\\)" + re.escape(raw), out) is None, raw
    assert T.escape_md(None) == "" and T.escape_md(float("nan")) == ""


def test_cite_sources_renders_single_and_multiple_keys():
    assert T.cite_sources("Results [amazon_q1_2026]", KEYS) == "Results {cite}`amazon_q1_2026`"
    assert T.cite_sources("Two [a; b] sources", KEYS) == "Two {cite}`a,b` sources"
    assert T.cite_sources("[a]: first", KEYS) == "{cite}`a`: first"


def test_cite_sources_leaves_unknown_brackets_literal_and_escaped():
    out = T.cite_sources("see [note; a] and $200B [zz]", KEYS)
    assert "{cite}" not in out
    assert r"\[note; a\]" in out and r"\$200B" in out and r"\[zz\]" in out


def test_cite_keys():
    assert T.cite_keys(["a", " b ", ""]) == "{cite}`a,b`"
    assert T.cite_keys([]) == ""


def test_md_table_shape_and_errors():
    text = T.md_table(["x", "y|z"], [["1", "2"], ["", "3"]])
    lines = text.strip().split("\n")
    assert lines[0] == r"| x | y\|z |" and lines[1] == "|---|---|"
    assert len(lines) == 4
    with pytest.raises(ValueError, match="cells"):
        T.md_table(["x"], [["1", "2"]])
    with pytest.raises(ValueError, match="line break"):
        T.md_table(["x"], [["a\nb"]])


# --- methods ------------------------------------------------------------------------------


def test_assumption_rows_cover_every_schema_parameter_in_order():
    rows = T.assumption_rows(params.validate({}))
    assert [r["name"] for r in rows] == list(params.SCHEMA)
    assert not any(r["changed"] for r in rows)
    for r in rows:
        assert r["value"] == r["default"]
        assert r["group"] and r["unit"] and r["allowed"] and r["description"] and r["source"]


def test_assumption_table_has_one_row_per_parameter_and_marks_changes():
    text = T.assumption_tables_md(params.validate({"attrition_rate_pct": 15}))
    body = [ln for ln in text.splitlines() if ln.startswith("| `")]
    assert len(body) == len(params.SCHEMA)
    for name in params.SCHEMA:
        assert sum(ln.startswith(f"| `{name}`<br>") for ln in body) == 1, name
    row = next(ln for ln in body if ln.startswith("| `attrition_rate_pct`<br>"))
    cells = [c.strip() for c in row.strip("|").split(" | ")]
    assert len(cells) == 4
    # A leading "%" is escaped (it starts a MyST comment at the start of a line); it renders
    # as "%".
    assert cells[1] == r"**15** (changed; default 12)<br>unit: \% per year"
    assert "(range 11 to 19)" in cells[2]  # the spread is centred on the value of this build
    unchanged = next(ln for ln in body if ln.startswith("| `seed`<br>"))
    assert "20251028 (default)" in unchanged and "Monte Carlo: fixed" in unchanged
    groups = {spec.group for spec in params.SCHEMA.values()}
    assert len(re.findall(r"^#### ", text, flags=re.MULTILINE)) == len(groups)


def test_every_bracketed_source_in_the_schema_becomes_a_citation():
    keys = data.bib_keys()
    text = T.assumption_tables_md(params.validate({}), keys)
    for spec in params.SCHEMA.values():
        for group in re.findall(r"\[([^\]]+)\]", spec.source + " " + spec.mc_source):
            cited = ",".join(k.strip() for k in group.split(";"))
            assert "{cite}`" + cited + "`" in text, (spec.name, group)
    assert r"\[" not in text  # no bracket group was left unresolved


def test_mc_range_is_clipped_to_bounds():
    spec = params.SCHEMA["rto_attrition_uplift_pct"]  # spread (2, 3), bounds 0-15
    assert T.mc_range(spec, 1.0) == (0.0, 4.0)
    assert T.mc_range(spec, 14.0) == (12.0, 15.0)
    assert T.mc_range(params.SCHEMA["seed"], 1) is None


def test_forecast_candidates_table_lists_every_candidate():
    from analysis.models.forecast import ANNUAL_CANDIDATES, QUARTERLY_CANDIDATES

    text = T.forecast_candidates_md()
    rows = [ln for ln in text.splitlines() if ln.startswith("| annual") or
            ln.startswith("| quarterly")]
    assert len(rows) == len(ANNUAL_CANDIDATES) + len(QUARTERLY_CANDIDATES)


# --- data and sources ---------------------------------------------------------------------


def test_confidence_vocabulary_is_complete():
    assert list(T.CONFIDENCE_MEANINGS) == list(CONFIDENCE_LEVELS)
    text = T.confidence_table_md(include_unreliable=False)
    assert all(f"`{flag}`" in text for flag in CONFIDENCE_LEVELS)
    assert "no: shown" in text
    assert "no: shown" not in T.confidence_table_md(include_unreliable=True)


def test_confidence_counts_in_vocabulary_order():
    frame = pd.DataFrame({"confidence": ["secondary", "filing", "secondary", "unverified"]})
    assert list(T.confidence_counts(frame).items()) == [
        ("filing", 1), ("secondary", 2), ("unverified", 1)]
    with pytest.raises(ValueError, match="unknown confidence"):
        T.confidence_counts(pd.DataFrame({"confidence": ["rumour"]}))


def test_download_link():
    assert T.download_link("x.csv") == '<a href="../_static/data/x.csv" download>x.csv</a>'
    with pytest.raises(ValueError):
        T.download_link('x.csv" onclick="y')


@pytest.fixture(scope="module")
def summaries() -> list[dict]:
    return [T.table_summary(name) for name in data.TABLES]


def test_table_summary_counts_every_row(summaries):
    for s in summaries:
        assert sum(s["by_confidence"].values()) == s["rows"] > 0
        assert s["rows_used_default"] == s["rows"] - s["by_confidence"].get("unverified", 0)
        assert [c for c, _, _ in s["columns"]] == list(data.TABLES[s["name"]].column_names)
        assert re.fullmatch(r"[0-9a-f]{64}", s["sha256"])


def test_every_data_table_has_a_download_link(summaries):
    overview = T.data_overview_md(summaries)
    for s in summaries:
        link = T.download_link(s["file"])
        assert link in overview
        dictionary = T.data_dictionary_md(s)
        assert link in dictionary
        assert f'<span id="data-{s["name"].replace("_", "-")}"></span>' in dictionary
        assert f'href="#data-{s["name"].replace("_", "-")}"' in overview
        assert T.cite_keys(s["sources"]) in dictionary
        for column, _, _ in s["columns"]:
            assert f"| `{column}` |" in dictionary


def test_data_dictionary_refuses_a_source_missing_from_the_bibliography(summaries):
    bad = dict(summaries[0], sources=["no_such_key"])
    with pytest.raises(ValueError, match="no_such_key"):
        T.data_dictionary_md(bad)


def test_scenarios_table_lists_every_file_and_its_values(tmp_path):
    (tmp_path / "mine.yaml").write_text(
        "name: mine\ntitle: Mine\ndescription: >-\n  A test | scenario.\n"
        "parameters:\n  attrition_rate_pct: 15\n  eu_brake_start: 2026-08-02\n")
    (tmp_path / "empty.yaml").write_text("name: empty\ndescription: Nothing.\nparameters: {}\n")
    text = T.scenarios_md(tmp_path)
    assert "`attrition_rate_pct` = 15; `eu_brake_start` = 2026-08-02" in text
    assert r"A test \| scenario." in text
    assert "none (the schema defaults)" in text
    shipped = T.scenarios_md()
    for name in params.list_scenarios():
        assert f"`{name}`" in shipped


# --- backtest -----------------------------------------------------------------------------


def _detail() -> pd.DataFrame:
    rows = []
    # one series, origins 2020-2021, horizon 1; model misses more than naive
    for origin, actual, model_mean, naive_mean in ((2020, 100.0, 130.0, 110.0),
                                                   (2021, 200.0, 150.0, 180.0)):
        for method, mean in (("model", model_mean), ("naive", naive_mean)):
            rows.append({"series": "Gross capex", "column": "capex_gross_usd_m",
                         "origin": origin, "horizon": 1, "target_year": origin + 1,
                         "method": method, "model": "m" if method == "model" else "n",
                         "actual": actual, "mean": mean,
                         "lower_50": mean * 0.95, "upper_50": mean * 1.05,
                         "lower_80": mean * 0.9, "upper_80": mean * 1.1,
                         "lower_95": mean * 0.5, "upper_95": mean * 1.5})
    rows.append(dict(rows[0], origin=2022, target_year=2023, actual=np.nan))
    d = pd.DataFrame(rows)
    d["error_pct"] = 100.0 * (d["mean"] / d["actual"] - 1.0)
    for lv in (50, 80, 95):
        inside = (d["actual"] >= d[f"lower_{lv}"]) & (d["actual"] <= d[f"upper_{lv}"])
        d[f"covered_{lv}"] = pd.array(inside.where(d["actual"].notna(), None), dtype="boolean")
    return d


def _summary() -> pd.DataFrame:
    return pd.DataFrame({
        "series": ["Gross capex", "Gross capex"], "horizon": [1, 1],
        "method": ["model", "naive"], "n": [2, 2], "mape_pct": [27.5, 10.0],
        "coverage_80": [0.0, 0.5], "coverage_95": [1.0, 1.0],
        "nominal_80": [0.8, 0.8], "nominal_95": [0.95, 0.95],
        "skill_vs_naive": [1.0 - 27.5 / 10.0, 0.0]})


def test_compare_and_coverage_words():
    assert NB.compare_word(0.2) == "more accurate than"
    assert NB.compare_word(-0.2) == "less accurate than"
    assert NB.compare_word(0.0) == "as accurate as"
    assert NB.coverage_word([0.4, 0.5], [0.8, 0.95]) == "too narrow"
    assert NB.coverage_word([0.8, 0.97], [0.8, 0.95]) == "close to their nominal level"
    assert NB.coverage_word([1.0], [0.5]) == "too wide"
    with pytest.raises(ValueError):
        NB.compare_word(float("nan"))
    with pytest.raises(ValueError):
        NB.coverage_word([], [])


def test_annual_known_by_uses_year_ends():
    annual = pd.DataFrame({"year": [2023, 2024, 2025], "v": [1.0, 2.0, 3.0]})
    assert annual_known_by(annual, "2025-12-30")["year"].tolist() == [2023, 2024]
    assert annual_known_by(annual, "2025-12-31")["year"].tolist() == [2023, 2024, 2025]


def test_backtest_text_values_are_computed_strings():
    out = NB.backtest_text_values(_detail(), _summary(), {"Gross capex": "capex"})
    assert out["bt_capex_h1_mape_model"] == "27.5%"
    assert out["bt_capex_h1_mape_naive"] == "10.0%"
    assert out["bt_capex_h1_cov80"] == "0%" and out["bt_capex_h1_cov95"] == "100%"
    assert out["bt_capex_h1_n"] == "2"
    assert out["bt_capex_h1_verdict"] == "less accurate than"
    assert out["bt_n_worse"] == "1" and out["bt_n_cells"] == "1"
    assert out["bt_n_short"] == "1" and out["bt_n_level_cells"] == "2"
    assert out["bt_worse_of_cells"] == "the only" and out["bt_short_of_cells"] == "1 of the 2"
    assert out["bt_cov80_range"] == "0%\u20130%"
    # the worst miss is the +30% forecast for 2021 made at the end of 2020
    assert (out["bt_worst_target"], out["bt_worst_origin"]) == ("2021", "2020")
    assert out["bt_worst_error"] == "+30%" and out["bt_worst_series"] == "gross capex"
    assert all(isinstance(v, str) for v in out.values())


def test_backtest_summary_display():
    shown = T.backtest_summary_display(_summary())
    assert list(shown.columns) == ["series", "horizon", "method", "n", "MAPE",
                                   "80% coverage", "95% coverage", "skill"]
    assert shown["skill"].tolist() == ["\u2212175%", "benchmark"]
    assert shown["method"].tolist() == ["published forecast", "naive drift"]


def test_backtest_frames_for_charts():
    detail = _detail()
    fc = T.backtest_forecast_frame(detail, "Gross capex", divisor=10.0)
    assert fc["target_year"].dtype == np.int64
    assert fc.loc[0, "mean"] == pytest.approx(13.0)
    assert fc["covered_50"].tolist()[-1] == "not known yet"
    with pytest.raises(ValueError, match="no backtest rows"):
        T.backtest_forecast_frame(detail, "Nothing")
    cov = T.backtest_coverage_frame(detail)
    assert len(cov) == 2 * 2  # methods x levels; the unknown outcome is left out
    row = cov[(cov["method"] == "naive drift") & (cov["nominal_pct"] == 80)].iloc[0]
    assert (row["covered"], row["n"], row["coverage_pct"]) == (1, 2, 50.0)
    assert row["lower_pct"] < 50.0 < row["upper_pct"]
    err = T.backtest_error_frame(detail)
    assert len(err) == 4 and (err["abs_error_pct"] >= 0).all()


def test_backtest_charts_have_tooltips():
    detail = _detail()
    specs = [
        T.chart_backtest_forecasts(T.backtest_forecast_frame(detail, "Gross capex"),
                                   y_title="USD m").to_dict(),
        T.chart_backtest_coverage(T.backtest_coverage_frame(detail)).to_dict(),
        T.chart_backtest_mape(_summary(), T.backtest_error_frame(detail)).to_dict(),
        T.chart_backtest_calibration(pd.DataFrame({
            "series": ["all", "all"], "nominal_pct": [50.0, 80.0], "observed_pct": [40.0, 75.0],
            "covered": [4, 7], "n": [10, 10]})).to_dict(),
    ]
    for spec in specs:
        layers = spec.get("spec", spec).get("layer", [])
        assert layers and all("tooltip" in layer["encoding"] for layer in layers)


def test_backtest_text_values_without_known_outcomes_keep_every_key():
    detail = _detail()
    full = NB.backtest_text_values(detail, _summary(), {"Gross capex": "capex"})
    pending = detail[detail["actual"].isna()]
    empty = _summary().iloc[0:0]
    out = NB.backtest_text_values(pending, empty, {"Gross capex": "capex"})
    assert set(full) <= set(out)
    assert out["bt_capex_h1_mape_model"] == "not available"
    assert out["bt_capex_h2_n"] == "0" and out["bt_n_cells"] == "0"
    assert out["bt_worst_error"] == "not available"
    assert out["bt_interval_verdict"] == "not measurable yet"
    # horizon 2 is missing from the summary above too: its keys exist all the same
    assert full["bt_capex_h2_verdict"] == "not yet comparable with"


def test_a_table_shown_in_every_format_and_a_hidden_one_as_its_link_only():
    from analysis.charts import setup
    from analysis.charts.theme import TABLE_MIMETYPE

    fig = setup("pg")
    frame = pd.DataFrame({"a": [1, 2], "b|c": ["x*", "<y>"]})
    shown = fig.table(frame, "t")._repr_mimebundle_()
    assert "| 1 | x\\* |" in shown["text/markdown"] and "&lt;y&gt;" in shown["text/html"]
    hidden = fig.table(frame, "t", show=False)._repr_mimebundle_()
    # Nothing renders a hidden table's Markdown, and Sphinx parses every format it is given.
    assert hidden["text/markdown"] == ("Download the table above: "
                                       "[CSV](../_static/figures/tbl-pg-t.csv)")
    assert "<table" not in hidden["text/html"] and "tbl-pg-t.csv" in hidden["text/html"]
    # The CSV download still holds every row.
    assert hidden[TABLE_MIMETYPE]["csv"].count("\n") == 3

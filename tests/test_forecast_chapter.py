"""The forecast chapter: results computed once; the words, charts and ledger row made of them."""

from __future__ import annotations

import dataclasses
import pickle
import re
from pathlib import Path

import pytest

from analysis import ledger, params
from analysis.chapters import forecast as F
from analysis.charts import forecast as FC
from analysis.narrative import backtest as NB
from analysis.narrative import forecast as NF
from analysis.narrative import methods as NM
from analysis.site import results

REPO = Path(__file__).resolve().parent.parent
SMALL = {"mc_draws": 200}


@pytest.fixture(scope="module")
def res() -> F.ForecastChapterResults:
    return F.compute(params.validate(SMALL))


def _page_keys(page: str, prefix: str) -> set[str]:
    """Every glue key a page refers to that starts with ``prefix`` (not other pages' keys)."""
    text = (REPO / "book" / page).read_text(encoding="utf-8")
    roles = re.findall(r"\{glue:text\}`([\w-]+)`", text)
    directives = re.findall(r"```\{glue(?::\w+)?\} ([\w-]+)", text)
    return {k for k in roles + directives if k.startswith(prefix)}


def test_results_are_frozen_and_depend_only_on_their_parameters(res):
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.capex_years = 0  # type: ignore[misc]
    assert set(F.PARAMETERS) < set(params.SCHEMA)
    assert "capex_path" not in F.PARAMETERS and "mc_draws" in F.PARAMETERS
    other = F.compute(params.validate({**SMALL, "capex_path": "forecast",
                                       "cost_per_employee_usd_k": 200.0}))
    assert other.params == res.params  # parameters it does not read take their defaults
    assert other.headline.summary.equals(res.headline.summary)


def test_the_fitted_weight_is_the_headline_backtests(res):
    assert res.headline.weight_source == "fitted"
    assert res.headline_backtest is res.headline.backtest
    assert res.headline.weight_pct == res.headline_backtest.weight_pct
    assert set(res.weight_curve["weight_pct"]) == set(map(float, range(101)))
    assert (res.oat["swing"] > 0).all()
    assert set(res.published) == set(F.SERIES) == set(NB.SERIES_KEYS)


def test_a_weight_set_by_the_reader_still_shows_the_record():
    res = F.compute(params.validate({**SMALL, "headline_weight_projection_pct": 30.0}))
    assert res.headline.weight_source == "override" and res.headline.weight_pct == 30.0
    assert res.headline_backtest is not None and res.headline.backtest is None
    assert NF.glue_values(res)["ch5_weight_source"] == "a weight set by the reader"


def test_results_are_stored_once_and_read_back(tmp_path):
    p = params.validate(SMALL)
    first = results.get("forecast", p, results_dir=tmp_path)
    stored = list(tmp_path.iterdir())
    again = results.get("forecast", p, results_dir=tmp_path)
    assert list(tmp_path.iterdir()) == stored and len(stored) == 1
    assert again.headline.summary.equals(first.headline.summary)
    assert again.params == first.params
    pickle.loads(pickle.dumps(again))  # Params and every frame survive a round trip


def test_every_text_the_forecast_page_refers_to_is_glued(res):
    values = NF.glue_values(res)
    assert all(isinstance(v, str) for v in values.values())
    glued = set(values) | {"ch5_hist_tail"}
    glued |= {f"fig-ch5-forecast-{name}" for name, _, _ in FC.forecast_figures(res)}
    for key, _, _ in FC.forecast_tables(res):
        glued |= {key, f"{key}-csv"}
    assert _page_keys("ch5-forecast.md", "ch5_") | _page_keys("ch5-forecast.md", "fig-") \
        | _page_keys("ch5-forecast.md", "tbl-") <= glued


def test_every_text_the_backtest_and_methods_pages_refer_to_is_glued(res):
    bt = set(NB.glue_values(res))
    bt |= {f"fig-backtest-{name}" for name, _, _ in FC.backtest_figures(res)}
    for key, _, _ in FC.backtest_tables(res):
        bt |= {key, f"{key}-csv"}
    assert _page_keys("backtest.md", "bt_") | _page_keys("backtest.md", "fig-") <= bt
    methods = NM.glue_values(res, params.validate(SMALL))
    assert _page_keys("methods.md", "methods_") <= set(methods) | {"methods_assumptions",
                                                                  "methods_candidates"}
    assert methods["methods_weight_projection"] == NF.glue_values(res)["ch5_weight"]
    assert methods["methods_changed"] == "mc_draws = 200"


def test_the_forecast_pages_text_follows_the_numbers(res):
    values = NF.glue_values(res)
    h = res.headline.get("combined", "2027")
    assert values["ch5_comb_2027_inside"] in values["ch5_comb_2027_a_inside"]
    assert values["ch5_top_param"] == str(res.oat.iloc[0]["label"])
    assert values["ch5_hb_origins"] == str(len(res.headline_backtest.origins))
    assert values["ch5_draws"] == "200" and h["level_pct"] == 80.0
    verdict = "too short" if res.headline_backtest.too_short else "long enough"
    assert values["ch5_hb_verdict"].startswith(verdict)


def test_charts_and_tables_build_with_alt_texts(res):
    for name, chart, alt_text in FC.forecast_figures(res) + FC.backtest_figures(res):
        assert re.fullmatch(r"[a-z0-9-]+", name) and alt_text.strip()
        assert chart.to_dict()  # a valid Vega-Lite specification
    observed = dict((name, styler) for _, name, styler in FC.forecast_tables(res))["observed"]
    assert len(observed.data) == len(res.further_rounds)
    assert "undisclosed" in set(observed.data["roles (low)"]) or \
        res.further_rounds["roles_low"].notna().all()


def test_the_ledger_row_reads_the_headline_from_the_results(res):
    row = ledger.forecast_row(res)
    c26, c27 = res.headline.get("combined", "2026"), res.headline.get("combined", "2027")
    assert row.verdict == ledger.forecast_judgement(float(c27["prob_inside"]),
                                                    float(c26["prob_inside"])).verdict
    assert f"a {NF.glue_values(res)['ch5_weight']} weight" in row.evidence

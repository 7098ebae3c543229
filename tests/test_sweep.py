"""The assumption sweep: grid validation, common random numbers, executors, reuse, CLI."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import __main__ as cli
from analysis import data, params
from analysis.models import headline, sweep
from analysis.params import ParameterError, ScenarioError
from analysis.site import results

SMALL = sweep.SweepGrid(levels=(("ai_adoption_midpoint_year", (2027.0, 2029.0)),
                                ("eu_brake_strength_pct", (20.0, 80.0))), draws=300)


@pytest.fixture(scope="module")
def inputs():
    return data.load_job_families(), data.load_layoff_rounds()


@pytest.fixture(scope="module")
def small_table(inputs):
    families, events = inputs
    return sweep.run_sweep(params.validate({}), families, events, SMALL)


def test_default_grid_is_valid_and_holds_the_defaults():
    grid = sweep.validate_grid(sweep.DEFAULT_GRID)
    assert 4 <= len(grid.names) <= 6
    for name, levels in grid.levels:
        assert 4 <= len(levels) <= 6
        assert params.SCHEMA[name].default in levels


def test_grid_for_adds_the_builds_own_value():
    p = params.validate({"ai_adoption_midpoint_year": 2031.0, "sweep_draws_per_point": 700})
    grid = sweep.grid_for(p)
    assert 2031.0 in dict(grid.levels)["ai_adoption_midpoint_year"]
    assert grid.draws == 700


@pytest.mark.parametrize(("levels", "message"), [
    ((("no_such_parameter", (1.0,)),), "unknown parameter 'no_such_parameter'"),
    ((("ai_adoption_ceiling_pct", (50.0, 150.0)),), "level 150.0 of 'ai_adoption_ceiling_pct'"),
    ((("as_of", ("2026-01-01",)),), "not numeric"),
    ((("exposure_multiplier", (1.0, 1.0)),), "repeats a level"),
    ((), "names no parameter"),
])
def test_grid_refuses_bad_levels(levels, message):
    with pytest.raises(ParameterError, match=message):
        sweep.validate_grid(sweep.SweepGrid(levels=levels, draws=300), where="g.yaml")


def test_grid_refuses_bad_draws():
    with pytest.raises(ParameterError, match="'draws'"):
        sweep.validate_grid(sweep.SweepGrid(levels=SMALL.levels, draws=5))


def test_load_grid_from_yaml(tmp_path):
    path = tmp_path / "g.yaml"
    path.write_text("parameters:\n  exposure_multiplier: [1.25, 0.75]\ndraws: 400\n")
    grid = sweep.load_grid(path)
    assert grid.levels == (("exposure_multiplier", (0.75, 1.25)),)
    assert grid.draws == 400


@pytest.mark.parametrize(("body", "message"), [
    ("parameters: [1, 2]\n", "expected a mapping"),
    ("parameters:\n  exposure_multiplier: 1.0\n", "must be a list"),
    ("parameters:\n  exposure_multiplier: [1.0]\nextra: 1\n", "unknown key"),
    ("parameters: {a: [1\n", r"g\.yaml:\d+:\d+: not valid YAML"),
])
def test_load_grid_names_the_file_and_problem(tmp_path, body, message):
    path = tmp_path / "g.yaml"
    path.write_text(body)
    with pytest.raises(ScenarioError, match=message):
        sweep.load_grid(path)


def test_each_point_equals_the_headline_with_those_overrides(inputs, small_table):
    families, events = inputs
    point = {"ai_adoption_midpoint_year": 2029.0, "eu_brake_strength_pct": 20.0}
    # The models' weight is held at the build's fitted value for every point.
    weight_pct, source, _ = headline.resolve_weight(params.validate({}), families, events)
    assert source == "fitted"
    direct = headline.compute_headline(params.validate(
        {**point, "mc_draws": 300, "headline_weight_projection_pct": weight_pct}),
        families, events)
    assert direct.weight_pct == weight_pct
    rows = small_table[(small_table["ai_adoption_midpoint_year"] == 2029.0)
                       & (small_table["eu_brake_strength_pct"] == 20.0)]
    for reading in ("2026", "2027"):
        row = rows[rows["reading"] == reading].iloc[0]
        ref = direct.get("combined", reading)
        for col in ("median", "lower", "upper", "prob_inside"):
            assert row[col] == pytest.approx(ref[col], rel=1e-12, abs=1e-12)


def test_every_point_is_exactly_the_builds_combined_headline(inputs, small_table):
    # The sweep skips the headline's frames (headline.combined_at); its numbers must not move.
    families, events = inputs
    weight_pct, _, _ = headline.resolve_weight(params.validate({}), families, events)
    for point in sweep.grid_points(SMALL):
        direct = headline.compute_headline(params.validate(
            {**point, "mc_draws": 300, "headline_weight_projection_pct": weight_pct}),
            families, events)
        mask = np.logical_and.reduce([small_table[k] == v for k, v in point.items()])
        for reading in ("2026", "2027"):
            row = small_table[mask & (small_table["reading"] == reading)].iloc[0]
            ref = direct.get("combined", reading)
            assert [row[c] for c in sweep.SUMMARY_COLUMNS] == [ref[c] for c in
                                                               sweep.SUMMARY_COLUMNS]


def test_common_random_numbers_isolate_the_assumption(small_table):
    # The EU brake applies from late 2027: with common random numbers it cannot move the
    # "before 1 Jan 2027" reading at all, only the 2027 one.
    early = small_table[small_table["reading"] == "2026"]
    by_mid = early.groupby("ai_adoption_midpoint_year")["median"].nunique()
    assert (by_mid == 1).all()


def test_table_is_tidy_and_quantiles_are_ordered(small_table):
    assert len(small_table) == SMALL.size * 2
    assert list(small_table["point"]) == sorted(small_table["point"])
    qcols = [c for c in small_table.columns if c.startswith("q")]
    assert len(qcols) == len(sweep.QUANTILE_LEVELS)
    assert (np.diff(small_table[qcols].to_numpy(), axis=1) >= 0).all()
    probs = small_table[["prob_below", "prob_inside", "prob_above"]].sum(axis=1)
    assert np.allclose(probs, 1.0)


def test_same_seed_same_table_any_executor(inputs, small_table):
    families, events = inputs
    with ThreadPoolExecutor(max_workers=2) as pool:
        again = sweep.run_sweep(params.validate({}), families, events, SMALL, pool)
    pd.testing.assert_frame_equal(again, small_table)


def test_dask_local_cluster_gives_identical_results(inputs, small_table):
    distributed = pytest.importorskip("distributed")
    families, events = inputs
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        table = sweep.run_sweep(params.validate({}), families, events, SMALL,
                                client.get_executor())
    pd.testing.assert_frame_equal(table, small_table)


def test_results_are_reused_while_inputs_are_unchanged(tmp_path):
    p = params.validate({})
    first = results.sweep_results(p, SMALL, results_dir=tmp_path)
    second = results.sweep_results(p, SMALL, results_dir=tmp_path)
    assert not first.reused and second.reused
    pd.testing.assert_frame_equal(first.table, second.table, check_dtype=False)
    other = results.sweep_results(params.validate({"seed": 7}), SMALL, results_dir=tmp_path)
    assert not other.reused
    prov = json.loads((first.path / results.PROVENANCE_FILE).read_text())
    assert prov["parameters"]["seed"] == p.seed
    assert prov["point_base"]["headline_weight_projection_pct"] is not None
    assert prov["grid"] == SMALL.to_dict()
    assert "data/layoff_rounds.csv" in prov["data_checksums"]
    # The run's grid and its view of the parameters: the sweep's own, and no others.
    assert first.grid == sweep.validate_grid(SMALL) and second.grid == first.grid
    assert set(second.params) == set(sweep.PARAMETERS) and second.params.seed == p.seed
    with pytest.raises(AttributeError):
        second.params.cost_per_employee_usd_k  # noqa: B018


def test_sweep_key_moves_with_data_checksums():
    p = params.validate({})
    env = results.source_environment()
    changed = {**env, "data": {**env["data"], "data/layoff_rounds.csv": "0" * 64}}
    assert results.sweep_key(p, SMALL, env) != results.sweep_key(p, SMALL, changed)


def test_cli_sweep_writes_table_and_provenance(tmp_path, capsys):
    grid = tmp_path / "g.yaml"
    grid.write_text("parameters:\n  exposure_multiplier: [0.75, 1.25]\ndraws: 200\n")
    code = cli.main(["sweep", "--grid", str(grid), "--executor", "serial",
                     "--out", str(tmp_path / "out")])
    assert code == 0
    out = Path(capsys.readouterr().out.split(" (")[0])
    table = pd.read_csv(out)
    assert set(table["exposure_multiplier"]) == {0.75, 1.25}
    assert (out.parent / results.PROVENANCE_FILE).exists()


@pytest.mark.parametrize("argv", [
    ["sweep", "-p", "nope=1"],
    ["sweep", "--grid", "/nonexistent/grid.yaml"],
    ["sweep", "--workers", "0"],
    ["sweep", "--executor", "processes", "--scheduler", "tcp://127.0.0.1:1"],
])
def test_cli_sweep_bad_input_exits_2(argv, capsys):
    assert cli.main(argv) == 2
    assert capsys.readouterr().err.startswith("error:")

"""The parameter schema: validation, scenarios, precedence and the CLI's exit codes."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from analysis import params
from analysis.__main__ import main
from analysis.site.steps import timeouts
from tests.inputs import HOSTILE

REPO = Path(__file__).resolve().parent.parent


def test_every_parameter_documents_unit_default_source_and_bounds():
    for spec in params.SCHEMA.values():
        assert spec.unit and spec.description and spec.source and spec.group, spec.name
        assert spec.coerce(spec.default) == spec.default, spec.name
        if spec.kind in ("int", "float", "date"):
            assert spec.low is not None and spec.high is not None, spec.name
        if spec.mc_spread is not None:
            assert spec.kind in ("int", "float") and spec.mc_source, spec.name


def test_design_parameters_are_covered():
    """DESIGN.md §4 lists the parameters the schema must have."""
    required = {
        "as_of", "horizon_end", "corporate_headcount_base", "cost_per_employee_usd_k",
        "attrition_rate_pct", "rto_attrition_uplift_pct", "backfill_rate_pct",
        "ai_adoption_midpoint_year", "ai_adoption_steepness_per_year", "ai_adoption_ceiling_pct",
        "exposure_multiplier", "manager_ratio_change_pct", "eu_workforce_share_pct",
        "eu_brake_lead_months", "eu_brake_strength_pct", "capex_path", "mc_draws", "seed",
    }
    assert required <= set(params.SCHEMA)


def test_validate_fills_defaults_and_coerces_strings():
    p = params.validate({"mc_draws": "1_000", "include_unreliable": "true", "as_of": "2026-03-31"})
    assert p.mc_draws == 1000 and p.include_unreliable is True and p.as_of == "2026-03-31"
    assert p.seed == params.SCHEMA["seed"].default
    assert p.changed() == {"mc_draws": 1000, "include_unreliable": True, "as_of": "2026-03-31"}


@pytest.mark.parametrize(
    ("values", "fragment"),
    [
        ({"mc_drawz": 5}, "unknown parameter 'mc_drawz' (did you mean 'mc_draws'?)"),
        ({"mc_draws": "many"}, "parameter 'mc_draws': cannot use 'many'"),
        ({"mc_draws": 10}, "parameter 'mc_draws': 10 is out of bounds; allowed: int from 100"),
        ({"attrition_rate_pct": -1}, "parameter 'attrition_rate_pct': -1.0 is out of bounds"),
        ({"mc_draws": 2.5}, "parameter 'mc_draws': cannot use 2.5"),
        ({"include_unreliable": "maybe"}, "parameter 'include_unreliable'"),
        ({"capex_path": "hope"}, "parameter 'capex_path': 'hope' is not allowed; allowed: one of"),
        ({"as_of": "2026-13-01"}, "parameter 'as_of': cannot use '2026-13-01'"),
        ({"as_of": "2027-06-30", "horizon_end": "2027-03-31"}, "parameter 'horizon_end'"),
        ({"ai_adoption_current_pct": 50, "ai_adoption_ceiling_pct": 40},
         "parameter 'ai_adoption_ceiling_pct'"),
    ],
)
def test_bad_values_name_the_parameter_and_what_is_allowed(values, fragment):
    with pytest.raises(params.ParameterError) as info:
        params.validate(values)
    assert fragment in str(info.value)


def test_precedence_cli_over_scenario_over_defaults():
    p = params.resolve("regulatory-brake", {"eu_brake_strength_pct": "10"})
    assert p.scenario == "regulatory-brake"
    assert p.eu_brake_start == "2026-08-02"  # from the scenario
    assert p.eu_brake_strength_pct == 10.0  # CLI wins over the scenario's 85
    assert p.seed == params.SCHEMA["seed"].default  # default


def test_shipped_scenarios_validate():
    names = params.list_scenarios()
    assert {"baseline", "accelerated-automation", "regulatory-brake"} <= set(names)
    for name in names:
        params.resolve(name)


def test_malformed_scenario_names_file_line_and_column(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nparameters:\n  seed: [1, 2\n", encoding="utf-8")
    with pytest.raises(params.ScenarioError, match=r"bad\.yaml:\d+:\d+: malformed YAML"):
        params.load_scenario(bad)


def test_scenario_with_unknown_parameter_is_an_error(tmp_path):
    bad = tmp_path / "typo.yaml"
    bad.write_text("name: typo\nparameters:\n  seeed: 3\n", encoding="utf-8")
    with pytest.raises(params.ScenarioError, match="typo.yaml: unknown parameter 'seeed'"):
        params.load_scenario(bad)


def test_unknown_scenario_lists_the_known_ones():
    with pytest.raises(params.ScenarioError, match="known scenarios: .*baseline"):
        params.load_scenario("nonexistent")


@pytest.mark.parametrize(
    "argv",
    [
        ["build", "-p", "nope=1"],
        ["build", "-p", "mc_draws=abc"],
        ["build", "-p", "mc_draws=1"],
        ["build", "-p", "seed"],
        ["build", "--scenario", "nonexistent"],
        ["build", "-p", "capex_path=<script>alert(1)</script>"],
        ["build", "-p", "as_of={raw:html}`<b>x</b>`"],
        ["build", "--archive", "../evil"],
        ["build", "--archive", "<img src=x onerror=alert(1)>"],
    ],
)
def test_cli_bad_input_exits_2_with_a_short_message(argv, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and len(err.splitlines()) == 1


def test_cli_bad_input_leaves_the_published_site_untouched(tmp_path):
    """The parameter check runs before anything is built or moved."""
    site = REPO / "_build" / "html"
    before = sorted(p.stat().st_mtime_ns for p in site.rglob("*")) if site.exists() else None
    proc = subprocess.run([sys.executable, "-m", "analysis", "build", "-p", "seed=-1"],
                          cwd=REPO, capture_output=True, text=True, check=False)
    assert proc.returncode == 2 and "parameter 'seed'" in proc.stderr
    after = sorted(p.stat().st_mtime_ns for p in site.rglob("*")) if site.exists() else None
    assert before == after


@pytest.mark.parametrize(
    ("doc", "fragment"),
    [
        ("name: Baseline\n", "field 'name': 'Baseline' is not a scenario name"),
        ("name: '-x'\n", "field 'name'"),
        ("name: 'a b'\n", "field 'name'"),
        ("name: 42\n", "field 'name'"),
        ("name: ok\ntitle: [a, b]\n", "field 'title': expected text"),
        ("name: ok\ntitle: \"two\\nlines\"\n", "field 'title': control or format character"),
        ("name: ok\ndescription: \"bidi \\u202e override\"\n", "field 'description': control"),
        ("name: ok\ntitle: " + "x" * 121 + "\n", "field 'title': 121 characters"),
    ],
)
def test_scenario_name_must_be_a_slug_and_texts_plain(tmp_path, doc, fragment):
    path = tmp_path / "s.yaml"
    path.write_text(doc + "parameters: {}\n", encoding="utf-8")
    with pytest.raises(params.ScenarioError) as info:
        params.load_scenario(path)
    assert str(info.value).startswith(f"{path}: ") and fragment in str(info.value)


def test_environment_timeouts_are_checked(monkeypatch, capsys):
    monkeypatch.setenv("AMZN_REPORT_TIMEOUTS", "pdf=soon")
    assert main(["build"]) == 2
    assert "AMZN_REPORT_TIMEOUTS: pdf='soon' is not a number" in capsys.readouterr().err


def test_timeouts_come_from_the_environment_and_are_checked():
    assert timeouts(environ={"AMZN_REPORT_TIMEOUTS": "pdf=7, sphinx=9"})["pdf"] == 7.0
    assert timeouts({"pdf": 3}, environ={"AMZN_REPORT_TIMEOUTS": "pdf=7"})["pdf"] == 3.0
    for bad in ("nope=3", "pdf=x", "pdf=0"):
        with pytest.raises(ValueError, match="AMZN_REPORT_TIMEOUTS"):
            timeouts(environ={"AMZN_REPORT_TIMEOUTS": bad})


@pytest.mark.parametrize("raw", [s for s in HOSTILE if not re.fullmatch(r"[a-z0-9-]+", s)])
def test_hostile_scenario_name_exits_2_naming_file_and_field(tmp_path, raw, capsys):
    path = tmp_path / "evil.yaml"
    path.write_text(yaml.safe_dump({"name": raw, "parameters": {}}), encoding="utf-8")
    assert main(["build", "--scenario", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {path}: field 'name': ") and len(err.splitlines()) == 1


def test_params_listing_shows_every_parameter(capsys):
    assert main(["params"]) == 0
    out = capsys.readouterr().out
    for name in params.SCHEMA:
        assert name in out


def test_citation_file_version_matches_the_package():
    import analysis

    cff = (REPO / "CITATION.cff").read_text(encoding="utf-8")
    assert f"version: {analysis.__version__}\n" in cff


def test_every_parameter_has_a_short_human_label():
    labels = [spec.label for spec in params.SCHEMA.values()]
    for spec in params.SCHEMA.values():
        assert spec.label, f"{spec.name} has no label in analysis.params.LABELS"
        assert "_" not in spec.label and len(spec.label) <= 28, (spec.name, spec.label)
        assert params.label(spec.name) == spec.label
    assert len(set(labels)) == len(labels), "two parameters share a label"
    assert set(params.LABELS) <= set(params.SCHEMA), "a label names no parameter"


def test_label_of_an_unknown_name_is_an_error():
    with pytest.raises(KeyError, match="no label"):
        params.label("not_a_parameter")


def test_params_survive_pickle_and_copy():
    """The results cache pickles results that hold their parameters."""
    import copy
    import pickle

    p = params.validate({"mc_draws": 123}, scenario="x")
    for q in (pickle.loads(pickle.dumps(p)), copy.deepcopy(p)):
        assert q == p and q.mc_draws == 123 and q.scenario == "x"
    with pytest.raises(AttributeError):
        p.not_a_parameter  # noqa: B018


def test_a_view_of_some_parameters_refuses_to_read_the_others():
    """What a page hands on from a partial parameter set cannot see a default by mistake."""
    p = params.validate({"seed": 7, "cost_per_employee_usd_k": 200.0})
    view = p.only(["seed", "mc_draws"])
    assert view.seed == 7 and view["mc_draws"] == p.mc_draws and set(view) == {"seed", "mc_draws"}
    with pytest.raises(AttributeError):
        view.cost_per_employee_usd_k  # noqa: B018
    with pytest.raises(KeyError):
        view["cost_per_employee_usd_k"]
    with pytest.raises(KeyError):
        p.only(["not_a_parameter"])

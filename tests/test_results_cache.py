"""The results cache: each registered result is computed once per set of its inputs."""

from __future__ import annotations

import shutil
import sys
import textwrap
from pathlib import Path

import pytest

from analysis import params
from analysis.site import results

FAKE = textwrap.dedent('''
    """A fake computation: counts its calls in a file so a test can see recomputation."""
    from pathlib import Path

    PARAMETERS = ("seed", "mc_draws")
    CALLS = Path(__file__).with_suffix(".calls")


    def compute(params, data_dir):
        CALLS.write_text(CALLS.read_text() + "x" if CALLS.exists() else "x")
        return {"seed": params.seed, "draws": params.mc_draws}
''')


@pytest.fixture
def fake(tmp_path, monkeypatch):
    """A registered fake result and a scratch tree with a data folder."""
    mod_dir = tmp_path / "mods"
    mod_dir.mkdir()
    (mod_dir / "fake_result_mod.py").write_text(FAKE)
    monkeypatch.syspath_prepend(str(mod_dir))
    sys.modules.pop("fake_result_mod", None)
    monkeypatch.setitem(results.COMPUTATIONS, "fake", "fake_result_mod")
    root = tmp_path / "tree"
    (root / "data").mkdir(parents=True)
    (root / "data" / "table.csv").write_text("a\n1\n")
    return root, mod_dir / "fake_result_mod.calls"


def test_computed_once_then_read(fake):
    root, calls = fake
    p = params.validate({"seed": 7})
    first = results.get("fake", p, root=root)
    second = results.get("fake", p, root=root)
    assert first == second == {"seed": 7, "draws": p.mc_draws}
    assert calls.read_text() == "x"
    assert results.ensure("fake", p, root=root) is True  # stored: reused


def test_only_the_results_parameters_enter_the_key(fake):
    root, calls = fake
    results.get("fake", params.validate(), root=root)
    results.get("fake", params.validate({"attrition_rate_pct": 20.0}), root=root)
    assert calls.read_text() == "x"  # not one of PARAMETERS: the stored result is reused
    results.get("fake", params.validate({"seed": 8}), root=root)
    assert calls.read_text() == "xx"


def test_a_data_edit_invalidates(fake):
    root, calls = fake
    results.get("fake", params.validate(), root=root)
    (root / "data" / "table.csv").write_text("a\n2\n")
    results.get("fake", params.validate(), root=root)
    assert calls.read_text() == "xx"


def test_unknown_result_names_the_known_ones(fake):
    root, _ = fake
    with pytest.raises(KeyError, match="fake"):
        results.get("nope", params.validate(), root=root)


def test_narrative_charts_and_site_are_not_inputs(tmp_path):
    package = Path(results.__file__).resolve().parent.parent
    copy = tmp_path / "analysis"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
    before = results.computation_source(copy)
    assert any(k.startswith("models/") for k in before)
    assert not any(k.split("/")[0] in ("narrative", "charts", "site") for k in before)
    (copy / "narrative" / "glossary.py").write_text("# edited\n", encoding="utf-8")
    (copy / "site" / "diff.py").write_text("# edited\n", encoding="utf-8")
    assert results.computation_source(copy) == before
    (copy / "models" / "rounds.py").write_text("# edited\n", encoding="utf-8")
    assert results.computation_source(copy) != before


DEPENDENT = textwrap.dedent('''
    """A fake computation that takes the stored fake result as an input."""
    from pathlib import Path

    PARAMETERS = ("seed", "mc_draws", "attrition_rate_pct")
    INPUTS = ("fake",)
    CALLS = Path(__file__).with_suffix(".calls")


    def compute(params, data_dir, *, fake):
        CALLS.write_text(CALLS.read_text() + "y" if CALLS.exists() else "y")
        return {"input": fake, "attrition": params.attrition_rate_pct}
''')


def test_a_result_reads_its_inputs_from_the_store(fake, monkeypatch):
    root, calls = fake
    mod_dir = calls.parent
    (mod_dir / "dependent_result_mod.py").write_text(DEPENDENT)
    sys.modules.pop("dependent_result_mod", None)
    monkeypatch.setitem(results.COMPUTATIONS, "dependent", "dependent_result_mod")
    dep_calls = mod_dir / "dependent_result_mod.calls"
    first = results.get("dependent", params.validate({"seed": 3}), root=root)
    assert first["input"] == {"seed": 3, "draws": params.validate().mc_draws}
    assert calls.read_text() == "x" and dep_calls.read_text() == "y"  # the input was stored
    # A parameter only the dependent reads: it is computed again, its input is read back.
    moved = results.get("dependent", params.validate({"seed": 3, "attrition_rate_pct": 20.0}),
                        root=root)
    assert moved["input"] == first["input"] and moved["attrition"] == 20.0
    assert calls.read_text() == "x" and dep_calls.read_text() == "yy"


def test_every_result_depends_on_the_parameters_of_its_inputs():
    # Otherwise a stored result would outlive a change of one of its inputs.
    for name in results.COMPUTATIONS:
        module = results._module(name)
        for dep in getattr(module, "INPUTS", ()):
            assert set(results.parameters_of([dep])) <= set(results.parameters_of([name])), \
                (name, dep)

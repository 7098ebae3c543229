"""The package's layers run one way (issue 14): import-linter contracts in pyproject.toml."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# The toy package of the second test is found through sys.path[0] = the working directory.
RUN = ("import sys; sys.path.insert(0, '.'); from importlinter.cli import lint_imports; "
       "sys.exit(lint_imports(config_filename=sys.argv[1], no_cache=True, no_logo=True))")


def _lint(config: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", RUN, str(config)], cwd=cwd,
                          capture_output=True, text=True, timeout=300, check=False)


def test_package_layers_are_kept():
    run = _lint(REPO / "pyproject.toml", REPO)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "0 broken" in run.stdout


def test_a_wrong_way_import_breaks_the_contract(tmp_path):
    """The same contract on a two-layer toy package fails when the lower layer imports up."""
    pkg = tmp_path / "toy"
    (pkg / "models").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "models" / "__init__.py").write_text("from toy import site  # wrong way\n")
    (pkg / "site.py").write_text("from toy import models\n")
    config = tmp_path / "contract.toml"
    config.write_text(textwrap.dedent("""
        [tool.importlinter]
        root_package = "toy"

        [[tool.importlinter.contracts]]
        name = "toy layers"
        type = "layers"
        layers = ["toy.site", "toy.models"]
    """))
    run = _lint(config, tmp_path)
    assert run.returncode != 0, run.stdout + run.stderr
    assert "toy.models is not allowed to import toy.site" in run.stdout

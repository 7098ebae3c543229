"""The test suite's own rules: no test imports another, and every test is in one tier.

Shared inputs live in ``tests/inputs.py`` (and the checkers in ``prose_check.py`` and
``quote_check.py``), shared fixtures in ``tests/conftest.py``, and what scripts also need in
the package (``analysis.site.scratch``); the tier rules are in the root ``conftest.py``.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
TESTS = REPO / "tests"


def imported_modules(path: Path) -> set[str]:
    """Every module ``path`` imports, at any depth (``from a import b`` gives a and a.b)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def is_test_module(name: str) -> bool:
    """A test module or a conftest, by import name (``tests.test_x``, ``conftest``)."""
    last = name.rsplit(".", 1)[-1]
    return last.startswith("test_") or last == "conftest"


def test_no_test_module_imports_another_test_module_or_a_conftest():
    bad = {}
    for path in sorted(TESTS.glob("*.py")) + [REPO / "conftest.py"]:
        wrong = sorted(m for m in imported_modules(path)
                       if is_test_module(m) and (m.startswith("tests.") or "." not in m))
        if wrong:
            bad[path.name] = wrong
    assert bad == {}, f"move what they share to tests/inputs.py or a conftest fixture: {bad}"


def test_scripts_and_the_package_do_not_import_the_tests():
    bad = {}
    for path in sorted((REPO / "scripts").glob("*.py")) + sorted(
            (REPO / "analysis").rglob("*.py")):
        wrong = sorted(m for m in imported_modules(path)
                       if m == "tests" or m.startswith("tests.") or is_test_module(m))
        if wrong:
            bad[str(path.relative_to(REPO))] = wrong
    assert bad == {}, f"what scripts need from the tests belongs in the package: {bad}"


def test_a_module_that_builds_the_site_is_in_the_site_tier():
    """The fixtures' tiers are checked at collection; a direct call of the build is not."""
    for path in sorted(TESTS.glob("test_*.py")):
        if "analysis.site.build.build" in imported_modules(path):
            text = path.read_text(encoding="utf-8")
            assert "pytestmark = pytest.mark.site" in text, path.name


def test_the_helpers_detect_what_they_should(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("import tests.test_a\nfrom tests import conftest\n"
                      "from tests.inputs import X\ndef f():\n    from tests.test_b import y\n",
                      encoding="utf-8")
    wrong = sorted(m for m in imported_modules(sample) if is_test_module(m))
    assert wrong == ["tests.conftest", "tests.test_a", "tests.test_b"]


BAD_TIERS = '''
import pytest
from hypothesis import given, strategies as st

pytestmark = pytest.mark.site


@given(st.integers())
def test_generated_in_the_site_tier(x):
    pass


@pytest.mark.page
def test_two_tiers():
    pass
'''

BAD_FIXTURE = '''
import pytest


def test_unit_asking_for_chromium(browser):
    pass


@pytest.mark.property
def test_marked_property_without_given():
    pass
'''

GOOD = '''
import pytest
from hypothesis import given, strategies as st


def test_plain():
    pass


@given(st.integers())
def test_generated(x):
    pass
'''


def _collect(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Collect ``folder`` with the repository's pytest configuration and tier rules."""
    (folder / "conftest.py").write_text((REPO / "conftest.py").read_text(encoding="utf-8"),
                                        encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-c", str(REPO / "pyproject.toml"), "--rootdir",
         str(folder), "-p", "no:cacheprovider", "--collect-only", *args, str(folder)],
        cwd=folder, capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.parametrize(("source", "expected"), [
    (BAD_TIERS, ["test_generated_in_the_site_tier is a hypothesis test in the site tier",
                 "test_two_tiers has 2 tiers (page, site)"]),
    (BAD_FIXTURE, ["test_unit_asking_for_chromium uses the fixture 'browser'",
                   "test_marked_property_without_given is marked property but is not a "
                   "hypothesis"]),
    ("import pytest\n\n@pytest.mark.sitee\ndef test_typo():\n    pass\n",
     ["'sitee' not found in `markers`"]),
], ids=["hypothesis-and-two-tiers", "fixture-and-property", "unregistered-marker"])
def test_collection_stops_on_a_test_outside_the_tier_rules(tmp_path, source, expected):
    (tmp_path / "test_sample.py").write_text(textwrap.dedent(source), encoding="utf-8")
    run = _collect(tmp_path)
    assert run.returncode != 0
    for fragment in expected:
        assert fragment in run.stdout + run.stderr, run.stdout + run.stderr


def test_every_test_gets_one_tier_and_m_selects_by_it(tmp_path):
    (tmp_path / "test_sample.py").write_text(GOOD, encoding="utf-8")
    assert _collect(tmp_path, "-m", "unit").stdout.split()[0].endswith("::test_plain")
    assert _collect(tmp_path, "-m", "property").stdout.split()[0].endswith("::test_generated")
    assert "::test_" not in _collect(tmp_path, "-m", "site").stdout

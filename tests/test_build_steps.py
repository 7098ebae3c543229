"""Every external step of the build fails by name: failing and hung stubs of papermill,
vl-convert (chart export and the Vega bundle), Jupyter Book and Chromium.

Each stub is put in front of the real one (a module on PYTHONPATH, a command on PATH); the
build must stop with one line naming the step and what to do, and the published site must stay
byte for byte as it was.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from analysis import params
from analysis.site.build import build
from analysis.site.steps import STEPS, StepError
from tests.inputs import BRIEFING_DRAWS

pytestmark = pytest.mark.site

HANG = "import pathlib, time\npathlib.Path({hung!r}).touch()\ntime.sleep(600)\n"
FAIL = "raise RuntimeError('stub failure')\n"

# step -> (files of the stub, relative to its folder, as text with {body}; put on PATH?)
STUBS: dict[str, tuple[dict[str, str], bool]] = {
    "papermill": ({"papermill/__init__.py": "def execute_notebook(*a, **k):\n{body}",
                   "papermill/exceptions.py": "class PapermillExecutionError(Exception):\n"
                                              "    pass\n"}, False),
    "vl-convert": ({"vl_convert.py": "def vegalite_to_svg(*a, **k):\n{body}"
                                     "vegalite_to_png = vegalite_to_svg\n"}, False),
    "vega-bundle": ({"vl_convert.py": "def javascript_bundle(*a, **k):\n{body}"}, False),
    "sphinx": ({"jupyter_book/__init__.py": "", "jupyter_book/cli/__init__.py": "",
                "jupyter_book/cli/main.py": "def main():\n    print('WARNING: stub')\n{body}"},
               False),
    "pdf": ({"chromium": "#!/bin/sh\n{body}"}, True),
}
SHELL = {"hang": "touch {hung}\nsleep 600\n",
         "fail": "echo 'stub chromium failure' >&2\nexit 3\n"}
PAGE_STEPS = ("papermill", "vl-convert")
# Short enough for a quick test, long enough for the stub to start on a loaded machine (a
# step's clock starts when its worker or process starts).
SMALL_TIMEOUT_S = {"papermill": 8.0, "vl-convert": 8.0, "vega-bundle": 8.0, "sphinx": 8.0,
                   "pdf": 8.0}


def _write_stub(folder: Path, step: str, mode: str) -> Path:
    """Write the stub; return the file a hung stub touches (so the test knows it ran)."""
    files, on_path = STUBS[step]
    hung = folder / "hung"
    for rel, template in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if on_path:
            body = SHELL[mode].format(hung=hung)
        else:
            body = textwrap.indent((HANG if mode == "hang" else FAIL).format(hung=str(hung)),
                                   "    ")
        path.write_text(template.format(body=body), encoding="utf-8")
        if on_path:
            path.chmod(0o755)
    return hung


@pytest.fixture(scope="module")
def one_page(small_build, copy_built, tmp_path_factory) -> Path:
    """A copy of the session's one-page book, built and published with the defaults: every
    step but the PDF (which prints the briefing) fails on it."""
    return copy_built(small_build, tmp_path_factory.mktemp("steps") / "repo")


@pytest.fixture(scope="module")
def with_briefing(briefing_build, copy_built, tmp_path_factory) -> Path:
    """A copy of the session's briefing-only book (``BRIEFING_DRAWS``): for the PDF step."""
    return copy_built(briefing_build, tmp_path_factory.mktemp("steps-pdf") / "repo")


#: The parameters each of those was built with, so that a build with them reuses its cache.
BUILT_WITH = {"one_page": {}, "with_briefing": BRIEFING_DRAWS}


@pytest.mark.parametrize("mode", ["fail", "hang"])
@pytest.mark.parametrize("step", list(STUBS))
def test_failing_or_hung_step_is_named_and_the_site_is_kept(request, tmp_path, monkeypatch,
                                                             tree_digest, step, mode):
    if step == "pdf" and shutil.which("chromium") is None:
        pytest.skip("no chromium: the PDF step does not run")
    tree = "with_briefing" if step == "pdf" else "one_page"
    built = request.getfixturevalue(tree)
    stub = tmp_path / "stub"
    hung = _write_stub(stub, step, mode)
    if STUBS[step][1]:
        monkeypatch.setenv("PATH", f"{stub}{os.pathsep}{os.environ['PATH']}")
    else:
        # Subprocesses read PYTHONPATH; spawned page workers get this process's sys.path.
        monkeypatch.setenv("PYTHONPATH", f"{stub}{os.pathsep}{os.environ.get('PYTHONPATH', '')}")
        monkeypatch.syspath_prepend(str(stub))
    if step == "vega-bundle":
        for cached in (built / "_build" / "cache").glob("vega-bundle-*"):
            cached.unlink()
    site = built / "_build" / "html"
    before = tree_digest(site)
    with pytest.raises(StepError) as info:
        build(params.validate(BUILT_WITH[tree]), root=built, stream=None,
              use_cache=step not in PAGE_STEPS,
              step_timeouts_s={step: SMALL_TIMEOUT_S[step]})
    message = str(info.value)
    assert info.value.step == step
    assert "\n" not in message and message.startswith(STEPS[step][0])
    assert STEPS[step][1] in message and "the published site is unchanged" in message
    if mode == "hang":
        assert f"timed out after {SMALL_TIMEOUT_S[step]:g} s" in message
        assert hung.exists()  # it was the stub that hung, not a slow real step
    else:
        assert "failed" in message and "stub" in message
    assert tree_digest(site) == before


def _driver(root: Path, *argv: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    code = ("import sys; from pathlib import Path; import analysis.site.build as b; "
            "b.repo_root = lambda: Path(sys.argv[1]); from analysis.__main__ import main; "
            "sys.exit(main(sys.argv[2:]))")
    return subprocess.run([sys.executable, "-c", code, str(root), *argv], cwd=root, env=env,
                          capture_output=True, text=True, timeout=900, check=False)


def test_cli_prints_one_line_and_debug_prints_the_traceback(one_page, tmp_path):
    built = one_page
    stub = tmp_path / "stub"
    _write_stub(stub, "sphinx", "fail")
    env = {**os.environ, "PYTHONPATH": str(stub)}
    plain = _driver(built, "build", env=env)
    assert plain.returncode == 1
    lines = plain.stderr.strip().splitlines()
    assert lines == [lines[0]] and lines[0].startswith("error: site rendering")
    assert "Traceback" not in plain.stderr
    debug = _driver(built, "build", "--debug", env=env)
    assert debug.returncode == 1 and "Traceback" in debug.stderr
    assert "WARNING: stub" in debug.stderr  # the step's full log
    assert debug.stderr.strip().splitlines()[-1] == lines[0]

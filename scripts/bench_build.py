"""Benchmark the build (prints figures; not a test).

Measures, in a scratch copy of the repository with the environment already installed:
1. a clean build (empty cache),
2. a rebuild with nothing changed,
3. a rebuild after one parameter change,
4. the same pages executed by Jupyter Book itself (execute_notebooks: force), for comparison.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analysis import params  # noqa: E402
from analysis.build import build  # noqa: E402
from analysis.site.scratch import copy_repo  # noqa: E402


def timed(label: str, fn) -> float:
    t0 = time.perf_counter()
    fn()
    seconds = time.perf_counter() - t0
    print(f"{label:<48} {seconds:7.1f} s", flush=True)
    return seconds


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp) / "repo"
        repo.mkdir()
        root = copy_repo(repo)
        base = params.validate()
        clean = timed("clean build (empty cache)", lambda: build(base, root=root, stream=None))
        nochange = timed("rebuild, nothing changed", lambda: build(base, root=root, stream=None))
        one = timed("rebuild, one parameter changed (seed)",
                    lambda: build(params.validate({"seed": 1}), root=root, stream=None))
        # Jupyter Book's own execution of the same pages (defaults, no papermill, no cache).
        jb_root = Path(tmp) / "jb"
        shutil.copytree(root, jb_root, symlinks=True, ignore=shutil.ignore_patterns("_build"))
        cfg = yaml.safe_load((jb_root / "_config.yml").read_text())
        cfg["execute"] = {"execute_notebooks": "force", "timeout": 600}
        (jb_root / "_config.yml").write_text(yaml.safe_dump(cfg))
        static = jb_root / "book" / "_static"
        bundle = next((root / "_build" / "cache").glob("vega-bundle-*.js"))
        shutil.copy2(bundle, static / "vega-bundle.js")
        cmd = [sys.executable, "-c", "import sys; from jupyter_book.cli.main import main; main()",
               "build", str(jb_root), "-q"]
        jb = timed("Jupyter Book's own execution (force)",
                   lambda: subprocess.run(cmd, check=True, capture_output=True))
    print()
    print(f"targets: clean <= 60 s ({'met' if clean <= 60 else 'MISSED'}), "
          f"no-change <= 10 s ({'met' if nochange <= 10 else 'MISSED'}), "
          f"faster than Jupyter Book's execution ({'met' if clean < jb else 'MISSED'}); "
          f"one-parameter rebuild {one:.1f} s")


if __name__ == "__main__":
    main()

"""Benchmark the build (prints figures; not a test).

Measures, in a scratch copy of the repository with the environment already installed, in one
run, side by side:
1. a clean build (empty cache),
2. right after it, the same pages executed by Jupyter Book itself (execute_notebooks: force),
   for comparison,
3. a rebuild with nothing changed,
4. rebuilds after one parameter change: one that five pages read (chapter 1, the
   introduction, the methods, the claim ledger and the briefing: ``cost_per_employee_usd_k``)
   and one that every model reads (``seed``),
   each with the stages it ran (sweep, results, pages executed, pages Sphinx rendered again),
then prints the ratios against issue 14's targets and where each build's time goes (the
sweep and results stages, page execution, Sphinx, kernel start and imports per worker).
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
# The build is imported inside main(): its worker processes are spawned and import this
# script first, and should start as quickly as those of `python -m analysis build`.


def timed(label: str, fn) -> float:
    t0 = time.perf_counter()
    fn()
    seconds = time.perf_counter() - t0
    print(f"{label:<48} {seconds:7.1f} s", flush=True)
    return seconds


def kernel_start_and_imports() -> float:
    """Seconds to start the report's kernel and import what a page imports (one page)."""
    import nbformat
    import papermill

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "from myst_nb import glue\nimport altair\nfrom analysis import charts, data, params\n"
        "from analysis.site import results")])
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "a.ipynb", Path(tmp) / "b.ipynb"
        nbformat.write(nb, src)
        t0 = time.perf_counter()
        papermill.execute_notebook(str(src), str(out), kernel_name="amzn-report",
                                   progress_bar=False)
        return time.perf_counter() - t0


STAGES = (
    ("sweep", r"Sweep for [^:]+: .*computed in ([0-9.]+) s"),
    # The results are computed on the same workers as the sweep, at the same time.
    ("results (beside the sweep)", r"Results: .* in ([0-9.]+) s"),
    ("Sphinx", r"jupyter-book ([0-9.]+) s"),
)


def stages(log: str) -> str:
    """One line: the stage times a build printed, and how many pages it executed."""
    found = [f"{name} {float(m.group(1)):.1f} s" for name, pattern in STAGES
             if (m := re.search(pattern, log))]
    page_s = [float(x) for x in re.findall(r"\]\s+\S+: executed in ([0-9.]+) s", log)]
    rendered = re.search(r"(\d+) page\(s\) new or changed", log)
    found.append(f"{len(page_s)} pages executed ({sum(page_s):.1f} s summed)")
    if rendered:
        found.append(f"{rendered.group(1)} pages rendered again")
    return "; ".join(found)


def main() -> None:
    from analysis import params
    from analysis.site.build import build
    from analysis.site.scratch import copy_repo

    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp) / "repo"
        repo.mkdir()
        root = copy_repo(repo)
        base = params.validate()
        logs: dict[str, io.StringIO] = {}

        def run(label: str, p: Any) -> float:
            logs[label] = io.StringIO()
            return timed(label, lambda: build(p, root=root, stream=logs[label]))

        clean = run("clean build (empty cache)", base)
        # Right after the clean build, which it is compared with: the machine's speed can
        # drift over the minutes the whole benchmark takes.
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
        env = dict(os.environ, AMZN_REPORT_ROOT=str(jb_root))
        jb = timed("Jupyter Book's own execution (force)",
                   lambda: subprocess.run(cmd, check=True, capture_output=True, env=env))
        nochange = run("rebuild, nothing changed", base)
        narrow = run("rebuild, one parameter (cost_per_employee_usd_k)",
                     params.validate({"cost_per_employee_usd_k": 200.0}))
        one = run("rebuild, one parameter every model reads (seed)",
                  params.validate({"seed": 1}))
    kernel = kernel_start_and_imports()
    print()
    print(f"where the time goes (wall seconds; {os.cpu_count()} workers run the sweep, the "
          "results and the pages):")
    for label, log in logs.items():
        print(f"  {label}: {stages(log.getvalue())}")
    print(f"  kernel start + imports, once per worker (a page kernel is reused): {kernel:.1f} s")
    print()
    ratio_clean, ratio_one, ratio_narrow = clean / jb, one / clean, narrow / clean
    print(f"clean / Jupyter Book's execution  {ratio_clean:5.2f}  (target <= 0.50: "
          f"{'met' if ratio_clean <= 0.5 else 'MISSED'})")
    print(f"no-change rebuild                 {nochange:5.1f} s (target <= 3 s: "
          f"{'met' if nochange <= 3 else 'MISSED'})")
    print(f"one parameter (cost) / clean      {ratio_narrow:5.2f}  (target <= 0.30: "
          f"{'met' if ratio_narrow <= 0.3 else 'MISSED'})")
    print(f"one parameter (seed) / clean      {ratio_one:5.2f}  (target <= 0.30: "
          f"{'met' if ratio_one <= 0.3 else 'MISSED'}; the seed is an input of every "
          "simulation, so this rebuild recomputes every model and the sweep)")


if __name__ == "__main__":
    main()

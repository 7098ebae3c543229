"""The build orchestrator behind ``make book`` / ``python -m analysis build``.

validate parameters → read pages → execute changed pages with papermill in parallel (a cache
keyed on page source, parameters, data and package checksums skips the rest) → fail on any
error → hide injected parameters, add provenance footers → ``jupyter-book build`` with
execution off and warnings as errors → publish the new site in place of the old only when
everything succeeded → print a summary.

This is the one module that writes files and runs subprocesses.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import fcntl
import hashlib
import importlib.metadata
import io
import json
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import nbformat

from analysis import __version__
from analysis.data_cutoff import FRAMES_ENV
from analysis.escape import csv_cell
from analysis.params import ParameterError, Params, validate
from analysis.site import diff, incremental, rasters
from analysis.site.briefing_pdf import PdfPrinter
from analysis.site.execute import (
    PageRun,
    glued_values,
    reserve_chart_heights,
    strip_figure_records,
)
from analysis.site.page_kernel import export_page, init_worker, run_page, started_task
from analysis.site.pages import (
    KERNEL_NAME,
    Page,
    cache_key,
    page_parameters,
    read_pages,
    results_read,
)
from analysis.site.provenance import (
    BuildInfo,
    execution_record_markdown,
    footer_markdown,
    manifest,
)
from analysis.site.schedule import PendingResults, in_thread, plan_results
from analysis.site.steps import (
    BuildError,
    StartedCommand,
    StepError,
    kill_processes,
    recover_publish,
    start_command,
    swap_in,
    terminate_on_sigterm,
    timeouts,
    write_atomic,
)

__all__ = ["BuildError", "BuildSummary", "build", "repo_root"]

EXECUTION_RECORD = "book/execution-record"
BRIEFING = "book/briefing"
EXPLORE = "book/explore"
BRIEFING_PDF = "_static/amzn-efficiency-briefing.pdf"
RECORD_MARKER = "<!-- execution-record -->"
#: Written by the build from this build's manifest and the previous archived one.
WHAT_CHANGED = "book/what-changed"
WHAT_CHANGED_MARKER = "<!-- what-changed -->"
ARCHIVE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
CITED_PAGES_PREFIX = ("book/ch", "book/briefing")
#: Folder of the build cache holding earlier chart drawings, keyed on their specification.
DRAWINGS = "drawings"


@dataclass
class BuildSummary:
    """What a build did.

    Attributes:
        site: Path of the published site.
        runs: One record per page (docname, how, seconds, started).
        seconds: Total wall time.
        archive: Path of the archived copy, if any.
    """

    site: Path
    runs: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0
    archive: Path | None = None


def repo_root() -> Path:
    """Return the repository root (the folder holding ``_config.yml``)."""
    return Path(__file__).resolve().parents[2]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _tree_checksums(root: Path, folder: str, pattern: str) -> dict[str, str]:
    base = root / folder
    return {str(p.relative_to(root)): _sha256(p) for p in sorted(base.rglob(pattern))
            if p.is_file() and "__pycache__" not in p.parts}


def _environment(root: Path) -> tuple[dict[str, str], dict[str, str]]:
    """Return (data checksums, full cache environment) for cache keys and the manifest."""
    data = _tree_checksums(root, "data", "*")
    env = dict(data)
    env.update(_tree_checksums(root, "analysis", "*.py"))
    req = root / "requirements.txt"
    if req.exists():
        env["requirements.txt"] = _sha256(req)
    env["kernel"] = KERNEL_NAME
    return data, env


def _git(root: Path, *args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True,
                              check=True, timeout=20).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def _ensure_kernel() -> None:
    """Install the report's kernelspec into this environment if it is missing."""
    from jupyter_client.kernelspec import KernelSpecManager

    if KERNEL_NAME in KernelSpecManager().find_kernel_specs():
        return
    from ipykernel.kernelspec import install

    install(kernel_name=KERNEL_NAME, display_name="Python 3 (amzn-report)", prefix=sys.prefix)


# Writes the bundle to the file named by its argument (a pipe would fill and stall it).
_BUNDLE_CMD = ("import pathlib, sys, vl_convert; pathlib.Path(sys.argv[1]).write_text("
               "vl_convert.javascript_bundle(), encoding='utf-8')")


@contextlib.contextmanager
def _vega_bundle(cache_dir: Path, timeout_s: float) -> Iterator[Callable[[], Path]]:
    """Make the Vega bundle beside the build's other work unless it is cached.

    Yields the function that waits for it and returns its path. Its child process starts
    here (a hang is timed out from that moment and killed); leaving the block kills it if
    nothing waited for it.
    """
    version = importlib.metadata.version("vl-convert-python")
    path = cache_dir / f"vega-bundle-{version}-iife.js"
    if path.exists():
        yield lambda: path
        return
    cache_dir.mkdir(parents=True, exist_ok=True)
    raw = path.with_suffix(f".{os.getpid()}.raw")
    job = start_command("vega-bundle", [sys.executable, "-c", _BUNDLE_CMD, str(raw)],
                        timeout_s, env={**os.environ, "PYTHONIOENCODING": "utf-8"})

    def finish() -> Path:
        proc = job.finish()
        text = raw.read_text(encoding="utf-8") if raw.exists() else ""
        if proc.returncode != 0 or "vegaEmbed" not in text:
            last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
            raise StepError("vega-bundle", f"failed (exit code {proc.returncode}): {last}",
                            proc.stderr)
        tmp = path.with_suffix(".tmp")
        # Wrapped in a function: the bundle's top-level consts would otherwise collide with
        # Sphinx's globals (such as `_`); it publishes window.vegaEmbed itself.
        tmp.write_text("(function () {\n" + text + "\n})();\n", encoding="utf-8")
        tmp.replace(path)
        return path

    try:
        yield finish
    finally:
        job.kill()
        raw.unlink(missing_ok=True)


#: What a page kernel imports while the build computes its results (most pages import these).
WARM_IMPORTS = ("import altair, pandas\nfrom myst_nb import glue\n"
                "from analysis import charts, data, ledger, params, text\n"
                "from analysis.narrative import briefing, forecast\n"
                "from analysis.site import results\n")


#: Seconds a submitted task may wait for its worker to start (spawn and imports, under load).
WORKER_START_ALLOWANCE_S = 300.0


_Running = dict[Future[Any], tuple[str, Page, Path, float, Path]]


def _overdue(running: _Running, limits: dict[str, float]) -> tuple[str, Page] | None:
    """The first running task past its step's timeout (counted from its start), if any."""
    now = time.time()
    for step, page, _, submitted, marker in running.values():
        try:
            late = now - marker.stat().st_mtime > limits[step]
        except FileNotFoundError:  # not started yet
            late = now - submitted > limits[step] + WORKER_START_ALLOWANCE_S
        if late:
            return step, page
    return None


def _worker_result(future: Future[Any], step: str, page: Page) -> Any:
    try:
        return future.result()
    except Exception as exc:  # noqa: BLE001 - a worker died (BrokenProcessPool)
        raise StepError(step, f"failed on page {page.docname}: the worker "
                              f"process died ({type(exc).__name__}: {exc})") from exc


def _execute(todo: list[tuple[Page, dict[str, Any], Path]], pool: ProcessPoolExecutor,
             jobs: int, root: Path, limits: dict[str, float], stream: TextIO | None,
             pending: PendingResults, drawings: Path | None
             ) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """Run papermill, then the chart export, for every page in ``todo``, in parallel.

    At most ``jobs`` tasks are submitted at a time, so each starts as soon as a worker is up;
    its deadline (the step's timeout) counts from the moment the worker starts it. A page is
    submitted once the results it reads are stored (``pending``), in the order of ``todo``
    among those ready; a chart drawn before is copied from ``drawings`` (``None``: every chart
    is drawn). On a timeout or a dead worker the error names the step and the page;
    the pool's owner (:func:`_worker_pool`) then kills every worker, and their kernels
    follow within a second.

    Returns:
        (run records by page, papermill failure messages).
    """
    workers = min(jobs, len(todo))
    queue = list(todo)
    running: _Running = {}
    runs: dict[str, dict[str, Any]] = {}
    failures: list[str] = []
    done_pages = 0

    def submit(step: str, page: Page, d: Path, fn: Any, args: tuple[Any, ...]) -> None:
        marker = d.with_name(f"{d.name}.{step}.started")
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.unlink(missing_ok=True)
        running[pool.submit(started_task, (str(marker), fn, args))] = (
            step, page, d, time.time(), marker)

    while queue or running:
        while len(running) < workers and (item := _next_ready(queue, pending)) is not None:
            page, pp, d = item
            submit("papermill", page, d, run_page,
                   (nbformat.writes(page.notebook()), page.docname, pp, str(d), str(root),
                    KERNEL_NAME))
        finished, _ = wait([*running, *pending.running()], timeout=0.5,
                           return_when=FIRST_COMPLETED)
        pending.log_when_done(lambda message: _log(stream, message))
        finished = {f for f in finished if f in running}
        late = _overdue(running, limits) if not finished else None
        if late is not None:
            step, page = late
            raise StepError(step, f"timed out after {limits[step]:g} s on page "
                                  f"{page.docname}")
        for future in finished:
            step, page, d, _, marker = running.pop(future)
            marker.unlink(missing_ok=True)
            result = _worker_result(future, step, page)
            if step == "vl-convert":
                if result is not None:
                    raise StepError(step, f"failed on page {page.docname}: {result}")
                done_pages += 1
                rec = runs[page.docname]
                _log(stream, f"  [{done_pages}/{len(todo)}] {page.docname}: executed in "
                             f"{rec['seconds']:.1f} s")
                continue
            run: PageRun = result
            runs[run.docname] = {"docname": run.docname, "how": "executed",
                                 "seconds": run.seconds, "started": run.started}
            if run.error:
                done_pages += 1
                failures.append(" ".join(run.error.split()))
                _log(stream, f"  [{done_pages}/{len(todo)}] {run.docname}: FAILED in "
                             f"{run.seconds:.1f} s")
            else:
                submit("vl-convert", page, d, export_page,
                       (str(d), run.started, run.seconds,
                        None if drawings is None else str(drawings)))
    return runs, failures


def _next_ready(queue: list[tuple[Page, dict[str, Any], Path]], pending: PendingResults
                ) -> tuple[Page, dict[str, Any], Path] | None:
    """Take the first page of ``queue`` whose results are stored, if any."""
    for i, (page, _, _) in enumerate(queue):
        if pending.ready(results_read(page)):
            return queue.pop(i)
    return None


def _page_title(text: str, fallback: str) -> str:
    for line in text.splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return fallback


def _log(stream: TextIO | None, message: str) -> None:
    if stream is not None:
        print(message, file=stream, flush=True)


def build(
    params: Params,
    *,
    jobs: int | None = None,
    archive: str | None = None,
    root: Path | None = None,
    use_cache: bool = True,
    stream: TextIO | None = sys.stdout,
    step_timeouts_s: dict[str, float] | None = None,
) -> BuildSummary:
    """Build the whole site with ``params`` and publish it to ``<root>/_build/html``.

    Args:
        params: Validated parameters.
        jobs: Pages executed in parallel (default: number of cores).
        archive: If given, also keep the site under ``_build/archive/<archive>/``.
        root: Repository root (default: this checkout).
        use_cache: Reuse executed pages whose cache key is unchanged.
        stream: Where progress and the summary are printed (``None`` = silent).
        step_timeouts_s: Timeouts of the external steps, by step id (see
            :data:`analysis.site.steps.DEFAULT_TIMEOUTS_S`); over ``AMZN_REPORT_TIMEOUTS``.

    Returns:
        A :class:`BuildSummary`.

    Raises:
        BuildError: The archive version exists with different content, or another build runs.
        StepError: An external step (papermill, chart export, Vega bundle, Sphinx, PDF)
            failed or timed out; the message is one line naming it.
        BuildInterrupted: SIGINT or SIGTERM; workers and kernels were stopped.
        In every case the published site is untouched.
    """
    t_start = time.perf_counter()
    root = (root or repo_root()).resolve()
    build_dir = root / "_build"
    build_dir.mkdir(exist_ok=True)
    if archive is not None and not ARCHIVE_NAME.fullmatch(archive):
        raise ParameterError(f"--archive {archive!r}: use a plain version name such as "
                             "2026.11 (letters, digits, '.', '_', '-'; at most 64)")
    try:
        limits = timeouts(step_timeouts_s)
    except ValueError as exc:
        raise ParameterError(str(exc)) from None
    lock_file = (build_dir / ".lock").open("w")
    try:
        fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        raise BuildError("another build is running in this checkout (_build/.lock)") from None
    try:
        recover_publish(build_dir / "html")
        with terminate_on_sigterm():
            return _build_locked(params, jobs or os.cpu_count() or 1, archive, root, build_dir,
                                 use_cache, stream, t_start, limits)
    finally:
        fcntl.flock(lock_file, fcntl.LOCK_UN)
        lock_file.close()


def _build_locked(params: Params, jobs: int, archive: str | None, root: Path, build_dir: Path,
                  use_cache: bool, stream: TextIO | None, t_start: float,
                  limits: dict[str, float]) -> BuildSummary:
    """The build's steps in order; each step is a function below."""
    pages = read_pages(root)
    data_sums, env = _environment(root)
    cache_dir = build_dir / "cache"
    values = params.to_dict()
    plan = _plan_pages(pages, values, env, cache_dir)
    site_key = _site_key(params, pages, plan, root, env)
    if use_cache and archive is None:
        current = _current_site(build_dir, site_key, t_start)
        if current is not None:
            _log(stream, "Nothing changed since the last build (pages, parameters, data, code, "
                         "configuration): the published site is current")
            _log_summary(current, 0.0, stream)
            return current
    _ensure_kernel()
    todo = _pages_to_run(plan, use_cache)
    with _renderer(root, limits["sphinx"]) as sphinx, \
            _vega_bundle(cache_dir, limits["vega-bundle"]) as bundle:
        pending = _results_to_compute(pages, params, plan, root)
        kernels = min(jobs, len(todo))
        # No more workers than kernels unless the sweep or the results need them: a worker
        # without a kernel would take a page and start one then.
        workers = jobs if pending.in_pool else max(kernels, 1)
        frames = _frames_dir(env, cache_dir)
        with _worker_pool(workers, root, kernels, frames) as pool:
            # A worker per kernel starts now, its kernel with it (init_worker), while the
            # data are checked here (a pool starts a worker when a task finds none idle).
            for _ in range(kernels):
                pool.submit(int)
            _validate_data(root / "data", frames)
            with _reading_frames(frames):  # a result computed in a thread here reads them too
                pending.start(params, pool, root)
                # The commit, the tree's state and the data vintage (git runs twice, about
                # 0.1 s), read while the pages run rather than after; started once the
                # workers have, as it holds this process's GIL while it loads the data.
                info = in_thread(_build_info, params, root, archive)
                _sweep_stage(plan, pool, root, stream)
                drawings = cache_dir / DRAWINGS if use_cache else None
                runs = _execute_pages(plan, todo, pool, jobs, root, limits, stream, pending,
                                      drawings)
            # The PNG copies no page had drawn before: drawn by a worker (its own GIL) while
            # this process stages the pages and the site renders.
            missing_pngs = rasters.missing([d / "figures" for _, _, d in plan])
            pngs = (pool.submit(rasters.draw_missing, missing_pngs, drawings) if missing_pngs
                    else _done(0))  # none: no worker needs to start for them
            vega_bundle = bundle()
        try:
            return _publish(info.result(), pages, plan, runs, vega_bundle, sphinx, archive,
                            root, build_dir, env, data_sums, site_key, t_start, limits, stream,
                            pngs)
        finally:
            pool.shutdown(wait=True)  # the workers were told to stop: wait till they have


def _publish(info: BuildInfo, pages: list[Page],
             plan: list[tuple[Page, dict[str, Any], Path]],
             runs: dict[str, dict[str, Any]], vega_bundle: Path, sphinx: StartedCommand,
             archive: str | None, root: Path, build_dir: Path, env: dict[str, str],
             data_sums: dict[str, str], site_key: str, t_start: float,
             limits: dict[str, float], stream: TextIO | None, pngs: Future[int]
             ) -> BuildSummary:
    """Stage the executed pages, render them, and put the new site in place of the old.

    ``pngs`` draws the figures' missing PNGs meanwhile; they join the site once it is done.
    """
    with _briefing_printer(pages, limits) as printer:
        stage = build_dir / "stage"
        static = _stage_files(root, stage, vega_bundle)
        staged = _stage_pages(pages, plan, runs, info, stage, static)
        _write_execution_record(pages, info, staged.runs, stage)
        manifest_text = manifest(info, [p.docname for p in pages], data_sums, staged.glued,
                                 staged.figures, data_rows=_data_rows(root / "data"),
                                 **staged.published)
        _write_what_changed(pages, stage, build_dir, archive, manifest_text, info)
        out = build_dir / "stage-out"
        new_site, jb_seconds = _render(stage, out, root, sphinx, limits, stream,
                                       _render_inputs(pages, env, root), printer)
        _add_pngs(pngs, [d / "figures" for _, _, d in plan], new_site, limits["vl-convert"])
        (new_site / "manifest.json").write_text(manifest_text, encoding="utf-8")
        (new_site / ".nojekyll").touch()
        archived = _archive(new_site, build_dir, archive)
        site = build_dir / "html"
        swap_in(new_site, site)
        shutil.rmtree(out, ignore_errors=True)
        _record_site_key(build_dir, site_key, staged.runs)
        summary = BuildSummary(site=site, runs=staged.runs,
                               seconds=time.perf_counter() - t_start, archive=archived)
        _log_summary(summary, jb_seconds, stream)
        return summary


@contextlib.contextmanager
def _briefing_printer(pages: list[Page], limits: dict[str, float]
                      ) -> Iterator[PdfPrinter | None]:
    """A printer for the briefing's PDF, its browser starting now (none without Chromium)."""
    chromium = _find_chromium()
    if chromium is None or not any(p.docname == BRIEFING for p in pages):
        yield None
        return
    with PdfPrinter(chromium, limits["pdf"]) as printer:
        yield printer


def _done(value: Any) -> Future[Any]:
    future: Future[Any] = Future()
    future.set_result(value)
    return future


def _add_pngs(pngs: Future[int], figure_dirs: list[Path], new_site: Path, timeout_s: float
              ) -> None:
    """Wait for the PNGs drawn while the site rendered, then copy every page's into it."""
    try:
        pngs.result(timeout=timeout_s)
    except TimeoutError:
        raise StepError("vl-convert", f"timed out after {timeout_s:g} s drawing the "
                                      "figures' PNGs") from None
    except Exception as exc:  # noqa: BLE001 - any drawing failure (or a dead worker)
        raise StepError("vl-convert", f"failed drawing a figure's PNG: "
                                      f"{type(exc).__name__}: {exc}") from exc
    rasters.publish(figure_dirs, new_site / "_static" / "figures")


def _plan_pages(pages: list[Page], values: dict[str, Any], env: dict[str, str],
                cache_dir: Path) -> list[tuple[Page, dict[str, Any], Path]]:
    """Each page with code, its injected parameters and its cache folder (keyed on inputs)."""
    from analysis.site import results

    plan: list[tuple[Page, dict[str, Any], Path]] = []
    for page in pages:
        if page.docname in (EXECUTION_RECORD, WHAT_CHANGED):
            continue
        page_params = page_parameters(page, values, results.parameters_of(results_read(page)))
        key = cache_key(page, page_params, env)
        plan.append((page, page_params, cache_dir / "pages" / page.page_id / key))
    return plan


def _pages_to_run(plan: list[tuple[Page, dict[str, Any], Path]], use_cache: bool
                  ) -> list[tuple[Page, dict[str, Any], Path]]:
    """The planned pages without a complete cache entry (all of them without the cache)."""
    return [(p, pp, d) for p, pp, d in plan
            if not (use_cache and (d / "page.ipynb").exists() and (d / "record.json").exists())]


@contextlib.contextmanager
def _worker_pool(jobs: int, root: Path, kernels: int, frames: Path
                 ) -> Iterator[ProcessPoolExecutor]:
    """The build's worker processes: the sweep, the results and the pages all run on them.

    One pool, so each worker imports the package once and keeps its page kernel from the
    start of the build; the first ``kernels`` workers start that kernel as they start
    (:func:`analysis.site.page_kernel.init_worker`). On any error or interrupt every worker
    is killed (their kernels follow within a second) before the exception goes on. On a
    normal exit the workers are only told to stop: the caller waits for them
    (``pool.shutdown(wait=True)``) once it has done what it can meanwhile.
    """
    # spawn, not fork: a forked copy of a threaded parent (pytest, Jupyter) can deadlock.
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=init_worker,
                               initargs=(os.getpid(), KERNEL_NAME, str(root), WARM_IMPORTS,
                                         context.Value("i", kernels), str(frames)))
    try:
        yield pool
    except BaseException:
        # Private but stable since 3.9: the pool's worker processes by pid.
        kill_processes(list(getattr(pool, "_processes", None) or {}))
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    # The workers stop (and their kernels with them) while the site is staged and rendered;
    # the build waits for them before it returns.
    pool.shutdown(wait=False)


def _execute_pages(plan: list[tuple[Page, dict[str, Any], Path]],
                   todo: list[tuple[Page, dict[str, Any], Path]], pool: ProcessPoolExecutor,
                   jobs: int, root: Path, limits: dict[str, float], stream: TextIO | None,
                   pending: PendingResults, drawings: Path | None
                   ) -> dict[str, dict[str, Any]]:
    """Execute the pages of ``todo``, reuse the rest of ``plan``; a run record per page.

    Each page starts once the results it reads are stored (``pending``); its charts drawn
    before are copied from ``drawings`` (``None``: all drawn).
    """
    _log(stream, f"Building {len(plan)} pages: {len(plan) - len(todo)} cached, "
                 f"{len(todo)} to execute with {min(jobs, max(len(todo), 1))} worker(s)")
    runs, failures = (_execute(todo, pool, jobs, root, limits, stream, pending, drawings)
                      if todo else ({}, []))
    pending.finish(lambda message: _log(stream, message))
    if failures:
        raise StepError("papermill", "failed: " + "; ".join(sorted(failures)))
    for page, page_params, d in plan:
        if page.docname in runs:
            runs[page.docname]["parameters"] = page_params
        else:
            rec = json.loads((d / "record.json").read_text(encoding="utf-8"))
            runs[page.docname] = {"docname": page.docname, "how": "cached",
                                  "seconds": rec["seconds"], "started": rec["started"],
                                  "parameters": page_params}
    return runs


#: Where the key of the published site's inputs is kept (not inside the published site).
SITE_KEY_FILE = "site-key.json"


def _site_key(params: Params, pages: list[Page], plan: list[tuple[Page, dict[str, Any], Path]],
              root: Path, env: dict[str, str]) -> str:
    """Hash of everything the published site is made from.

    The page cache keys (page source, injected parameters, data, package, requirements),
    every page's source, the parameters and scenario, the book's configuration and every
    other file under ``book/`` (static files, bibliography), whether Chromium is there to
    print the briefing, and where the tools are found (PATH, PYTHONPATH, ``sys.path``).
    """
    files = {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
             for p in sorted([root / "_config.yml", root / "_toc.yml",
                              *(root / "book").rglob("*")])
             if p.is_file() and "__pycache__" not in p.parts
             and not p.name.endswith((".ipynb", ".pyc"))}
    # The tools the build runs come from PATH and PYTHONPATH: another Sphinx, Chromium or
    # vl-convert (or a test's stand-in) is another input.
    tools = {name: os.environ.get(name, "") for name in ("PATH", "PYTHONPATH")}
    payload = {"params": params.to_dict(), "scenario": params.scenario, "env": env,
               "tools": tools, "python": sys.executable, "sys_path": sys.path,
               "pages": [d.name for _, _, d in plan], "sources": [p.docname for p in pages],
               "files": files, "chromium": bool(_find_chromium())}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def _current_site(build_dir: Path, site_key: str, t_start: float) -> BuildSummary | None:
    """The published site, if it was built from exactly these inputs and is untouched."""
    record_path = build_dir / "cache" / SITE_KEY_FILE
    manifest_path = build_dir / "html" / "manifest.json"
    if not (record_path.exists() and manifest_path.exists()):
        return None
    record = json.loads(record_path.read_text(encoding="utf-8"))
    if record.get("key") != site_key or record.get("manifest_sha256") != hashlib.sha256(
            manifest_path.read_bytes()).hexdigest():
        return None
    runs = [dict(r, how="cached") for r in record["runs"]]
    return BuildSummary(site=build_dir / "html", runs=runs,
                        seconds=time.perf_counter() - t_start)


def _record_site_key(build_dir: Path, site_key: str, runs: list[dict[str, Any]]) -> None:
    manifest_path = build_dir / "html" / "manifest.json"
    record = {"key": site_key, "runs": runs,
              "manifest_sha256": hashlib.sha256(manifest_path.read_bytes()).hexdigest()}
    path = build_dir / "cache" / SITE_KEY_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(record, sort_keys=True, default=str), encoding="utf-8")
    tmp.replace(path)


def _stage_files(root: Path, stage: Path, vega_bundle: Path) -> Path:
    """Copy the book's configuration, static files, Vega bundle and data into ``stage``."""
    shutil.rmtree(stage, ignore_errors=True)
    (stage / "book").mkdir(parents=True)
    for name in ("_config.yml", "_toc.yml"):
        shutil.copy2(root / name, stage / name)
    for path in (root / "book").iterdir():
        if path.suffix in (".md", ".ipynb") or path.name == "_static" \
                or path.name.startswith("."):
            continue
        if path.is_dir():
            shutil.copytree(path, stage / "book" / path.name)
        else:
            shutil.copy2(path, stage / "book" / path.name)
    static = stage / "book" / "_static"
    if (root / "book" / "_static").is_dir():
        shutil.copytree(root / "book" / "_static", static, dirs_exist_ok=True)
    (static / "figures").mkdir(parents=True, exist_ok=True)
    shutil.copy2(vega_bundle, static / "vega-bundle.js")
    (static / "data").mkdir(exist_ok=True)
    for csv_path in sorted((root / "data").glob("*.csv")):
        _copy_csv_for_download(csv_path, static / "data" / csv_path.name)
    return static


@dataclass
class _Staged:
    """What staging the executed pages collected for the manifest and the summary."""

    glued: dict[str, dict[str, str]] = field(default_factory=dict)
    figures: list[str] = field(default_factory=list)
    published: dict[str, dict[str, Any]] = field(default_factory=lambda: {
        "glued_markdown": {}, "tables": {}, "figure_data": {}})
    runs: list[dict[str, Any]] = field(default_factory=list)


#: A page's staged form, kept in its cache folder beside the executed page: the notebook
#: as staged and what staging read from it, under the hash of what staging added (the footer
#: and the PDF link). The cache folder is keyed on the page's inputs and the package's code,
#: so a cached page whose footer did not change is staged from this file, without reading,
#: validating and writing its notebook again (nine cached pages took 0.25-0.35 s that way).
STAGED_FILE = "staged.json"


def _stage_pages(pages: list[Page], plan: list[tuple[Page, dict[str, Any], Path]],
                 runs: dict[str, dict[str, Any]], info: BuildInfo, stage: Path,
                 static: Path) -> _Staged:
    """Write each executed notebook, with its footer, into ``stage`` and collect its glue."""
    chromium = _find_chromium()
    staged = _Staged()
    folders = {p.docname: d for p, _, d in plan}
    for page in pages:
        if page.docname in (EXECUTION_RECORD, WHAT_CHANGED):
            continue
        title = _page_title(page.source_text, page.page_id)
        cited = page.docname.startswith(CITED_PAGES_PREFIX)
        d = folders[page.docname]
        footer = footer_markdown(info, title, f"{page.docname}.html", page.page_id, cited,
                                 _numbers_depend_on(page, plan))
        pdf_link = (f'<p class="pdf-link"><a href="../{BRIEFING_PDF}" download>Download this '
                    "briefing as a PDF</a> (charts included).</p>"
                    if page.docname == BRIEFING and chromium else "")
        one = _staged_page(d, footer, pdf_link)
        (stage / f"{page.docname}.ipynb").write_text(one["ipynb"], encoding="utf-8")
        staged.glued[page.docname] = one["glued"]
        for name in ("glued_markdown", "tables", "figure_data"):
            staged.published[name][page.docname] = one[name]
        # The PNGs join the site after the render (analysis.site.rasters): nothing rendered
        # reads them, and some are still being drawn. Each is listed all the same.
        for fig in sorted((d / "figures").glob("*")) if (d / "figures").is_dir() else []:
            if fig.name.startswith("."):  # a PNG being written (steps.write_atomic)
                continue
            if fig.suffix != ".png":
                shutil.copy2(fig, static / "figures" / fig.name)
                staged.figures.append(fig.name)
            if fig.suffix == ".svg":
                staged.figures.append(fig.with_suffix(".png").name)
        staged.runs.append(runs[page.docname])
    return staged


def _staged_page(d: Path, footer: str, pdf_link: str) -> dict[str, Any]:
    """The page of cache folder ``d`` as staged, with ``footer`` and ``pdf_link`` (or none).

    Read from :data:`STAGED_FILE` when it was staged with the same footer and link before;
    else staged from the executed notebook and kept there.
    """
    key = hashlib.sha256(json.dumps([footer, pdf_link]).encode()).hexdigest()
    kept = d / STAGED_FILE
    if kept.is_file():
        try:
            one = json.loads(kept.read_text(encoding="utf-8"))
        except ValueError:  # a damaged copy: staged again below
            one = {}
        if one.get("key") == key:
            return one
    nb = nbformat.read(d / "page.ipynb", as_version=4)
    # Fixed cell ids (nbformat draws random ones): an unchanged page stays byte for
    # byte the same, so the render does not read it again (analysis.site.incremental).
    nb.cells.append(nbformat.v4.new_markdown_cell(footer, id="provenance-footer"))
    if pdf_link:
        nb.cells.insert(1, nbformat.v4.new_markdown_cell(pdf_link, id="pdf-link"))
    reserve_chart_heights(nb, d / "figures")
    strip_figure_records(nb)
    text = nbformat.writes(nb)
    one = {"key": key, "ipynb": text if text.endswith("\n") else text + "\n",  # as nbformat.write
           "glued": glued_values(nb),
           "glued_markdown": diff.glued_markdown(nb), "tables": diff.table_cells(d / "figures"),
           "figure_data": diff.figure_hashes(d / "figures")}
    text = json.dumps(one, sort_keys=True)
    write_atomic(kept, text.encode("utf-8"))
    return json.loads(text)  # as a later build reads it: the same values either way


def _numbers_depend_on(page: Page, plan: list[tuple[Page, dict[str, Any], Path]]
                       ) -> set[str]:
    """The parameters of a page's numbers: its own and those of the pages it pastes from."""
    params_by_stem = {p.page_id: set(pp) for p, pp, _ in plan}
    names = set(params_by_stem.get(page.page_id, ()))
    for stem in incremental.glue_references(page.source_text):
        names |= params_by_stem.get(stem, set())
    return names


def _write_execution_record(pages: list[Page], info: BuildInfo, runs: list[dict[str, Any]],
                            stage: Path) -> None:
    record_page = next((p for p in pages if p.docname == EXECUTION_RECORD), None)
    if record_page is None:
        return
    text = record_page.source_text.replace(RECORD_MARKER, execution_record_markdown(info, runs))
    title = _page_title(record_page.source_text, record_page.page_id)
    text += "\n" + footer_markdown(info, title, f"{EXECUTION_RECORD}.html",
                                   record_page.page_id, False)
    (stage / f"{EXECUTION_RECORD}.md").write_text(text, encoding="utf-8")


#: Where the persistent render lives (:mod:`analysis.site.incremental`), under ``_build/cache``.
RENDER_CACHE = "render"


def _render_inputs(pages: list[Page], env: dict[str, str], root: Path) -> dict[str, Any]:
    """What a persistent render depends on beyond the staged files (see ``incremental``)."""
    return {"code": {k: v for k, v in env.items() if not k.startswith("data/")},
            "titles": {p.docname: _page_title(p.source_text, p.page_id) for p in pages},
            "config": [_sha256(root / name) for name in ("_config.yml", "_toc.yml")],
            "tools": {name: os.environ.get(name, "") for name in ("PATH", "PYTHONPATH")},
            "python": sys.executable, "sys_path": sys.path}


#: What the renderer imports while it waits for its arguments (see :func:`_renderer`).
# (The largest a render imported beyond these, measured with python -X importtime, were
# myst_nb.sphinx_ext at 0.7 s and jupyter_book.sphinx at 0.1 s.)
_RENDERER_IMPORTS = ("sphinx.application", "sphinx.builders.html", "myst_nb",
                     "myst_nb.sphinx_ext", "jupyter_book.sphinx", "sphinx_book_theme",
                     "sphinxcontrib.bibtex", "sphinx_design", "sphinx_design.extension",
                     "sphinx_togglebutton", "sphinx_copybutton", "sphinx_thebe",
                     "sphinx_comments", "sphinx_external_toc", "sphinx_external_toc.parsing",
                     "sphinx.ext.doctest", "sphinx.domains.c", "sphinx.domains.cpp",
                     "latexcodec", "analysis.site.sphinx_offline", "analysis.site.citations",
                     "analysis.site.css_purge")
# Imports in a thread of lowered priority (Linux: a thread has its own nice value) while it
# waits for its command line (one JSON line on stdin), then renders at normal priority; no
# line: it exits. The imports are needed only once the pages have run, and at the start of a
# build the two cores are busy with what the pages wait for (kernels, results). Once the
# render has ended (Sphinx has written and closed every file), the process leaves with
# os._exit: the interpreter's own shutdown (collecting a large heap, tearing modules down)
# took 0.35 s after a 7-page render, and the build waits for the process to end.
_RENDERER_CMD = ("import json, os, sys, threading\n"
                 "def _warm():\n"
                 "    try:\n"
                 "        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)\n"
                 "    except (AttributeError, OSError):\n        pass\n"
                 f"    for name in {('jupyter_book.cli.main', *_RENDERER_IMPORTS)!r}:\n"
                 "        try:\n            __import__(name)\n"
                 "        except Exception:\n            pass\n"
                 "warm = threading.Thread(target=_warm, daemon=True)\n"
                 "warm.start()\n"
                 "line = sys.stdin.readline()\n"
                 "if line:\n"
                 "    warm.join()\n"
                 "    from jupyter_book.cli.main import main\n"
                 "    sys.argv[1:] = json.loads(line)\n"
                 "    try:\n        main()\n        code = 0\n"
                 "    except SystemExit as exc:\n        code = exc.code\n"
                 "    if code is not None and not isinstance(code, int):\n"
                 "        print(code, file=sys.stderr)\n        code = 1\n"
                 "    sys.stdout.flush()\n    sys.stderr.flush()\n"
                 "    os._exit(code or 0)\n")


@contextlib.contextmanager
def _renderer(root: Path, timeout_s: float) -> Iterator[StartedCommand]:
    """Start the Jupyter Book process now; :func:`_render` gives it its arguments.

    Its imports (about two seconds of CPU) then run beside the build's other work, at lower
    priority; a failed import is left for the render to meet and report. Its timeout counts
    from the moment it is given its arguments; leaving the block stops it if it was never
    used.
    """
    job = start_command("sphinx", [sys.executable, "-c", _RENDERER_CMD], timeout_s,
                        cwd=root, stdin=subprocess.PIPE)
    try:
        yield job
    finally:
        job.kill()


def _render(stage: Path, out: Path, root: Path, sphinx: StartedCommand,
            limits: dict[str, float], stream: TextIO | None, render_inputs: dict[str, Any],
            printer: PdfPrinter | None) -> tuple[Path, float]:
    """Render with Jupyter Book (execution off, warnings are errors), then print the PDF.

    ``printer`` (none without Chromium) has been starting its browser meanwhile.

    Sphinx renders a persistent copy of ``stage`` into a persistent folder, so it reads and
    writes only the pages that changed (:mod:`analysis.site.incremental`); the result is
    copied to ``out`` and becomes the new site.
    """
    shutil.rmtree(out, ignore_errors=True)
    cache = root / "_build" / "cache" / RENDER_CACHE
    key = incremental.render_key(render_inputs)
    for old in cache.glob("*") if cache.is_dir() else []:
        if old.name != key:
            shutil.rmtree(old, ignore_errors=True)
    work = cache / key
    src, rendered = work / "src", work / "out"
    changed = incremental.sync_tree(stage, src)
    touched = incremental.touch_dependents(
        src / "book", {c.removeprefix("book/") for c in changed if c.startswith("book/")})
    html = rendered / "_build" / "html"
    incremental.fresh_static(html)
    pages_changed = sum(c.endswith((".ipynb", ".md")) for c in changed) + len(touched)
    _log(stream, "Rendering the site with jupyter-book (execution off, warnings as errors; "
                 f"{pages_changed} page(s) new or changed)")
    t_jb = time.perf_counter()
    proc = sphinx.finish(json.dumps(["build", str(src), "--path-output", str(rendered), "-W",
                                     "--keep-going", "-q"]) + "\n", restart_clock=True)
    if proc.returncode != 0 or not (html / "index.html").exists():
        shutil.rmtree(work, ignore_errors=True)  # the next build renders from nothing
        log = re.sub(r"\x1b\[[0-9;]*m", "", proc.stdout + proc.stderr)  # no colour codes
        first = [ln.strip() for ln in log.splitlines()
                 if "WARNING" in ln or "ERROR" in ln or "Error" in ln][:2]
        last = (log.strip().splitlines() or ["no output"])[-1]
        raise StepError("sphinx", f"failed: jupyter-book build failed with exit code "
                                  f"{proc.returncode}: {' | '.join(first) or last}"[:700], log)
    shutil.copytree(html, out / "_build" / "html")
    jb_seconds = time.perf_counter() - t_jb
    new_site = out / "_build" / "html"
    if printer is not None and (new_site / f"{BRIEFING}.html").exists():
        printer.print(new_site / f"{BRIEFING}.html", new_site / BRIEFING_PDF)
    elif printer is None and not _find_chromium():
        _log(stream, "Note: chromium not found, so the briefing PDF was not made "
                     "(apt-get install chromium)")
    return new_site, jb_seconds


def _archive(new_site: Path, build_dir: Path, archive: str | None) -> Path | None:
    """Keep a citable copy under ``_build/archive/<version>``; never overwrite a different one."""
    if archive is None:
        return None
    archived = build_dir / "archive" / archive
    if archived.exists():
        old = (archived / "manifest.json").read_text(encoding="utf-8")
        if old != (new_site / "manifest.json").read_text(encoding="utf-8"):
            raise BuildError(f"archive {archive!r} exists with different content; choose a "
                             "new version name (cited versions are never overwritten)")
    else:
        archived.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(new_site, archived.with_name(archive + ".tmp"))
        archived.with_name(archive + ".tmp").replace(archived)
    return archived


def _log_summary(summary: BuildSummary, jb_seconds: float, stream: TextIO | None) -> None:
    _log(stream, "Summary:")
    for run in summary.runs:
        _log(stream, f"  {run['docname']:<32} {run['how']:<9} {run['seconds']:6.1f} s")
    n_cached = sum(r["how"] == "cached" for r in summary.runs)
    _log(stream, f"  {len(summary.runs)} pages ({n_cached} cached), jupyter-book "
                 f"{jb_seconds:.1f} s, total {summary.seconds:.1f} s")
    _log(stream, f"Site: {summary.site / 'index.html'}"
                 + (f"\nArchived copy: {summary.archive}" if summary.archive else ""))


def _sweep_stage(plan: list[tuple[Page, dict[str, Any], Path]], pool: ProcessPoolExecutor,
                 root: Path, stream: TextIO | None) -> None:
    """Compute the explore page's sweep on the build's workers, unless a stored one matches.

    The sweep is computed with exactly the parameters the page is given (its plan entry), so
    the page then reads the stored sweep (:func:`analysis.site.results.sweep_results`) and
    never computes it itself.
    """
    entry = next(((p, pp) for p, pp, _ in plan if p.docname == EXPLORE), None)
    if entry is None:
        return
    from analysis.site import results

    started = time.perf_counter()
    run = results.sweep_results(validate(entry[1]), executor=pool, root=root)
    how = "reused" if run.reused else f"computed in {time.perf_counter() - started:.1f} s"
    _log(stream, f"Sweep for {EXPLORE}: {len(run.table) // 2} points, {how}")


def _results_to_compute(pages: list[Page], params: Params,
                        plan: list[tuple[Page, dict[str, Any], Path]], root: Path
                        ) -> PendingResults:
    """Which stored results the pages read are missing, and whether the workers compute them."""
    from analysis.site import results

    explore = next((pp for p, pp, _ in plan if p.docname == EXPLORE), None)
    sweep_to_compute = explore is not None and not results.sweep_is_stored(validate(explore),
                                                                            root)
    return plan_results((name for page in pages for name in results_read(page)), params,
                        sweep_to_compute, root)


def _frames_dir(env: dict[str, str], cache_dir: Path) -> Path:
    """Where the validated tables are kept: keyed on the data, the package and requirements."""
    key = hashlib.sha256(json.dumps(env, sort_keys=True).encode()).hexdigest()[:16]
    return cache_dir / "data-frames" / key


@contextlib.contextmanager
def _reading_frames(frames: Path) -> Iterator[None]:
    """Meanwhile, tables loaded in this process are read from ``frames``, validated.

    A single missing result is computed in a thread of this process
    (:mod:`analysis.site.schedule`), which would otherwise validate the tables it loads
    again: chapter 1's results took 1.4-1.6 s that way, of which importing pandera and
    validating six tables were about 1 s. The workers and kernels are told the same way
    (:func:`analysis.site.page_kernel.init_worker`). The variable is put back as it was.
    """
    old = os.environ.get(FRAMES_ENV)
    os.environ[FRAMES_ENV] = str(frames)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop(FRAMES_ENV, None)
        else:
            os.environ[FRAMES_ENV] = old


def _validate_data(data_dir: Path, frames: Path) -> None:
    """Validate every table once before any page runs, so bad data stops the build early.

    The validated frames are kept in ``frames`` (:func:`_frames_dir`), where the page kernels
    and workers read them (:data:`analysis.data_cutoff.FRAMES_ENV`) rather than validating
    each table again. Skipped when ``frames`` is complete: the same data were validated by
    the same code in an earlier build.

    Raises:
        DataValidationError: Naming file, line and column of the first problem.
    """
    from analysis.data.loading import write_validated_frames

    done = frames / "complete"
    if done.exists():
        return
    write_validated_frames(frames, data_dir)
    done.touch()


def _data_rows(data_dir: Path) -> dict[str, dict[str, str]]:
    from analysis.data import data_rows

    return data_rows(data_dir)


def _find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def _copy_csv_for_download(src: Path, dst: Path) -> None:
    """Copy a data table for download, cells that would run as formulas made inert.

    See :func:`analysis.escape.csv_cell`; a table without such cells is copied byte for byte.
    """
    text = src.read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    safe = [[csv_cell(cell) for cell in row] for row in rows]
    if safe == rows:
        shutil.copy2(src, dst)
        return
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(safe)
    dst.write_text(buf.getvalue(), encoding="utf-8")


def _write_what_changed(pages: list[Page], stage: Path, build_dir: Path, archive: str | None,
                        manifest_text: str, info: BuildInfo) -> None:
    """Stage the "What changed" page: this build against the previous archived version."""
    page = next((p for p in pages if p.docname == WHAT_CHANGED), None)
    if page is None:
        return
    previous = diff.previous_manifest(build_dir / "archive", exclude=archive)
    if previous is None:
        body = diff.no_previous_markdown(info.version)
    else:
        titles = {p.docname: _page_title(p.source_text, p.page_id) for p in pages}
        body = diff.diff_markdown(diff.diff_manifests(previous[1], json.loads(manifest_text)),
                                  titles)
    title = _page_title(page.source_text, page.page_id)
    text = page.source_text.replace(WHAT_CHANGED_MARKER, body)
    text += "\n" + footer_markdown(info, title, f"{WHAT_CHANGED}.html", page.page_id, False)
    (stage / f"{WHAT_CHANGED}.md").write_text(text, encoding="utf-8")


def _build_info(params: Params, root: Path, archive: str | None) -> BuildInfo:
    try:
        from analysis.data import data_vintage

        vintage = dict(data_vintage(root / "data"))
    except ImportError:  # the data layer is optional for a bare skeleton build
        vintage = {}
    vintage["as_of"] = params["as_of"]
    commit = _git(root, "rev-parse", "--short", "HEAD") or "unknown"
    dirty = bool(_git(root, "status", "--porcelain", "--untracked-files=no"))
    return BuildInfo(
        scenario=params.scenario, changed=params.changed(), values=params.to_dict(),
        commit=commit, dirty=dirty, version=archive or __version__,
        build_date=dt.datetime.now(dt.UTC).date().isoformat(), vintage=vintage,
    )

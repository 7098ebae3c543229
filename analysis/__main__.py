"""Command line: ``python -m analysis params | scenarios | build | data | diff | sweep``.

Exit codes: 0 success, 1 a build step failed, 2 bad input (parameter, scenario or page source).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import time
from concurrent.futures import Executor, ProcessPoolExecutor
from pathlib import Path

from analysis.params import (
    ParameterError,
    ScenarioError,
    list_scenarios,
    load_scenario,
    parse_cli_assignments,
    resolve,
    schema_table,
    validate,
)

EXIT_BAD_INPUT = 2


def _cmd_params(args: argparse.Namespace) -> int:
    rows = schema_table()
    if args.format == "markdown":
        print("| group | name | default | unit | allowed | description |")
        print("|---|---|---|---|---|---|")
        for r in rows:
            print(f"| {r['group']} | `{r['name']}` | {r['default']} | {r['unit']} | "
                  f"{r['allowed']} | {r['description']} |")
        return 0
    width = max(len(r["name"]) for r in rows)
    group = None
    for r in rows:
        if r["group"] != group:
            group = r["group"]
            print(f"\n{group}")
        print(f"  {r['name']:<{width}}  default {r['default']!s:<12} [{r['unit']}]  "
              f"{r['allowed']}")
        print(f"  {'':<{width}}  {r['description']}")
    return 0


def _cmd_scenarios(args: argparse.Namespace) -> int:
    for name in list_scenarios():
        _, values = load_scenario(name)
        changed = ", ".join(f"{k}={v}" for k, v in values.items()) or "(defaults)"
        print(f"{name:<24} {changed}")
    return 0


def _cmd_build(args: argparse.Namespace) -> int:
    from analysis.data import DataValidationError
    from analysis.site.build import BuildError, build
    from analysis.site.pages import PageError
    from analysis.site.steps import BuildInterrupted

    overrides = parse_cli_assignments(args.param or [])
    params = resolve(args.scenario, overrides)
    # multiprocessing's resource tracker (started with these options) cleans up the pool's
    # semaphores after an interrupted build by itself; its warning about them is noise.
    sys.warnoptions.append("ignore:resource_tracker:UserWarning")
    try:
        build(params, jobs=args.jobs, archive=args.archive, use_cache=not args.no_cache)
    except (PageError, DataValidationError, ParameterError, ScenarioError) as exc:
        _report(exc, args.debug)
        return EXIT_BAD_INPUT
    except BuildError as exc:  # a StepError too: one line naming the step
        _report(exc, args.debug)
        return 1
    except (BuildInterrupted, KeyboardInterrupt) as exc:
        _report(exc, args.debug, "build stopped (the published site is unchanged)")
        # Workers are dead and the lock is released; skip the interpreter's teardown (joining
        # the pool's threads, freeing pandas & co.), which takes seconds on a loaded machine.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(128 + getattr(exc, "signum", 2))
    except Exception as exc:  # noqa: BLE001 - one line, not a traceback, unless --debug
        _report(exc, args.debug, f"build failed: {type(exc).__name__}: {exc} (run with --debug "
                                 "for the traceback; the published site is unchanged)")
        return 1
    return 0


def _cmd_data(args: argparse.Namespace) -> int:
    from analysis.data import cli

    return cli(args.action, args.data_dir, args.retrieved)


def _cmd_diff(args: argparse.Namespace) -> int:
    from analysis.site.diff import cli

    return cli(args.old, args.new)


def _report(exc: BaseException, debug: bool, message: str | None = None) -> None:
    """Print one error line; with ``--debug`` also the traceback and the step's full log."""
    if debug:
        import traceback

        traceback.print_exception(exc, file=sys.stderr)
        if getattr(exc, "detail", ""):
            print(exc.detail, file=sys.stderr)
    text = " ".join((message or str(exc)).split())
    print(f"error: {text}", file=sys.stderr)


def _sweep_executor(args: argparse.Namespace, stack: contextlib.ExitStack) -> Executor | None:
    """The executor the sweep runs on: a local process pool, a Dask cluster, or none."""
    if args.executor == "serial":
        return None
    if args.executor == "processes":
        import multiprocessing

        # spawn, not fork: a forked copy of a threaded parent can deadlock.
        return stack.enter_context(ProcessPoolExecutor(
            max_workers=args.workers, mp_context=multiprocessing.get_context("spawn")))
    from distributed import Client, LocalCluster

    if args.scheduler:
        client = stack.enter_context(Client(args.scheduler))
    else:  # no address: a throwaway cluster on this machine
        cluster = stack.enter_context(LocalCluster(n_workers=args.workers, threads_per_worker=1,
                                                   processes=True, dashboard_address=None))
        client = stack.enter_context(Client(cluster))
    return client.get_executor()


def _cmd_sweep(args: argparse.Namespace) -> int:
    from analysis.models import sweep
    from analysis.site import results

    overrides = parse_cli_assignments(args.param or [])
    params = resolve(args.scenario, overrides)
    grid = sweep.load_grid(args.grid) if args.grid else sweep.grid_for(params)
    if args.draws is not None:
        grid = sweep.SweepGrid(levels=grid.levels, draws=args.draws)
    grid = sweep.validate_grid(grid, where=args.grid or "grid")
    if args.scheduler and args.executor != "dask":
        print("error: --scheduler goes with --executor dask", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(f"Sweep: {grid.size} points x {grid.draws} draws over "
          f"{', '.join(grid.names)}; executor {args.executor}", file=sys.stderr)
    started = time.perf_counter()
    with contextlib.ExitStack() as stack:
        run = results.sweep_results(params, grid, _sweep_executor(args, stack),
                                    results_dir=Path(args.out) if args.out else
                                    results.RESULTS_DIR)
    how = "reused" if run.reused else f"computed in {time.perf_counter() - started:.1f} s"
    print(f"{run.path / results.SWEEP_FILE} ({len(run.table)} rows, {how})")
    return 0


def _cmd_golden(args: argparse.Namespace) -> int:
    """Build with the smoke parameters and write (or check) the reference glue snapshot."""
    from analysis.site import golden
    from analysis.site.build import build, repo_root

    root = repo_root()
    summary = build(validate(golden.SMOKE_PARAMS), root=root, stream=sys.stdout)
    snapshot = golden.site_snapshot(summary.site)
    reference = root / golden.REFERENCE
    if args.check:
        diffs = golden.compare_snapshots(
            json.loads(reference.read_text(encoding="utf-8")), snapshot)
        print("\n".join(diffs) or "no differences from the reference")
        return 1 if diffs else 0
    reference.write_text(json.dumps(snapshot, indent=1, sort_keys=True, ensure_ascii=False)
                         + "\n", encoding="utf-8")
    print(f"wrote {reference.relative_to(root)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the command line and return the exit code."""
    parser = argparse.ArgumentParser(prog="python -m analysis", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p_params = sub.add_parser("params", help="list every parameter with default and bounds")
    p_params.add_argument("--format", choices=("text", "markdown"), default="text")
    p_params.set_defaults(func=_cmd_params)
    p_scen = sub.add_parser("scenarios", help="list the scenario files")
    p_scen.set_defaults(func=_cmd_scenarios)
    p_build = sub.add_parser("build", help="execute the pages and build the site")
    p_build.add_argument("--scenario", default=os.environ.get("SCENARIO") or "baseline",
                         help="scenario name in data/scenarios or a YAML file")
    p_build.add_argument("-p", "--param", action="append", metavar="NAME=VALUE",
                         help="override one parameter (repeatable); wins over the scenario")
    p_build.add_argument("--jobs", type=int, default=None, help="pages executed in parallel")
    p_build.add_argument("--archive", metavar="VERSION", default=None,
                         help="also keep the site under _build/archive/VERSION")
    p_build.add_argument("--no-cache", action="store_true", help="execute every page")
    p_build.add_argument("--debug", action="store_true",
                         help="on failure, show the traceback and the failing step's full log")
    p_build.set_defaults(func=_cmd_build)
    p_data = sub.add_parser("data", help="validate the data tables or stamp their checksums")
    p_data.add_argument("action", choices=("check", "stamp"),
                        help="check: report every bad row; stamp: re-record checksums and "
                             "retrieval dates (refused while a table is invalid)")
    p_data.add_argument("--data-dir", default=None, help="data folder (default: data/)")
    p_data.add_argument("--retrieved", default=None, metavar="YYYY-MM-DD",
                        help="retrieval date recorded by stamp (default: today)")
    p_data.set_defaults(func=_cmd_data)
    p_diff = sub.add_parser("diff", help="what changed between two archived versions")
    p_diff.add_argument("old", help="archive version, folder or manifest.json")
    p_diff.add_argument("new", help="archive version, folder or manifest.json")
    p_diff.set_defaults(func=_cmd_diff)
    p_gold = sub.add_parser("golden", help="write (or --check) the reference glue snapshot "
                                           "that shows a refactoring changed no number")
    p_gold.add_argument("--check", action="store_true", help="compare instead of writing")
    p_gold.set_defaults(func=_cmd_golden)
    p_sweep = sub.add_parser("sweep", help="the headline over a grid of assumptions")
    p_sweep.add_argument("--scenario", default=os.environ.get("SCENARIO") or "baseline",
                         help="scenario name in data/scenarios or a YAML file")
    p_sweep.add_argument("-p", "--param", action="append", metavar="NAME=VALUE",
                         help="override one parameter (repeatable); wins over the scenario")
    p_sweep.add_argument("--grid", metavar="FILE", default=None,
                         help="YAML grid: 'parameters: {name: [levels]}' and optional 'draws'")
    p_sweep.add_argument("--draws", type=int, default=None, help="draws per grid point")
    p_sweep.add_argument("--executor", choices=("processes", "dask", "serial"),
                         default="processes", help="where the points are computed")
    p_sweep.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                         help="local workers (processes, or a local Dask cluster)")
    p_sweep.add_argument("--scheduler", metavar="ADDRESS", default=None,
                         help="Dask scheduler address, e.g. tcp://10.0.0.5:8786")
    p_sweep.add_argument("--out", metavar="DIR", default=None,
                         help="results folder (default: _build/cache/results)")
    p_sweep.set_defaults(func=_cmd_sweep)
    args = parser.parse_args(argv)
    if getattr(args, "workers", None) is not None and args.workers < 1:
        print("error: --workers must be at least 1", file=sys.stderr)
        return EXIT_BAD_INPUT
    if getattr(args, "jobs", None) is not None and args.jobs < 1:
        print("error: --jobs must be at least 1", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        return args.func(args)
    except (ParameterError, ScenarioError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())

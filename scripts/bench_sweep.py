"""Benchmark the assumption sweep: the default grid with 1 and 2 local workers, and its size.

Prints wall time per worker count, the speed-up, draws per second, and the size of the data the
explore page ships to the browser. Targets: at most 60 s with 2 workers on a 2-core machine,
near-linear speed-up, and at most 1 MB of explorer data.

    .venv/bin/python scripts/bench_sweep.py            # the build's grid and draws
    .venv/bin/python scripts/bench_sweep.py 1 2 4      # chosen worker counts
"""

from __future__ import annotations

import json
import multiprocessing
import sys
import time
from concurrent.futures import ProcessPoolExecutor

import pandas as pd

from analysis import data, params
from analysis.charts import explorer
from analysis.models import sweep

TARGET_2_WORKERS_S = 60.0
TARGET_EXPLORER_MB = 1.0


def timed_sweep(p: params.Params, grid: sweep.SweepGrid, workers: int
                ) -> tuple[float, pd.DataFrame]:
    """Wall time of one sweep on ``workers`` spawned processes (pool start-up included)."""
    families, events = data.load_job_families(), data.load_layoff_rounds()
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers,
                             mp_context=multiprocessing.get_context("spawn")) as pool:
        table = sweep.run_sweep(p, families, events, grid, pool)
    return time.perf_counter() - start, table


def main(argv: list[str]) -> int:
    """Run the benchmark and print its figures."""
    worker_counts = [int(a) for a in argv] or [1, 2]
    p = params.validate({})
    grid = sweep.validate_grid(sweep.grid_for(p))
    print(f"Default grid: {grid.size} points x {grid.draws} draws over {', '.join(grid.names)}")
    times: dict[int, float] = {}
    table = None
    for workers in worker_counts:
        seconds, table = timed_sweep(p, grid, workers)
        times[workers] = seconds
        rate = grid.size * grid.draws / seconds
        print(f"  {workers} worker(s): {seconds:6.1f} s   {rate:,.0f} draws/s")
    if 1 in times and 2 in times:
        speedup = times[1] / times[2]
        verdict = "met" if times[2] <= TARGET_2_WORKERS_S else "NOT met"
        print(f"  speed-up 1 -> 2 workers: {speedup:.2f}x; 2-worker target "
              f"<= {TARGET_2_WORKERS_S:.0f} s {verdict}")
    assert table is not None
    records = explorer.explorer_records(table, grid)
    size_mb = len(json.dumps(records, separators=(",", ":"))) / 1e6
    verdict = "met" if size_mb <= TARGET_EXPLORER_MB else "NOT met"
    print(f"Explorer data shipped to the browser: {size_mb:.2f} MB "
          f"(target <= {TARGET_EXPLORER_MB:.0f} MB {verdict})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

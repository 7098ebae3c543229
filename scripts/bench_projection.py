"""Benchmark the projection Monte Carlo: wall time and peak memory for 10^4, 10^5, 10^6 draws.

Targets: 100,000 draws in at most 1 s; 1,000,000 draws in at most 10 s with peak memory at most
2 GB. Each size runs in a fresh interpreter so that its peak resident set size (ru_maxrss) is
its own; the interpreter with numpy, pandas and scipy loaded is part of that figure.

    .venv/bin/python scripts/bench_projection.py            # all sizes
    .venv/bin/python scripts/bench_projection.py 200000     # chosen sizes
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
import tracemalloc

from analysis import data
from analysis.models.headline import sized_rounds

SIZES = (10_000, 100_000, 1_000_000)
TARGET_S = {100_000: 1.0, 1_000_000: 10.0}
TARGET_PEAK_MB = 2048.0

# The report's own inputs: the estimated job families and the sourced layoff rounds.
FAMILIES = data.load_job_families()
EVENTS = sized_rounds(data.load_layoff_rounds())


def measure(n: int) -> dict[str, float]:
    """Time one run of ``n`` draws, then repeat it under tracemalloc for the allocation peak."""
    from analysis.models.projection import run_monte_carlo

    run_monte_carlo({"mc_draws": 1_000}, FAMILIES, EVENTS)  # imports and first-call costs
    start = time.perf_counter()
    result = run_monte_carlo({"mc_draws": n}, FAMILIES, EVENTS)
    wall_s = time.perf_counter() - start
    median_2027 = float(result.summary["median"].iloc[1])
    del result
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    tracemalloc.start()
    run_monte_carlo({"mc_draws": n}, FAMILIES, EVENTS)
    traced_mb = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return {"n": n, "wall_s": wall_s, "peak_rss_mb": rss_mb, "peak_traced_mb": traced_mb,
            "median_2027": median_2027}


def main(argv: list[str]) -> int:
    if argv[:1] == ["--child"]:
        print(json.dumps(measure(int(argv[1]))))
        return 0
    sizes = [int(a) for a in argv] or list(SIZES)
    print(f"{'draws':>10} {'wall s':>8} {'target s':>9} {'peak RSS MB':>12} "
          f"{'peak alloc MB':>14} {'median 2027':>12}")
    ok = True
    for n in sizes:
        child = subprocess.run([sys.executable, __file__, "--child", str(n)], check=True,
                               capture_output=True, text=True)
        row = json.loads(child.stdout.strip().splitlines()[-1])
        target = TARGET_S.get(n)
        ok &= (target is None or row["wall_s"] <= target) and row["peak_rss_mb"] <= TARGET_PEAK_MB
        target_text = f"{target:.1f}" if target else "-"
        print(f"{n:>10,} {row['wall_s']:>8.2f} {target_text:>9} "
              f"{row['peak_rss_mb']:>12.0f} {row['peak_traced_mb']:>14.0f} "
              f"{row['median_2027']:>12,.0f}")
    print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

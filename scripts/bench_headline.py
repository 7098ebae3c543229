"""Time the headline backtest and the combination on the report's data; print the figures.

Usage: ``python scripts/bench_headline.py``. Default parameters, data from ``analysis.data``
(validated on load), as in the book. Times: the backtest (both models from every past origin,
scores, stacking and the bootstrap of the weight), the headline itself at the fitted weight
(projection core, rounds model, mixture) and the weight curve over 0-100%. Prints the fitted
weight and the chance inside the claimed range so a change of figures is visible too.
"""

from __future__ import annotations

import resource
import time

from analysis import data, params
from analysis.models import headline
from analysis.models import headline_backtest as hb

TARGET_S = 10.0


def timed(label: str, func, *args, **kwargs):
    start = time.perf_counter()
    out = func(*args, **kwargs)
    elapsed = time.perf_counter() - start
    print(f"  {label:<58s} {elapsed:7.3f} s")
    return out, elapsed


def main() -> None:
    p = params.validate({})
    events = data.load_layoff_rounds(include_unreliable=p.include_unreliable)
    families = data.load_job_families()
    print(f"headline backtest and combination (mc_draws {p.mc_draws:,}, backtest draws "
          f"{min(p.mc_draws, hb.BACKTEST_DRAWS):,}, {hb.BOOTSTRAP_RESAMPLES:,} resamples):")
    bt, t_bt = timed("backtest: both models from every origin, scores, weight",
                     hb.run_headline_backtest, p, families, events)
    fixed = params.validate({"headline_weight_projection_pct": bt.weight_pct})
    res, t_mix = timed("headline at that weight (no backtest): models + mixture",
                       headline.compute_headline, fixed, families, events)
    _, t_curve = timed("weight curve, 101 weights x 2 readings", hb.weight_curve, res.draws,
                       float(p.interval_level_pct), range(0, 101))
    total = t_bt + t_mix + t_curve
    print(f"  {'total':<58s} {total:7.3f} s  (target <= {TARGET_S:g} s)")
    print(f"  peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB, "
          f"CPU {time.process_time():.1f} s for the whole script (imports included)")
    print(f"  origins {len(bt.origins)}, windows scored {len(bt.pairs)}, fitted weight "
          f"{bt.fitted_weight_pct:g}%, bagged {bt.weight_pct:g}% "
          f"(80% bootstrap {bt.weight_interval_pct[0]:g}-{bt.weight_interval_pct[1]:g}%), "
          f"too short to tell: {bt.too_short}")
    for reading in ("2026", "2027"):
        row = res.get("combined", reading)
        print(f"  P(inside) {row['reading_label']}: {row['prob_inside']:.3f}")


if __name__ == "__main__":
    main()

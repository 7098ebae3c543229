"""Time the forecasts, the nested backtest and the rounds model; print time and memory.

Usage: ``python scripts/bench_forecast.py``. The annual, quarterly, guidance and rounds frames
come from ``analysis.data`` (validated on load), as in the book. Every forecast call runs the
whole nested rolling-origin procedure (all candidates at every origin), so each line is the
time of all fits behind that forecast. Memory: the nested backtest's peak traced by
``tracemalloc`` (in a second, untimed run) and the process's maximum resident set size.
"""

from __future__ import annotations

import resource
import time
import tracemalloc
import warnings

import pandas as pd

from analysis import data
from analysis.charts import tables
from analysis.models import forecast as F
from analysis.models import rounds as R
from analysis.models.backtest import backtest_annual

TARGET_S = 20.0
AS_OF = "2026-06-30"


def annual_frame() -> pd.DataFrame:
    return data.load_annual()


def guidance_frame() -> pd.DataFrame:
    return data.load_capex_guidance()


def quarterly_frame() -> pd.DataFrame:
    return data.load_quarterly()


def rounds_frame() -> pd.DataFrame:
    return data.load_layoff_rounds()


def timed(label: str, func, *args, **kwargs):
    start = time.perf_counter()
    out = func(*args, **kwargs)
    elapsed = time.perf_counter() - start
    print(f"  {label:<58s} {elapsed:7.3f} s")
    return out, elapsed


def main() -> None:
    annual, quarterly, rounds = annual_frame(), quarterly_frame(), rounds_frame()
    guidance = guidance_frame()
    total = 0.0
    import statsmodels.api  # noqa: F401  (imports are not fits: load them before timing)
    import statsmodels.tsa.ar_model  # noqa: F401

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the benchmark also proves no warning escapes
        print("one candidate (with the naive benchmark) on FY2015-2025 gross capex, nested:")
        capex = F.annual_series(annual, "capex_gross_usd_m", AS_OF)
        for cand in F.CAPEX_CANDIDATES:
            guide = F.annual_guidance_lookup(guidance, AS_OF, int(capex.index[-1]))
            _, t = timed(cand.name, F.forecast_series, capex, 2, "Y", 80, [cand], guide)
            total += t
        print("published forecasts (all candidates, nested selection, calibration):")
        for label, func, frame, kwargs in (
            ("capex annual", F.forecast_capex_annual, annual, {"guidance": guidance}),
            ("headcount annual", F.forecast_headcount_annual, annual, {}),
            ("capex quarterly", F.forecast_capex_quarterly, quarterly, {}),
            ("headcount quarterly", F.forecast_headcount_quarterly, quarterly, {}),
            ("capex guidance path", F.forecast_capex_guidance, annual, {"guidance": guidance}),
        ):
            res, t = timed(label, func, frame, AS_OF, **kwargs)
            total += t
            print(f"    -> {res.model}")
        rel, t = timed("capex intensity vs headcount growth (OLS, HAC)",
                       F.capex_headcount_relation, annual, AS_OF)
        total += t
        print(f"    -> coefficient {rel.coefficient:.2f} pp per pp, 95% CI "
              f"[{rel.lower:.2f}, {rel.upper:.2f}], p {rel.p_value:.3f}, n {rel.n}, "
              f"R2 {rel.r_squared:.2f}")
        print("nested backtest (origins 2019-2024, horizons 1-2, capex and headcount):")
        known = tables.annual_known_by(annual, AS_OF)
        bt, t = timed("backtest_annual", backtest_annual, known, 2019, 2024, as_of=AS_OF,
                      guidance=guidance)
        total += t
        print("rounds:")
        _, t = timed("fit_round_frequency", R.fit_round_frequency, rounds, AS_OF, "2022-11-01")
        total += t
        sim, t = timed("simulate_further_cuts (20,000 draws)", R.simulate_further_cuts, rounds,
                       AS_OF, "2027-12-31", 20_000, 20251028, "2022-11-01")
        total += t
    tracemalloc.start()  # a second, untimed run: tracing slows the code it watches
    backtest_annual(known, 2019, 2024, as_of=AS_OF, guidance=guidance)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"TOTAL {total:.2f} s (target <= {TARGET_S:.0f} s): "
          f"{'OK' if total <= TARGET_S else 'TOO SLOW'}")
    print(f"memory: nested backtest peak traced {peak / 2**20:.1f} MiB; process max resident "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    print("\nbacktest summary:")
    print(bt.summary.round(3).to_string(index=False))
    print("\ncalibration (all series and horizons pooled):")
    cal = bt.calibration
    print(cal[cal["series"] == "all"].round(1).to_string(index=False))
    print("\nfurther cuts:")
    print(R.summarise_further_cuts(sim).round(3).to_string(index=False))


if __name__ == "__main__":
    main()

"""Time the statistical forecasts on the report's data and print the figures (target <= 20 s).

Usage: ``python scripts/bench_forecast.py``. The annual, quarterly and rounds frames come from
``analysis.data`` (validated on load), as in the book.
"""

from __future__ import annotations

import time
import warnings

import pandas as pd

from analysis import data
from analysis import forecast as F
from analysis import rounds as R
from analysis.backtest import backtest_annual

TARGET_S = 20.0
AS_OF = "2026-06-30"


def annual_frame() -> pd.DataFrame:
    return data.load_annual()


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
    total = 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the benchmark also proves no warning escapes
        print("single fits on FY2015-2025 gross capex (one fit + 2-year forecast each):")
        capex = F.annual_series(annual, "capex_gross_usd_m", AS_OF)
        for cand in F.ANNUAL_CANDIDATES:
            _, t = timed(cand.name, F.forecast_series, capex, 2, "Y", 80, [cand])
            total += t
        print("forecasts (all candidates, rolling-origin selection):")
        for label, func, frame in (
            ("capex annual", F.forecast_capex_annual, annual),
            ("headcount annual", F.forecast_headcount_annual, annual),
            ("capex quarterly", F.forecast_capex_quarterly, quarterly),
            ("headcount quarterly", F.forecast_headcount_quarterly, quarterly),
            ("capex guidance path", F.forecast_capex_guidance, annual),
        ):
            res, t = timed(label, func, frame, AS_OF)
            total += t
            print(f"    -> {res.model}")
        rel, t = timed("capex intensity vs headcount growth (OLS, HAC)",
                       F.capex_headcount_relation, annual, AS_OF)
        total += t
        print(f"    -> coefficient {rel.coefficient:.2f} pp per pp, 95% CI "
              f"[{rel.lower:.2f}, {rel.upper:.2f}], p {rel.p_value:.3f}, n {rel.n}, "
              f"R2 {rel.r_squared:.2f}")
        print("backtest (origins 2019-2024, horizons 1-2, capex and headcount):")
        bt, t = timed("backtest_annual", backtest_annual, annual, 2019, 2024)
        total += t
        print("rounds:")
        _, t = timed("fit_round_frequency", R.fit_round_frequency, rounds, AS_OF, "2022-11-01")
        total += t
        sim, t = timed("simulate_further_cuts (20,000 draws)", R.simulate_further_cuts, rounds,
                       AS_OF, "2027-12-31", 20_000, 20251028, "2022-11-01")
        total += t
    print(f"TOTAL {total:.2f} s (target <= {TARGET_S:.0f} s): "
          f"{'OK' if total <= TARGET_S else 'TOO SLOW'}")
    print("\nbacktest summary:")
    print(bt.summary.round(3).to_string(index=False))
    print("\nfurther cuts:")
    print(R.summarise_further_cuts(sim).round(3).to_string(index=False))


if __name__ == "__main__":
    main()

"""Time the statistical forecasts on real-shaped data and print the figures (target <= 20 s).

Usage: ``python scripts/bench_forecast.py``. The annual, quarterly and rounds frames are built
inline from the fact base (amazon_facts.md Tables 1a-1c, 3) so the script runs without
``analysis.data``.
"""

from __future__ import annotations

import time
import warnings

import numpy as np
import pandas as pd

from analysis import forecast as F
from analysis import rounds as R
from analysis.backtest import backtest_annual

TARGET_S = 20.0
AS_OF = "2026-06-30"


def annual_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "year": list(range(2015, 2026)),
        "net_sales_usd_m": np.array([107006, 135987, 177866, 232887, 280522, 386064, 469822,
                                     513983, 574785, 637959, 716924], float),
        "capex_gross_usd_m": np.array([4589, 6737, 11955, 13427, 16861, 40140, 61053, 63645,
                                       52729, 82999, 131819], float),
        "employees_year_end": np.array([230800, 341400, 566000, 647500, 798000, 1298000,
                                        1608000, 1541000, 1525000, 1556000, 1576000], float),
    })


def quarterly_frame() -> pd.DataFrame:
    capex = {"2022Q4": 16592, "2023Q3": 12479, "2023Q4": 14588, "2024Q3": 22620,
             "2024Q4": 27834, "2025Q3": 35095, "2025Q4": 39522, "2026Q1": 44200}
    staff = {"2022Q3": 1544000, "2022Q4": 1541000, "2023Q1": 1465000, "2023Q2": 1461000,
             "2023Q3": 1500000, "2023Q4": 1525000, "2024Q2": 1532000, "2024Q3": 1551000,
             "2024Q4": 1556000, "2025Q1": 1560000, "2025Q2": 1546000, "2025Q3": 1578000,
             "2025Q4": 1576000}
    periods = [str(p) for p in pd.period_range("2022Q1", "2026Q2", freq="Q")]
    return pd.DataFrame({
        "period": periods,
        "quarter_end": [pd.Period(p, "Q").end_time.normalize() for p in periods],
        "capex_gross_usd_m": [float(capex.get(p, np.nan)) for p in periods],
        "employees": [float(staff.get(p, np.nan)) for p in periods],
    })


def rounds_frame() -> pd.DataFrame:
    rows = [("2023-01-04", 18000, 18000), ("2023-03-20", 9000, 9000),
            ("2024-01-10", 500, 550), ("2024-01-10", 200, 900), ("2025-07-17", 200, 900),
            ("2025-10-28", 14000, 14000), ("2026-01-28", 16000, 16000),
            ("2026-03-03", 100, 200)]
    df = pd.DataFrame(rows, columns=["announced", "roles_low", "roles_high"])
    df["announced"] = pd.to_datetime(df["announced"])
    df[["roles_low", "roles_high"]] = df[["roles_low", "roles_high"]].astype(float)
    df["roles_mid"] = (df["roles_low"] + df["roles_high"]) / 2.0
    df["is_corporate"] = True
    return df


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

"""Small inputs shared by several test modules (a helper module, not a test module).

Test modules import from here, never from one another (a meta-test checks it). The frame
builders return a new frame on every call, so a test may change what it gets; ``FAMILIES`` and
``EVENTS`` are shared, so copy them before changing them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.params import SCHEMA
from analysis.site import golden

#: Tiny parameters for executing every page quickly: the page smoke test and the site build.
SMOKE = golden.SMOKE_PARAMS  # the reference snapshot (tests/golden) was built with these
#: Draws for the briefing-only builds (the scenario directions and the PDF step).
BRIEFING_DRAWS = {"mc_draws": 4_000}

# --- the projection core (tests/test_projection.py, test_sensitivity.py, properties) ---------

# Realistic job families (shares sum to 100).
FAMILIES = pd.DataFrame({
    "family": ["process_program_mgmt", "coordination_ops_support", "hr_people",
               "routine_analysis", "software_engineering", "ai_ml_specialists",
               "sales_marketing", "product_design", "other"],
    "headcount_share_pct": [14.0, 12.0, 6.0, 10.0, 30.0, 4.0, 10.0, 8.0, 6.0],
    "ai_exposure_pct": [55.0, 60.0, 60.0, 65.0, 45.0, 35.0, 50.0, 40.0, 45.0],
    "is_ai_specialist": [False, False, False, False, False, True, False, False, False],
})

# The default cut-off is computed from the data (analysis.data_cutoff); the last event is dated
# a month after it, so that it stays "after as_of" whatever the data's latest date.
AFTER_AS_OF = (pd.Timestamp(SCHEMA["as_of"].default) + pd.Timedelta(days=30)).date().isoformat()
EVENTS = pd.DataFrame({
    "announced": pd.to_datetime(["2023-01-04", "2025-10-28", "2026-01-28", "2026-03-03",
                                 "2026-05-01", AFTER_AS_OF]),
    "roles_low": [18_000.0, 14_000.0, 16_000.0, 100.0, 9_000.0, 5_000.0],
    "roles_high": [18_000.0, 14_000.0, 16_000.0, 200.0, 9_000.0, 5_000.0],
    "roles_mid": [18_000.0, 14_000.0, 16_000.0, 150.0, 9_000.0, 5_000.0],
    "is_corporate": [True,  # before the base: ignored
                     True,  # the 28 Oct 2025 round: leaves the stock, not a further cut
                     True, True,  # observed further cuts
                     False,  # not corporate: ignored
                     True],  # after the default as_of: ignored
})


# --- chapter 1 (tests/test_capital.py, tests/test_truth.py) ----------------------------------

YEARS = list(range(2015, 2026))
CAPEX = [4589, 6737, 11955, 13427, 16861, 40140, 61053, 63645, 52729, 82999, 131819]
PROCEEDS = [np.nan, np.nan, 1897, 2104, 4172, 5096, 5657, 5324, 4596, 5341, 3499]
OCF = [11920, 16443, 18434, 30723, 38514, 66064, 46327, 46752, 84946, 115877, 139514]
SALES = [107006, 135987, 177866, 232887, 280522, 386064, 469822, 513983, 574785, 637959,
         716924]
EMPLOYEES = [230800, 341400, 566000, 647500, 798000, 1298000, 1608000, 1541000, 1525000,
             1556000, 1576000]


def annual_frame() -> pd.DataFrame:
    df = pd.DataFrame({"year": YEARS, "net_sales_usd_m": np.array(SALES, float),
                       "operating_cash_flow_usd_m": np.array(OCF, float),
                       "capex_gross_usd_m": np.array(CAPEX, float),
                       "capex_proceeds_usd_m": np.array(PROCEEDS, float),
                       "employees_year_end": np.array(EMPLOYEES, float)})
    df["capex_net_usd_m"] = df["capex_gross_usd_m"] - df["capex_proceeds_usd_m"]
    df["free_cash_flow_usd_m"] = df["operating_cash_flow_usd_m"] - df["capex_net_usd_m"]
    return df


def guidance_frame() -> pd.DataFrame:
    rows = [
        ("2025-02-a", "2025-02-06", "FY2025", 100.0, 100.0, "unspecified"),
        ("2025-10-a", "2025-10-30", "FY2025", 125.0, 125.0, "unspecified"),
        ("2026-02-a", "2026-02-05", "FY2026", 200.0, 200.0, "unspecified"),
        ("2026-04-a", "2026-04-29", "FY2026", 200.0, 200.0, "unspecified"),
    ]
    df = pd.DataFrame(rows, columns=["statement_id", "statement_date", "period",
                                     "value_low_usd_bn", "value_high_usd_bn", "basis"])
    df["statement_date"] = pd.to_datetime(df["statement_date"])
    return df


def rounds_frame() -> pd.DataFrame:
    rows = [
        ("nested", "2025-11-01", 5000.0, 5000.0, True, "2025-10-big"),
        ("2025-07", "2025-07-17", 200.0, 900.0, True, ""),
        ("2025-10-big", "2025-10-28", 14000.0, 14000.0, True, ""),
        ("2026-01", "2026-01-28", 16000.0, 16000.0, True, ""),
        ("2026-small", "2026-02-01", np.nan, np.nan, True, ""),
        ("2026-03", "2026-03-03", 100.0, 200.0, True, ""),
        ("2026-ops", "2026-03-10", 900.0, 900.0, False, ""),
        ("2026-09", "2026-09-01", 5000.0, 5000.0, True, ""),
    ]
    df = pd.DataFrame(rows, columns=["round_id", "announced", "roles_low", "roles_high",
                                     "is_corporate", "included_in_round_id"])
    df["announced"] = pd.to_datetime(df["announced"])
    df["roles_mid"] = (df["roles_low"] + df["roles_high"]) / 2.0
    return df


def benchmarks_frame() -> pd.DataFrame:
    rows = [
        ("amazon-stock-reaction-2026-02", "market_reaction", "after_hours_share_price_change_pct",
         -11.0, -10.0, "2026-02-05"),
        ("consensus-amazon-capex-2026", "analyst_forecast", "amazon_capex_2026_usd_bn",
         146.11, 146.11, "2026-02-05"),
        ("amazon-ttm-fcf-2026-q1", "amazon_reported", "ttm_free_cash_flow_usd_bn", 1.2, 1.2,
         "2026-04-29"),
        ("amazon-severance-2025-q3", "amazon_charges", "severance_charge_usd_bn", 1.8, 1.8,
         "2025-10-30"),
        ("amazon-severance-2025-q4", "amazon_charges", "severance_charge_usd_bn", 0.73, 0.73,
         "2026-02-05"),
        ("amazon-charges-2022-q4", "amazon_charges", "severance_charge_usd_bn", 2.7, 2.7,
         "2023-02-02"),
        ("undated-half", "analyst_forecast", "x", np.nan, 600.0, None),
    ]
    df = pd.DataFrame(rows, columns=["benchmark_id", "category", "metric", "value_low",
                                     "value_high", "statement_date"])
    df["statement_date"] = pd.to_datetime(df["statement_date"])
    # the quarter each figure covers and how far its source can be trusted
    periods = {"amazon-ttm-fcf-2026-q1": ("TTM to 2026Q1", "company_release"),
               "amazon-severance-2025-q3": ("2025Q3", "secondary"),
               "amazon-severance-2025-q4": ("2025Q4", "company_release"),
               "amazon-charges-2022-q4": ("2022Q4", "company_release")}
    df["period"] = [periods.get(i, ("", ""))[0] for i in df["benchmark_id"]]
    df["confidence"] = [periods.get(i, ("", "secondary"))[1] for i in df["benchmark_id"]]
    df["source_id"] = "test"
    return df


# --- hostile text (tests/test_escape.py and the CLI's refusal in tests/test_params.py) ---------

#: Strings a hostile scenario or data file might carry.
HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "<script>alert('x')</script>",
    '" onmouseover="alert(1)',
    "{eval-rst}`.. raw:: html\n\n   <script>alert(1)</script>`",
    "{raw:html}`<b>x</b>`",
    "```{raw} html\n<script>alert(2)</script>\n```",
    ":::{warning}\nsmuggled\n:::",
    "% comment\n(target)=\n- item",
    "`code` ``more`` $x^2$ {{ sub }} [link](javascript:alert(1))",
    "=HYPERLINK(\"http://x\")",
    "@SUM(A1)",
    "+1+1",
    "-2+3",
    "}\n@misc{evil, title={x}}",
    "\\input{/etc/passwd} 100% & #1 _a ^b ~c",
    "line one\nline two\r\n\tthree",
    "</script><script>alert(3)</script>",
    "\u2028\u2029 &amp; &#60;",
]

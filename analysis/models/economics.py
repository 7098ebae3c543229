"""Labour-cost arithmetic: what a number of eliminated roles saves per year.

Savings are gross yearly run-rate savings at a fully loaded cost per employee; severance and
the cost of backfills are ignored (stated wherever the numbers are used).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["labour_savings_usd_bn", "savings_curve"]


def labour_savings_usd_bn(roles: float | np.ndarray, cost_per_employee_usd_k: float
                          ) -> float | np.ndarray:
    """Return yearly savings in USD bn from eliminating ``roles`` roles.

    Args:
        roles: Number of roles (scalar or array), non-negative.
        cost_per_employee_usd_k: Fully loaded yearly cost per employee, USD thousand.

    Raises:
        ValueError: Negative roles or a non-positive cost.

    >>> labour_savings_usd_bn(30_000, 175.0)
    5.25
    """
    roles_arr = np.asarray(roles, dtype=float)
    if np.any(roles_arr < 0):
        raise ValueError("roles must be non-negative")
    if cost_per_employee_usd_k <= 0:
        raise ValueError("cost_per_employee_usd_k must be positive")
    out = roles_arr * cost_per_employee_usd_k / 1e6
    return float(out) if out.ndim == 0 else out


def savings_curve(max_roles: int, cost_per_employee_usd_k: float,
                  cost_spread_usd_k: tuple[float, float], step: int = 2_500) -> pd.DataFrame:
    """Return yearly savings against roles eliminated, with a band for the cost assumption.

    Args:
        max_roles: Largest number of roles on the curve.
        cost_per_employee_usd_k: Central fully loaded cost, USD thousand per year.
        cost_spread_usd_k: (below, above) the central cost for the band.
        step: Spacing of the roles grid.

    Returns:
        Columns ``roles``, ``savings_usd_bn``, ``savings_low_usd_bn``, ``savings_high_usd_bn``.
    """
    roles = np.arange(0, max_roles + step, step, dtype=float)
    low_cost = max(cost_per_employee_usd_k - cost_spread_usd_k[0], 1e-9)
    high_cost = cost_per_employee_usd_k + cost_spread_usd_k[1]
    return pd.DataFrame({
        "roles": roles.astype(int),
        "savings_usd_bn": labour_savings_usd_bn(roles, cost_per_employee_usd_k),
        "savings_low_usd_bn": labour_savings_usd_bn(roles, low_cost),
        "savings_high_usd_bn": labour_savings_usd_bn(roles, high_cost),
    })

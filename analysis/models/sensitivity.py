"""Sensitivity of the projection: one-at-a-time swings (tornado) and global rank correlations.

*One at a time.* Each uncertain parameter the projection reads (a schema ``mc_spread`` and a
name in :data:`analysis.models.projection.MODEL_PARAMETERS`) is set to the low and the high
end of its Monte Carlo range (value − below, value + above, clipped to the bounds) with every other
parameter at its value and observed events at ``roles_mid``; the observed events get their own
row (all at ``roles_low`` / all at ``roles_high``).

*Global.* Spearman rank correlation between each drawn input and the headline over the Monte
Carlo draws. ``share_of_variance`` normalises the squared rank correlations to sum to one: an
approximation of each input's contribution to the variance of the (ranked) headline, close when
the inputs are independent (they are drawn independently) and the response is near additive.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from analysis.models.projection import (
    MODEL_PARAMETERS,
    ProjectionResult,
    _draws_frame,
    _point_values,
    _prepare,
    _simulate,
)
from analysis.params import SCHEMA, label

__all__ = ["OBSERVED_EVENTS", "sensitivity_global", "sensitivity_oat"]

#: Name of the row/column standing for the sizes of the observed further rounds.
OBSERVED_EVENTS = "observed_further_cuts"


def sensitivity_oat(params: Mapping[str, Any], families: pd.DataFrame, events: pd.DataFrame,
                    quantity: str = "further_cuts_2027") -> pd.DataFrame:
    """Swing the headline by each uncertain parameter, one at a time (for a tornado chart).

    Args:
        params: Parameter values (any mapping; validated, defaults filled).
        families: Job families (see :func:`analysis.models.projection.project_point`).
        events: Layoff rounds (see :func:`analysis.models.projection.project_point`).
        quantity: A column of :attr:`ProjectionResult.draws`, e.g. ``further_cuts_2026``.

    Returns:
        One row per parameter, largest swing first: ``parameter``, ``label`` (its short
        human name, :func:`analysis.params.label`), ``base_value``,
        ``low_value``, ``high_value``, ``result_base``, ``result_low``, ``result_high`` and
        ``swing`` (``|result_high − result_low|``, in the unit of ``quantity``).

    Raises:
        ValueError: Invalid inputs, or an unknown ``quantity``.
    """
    p, setup = _prepare(params, families, events, monte_carlo=True)
    names = [n for n in MODEL_PARAMETERS if SCHEMA[n].mc_spread is not None]
    rows = [(None, None)] + [(n, end) for n in names for end in ("low", "high")] \
        + [(OBSERVED_EVENTS, "low"), (OBSERVED_EVENTS, "high")]
    values = _point_values(p, len(rows))
    observed = np.tile(setup.event_mid, (len(rows), 1))
    ends: dict[tuple[str, str], float] = {}
    for i, (name, end) in enumerate(rows):
        if name == OBSERVED_EVENTS:
            observed[i] = setup.event_low if end == "low" else setup.event_high
            ends[(name, end)] = float(observed[i].sum())
        elif name is not None:
            spec = SCHEMA[name]
            below, above = spec.mc_spread
            centre = float(p[name])
            value = centre - below if end == "low" else centre + above
            values[name][i] = ends[(name, end)] = float(np.clip(value, spec.low, spec.high))
    draws = _draws_frame(setup, _simulate(setup, values, observed))
    if quantity not in draws.columns or quantity == "draw":
        raise ValueError(f"quantity {quantity!r} is not a projection output; try "
                         "'further_cuts_2026' or 'further_cuts_2027'")
    result = draws[quantity].to_numpy(float)
    out = []
    for j, name in enumerate([*names, OBSERVED_EVENTS]):
        low, high = result[1 + 2 * j], result[2 + 2 * j]
        out.append({
            "parameter": name,
            "label": label(name),
            "base_value": float(setup.event_mid.sum()) if name == OBSERVED_EVENTS
            else float(p[name]),
            "low_value": ends[(name, "low")],
            "high_value": ends[(name, "high")],
            "result_base": float(result[0]),
            "result_low": float(low),
            "result_high": float(high),
            "swing": float(abs(high - low)),
        })
    frame = pd.DataFrame(out)
    return frame.sort_values(["swing", "parameter"], ascending=[False, True],
                             kind="stable").reset_index(drop=True)


def sensitivity_global(result: ProjectionResult, quantity: str = "further_cuts_2027"
                       ) -> pd.DataFrame:
    """Rank-correlate each drawn input with the headline across the Monte Carlo draws.

    Args:
        result: Output of :func:`analysis.models.projection.run_monte_carlo`.
        quantity: A column of ``result.draws``.

    Returns:
        One row per drawn input the projection uses (plus ``observed_further_cuts``), largest
        absolute correlation first: ``parameter``, ``label``, ``rank_correlation``
        (Spearman, −1..1; 0 for an input that did not vary) and ``share_of_variance``
        (squared correlations normalised to sum to 1).

    Raises:
        ValueError: An unknown ``quantity``.
    """
    if quantity not in result.draws.columns or quantity == "draw":
        raise ValueError(f"quantity {quantity!r} is not a column of the draws")
    names = [c for c in result.inputs.columns if c in MODEL_PARAMETERS or c == OBSERVED_EVENTS]
    from scipy.stats import rankdata  # imported where used: scipy takes a second to import
    y = rankdata(result.draws[quantity].to_numpy(float))
    y = y - y.mean()
    rho = []
    for name in names:
        x = rankdata(result.inputs[name].to_numpy(float))
        x = x - x.mean()
        denom = float(np.sqrt((x @ x) * (y @ y)))
        rho.append(float(x @ y) / denom if denom > 0 else 0.0)
    rho_arr = np.array(rho)
    total = float((rho_arr**2).sum())
    frame = pd.DataFrame({
        "parameter": names,
        "label": [label(n) for n in names],
        "rank_correlation": rho_arr,
        "share_of_variance": rho_arr**2 / total if total > 0 else np.zeros(len(names)),
    })
    order = np.argsort(-np.abs(rho_arr), kind="stable")
    return frame.iloc[order].reset_index(drop=True)

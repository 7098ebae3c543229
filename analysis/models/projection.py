"""Projection core: a quarterly stock-flow model of the corporate workforce, with Monte Carlo.

The model answers one question: how many corporate roles will Amazon have eliminated after the
28 Oct 2025 round ("further cuts", DESIGN.md §5) by 31 Dec 2026 and by 31 Dec 2027?

**Starting stock.** ``corporate_headcount_base`` is the workforce *before* the 28 Oct 2025
round. That round (the corporate event dated 2025-10-28 in ``events``, at ``roles_mid``) is
removed first; it is not a further cut. Corporate rounds announced after 2025-10-28 and on or
before ``as_of`` are *observed* further cuts: they leave the stock in the quarter of their
announcement and are never re-projected. No other flows are modelled between 28 Oct 2025 and
``as_of`` (the base is an undated two-significant-figure estimate whose Monte Carlo spread of
±30,000 dwarfs eight months of net attrition), so the stock at ``as_of`` is
``base − Oct-2025 round − observed further cuts``, split across job families by
``headcount_share_pct``.

**Time grid.** Steps end at every calendar quarter end, at ``as_of`` and at ``horizon_end``
(``quarter_end`` in the outputs is the step's end date). A step covering a fraction ``f`` of its
calendar quarter gets ``f`` times the quarterly flows. Dates are read as the end of the day, so
31 Dec 2027 is decimal year 2028.0.

**Flows** for family ``i`` in projected step ``t`` (``H`` = headcount at the step's start,
``H0`` = headcount at ``as_of``)::

    H[t+1]      = H[t] − layoffs_ai[t] − layoffs_delayering[t] − attrition[t] + hires[t]
    attrition   = H[t] · (attrition_rate_pct + rto_attrition_uplift_pct) / 100 / 4 · f
    hires       = backfill_rate_pct/100 · attrition
                  + ai_specialist_hires_per_year / 4 · f   (AI-specialist families only)

*Adoption curve* (% of AI-exposed work automated), a logistic anchored at ``as_of``::

    L(y)  = 1 / (1 + exp(−s · (y − m)))        s = steepness, m = midpoint year
    A(y)  = c + (C − c) · (L(y) − L(y0)) / (1 − L(y0))

with ``c`` = ``ai_adoption_current_pct`` at ``y0`` = ``as_of``, ``C`` = ceiling. ``A(y0) = c``,
``A`` rises monotonically to ``C``, and ``m`` is the year of fastest adoption (the midpoint of the
underlying logistic). A later midpoint always lowers adoption at every date; a steeper curve
raises it at every date only while the midpoint lies at most ``1.2785 / s`` years after
``as_of`` — before that, a steeper logistic is flatter early on (see
:data:`STEEPNESS_MONOTONE_LIMIT`).

*Cut targets* accrue against the work content at ``as_of`` (``H0``), so that cumulative targets
are a monotone function of adoption::

    ai target[t]  = H0 · min(1, exposure_i · exposure_multiplier) · ΔA[t] · substitution
                    · (1 − eu_share · brake_strength · brake_active[t])
    de-layering   = H0 · m_mgr · (1 − 1/(1 + r)) · (1 − delayering_realised) · Δd[t]

with ``d`` rising linearly from 0 at ``as_of`` to 1 after :data:`DELAYERING_QUARTERS` quarters
(``m_mgr`` = manager share, ``r`` = rise in ICs per manager: removing managers while keeping ICs
lifts ICs/manager by ``r``). The EU brake holds back (permanently) the EU share of AI-driven
targets from ``eu_brake_start − eu_brake_lead_months`` onward.

*Cap with backlog.* Targets are executed as layoffs of at most
``max_annual_cut_pct / 4 · f · H0`` per family and step (de-layering first); the excess is not
lost but carried to later quarters. Layoffs never exceed the stock left after attrition, so
headcount cannot become negative.

**Further cuts** by a cut-off date = observed further events up to then + projected layoffs
(AI + de-layering) in steps ending by then. Attrition is not a cut; it is reported separately.

**Monte Carlo.** Every schema parameter with ``mc_spread = (below, above)`` is drawn from a
triangular distribution ``(value − below, value, value + above)`` clipped to its ``[low, high]``
bounds (``cost_per_employee_usd_k`` is drawn and kept for savings but unused here); the drawn
ceiling is raised to the drawn current adoption if it falls below it. Observed further event
sizes are uniform on ``[roles_low, roles_high]``. Draws come from
``np.random.default_rng(seed)`` in schema order, all before the simulation, so output does not
depend on the chunk size and the same seed gives byte-identical output.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from analysis.data.layoff_rounds import is_corporate
from analysis.params import SCHEMA, Params, validate
from analysis.study import CLAIM_HIGH, CLAIM_LOW, FURTHER_AFTER, READINGS

__all__ = [
    "CLAIM_HIGH",
    "CLAIM_LOW",
    "DELAYERING_QUARTERS",
    "STUDY_CALENDAR",
    "FURTHER_AFTER",
    "MODEL_PARAMETERS",
    "QUANTILES",
    "READINGS",
    "STEEPNESS_MONOTONE_LIMIT",
    "Calendar",
    "ProjectionResult",
    "further_cuts_draws",
    "project_point",
    "run_monte_carlo",
]

# The memo's ratio change is already late; the unrealised rest is assumed done within a year.
DELAYERING_QUARTERS = 4
QUANTILES = (0.10, 0.25, 0.50, 0.75, 0.90)
# −y* where y* solves 1 + y·(1 − expit(y)) = 0: for a midpoint at most this many slope units
# (1/s years) after as_of, adoption at every later date rises with the steepness s.
STEEPNESS_MONOTONE_LIMIT = 1.2785

#: Parameters the projection reads that can vary by draw (the rest are fixed settings).
MODEL_PARAMETERS: tuple[str, ...] = (
    "corporate_headcount_base",
    "attrition_rate_pct",
    "rto_attrition_uplift_pct",
    "backfill_rate_pct",
    "ai_specialist_hires_per_year",
    "ai_adoption_current_pct",
    "ai_adoption_midpoint_year",
    "ai_adoption_steepness_per_year",
    "ai_adoption_ceiling_pct",
    "ai_substitution_share_pct",
    "exposure_multiplier",
    "max_annual_cut_pct",
    "manager_ratio_change_pct",
    "manager_share_pct",
    "delayering_realised_pct",
    "eu_workforce_share_pct",
    "eu_brake_strength_pct",
)

_FAMILY_COLUMNS = ("family", "headcount_share_pct", "ai_exposure_pct", "is_ai_specialist")
_EVENT_COLUMNS = ("announced", "roles_low", "roles_high", "roles_mid", "is_corporate")
_FAMILY_PREFIX = "projected_cuts_2027__"
_DEFAULT_CHUNK = 8_192  # small chunks stay in cache: faster than large ones


@dataclass(frozen=True)
class Calendar:
    """Where a run starts counting, which dates it reports, and how its dated assumptions move.

    The study's calendar (:data:`STUDY_CALENDAR`) counts further cuts after the 28 Oct 2025
    round and reports the two readings of "by 2027". The headline backtest
    (:mod:`analysis.models.headline_backtest`) moves the whole model to a past origin instead:
    counting starts at the origin, the readings are 12 and 24 months later, and the two dated
    assumptions (``ai_adoption_midpoint_year`` and ``eu_brake_start``, with its lead) are read
    ``shift_days`` later than the step dates, so that they keep the distance from the cut-off
    they have in the study.

    Attributes:
        further_after: Cuts announced after this date count (ISO). The starting stock is
            ``corporate_headcount_base`` minus the corporate round dated on this day; for the
            study's date that round must exist, for any other date there usually is none.
        readings: (name, last counted day) pairs, in order; each is capped at the horizon.
        shift_days: Days added to every step date before the adoption curve and the EU brake
            read it (0 in the study).
        horizon_end: Last day simulated (ISO); ``None`` takes the parameter ``horizon_end``.
    """

    further_after: str = FURTHER_AFTER
    readings: tuple[tuple[str, str], ...] = tuple(READINGS.items())
    shift_days: int = 0
    horizon_end: str | None = None


#: The study's own calendar: further cuts after 28 Oct 2025, read at end-2026 and end-2027.
STUDY_CALENDAR = Calendar()


@dataclass(frozen=True)
class ProjectionResult:
    """Output of :func:`run_monte_carlo`.

    Attributes:
        draws: One row per draw: ``draw``, ``further_cuts_2026``, ``further_cuts_2027``
            (observed + projected, roles), ``observed_further_cuts``, ``projected_cuts_<r>``,
            ``layoffs_ai_<r>``, ``layoffs_delayering_<r>``, ``attrition_<r>``, ``hires_<r>``
            (cumulative from ``as_of`` to reading ``r``), ``headcount_<r>`` (at the cut-off),
            ``net_headcount_change_<r>`` (vs. ``as_of``), and per family
            ``projected_cuts_2027__<family>``.
        inputs: One row per draw: ``draw``, every drawn parameter (schema name) and
            ``observed_further_cuts`` (the drawn sum of observed events).
        paths: Tidy quantile paths for fan charts: ``quarter_end``, ``phase`` (observed or
            projected), ``quantity`` (``headcount`` or ``cumulative_further_cuts``), ``mean``,
            ``q10``, ``q25``, ``q50``, ``q75``, ``q90``. The first row per quantity is 28 Oct
            2025, just after that round.
        summary: One row per reading (``2026``, ``2027``): ``reading``, ``cutoff_date``,
            ``point`` (the deterministic path), ``mean``, ``median``, ``p10``, ``p90``,
            ``interval_level_pct``, ``interval_low``, ``interval_high``, ``observed``,
            ``prob_below``, ``prob_inside``, ``prob_above`` (vs. ``CLAIM_LOW``–``CLAIM_HIGH``,
            inclusive), ``n_draws``.
        deterministic: :func:`project_point` at the parameter values.
        seed: Seed used.
        n_draws: Number of draws.
    """

    draws: pd.DataFrame
    inputs: pd.DataFrame
    paths: pd.DataFrame
    summary: pd.DataFrame
    deterministic: pd.DataFrame
    seed: int
    n_draws: int


@dataclass(frozen=True)
class _Setup:
    """Everything about a run that does not vary by draw."""

    family_ids: tuple[str, ...]
    share: np.ndarray  # (F,) headcount share, fraction
    exposure: np.ndarray  # (F,) exposure score beta (Eloundou et al.), fraction
    specialist_weight: np.ndarray  # (F,) split of AI-specialist hires, sums to 1 or 0
    bounds: tuple[dt.date, ...]  # S+1 step boundaries, FURTHER_AFTER first
    n_hist: int  # index of as_of in bounds = number of observed-phase steps
    frac: np.ndarray  # (S,) fraction of its calendar quarter each step covers
    years: np.ndarray  # (S+1,) decimal year of each boundary
    brake_active: np.ndarray  # (S,) fraction of each step under the EU brake
    delayering_step: np.ndarray  # (S,) share of the de-layering schedule due in each step
    event_low: np.ndarray  # (E,) observed further events
    event_high: np.ndarray
    event_mid: np.ndarray
    event_onehot: np.ndarray  # (E, S) step of each event
    base_round_roles: float
    reading_dates: dict[str, dt.date]
    reading_index: dict[str, int]  # boundary index of each cut-off


# --- inputs ------------------------------------------------------------------------------------


def _check_families(families: pd.DataFrame) -> None:
    if not isinstance(families, pd.DataFrame):
        raise ValueError("families must be a DataFrame")
    missing = [c for c in _FAMILY_COLUMNS if c not in families.columns]
    if missing:
        raise ValueError(f"families: missing column {missing[0]!r}")
    if families.empty:
        raise ValueError("families: no rows")
    ids = families["family"]
    if ids.isna().any() or ids.duplicated().any():
        raise ValueError("families: 'family' ids must be present and unique")
    share = pd.to_numeric(families["headcount_share_pct"], errors="coerce").to_numpy(float)
    if not np.all(np.isfinite(share)) or np.any(share < 0):
        raise ValueError("families: 'headcount_share_pct' must be finite and non-negative")
    if abs(share.sum() - 100.0) > 1e-6:
        raise ValueError(
            f"families: 'headcount_share_pct' sums to {share.sum():.9g}, not 100")
    exposure = pd.to_numeric(families["ai_exposure_pct"], errors="coerce").to_numpy(float)
    if not np.all(np.isfinite(exposure)) or np.any((exposure < 0) | (exposure > 100)):
        raise ValueError("families: 'ai_exposure_pct' must lie between 0 and 100")
    if not families["is_ai_specialist"].isin([True, False]).all():
        raise ValueError("families: 'is_ai_specialist' must be true or false")


def _check_params(params: Mapping[str, Any], calendar: Calendar = STUDY_CALENDAR) -> Params:
    # validate() checks types, bounds (no negative rates), horizon_end > as_of and
    # ceiling >= current, naming the parameter; ParameterError is a ValueError.
    p = validate(dict(params))
    if p["as_of"] < calendar.further_after:
        raise ValueError(
            f"parameter 'as_of': {p['as_of']} is before {calendar.further_after}, the round "
            "further cuts are counted from; the projection starts after it (earlier cut-offs "
            "are for the headline backtest only)")
    return p


def _events_used(events: pd.DataFrame, as_of: dt.date, further_after: str = FURTHER_AFTER
                 ) -> tuple[float, pd.DataFrame]:
    """Return the size of the round dated ``further_after`` and the observed further events."""
    if not isinstance(events, pd.DataFrame):
        raise ValueError("events must be a DataFrame")
    missing = [c for c in _EVENT_COLUMNS if c not in events.columns]
    if missing:
        raise ValueError(f"events: missing column {missing[0]!r}")
    announced = pd.to_datetime(events["announced"]).dt.normalize()
    if announced.isna().any():
        raise ValueError("events: 'announced' has missing dates")
    corporate = is_corporate(events)  # the one rule: a missing flag is not corporate
    cutoff = pd.Timestamp(further_after)
    base_mask = corporate & (announced == cutoff)
    obs_mask = corporate & (announced > cutoff) & (announced <= pd.Timestamp(as_of))
    used = events.loc[base_mask | obs_mask, ["roles_low", "roles_mid", "roles_high"]]
    roles = used.apply(pd.to_numeric, errors="coerce").to_numpy(float)
    if not np.all(np.isfinite(roles)) or np.any(roles < 0):
        raise ValueError("events: 'roles_low', 'roles_mid', 'roles_high' must be finite and "
                         "non-negative for the rounds used")
    if np.any(roles[:, 0] > roles[:, 1]) or np.any(roles[:, 1] > roles[:, 2]):
        raise ValueError("events: need roles_low <= roles_mid <= roles_high "
                         "('roles_high' below 'roles_low')")
    if not base_mask.any() and further_after == FURTHER_AFTER:
        raise ValueError(
            f"events: no corporate round announced on {FURTHER_AFTER}; the starting stock is "
            "corporate_headcount_base minus that round")
    base_round = float(pd.to_numeric(events.loc[base_mask, "roles_mid"]).sum())
    observed = pd.DataFrame({
        "announced": announced[obs_mask].dt.date,
        "roles_low": pd.to_numeric(events.loc[obs_mask, "roles_low"]).astype(float),
        "roles_mid": pd.to_numeric(events.loc[obs_mask, "roles_mid"]).astype(float),
        "roles_high": pd.to_numeric(events.loc[obs_mask, "roles_high"]).astype(float),
    }).sort_values("announced", kind="stable")
    return base_round, observed


def _quarter_end(day: dt.date) -> dt.date:
    month = 3 * ((day.month - 1) // 3 + 1)
    first_next = dt.date(day.year + (month == 12), month % 12 + 1, 1)
    return first_next - dt.timedelta(days=1)


def _quarter_days(day: dt.date) -> int:
    start = dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return (_quarter_end(day) - start).days + 1


def _timestamps(days: Sequence[dt.date]) -> np.ndarray:
    # Microseconds: the unit pandas 3 gives parsed dates, so frames compare and merge cleanly.
    return np.array(days, dtype="datetime64[D]").astype("datetime64[us]")


def _decimal_year(day: dt.date) -> float:
    # End of the day: 31 Dec 2027 is 2028.0, matching a midpoint "year 2028".
    start = dt.date(day.year, 1, 1)
    length = (dt.date(day.year + 1, 1, 1) - start).days
    return day.year + ((day - start).days + 1) / length


def _build_setup(p: Params, families: pd.DataFrame, events: pd.DataFrame,
                 calendar: Calendar = STUDY_CALENDAR) -> _Setup:
    _check_families(families)
    as_of = dt.date.fromisoformat(p["as_of"])
    horizon = dt.date.fromisoformat(calendar.horizon_end or p["horizon_end"])
    if horizon <= as_of:
        raise ValueError(f"calendar horizon_end {horizon} must be after as_of {as_of}")
    start = dt.date.fromisoformat(calendar.further_after)
    shift = dt.timedelta(days=calendar.shift_days)
    base_round, observed = _events_used(events, as_of, calendar.further_after)

    reading_dates = {r: min(dt.date.fromisoformat(d), horizon) for r, d in calendar.readings}
    if min(reading_dates.values()) < start:
        raise ValueError(f"calendar readings must not be before {start}")
    # the study's readings are quarter ends, already on the grid; a moved calendar's may not be
    bounds = {start, as_of, horizon, *reading_dates.values()}
    quarter = _quarter_end(start)
    while quarter < horizon:
        bounds.add(quarter)
        quarter = _quarter_end(quarter + dt.timedelta(days=1))
    grid = tuple(sorted(bounds))
    n_hist = grid.index(as_of)
    ends = grid[1:]
    days = np.array([(b - a).days for a, b in zip(grid[:-1], ends, strict=True)], float)
    frac = days / np.array([_quarter_days(b) for b in ends], float)

    # Shifting the step dates later by `shift` is moving the brake earlier by it.
    brake_from = (pd.Timestamp(p["eu_brake_start"])
                  - pd.DateOffset(months=int(p["eu_brake_lead_months"]))).date() - shift
    active_days = np.array(
        [max(0, (b - max(a, brake_from - dt.timedelta(days=1))).days)
         for a, b in zip(grid[:-1], ends, strict=True)], float)
    brake_active = np.minimum(active_days, days) / days

    elapsed = np.concatenate([[0.0], np.cumsum(np.where(np.arange(len(ends)) >= n_hist,
                                                         frac, 0.0))])
    delayering_step = np.diff(np.minimum(elapsed / DELAYERING_QUARTERS, 1.0))

    onehot = np.zeros((len(observed), len(ends)))
    for row, day in enumerate(observed["announced"]):
        step = next(k for k, end in enumerate(ends) if day <= end)
        onehot[row, step] = 1.0

    share = families["headcount_share_pct"].to_numpy(float) / 100.0
    specialist = families["is_ai_specialist"].astype(bool).to_numpy()
    weight = np.where(specialist, share, 0.0)
    if weight.sum() > 0:
        weight = weight / weight.sum()
    elif specialist.any():
        weight = specialist / specialist.sum()
    return _Setup(
        family_ids=tuple(str(f) for f in families["family"]),
        share=share,
        exposure=families["ai_exposure_pct"].to_numpy(float) / 100.0,
        specialist_weight=np.asarray(weight, float),
        bounds=grid,
        n_hist=n_hist,
        frac=frac,
        years=np.array([_decimal_year(b + shift) for b in grid]),
        brake_active=brake_active,
        delayering_step=delayering_step,
        event_low=observed["roles_low"].to_numpy(float),
        event_high=observed["roles_high"].to_numpy(float),
        event_mid=observed["roles_mid"].to_numpy(float),
        event_onehot=onehot,
        base_round_roles=base_round,
        reading_dates=reading_dates,
        reading_index={r: grid.index(d) for r, d in reading_dates.items()},
    )


def _setup_key(p: Params, calendar: Calendar) -> tuple[Any, ...]:
    # Every parameter _build_setup reads; the rest of a run's parameters are per draw.
    return (p["as_of"], p["horizon_end"], p["eu_brake_start"], p["eu_brake_lead_months"],
            calendar)


@dataclass(frozen=True, eq=False)
class SharedSetup:
    """The part of a run that depends on the dates and the input tables only.

    Its calendar of steps, the families' shares and the observed rounds are the same for
    every run with the same ``as_of``, ``horizon_end``, EU brake dates and calendar, so a
    sweep over the modelled assumptions builds it once (:func:`shared_setup`) instead of at
    every point; :func:`run_monte_carlo` uses it only when those match.

    Attributes:
        key: The parameters it was built with.
        setup: The setup itself.
    """

    key: tuple[Any, ...]
    setup: _Setup


def shared_setup(params: Mapping[str, Any], families: pd.DataFrame, events: pd.DataFrame,
                 calendar: Calendar = STUDY_CALENDAR) -> SharedSetup:
    """The :class:`SharedSetup` of ``params`` for runs on these ``families`` and ``events``."""
    p = _check_params(params, calendar)
    return SharedSetup(_setup_key(p, calendar), _build_setup(p, families, events, calendar))


def _prepare(params: Mapping[str, Any], families: pd.DataFrame, events: pd.DataFrame,
             monte_carlo: bool = False, calendar: Calendar = STUDY_CALENDAR,
             shared: SharedSetup | None = None) -> tuple[Params, _Setup]:
    p = _check_params(params, calendar)
    setup = shared.setup if shared is not None and shared.key == _setup_key(p, calendar) \
        else _build_setup(p, families, events, calendar)
    spread = SCHEMA["ai_specialist_hires_per_year"].mc_spread if monte_carlo else None
    most_hires = p["ai_specialist_hires_per_year"] + (spread[1] if spread else 0.0)
    if not setup.specialist_weight.any() and most_hires > 0:
        raise ValueError("families: no row has 'is_ai_specialist' true, so "
                         "'ai_specialist_hires_per_year' has nowhere to go")
    return p, setup


def _point_values(p: Params, n: int = 1) -> dict[str, np.ndarray]:
    return {name: np.full(n, float(p[name])) for name in MODEL_PARAMETERS}


# --- the engine --------------------------------------------------------------------------------


def _adoption_pct(years: np.ndarray, v: Mapping[str, np.ndarray]) -> np.ndarray:
    """Adoption (% of exposed work) at ``years`` (K,), per draw: (n, K); years[0] is as_of."""
    current = v["ai_adoption_current_pct"][:, None]
    ceiling = np.maximum(v["ai_adoption_ceiling_pct"], v["ai_adoption_current_pct"])[:, None]
    x = v["ai_adoption_steepness_per_year"][:, None] * (
        years[None, :] - v["ai_adoption_midpoint_year"][:, None])
    # 1 − (L − L0)/(1 − L0) = expit(−x)/expit(−x0): stable when L0 is close to 1.
    from scipy.special import expit  # imported where used: scipy takes a second to import
    progress = 1.0 - expit(-x) / expit(-x[:, :1])
    return current + (ceiling - current) * progress


def _history(setup: _Setup, v: Mapping[str, np.ndarray], observed: np.ndarray
             ) -> tuple[np.ndarray, np.ndarray]:
    """Headcount (n, S+1) filled up to ``as_of`` and cumulative observed cuts (n, S+1)."""
    n = observed.shape[0]
    n_steps, h = len(setup.frac), setup.n_hist
    observed_step = observed @ setup.event_onehot  # (n, S)
    cum_observed = np.zeros((n, n_steps + 1))
    np.cumsum(observed_step, axis=1, out=cum_observed[:, 1:])
    headcount = np.empty((n, n_steps + 1))
    headcount[:, : h + 1] = (v["corporate_headcount_base"] - setup.base_round_roles)[:, None] \
        - cum_observed[:, : h + 1]
    if np.any(headcount[:, h] <= 0):
        raise ValueError("parameter 'corporate_headcount_base': no workforce left at as_of "
                         "after the observed rounds")
    return headcount, cum_observed


def _flow_rates(setup: _Setup, v: Mapping[str, np.ndarray], stock0: np.ndarray
                ) -> dict[str, np.ndarray]:
    """Per-draw rates of the projected flows (shapes as used by :func:`_simulate`)."""
    h = setup.n_hist
    adoption_step = np.diff(_adoption_pct(setup.years[h:], v), axis=1) / 100.0  # (n, S−h)
    eu_hold = (v["eu_workforce_share_pct"] * v["eu_brake_strength_pct"] / 1e4)[:, None] \
        * setup.brake_active[None, h:]
    return {
        "exposed": np.minimum(setup.exposure[None, :] * v["exposure_multiplier"][:, None], 1.0),
        "ai_rate": adoption_step * (1.0 - eu_hold)
        * (v["ai_substitution_share_pct"] / 100.0)[:, None],
        "delayer_total": (v["manager_share_pct"] / 100.0
                          * (1.0 - 1.0 / (1.0 + v["manager_ratio_change_pct"] / 100.0))
                          * (1.0 - v["delayering_realised_pct"] / 100.0))[:, None] * stock0,
        "leave_rate": (v["attrition_rate_pct"] + v["rto_attrition_uplift_pct"]) / 400.0,
        "backfill": v["backfill_rate_pct"] / 100.0,
        "specialist_hires": v["ai_specialist_hires_per_year"] / 4.0,
        "cap_rate": v["max_annual_cut_pct"] / 400.0,
    }


def _read_totals(out: dict[str, np.ndarray], totals: Mapping[str, np.ndarray], r: str) -> None:
    """Store the cumulative flows at reading ``r`` (summed over families)."""
    out[f"layoffs_ai_{r}"] = totals["ai"].sum(axis=1)
    out[f"layoffs_delayering_{r}"] = totals["dl"].sum(axis=1)
    out[f"attrition_{r}"] = totals["attr"].sum(axis=1)
    out[f"hires_{r}"] = totals["hires"].sum(axis=1)


def _simulate(setup: _Setup, v: Mapping[str, np.ndarray], observed: np.ndarray,
              detail: bool = False) -> dict[str, np.ndarray]:
    """Run the stock-flow model for n draws at once (vectorised; loops over steps only).

    Args:
        setup: The run's fixed grid, families and events.
        v: Every name in MODEL_PARAMETERS -> (n,) values.
        observed: (n, E) sizes of the observed further events.
        detail: Also return per step and family flows (n, S, F); for small n.

    Returns:
        Arrays by name: ``headcount_path`` and ``cumulative_further_path`` (n, S+1); per reading
        ``r`` the cumulative ``layoffs_ai_r``, ``layoffs_delayering_r``, ``attrition_r``,
        ``hires_r``, ``observed_r``, ``headcount_r`` (n,); ``headcount_as_of`` (n,);
        ``family_cuts_2027`` (n, F); and, with ``detail``, the per-step flows.
    """
    n = observed.shape[0]
    n_steps, n_fam, h = len(setup.frac), len(setup.share), setup.n_hist
    headcount, cum_observed = _history(setup, v, observed)
    stock0 = headcount[:, h, None] * setup.share[None, :]  # H0 by family
    stock = stock0.copy()
    rate = _flow_rates(setup, v, stock0)
    exposed, ai_rate, delayer_total = rate["exposed"], rate["ai_rate"], rate["delayer_total"]
    leave_rate, backfill, cap_rate = rate["leave_rate"], rate["backfill"], rate["cap_rate"]
    specialist_hires = rate["specialist_hires"]

    backlog_ai = np.zeros((n, n_fam))
    backlog_dl = np.zeros((n, n_fam))
    totals = {k: np.zeros((n, n_fam)) for k in ("ai", "dl", "attr", "hires")}
    cum_projected = np.zeros((n, n_steps + 1))
    out: dict[str, np.ndarray] = {}
    for r in setup.reading_dates:
        for k in ("layoffs_ai", "layoffs_delayering", "attrition", "hires"):
            out[f"{k}_{r}"] = np.zeros(n)
    family_cuts_2027 = np.zeros((n, n_fam))
    if detail:
        flows = {k: np.zeros((n, n_steps, n_fam)) for k in ("ai", "dl", "attr", "hires", "end")}

    exposed_stock = stock0 * exposed
    cap_stock = stock0 * cap_rate[:, None]
    for step in range(h, n_steps):
        f = setup.frac[step]
        attrition = stock * (leave_rate * f)[:, None]
        backlog_ai += exposed_stock * ai_rate[:, step - h, None]
        backlog_dl += delayer_total * setup.delayering_step[step]
        capacity = np.minimum(cap_stock * f, stock - attrition)
        cut_dl = np.minimum(backlog_dl, capacity)
        cut_ai = np.minimum(backlog_ai, capacity - cut_dl)
        backlog_dl -= cut_dl
        backlog_ai -= cut_ai
        hires = backfill[:, None] * attrition \
            + (specialist_hires * f)[:, None] * setup.specialist_weight[None, :]
        # max(): float rounding only, when the whole remaining stock is cut.
        stock = np.maximum(stock - attrition - cut_dl - cut_ai, 0.0) + hires
        for key, flow in (("ai", cut_ai), ("dl", cut_dl), ("attr", attrition), ("hires", hires)):
            totals[key] += flow
            if detail:
                flows[key][:, step, :] = flow
        if detail:
            flows["end"][:, step, :] = stock
        headcount[:, step + 1] = stock.sum(axis=1)
        cum_projected[:, step + 1] = cum_projected[:, step] + (cut_ai + cut_dl).sum(axis=1)
        for r in (r for r, index in setup.reading_index.items() if index == step + 1):
            _read_totals(out, totals, r)
            if r == "2027":
                family_cuts_2027 = totals["ai"] + totals["dl"]

    for r, index in setup.reading_index.items():
        out[f"observed_{r}"] = cum_observed[:, index]
        out[f"headcount_{r}"] = headcount[:, index]
    out["headcount_as_of"] = headcount[:, h]
    out["headcount_path"] = headcount
    out["cumulative_further_path"] = cum_observed + cum_projected
    out["family_cuts_2027"] = family_cuts_2027
    if detail:
        out.update({f"flow_{k}": a for k, a in flows.items()})
        out["observed_step"] = observed @ setup.event_onehot  # as in _history
    return out


def _draws_frame(setup: _Setup, sims: Mapping[str, np.ndarray]) -> pd.DataFrame:
    """One row per draw of the cut-off readings (see ProjectionResult.draws)."""
    cols: dict[str, np.ndarray] = {"draw": np.arange(len(sims["headcount_as_of"]))}
    for r in setup.reading_dates:
        cols[f"further_cuts_{r}"] = _further_cuts(sims, r)
    cols["observed_further_cuts"] = sims[f"observed_{list(setup.reading_dates)[-1]}"]
    for r in setup.reading_dates:
        cols[f"projected_cuts_{r}"] = sims[f"layoffs_ai_{r}"] + sims[f"layoffs_delayering_{r}"]
        for k in ("layoffs_ai", "layoffs_delayering", "attrition", "hires", "headcount"):
            cols[f"{k}_{r}"] = sims[f"{k}_{r}"]
        cols[f"net_headcount_change_{r}"] = sims[f"headcount_{r}"] - sims["headcount_as_of"]
    for i, family in enumerate(setup.family_ids):
        cols[_FAMILY_PREFIX + family] = sims["family_cuts_2027"][:, i]
    return _float_frame(cols)


def _further_cuts(sims: Mapping[str, np.ndarray], r: str) -> np.ndarray:
    """Further cuts by reading ``r`` per draw: those observed plus those projected."""
    return sims[f"observed_{r}"] + (sims[f"layoffs_ai_{r}"] + sims[f"layoffs_delayering_{r}"])


def _float_frame(cols: Mapping[str, np.ndarray]) -> pd.DataFrame:
    """Build a frame of float columns (after an int ``draw`` column) without slow stacking."""
    names = [k for k in cols if k != "draw"]
    block = np.empty((len(names), len(cols["draw"])))
    for row, name in enumerate(names):
        block[row] = cols[name]
    # block.T is the (columns, rows) layout pandas stores, so no copy is made here.
    frame = pd.DataFrame(block.T, columns=names, copy=False)
    frame.insert(0, "draw", cols["draw"])
    return frame


# --- public API --------------------------------------------------------------------------------


def project_point(params: Mapping[str, Any], families: pd.DataFrame, events: pd.DataFrame
                  ) -> pd.DataFrame:
    """Project the corporate workforce at the parameter values (no uncertainty).

    Args:
        params: Parameter values (a :class:`~analysis.params.Params` or any mapping; missing
            names take their defaults, every value is validated).
        families: Job families: ``family``, ``headcount_share_pct`` (sums to 100),
            ``ai_exposure_pct`` (0-100), ``is_ai_specialist``.
        events: Layoff rounds: ``announced``, ``roles_low``, ``roles_mid``, ``roles_high``,
            ``is_corporate``; must include the corporate round of 28 Oct 2025.

    Returns:
        One row per step and family, steps from 28 Oct 2025 to ``horizon_end``: ``quarter_end``
        (step end, datetime64), ``phase`` (``observed`` up to ``as_of``, then ``projected``),
        ``family``, ``headcount_start``, ``observed_cuts``, ``layoffs_ai``,
        ``layoffs_delayering``, ``attrition``, ``hires``, ``headcount`` (end of step),
        ``further_cuts`` (observed + layoffs in the step) and ``cumulative_further_cuts``
        (per family). All in persons/roles. ``headcount = headcount_start − observed_cuts −
        layoffs_ai − layoffs_delayering − attrition + hires`` on every row.

    Raises:
        ValueError: An invalid parameter, family table or event table; the message names the
            parameter or column.
    """
    p, setup = _prepare(params, families, events)
    return _point_frame(p, setup)


def _point_frame(p: Params, setup: _Setup) -> pd.DataFrame:
    sims = _simulate(setup, _point_values(p), setup.event_mid[None, :], detail=True)
    n_steps, n_fam = len(setup.frac), len(setup.share)
    share = setup.share[None, :]
    observed = sims["observed_step"][0][:, None] * share  # (S, F)
    # Observed phase: the stock shrinks in proportion; projected: the engine's family stocks.
    projected = (np.arange(n_steps) >= setup.n_hist)[:, None]
    end = np.where(projected, sims["flow_end"][0], sims["headcount_path"][0, 1:, None] * share)
    start = np.concatenate([sims["headcount_path"][0, :1, None] * share, end[:-1]])
    ai, dl = sims["flow_ai"][0], sims["flow_dl"][0]
    attr, hires = sims["flow_attr"][0], sims["flow_hires"][0]
    further = observed + ai + dl
    frame = pd.DataFrame({
        "quarter_end": np.repeat(_timestamps(setup.bounds[1:]), n_fam),
        "phase": np.repeat(np.where(np.arange(n_steps) < setup.n_hist, "observed", "projected"),
                           n_fam),
        "family": np.tile(np.array(setup.family_ids, dtype=object), n_steps),
        "headcount_start": start.ravel(),
        "observed_cuts": observed.ravel(),
        "layoffs_ai": ai.ravel(),
        "layoffs_delayering": dl.ravel(),
        "attrition": attr.ravel(),
        "hires": hires.ravel(),
        "headcount": end.ravel(),
        "further_cuts": further.ravel(),
        "cumulative_further_cuts": np.cumsum(further, axis=0).ravel(),
    })
    frame["family"] = frame["family"].astype(str)
    return frame


def _draw_inputs(p: Params, setup: _Setup, n: int, seed: int
                 ) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Draw every uncertain parameter (schema order) and the observed event sizes."""
    rng = np.random.default_rng(seed)
    drawn: dict[str, np.ndarray] = {}
    for name, spec in SCHEMA.items():
        if spec.mc_spread is None:
            continue
        centre = float(p[name])
        left, right = centre - spec.mc_spread[0], centre + spec.mc_spread[1]
        values = rng.triangular(left, centre, right, size=n) if right > left \
            else np.full(n, centre)
        drawn[name] = np.clip(values, spec.low, spec.high)
    observed = rng.uniform(setup.event_low, setup.event_high, size=(n, len(setup.event_low)))
    return drawn, observed


def _quantile_paths(setup: _Setup, headcount: np.ndarray, cumulative: np.ndarray
                    ) -> pd.DataFrame:
    frames = []
    phase = np.where(np.arange(len(setup.bounds)) <= setup.n_hist, "observed", "projected")
    for quantity, values in (("headcount", headcount), ("cumulative_further_cuts", cumulative)):
        q = np.quantile(values, QUANTILES, axis=0)
        frame = pd.DataFrame({
            "quarter_end": _timestamps(setup.bounds),
            "phase": phase,
            "quantity": quantity,
            "mean": values.mean(axis=0),
        })
        for level, row in zip(QUANTILES, q, strict=True):
            frame[f"q{round(level * 100)}"] = row
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def _summary(setup: _Setup, draws: pd.DataFrame, point: pd.DataFrame, level_pct: float
             ) -> pd.DataFrame:
    rows = []
    tail = (100.0 - level_pct) / 200.0
    for r, cutoff in setup.reading_dates.items():
        x = draws[f"further_cuts_{r}"].to_numpy(float)
        p10, median, p90, lo, hi = np.quantile(x, [0.1, 0.5, 0.9, tail, 1.0 - tail])
        rows.append({
            "reading": r,
            "cutoff_date": _timestamps([cutoff])[0],
            "point": float(point.loc[point["quarter_end"] <= pd.Timestamp(cutoff),
                                     "further_cuts"].sum()),
            "mean": float(x.mean()),
            "median": float(median),
            "p10": float(p10),
            "p90": float(p90),
            "interval_level_pct": float(level_pct),
            "interval_low": float(lo),
            "interval_high": float(hi),
            "observed": float((draws[f"further_cuts_{r}"] - draws[f"projected_cuts_{r}"]).mean()),
            "prob_below": float(np.mean(x < CLAIM_LOW)),
            "prob_inside": float(np.mean((x >= CLAIM_LOW) & (x <= CLAIM_HIGH))),
            "prob_above": float(np.mean(x > CLAIM_HIGH)),
            "n_draws": len(x),
        })
    return pd.DataFrame(rows)


def run_monte_carlo(params: Mapping[str, Any], families: pd.DataFrame, events: pd.DataFrame,
                    *, chunk_size: int = _DEFAULT_CHUNK,
                    calendar: Calendar = STUDY_CALENDAR, shared: SharedSetup | None = None,
                    paths: bool = True) -> ProjectionResult:
    """Run the Monte Carlo projection: ``mc_draws`` draws with ``seed``.

    Args:
        params: Parameter values (see :func:`project_point`).
        families: Job families (see :func:`project_point`).
        events: Layoff rounds (see :func:`project_point`).
        chunk_size: Draws simulated at once; bounds memory, never changes the numbers.
        calendar: Start of counting, readings and date shift (default: the study's); the
            headline backtest moves the model to past origins with it. The readings name the
            ``further_cuts_<r>`` columns of the draws.
        shared: A :func:`shared_setup` built before from the same ``families`` and
            ``events``; used when its dates match these parameters', rebuilt otherwise. The
            result is the same either way.
        paths: False leaves the fan-chart quantile paths out (``paths`` is then an empty
            frame with their columns), for a caller that reads only the draws and the
            summary, such as the sweep; nothing else changes.

    Returns:
        A :class:`ProjectionResult`.

    Raises:
        ValueError: Invalid inputs (the message names the parameter or column).
    """
    p, setup = _prepare(params, families, events, monte_carlo=True, calendar=calendar,
                        shared=shared)
    inputs, sims = _simulated(p, setup, chunk_size)
    headcount, cumulative = sims.pop("headcount_path"), sims.pop("cumulative_further_path")
    # Without paths: the frame of one draw's paths, emptied, so its columns and types hold.
    quantile_paths = _quantile_paths(setup, headcount, cumulative) if paths \
        else _quantile_paths(setup, headcount[:1], cumulative[:1]).iloc[:0]
    del headcount, cumulative
    draws = _draws_frame(setup, sims)
    del sims
    point = _point_frame(p, setup)
    summary = _summary(setup, draws, point, float(p["interval_level_pct"]))
    return ProjectionResult(draws=draws, inputs=inputs, paths=quantile_paths, summary=summary,
                            deterministic=point, seed=int(p["seed"]), n_draws=int(p["mc_draws"]))


def further_cuts_draws(params: Mapping[str, Any], families: pd.DataFrame, events: pd.DataFrame,
                       *, chunk_size: int = _DEFAULT_CHUNK, calendar: Calendar = STUDY_CALENDAR,
                       shared: SharedSetup | None = None) -> dict[str, np.ndarray]:
    """The Monte Carlo draws of further cuts at each reading, and nothing else.

    Exactly the ``further_cuts_<r>`` columns of :func:`run_monte_carlo`'s draws (the same
    simulation), without the frames, paths, summary and deterministic run, which a caller
    computing the headline at many points (the sweep) does not read.

    Args:
        params: Parameter values (see :func:`project_point`).
        families: Job families (see :func:`project_point`).
        events: Layoff rounds (see :func:`project_point`).
        chunk_size: Draws simulated at once (see :func:`run_monte_carlo`).
        calendar: Start of counting and readings (see :func:`run_monte_carlo`).
        shared: A :func:`shared_setup` (see :func:`run_monte_carlo`).

    Returns:
        Reading -> (``mc_draws``,) further cuts per draw.
    """
    p, setup = _prepare(params, families, events, monte_carlo=True, calendar=calendar,
                        shared=shared)
    _, sims = _simulated(p, setup, chunk_size)
    return {r: _further_cuts(sims, r) for r in setup.reading_dates}


def _simulated(p: Params, setup: _Setup, chunk_size: int
               ) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """The drawn inputs (a frame, as ProjectionResult.inputs) and the simulation's arrays."""
    if chunk_size < 1:
        raise ValueError("chunk_size must be at least 1")
    n, seed = int(p["mc_draws"]), int(p["seed"])
    drawn, observed = _draw_inputs(p, setup, n, seed)
    inputs = _float_frame({"draw": np.arange(n), **drawn,
                           "observed_further_cuts": observed.sum(axis=1)})
    values = _point_values(p, n)
    # Read the draws back from the frame (read-only views) so they are held only once.
    values.update({k: inputs[k].to_numpy() for k in drawn if k in values})
    del drawn

    sims: dict[str, np.ndarray] = {}
    for start in range(0, n, chunk_size):
        window = slice(start, min(start + chunk_size, n))
        part = _simulate(setup, {k: a[window] for k, a in values.items()}, observed[window])
        if not sims:
            sims = {k: np.empty((n, *a.shape[1:])) for k, a in part.items()}
        for k, a in part.items():
            sims[k][window] = a
    return inputs, sims

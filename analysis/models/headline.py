"""The headline: further corporate cuts by 2027, combining two models.

Two independent routes give a distribution of further corporate cuts (announced after
28 Oct 2025), both conditioned on the cuts already announced by ``as_of``:

* the projection core (:mod:`analysis.models.projection`): what the stated assumptions about AI
  adoption, de-layering and the EU brake imply;
* the layoff-rounds model (:mod:`analysis.models.rounds`): what Amazon's own record of rounds since
  ``rounds_history_start`` implies if it continues.

The combined distribution is a mixture of the two with weight ``w`` on the projection core.
By default ``w`` is fitted on the headline backtest
(:mod:`analysis.models.headline_backtest`: stacking of the two models' predictive
distributions from past origins, bagged over a bootstrap of the origins); the parameter
``headline_weight_projection_pct``, when set, overrides it. The combined summary is computed
exactly from the mixture (each projection draw carries mass ``w / n``, each rounds draw
``(1 − w) / n``), so the chance inside the claimed range is exactly linear in ``w``; the
``combined_<r>`` draws are a sample of the same mixture for charts. Both readings of "by 2027"
are reported: before 1 Jan 2027 (cuts announced by 31 Dec 2026) and by 31 Dec 2027.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from analysis import study, text
from analysis.data.layoff_rounds import corporate_rounds, is_nested
from analysis.models import projection, rounds
from analysis.params import SCHEMA, Params, list_scenarios, load_scenario, validate
from analysis.params import label as param_label
from analysis.text import fmt_value

__all__ = ["READINGS", "HeadlineResult", "RoundsPart", "combined_at", "compute_headline",
           "fmt_observed",
           "further_rounds", "observed_further_cuts", "observed_further_cuts_text",
           "resolve_weight", "rounds_known_at", "rounds_part", "scenario_comparison",
           "sized_rounds", "summarise_draws", "undisclosed_further_rounds"]

READINGS = {r: (study.READING_LABELS[r], study.READINGS[r]) for r in study.READINGS}
SOURCES = ("projection core", "layoff-rounds model", "combined")
# Offsets keep the three random streams (projection, rounds, mixture) distinct for one seed.
_ROUNDS_SEED_OFFSET = 1
_MIX_SEED_OFFSET = 2
#: The rounds model's column of further roles at each reading.
_ROUNDS_COLUMNS = {"2026": "further_roles_to_interim", "2027": "further_roles_to_horizon"}


@dataclass(frozen=True)
class HeadlineResult:
    """The headline distribution and its parts.

    Attributes:
        draws: One row per draw: ``draw``, then for each reading r in {2026, 2027}:
            ``projection_r``, ``rounds_r``, ``combined_r``; and ``from_projection`` (bool).
        summary: One row per source and reading: ``source``, ``reading``, ``reading_label``,
            ``cutoff``, ``median``, ``lower``, ``upper``, ``level_pct``, ``prob_below``,
            ``prob_inside``, ``prob_above``, ``observed``.
        observed: Further cuts already announced by ``as_of`` (midpoints).
        projection: The projection core's full result (paths, sensitivity inputs).
        params: The parameters used.
        weight_pct: Weight of the projection core in the combination, %.
        weight_source: ``"fitted"`` (from the backtest) or ``"override"`` (the parameter).
        backtest: The headline backtest that fitted the weight (``None`` under an override).
        widened: Where the backtest says history is too short to tell, one row per reading
            with the combined chance inside the range and interval over the weight's
            bootstrap interval (:func:`analysis.models.headline_backtest.widened_summary`);
            otherwise ``None``.
    """

    draws: pd.DataFrame
    summary: pd.DataFrame
    observed: float
    projection: projection.ProjectionResult
    params: Params
    weight_pct: float = 50.0
    weight_source: str = "override"
    backtest: Any = None
    widened: pd.DataFrame | None = None

    def get(self, source: str, reading: str) -> pd.Series:
        """Return the summary row of one source ("combined", ...) and reading ("2027")."""
        row = self.summary[(self.summary["source"] == source)
                           & (self.summary["reading"] == reading)]
        if row.empty:
            raise KeyError(f"no summary for source {source!r}, reading {reading!r}")
        return row.iloc[0]


def sized_rounds(events: pd.DataFrame) -> pd.DataFrame:
    """Return the rounds the projection core counts: corporate, disclosed size, not nested.

    This is :func:`analysis.data.layoff_rounds.corporate_rounds` with ``sized=True`` (the one
    rule): a round of undisclosed size (such as "a small number" of roles) adds nothing to the
    counts, and a row counted inside a later round (``included_in_round_id``) is dropped.
    """
    return corporate_rounds(events, sized=True)


def further_rounds(events: pd.DataFrame, as_of: str, after: str = study.FURTHER_AFTER
                   ) -> pd.DataFrame:
    """Return the corporate rounds announced after ``after`` (28 Oct 2025) and by ``as_of``.

    Rows are selected by :func:`analysis.data.layoff_rounds.corporate_rounds`: rows nested in
    another round are dropped, and every size is kept, undisclosed ones included (their sizes
    are missing and add nothing to a sum).
    """
    df = corporate_rounds(events)
    announced = pd.to_datetime(df["announced"])
    return df.loc[(announced > pd.Timestamp(after)) & (announced <= pd.Timestamp(as_of))]


def rounds_known_at(events: pd.DataFrame, as_of: str) -> pd.DataFrame:
    """Return the layoff-rounds table as it stood at ``as_of``.

    Rows announced after ``as_of`` are dropped, and a row's ``included_in_round_id`` is
    cleared while the round it points to is not yet announced: on 31 Dec 2022 the ~10,000 cuts
    of Nov 2022 were a round of their own, only the Jan 2023 memo folded them into 18,000.
    Without a ``round_id`` column the links are kept as they are.
    """
    known = events.loc[pd.to_datetime(events["announced"]) <= pd.Timestamp(as_of)].copy()
    if "included_in_round_id" in known and "round_id" in known:
        parent = known["included_in_round_id"]
        dangling = is_nested(known) & ~parent.isin(set(known["round_id"]))
        known.loc[dangling, "included_in_round_id"] = None
    return known


def observed_further_cuts(events: pd.DataFrame, as_of: str) -> float:
    """Sum the midpoints of corporate rounds announced after 28 Oct 2025 and by ``as_of``.

    Rows nested in another round (``included_in_round_id`` set) are not counted twice; rounds
    of undisclosed size add nothing.
    """
    return float(further_rounds(events, as_of)["roles_mid"].sum())


def observed_further_cuts_text(events: pd.DataFrame, as_of: str) -> str:
    """The further cuts already announced by ``as_of``, formatted the one way every page shows.

    Every page, the ledger and the briefing print this number through this function, so the
    definition (:func:`observed_further_cuts`: midpoints, nested rounds once, undisclosed sizes
    as zero) and the rounding are the same everywhere.
    """
    return fmt_observed(observed_further_cuts(events, as_of))


def fmt_observed(roles: float) -> str:
    """Format a count of further cuts already announced (exact sum of midpoints, no rounding)."""
    return text.fmt_count(roles)


def undisclosed_further_rounds(events: pd.DataFrame, as_of: str) -> int:
    """Count the further corporate rounds by ``as_of`` whose size was not disclosed."""
    return int(further_rounds(events, as_of)["roles_mid"].isna().sum())


def summarise_draws(values: np.ndarray, level_pct: float, low: float = projection.CLAIM_LOW,
                    high: float = projection.CLAIM_HIGH) -> dict[str, float]:
    """Median, central interval and the probabilities of landing below/inside/above a range.

    Args:
        values: Simulated totals.
        level_pct: Width of the central interval in percent (80 → 10th to 90th percentile).
        low: Lower end of the range (inclusive).
        high: Upper end of the range (inclusive).
    """
    arr = np.asarray(values, dtype=float)
    if arr.size == 0 or not np.all(np.isfinite(arr)):
        raise ValueError("values must be a non-empty array of finite numbers")
    tail = (100.0 - level_pct) / 2.0
    below = float(np.mean(arr < low))
    above = float(np.mean(arr > high))
    return {
        "median": float(np.median(arr)),
        "lower": float(np.percentile(arr, tail)),
        "upper": float(np.percentile(arr, 100.0 - tail)),
        "level_pct": float(level_pct),
        "prob_below": below,
        "prob_inside": 1.0 - below - above,
        "prob_above": above,
    }


def resolve_weight(params: Params, families: pd.DataFrame, events: pd.DataFrame
                   ) -> tuple[float, str, Any]:
    """The weight of the projection core in the headline, and where it comes from.

    Args:
        params: Validated parameters.
        families: Job families.
        events: Layoff rounds.

    Returns:
        ``(weight_pct, source, backtest)``: the override ``headline_weight_projection_pct``
        with source ``"override"`` and no backtest when the parameter is set; otherwise the
        bagged stacking weight of the headline backtest, ``"fitted"``, and that backtest.
    """
    from analysis.models import headline_backtest as hb  # the backtest imports this module

    if params.headline_weight_projection_pct is not None:
        return float(params.headline_weight_projection_pct), "override", None
    backtest = hb.run_headline_backtest(params, families, events)
    return backtest.weight_pct, "fitted", backtest


@dataclass(frozen=True)
class RoundsPart:
    """What the headline takes from the layoff rounds alone, for one set of rounds parameters.

    The rounds model, the sized rounds the projection counts and the cuts already announced
    depend on the rounds table and on ``as_of``, ``horizon_end``, ``mc_draws``, ``seed`` and
    ``rounds_history_start`` only, so a sweep over the projection's assumptions computes them
    once (:func:`rounds_part`) instead of at every point.

    Attributes:
        key: The parameters they were computed with (:func:`_rounds_key`).
        sized: :func:`sized_rounds` of the table.
        simulated: The rounds model's draws (:func:`analysis.models.rounds.simulate_further_cuts`).
        observed: :func:`observed_further_cuts` at ``as_of``.
    """

    key: tuple[Any, ...]
    sized: pd.DataFrame
    simulated: pd.DataFrame
    observed: float


def _rounds_key(p: Params) -> tuple[Any, ...]:
    return (p.as_of, p.horizon_end, p.mc_draws, p.seed, p.rounds_history_start)


def rounds_part(p: Params, events: pd.DataFrame) -> RoundsPart:
    """Compute the rounds side of the headline for parameters ``p`` (see :class:`RoundsPart`)."""
    horizon = min(p.horizon_end, READINGS["2027"][1])
    simulated = rounds.simulate_further_cuts(
        events, p.as_of, horizon_end=horizon, draws=p.mc_draws,
        seed=(p.seed + _ROUNDS_SEED_OFFSET) % 2**32, history_start=p.rounds_history_start,
        interim_end=READINGS["2026"][1])
    return RoundsPart(_rounds_key(p), sized_rounds(events), simulated,
                      observed_further_cuts(events, p.as_of))


def _rounds_part_for(p: Params, events: pd.DataFrame, shared: RoundsPart | None) -> RoundsPart:
    """``shared`` when it was computed with these rounds settings, else computed now."""
    return shared if shared is not None and shared.key == _rounds_key(p) \
        else rounds_part(p, events)


def combined_at(p: Params, families: pd.DataFrame, events: pd.DataFrame,
                quantile_levels: Sequence[float], *, shared: RoundsPart | None = None,
                setup: projection.SharedSetup | None = None
                ) -> dict[str, tuple[dict[str, float], np.ndarray]]:
    """The combined headline at each reading, and its quantiles, without the frames.

    The same draws and the same mixture as :func:`compute_headline`, so the summary equals
    its ``"combined"`` row; for the sweep, which computes the headline at hundreds of points
    and reads nothing else.

    Args:
        p: Validated parameters.
        families: Job families.
        events: Layoff rounds.
        quantile_levels: Probabilities in (0, 1) of the quantiles wanted.
        shared: See :func:`compute_headline`.
        setup: See :func:`compute_headline`.

    Returns:
        Reading -> (the summary of :func:`analysis.models.headline_backtest.mixture_summary`,
        the mixture's quantiles at ``quantile_levels``).
    """
    from analysis.models import headline_backtest as hb  # the backtest imports this module

    weight_pct, _, _ = resolve_weight(p, families, events)
    part = _rounds_part_for(p, events, shared)
    cuts = projection.further_cuts_draws(p, families, part.sized, shared=setup)
    return {reading: hb.mixture_summary_and_quantiles(
                cuts[reading], part.simulated[column].to_numpy(dtype=float), weight_pct,
                float(p.interval_level_pct), quantile_levels)
            for reading, column in _ROUNDS_COLUMNS.items()}


def compute_headline(params: Mapping[str, Any] | Params, families: pd.DataFrame,
                     events: pd.DataFrame, *, shared: RoundsPart | None = None,
                     setup: projection.SharedSetup | None = None, paths: bool = True
                     ) -> HeadlineResult:
    """Compute the headline distribution of further corporate cuts.

    Args:
        params: Parameters (validated here; defaults fill the rest).
        families: Job families (``analysis.data.load_job_families``).
        events: Layoff rounds (``analysis.data.load_layoff_rounds``).
        shared: The rounds side computed before from the same ``events``
            (:func:`rounds_part`); used when it was computed with these parameters' rounds
            settings, recomputed otherwise. The result is the same either way.
        setup: The projection's setup built before on the sized rounds
            (:func:`analysis.models.projection.shared_setup`), for a sweep; used when its
            dates match, rebuilt otherwise.
        paths: False leaves the projection's fan-chart paths out (for the sweep, which
            reads only the summary and the draws).

    Returns:
        A :class:`HeadlineResult`.
    """
    from analysis.models import headline_backtest as hb  # the backtest imports this module

    p = params if isinstance(params, Params) else validate(dict(params))
    weight_pct, weight_source, backtest = resolve_weight(p, families, events)
    part = _rounds_part_for(p, events, shared)
    proj = projection.run_monte_carlo(p, families, part.sized, shared=setup, paths=paths)
    sim = part.simulated
    rng = np.random.default_rng((p.seed + _MIX_SEED_OFFSET) % 2**32)
    from_projection = rng.random(p.mc_draws) < weight_pct / 100.0
    draws = pd.DataFrame({"draw": np.arange(p.mc_draws), "from_projection": from_projection})
    for reading, sim_col in _ROUNDS_COLUMNS.items():
        proj_values = proj.draws[f"further_cuts_{reading}"].to_numpy(dtype=float)
        sim_values = sim[sim_col].to_numpy(dtype=float)
        draws[f"projection_{reading}"] = proj_values
        draws[f"rounds_{reading}"] = sim_values
        draws[f"combined_{reading}"] = np.where(from_projection, proj_values, sim_values)
    observed = part.observed
    rows = []
    level = float(p.interval_level_pct)
    for source, prefix in zip(SOURCES, ("projection", "rounds", "combined"), strict=True):
        for reading, (label, cutoff) in READINGS.items():
            if prefix == "combined":
                stats_ = hb.mixture_summary(draws[f"projection_{reading}"].to_numpy(),
                                            draws[f"rounds_{reading}"].to_numpy(),
                                            weight_pct, level)
            else:
                stats_ = summarise_draws(draws[f"{prefix}_{reading}"].to_numpy(), level)
            rows.append({"source": source, "reading": reading, "reading_label": label,
                         "cutoff": cutoff, **stats_, "observed": observed})
    widened = None
    if backtest is not None and backtest.too_short:
        widened = hb.widened_summary(draws, backtest.weight_interval_pct, level)
    return HeadlineResult(draws=draws, summary=pd.DataFrame(rows), observed=observed,
                          projection=proj, params=p, weight_pct=weight_pct,
                          weight_source=weight_source, backtest=backtest, widened=widened)


def _with_unit(value: Any, unit: str) -> str:
    """A parameter value with its unit for a table cell: "80% of exposed work", "6 months"."""
    shown = fmt_value(value, unit)
    if unit.startswith("%"):
        return shown + unit
    if unit in ("date", "year", "flag", "path", "seed", "multiplier"):
        return shown
    return f"{shown} {unit}"


def scenario_comparison(params: Params, families: pd.DataFrame, events: pd.DataFrame,
                        scenarios: list[str] | None = None, draws: int | None = None, *,
                        computed: HeadlineResult | None = None) -> pd.DataFrame:
    """The combined headline under each shipped scenario, applied on top of ``params``.

    Each scenario file's values replace the build's values for the parameters it sets; all
    other parameters (and the seed) stay as in this build, so the rows differ only by the
    scenario.

    Args:
        params: This build's parameters.
        families: Job families.
        events: Layoff rounds.
        scenarios: Scenario names (default: every file in ``data/scenarios``).
        draws: Monte Carlo draws per scenario (default: the build's ``mc_draws``).
        computed: A headline already computed (the build's own), if any: a scenario whose
            values are exactly that headline's parameters (the baseline, in a default build)
            reuses it rather than computing the same simulation and backtest again.

    Returns:
        One row per scenario and reading: ``scenario``, ``reading``, ``reading_label``,
        ``median``, ``lower``, ``upper``, ``level_pct``, ``prob_below``, ``prob_inside``,
        ``prob_above``, ``changed`` (the scenario's own settings as text).
    """
    rows = []
    for name in scenarios or list_scenarios():
        _, values = load_scenario(name)
        merged = {**params.to_dict(), **values}
        if draws is not None:
            merged["mc_draws"] = draws
        scenario_params = validate(merged, scenario=name)
        # Reused only for exactly its own values (whatever the caller passed).
        same = computed is not None \
            and scenario_params.to_dict() == computed.params.to_dict()
        result = computed if same else compute_headline(scenario_params, families, events)
        combined = result.summary[result.summary["source"] == "combined"]
        # Readers see the parameters' labels; the methods page maps them to code names.
        changed = ", ".join(f"{param_label(k)} {_with_unit(v, SCHEMA[k].unit)}"
                            for k, v in sorted(values.items())) or "none"
        for rec in combined.to_dict("records"):
            rows.append({"scenario": name, **{k: rec[k] for k in (
                "reading", "reading_label", "median", "lower", "upper", "level_pct",
                "prob_below", "prob_inside", "prob_above")}, "changed": changed})
    return pd.DataFrame(rows)

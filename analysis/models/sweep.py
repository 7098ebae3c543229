"""Scenario sweep: the headline over a grid of the most influential assumptions.

Each grid point is the headline that a build with those values as ``-p`` overrides would
publish (:func:`analysis.models.headline.compute_headline`), computed at the sweep's own number of
draws. Every point uses the same seed, so the random numbers are common to all points
(common random numbers): the projection draws each uncertain input by inverse transform from
the same uniforms, so two neighbouring points differ only by the assumption that changed, not
by simulation noise.

The grid is defined once, in :data:`DEFAULT_GRID`; a YAML file can replace it
(:func:`load_grid`). Every level is validated by the parameter schema like any other value.
Points are computed by any :class:`concurrent.futures.Executor` (a process pool locally, a Dask
``Client.get_executor()`` on a cluster); the order of the result never depends on the
executor.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from analysis.models import headline, projection
from analysis.params import SCHEMA, ParameterError, Params, ScenarioError, validate
from analysis.study import READINGS

__all__ = [
    "DEFAULT_GRID",
    "DEFAULT_SWEEP_DRAWS",
    "QUANTILE_LEVELS",
    "SweepGrid",
    "grid_for",
    "grid_points",
    "load_grid",
    "run_points",
    "run_sweep",
    "sweep_base",
    "validate_grid",
]

#: Parameters a sweep depends on: the headline's. Chapter 1's cost per employee and capex path
#: are not read by the models, so changing them reuses a stored sweep.
PARAMETERS: tuple[str, ...] = tuple(
    name for name in SCHEMA if name not in ("capex_path", "cost_per_employee_usd_k"))

#: Quantiles stored per point and reading: what the explorer draws as the distribution.
QUANTILE_LEVELS: tuple[float, ...] = tuple(round(0.025 * k, 3) for k in range(1, 40))
#: The headline's summary columns stored per point and reading.
SUMMARY_COLUMNS = ("median", "lower", "upper", "level_pct", "prob_below", "prob_inside",
                   "prob_above")
#: Draws per grid point of a grid file that sets none (the schema's default for builds).
DEFAULT_SWEEP_DRAWS = SCHEMA["sweep_draws_per_point"].default
#: Points handed to one task: fewer, larger tasks keep a cluster's overhead small.
POINTS_PER_TASK = 8


@dataclass(frozen=True)
class SweepGrid:
    """A grid of assumptions.

    Attributes:
        levels: Parameter name → levels, in the order the explorer shows them.
        draws: Monte Carlo draws per grid point.
    """

    levels: tuple[tuple[str, tuple[Any, ...]], ...]
    draws: int = DEFAULT_SWEEP_DRAWS

    @property
    def names(self) -> tuple[str, ...]:
        """The gridded parameters' names."""
        return tuple(name for name, _ in self.levels)

    @property
    def size(self) -> int:
        """Number of grid points."""
        return math.prod(len(v) for _, v in self.levels)

    def to_dict(self) -> dict[str, Any]:
        """A plain, JSON-ready description (for provenance and cache keys)."""
        return {"parameters": {n: list(v) for n, v in self.levels}, "draws": self.draws}


#: The default grid: the three assumptions with the largest one-at-a-time swings of the
#: projection core (ch5's tornado: adoption midpoint, substitution share, adoption ceiling),
#: plus the EU brake's strength, which readers ask about and the tornado shows to matter
#: little — the sweep lets them see that for themselves. Levels span each parameter's Monte
#: Carlo range (schema ``mc_spread``) and include the default; 400 points in all.
DEFAULT_GRID = SweepGrid(levels=(
    ("ai_adoption_midpoint_year", (2026.5, 2027.0, 2028.0, 2029.0, 2030.0)),
    ("ai_substitution_share_pct", (15.0, 25.0, 35.0, 45.0, 60.0)),
    ("ai_adoption_ceiling_pct", (40.0, 50.0, 60.0, 85.0)),
    ("eu_brake_strength_pct", (0.0, 20.0, 50.0, 80.0)),
))


def grid_for(params: Params, grid: SweepGrid = DEFAULT_GRID) -> SweepGrid:
    """The grid with this build's own value of each gridded parameter added as a level.

    So the explorer can always show the build's own setting, whatever ``-p`` values it had.
    The draws per point are the build's ``sweep_draws_per_point``.
    """
    levels = tuple((name, tuple(sorted(set(values) | {params[name]})))
                   for name, values in grid.levels)
    return SweepGrid(levels=levels, draws=int(params.sweep_draws_per_point))


def validate_grid(grid: SweepGrid, where: str = "grid") -> SweepGrid:
    """Check every gridded name and level against the parameter schema.

    Args:
        grid: The grid.
        where: Where the grid came from, for messages (a file name).

    Returns:
        The grid with each level converted by the schema (e.g. ``2028`` → ``2028.0``).

    Raises:
        ParameterError: Unknown parameter, bad level, duplicate level, or bad draw count.
    """
    if not grid.levels:
        raise ParameterError(f"{where}: the grid names no parameter")
    try:  # the draws obey the same rule as the build's sweep_draws_per_point
        draws = validate({"sweep_draws_per_point": grid.draws})["sweep_draws_per_point"]
    except ParameterError as exc:
        raise ParameterError(f"{where}: 'draws': {exc}") from None
    checked = []
    seen: set[str] = set()
    for name, levels in grid.levels:
        if name not in SCHEMA:
            raise ParameterError(f"{where}: unknown parameter {name!r} in the grid")
        if name in seen:
            raise ParameterError(f"{where}: parameter {name!r} is gridded twice")
        seen.add(name)
        if SCHEMA[name].kind not in ("int", "float"):
            raise ParameterError(f"{where}: parameter {name!r} is not numeric; only numeric "
                                 "parameters can be gridded")
        if not levels:
            raise ParameterError(f"{where}: parameter {name!r} has no levels")
        converted = []
        for level in levels:
            try:
                converted.append(validate({name: level})[name])
            except ParameterError as exc:
                raise ParameterError(f"{where}: level {level!r} of {name!r}: {exc}") from None
        if len(set(converted)) != len(converted):
            raise ParameterError(f"{where}: parameter {name!r} repeats a level")
        checked.append((name, tuple(sorted(converted))))
    return SweepGrid(levels=tuple(checked), draws=draws)


def load_grid(path: str | Path) -> SweepGrid:
    """Read a grid from YAML: ``parameters: {name: [levels...]}`` and optional ``draws``.

    Raises:
        ScenarioError: The file is missing or not of that form.
        ParameterError: A name or level the schema refuses.
    """
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ScenarioError(f"{path}: grid file not found") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        loc = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
        raise ScenarioError(f"{path}{loc}: not valid YAML") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("parameters"), dict):
        raise ScenarioError(f"{path}: expected a mapping with 'parameters: {{name: [levels]}}'")
    unknown = set(raw) - {"parameters", "draws"}
    if unknown:
        raise ScenarioError(f"{path}: unknown key(s) {sorted(unknown)}; allowed: parameters, "
                            "draws")
    levels = []
    for name, values in raw["parameters"].items():
        if not isinstance(values, list):
            raise ScenarioError(f"{path}: parameters.{name} must be a list of levels")
        levels.append((str(name), tuple(values)))
    draws = raw.get("draws", DEFAULT_SWEEP_DRAWS)
    return validate_grid(SweepGrid(levels=tuple(levels), draws=draws), where=str(path))


def grid_points(grid: SweepGrid) -> list[dict[str, Any]]:
    """Every combination of levels, in a fixed order (the last parameter varies fastest)."""
    names = grid.names
    return [dict(zip(names, combo, strict=True))
            for combo in itertools.product(*(levels for _, levels in grid.levels))]


def _point_rows(point_id: int, point: Mapping[str, Any],
                combined: Mapping[str, tuple[Mapping[str, float], Sequence[float]]]
                ) -> list[dict[str, Any]]:
    """The table's rows of one point: the combined headline and its quantiles per reading."""
    rows = []
    for reading in READINGS:
        summary, quantiles = combined[reading]
        rows.append({"point": point_id, **point, "reading": reading,
                     **{k: float(summary[k]) for k in SUMMARY_COLUMNS},
                     **{f"q{level * 100:g}": float(q)
                        for level, q in zip(QUANTILE_LEVELS, quantiles, strict=True)}})
    return rows


def run_points(base: Mapping[str, Any], points: Sequence[tuple[int, Mapping[str, Any]]],
               families: pd.DataFrame, events: pd.DataFrame,
               shared: headline.RoundsPart | None = None,
               setup: projection.SharedSetup | None = None) -> list[dict[str, Any]]:
    """Compute the headline at each ``(point_id, overrides)``; one task of a sweep.

    A top-level function of plain arguments, so any executor can ship it to a worker.
    ``shared`` is the rounds side of the headline at ``base`` (:func:`analysis.models.headline.
    rounds_part`) and ``setup`` the projection's dates and tables
    (:func:`analysis.models.projection.shared_setup`): a grid over the projection's
    assumptions leaves both unchanged, so they are computed once per sweep; a point that
    changes one computes its own. Each point's numbers are those of
    :func:`analysis.models.headline.compute_headline` (through
    :func:`analysis.models.headline.combined_at`, which skips the frames no row reads).
    """
    rows: list[dict[str, Any]] = []
    for point_id, point in points:
        p = validate({**base, **point})
        rows.extend(_point_rows(point_id, point, headline.combined_at(
            p, families, events, QUANTILE_LEVELS, shared=shared, setup=setup)))
    return rows


def sweep_base(params: Params, families: pd.DataFrame, events: pd.DataFrame,
               grid: SweepGrid) -> dict[str, Any]:
    """The parameters every grid point starts from: the build's, at the grid's draws.

    The models' weight in the headline is held at this build's value for every point: the
    override if the build set one, otherwise the weight fitted on the headline backtest with
    the build's own parameters. Refitting it at each point would cost a backtest per point,
    and would mix two questions (what the assumption does, and how the record then judges the
    models); the explore page says that the weight is held.
    """
    base = {**params.to_dict(), "mc_draws": grid.draws}
    if params.headline_weight_projection_pct is None:
        weight_pct, _, _ = headline.resolve_weight(params, families, events)
        base["headline_weight_projection_pct"] = weight_pct
    validate(base)  # fail before any work if the combination is refused
    return base


def _chunks(items: list[Any], size: int) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def run_sweep(params: Params, families: pd.DataFrame, events: pd.DataFrame,
              grid: SweepGrid = DEFAULT_GRID, executor: Executor | None = None
              ) -> pd.DataFrame:
    """Compute the headline at every grid point.

    Args:
        params: The build's parameters; the grid's values replace the gridded ones and
            ``mc_draws`` becomes the grid's ``draws``. The seed is shared by every point, and
            so is the models' weight (:func:`sweep_base`).
        families: Job families.
        events: Layoff rounds.
        grid: The grid (validated here).
        executor: Any ``concurrent.futures.Executor``; ``None`` computes in this process.

    Returns:
        One row per point and reading: ``point``, the gridded parameters, ``reading``,
        ``median``, ``lower``, ``upper``, ``level_pct``, ``prob_below``, ``prob_inside``,
        ``prob_above`` and the quantiles ``q2.5`` … ``q97.5``; sorted by point and reading.
    """
    grid = validate_grid(grid)
    base = sweep_base(params, families, events, grid)
    indexed = list(enumerate(grid_points(grid)))
    tasks = list(_chunks(indexed, POINTS_PER_TASK))
    shared = headline.rounds_part(validate(base), events)
    setup = projection.shared_setup(base, families, shared.sized)
    if executor is None:
        parts = [run_points(base, task, families, events, shared, setup) for task in tasks]
    else:
        futures = [executor.submit(run_points, base, task, families, events, shared, setup)
                   for task in tasks]
        parts = [f.result() for f in futures]
    rows = [row for part in parts for row in part]
    frame = pd.DataFrame(rows).sort_values(["point", "reading"], kind="stable")
    return frame.reset_index(drop=True)

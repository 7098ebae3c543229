"""Results computed once per set of inputs and reused by pages and later builds.

Two kinds: the explore page's sweep (:func:`sweep_results`), and the registered model and
chapter results (:func:`get`): each a frozen results object from a ``compute(params,
data_dir)`` function of a chapter or model module, registered in :data:`COMPUTATIONS`. The
build computes every registered result once before any page runs (its results stage); pages,
the ledger and the briefing then read them with :func:`get` instead of recomputing.

A result is stored under ``_build/cache/results/<name>-<key>/`` where the key hashes
everything the result depends on: the parameters, the grid, the data files, the package's
source and the pinned requirements. Page text is not an input, so a narrative-only edit of a
page reuses the stored result. Files are written to a temporary folder and renamed into place,
so an interrupted computation never leaves a half-written result behind.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import pickle
import shutil
import subprocess
from collections.abc import Iterable, Mapping
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from analysis import data
from analysis.data_cutoff import REPO_ROOT
from analysis.models import sweep
from analysis.params import Params

__all__ = ["COMPUTATIONS", "SweepRun", "ensure", "get", "is_stored", "parameters_of", "registered",
           "result_key",
           "source_environment", "sweep_key", "sweep_provenance", "sweep_results"]

ROOT = REPO_ROOT  # the tree being built (AMZN_REPORT_ROOT) or this checkout
RESULTS_DIR = ROOT / "_build" / "cache" / "results"
SWEEP_FILE = "sweep.csv"
PROVENANCE_FILE = "provenance.json"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def source_environment(root: Path = ROOT) -> dict[str, dict[str, str]]:
    """Checksums of the inputs every result depends on: data, package source, requirements."""
    def tree(folder: str, pattern: str) -> dict[str, str]:
        return {str(p.relative_to(root)): _sha256(p)
                for p in sorted((root / folder).rglob(pattern))
                if p.is_file() and "__pycache__" not in p.parts}
    req = root / "requirements.txt"
    package = Path(__file__).resolve().parent.parent  # the code that runs, wherever it is
    return {"data": tree("data", "*"),
            "package": {str(p.relative_to(package.parent)): _sha256(p)
                        for p in sorted(package.rglob("*.py"))
                        if "__pycache__" not in p.parts},
            "requirements": {"requirements.txt": _sha256(req)} if req.exists() else {}}


#: Result name -> module with ``compute(params, data_dir) -> results`` and, optionally,
#: ``PARAMETERS`` (the parameter names the result depends on; default: all of them) and
#: ``INPUTS`` (names of other results ``compute`` takes as keyword arguments: each is read
#: from the store, or computed and stored, first). A result with INPUTS must depend on every
#: parameter its inputs depend on, so its key changes whenever theirs does.
COMPUTATIONS: dict[str, str] = {
    "capex": "analysis.chapters.capex",
    "capital": "analysis.chapters.capital",
    "workforce": "analysis.chapters.workforce",
    "automation": "analysis.chapters.automation",
    "regulation": "analysis.chapters.regulation",
    "forecast": "analysis.chapters.forecast",
}
RESULT_FILE = "result.pickle"
#: Folders and modules that no computation may import (the import-linter contract enforces it),
#: so editing them never invalidates a stored result.
_NOT_AN_INPUT = ("narrative", "charts", "site", "ledger.py", "forecast.py", "__main__.py")


def computation_source(package: Path | None = None) -> dict[str, str]:
    """Checksums of the package modules a computation can import (not narrative, charts, site).

    ``analysis/forecast.py`` at the top is only the readers' alias of
    :mod:`analysis.models.forecast`, which is hashed.
    """
    package = package or Path(__file__).resolve().parent.parent
    out = {}
    for p in sorted(package.rglob("*.py")):
        rel = p.relative_to(package)
        if "__pycache__" in rel.parts or rel.parts[0] in _NOT_AN_INPUT:
            continue
        out[str(rel)] = _sha256(p)
    return out


def _module(name: str) -> Any:
    if name not in COMPUTATIONS:
        raise KeyError(f"no registered result {name!r}; known: {sorted(COMPUTATIONS)}")
    return importlib.import_module(COMPUTATIONS[name])


def result_key(name: str, params: Params, env: Mapping[str, Any]) -> str:
    """Hash of what result ``name`` depends on: its parameters, the data and its code."""
    module = _module(name)
    wanted = getattr(module, "PARAMETERS", None)
    values = params.to_dict()
    chosen = values if wanted is None else {k: values[k] for k in wanted}
    blob = json.dumps({"name": name, "params": chosen, "env": env}, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def parameters_of(names: Iterable[str]) -> tuple[str, ...]:
    """The parameters the named results depend on (a result without ``PARAMETERS``: all).

    ``"sweep"`` (the explore page's sweep, :func:`sweep_results`) gives
    :data:`analysis.models.sweep.PARAMETERS`: the stored sweep is keyed on them, and the
    explore page hands the explorer's functions the run's view of them (:class:`SweepRun`),
    which holds no others.
    """
    from analysis.params import SCHEMA

    out: dict[str, None] = {}
    for name in names:
        wanted = (sweep.PARAMETERS if name == "sweep"
                  else getattr(_module(name), "PARAMETERS", None))
        out.update(dict.fromkeys(wanted or SCHEMA))
    return tuple(out)


def registered() -> list[str]:
    """Names of the registered results whose module defines ``compute``."""
    return [name for name in COMPUTATIONS if hasattr(_module(name), "compute")]


def ensure(name: str, params: Params, root: Path = ROOT) -> bool:
    """Compute and store result ``name`` unless stored; return True if it was reused.

    For the build's results stage: runs in a worker process and returns only a flag.
    """
    return _stored(name, params, None, root)[1]


def _folder(name: str, params: Params, results_dir: Path | None, root: Path) -> Path:
    results_dir = results_dir or root / "_build" / "cache" / "results"
    env = {"data": source_environment(root)["data"], "code": computation_source()}
    return results_dir / f"{name}-{result_key(name, params, env)}"


def is_stored(name: str, params: Params, root: Path = ROOT) -> bool:
    """Whether result ``name`` for ``params`` is stored (so :func:`get` only reads it)."""
    return (_folder(name, params, None, root) / RESULT_FILE).exists()


def _stored(name: str, params: Params, results_dir: Path | None, root: Path
            ) -> tuple[Any, bool]:
    folder = _folder(name, params, results_dir, root)
    results_dir = folder.parent
    if (folder / RESULT_FILE).exists():
        with (folder / RESULT_FILE).open("rb") as fh:
            return pickle.load(fh), True  # noqa: S301 (our own file, keyed on our own code)
    module = _module(name)
    inputs = {dep: _stored(dep, params, results_dir, root)[0]
              for dep in getattr(module, "INPUTS", ())}
    result = module.compute(params, root / "data", **inputs)
    tmp = results_dir / f".{folder.name}.{os.getpid()}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    with (tmp / RESULT_FILE).open("wb") as fh:
        pickle.dump(result, fh, protocol=pickle.HIGHEST_PROTOCOL)
    try:
        tmp.rename(folder)
    except OSError:  # another process stored the same result first: keep that one
        shutil.rmtree(tmp, ignore_errors=True)
    return result, False


def get(name: str, params: Params, results_dir: Path | None = None, root: Path = ROOT) -> Any:
    """Return result ``name`` for ``params``, computing and storing it only if none matches.

    Args:
        name: A key of :data:`COMPUTATIONS`.
        params: Validated parameters (only the result's ``PARAMETERS`` enter the key).
        results_dir: Where results are stored (default: ``<root>/_build/cache/results``).
        root: The tree being built: its data are read and checksummed.

    Returns:
        The frozen results object of the computation.
    """
    return _stored(name, params, results_dir, root)[0]


def _commit(root: Path) -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root,
                              capture_output=True, text=True, timeout=20,
                              check=True).stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def sweep_key(params: Params, grid: sweep.SweepGrid, env: dict[str, dict[str, str]]) -> str:
    """Hash of everything a sweep depends on (16 hex digits)."""
    read = {k: params[k] for k in sweep.PARAMETERS}
    blob = json.dumps({"params": read, "grid": grid.to_dict(), "env": env},
                      sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def sweep_provenance(params: Params, grid: sweep.SweepGrid, env: dict[str, dict[str, str]],
                     commit: str, base: dict[str, Any] | None = None) -> dict[str, Any]:
    """What a sweep table was computed from: parameters, grid, data checksums and commit.

    ``base`` is what every point started from (:func:`analysis.models.sweep.sweep_base`),
    with the models' weight as held.
    """
    return {"parameters": {k: params[k] for k in sweep.PARAMETERS}, "grid": grid.to_dict(),
            "point_base": base or {},
            "data_checksums": env["data"], "commit": commit,
            "common_random_numbers": f"every point uses seed {params.seed}"}


def _sweep_folder(params: Params, grid: sweep.SweepGrid, env: dict[str, dict[str, str]],
                  results_dir: Path | None, root: Path) -> Path:
    results_dir = results_dir or root / "_build" / "cache" / "results"
    return results_dir / f"sweep-{sweep_key(params, grid, env)}"


def _sweep_complete(folder: Path) -> bool:
    return (folder / SWEEP_FILE).exists() and (folder / PROVENANCE_FILE).exists()


def sweep_is_stored(params: Params, root: Path = ROOT) -> bool:
    """Whether the default-grid sweep for ``params`` is stored (:func:`sweep_results` reads it)."""
    grid = sweep.validate_grid(sweep.grid_for(params))
    return _sweep_complete(_sweep_folder(params, grid, source_environment(root), None, root))


@dataclass(frozen=True, eq=False)
class SweepRun:
    """A sweep table with its provenance and whether it was reused.

    Attributes:
        table: The tidy sweep table (:func:`analysis.models.sweep.run_sweep`).
        provenance: :func:`sweep_provenance` of the inputs.
        reused: True when the table was read from an earlier computation.
        path: Folder holding ``sweep.csv`` and ``provenance.json``.
        grid: The validated grid the table covers.
        params: The build's parameters the sweep depends on
            (:data:`analysis.models.sweep.PARAMETERS`) and no others: reading another
            raises, so what the explore page draws from them cannot depend on one its cache
            key leaves out.
    """

    table: pd.DataFrame
    provenance: dict[str, Any]
    reused: bool
    path: Path
    grid: sweep.SweepGrid
    params: Params


def sweep_results(params: Params, grid: sweep.SweepGrid | None = None,
                  executor: Executor | None = None, results_dir: Path | None = None,
                  root: Path = ROOT) -> SweepRun:
    """Return the sweep for ``params``, computing it only if no stored copy matches.

    Args:
        params: The build's parameters.
        grid: The grid (default: :func:`analysis.models.sweep.grid_for` of ``params``).
        executor: Executor for a fresh computation (``None``: in this process).
        results_dir: Where results are stored (default: ``<root>/_build/cache/results``).
        root: The tree being built: its data are read and checksummed, its commit recorded.

    Returns:
        A :class:`SweepRun`.
    """
    grid = sweep.validate_grid(grid or sweep.grid_for(params))
    env = source_environment(root)
    folder = _sweep_folder(params, grid, env, results_dir, root)
    if _sweep_complete(folder):
        table = pd.read_csv(folder / SWEEP_FILE, dtype={"reading": str})
        provenance = json.loads((folder / PROVENANCE_FILE).read_text(encoding="utf-8"))
        return SweepRun(table, provenance, True, folder, grid, params.only(sweep.PARAMETERS))
    families = data.load_job_families(include_unreliable=params.include_unreliable,
                                      data_dir=root / "data")
    events = data.load_layoff_rounds(include_unreliable=params.include_unreliable,
                                     data_dir=root / "data")
    table = sweep.run_sweep(params, families, events, grid, executor)
    provenance = sweep_provenance(params, grid, env, _commit(root),
                                  sweep.sweep_base(params, families, events, grid))
    tmp = folder.with_name(f".{folder.name}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    table.to_csv(tmp / SWEEP_FILE, index=False, lineterminator="\n")
    (tmp / PROVENANCE_FILE).write_text(json.dumps(provenance, indent=1, sort_keys=True),
                                       encoding="utf-8")
    try:
        tmp.rename(folder)
    except OSError:  # another build stored the same result first: keep that one
        shutil.rmtree(tmp, ignore_errors=True)
    return SweepRun(table, provenance, False, folder, grid, params.only(sweep.PARAMETERS))

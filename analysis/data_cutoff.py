"""The data cut-off rule: the default ``as_of`` is the date of the latest dated source in data/.

This is the one ``as_of`` calendar rule of the data layer (DESIGN §3, §5). It reads the CSV
files with the standard library only, so that :mod:`analysis.params` can take its default
``as_of`` from here at import time without importing pandas, pandera or the loaders: the
parameter schema stays the light, bottom layer that readers import first. The columns it reads
are declared here once; :mod:`analysis.data.schemas` uses the same mapping for the data vintage.

"Dated source" means a row that records when something was said or announced (a layoff round,
a guidance statement, a memo, a WARN filing, a benchmark's publication), not a future
deadline (the EU AI Act's application dates) and not a period end (a quarter's last day).
Rows flagged ``unverified`` do not move the cut-off.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
from pathlib import Path

__all__ = ["DATA_DIR", "FRAMES_ENV", "REPO_ROOT", "ROOT_ENV", "SOURCE_DATE_COLUMNS",
           "latest_source_date", "latest_source_row"]

#: Environment variable naming the checkout being built; the build sets it for the page
#: kernels so that a build of a copy of the repository reads that copy's data, bibliography
#: and scenarios, not the package's.
ROOT_ENV = "AMZN_REPORT_ROOT"
#: Names a folder of the tables a build validated
#: (:func:`analysis.data.loading.write_validated_frames`); set for the build's workers and page
#: kernels, which read a table there instead of validating it again.
FRAMES_ENV = "AMZN_REPORT_VALIDATED_FRAMES"
REPO_ROOT = Path(os.environ.get(ROOT_ENV) or Path(__file__).resolve().parent.parent)
DATA_DIR = REPO_ROOT / "data"

#: Table name -> date columns that say when a source stated something.
SOURCE_DATE_COLUMNS: dict[str, tuple[str, ...]] = {
    "layoff_rounds": ("announced",),
    "capex_guidance": ("statement_date",),
    "peer_capex": ("statement_date",),
    "automation_milestones": ("date",),
    "workplace_memos": ("date",),
    "benchmarks": ("statement_date",),
    "warn_notices": ("filed",),
}


def latest_source_row(data_dir: str | Path | None = None) -> tuple[str, str, int, str]:
    """Find the latest dated source row in the data folder.

    Args:
        data_dir: Data folder; default the repository's ``data/``.

    Returns:
        ``(iso_date, table, line, column)`` of the latest date (ties: the first table in
        :data:`SOURCE_DATE_COLUMNS` order, then the first line). ``line`` counts the header
        as line 1.

    Raises:
        RuntimeError: No table has a dated, verified row.
    """
    folder = Path(data_dir) if data_dir is not None else DATA_DIR
    best: tuple[dt.date, str, int, str] | None = None
    for table, columns in SOURCE_DATE_COLUMNS.items():
        path = folder / f"{table}.csv"
        if not path.is_file():
            continue
        with path.open(encoding="utf-8", newline="") as fh:
            for line, row in enumerate(csv.DictReader(fh), start=2):
                if row.get("confidence") == "unverified":
                    continue
                for column in columns:
                    try:
                        day = dt.date.fromisoformat((row.get(column) or "").strip())
                    except ValueError:
                        continue  # empty or malformed: validation reports it, not this rule
                    if best is None or day > best[0]:
                        best = (day, table, line, column)
    if best is None:
        raise RuntimeError(f"no dated source row in {folder}: cannot set the data cut-off")
    return best[0].isoformat(), best[1], best[2], best[3]


def latest_source_date(data_dir: str | Path | None = None) -> str:
    """Return the ISO date of the latest dated source in the data folder (default ``as_of``)."""
    return latest_source_row(data_dir)[0]

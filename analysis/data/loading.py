"""Load, validate and describe the sourced data in ``data/``.

Every table is a tidy CSV file (one row per observation, each with ``source_id`` and
``confidence``) with a YAML metadata file in ``data/meta/`` (title, description, column units and
meanings, sources, retrieval date, licence note and the CSV's sha256). Every load checks, in this
order: the metadata, the checksum, the header, each cell's type, the pandera schema (ranges,
allowed values, unique key), the multi-column row rules, the file rules, and that every source
id is a key of ``book/references.bib``. Any failure raises :class:`DataValidationError` whose
message starts with ``data/<file>.csv:<line>:<column>:`` (row problems) or ``data/<file>.csv:``
(file problems).

Figures the fact base marks "memory only" or "UNRELIABLE" carry ``confidence == "unverified"``.
Loaders leave them out unless ``include_unreliable=True``: time series (annual, quarterly) keep
the row and return the value as NaN; event tables drop the row.

Loading never writes anything. A build validates every table once and keeps the validated
frames (:func:`write_validated_frames`); its page kernels are pointed at them
(:data:`FRAMES_ENV`) and read a table there when its bytes and the bibliography's are those
validated, instead of validating it again. Refresh the checksums after an intended edit with
``python -m analysis.data --update-checksums`` (or :func:`update_checksums`).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import functools
import hashlib
import io
import math
import os
import pickle
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import yaml

from analysis import data_cutoff

if TYPE_CHECKING:
    import pandera.pandas as pa
from analysis.data.schemas import (
    ANNUAL_METRICS,
    TABLES,
    ColumnSpec,
    TableSpec,
    pandera_schema,
    split_sources,
)

__all__ = [
    "ANNUAL_COLUMNS",
    "FRAMES_ENV",
    "QUARTERLY_COLUMNS",
    "REQUIRED_META_KEYS",
    "TABLES",
    "DataValidationError",
    "bib_keys",
    "check_all",
    "check_table",
    "cli",
    "data_checksums",
    "data_rows",
    "data_vintage",
    "load_annual",
    "load_automation_milestones",
    "load_benchmarks",
    "load_capex_guidance",
    "load_eu_ai_act",
    "load_job_families",
    "load_job_family_occupations",
    "load_layoff_rounds",
    "load_peer_capex",
    "load_quarterly",
    "load_quotes",
    "load_table",
    "load_warehouse_robots",
    "load_warn_notices",
    "load_workplace_memos",
    "lookup_value",
    "main",
    "stamp",
    "table_metadata",
    "update_checksums",
    "write_validated_frames",
]

#: The checkout whose data is read (a build of another checkout sets AMZN_REPORT_ROOT for its
#: kernels, so that its pages read its own data and bibliography, not the package's).
REPO_ROOT = data_cutoff.REPO_ROOT
DATA_DIR = data_cutoff.DATA_DIR
BIB_PATH = REPO_ROOT / "book" / "references.bib"
META_DIR_NAME = "meta"

#: Columns of :func:`load_annual`, in order.
ANNUAL_COLUMNS: tuple[str, ...] = (
    "year",
    "net_sales_usd_m",
    "operating_income_usd_m",
    "operating_cash_flow_usd_m",
    "capex_gross_usd_m",
    "capex_proceeds_usd_m",
    "capex_net_usd_m",
    "free_cash_flow_usd_m",
    "aws_net_sales_usd_m",
    "aws_operating_income_usd_m",
    "employees_year_end",
)
#: Columns of :func:`load_quarterly`, in order.
QUARTERLY_COLUMNS: tuple[str, ...] = (
    "period",
    "quarter_end",
    "capex_gross_usd_m",
    "capex_proceeds_usd_m",
    "capex_net_usd_m",
    "employees",
    "net_sales_usd_m",
    "operating_income_usd_m",
    "operating_cash_flow_usd_m",
    "free_cash_flow_usd_m",
    "aws_net_sales_usd_m",
    "aws_operating_income_usd_m",
    "backlog_usd_m",
    "ttm_operating_cash_flow_usd_m",
    "ttm_free_cash_flow_usd_m",
)
#: Quarterly columns stored in the file (the others are computed by :func:`load_quarterly`).
_QUARTERLY_STORED: tuple[str, ...] = tuple(
    c for c in QUARTERLY_COLUMNS if c not in ("period", "quarter_end", "capex_net_usd_m",
                                              "free_cash_flow_usd_m"))
REQUIRED_META_KEYS: tuple[str, ...] = (
    "title", "description", "columns", "sources", "retrieved", "licence", "sha256",
)
_DATA_SUFFIXES = frozenset({".csv", ".yaml", ".yml"})
_INT_RE = re.compile(r"^-?\d+$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_BIB_KEY_RE = re.compile(r"@\s*[A-Za-z]+\s*\{\s*([^,\s]+)\s*,")
_SHA_LINE_RE = re.compile(r"^sha256:.*$", re.MULTILINE)
_RETRIEVED_LINE_RE = re.compile(r"^retrieved:.*$", re.MULTILINE)


class DataValidationError(ValueError):
    """A data file or its metadata breaks the rules.

    The message starts with ``data/<file>.csv:<line>:<column>:`` for a problem in one cell
    (line counts from 1 and includes the header; column counts from 1) and names the column,
    or with ``data/<file>.csv:`` for a problem with the whole file.

    Attributes:
        file: Path of the file relative to the data folder's parent (``data/<file>.csv``).
        line: 1-based line in the file, or ``None`` for a file-level problem.
        column: 1-based column number, or ``None``.
        column_name: Name of the column, or ``None``.
    """

    def __init__(self, message: str, *, file: str, line: int | None = None,
                 column: int | None = None, column_name: str | None = None) -> None:
        super().__init__(message)
        self.file = file
        self.line = line
        self.column = column
        self.column_name = column_name


# --- paths, metadata, checksums ------------------------------------------------------------


def _data_dir(data_dir: str | Path | None) -> Path:
    return Path(data_dir) if data_dir is not None else DATA_DIR


def _spec(name: str) -> TableSpec:
    try:
        return TABLES[name]
    except KeyError:
        raise KeyError(f"unknown table {name!r}; known tables: {', '.join(TABLES)}") from None


def _display(file: str) -> str:
    # The repository-relative name, whatever folder the data was loaded from.
    return f"data/{file}"


def _file_error(spec: TableSpec, message: str) -> DataValidationError:
    shown = _display(spec.file)
    return DataValidationError(f"{shown}: {message}", file=shown)


def _cell_error(spec: TableSpec, header: Sequence[str], line: int, column_name: str,
                message: str) -> DataValidationError:
    shown = _display(spec.file)
    column = list(header).index(column_name) + 1 if column_name in header else len(header) + 1
    return DataValidationError(
        f"{shown}:{line}:{column}: column {column_name!r}: {message}",
        file=shown, line=line, column=column, column_name=column_name,
    )


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _meta_path(data_dir: Path, name: str) -> Path:
    return data_dir / META_DIR_NAME / f"{name}.yaml"


#: libyaml's safe loader when PyYAML was built with it (the wheels are): the same objects as
#: ``yaml.safe_load`` about ten times faster; the metadata are read by every result and page.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_meta(spec: TableSpec, data_dir: Path) -> dict[str, Any]:
    path = _meta_path(data_dir, spec.name)
    shown = f"data/{META_DIR_NAME}/{path.name}"
    if not path.is_file():
        raise _file_error(spec, f"no metadata file {shown}")
    try:
        meta = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)  # noqa: S506
    except yaml.YAMLError as exc:
        raise _file_error(spec, f"metadata {shown} is not valid YAML: {exc}") from None
    if not isinstance(meta, dict):
        raise _file_error(spec, f"metadata {shown} is not a mapping")
    missing = [k for k in REQUIRED_META_KEYS if k not in meta]
    if missing:
        raise _file_error(spec, f"metadata {shown} lacks {', '.join(missing)}")
    documented = list(meta["columns"] or {})
    if documented != list(spec.column_names):
        raise _file_error(spec, f"metadata {shown} documents columns {documented}, "
                                f"the schema has {list(spec.column_names)}")
    return meta


def _bib_path(data_dir: Path) -> Path:
    # A copy of the repository (data/ next to book/) uses its own bibliography.
    candidate = data_dir.parent / "book" / "references.bib"
    return candidate if candidate.is_file() else BIB_PATH


@functools.lru_cache(maxsize=8)
def _bib_keys_cached(path: str, sha: str) -> frozenset[str]:
    text = Path(path).read_text(encoding="utf-8")
    return frozenset(_BIB_KEY_RE.findall(text))


def bib_keys(path: str | Path | None = None) -> frozenset[str]:
    """Return the entry keys of a BibTeX file (default: ``book/references.bib``)."""
    bib = Path(path) if path is not None else BIB_PATH
    return _bib_keys_cached(str(bib.resolve()), _sha256(bib))


# --- parsing -------------------------------------------------------------------------------


def _read_records(spec: TableSpec, text: str) -> tuple[list[str], list[list[str]], list[int]]:
    """Split CSV text into header, records and each record's first line number."""
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    records: list[list[str]] = []
    lines: list[int] = []
    previous_end = 0
    for record in reader:
        start = previous_end + 1
        previous_end = reader.line_num
        if not record or all(not cell.strip() for cell in record):
            continue  # blank line
        if header is None:
            header = record
            continue
        records.append(record)
        lines.append(start)
    if header is None:
        raise _file_error(spec, "the file is empty")
    return header, records, lines


def _check_header(spec: TableSpec, header: list[str]) -> None:
    expected = list(spec.column_names)
    duplicated = sorted({c for c in header if header.count(c) > 1})
    if duplicated:
        raise _file_error(spec, f"duplicate column {duplicated[0]!r}")
    missing = [c for c in expected if c not in header]
    if missing:
        raise _file_error(spec, f"missing column {missing[0]!r} (expected columns: "
                                f"{', '.join(expected)})")
    extra = [c for c in header if c not in expected]
    if extra:
        raise _file_error(spec, f"unknown column {extra[0]!r} (expected columns: "
                                f"{', '.join(expected)})")


def _parse_str(cell: str) -> str:
    if cell != cell.strip():
        raise ValueError(f"{cell!r} has leading or trailing spaces")
    return cell


def _parse_int(cell: str) -> int:
    if not _INT_RE.match(cell):
        raise ValueError(f"{cell!r} is not a whole number")
    return int(cell)


def _parse_float(cell: str) -> float:
    try:
        out = float(cell)
    except ValueError:
        raise ValueError(f"{cell!r} is not a number") from None
    if not math.isfinite(out):
        raise ValueError(f"{cell!r} is not a finite number")
    return out


def _parse_bool(cell: str) -> bool:
    if cell.lower() not in ("true", "false"):
        raise ValueError(f"{cell!r} is not true or false")
    return cell.lower() == "true"


def _parse_date(cell: str) -> dt.date:
    if not _DATE_RE.match(cell):
        raise ValueError(f"{cell!r} is not an ISO date YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(cell)
    except ValueError as exc:
        raise ValueError(f"{cell!r} is not a valid date ({exc})") from None


#: Column kind -> parser of one non-empty cell (raises ValueError with the reason).
_PARSERS: dict[str, Any] = {"str": _parse_str, "int": _parse_int, "float": _parse_float,
                            "bool": _parse_bool, "date": _parse_date}


def _parse_cell(col: ColumnSpec, cell: str) -> Any:
    """Convert one cell; raise ValueError with a reason. Empty cells return None."""
    if cell == "":
        if not col.nullable:
            raise ValueError("empty, but a value is required")
        return None
    if col.kind not in _PARSERS:
        raise AssertionError(f"unknown column kind {col.kind!r}")
    return _PARSERS[col.kind](cell)


def _typed_column(col: ColumnSpec, values: list[Any]) -> pd.Series:
    if col.kind == "int":
        return pd.Series(values, dtype="int64")
    if col.kind == "float":
        return pd.Series([np.nan if v is None else v for v in values], dtype="float64")
    if col.kind == "bool":
        return pd.Series(values, dtype="bool")
    if col.kind == "date":
        return pd.Series(pd.to_datetime(values), dtype="datetime64[us]")
    return pd.Series(values, dtype="str")


def _parse(spec: TableSpec, header: list[str], records: list[list[str]], lines: list[int],
           sources: frozenset[str]) -> pd.DataFrame:
    positions = {name: header.index(name) for name in spec.column_names}
    parsed: dict[str, list[Any]] = {c.name: [] for c in spec.columns}
    for record, line in zip(records, lines, strict=True):
        if len(record) != len(header):
            column_name = header[len(record)] if len(record) < len(header) else header[-1]
            raise _cell_error(spec, header, line, column_name,
                              f"expected {len(header)} fields, found {len(record)}")
        for col in spec.columns:
            cell = record[positions[col.name]]
            try:
                value = _parse_cell(col, cell)
            except ValueError as exc:
                raise _cell_error(spec, header, line, col.name, str(exc)) from None
            if col.is_source and value is not None:
                keys = split_sources(value)
                unknown = [k for k in keys if k not in sources]
                if not keys or unknown:
                    raise _cell_error(spec, header, line, col.name,
                                      f"unknown source {unknown[0] if unknown else value!r}: "
                                      "not a key of book/references.bib")
            parsed[col.name].append(value)
    return pd.DataFrame({c.name: _typed_column(c, parsed[c.name]) for c in spec.columns})


def _schema_errors(spec: TableSpec, header: list[str], lines: list[int], df: pd.DataFrame,
                   exc: pa.errors.SchemaErrors) -> DataValidationError:
    """Turn pandera's failure cases into one error naming the first bad cell."""
    cases = exc.failure_cases
    found: list[tuple[int, str, str]] = []
    for case in cases.itertuples(index=False):
        index = getattr(case, "index", None)
        column = getattr(case, "column", None)
        check = str(getattr(case, "check", ""))
        if index is None or column is None or (isinstance(index, float) and math.isnan(index)):
            continue
        if check == "multiple_fields_uniqueness":
            # Compare keys as text so that missing dates (NaT) count as equal.
            keys = pd.Series(["|".join(str(v) for v in row)
                              for row in df[list(spec.key)].itertuples(index=False)])
            first_dup = int(np.flatnonzero(keys.duplicated(keep="first").to_numpy())[0])
            first_row = int(np.flatnonzero((keys == keys[first_dup]).to_numpy())[0])
            shown_key = dict(zip(spec.key, keys[first_dup].split("|"), strict=True))
            found.append((lines[first_dup], spec.key[0],
                          f"duplicate key {shown_key} (first at line {lines[first_row]})"))
            continue
        found.append((lines[int(index)], str(column),
                      f"value {getattr(case, 'failure_case', '')!r} fails check {check}"))
    if not found:
        return _file_error(spec, f"schema validation failed: {exc}")
    found.sort(key=lambda item: (item[0], header.index(item[1]) if item[1] in header else 0))
    line, column, message = found[0]
    more = len({(f[0], f[1]) for f in found}) - 1
    if more > 0:
        message += f" (and {more} more problem{'s' if more > 1 else ''})"
    return _cell_error(spec, header, line, column, message)


def _apply_rules(spec: TableSpec, header: list[str], lines: list[int], df: pd.DataFrame) -> None:
    for rule in spec.row_rules:
        bad = pd.Series(rule.bad_rows(df), index=df.index).fillna(False).to_numpy(dtype=bool)
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            shown = df.loc[row, rule.column]
            raise _cell_error(spec, header, lines[row], rule.column,
                              f"{rule.message} (value {_plain(shown)!r})")
    for file_rule in spec.file_rules:
        why = file_rule.is_broken(df)
        if why is not None:
            raise _file_error(spec, f"{file_rule.message}: {why}")


#: Names a folder of frames validated by :func:`write_validated_frames` (a build sets it for
#: its page kernels; unset, every table is validated where it is loaded).
FRAMES_ENV = data_cutoff.FRAMES_ENV


def _frame_file(folder: Path, name: str, csv_sha: str, bib_sha: str) -> Path:
    """Where a validated frame is kept: named by the table and both files' contents."""
    return folder / f"{name}-{csv_sha[:20]}-{bib_sha[:20]}.pickle"


def _validate(name: str, csv_path: str, bib_path: str, bib_sha: str) -> pd.DataFrame:
    """Parse and validate one table: header, cells, schema, rules (every check of a load)."""
    import pandera.pandas as pa  # here: a page kernel reading validated frames never needs it

    spec = TABLES[name]
    text = Path(csv_path).read_bytes().decode("utf-8-sig")
    header, records, lines = _read_records(spec, text)
    _check_header(spec, header)
    df = _parse(spec, header, records, lines, _bib_keys_cached(bib_path, bib_sha))
    try:
        pandera_schema(spec).validate(df, lazy=True)
    except pa.errors.SchemaErrors as exc:
        raise _schema_errors(spec, header, lines, df, exc) from None
    _apply_rules(spec, header, lines, df)
    return df


@functools.lru_cache(maxsize=64)
def _load_validated(name: str, csv_path: str, csv_sha: str, bib_path: str,
                    bib_sha: str) -> pd.DataFrame:
    """One validated table (cached on the file's and the bibliography's hashes).

    Read from the folder :data:`FRAMES_ENV` names when it holds this table validated with
    exactly these contents; otherwise validated here.
    """
    folder = os.environ.get(FRAMES_ENV)
    if folder:
        try:
            with _frame_file(Path(folder), name, csv_sha, bib_sha).open("rb") as f:
                frame = pickle.load(f)
            if isinstance(frame, pd.DataFrame):
                return frame
        except (OSError, pickle.UnpicklingError, EOFError):  # none kept: validate it here
            pass
    return _validate(name, csv_path, bib_path, bib_sha)


def write_validated_frames(folder: str | Path, data_dir: str | Path | None = None) -> None:
    """Validate every table and keep each validated frame in ``folder``.

    The folder should be keyed on the code that validates (a build keys it on the package's
    source); each frame's file is named by its table's and the bibliography's checksums, so a
    changed file is never read from here. Each file is written whole or not at all.

    Raises:
        DataValidationError: The first table that breaks the rules (nothing more is kept).
    """
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    src = _data_dir(data_dir)
    bib = _bib_path(src)
    bib_sha = _sha256(bib)
    for name in TABLES:
        spec = _spec(name)
        meta = _read_meta(spec, src)
        path = src / spec.file
        if not path.is_file():
            raise _file_error(spec, "file not found")
        csv_sha = _sha256(path)
        frame = _validate(name, str(path.resolve()), str(bib.resolve()), bib_sha)
        if str(meta["sha256"]) != csv_sha:  # as a load checks it: content first
            raise _checksum_error(spec, str(meta["sha256"]), csv_sha)
        out = _frame_file(target, name, csv_sha, bib_sha)
        tmp = out.with_suffix(f".tmp{os.getpid()}")
        with tmp.open("wb") as f:
            pickle.dump(frame, f, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(out)


def _plain(value: Any) -> Any:
    """A numpy or pandas scalar as a plain Python value, for messages."""
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    return value.item() if hasattr(value, "item") else value


def _checksum_error(spec: TableSpec, recorded: str, actual: str) -> DataValidationError:
    return _file_error(spec, f"checksum mismatch: the metadata says {recorded}, the file's "
                             f"sha256 is {actual}; the rows are valid, so if the edit is "
                             "intended run 'python -m analysis data stamp'")


# --- the editor's check: every problem, not only the first -----------------------------------


def _rule_errors(spec: TableSpec, header: list[str], lines: list[int],
                 df: pd.DataFrame) -> list[DataValidationError]:
    out = []
    for rule in spec.row_rules:
        bad = pd.Series(rule.bad_rows(df), index=df.index).fillna(False).to_numpy(dtype=bool)
        for row in np.flatnonzero(bad):
            shown = df.loc[int(row), rule.column]
            out.append(_cell_error(spec, header, lines[int(row)], rule.column,
                                   f"{rule.message} (value {_plain(shown)!r})"))
    for file_rule in spec.file_rules:
        why = file_rule.is_broken(df)
        if why is not None:
            out.append(_file_error(spec, f"{file_rule.message}: {why}"))
    return out


def _pandera_errors(spec: TableSpec, header: list[str], lines: list[int], df: pd.DataFrame,
                    exc: pa.errors.SchemaErrors) -> list[DataValidationError]:
    out: dict[tuple[int, str], DataValidationError] = {}
    for case in exc.failure_cases.itertuples(index=False):
        index, column = getattr(case, "index", None), getattr(case, "column", None)
        check = str(getattr(case, "check", ""))
        if (index is None or column is None or check == "multiple_fields_uniqueness"
                or (isinstance(index, float) and math.isnan(index))):
            continue
        key = (lines[int(index)], str(column))
        out.setdefault(key, _cell_error(
            spec, header, key[0], key[1],
            f"value {getattr(case, 'failure_case', '')!r} fails check {check}"))
    keys = pd.Series(["|".join(str(v) for v in row)
                      for row in df[list(spec.key)].itertuples(index=False)])
    for dup in np.flatnonzero(keys.duplicated(keep="first").to_numpy()):
        first = int(np.flatnonzero((keys == keys[int(dup)]).to_numpy())[0])
        shown_key = dict(zip(spec.key, keys[int(dup)].split("|"), strict=True))
        out.setdefault((lines[int(dup)], spec.key[0]), _cell_error(
            spec, header, lines[int(dup)], spec.key[0],
            f"duplicate key {shown_key} (first at line {lines[first]})"))
    if not out:
        return [_file_error(spec, f"schema validation failed: {exc}")]
    return [out[k] for k in sorted(out, key=lambda k: (k[0], header.index(k[1])
                                                       if k[1] in header else 0))]


def _record_problems(spec: TableSpec, header: list[str], record: list[str], line: int,
                     sources: frozenset[str]) -> list[DataValidationError]:
    """Every cell-level problem of one CSV record (wrong field count, type, unknown source)."""
    if len(record) != len(header):
        try:
            _parse(spec, header, [record], [line], sources)
        except DataValidationError as exc:
            return [exc]
        return []
    problems = []
    for col in spec.columns:
        try:
            value = _parse_cell(col, record[header.index(col.name)])
            keys = split_sources(value) if col.is_source and value is not None else []
            unknown = [k for k in keys if k not in sources]
            if col.is_source and value is not None and (unknown or not keys):
                raise ValueError(f"unknown source {(unknown or [value])[0]!r}: not a "
                                 "key of book/references.bib")
        except ValueError as exc:
            problems.append(_cell_error(spec, header, line, col.name, str(exc)))
    return problems


def check_table(name: str, data_dir: str | Path | None = None,
                checksum: bool = True) -> list[DataValidationError]:
    """Validate one table and return every problem found, checksum last.

    Unlike :func:`load_table`, which stops at the first problem, this reports each bad cell
    (``data/<file>.csv:<line>:<column>: ...`` with the rule it breaks): first the metadata and
    header, then every cell's type and source keys, then (when every cell parses) the schema's
    ranges, allowed values and unique key, the row rules and the file rules, on the rows whose
    cells parse. The checksum is compared only when the rows are valid, so an edit is judged on
    its content first.

    Args:
        name: Table name.
        data_dir: Data folder; default the repository's ``data/``.
        checksum: Also compare the file with the checksum recorded in its metadata.

    Returns:
        The problems, in file order; empty when the table is valid.
    """
    spec = _spec(name)
    folder = _data_dir(data_dir)
    try:
        meta = _read_meta(spec, folder)
        path = folder / spec.file
        if not path.is_file():
            raise _file_error(spec, "file not found")
        header, records, lines = _read_records(spec, path.read_bytes().decode("utf-8-sig"))
        _check_header(spec, header)
    except DataValidationError as exc:
        return [exc]
    except UnicodeDecodeError as exc:
        return [_file_error(spec, f"not UTF-8 text ({exc})")]
    sources = bib_keys(_bib_path(folder))
    problems: list[DataValidationError] = []
    good_records, good_lines = [], []
    for record, line in zip(records, lines, strict=True):
        found = _record_problems(spec, header, record, line, sources)
        problems += found
        if not found:
            good_records.append(record)
            good_lines.append(line)
    # The rows that parse are still checked against the schema and the rules.
    df = _parse(spec, header, good_records, good_lines, sources)
    import pandera.pandas as pa

    try:
        pandera_schema(spec).validate(df, lazy=True)
    except pa.errors.SchemaErrors as exc:
        problems += _pandera_errors(spec, header, good_lines, df, exc)
    else:
        problems += _rule_errors(spec, header, good_lines, df)
    problems.sort(key=lambda p: (p.line or 0, p.column or 0))
    if not problems and checksum and str(meta["sha256"]) != _sha256(path):
        problems.append(_checksum_error(spec, str(meta["sha256"]), _sha256(path)))
    return problems


def check_all(data_dir: str | Path | None = None,
              checksum: bool = True) -> dict[str, list[DataValidationError]]:
    """Run :func:`check_table` on every table; table name -> problems (empty when valid)."""
    return {name: check_table(name, data_dir, checksum) for name in TABLES}


def stamp(data_dir: str | Path | None = None, retrieved: str | None = None
          ) -> dict[str, str]:
    """Re-record the checksum and retrieval date of every edited table, if all tables are valid.

    Args:
        data_dir: Data folder; default the repository's ``data/``.
        retrieved: Retrieval date to record for the edited tables (ISO); default today (UTC).
            This is an editor's command, so reading the clock here is intended.

    Returns:
        Table file name -> new sha256, for each table whose checksum changed.

    Raises:
        DataValidationError: Some table fails validation (the first problem; nothing written).
    """
    problems = [p for found in check_all(data_dir, checksum=False).values() for p in found]
    if problems:
        raise problems[0]
    day = retrieved or dt.datetime.now(dt.UTC).date().isoformat()
    dt.date.fromisoformat(day)
    folder = _data_dir(data_dir)
    before = {name: str(_read_meta(TABLES[name], folder)["sha256"]) for name in TABLES}
    changed = update_checksums(folder)
    for name, spec in TABLES.items():
        if spec.file in changed and before[name] != changed[spec.file]:
            meta_path = _meta_path(folder, name)
            text = meta_path.read_text(encoding="utf-8")
            new_text, count = _RETRIEVED_LINE_RE.subn(f"retrieved: '{day}'", text, count=1)
            if count:
                meta_path.write_text(new_text, encoding="utf-8")
    return changed


def cli(command: str, data_dir: str | Path | None = None, retrieved: str | None = None) -> int:
    """``python -m analysis data check|stamp``: print the result, return the exit code.

    Returns:
        0 when every table is valid (and, for ``stamp``, the checksums are recorded), 2 when
        a table fails validation (each problem printed as ``data/<file>.csv:<line>:<column>``).
    """
    if command == "check":
        found = check_all(data_dir)
        bad = 0
        for name, problems in found.items():
            for problem in problems:
                print(f"error: {problem}", file=sys.stderr)
            bad += len(problems)
            if not problems:
                print(f"ok    data/{TABLES[name].file}")
        if bad:
            print(f"{bad} problem{'s' if bad > 1 else ''} found; fix the rows above, then run "
                  "'python -m analysis data stamp'", file=sys.stderr)
            return 2
        print("all tables valid; checksums match")
        return 0
    if command == "stamp":
        try:
            changed = stamp(data_dir, retrieved)
        except DataValidationError as exc:
            for problems in check_all(data_dir, checksum=False).values():
                for problem in problems:
                    print(f"error: {problem}", file=sys.stderr)
            print(f"error: not stamped, a table fails validation ({exc.file})", file=sys.stderr)
            return 2
        for file, digest in changed.items():
            print(f"stamped data/{file}: sha256 {digest}")
        if not changed:
            print("nothing to stamp: every checksum is up to date")
        return 0
    raise ValueError(f"unknown data command {command!r}")


# --- public API ----------------------------------------------------------------------------


def table_metadata(name: str, data_dir: str | Path | None = None) -> dict[str, Any]:
    """Return the metadata of a table (``data/meta/<name>.yaml``) as a dict.

    Args:
        name: Table name (a key of :data:`TABLES`).
        data_dir: Data folder; default the repository's ``data/``.

    Returns:
        The metadata: ``title``, ``description``, ``columns`` (name -> unit and meaning),
        ``sources`` (bibliography keys), ``retrieved``, ``licence``, ``sha256`` and more.

    Raises:
        DataValidationError: The metadata is missing, malformed or incomplete.
    """
    return _read_meta(_spec(name), _data_dir(data_dir))


def load_table(name: str, data_dir: str | Path | None = None,
               include_unreliable: bool = False) -> pd.DataFrame:
    """Load one table as a validated, typed, tidy frame.

    Args:
        name: Table name (a key of :data:`TABLES`).
        data_dir: Data folder; default the repository's ``data/``.
        include_unreliable: Keep figures flagged ``unverified``. When False, time-series tables
            (annual, quarterly) return those values as NaN and event tables drop those rows.

    Returns:
        A new frame with the table's columns (ints as int64, dates as datetime64[us], text as
        str) and a RangeIndex.

    Raises:
        DataValidationError: The file, its metadata or a value breaks the rules.
        KeyError: ``name`` is not a known table.
    """
    spec = _spec(name)
    folder = _data_dir(data_dir)
    meta = _read_meta(spec, folder)
    path = folder / spec.file
    if not path.is_file():
        raise _file_error(spec, "file not found")
    actual = _sha256(path)
    bib = _bib_path(folder)
    # Content first: an edited row is reported with its line and column, not as a checksum.
    df = _load_validated(name, str(path.resolve()), actual, str(bib.resolve()),
                         _sha256(bib)).copy()
    if str(meta["sha256"]) != actual:
        raise _checksum_error(spec, str(meta["sha256"]), actual)
    if not include_unreliable:
        unverified = df["confidence"] == "unverified"
        if spec.unreliable == "nan":
            df.loc[unverified, list(spec.value_columns)] = np.nan
        else:
            df = df.loc[~unverified]
    return df.reset_index(drop=True)


def load_annual(include_unreliable: bool = False,
                data_dir: str | Path | None = None) -> pd.DataFrame:
    """Load Amazon's annual figures as a wide frame, one row per fiscal year.

    Net capex (gross purchases of property and equipment minus proceeds and incentives) and
    free cash flow (Amazon's definition: operating cash flow minus net capex) are computed here,
    never stored. FY2015-16 carry the capex line as then reported (already net of incentives,
    see the notes in the data) and no proceeds, so their net capex and free cash flow are NaN.

    Args:
        include_unreliable: Keep figures flagged ``unverified`` (otherwise NaN).
        data_dir: Data folder; default the repository's ``data/``.

    Returns:
        Columns :data:`ANNUAL_COLUMNS`: ``year`` (int64) and float64 values; RangeIndex.
    """
    long = load_table("annual_financials", data_dir, include_unreliable)
    years = sorted(int(y) for y in long["year"].unique())
    wide = pd.DataFrame({"year": pd.Series(years, dtype="int64")})
    for metric in ANNUAL_METRICS:
        values = long.loc[long["metric"] == metric].set_index("year")["value"]
        wide[metric] = values.reindex(years).to_numpy(dtype="float64")
    wide["capex_net_usd_m"] = wide["capex_gross_usd_m"] - wide["capex_proceeds_usd_m"]
    wide["free_cash_flow_usd_m"] = wide["operating_cash_flow_usd_m"] - wide["capex_net_usd_m"]
    return wide.loc[:, list(ANNUAL_COLUMNS)]


def load_quarterly(include_unreliable: bool = False,
                   data_dir: str | Path | None = None) -> pd.DataFrame:
    """Load Amazon's quarterly figures as a wide frame, one row per quarter.

    Every quarter from the first to the last in the file appears; a figure that was not found
    (or is ``unverified`` and excluded) is NaN. Net capex is computed as gross minus proceeds,
    and the quarter's free cash flow as operating cash flow minus net capex (Amazon's
    definition, DESIGN §5); the ``ttm_*`` columns are the trailing-twelve-month figures as
    Amazon reported them.

    Args:
        include_unreliable: Keep figures flagged ``unverified`` (otherwise NaN).
        data_dir: Data folder; default the repository's ``data/``.

    Returns:
        Columns :data:`QUARTERLY_COLUMNS`: ``period`` (str, e.g. ``"2024Q3"``),
        ``quarter_end`` (datetime64[us]) and float64 values; RangeIndex.
    """
    long = load_table("quarterly", data_dir, include_unreliable)
    periods = pd.period_range(min(long["period"]), max(long["period"]), freq="Q")
    labels = [str(p) for p in periods]
    wide = pd.DataFrame({
        "period": pd.Series(labels, dtype="str"),
        "quarter_end": pd.Series(periods.end_time.normalize(), dtype="datetime64[us]"),
    })
    for metric in _QUARTERLY_STORED:
        values = long.loc[long["metric"] == metric].set_index("period")["value"]
        wide[metric] = values.reindex(labels).to_numpy(dtype="float64")
    wide["capex_net_usd_m"] = wide["capex_gross_usd_m"] - wide["capex_proceeds_usd_m"]
    # Quarter-only free cash flow (Amazon reports only the trailing twelve months).
    wide["free_cash_flow_usd_m"] = wide["operating_cash_flow_usd_m"] - wide["capex_net_usd_m"]
    return wide.loc[:, list(QUARTERLY_COLUMNS)]


def load_layoff_rounds(include_unreliable: bool = False,
                       data_dir: str | Path | None = None) -> pd.DataFrame:
    """Load Amazon's corporate layoff rounds, oldest first.

    A round counted inside a later one (the Nov-2022 ~10,000 inside the Jan-2023 18,000) names
    that round in ``included_in_round_id``; sum only rows where it is missing.

    Args:
        include_unreliable: Keep rounds flagged ``unverified`` (otherwise dropped).
        data_dir: Data folder; default the repository's ``data/``.

    Returns:
        The table's columns plus ``roles_mid`` (float, mean of ``roles_low`` and
        ``roles_high``; NaN where the size was not disclosed); ``announced`` is datetime64.
    """
    df = load_table("layoff_rounds", data_dir, include_unreliable)
    df = df.sort_values(["announced", "round_id"], kind="stable").reset_index(drop=True)
    df["roles_mid"] = (df["roles_low"] + df["roles_high"]) / 2.0
    return df


def load_warn_notices(include_unreliable: bool = False,
                      data_dir: str | Path | None = None) -> pd.DataFrame:
    """Load the Washington WARN notices filed by Amazon, oldest first.

    Args:
        include_unreliable: Keep notices flagged ``unverified`` (otherwise dropped).
        data_dir: Data folder; default the repository's ``data/``.

    Returns:
        The table's columns; ``filed`` and the separation dates are datetime64.
    """
    return _sorted("warn_notices", ["filed", "notice_id"], include_unreliable, data_dir)


def _sorted(name: str, by: list[str], include_unreliable: bool,
            data_dir: str | Path | None) -> pd.DataFrame:
    df = load_table(name, data_dir, include_unreliable)
    return df.sort_values(by, kind="stable").reset_index(drop=True)


def load_job_families(include_unreliable: bool = False,
                      data_dir: str | Path | None = None) -> pd.DataFrame:
    """Load the estimated split of the corporate workforce into job families.

    The split (``headcount_share_pct``) is this report's estimate; ``ai_exposure_pct`` is the
    mean published exposure (Eloundou et al.) of the O*NET occupations in
    :func:`load_job_family_occupations`.

    Args:
        include_unreliable: Unused (no row is ``unverified``); kept for a uniform signature.
        data_dir: Data folder; default the repository's ``data/``.

    Returns:
        The table as stored, in file order.
    """
    return load_table("job_families", data_dir, include_unreliable)


def load_job_family_occupations(include_unreliable: bool = False,
                                data_dir: str | Path | None = None) -> pd.DataFrame:
    """Load the O*NET occupations behind each job family, with their published exposure."""
    return _sorted("job_family_occupations", ["family", "onet_soc_code"], include_unreliable,
                   data_dir)


def load_capex_guidance(include_unreliable: bool = False,
                        data_dir: str | Path | None = None) -> pd.DataFrame:
    """Load Amazon's capex guidance statements, oldest first."""
    return _sorted("capex_guidance", ["statement_date", "statement_id"], include_unreliable,
                   data_dir)


def load_peer_capex(include_unreliable: bool = False,
                    data_dir: str | Path | None = None) -> pd.DataFrame:
    """Load Microsoft, Alphabet and Meta capex (actuals and guidance ranges)."""
    return _sorted("peer_capex", ["company", "fiscal_year", "kind"], include_unreliable,
                   data_dir)


def load_warehouse_robots(include_unreliable: bool = False,
                          data_dir: str | Path | None = None) -> pd.DataFrame:
    """Load the count of robots deployed in Amazon's operations network, by year."""
    return _sorted("warehouse_robots", ["year"], include_unreliable, data_dir)


def load_automation_milestones(include_unreliable: bool = False,
                               data_dir: str | Path | None = None) -> pd.DataFrame:
    """Load automation systems, events and the leaked-plan figures, oldest first."""
    return _sorted("automation_milestones", ["date", "milestone_id"], include_unreliable,
                   data_dir)


def load_workplace_memos(include_unreliable: bool = False,
                         data_dir: str | Path | None = None) -> pd.DataFrame:
    """Load return-to-office, manager-ratio and leadership memos, oldest first."""
    return _sorted("workplace_memos", ["date", "memo_id"], include_unreliable, data_dir)


def load_eu_ai_act(include_unreliable: bool = False,
                   data_dir: str | Path | None = None) -> pd.DataFrame:
    """Load the EU AI Act timeline, before and after the Digital Omnibus, in file order."""
    return load_table("eu_ai_act", data_dir, include_unreliable)


def load_benchmarks(include_unreliable: bool = False,
                    data_dir: str | Path | None = None) -> pd.DataFrame:
    """Load external benchmarks (Challenger, layoffs.fyi, analysts' estimates, research)."""
    return load_table("benchmarks", data_dir, include_unreliable)


def load_quotes(include_unreliable: bool = False,
                data_dir: str | Path | None = None) -> pd.DataFrame:
    """Load the verbatim quotes (text, source, where in the source, speaker, date) by id."""
    return _sorted("quotes", ["quote_id"], include_unreliable, data_dir)


def data_checksums(data_dir: str | Path | None = None) -> dict[str, str]:
    """Return the sha256 of every data file (tables, metadata, scenarios).

    Args:
        data_dir: Data folder; default the repository's ``data/``.

    Returns:
        Path relative to the data folder (``annual_financials.csv``,
        ``scenarios/baseline.yaml``) -> sha256 hex digest, sorted by path.
    """
    folder = _data_dir(data_dir)
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in _DATA_SUFFIXES)
    return {p.relative_to(folder).as_posix(): _sha256(p) for p in files}


#: Tables of events at Amazon (not other publishers' statements) and how to name a row.
_EVENT_LABELS: dict[str, tuple[str, str]] = {
    "layoff_rounds": ("announced", "layoff round: {organisation}"),
    "capex_guidance": ("statement_date", "capex guidance for {period}"),
    "workplace_memos": ("date", "memo: {topic}"),
    "automation_milestones": ("date", "automation: {system_or_event}"),
    "warn_notices": ("filed", "WARN notice: {workers} {who}"),
}
#: Quarterly series whose last quarter the vintage reports, with their names in prose.
VINTAGE_SERIES: dict[str, str] = {
    "net_sales_usd_m": "net sales",
    "capex_gross_usd_m": "capex",
    "operating_cash_flow_usd_m": "operating cash flow",
    "aws_net_sales_usd_m": "AWS sales",
    "backlog_usd_m": "backlog",
    "employees": "employee count",
}


def data_vintage(data_dir: str | Path | None = None) -> dict[str, Any]:
    """Describe how recent the data is and what it does not yet contain (verified figures only).

    Args:
        data_dir: Data folder; default the repository's ``data/``.

    Returns:
        ``latest_annual_year`` (int), ``latest_quarter`` (str, e.g. ``"2026Q2"``: the last
        quarter with any figure), ``series_latest_quarter`` (series name in prose -> its last
        quarter, for :data:`VINTAGE_SERIES`), ``latest_event_date`` and ``latest_event`` (ISO
        date and description of the latest dated event at Amazon: a layoff round, guidance
        statement, memo, automation milestone or WARN notice), ``latest_source_date`` (the
        latest dated source of any kind, the default ``as_of``;
        :func:`analysis.data_cutoff.latest_source_date`) and ``data_retrieved`` (latest
        retrieval date in the metadata).
    """
    from analysis.data_cutoff import latest_source_date

    annual = load_annual(data_dir=data_dir)
    has_annual = annual.drop(columns="year").notna().any(axis=1)
    quarterly = load_quarterly(data_dir=data_dir)
    stored = [c for c in quarterly.columns if c not in ("period", "quarter_end")]
    has_quarter = quarterly[stored].notna().any(axis=1)
    series_latest = {}
    for column, label in VINTAGE_SERIES.items():
        known = quarterly.loc[quarterly[column].notna(), "period"]
        series_latest[label] = str(known.iloc[-1]) if len(known) else ""
    latest_event = (pd.Timestamp.min, "")
    for name, (column, label) in _EVENT_LABELS.items():
        frame = load_table(name, data_dir).dropna(subset=[column])
        for row in frame.sort_values(column, kind="stable").to_dict("records"):
            if row[column] > latest_event[0]:
                latest_event = (row[column], label.format(**row))
    retrieved = max(str(table_metadata(name, data_dir)["retrieved"]) for name in TABLES)
    return {
        "latest_annual_year": int(annual.loc[has_annual, "year"].max()),
        "latest_quarter": str(quarterly.loc[has_quarter, "period"].iloc[-1]),
        "series_latest_quarter": series_latest,
        "latest_event_date": latest_event[0].date().isoformat(),
        "latest_event": latest_event[1],
        "latest_source_date": latest_source_date(data_dir),
        "data_retrieved": retrieved,
    }


def data_rows(data_dir: str | Path | None = None) -> dict[str, dict[str, str]]:
    """Every row of every table, as text, keyed by the table's primary key (for the manifest).

    Reads the files as they are (no validation), so a "what changed" listing can name the rows
    that differ between two builds.

    Args:
        data_dir: Data folder; default the repository's ``data/``.

    Returns:
        ``data/<file>.csv`` -> {key text (``a | b`` for a composite key) -> the row as CSV
        text}, in file order; a repeated key gets ``#2``, ``#3`` appended.
    """
    folder = _data_dir(data_dir)
    out: dict[str, dict[str, str]] = {}
    for spec in TABLES.values():
        path = folder / spec.file
        if not path.is_file():
            continue
        rows: dict[str, str] = {}
        with path.open(encoding="utf-8", newline="") as fh:
            for record in csv.DictReader(fh):
                key = " | ".join(str(record.get(k, "")) for k in spec.key)
                n, base = 1, key
                while key in rows:
                    n += 1
                    key = f"{base} #{n}"
                buf = io.StringIO()
                csv.writer(buf, lineterminator="").writerow(list(record.values()))
                rows[key] = buf.getvalue()
        out[_display(spec.file)] = rows
    return out


def update_checksums(data_dir: str | Path | None = None) -> dict[str, str]:
    """Write each table's current sha256 into its metadata file (only where it changed).

    Use after an intended edit of a CSV file. Only the ``sha256:`` line of the metadata is
    rewritten; nothing else in the file changes.

    Args:
        data_dir: Data folder; default the repository's ``data/``.

    Returns:
        Table file name -> sha256, for every table whose checksum was updated.
    """
    folder = _data_dir(data_dir)
    changed: dict[str, str] = {}
    for name, spec in TABLES.items():
        meta_path = _meta_path(folder, name)
        csv_path = folder / spec.file
        if not (meta_path.is_file() and csv_path.is_file()):
            continue
        digest = _sha256(csv_path)
        text = meta_path.read_text(encoding="utf-8")
        line = f"sha256: {digest}"
        if _SHA_LINE_RE.search(text):
            new_text = _SHA_LINE_RE.sub(line, text, count=1)
        else:
            new_text = text.rstrip("\n") + f"\n{line}\n"
        if new_text != text:
            meta_path.write_text(new_text, encoding="utf-8")
            changed[spec.file] = digest
    return changed


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python -m analysis.data [--update-checksums] [--check]``.

    Args:
        argv: Arguments (default ``sys.argv[1:]``).

    Returns:
        Exit status: 0 when every table is valid, 1 otherwise.
    """
    parser = argparse.ArgumentParser(
        prog="python -m analysis.data",
        description="Validate the data tables; optionally refresh their checksums first.")
    parser.add_argument("--update-checksums", action="store_true",
                        help="write each CSV's current sha256 into its metadata file")
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="data folder (default: the repository's data/)")
    args = parser.parse_args(argv)
    if args.update_checksums:
        changed = update_checksums(args.data_dir)
        for file, digest in changed.items():
            print(f"updated {file}: {digest}")
        if not changed:
            print("all checksums already up to date")
    status = 0
    for name in TABLES:
        try:
            rows = len(load_table(name, args.data_dir, include_unreliable=True))
        except DataValidationError as exc:
            print(f"ERROR {exc}", file=sys.stderr)
            status = 1
        else:
            print(f"ok    data/{TABLES[name].file}: {rows} rows")
    return status


def lookup_value(frame: pd.DataFrame, key: str, row_id: str, column: str) -> Any:
    """Return one cell of a loaded table by row id, as a plain value.

    Args:
        frame: A loaded table.
        key: The id column (``benchmark_id``, ``memo_id``, ...).
        row_id: The row's id.
        column: The column to read.

    Returns:
        The value; dates as ISO strings; a missing row or cell gives NaN for ``value*``
        columns and an empty string otherwise.
    """
    rows = frame.loc[frame[key] == row_id, column]
    if rows.empty or pd.isna(rows.iloc[0]):
        return float("nan") if column.startswith("value") else ""
    value = rows.iloc[0]
    return value.date().isoformat() if isinstance(value, pd.Timestamp) else value

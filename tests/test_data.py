"""The data layer: loading, typing, the unverified-figure policy and validation errors.

Each validation test corrupts a small copy of ``data/`` in ``tmp_path`` and checks that the
error names the file, the line and the column.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from analysis import data
from analysis.data import DataValidationError

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A scratch copy of data/ (tables, metadata, scenarios); the repository's bib applies."""
    dest = tmp_path / "data"
    shutil.copytree(DATA, dest)
    return dest


def edit_csv(folder: Path, table: str, change: Callable[[list[str]], list[str]],
             refresh_checksum: bool = True) -> None:
    """Apply ``change`` to the lines of a table and (by default) refresh its checksum."""
    path = folder / f"{table}.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(change(lines)) + "\n", encoding="utf-8")
    if refresh_checksum:
        data.update_checksums(folder)


def _split(line: str) -> list[str]:
    return next(csv.reader([line]))


def _join(cells: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(cells)
    return out.getvalue()


def set_cell(line_no: int, column: str, value: str) -> Callable[[list[str]], list[str]]:
    """Return a change that sets one cell (line numbers are 1-based, header = line 1)."""

    def change(lines: list[str]) -> list[str]:
        header = _split(lines[0])
        cells = _split(lines[line_no - 1])
        cells[header.index(column)] = value
        lines[line_no - 1] = _join(cells)
        return lines

    return change


def drop_column(column: str) -> Callable[[list[str]], list[str]]:
    """Return a change that removes one column from every line."""

    def change(lines: list[str]) -> list[str]:
        index = _split(lines[0]).index(column)
        return [_join([c for i, c in enumerate(_split(line)) if i != index]) for line in lines]

    return change


# --- loading -----------------------------------------------------------------------------


def test_every_table_loads_with_and_without_unverified_figures():
    for name in data.TABLES:
        strict = data.load_table(name)
        loose = data.load_table(name, include_unreliable=True)
        assert isinstance(strict.index, pd.RangeIndex) and isinstance(loose.index, pd.RangeIndex)
        assert len(loose) >= len(strict) > 0, name


def test_load_annual_is_wide_typed_and_computes_net_capex_and_fcf():
    annual = data.load_annual()
    assert list(annual.columns) == list(data.ANNUAL_COLUMNS)
    assert annual["year"].dtype == "int64"
    assert isinstance(annual.index, pd.RangeIndex)
    assert (annual.drop(columns="year").dtypes == "float64").all()
    assert annual["year"].tolist() == list(range(2015, 2026))
    row = annual.set_index("year").loc[2024]
    assert row["capex_net_usd_m"] == 82_999 - 5_341
    assert row["free_cash_flow_usd_m"] == 115_877 - (82_999 - 5_341)


def test_fy2015_16_capex_is_the_as_reported_line_so_fcf_is_missing():
    """The originally reported net line has no proceeds: net capex and FCF stay NaN."""
    annual = data.load_annual(include_unreliable=True).set_index("year")
    for year in (2015, 2016):
        assert annual.loc[year, "capex_gross_usd_m"] > 0
        assert pd.isna(annual.loc[year, "capex_proceeds_usd_m"])
        assert pd.isna(annual.loc[year, "free_cash_flow_usd_m"])
    notes = data.load_table("annual_financials")
    capex_notes = notes.loc[(notes["metric"] == "capex_gross_usd_m") & (notes["year"] <= 2016),
                            "note"]
    assert capex_notes.str.contains("AS-REPORTED").all()


def test_unverified_values_are_nan_in_series_and_dropped_from_event_tables():
    strict = data.load_annual().set_index("year")
    loose = data.load_annual(include_unreliable=True).set_index("year")
    assert pd.isna(strict.loc[2020, "operating_income_usd_m"])  # memory only
    assert loose.loc[2020, "operating_income_usd_m"] == 22_899
    rounds = data.load_layoff_rounds()
    assert "2024-01-audible" not in set(rounds["round_id"])
    assert "2024-01-audible" in set(data.load_layoff_rounds(include_unreliable=True)["round_id"])
    assert (rounds["confidence"] != "unverified").all()


def test_load_quarterly_is_wide_with_period_strings_and_quarter_end_dates():
    q = data.load_quarterly()
    assert list(q.columns) == list(data.QUARTERLY_COLUMNS)
    assert pd.api.types.is_string_dtype(q["period"])
    assert q["quarter_end"].dtype == "datetime64[us]"
    assert q["period"].iloc[0] == "2022Q1"
    assert q.loc[q["period"] == "2024Q3", "quarter_end"].iloc[0] == pd.Timestamp("2024-09-30")
    # Every quarter between the first and the last is present, even where nothing was found.
    assert len(q) == len(pd.period_range(q["period"].iloc[0], q["period"].iloc[-1], freq="Q"))


def test_load_layoff_rounds_types_and_midpoint():
    rounds = data.load_layoff_rounds()
    assert rounds["announced"].dtype == "datetime64[us]"
    assert rounds["is_corporate"].dtype == bool
    assert rounds["roles_mid"].dtype == "float64"
    twitch = rounds.set_index("round_id").loc["2024-01-twitch"]
    assert twitch["roles_mid"] == (500 + 550) / 2
    assert rounds["announced"].is_monotonic_increasing


def test_loaders_return_independent_copies():
    first = data.load_annual()
    first.loc[0, "net_sales_usd_m"] = -1.0
    assert data.load_annual().loc[0, "net_sales_usd_m"] == 107_006


def test_data_vintage():
    vintage = data.data_vintage()
    assert vintage["latest_annual_year"] == 2025
    assert vintage["latest_quarter"] == "2026Q2"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", vintage["latest_event_date"])
    assert "2026-01-28" <= vintage["latest_event_date"] <= vintage["data_retrieved"]
    # the latest event is the latest dated Amazon event: the Q2-2026 call's capex statement
    assert (vintage["latest_event_date"], vintage["latest_event"]) == (
        "2026-07-30", "capex guidance for FY2026")
    assert vintage["series_latest_quarter"]["employee count"] == "2025Q4"
    assert vintage["latest_source_date"] >= vintage["latest_event_date"]


def test_data_checksums_cover_tables_metadata_and_scenarios():
    sums = data.data_checksums()
    for name, spec in data.TABLES.items():
        assert sums[spec.file] == hashlib.sha256((DATA / spec.file).read_bytes()).hexdigest()
        assert f"meta/{name}.yaml" in sums
    assert "scenarios/baseline.yaml" in sums
    assert list(sums) == sorted(sums)


def test_loading_never_writes(data_copy: Path):
    before = {p: p.read_bytes() for p in data_copy.rglob("*") if p.is_file()}
    for name in data.TABLES:
        data.load_table(name, data_copy, include_unreliable=True)
    data.data_vintage(data_copy)
    after = {p: p.read_bytes() for p in data_copy.rglob("*") if p.is_file()}
    assert before == after


def test_update_checksums_only_touches_changed_tables(data_copy: Path):
    assert data.update_checksums(data_copy) == {}
    edit_csv(data_copy, "benchmarks", lambda lines: lines, refresh_checksum=False)  # no change
    assert data.update_checksums(data_copy) == {}
    edit_csv(data_copy, "benchmarks", set_cell(2, "note", "edited"), refresh_checksum=False)
    changed = data.update_checksums(data_copy)
    assert list(changed) == ["benchmarks.csv"]
    assert data.load_benchmarks(data_dir=data_copy).loc[0, "note"] == "edited"


def test_command_line_validates_and_reports(data_copy: Path):
    run = subprocess.run([sys.executable, "-m", "analysis.data", "--data-dir", str(data_copy)],
                         capture_output=True, text=True, cwd=REPO)
    assert run.returncode == 0, run.stderr
    assert "ok    data/annual_financials.csv" in run.stdout
    edit_csv(data_copy, "quarterly", set_cell(3, "value", "x"), refresh_checksum=False)
    run = subprocess.run([sys.executable, "-m", "analysis.data", "--data-dir", str(data_copy)],
                         capture_output=True, text=True, cwd=REPO)
    assert run.returncode == 1
    # the bad cell is named, not hidden behind the checksum (issue 10)
    assert "data/quarterly.csv:3:4: column 'value': 'x' is not a number" in run.stderr


# --- validation errors name file, line and column -----------------------------------------


def assert_cell_error(exc: DataValidationError, file: str, line: int, column: str) -> None:
    header = (DATA / file).read_text(encoding="utf-8").splitlines()[0].split(",")
    number = header.index(column) + 1
    assert str(exc).startswith(f"data/{file}:{line}:{number}: column {column!r}:"), str(exc)
    assert (exc.file, exc.line, exc.column, exc.column_name) == (f"data/{file}", line, number,
                                                                  column)


def test_missing_column_is_a_file_level_error(data_copy: Path):
    edit_csv(data_copy, "warehouse_robots", drop_column("note"))
    with pytest.raises(DataValidationError, match=r"^data/warehouse_robots\.csv: missing "
                                                  r"column 'note'") as info:
        data.load_warehouse_robots(data_dir=data_copy)
    assert info.value.line is None


@pytest.mark.parametrize(
    ("table", "line", "column", "value", "reason"),
    [
        ("annual_financials", 5, "value", "12,3x", "is not a number"),  # wrong type
        ("annual_financials", 4, "year", "2020.5", "is not a whole number"),  # wrong type
        ("layoff_rounds", 3, "announced", "2023/01/04", "is not an ISO date"),  # wrong format
        ("layoff_rounds", 4, "is_corporate", "yes", "is not true or false"),  # wrong type
        ("quarterly", 6, "value", "", "a value is required"),  # missing value
        ("annual_financials", 7, "value", "-5", "only operating income may be negative"),
        ("layoff_rounds", 2, "roles_low", "-10", "greater_than_or_equal_to"),  # out of range
        ("warehouse_robots", 2, "year", "1890", "greater_than_or_equal_to"),  # out of range
        ("job_families", 3, "ai_exposure_pct", "120", "less_than_or_equal_to"),  # out of range
        ("benchmarks", 4, "confidence", "probably", "isin"),  # not an allowed value
        ("quarterly", 2, "period", "2022-Q1", "str_matches"),  # bad pattern
        ("annual_financials", 3, "source_id", "no_such_source", "unknown source"),
        ("capex_guidance", 3, "source_id", "amazon_q4_2025;nope_2020", "unknown source"),
        ("layoff_rounds", 5, "roles_high", "1", "roles_high is below roles_low"),  # row rule
        ("quarterly", 3, "quarter_end", "2022-06-29", "not the last day of period"),
        ("layoff_rounds", 2, "included_in_round_id", "2099-01-nothing", "names no round"),
    ],
)
def test_bad_cells_name_file_line_and_column(data_copy: Path, table: str, line: int,
                                             column: str, value: str, reason: str):
    edit_csv(data_copy, table, set_cell(line, column, value))
    with pytest.raises(DataValidationError) as info:
        data.load_table(table, data_copy)
    assert_cell_error(info.value, f"{table}.csv", line, column)
    assert reason in str(info.value)


def test_duplicate_key_names_the_repeated_line(data_copy: Path):
    edit_csv(data_copy, "annual_financials", lambda lines: [*lines, lines[3]])
    n_lines = len((data_copy / "annual_financials.csv").read_text().splitlines())
    with pytest.raises(DataValidationError) as info:
        data.load_annual(data_dir=data_copy)
    assert_cell_error(info.value, "annual_financials.csv", n_lines, "year")
    assert "duplicate key" in str(info.value) and "first at line 4" in str(info.value)


def test_duplicate_key_with_empty_date_is_caught(data_copy: Path):
    """peer_capex's key includes statement_date, which is empty for actuals."""
    edit_csv(data_copy, "peer_capex", lambda lines: [*lines, lines[1]])
    with pytest.raises(DataValidationError, match=r"^data/peer_capex\.csv:\d+:1: column "
                                                  r"'company': duplicate key"):
        data.load_peer_capex(data_dir=data_copy)


def test_checksum_mismatch_is_a_file_level_error(data_copy: Path):
    edit_csv(data_copy, "benchmarks", set_cell(2, "note", "silently edited"),
             refresh_checksum=False)
    with pytest.raises(DataValidationError, match=r"^data/benchmarks\.csv: checksum mismatch"):
        data.load_benchmarks(data_dir=data_copy)


def test_shares_not_summing_to_100_is_a_file_level_error(data_copy: Path):
    edit_csv(data_copy, "job_families", set_cell(2, "headcount_share_pct", "13"))
    with pytest.raises(DataValidationError, match=r"^data/job_families\.csv: job-family shares "
                                                  r"must sum to 100: .* 101"):
        data.load_job_families(data_dir=data_copy)


def test_wrong_field_count_names_the_line(data_copy: Path):
    edit_csv(data_copy, "warehouse_robots", lambda lines: [*lines[:2], "2014,15000", *lines[3:]])
    with pytest.raises(DataValidationError, match=r"^data/warehouse_robots\.csv:3:3: column "
                                                  r"'is_lower_bound': expected 6 fields"):
        data.load_warehouse_robots(data_dir=data_copy)


def test_missing_metadata_is_a_file_level_error(data_copy: Path):
    (data_copy / "meta" / "eu_ai_act.yaml").unlink()
    with pytest.raises(DataValidationError, match=r"^data/eu_ai_act\.csv: no metadata file"):
        data.load_eu_ai_act(data_dir=data_copy)


def test_unknown_table_is_a_key_error():
    with pytest.raises(KeyError, match="unknown table"):
        data.load_table("no_such_table")


_LOAD_EVERY_TABLE = """
import pickle, sys
from analysis import data
frames = {(name, loose): data.load_table(name, sys.argv[1], include_unreliable=loose)
          for name in data.TABLES for loose in (False, True)}
pickle.dump((frames, "pandera" in sys.modules), open(sys.argv[2], "wb"))
"""


def test_a_kernel_reads_the_frames_the_build_validated_without_pandera(data_copy: Path,
                                                                        tmp_path: Path):
    """A page kernel pointed at the build's validated frames loads every table as a fresh
    validation would, and never imports pandera (about 0.25 s of a kernel's start)."""
    import os
    import pickle

    frames = tmp_path / "frames"
    data.write_validated_frames(frames, data_copy)
    assert len(list(frames.glob("*.pickle"))) == len(data.TABLES)
    out = tmp_path / "loaded.pickle"
    subprocess.run([sys.executable, "-c", _LOAD_EVERY_TABLE, str(data_copy), str(out)],
                   check=True, env={**os.environ, data.FRAMES_ENV: str(frames)})
    loaded, pandera_imported = pickle.loads(out.read_bytes())
    assert not pandera_imported
    for (name, loose), frame in loaded.items():
        pd.testing.assert_frame_equal(
            frame, data.load_table(name, data_copy, include_unreliable=loose), check_exact=True)


def test_a_table_edited_after_the_build_validated_it_is_validated_again(
        data_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    frames = tmp_path / "frames"
    data.write_validated_frames(frames, data_copy)
    monkeypatch.setenv(data.FRAMES_ENV, str(frames))
    edit_csv(data_copy, "layoff_rounds", set_cell(5, "roles_high", "1"))  # checksum refreshed
    with pytest.raises(DataValidationError) as info:
        data.load_table("layoff_rounds", data_copy)
    assert_cell_error(info.value, "layoff_rounds.csv", 5, "roles_high")


def test_writing_the_validated_frames_stops_at_the_first_bad_table(data_copy: Path,
                                                                    tmp_path: Path):
    edit_csv(data_copy, "quarterly", set_cell(2, "period", "2022-Q1"))
    with pytest.raises(DataValidationError) as info:
        data.write_validated_frames(tmp_path / "frames", data_copy)
    assert_cell_error(info.value, "quarterly.csv", 2, "period")

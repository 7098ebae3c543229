"""The editor's workflow: ``python -m analysis data check`` and ``data stamp``."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from analysis import data, data_cutoff
from analysis.__main__ import main

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture()
def repo_copy(tmp_path: Path) -> Path:
    """A copy of data/ and book/references.bib, so edits never touch the repository."""
    shutil.copytree(REPO / "data", tmp_path / "data")
    (tmp_path / "book").mkdir()
    shutil.copy(REPO / "book" / "references.bib", tmp_path / "book" / "references.bib")
    return tmp_path / "data"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _append(path: Path, row: str) -> None:
    with path.open("a", encoding="utf-8") as fh:
        fh.write(row + "\n")


NEW_ROUND = ("2026-11-devices,2026-11-20,day,300,500,Devices & Services,true,,cnbc_2026_agi,"
             "secondary,a test round")


def test_check_passes_on_the_shipped_data(capsys):
    assert main(["data", "check"]) == 0
    assert "all tables valid" in capsys.readouterr().out


def test_check_names_each_bad_cell_with_line_and_column_before_the_checksum(repo_copy, capsys):
    rounds = repo_copy / "layoff_rounds.csv"
    _edit(rounds, "2026-03-robotics,2026-03-03,day,100,200",
          "2026-03-robotics,2026-03-03,day,100,abc")
    _edit(rounds, "2024-01-twitch,2024-01-10,day,500,550", "2024-01-twitch,2024-01-10,day,600,550")
    assert main(["data", "check", "--data-dir", str(repo_copy)]) == 2
    err = capsys.readouterr().err
    lines = {line.split(": column")[0] for line in err.splitlines() if ": column" in line}
    # the header is line 1; roles_high is the 5th column
    assert lines == {"error: data/layoff_rounds.csv:6:5", "error: data/layoff_rounds.csv:15:5"}
    assert "'abc' is not a number" in err
    assert "roles_high is below roles_low (value 550.0)" in err
    assert "checksum" not in err  # content problems come first, the checksum is not the story


def test_check_reports_every_table_and_unknown_sources(repo_copy, capsys):
    _append(repo_copy / "warn_notices.csv",
            "wa-2026-11-x,2026-11-02,month,WA,10,someone,Seattle,,,,true,cnbc_2026_agi,secondary,")
    _append(repo_copy / "warn_notices.csv",
            "wa-2026-11-y,2026-11-03,day,WA,10,someone,Seattle,,,,true,no_such_key,secondary,")
    assert main(["data", "check", "--data-dir", str(repo_copy)]) == 2
    err = capsys.readouterr().err
    assert "data/warn_notices.csv:6:2: column 'filed': a date with coarse filed_precision" in err
    assert "data/warn_notices.csv:7:12: column 'source_id': unknown source 'no_such_key'" in err
    assert "2 problems found" in err


def test_a_valid_edit_only_needs_a_stamp(repo_copy, capsys):
    _append(repo_copy / "layoff_rounds.csv", NEW_ROUND)
    assert main(["data", "check", "--data-dir", str(repo_copy)]) == 2
    assert "checksum mismatch" in capsys.readouterr().err
    assert main(["data", "stamp", "--data-dir", str(repo_copy), "--retrieved",
                 "2026-12-02"]) == 0
    assert "stamped data/layoff_rounds.csv" in capsys.readouterr().out
    meta = yaml.safe_load((repo_copy / "meta" / "layoff_rounds.yaml").read_text())
    assert str(meta["retrieved"]) == "2026-12-02"
    untouched = yaml.safe_load((repo_copy / "meta" / "quarterly.yaml").read_text())
    assert str(untouched["retrieved"]) != "2026-12-02"
    assert main(["data", "check", "--data-dir", str(repo_copy)]) == 0
    # the new round loads and moves the default cut-off
    rounds = data.load_layoff_rounds(data_dir=repo_copy)
    assert "2026-11-devices" in set(rounds["round_id"])
    assert data_cutoff.latest_source_date(repo_copy) == "2026-11-20"


def test_stamp_refuses_while_a_table_is_invalid(repo_copy, capsys):
    meta_path = repo_copy / "meta" / "layoff_rounds.yaml"
    before = meta_path.read_text()
    _append(repo_copy / "layoff_rounds.csv", NEW_ROUND.replace(",300,500,", ",900,500,"))
    assert main(["data", "stamp", "--data-dir", str(repo_copy)]) == 2
    err = capsys.readouterr().err
    assert "data/layoff_rounds.csv:18:5: column 'roles_high': roles_high is below roles_low" in err
    assert "not stamped" in err
    assert meta_path.read_text() == before


def test_load_reports_the_bad_cell_not_the_checksum(repo_copy):
    _edit(repo_copy / "layoff_rounds.csv", "2026-03-robotics,2026-03-03,day,100,200",
          "2026-03-robotics,2026-03-03,day,100,abc")
    with pytest.raises(data.DataValidationError) as info:
        data.load_layoff_rounds(data_dir=repo_copy)
    assert str(info.value).startswith("data/layoff_rounds.csv:15:5:")

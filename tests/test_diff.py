"""'What changed': the pure diff of two manifests, its page, and the command line."""

from __future__ import annotations

import json
from pathlib import Path

from analysis.site import diff


def manifest(**overrides) -> dict:
    doc = {
        "version": "v1", "commit": "aaa", "pages": ["book/a", "book/b"],
        "parameters": {"seed": 1, "mc_draws": 100},
        "data_checksums": {"layoff_rounds.csv": "x1", "meta/layoff_rounds.yaml": "m1"},
        "glued_values": {"book/a": {"a_n": "16,150", "a_fixed": "same"},
                         "book/b": {"b_verdict": "unlikely"}},
        "glued_markdown": {"book/b": {"ledger_table": "| claim | verdict |\n|---|---|\n"
                                                      "| C1 | supported |\n| C2 | unlikely |"}},
        "tables": {"book/a": {"tbl-a-rounds": {"r1": {"round": "r1", "roles": "100"}}}},
        "figure_data": {"book/a": {"fig-a-chart": "0" * 64}},
        "data_rows": {"data/layoff_rounds.csv": {"r1": "r1,100"}},
    }
    doc.update(overrides)
    return doc


def test_identical_manifests_have_no_changes():
    d = diff.diff_manifests(manifest(), manifest())
    assert d["pages"] == {} and d["parameters"] == [] and d["data_rows"] == []
    assert "No published number" in diff.diff_markdown(d)


def test_every_kind_of_change_is_listed_old_to_new_and_nothing_else():
    old = manifest()
    new = manifest(
        version="v2", commit="bbb", parameters={"seed": 2, "mc_draws": 100},
        data_checksums={"layoff_rounds.csv": "x2", "meta/layoff_rounds.yaml": "m2"},
        glued_values={"book/a": {"a_n": "17,150", "a_fixed": "same"},
                      "book/b": {"b_verdict": "likely"}},
        glued_markdown={"book/b": {"ledger_table": "| claim | verdict |\n|---|---|\n"
                                                   "| C1 | supported |\n| C2 | likely |"}},
        tables={"book/a": {"tbl-a-rounds": {"r1": {"round": "r1", "roles": "100"},
                                            "r2": {"round": "r2", "roles": "1000"}}}},
        figure_data={"book/a": {"fig-a-chart": "1" * 64}},
        data_rows={"data/layoff_rounds.csv": {"r1": "r1,100", "r2": "r2,1000"}},
    )
    d = diff.diff_manifests(old, new)
    a = {(c["kind"], c["name"], c["old"], c["new"]) for c in d["pages"]["book/a"]}
    assert a == {("value", "a_n", "16,150", "17,150"),
                 ("table cell", "tbl-a-rounds: row r2", "(no row)", "r2; 1000"),
                 ("figure", "fig-a-chart", "data 000000000000", "data 111111111111")}
    b = {(c["kind"], c["name"], c["old"], c["new"]) for c in d["pages"]["book/b"]}
    assert b == {("verdict", "b_verdict", "unlikely", "likely"),
                 ("verdict", "ledger_table: C2, verdict", "unlikely", "likely")}
    assert d["parameters"] == [("seed", 1, 2)]
    assert d["data_rows"] == [{"file": "data/layoff_rounds.csv", "key": "r2", "old": None,
                               "new": "r2,1000"}]
    assert d["data_files"] == ["meta/layoff_rounds.yaml"]
    page = diff.diff_markdown(d, {"book/a": "Page A"})
    assert "## Page A\n\nPage: {doc}`a`." in page
    assert "| value | a\\_n | 16,150 | 17,150 |" in page
    assert "a\\_fixed" not in page and "C1" not in page
    assert "| `seed` | 1 | 2 |" in page and "(added)" in page


def test_glued_strings_are_shown_without_their_repr_quotes():
    old = manifest(glued_values={"book/a": {"a_n": "'16,150'"}, "book/b": {}})
    new = manifest(glued_values={"book/a": {"a_n": "'17,150'"}, "book/b": {}})
    change = diff.diff_manifests(old, new)["pages"]["book/a"][0]
    assert (change["old"], change["new"]) == ("16,150", "17,150")


def test_untrusted_text_is_escaped_on_the_page():
    old = manifest()
    new = manifest(glued_values={"book/a": {"a_n": "<script>x</script> | $5", "a_fixed": "same"},
                                 "book/b": {"b_verdict": "unlikely"}})
    page = diff.diff_markdown(diff.diff_manifests(old, new))
    assert "<script>" not in page and "\\<script\\>" in page and "\\| \\$5" in page


def test_no_previous_version_says_so():
    assert "no previous archived version" in diff.no_previous_markdown("v1")


def test_cli_reads_versions_folders_and_files(tmp_path: Path, capsys):
    for version, n in (("v1", "16,150"), ("v2", "17,150")):
        folder = tmp_path / version
        folder.mkdir()
        doc = manifest(version=version, glued_values={"book/a": {"a_n": n, "a_fixed": "same"},
                                                      "book/b": {"b_verdict": "unlikely"}})
        (folder / "manifest.json").write_text(json.dumps(doc))
    assert diff.cli("v1", str(tmp_path / "v2" / "manifest.json"), archive_dir=tmp_path) == 0
    out = capsys.readouterr().out
    assert "16,150 | 17,150" in out
    assert diff.cli("v0", "v2", archive_dir=tmp_path) == 2
    assert "archived versions: v1, v2" in capsys.readouterr().err
    assert diff.previous_manifest(tmp_path, exclude="v2")[0] == "v1"

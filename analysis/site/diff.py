"""What changed between two builds of the report, from their ``manifest.json`` files.

A reader who cited an earlier archived version needs to know which published values moved.
The build records, per page, every glued number and sentence (``glued_values``), every glued
Markdown table (``glued_markdown``, e.g. the claim ledger's verdicts), every exported table's
cells (``tables``) and a hash of every figure's plotted data (``figure_data``), plus the
parameters and every data row (``data_rows``). :func:`diff_manifests` compares two such
manifests (pure: dicts in, dict out) and :func:`diff_markdown` writes the "What changed" page.
The few functions that read files (:func:`load_manifest`, :func:`previous_manifest`,
:func:`table_cells`, :func:`figure_hashes`, :func:`glued_markdown`) are kept apart from the
comparison so that it can be tested on small inline manifests.
"""

from __future__ import annotations

import ast
import csv
import hashlib
import io
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from analysis.escape import md_table, md_text

__all__ = [
    "DiffError",
    "cli",
    "diff_manifests",
    "diff_markdown",
    "figure_hashes",
    "glued_markdown",
    "load_manifest",
    "no_previous_markdown",
    "previous_manifest",
    "table_cells",
]

_GLUE_PREFIX = "application/papermill.record/"
#: Kinds of published value, in the order the page lists them.
KINDS = ("value", "verdict", "table cell", "figure")


class DiffError(ValueError):
    """An archived version or manifest could not be found or read."""


# --- collecting what a build published (reads files) ----------------------------------------


def _rows_by_first_cell(header: list[str], rows: list[list[str]]) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for row in rows:
        key = base = row[0] if row else ""
        n = 1
        while key in out:
            n += 1
            key = f"{base} #{n}"
        out[key] = {col: (row[i] if i < len(row) else "") for i, col in enumerate(header)}
    return out


def table_cells(figures_dir: Path) -> dict[str, dict[str, dict[str, str]]]:
    """Cells of every exported table (``tbl-*.csv``): table -> row (first cell) -> column."""
    out: dict[str, dict[str, dict[str, str]]] = {}
    for path in sorted(figures_dir.glob("tbl-*.csv")) if figures_dir.is_dir() else []:
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
        if rows:
            out[path.stem] = _rows_by_first_cell(rows[0], rows[1:])
    return out


def figure_hashes(figures_dir: Path) -> dict[str, str]:
    """sha256 of every figure's plotted data (its exported CSV): figure name -> hex digest."""
    out: dict[str, str] = {}
    for path in sorted(figures_dir.glob("fig-*.csv")) if figures_dir.is_dir() else []:
        out[path.stem] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def glued_markdown(nb: Any) -> dict[str, str]:
    """Every glued Markdown value (tables such as the claim ledger) of an executed notebook."""
    values: dict[str, str] = {}
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            name = out.get("metadata", {}).get("scrapbook", {}).get("name")
            data = out.get("data", {})
            if name and f"{_GLUE_PREFIX}text/markdown" in data:
                values[name] = str(data[f"{_GLUE_PREFIX}text/markdown"])
    return values


def load_manifest(ref: str | Path, archive_dir: Path | None = None) -> dict[str, Any]:
    """Read a manifest from a ``manifest.json`` path, a site folder or an archive version name.

    Args:
        ref: A path to ``manifest.json``, a folder holding one, or a version name looked up
            in ``archive_dir``.
        archive_dir: Folder of archived versions (default ``_build/archive`` under the
            current directory).

    Raises:
        DiffError: Nothing readable was found.
    """
    archive = archive_dir if archive_dir is not None else Path("_build") / "archive"
    path = Path(ref)
    candidates = [path, path / "manifest.json", archive / str(ref) / "manifest.json"]
    for candidate in candidates:
        if candidate.is_file():
            try:
                doc = json.loads(candidate.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError) as exc:
                raise DiffError(f"{candidate}: not a readable manifest ({exc})") from None
            if not isinstance(doc, dict) or "glued_values" not in doc:
                raise DiffError(f"{candidate}: not a manifest.json of this report")
            return doc
    known = sorted(p.name for p in archive.iterdir() if p.is_dir()) if archive.is_dir() else []
    raise DiffError(f"{ref!s}: no manifest.json there and no archived version of that name"
                    + (f" (archived versions: {', '.join(known)})" if known else ""))


def previous_manifest(archive_dir: Path, exclude: str | None = None
                      ) -> tuple[str, dict[str, Any]] | None:
    """The most recently archived manifest (by file time), other than version ``exclude``."""
    if not archive_dir.is_dir():
        return None
    found = [p / "manifest.json" for p in archive_dir.iterdir()
             if p.is_dir() and p.name != exclude and not p.name.endswith(".tmp")
             and (p / "manifest.json").is_file()]
    if not found:
        return None
    latest = max(found, key=lambda p: (p.stat().st_mtime_ns, p.parent.name))
    return latest.parent.name, load_manifest(latest)


# --- comparing (pure) ----------------------------------------------------------------------


def _changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[tuple[str, Any, Any]]:
    """(key, old, new) for every key whose value differs; a missing side is ``None``."""
    keys = sorted(set(old) | set(new))
    return [(k, old.get(k), new.get(k)) for k in keys if old.get(k) != new.get(k)]


def _md_table_cells(text: str) -> dict[str, dict[str, str]] | None:
    """Parse a pipe table (header, rule, rows) into row (first cell) -> column -> cell."""
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    if len(lines) < 2 or not lines[0].startswith("|") or not set(lines[1]) <= set("|-: "):
        return None

    def cells(line: str) -> list[str]:
        return [c.strip() for c in line.strip().strip("|").split("|")]

    return _rows_by_first_cell(cells(lines[0]), [cells(ln) for ln in lines[2:]])


def _cell_changes(table: str, old: Mapping[str, Mapping[str, str]] | None,
                  new: Mapping[str, Mapping[str, str]] | None, kind: str
                  ) -> list[dict[str, Any]]:
    out = []
    old, new = old or {}, new or {}
    for row in sorted(set(old) | set(new)):
        before, after = old.get(row), new.get(row)
        if before is None or after is None:
            out.append({"kind": kind, "name": f"{table}: row {row}",
                        "old": "(no row)" if before is None else "; ".join(before.values()),
                        "new": "(no row)" if after is None else "; ".join(after.values())})
            continue
        for column, old_value, new_value in _changes(before, after):
            out.append({"kind": kind, "name": f"{table}: {row}, {column}",
                        "old": old_value, "new": new_value})
    return out


def _unquote(value: Any) -> Any:
    """A glued string is recorded as its Python repr ('16,150'); show the text itself."""
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        try:
            parsed = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            return value
        return parsed if isinstance(parsed, str) else value
    return value


def _page_changes(old: Mapping[str, Any], new: Mapping[str, Any], page: str
                  ) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    glued_old = {k: _unquote(v) for k, v in old.get("glued_values", {}).get(page, {}).items()}
    glued_new = {k: _unquote(v) for k, v in new.get("glued_values", {}).get(page, {}).items()}
    for name, a, b in _changes(glued_old, glued_new):
        kind = "verdict" if "verdict" in name else "value"
        out.append({"kind": kind, "name": name, "old": a, "new": b})
    md_old = old.get("glued_markdown", {}).get(page, {})
    md_new = new.get("glued_markdown", {}).get(page, {})
    for name, a, b in _changes(md_old, md_new):
        ta, tb = _md_table_cells(a or ""), _md_table_cells(b or "")
        kind = "verdict" if "ledger" in name or "verdict" in name else "table cell"
        if (ta is not None or a is None) and (tb is not None or b is None):
            out += _cell_changes(name, ta, tb, kind)
        else:
            out.append({"kind": kind, "name": name, "old": a, "new": b})
    for table, a, b in _changes(old.get("tables", {}).get(page, {}),
                                new.get("tables", {}).get(page, {})):
        out += _cell_changes(table, a, b, "table cell")
    for figure, a, b in _changes(old.get("figure_data", {}).get(page, {}),
                                 new.get("figure_data", {}).get(page, {})):
        out.append({"kind": "figure", "name": figure,
                    "old": "(none)" if a is None else f"data {a[:12]}",
                    "new": "(none)" if b is None else f"data {b[:12]}"})
    order = {k: i for i, k in enumerate(KINDS)}
    return sorted(out, key=lambda c: (order.get(c["kind"], 99), c["name"]))


def diff_manifests(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    """Compare two manifests.

    Args:
        old: The earlier build's manifest.
        new: The later build's manifest.

    Returns:
        ``old_version``, ``new_version``; ``pages``: page -> list of changes (``kind``,
        ``name``, ``old``, ``new``), only pages with a change, in the new build's page order;
        ``parameters``: list of (name, old, new); ``data_rows``: list of changes (``file``,
        ``key``, ``old``, ``new``; ``None`` for an added or removed row); ``data_files``:
        other data files (metadata, scenarios) whose checksum changed.
    """
    page_order = list(new.get("pages", [])) + [p for p in old.get("pages", [])
                                               if p not in new.get("pages", [])]
    pages = {}
    for page in page_order:
        changes = _page_changes(old, new, page)
        if changes:
            pages[page] = changes
    rows = []
    old_rows, new_rows = old.get("data_rows", {}), new.get("data_rows", {})
    for file in sorted(set(old_rows) | set(new_rows)):
        for key, a, b in _changes(old_rows.get(file, {}), new_rows.get(file, {})):
            rows.append({"file": file, "key": key, "old": a, "new": b})
    tables_in_rows = set(old_rows) | set(new_rows)
    tables_in_rows |= {f.removeprefix("data/") for f in tables_in_rows}
    files = [f for f, _, _ in _changes(old.get("data_checksums", {}),
                                       new.get("data_checksums", {}))
             if f not in tables_in_rows]
    return {
        "old_version": str(old.get("version", "")),
        "new_version": str(new.get("version", "")),
        "old_commit": str(old.get("commit", "")),
        "new_commit": str(new.get("commit", "")),
        "pages": pages,
        "parameters": _changes(old.get("parameters", {}), new.get("parameters", {})),
        "data_rows": rows,
        "data_files": files,
    }


# --- writing --------------------------------------------------------------------------------


def _cell(value: Any) -> str:
    if value is None:
        return "(none)"
    return md_text(value) or " "


def diff_markdown(diff: Mapping[str, Any], titles: Mapping[str, str] | None = None) -> str:
    """The "What changed" page body: changed values by page, then parameters and data rows."""
    titles = titles or {}
    old, new = diff["old_version"], diff["new_version"]
    out = [f"Compared with the previous archived version **{md_text(old)}** (commit "
           f"`{md_text(diff['old_commit'])}`), this build (version **{md_text(new)}**, commit "
           f"`{md_text(diff['new_commit'])}`) changes the values listed below: old → new."]
    n = sum(len(v) for v in diff["pages"].values())
    if not n:
        out.append("\nNo published number, verdict, table cell or figure changed.")
    for page, changes in diff["pages"].items():
        title = titles.get(page, page)
        link = page.removeprefix("book/")
        out += ["", f"## {md_text(title)}", "", f"Page: {{doc}}`{link}`.", "",
                md_table(["what", "item", "old", "new"],
                         [[c["kind"], md_text(c["name"]), _cell(c["old"]), _cell(c["new"])]
                          for c in changes]).rstrip("\n")]
    out += ["", "## Parameters that changed", ""]
    if diff["parameters"]:
        out.append(md_table(["parameter", "old", "new"],
                            [[f"`{md_text(k)}`", _cell(a), _cell(b)]
                             for k, a, b in diff["parameters"]]).rstrip("\n"))
    else:
        out.append("None.")
    out += ["", "## Data rows that changed", ""]
    if diff["data_rows"]:
        out.append(md_table(
            ["file", "row", "old", "new"],
            [[md_text(r["file"]), md_text(r["key"]),
              "(added)" if r["old"] is None else _cell(r["old"]),
              "(removed)" if r["new"] is None else _cell(r["new"])]
             for r in diff["data_rows"]]).rstrip("\n"))
    else:
        out.append("None.")
    if diff["data_files"]:
        out += ["", "Other data files that changed: "
                + ", ".join(f"`{str(f).replace('`', chr(39))}`" for f in diff["data_files"])
                + "."]
    return "\n".join(out) + "\n"


def no_previous_markdown(version: str) -> str:
    """The page body when no earlier archived version exists."""
    # A version name is an identifier, not a number in prose: shown as code (archive names
    # match a plain pattern, so they hold no backtick; anything else is escaped).
    shown = f"`{version}`" if "`" not in version else md_text(version)
    return (f"There is no previous archived version to compare with, so nothing is listed "
            f"here (this build: version {shown}). Build with "
            "`make book VERSION=<name>` to archive a citable copy; the next build lists every "
            "value that moved since it.\n")


def cli(old_ref: str, new_ref: str, archive_dir: Path | None = None) -> int:
    """``python -m analysis diff OLD NEW``: print the changes as Markdown; 2 on a bad reference."""
    try:
        old, new = load_manifest(old_ref, archive_dir), load_manifest(new_ref, archive_dir)
    except DiffError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(diff_markdown(diff_manifests(old, new)), end="")
    return 0

"""Lint the pages' code cells with ruff, naming page, cell and line of each problem.

The code cells of each page (read with jupytext, as the build reads them) are joined into one
Python text and checked with the project's ruff, with the rules that make sense for a notebook:
pyflakes, pycodestyle, import order, bugbear and pyupgrade. ``E402`` is off because a page's
imports follow its ``parameters`` cell, which papermill needs first.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jupytext

from analysis.site.pages import toc_entries

__all__ = ["PAGE_IGNORE", "PAGE_RULES", "lint_pages", "page_code"]

PAGE_RULES = ("E", "F", "W", "I", "B", "UP")
PAGE_IGNORE = ("E402",)
LINE_LENGTH = 100


def page_code(path: Path) -> tuple[str, list[tuple[int, int]]]:
    """The page's code cells as one Python text, and for each line its (cell, line in cell).

    Cells are numbered from 1 among all cells of the page (Markdown included), as a reader
    counts them in the notebook.
    """
    nb = jupytext.reads(path.read_text(encoding="utf-8"), fmt="md:myst")  # as the build does
    lines: list[str] = []
    where: list[tuple[int, int]] = []
    for number, cell in enumerate(nb.cells, start=1):
        if cell.cell_type != "code":
            continue
        for k, line in enumerate(cell.source.splitlines(), start=1):
            if line.startswith("%"):  # IPython magics are not Python
                line = "# " + line
            lines.append(line)
            where.append((number, k))
        lines.append("")
        where.append((number, 0))
    return "\n".join(lines) + "\n", where


def lint_pages(root: Path) -> list[str]:
    """Every ruff finding in the pages of the table of contents, as ``page:cell:line: ...``."""
    out = []
    for docname in toc_entries(root):
        path = root / f"{docname}.md"
        code, where = page_code(path)
        proc = subprocess.run(
            [sys.executable, "-m", "ruff", "check", "--isolated", "--output-format", "json",
             "--line-length", str(LINE_LENGTH), "--select", ",".join(PAGE_RULES),
             "--ignore", ",".join(PAGE_IGNORE), "--stdin-filename", f"{docname}.py", "-"],
            input=code, capture_output=True, text=True, timeout=120, check=False)
        if proc.returncode not in (0, 1):
            raise RuntimeError(f"ruff failed on {docname}: {proc.stderr.strip()}")
        for item in json.loads(proc.stdout or "[]"):
            row = item["location"]["row"]
            cell, line = where[row - 1] if 0 < row <= len(where) else (0, row)
            out.append(f"{docname}.md: cell {cell}, line {line}: {item['code']} "
                       f"{item['message']}")
    return out

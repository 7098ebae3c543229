"""The book's pages as the build sees them: the table of contents, sources and parameters.

A page is a MyST Markdown notebook in ``book/``. Its ``parameters`` cell declares, with their
defaults, the schema parameters the page uses; the build injects the resolved values of exactly
those names.
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jupytext
import nbformat
import yaml

from analysis.params import SCHEMA, ParameterError

__all__ = ["KERNEL_NAME", "Page", "PageError", "cache_key", "read_pages", "toc_entries"]

KERNEL_NAME = "amzn-report"


class PageError(ValueError):
    """A page source is malformed (no parameters cell, unknown parameter, bad syntax)."""


@dataclass(frozen=True)
class Page:
    """One page of the book.

    Attributes:
        docname: Path without extension relative to the book root (``book/intro``).
        source_path: The MyST Markdown source.
        source_text: Its text.
        declared: Parameters declared in its ``parameters`` cell, with their defaults.
    """

    docname: str
    source_path: Path
    source_text: str
    declared: dict[str, Any]

    @property
    def page_id(self) -> str:
        """Short id used in figure file names (``book/ch1-capital`` → ``ch1-capital``)."""
        return Path(self.docname).name

    def notebook(self) -> nbformat.NotebookNode:
        """Return the page as an (unexecuted) notebook bound to the report's kernel."""
        nb = jupytext.reads(self.source_text, fmt="md:myst")
        nb.metadata["kernelspec"] = {"name": KERNEL_NAME, "display_name": "Python 3 (report)",
                                     "language": "python"}
        nb.metadata.pop("jupytext", None)
        return nb


def toc_entries(root: Path) -> list[str]:
    """Return every ``file`` entry of ``_toc.yml`` in reading order (root first)."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    out = [toc["root"]]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "file" in node:
                out.append(node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk({k: v for k, v in toc.items() if k != "root"})
    return out


def _declared_parameters(nb: nbformat.NotebookNode, where: str) -> dict[str, Any]:
    cells = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    if not cells:
        return {}
    if len(cells) > 1:
        raise PageError(f"{where}: more than one cell is tagged 'parameters'")
    try:
        tree = ast.parse(cells[0].source)
    except SyntaxError as exc:
        raise PageError(f"{where}: parameters cell, line {exc.lineno}: {exc.msg}") from None
    declared: dict[str, Any] = {}
    for node in tree.body:
        target = node.target if isinstance(node, ast.AnnAssign) else (
            node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else None)
        if not isinstance(target, ast.Name) or node.value is None:
            raise PageError(f"{where}: parameters cell, line {node.lineno}: only simple "
                            "assignments 'name: type = literal' are allowed")
        if target.id not in SCHEMA:
            raise PageError(f"{where}: parameters cell declares {target.id!r}, which is not in "
                            "the parameter schema")
        try:
            declared[target.id] = ast.literal_eval(node.value)
        except ValueError:
            raise PageError(f"{where}: parameters cell, line {node.lineno}: the default of "
                            f"{target.id!r} must be a literal") from None
    return declared


def read_pages(root: Path) -> list[Page]:
    """Read every page listed in the table of contents.

    Raises:
        PageError: A listed page is missing or its parameters cell is malformed.
    """
    pages = []
    for docname in toc_entries(root):
        path = root / f"{docname}.md"
        if not path.is_file():
            raise PageError(f"_toc.yml lists {docname!r} but {path.relative_to(root)} is missing")
        text = path.read_text(encoding="utf-8")
        where = str(path.relative_to(root))
        nb = jupytext.reads(text, fmt="md:myst")
        pages.append(Page(docname, path, text, _declared_parameters(nb, where)))
    return pages


#: How a page reads a stored result: ``results.get("name", P)`` (see analysis.site.results).
_RESULT_READ = re.compile(r"""results\.get\(\s*["']([A-Za-z_][A-Za-z0-9_]*)["']""")
#: How a page reads the stored sweep: ``results.sweep_results(P)`` (depends on every parameter).
_SWEEP_READ = re.compile(r"results\.sweep_results\(")


def results_read(page: Page) -> tuple[str, ...]:
    """Names of the stored results ``page`` reads, in order of first use ("sweep" included)."""
    names = dict.fromkeys(_RESULT_READ.findall(page.source_text))
    if _SWEEP_READ.search(page.source_text):
        names["sweep"] = None
    return tuple(names)


def page_parameters(page: Page, values: dict[str, Any],
                    extra: Iterable[str] = ()) -> dict[str, Any]:
    """Return the resolved values of the parameters ``page`` declares, plus ``extra`` ones.

    ``extra`` names the parameters of the results the page reads: they are injected too, so a
    page need not repeat every model parameter in its ``parameters`` cell, and its cache key
    still changes when one of them does.
    """
    names = set(page.declared) | set(extra)
    missing = sorted(names - set(values))
    if missing:
        raise ParameterError(f"page {page.docname}: no value for {missing[0]!r}")
    return {name: values[name] for name in sorted(names)}


def cache_key(page: Page, page_params: dict[str, Any], environment: dict[str, str]) -> str:
    """Hash everything a page's executed output depends on.

    Args:
        page: The page (its source text is hashed).
        page_params: The parameter values injected into it.
        environment: Checksums of the data files, the package source and the pinned
            requirements.

    Returns:
        A hex digest; equal keys mean the cached output can be reused.
    """
    payload = json.dumps(
        {"source": page.source_text, "params": page_params, "env": environment},
        sort_keys=True, default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()

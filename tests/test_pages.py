"""Page sources: parameters cells match the schema; malformed pages are refused."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from analysis.pages import PageError, read_pages, toc_entries
from analysis.params import SCHEMA

pytestmark = pytest.mark.page

REPO = Path(__file__).resolve().parent.parent


def test_every_toc_page_exists_and_declares_schema_defaults():
    pages = read_pages(REPO)
    assert [p.docname for p in pages] == toc_entries(REPO)
    for page in pages:
        for name, default in page.declared.items():
            if name == "as_of":
                # The default cut-off is computed from the data (analysis.data_cutoff) and the
                # build always injects it; a page's literal may lag behind after a data edit,
                # never run ahead of it.
                dt.date.fromisoformat(default)
                assert default <= SCHEMA[name].default, page.docname
                continue
            assert default == SCHEMA[name].default, f"{page.docname}: {name}"


def test_every_page_with_code_has_a_parameters_cell():
    for page in read_pages(REPO):
        if "{code-cell}" in page.source_text:
            assert page.declared, f"{page.docname} has code but no parameters cell"


def _page(tmp_path: Path, params_cell: str) -> Path:
    (tmp_path / "book").mkdir()
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: book/p\n")
    (tmp_path / "book" / "p.md").write_text(
        "---\njupytext:\n  text_representation:\n    format_name: myst\n---\n# P\n\n"
        "```{code-cell} ipython3\n:tags: [parameters]\n" + params_cell + "\n```\n")
    return tmp_path


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("sede: int = 1", "declares 'sede', which is not in the parameter schema"),
        ("seed: int = 1 + x", "the default of 'seed' must be a literal"),
        ("print(1)", "only simple assignments"),
        ("seed = = 1", "parameters cell, line 1"),
    ],
)
def test_malformed_parameters_cell_is_refused_with_page_and_line(tmp_path, cell, message):
    root = _page(tmp_path, cell)
    with pytest.raises(PageError, match="book/p.md") as info:
        read_pages(root)
    assert message in str(info.value)


def test_missing_page_is_named(tmp_path):
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: book/nowhere\n")
    with pytest.raises(PageError, match="lists 'book/nowhere'"):
        read_pages(tmp_path)


def test_tables_are_numbered_as_tables_and_figures_as_figures():
    """A ``tbl-`` name sits on a ``{table}`` directive (Sphinx numbers it "Table N"), never on
    a ``{glue:figure}`` (which would number it as a figure)."""
    import re

    for page in read_pages(REPO):
        for directive, name in re.findall(r"[`]{3,}\{([\w:-]+)\}[^\n]*\n:name: ([\w-]+)",
                                          page.source_text):
            if name.startswith("tbl-"):
                assert directive in ("table", "list-table"), f"{page.docname}: {name}"
            elif name.startswith("fig-"):
                assert directive in ("glue:figure", "figure"), f"{page.docname}: {name}"

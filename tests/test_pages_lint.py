"""The pages' code is linted with ruff (issue 14): none has a finding, and a finding is named."""

from __future__ import annotations

from pathlib import Path

from analysis.site.lint import lint_pages, page_code

REPO = Path(__file__).resolve().parent.parent

PAGE = """---
jupytext:
  text_representation:
    format_name: myst
---
# P

```{code-cell} ipython3
:tags: [parameters]
seed: int = 1
```

Some prose.

```{code-cell} ipython3
import os

x = seed
```
"""


def test_the_book_pages_are_clean():
    assert lint_pages(REPO) == []


def test_a_finding_names_page_cell_and_line(tmp_path):
    (tmp_path / "book").mkdir()
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: book/p\n")
    (tmp_path / "book" / "p.md").write_text(PAGE)
    found = lint_pages(tmp_path)
    # cells counted as a reader counts them: heading, parameters, prose, code
    assert found == ["book/p.md: cell 4, line 1: F401 `os` imported but unused"]
    code, where = page_code(tmp_path / "book" / "p.md")
    assert "Some prose" not in code and where[0] == (2, 1)

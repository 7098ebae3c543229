"""The persistent render (issue 14): only changed files are copied, and Sphinx's blind spots
are covered (pages that paste another page's glue; the inputs that name the render folder)."""

from __future__ import annotations

import os
from pathlib import Path

from analysis.site import incremental


def _tree(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def test_sync_copies_only_what_differs_and_removes_what_is_gone(tmp_path):
    dst = _tree(tmp_path / "dst", {"book/a.ipynb": "same", "book/b.ipynb": "old",
                                   "book/gone.ipynb": "x", "book/_static/old/f.js": "y"})
    past = 1_000_000_000
    for path in (dst / "book").rglob("*"):
        os.utime(path, (past, past))
    src = _tree(tmp_path / "src", {"book/a.ipynb": "same", "book/b.ipynb": "new",
                                   "book/c.md": "added"})
    changed = incremental.sync_tree(src, dst)
    assert changed == {"book/b.ipynb", "book/c.md", "book/gone.ipynb", "book/_static/old/f.js"}
    assert (dst / "book/a.ipynb").stat().st_mtime == past  # untouched: Sphinx skips it
    assert (dst / "book/b.ipynb").read_text(encoding="utf-8") == "new"
    assert not (dst / "book/gone.ipynb").exists() and not (dst / "book/_static").exists()
    assert incremental.sync_tree(src, dst) == set()  # a second sync finds nothing to do


def test_a_page_pasting_glue_from_a_changed_page_is_read_again(tmp_path):
    book = _tree(tmp_path, {"methods.ipynb": '"{glue:text}`backtest.ipynb::bt_cov:s`"',
                            "backtest.ipynb": "{}", "glossary.ipynb": "no paste here"})
    past = 1_000_000_000
    for path in book.iterdir():
        os.utime(path, (past, past))
    assert incremental.touch_dependents(book, {"backtest.ipynb"}) == ["methods.ipynb"]
    assert (book / "methods.ipynb").stat().st_mtime > past
    assert (book / "glossary.ipynb").stat().st_mtime == past
    assert incremental.touch_dependents(book, {"glossary.ipynb"}) == []


def test_render_key_follows_its_inputs():
    a = incremental.render_key({"titles": {"book/intro": "Intro"}, "code": {"x.py": "1"}})
    assert a == incremental.render_key({"code": {"x.py": "1"}, "titles": {"book/intro": "Intro"}})
    assert a != incremental.render_key({"titles": {"book/intro": "Other"}, "code": {"x.py": "1"}})
    assert a != incremental.render_key({"titles": {"book/intro": "Intro"}, "code": {"x.py": "2"}})


def test_fresh_static_leaves_the_pages(tmp_path):
    html = _tree(tmp_path, {"_static/theme.css": "a{}", "book/intro.html": "<p>"})
    incremental.fresh_static(html)
    assert not (html / "_static").exists() and (html / "book/intro.html").exists()

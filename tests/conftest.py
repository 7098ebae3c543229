"""Shared fixtures: a scratch copy of the repository for build tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def copy_repo(dest: Path, pages: list[str] | None = None) -> Path:
    """Copy what a build reads (book, data, config, requirements) into ``dest``.

    With ``pages``, the table of contents is cut down to those pages (plus the execution
    record), so behaviour tests build a small book quickly.
    """
    for name in ("_config.yml", "_toc.yml", "requirements.txt", "pyproject.toml"):
        shutil.copy2(REPO / name, dest / name)
    for folder in ("book", "data"):
        shutil.copytree(REPO / folder, dest / folder,
                        ignore=shutil.ignore_patterns("*.ipynb", "vega-bundle.js", "_build"))
    # The package source is hashed into cache keys; a symlink keeps it identical.
    (dest / "analysis").symlink_to(REPO / "analysis")
    if pages is not None:
        extra = ["book/references", "book/execution-record"]
        chapters = "\n".join(f"      - file: {p}" for p in pages[1:] + extra)
        (dest / "_toc.yml").write_text(
            f"format: jb-book\nroot: {pages[0]}\nparts:\n  - caption: Pages\n"
            f"    chapters:\n{chapters}\n", encoding="utf-8")
    return dest


@pytest.fixture
def small_repo(tmp_path: Path) -> Path:
    """A copy of the repository whose book holds only the introduction."""
    return copy_repo(tmp_path, ["book/intro"])

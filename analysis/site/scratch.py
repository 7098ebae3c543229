"""A scratch copy of the checkout to build in (used by the site tests and the build benchmark).

A build writes ``_build/`` into the tree it builds, so tests and benchmarks build in a copy:
the files a build reads (the book, the data, the configuration and the pinned requirements),
with the package linked rather than copied, so that its source, which the cache keys hash, is
the checkout's own.
"""

from __future__ import annotations

import shutil
from pathlib import Path

__all__ = ["REPO", "copy_repo"]

#: The checkout this package is installed from (editable install).
REPO = Path(__file__).resolve().parents[2]


def copy_repo(dest: Path, pages: list[str] | None = None, *, repo: Path = REPO) -> Path:
    """Copy what a build reads from ``repo`` into the existing folder ``dest``.

    Args:
        dest: An existing, empty folder.
        pages: If given, docnames (``["book/intro"]``); the table of contents is cut down to
            them, the first as the root, plus the references and the execution record, so a
            behaviour test builds a small book quickly.
        repo: The checkout to copy.

    Returns:
        ``dest``.
    """
    for name in ("_config.yml", "_toc.yml", "requirements.txt", "pyproject.toml"):
        shutil.copy2(repo / name, dest / name)
    for folder in ("book", "data"):
        shutil.copytree(repo / folder, dest / folder,
                        ignore=shutil.ignore_patterns("*.ipynb", "vega-bundle.js", "_build"))
    # The package source is hashed into cache keys; a symlink keeps it identical.
    (dest / "analysis").symlink_to(repo / "analysis")
    if pages is not None:
        extra = ["book/references", "book/execution-record"]
        chapters = "\n".join(f"      - file: {p}" for p in pages[1:] + extra)
        (dest / "_toc.yml").write_text(
            f"format: jb-book\nroot: {pages[0]}\nparts:\n  - caption: Pages\n"
            f"    chapters:\n{chapters}\n", encoding="utf-8")
    return dest

"""Keep Sphinx's work between builds: re-read and re-write only the pages that changed.

Jupyter Book renders into a fresh folder on every build, so Sphinx reads and writes every page
even when a parameter changed one chapter. The build instead renders a persistent copy of the
staged book (:func:`sync_tree` copies a staged file only when its bytes differ, so an unchanged
page keeps its modification time) into a persistent output folder with Sphinx's own saved
environment; Sphinx then re-reads the pages whose files are newer and re-writes them.

What Sphinx cannot see is handled here:
- a page that pastes a glued value from another page (``{glue:text}`backtest.ipynb::name```)
  must be written again when that page changed (:func:`touch_dependents`);
- the package's Sphinx extensions, the book's configuration, the Python environment and the
  set of pages and their titles (the navigation of every page) are not Sphinx inputs it
  compares, so they name the persistent folder (:func:`render_key`): any change starts afresh;
- the static files are copied again on every build (:func:`fresh_static`), so the stylesheet
  purge always starts from the theme's own stylesheets.
A failed render deletes the persistent folder, so the next build starts from nothing.
"""

from __future__ import annotations

import filecmp
import hashlib
import json
import os
import re
import shutil
from collections.abc import Iterable, Mapping
from pathlib import Path

__all__ = ["GLUE_REFERENCE", "fresh_static", "glue_references", "render_key", "sync_tree",
           "touch_dependents"]

#: A glued value pasted from another page: ``{glue:text}`other.ipynb::name```.
GLUE_REFERENCE = re.compile(r"([A-Za-z0-9_.-]+)\.ipynb::")


def render_key(inputs: Mapping[str, object]) -> str:
    """Name of the persistent render folder for these inputs (16 hex digits)."""
    blob = json.dumps(inputs, sort_keys=True, default=str).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()[:16]


def sync_tree(src: Path, dst: Path) -> set[str]:
    """Make ``dst`` a copy of ``src``, writing only the files whose bytes differ.

    Returns:
        The paths (relative, POSIX) written or removed.
    """
    changed: set[str] = set()
    wanted = {p.relative_to(src).as_posix() for p in src.rglob("*") if p.is_file()}
    for rel in sorted(wanted):
        target = dst / rel
        if target.is_file() and filecmp.cmp(src / rel, target, shallow=False):
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src / rel, target)  # a new modification time: Sphinx re-reads it
        changed.add(rel)
    if dst.is_dir():
        for path in sorted(dst.rglob("*"), reverse=True):
            rel = path.relative_to(dst).as_posix()
            if path.is_file() and rel not in wanted:
                path.unlink()
                changed.add(rel)
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()
    return changed


def glue_references(text: str) -> set[str]:
    """The page names (file stems) whose glued values ``text`` pastes.

    >>> sorted(glue_references("a {glue:text}`backtest.ipynb::bt_cov:s` b `ch1.ipynb::x`"))
    ['backtest', 'ch1']
    """
    return set(GLUE_REFERENCE.findall(text))


def touch_dependents(folder: Path, changed: Iterable[str]) -> list[str]:
    """Mark for re-reading every staged page that pastes a value from a changed page.

    Sphinx resolves such a value when it writes the pasting page, from the other page's
    outputs, and does not know the one depends on the other.

    Args:
        folder: The persistent copy of the staged book's pages (``book/``).
        changed: Relative paths :func:`sync_tree` reported, inside ``folder``.

    Returns:
        The relative paths touched.
    """
    changed_stems = {Path(rel).stem for rel in changed if rel.endswith(".ipynb")}
    touched = []
    for path in sorted(folder.glob("*.ipynb")):
        if path.name in changed:
            continue
        if glue_references(path.read_text(encoding="utf-8")) & changed_stems:
            os.utime(path)
            touched.append(path.name)
    return touched


def fresh_static(html_dir: Path) -> None:
    """Delete the rendered static files, so Sphinx copies the theme's own files again."""
    shutil.rmtree(html_dir / "_static", ignore_errors=True)

"""Shared fixtures: scratch copies of the repository for build tests, a folder digest."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest

from analysis.site.scratch import copy_repo


@pytest.fixture
def scratch_repo(tmp_path: Path) -> Callable[..., Path]:
    """``scratch_repo(pages=None)``: a scratch copy of the repository in this test's tmp_path.

    With ``pages`` (docnames such as ``["book/intro"]``) the book holds only those pages (plus
    the references and the execution record); see :func:`analysis.site.scratch.copy_repo`.
    """
    return functools.partial(copy_repo, tmp_path)


@pytest.fixture
def small_repo(tmp_path: Path) -> Path:
    """A copy of the repository whose book holds only the introduction."""
    return copy_repo(tmp_path, ["book/intro"])


@pytest.fixture(scope="session")
def tree_digest() -> Callable[[Path], dict[str, str]]:
    """``tree_digest(folder)``: the SHA-256 of every file under ``folder``, by relative path.

    Equal digests before and after a failed build show the published site was left as it was.
    """
    def digest(folder: Path) -> dict[str, str]:
        return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(folder.rglob("*")) if p.is_file()}

    return digest

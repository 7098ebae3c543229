"""Shared fixtures: scratch copies of the repository, the session's built site, Chromium.

The tiers and their rules are in the conftest.py at the repository root; a test that uses one
of these fixtures must be in the tier named there (``FIXTURE_TIERS``).
"""

from __future__ import annotations

import functools
import hashlib
import http.server
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from analysis import params
from analysis.site.scratch import copy_repo
from tests.inputs import SMOKE

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


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


@pytest.fixture(scope="session")
def smoke_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The scratch repository where the pages run (page tier) and the site is built (site and
    browser tiers), both with ``SMOKE``: a result one of them stores in ``_build/cache`` (such
    as the explore page's sweep) the other reuses instead of computing it again.
    """
    return copy_repo(tmp_path_factory.mktemp("smoke"))


@pytest.fixture(scope="session")
def built_site(smoke_repo: Path) -> Path:
    """The whole site, built once per session with tiny parameters (``SMOKE``).

    Shared by the site and browser tiers; tests read it and must not change it.
    """
    from analysis.build import build

    return build(params.validate(SMOKE), root=smoke_repo, stream=None).site


@pytest.fixture(scope="session")
def server(built_site: Path) -> Iterator[str]:
    """The built site served on localhost: the base address, without a trailing slash."""
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(built_site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium through Playwright (one per session)."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run",
                  "--disable-quic"])
        yield b
        b.close()

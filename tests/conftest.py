"""Shared fixtures: scratch copies of the repository, the session's built site, Chromium.

The tiers and their rules are in the conftest.py at the repository root; a test that uses one
of these fixtures must be in the tier named there (``FIXTURE_TIERS``).
"""

from __future__ import annotations

import functools
import hashlib
import http.server
import shutil
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from analysis import params
from analysis.site.scratch import copy_repo
from tests.inputs import BRIEFING_DRAWS, SMOKE

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture
def scratch_repo(tmp_path: Path) -> Callable[..., Path]:
    """``scratch_repo(pages=None)``: a scratch copy of the repository in this test's tmp_path.

    With ``pages`` (docnames such as ``["book/intro"]``) the book holds only those pages (plus
    the references and the execution record); see :func:`analysis.site.scratch.copy_repo`.
    """
    return functools.partial(copy_repo, tmp_path)


# --- builds shared by the site tests: each is built once per session, and a test that builds
# again works in its own copy (copy_built), so it starts from a published site and a warm cache.

def _copy_built(tree: Path, dest: Path) -> Path:
    # symlinks=True: the copy links the package, as the original does
    return Path(shutil.copytree(tree, dest, symlinks=True))


@pytest.fixture(scope="session")
def copy_built() -> Callable[[Path, Path], Path]:
    """``copy_built(tree, dest)``: copy a built scratch repository (``small_build``,
    ``briefing_build``), its ``_build`` included, to ``dest``, and return ``dest``."""
    return _copy_built


@pytest.fixture(scope="session")
def small_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scratch repository whose book holds only the introduction, built once per session
    with the default parameters: its site is published and its cache holds the executed
    pages and the Vega bundle. Tests must not change it; copy it (``built_small_repo``).
    """
    from analysis.site.build import build

    root = copy_repo(tmp_path_factory.mktemp("small-build"), ["book/intro"])
    build(params.validate(), root=root, stream=None)
    return root


@pytest.fixture
def built_small_repo(small_build: Path, tmp_path: Path) -> Path:
    """This test's own copy of ``small_build``: a one-page book already built and published
    with the default parameters, as if the test had just run ``build(params.validate())``.
    """
    return _copy_built(small_build, tmp_path / "repo")


@pytest.fixture(scope="session")
def briefing_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scratch repository whose book holds only the briefing, built once per session with
    the baseline scenario and ``BRIEFING_DRAWS`` (its PDF printed, if Chromium is installed).
    Tests must not change it; copy it (``briefing_repo``, ``copy_built``).
    """
    from analysis.site.build import build

    root = copy_repo(tmp_path_factory.mktemp("briefing-build"), ["book/briefing"])
    build(params.resolve("baseline", BRIEFING_DRAWS), root=root, stream=None)
    return root


@pytest.fixture
def briefing_repo(briefing_build: Path, tmp_path: Path) -> Path:
    """This test's own copy of ``briefing_build``."""
    return _copy_built(briefing_build, tmp_path / "repo")


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
    from analysis.site.build import build

    return build(params.validate(SMOKE), root=smoke_repo, stream=None).site


@pytest.fixture(scope="session")
def server(built_site: Path) -> Iterator[str]:
    """The built site served on localhost: the base address, without a trailing slash."""
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    class Server(http.server.ThreadingHTTPServer):
        def handle_error(self, request, client_address):
            # A browser that hangs up mid-response (a page closed, a prefetch cancelled) is
            # not an error of the site; anything else is printed as before.
            if not isinstance(sys.exc_info()[1], ConnectionError):
                super().handle_error(request, client_address)

    httpd = Server(("127.0.0.1", 0), functools.partial(Quiet, directory=str(built_site)))
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

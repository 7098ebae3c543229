"""Browser checks of the full site in headless Chromium (Playwright, system Chromium).

The site is built once per session in a scratch copy of the repository with few Monte Carlo
draws (every page executes: this is also the notebook smoke test). Every page must load with
no console errors, every chart container must hold a drawn SVG or canvas, and no request may
leave localhost.
"""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from analysis import params
from analysis.build import build
from analysis.pages import toc_entries
from tests.conftest import copy_repo

pytestmark = [pytest.mark.book, pytest.mark.browser]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SMOKE = {"mc_draws": 2_000}


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    root = copy_repo(tmp_path_factory.mktemp("site"))
    return build(params.validate(SMOKE), root=root, stream=None).site


@pytest.fixture(scope="session")
def server(built_site) -> Iterator[str]:
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


def site_pages() -> list[str]:
    root = Path(__file__).resolve().parent.parent
    return [f"{doc}.html" for doc in toc_entries(root)]


@pytest.mark.parametrize("page", site_pages())
def test_page_loads_offline_with_charts_drawn(page, server, browser):
    ctx = browser.new_context()
    tab = ctx.new_page()
    errors: list[str] = []
    outside: list[str] = []
    tab.on("console", lambda m: m.type == "error" and errors.append(m.text))
    tab.on("pageerror", lambda e: errors.append(str(e)))
    tab.on("request", lambda r: None if r.url.startswith(server) or r.url.startswith("data:")
           else outside.append(r.url))
    tab.route(re.compile(r"^(?!http://127\.0\.0\.1).*"), lambda route: route.abort())
    response = tab.goto(f"{server}/{page}", wait_until="load")
    assert response is not None and response.ok
    containers = tab.locator(".vega-chart")
    for i in range(containers.count()):
        containers.nth(i).locator("svg, canvas").first.wait_for(state="attached", timeout=15_000)
        assert containers.nth(i).get_attribute("aria-label")
    tab.wait_for_timeout(200)
    ctx.close()
    assert errors == [], f"{page}: console errors {errors}"
    assert outside == [], f"{page}: requests left localhost: {outside}"


def test_every_figure_has_downloads(built_site):
    figures = built_site / "_static" / "figures"
    stems = {p.stem for p in figures.iterdir() if p.name.startswith("fig-")}
    assert stems
    for stem in stems:
        for ext in ("png", "svg", "csv"):
            assert (figures / f"{stem}.{ext}").stat().st_size > 0, f"{stem}.{ext}"


def test_no_external_script_or_stylesheet_in_any_page(built_site):
    for html in built_site.rglob("*.html"):
        text = html.read_text(encoding="utf-8")
        assert not re.search(r'<(script|link)[^>]+(src|href)="https?://', text), html


GENERATED_PAGES = {"execution-record.html"}  # tables written by the build itself


def test_prose_has_no_hand_typed_numbers(built_site):
    from tests.prose_check import stray_numbers

    found = {}
    for html in sorted((built_site / "book").glob("*.html")):
        if html.name in GENERATED_PAGES:
            continue
        strays = stray_numbers(html.read_text(encoding="utf-8"))
        if strays:
            found[html.name] = strays
    assert found == {}, f"numbers in prose that are neither glued nor cited: {found}"


def test_briefing_pdf_is_linked_and_printed_with_its_chart(built_site):
    html = (built_site / "book" / "briefing.html").read_text(encoding="utf-8")
    assert 'href="../_static/amzn-efficiency-briefing.pdf"' in html
    pdf = (built_site / "_static" / "amzn-efficiency-briefing.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-")
    # A drawn chart adds vector paths; an empty chart container would leave the file small.
    assert len(pdf) > 50_000


def test_every_page_shows_provenance_and_chapters_a_citation(built_site):
    for html in sorted((built_site / "book").glob("*.html")):
        text = html.read_text(encoding="utf-8")
        assert "About this page" in text and "Data vintage" in text, html.name
        if html.name.startswith(("ch", "briefing")):
            assert "Cite this page" in text and "amzn_efficiency_" in text, html.name


def test_every_download_link_resolves(built_site):
    """Figure, table and data downloads and the PDF: every local link under _static exists."""
    checked = 0
    for html in sorted((built_site / "book").glob("*.html")):
        for href in re.findall(r'href="(\.\./_static/[^"#?]+)"', html.read_text("utf-8")):
            assert (html.parent / href).resolve().is_file(), f"{html.name}: {href}"
            checked += 1
    tables = list((built_site / "_static" / "figures").glob("tbl-*.csv"))
    assert checked > 50 and len(tables) >= 5


CODE_NAME_PAGES = {"methods.html"}  # the methods page keeps the parameters' code names


def test_prose_names_no_parameter_by_its_code_name(built_site):
    """Readers see labels ("AI adoption midpoint"), not ``ai_adoption_midpoint_year``."""
    from tests.prose_check import code_names_in_prose

    names = [n for n in params.SCHEMA if "_" in n]  # "seed" is also an English word
    found = {}
    for html in sorted((built_site / "book").glob("*.html")):
        if html.name in CODE_NAME_PAGES | GENERATED_PAGES:
            continue
        hits = code_names_in_prose(html.read_text(encoding="utf-8"), names)
        if hits:
            found[html.name] = hits
    assert found == {}, f"parameter code names in prose: {found}"


def pdf_page_count(pdf: bytes) -> int:
    """Count page objects (``/Type /Page``, not ``/Pages``) in an uncompressed-xref PDF."""
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


def test_briefing_prints_on_exactly_one_a4_page(built_site):
    pdf = (built_site / "_static" / "amzn-efficiency-briefing.pdf").read_bytes()
    assert pdf_page_count(pdf) == 1
    # A4 portrait, in points (595 x 842), as the print stylesheet sets it
    box = re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    assert box and abs(float(box.group(1)) - 595) < 2 and abs(float(box.group(2)) - 842) < 2

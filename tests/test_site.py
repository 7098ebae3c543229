"""Browser checks of the full site in headless Chromium (Playwright, system Chromium).

The site is built once per session in a scratch copy of the repository with few Monte Carlo
draws (every page executes: this is also the notebook smoke test). Every page must load with
no console errors, every chart container must hold a drawn SVG or canvas, and no request may
leave localhost. On a 390 px phone and on a desktop, no page scrolls sideways, every chart
fits its container, and axe-core (installed from npm by ``make test``: package.json at the
repository root) finds no critical or serious violation.
"""

from __future__ import annotations

import functools
import http.server
import json
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
REPO = Path(__file__).resolve().parent.parent
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


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


def _open(browser, server: str, page: str, viewport: dict[str, int]):
    """A tab at ``viewport`` with ``page`` loaded and every chart drawn."""
    ctx = browser.new_context(viewport=viewport)
    tab = ctx.new_page()
    tab.route(re.compile(r"^(?!http://127\.0\.0\.1).*"), lambda route: route.abort())
    tab.goto(f"{server}/{page}", wait_until="load")
    # report-charts.js marks a chart once it is drawn and fitted (a concatenation, a facet or
    # a wide legend takes a few draws).
    tab.wait_for_function(
        "document.querySelectorAll('.vega-chart:not([data-drawn])').length === 0",
        timeout=20_000)
    return ctx, tab


def _axe_violations(tab) -> list[tuple[str, str, int, str]]:
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `make test` (it runs npm ci) or `npm ci`")
    tab.add_script_tag(path=str(AXE))
    found = tab.evaluate(
        "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map(v => "
        "[v.id, v.impact, v.nodes.length, v.nodes[0].target.join(' ')]))")
    return [tuple(v) for v in found]


@pytest.mark.parametrize("page", site_pages())
def test_page_fits_a_phone_and_passes_axe(page, server, browser):
    """No sideways scroll at 390 px, charts inside their boxes, no critical/serious axe finding."""
    for label, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        ctx, tab = _open(browser, server, page, viewport)
        scroll, client = tab.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert scroll <= client, f"{page} ({label}): scrollWidth {scroll} > clientWidth {client}"
        charts = tab.evaluate("""Array.from(document.querySelectorAll('.vega-chart')).map(c =>
            [c.id, c.getBoundingClientRect().width, c.querySelector('svg') ?
             c.querySelector('svg').getBoundingClientRect().width : -1])""")
        for chart_id, box, drawn in charts:
            assert 0 < drawn <= box + 1, f"{page} ({label}): chart {chart_id} is {drawn} px " \
                                         f"wide in a {box} px box"
        bad = [v for v in _axe_violations(tab) if v[1] in ("critical", "serious")]
        ctx.close()
        assert bad == [], f"{page} ({label}): axe-core violations {bad}"


def test_tornado_shows_its_bars_on_a_phone(server, browser):
    ctx, tab = _open(browser, server, "book/ch5-forecast.html", PHONE)
    specs = tab.evaluate("""Array.from(document.querySelectorAll('script.vega-spec')).map(s =>
        [s.dataset.for, ((JSON.parse(s.textContent).usermeta || {}).figure || {}).name])""")
    tornado = [chart_id for chart_id, name in specs if name == "tornado"]
    assert len(tornado) == 1
    box, bars = tab.evaluate("""id => { const c = document.getElementById(id);
        const r = c.getBoundingClientRect();
        return [[r.left, r.right], Array.from(c.querySelectorAll('.mark-rect path')).map(p => {
            const b = p.getBoundingClientRect(); return [b.left, b.right]; })]; }""", tornado[0])
    ctx.close()
    assert bars, "the tornado chart drew no bars"
    assert max(right - left for left, right in bars) >= 40, f"bars too thin: {bars}"
    assert all(box[0] - 1 <= left and right <= box[1] + 1 for left, right in bars), (box, bars)


def _exposed_descendants(cdp, ax_id: str) -> int:
    """Nodes under ``ax_id`` in Chromium's accessibility tree that are not ignored."""
    count = 0
    for child in cdp.send("Accessibility.getChildAXNodes", {"id": ax_id})["nodes"]:
        count += (not child.get("ignored")) + _exposed_descendants(cdp, child["nodeId"])
    return count


def test_charts_expose_their_description_not_every_mark(server, browser):
    """Screen readers get each chart's description, not one item per tick, label and mark."""
    ctx, tab = _open(browser, server, "book/ch5-forecast.html", DESKTOP)
    cdp = ctx.new_cdp_session(tab)
    cdp.send("Accessibility.enable")
    root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
    charts = tab.evaluate("""Array.from(document.querySelectorAll('.vega-chart')).map(c =>
        [c.id, JSON.parse(document.querySelector(`script[data-for="${c.id}"]`).textContent)
         .description])""")
    assert len(charts) >= 3
    for chart_id, description in charts:
        node_id = cdp.send("DOM.querySelector", {"nodeId": root,
                                                 "selector": f"#{chart_id}"})["nodeId"]
        node = cdp.send("Accessibility.getPartialAXTree",
                        {"nodeId": node_id, "fetchRelatives": False})["nodes"][0]
        assert node.get("name", {}).get("value") == description
        assert _exposed_descendants(cdp, node["nodeId"]) <= 5, chart_id
    ctx.close()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_every_control_shows_a_focus_ring(viewport, server, browser):
    """Tab through the header and the start of the page: each stop draws an outline."""
    ctx, tab = _open(browser, server, "book/ch5-forecast.html", viewport)
    seen, missing = [], []
    for _ in range(30):
        tab.keyboard.press("Tab")
        stop = tab.evaluate("""() => { const e = document.activeElement;
            if (!e || e === document.body) return null;
            const s = getComputedStyle(e);
            return [e.tagName + '.' + (e.className.baseVal ?? e.className) + ' ' +
                    (e.getAttribute('aria-label') || e.textContent.trim().slice(0, 30)),
                    s.outlineStyle, parseFloat(s.outlineWidth),
                    !!e.closest('.bd-header, .bd-header-article, .article-header-buttons')]; }""")
        if stop is None:
            continue
        name, style, width, in_header = stop
        seen.append((name, in_header))
        if style == "none" or width < 2:
            missing.append(name)
    ctx.close()
    assert sum(in_header for _, in_header in seen) >= 3, seen
    assert missing == [], f"controls without a visible focus ring: {missing}"


def test_vega_bundle_is_deferred_and_only_on_pages_with_charts(built_site):
    with_charts = 0
    for html in sorted((built_site / "book").glob("*.html")):
        text = html.read_text(encoding="utf-8")
        tags = re.findall(r"<script[^>]*(?:vega-bundle|report-charts)\.js[^>]*>", text)
        if 'class="vega-chart"' in text:
            with_charts += 1
            assert len(tags) == 2, (html.name, tags)
            assert "vega-bundle" in tags[0] and "report-charts" in tags[1], html.name
            assert all(re.search(r"\bdefer\b", t) for t in tags), (html.name, tags)
        else:
            assert tags == [], (html.name, tags)
    assert with_charts >= 5


def _site_pages_html(site: Path) -> list[Path]:
    """Every HTML page of the site (not the theme's template fragments under _static)."""
    return sorted(p for p in site.rglob("*.html") if "_static" not in p.relative_to(site).parts)


def test_no_page_loads_the_icon_font_script(built_site):
    pages = _site_pages_html(built_site)
    assert len(pages) >= 14
    for html in pages:
        assert "fontawesome" not in html.read_text(encoding="utf-8"), html
    assert not list(built_site.glob("_static/scripts/fontawesome*")), "unused script shipped"


def test_every_page_has_a_meta_description(built_site):
    found = {}
    for html in _site_pages_html(built_site):
        m = re.findall(r'<meta name="description" content="([^"]*)"', html.read_text("utf-8"))
        assert len(m) == 1 and len(m[0]) >= 30, (html, m)
        found[html.name] = m[0]
    book = {k: v for k, v in found.items() if k in {p.split("/")[-1] for p in site_pages()}}
    assert len(set(book.values())) == len(book), "pages share one description"


def test_redirect_page_has_a_title_a_language_and_an_icon(built_site):
    text = (built_site / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<html lang="en">', text)
    assert re.search(r"<title>[^<]{5,}</title>", text)
    icon = re.search(r'<link rel="icon" href="([^"]+)"', text)
    assert icon and (built_site / icon.group(1)).is_file()
    target = re.search(r'http-equiv="refresh" content="0; url=([^"]+)"', text)
    assert target and target.group(1) == site_pages()[0]
    assert (built_site / target.group(1)).is_file()


def test_chart_spec_on_the_page_fits_its_container(built_site):
    """Single and layered charts are sized by Vega-Lite to the container, exports are not."""
    text = (built_site / "book" / "ch5-forecast.html").read_text(encoding="utf-8")
    specs = [json.loads(s) for s in re.findall(
        r'<script type="application/json" class="vega-spec"[^>]*>(.*?)</script>', text, re.S)]
    assert specs
    for spec in specs:
        if not any(k in spec for k in ("vconcat", "hconcat", "concat")):
            assert spec["width"] == "container"
            assert spec["autosize"] == {"type": "fit-x", "contains": "padding"}
    svg = (built_site / "_static" / "figures" / "fig-ch5-forecast-tornado.svg").read_text("utf-8")
    width = re.search(r'<svg[^>]+width="(\d+)"', svg)
    assert width and int(width.group(1)) >= 400  # the download keeps its designed width

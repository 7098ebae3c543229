"""Browser checks of the built site in headless Chromium (Playwright, system Chromium).

The site is the session's ``built_site`` (tests/conftest.py). Every page must load with no
console errors, every chart container must hold a drawn SVG or canvas, and no request may
leave localhost. On a 390 px phone and on a desktop, no page scrolls sideways, every chart
fits its container, and axe-core (installed from npm by ``make test``: package.json at the
repository root) finds no critical or serious violation.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from analysis.site.pages import toc_entries

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parent.parent
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def site_pages() -> list[str]:
    return [f"{doc}.html" for doc in toc_entries(REPO)]


def _explorer_status(tab) -> dict[str, float]:
    """P(inside) per reading as the explore page shows it (percent, one decimal)."""
    tab.wait_for_function("document.querySelectorAll('#explore-status span').length == 2")
    shown = {}
    for span in tab.locator("#explore-status span").all():
        match = re.search(r"chance inside the claimed range ([0-9.]+)%", span.inner_text())
        assert match, span.inner_text()
        shown[span.get_attribute("data-reading")] = float(match.group(1))
    return shown


def _sweep_value(built_site: Path, point: dict[str, float], reading: str) -> float:
    import pandas as pd

    table = pd.read_csv(built_site / "_static" / "figures" / "tbl-explore-sweep.csv",
                        dtype={"reading": str})
    mask = table["reading"] == reading
    for name, value in point.items():
        mask &= table[name] == value
    assert mask.sum() == 1, point
    return round(100 * float(table.loc[mask, "prob_inside"].iloc[0]), 1)


def test_explorer_control_moves_the_headline_to_the_sweep_value(server, browser, built_site):
    tab = browser.new_page(viewport={"width": 1280, "height": 900})
    tab.goto(f"{server}/book/explore.html", wait_until="load")
    before = _explorer_status(tab)
    tab.select_option('select[name="ai_adoption_midpoint_year"]', "2030")
    tab.wait_for_function("location.hash.includes('ai_adoption_midpoint_year=2030')")
    after = _explorer_status(tab)
    point = {"ai_adoption_midpoint_year": 2030.0, "ai_substitution_share_pct": 35.0,
             "ai_adoption_ceiling_pct": 60.0, "eu_brake_strength_pct": 50.0}
    for reading in ("2026", "2027"):
        assert after[reading] == _sweep_value(built_site, point, reading)
    assert after != before  # a later adoption midpoint moves the forecast
    # The address records the view: opening it restores the same settings and numbers.
    other = browser.new_page(viewport={"width": 390, "height": 800})
    other.goto(f"{server}/book/explore.html{tab.evaluate('location.hash')}", wait_until="load")
    assert _explorer_status(other) == after
    assert other.locator('select[name="ai_adoption_midpoint_year"]').input_value() == "2030"
    other.close()
    tab.close()


def test_explorer_is_keyboard_operable(server, browser):
    tab = browser.new_page(viewport={"width": 1280, "height": 900})
    tab.goto(f"{server}/book/explore.html", wait_until="load")
    _explorer_status(tab)
    select = tab.locator('select[name="eu_brake_strength_pct"]')
    select.focus()
    assert tab.evaluate("document.activeElement.name") == "eu_brake_strength_pct"
    tab.keyboard.press("ArrowDown")
    tab.wait_for_function("!location.hash.includes('eu_brake_strength_pct=50')")
    assert "eu_brake_strength_pct=80" in tab.evaluate("location.hash")
    tab.close()


class PageLog:
    """What a tab saw while loading: console errors, requests that left localhost, fonts."""

    def __init__(self, tab, server: str) -> None:
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.fonts: list[str] = []
        tab.on("request", lambda r: r.resource_type == "font" and self.fonts.append(r.url))
        tab.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        tab.on("pageerror", lambda e: self.errors.append(str(e)))
        tab.on("request", lambda r: None if r.url.startswith((server, "data:"))
               else self.outside.append(r.url))


def _draw_every_chart(tab, timeout_ms: int = 20_000) -> None:
    """Scroll to each chart in turn until it is drawn, then back to the top.

    report-charts.js draws a chart (and loads the Vega bundle for the first one) when it comes
    near the viewport; a concatenation, a facet or a wide legend takes a few draws, and the
    loader marks the chart ``data-drawn`` once it is drawn and fitted.
    """
    containers = tab.locator(".vega-chart")
    for i in range(containers.count()):
        containers.nth(i).scroll_into_view_if_needed()
        containers.nth(i).locator("svg, canvas").first.wait_for(state="attached",
                                                                timeout=timeout_ms)
    tab.wait_for_function(
        "document.querySelectorAll('.vega-chart:not([data-drawn])').length === 0",
        timeout=timeout_ms)
    tab.evaluate("window.scrollTo(0, 0)")


def _open(browser, server: str, page: str, viewport: dict[str, int]):
    """A tab at ``viewport`` with ``page`` loaded (offline) and every chart drawn.

    Returns:
        (context, tab, the page's :class:`PageLog`, the response of the page itself).
    """
    ctx = browser.new_context(viewport=viewport)
    tab = ctx.new_page()
    log = PageLog(tab, server)
    tab.route(re.compile(r"^(?!http://127\.0\.0\.1).*"), lambda route: route.abort())
    response = tab.goto(f"{server}/{page}", wait_until="load")
    _draw_every_chart(tab)
    return ctx, tab, log, response


def _axe_violations(tab) -> list[tuple[str, str, int, str]]:
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `make test` (it runs npm ci) or `npm ci`")
    tab.add_script_tag(path=str(AXE))
    found = tab.evaluate(
        "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map(v => "
        "[v.id, v.impact, v.nodes.length, v.nodes[0].target.join(' ')]))")
    return [tuple(v) for v in found]


@pytest.mark.parametrize("page", site_pages())
def test_page_loads_offline_fits_a_phone_and_passes_axe(page, server, browser):
    """On a phone and on a desktop: the page loads with no console error and no request
    leaving localhost, every chart is drawn and labelled, nothing scrolls sideways, charts stay
    inside their boxes, and axe-core finds no critical or serious violation."""
    for label, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        ctx, tab, log, response = _open(browser, server, page, viewport)
        assert response is not None and response.ok, f"{page} ({label})"
        containers = tab.locator(".vega-chart")
        for i in range(containers.count()):
            containers.nth(i).locator("svg, canvas").first.wait_for(state="attached",
                                                                    timeout=15_000)
            assert containers.nth(i).get_attribute("aria-label"), f"{page} ({label}): chart {i}"
        tab.wait_for_timeout(200)
        assert log.errors == [], f"{page} ({label}): console errors {log.errors}"
        assert log.fonts == [], f"{page} ({label}): icons are CSS masks, yet fonts load: " \
                                f"{log.fonts}"
        assert log.outside == [], f"{page} ({label}): requests left localhost: {log.outside}"
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
    ctx, tab, _, _ = _open(browser, server, "book/ch5-forecast.html", PHONE)
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
    ctx, tab, _, _ = _open(browser, server, "book/ch5-forecast.html", DESKTOP)
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
    ctx, tab, _, _ = _open(browser, server, "book/ch5-forecast.html", viewport)
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


def test_search_finds_a_page(server, browser):
    """The header's search opens the search page, whose scripts run in order and list results."""
    tab = browser.new_page(viewport=DESKTOP)
    errors: list[str] = []
    tab.on("pageerror", lambda e: errors.append(str(e)))
    tab.goto(f"{server}/book/briefing.html", wait_until="load")
    tab.keyboard.press("Control+k")
    tab.locator("#pst-search-dialog input[name=q]").fill("capex")
    tab.keyboard.press("Enter")
    tab.wait_for_url(re.compile(r"search\.html\?q=capex"))
    tab.locator("#search-results li").first.wait_for(timeout=20_000)
    tab.close()
    assert errors == []


def test_charts_are_drawn_as_the_reader_reaches_them(server, browser):
    """On a phone the forecast's charts are all below the first screen: the page loads without
    the Vega bundle, and scrolling to a chart loads it and draws the chart."""
    ctx = browser.new_context(viewport=PHONE)
    tab = ctx.new_page()
    bundles: list[str] = []
    tab.on("request", lambda r: "vega-bundle.js" in r.url and bundles.append(r.url))
    tab.goto(f"{server}/book/ch5-forecast.html", wait_until="load")
    tab.wait_for_timeout(1_000)
    first = tab.locator(".vega-chart").first
    assert first.evaluate("e => e.getBoundingClientRect().top") > 2.5 * PHONE["height"]
    assert bundles == [] and first.get_attribute("data-drawn") is None
    first.scroll_into_view_if_needed()
    tab.wait_for_function("e => e.hasAttribute('data-drawn')", arg=first.element_handle(),
                          timeout=20_000)
    ctx.close()
    assert bundles, "the bundle was not loaded"

"""Checks of the whole built site's files (HTML, figures, downloads, the briefing PDF).

The site is built once per session, with tiny parameters, by the ``built_site`` fixture
(tests/conftest.py), which the browser tests (tests/test_browser.py) share.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pypdf
import pytest

from analysis import params
from analysis.site import golden
from analysis.site.pages import toc_entries

pytestmark = pytest.mark.site

REPO = Path(__file__).resolve().parent.parent


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


def test_every_quoted_passage_is_a_stored_quote(built_site):
    from analysis import data
    from tests.quote_check import unsourced_quotes

    quotes = list(data.load_quotes(data_dir=built_site.parent.parent / "data")["quote_text"])
    found = {}
    for html in sorted((built_site / "book").glob("*.html")):
        bad = unsourced_quotes(html.read_text(encoding="utf-8"), quotes)
        if bad:
            found[html.name] = bad
    assert found == {}, f"quoted passages not in data/quotes.csv: {found}"


def test_briefing_pdf_is_linked_and_printed_with_its_chart(built_site):
    html = (built_site / "book" / "briefing.html").read_text(encoding="utf-8")
    assert 'href="../_static/amzn-efficiency-briefing.pdf"' in html
    path = built_site / "_static" / "amzn-efficiency-briefing.pdf"
    assert path.read_bytes().startswith(b"%PDF-")
    # The chart's axis titles are text of the drawn chart only (its caption names neither);
    # a page printed before its chart was drawn shows the caption alone.
    text = " ".join(pypdf.PdfReader(path).pages[0].extract_text().split())
    assert "share of simulations" in text and "further corporate cuts announced by" in text
    assert "Bottom line" in text and "How to cite" in text


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


def _page_text(site: Path, docname: str) -> str:
    html = (site / f"{docname}.html").read_text(encoding="utf-8")
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_every_page_shows_the_same_number_of_further_cuts_already_announced(built_site):
    """One definition, one number (issue 10): the same figure wherever it is printed."""
    from analysis import data
    from analysis.models import headline

    number = headline.observed_further_cuts_text(data.load_layoff_rounds(),
                                                 params.SCHEMA["as_of"].default)
    pages = ("book/ch2-corporate-middle", "book/ch5-forecast", "book/briefing",
             "book/claim-ledger")
    for docname in pages:
        assert number in _page_text(built_site, docname), docname
    # no page prints a rival rounding of it
    rivals = {"16,000 further", "16,100", "16,200"} - {number}
    for docname in pages:
        text = _page_text(built_site, docname)
        assert not [r for r in rivals if r in text], docname


def test_vintage_box_and_page_tops_say_what_is_not_yet_in_the_data(built_site):
    for docname in toc_entries(built_site.parent.parent):
        text = _page_text(built_site, docname)
        assert "Not yet in the data: no 2026Q3 results" in text, docname
        assert "no employee count after 2025Q4" in text, docname
    for docname in ("book/ch5-forecast", "book/briefing"):
        text = _page_text(built_site, docname)
        top = text.split("What the data do not yet contain", 1)
        assert len(top) == 2 and "Data to 28 Sep 2026: no 2026Q3 results" in top[1][:300]
    ch5 = _page_text(built_site, "book/ch5-forecast")
    assert "May 2026 Selling Partner Services" in ch5 and "01 Jan 2026" not in ch5


# --- issue 16: every sentence true --------------------------------------------------------


def _visible_text(html_text: str) -> str:
    import html as html_lib

    body = re.sub(r"<script.*?</script>|<style.*?</style>", " ", html_text, flags=re.S)
    body = html_lib.unescape(re.sub(r"<[^>]+>", " ", body))
    return re.sub(r"\s+", " ", body).replace(" ,", ",").replace(" .", ".")


def _book_text(built_site, name: str) -> str:
    return _visible_text((built_site / "book" / name).read_text(encoding="utf-8"))


def test_no_two_bibliography_keys_render_to_the_same_label(built_site):
    html = (built_site / "book" / "references.html").read_text(encoding="utf-8")
    entries = re.findall(r'<div class="citation" id="([^"]+)"[^>]*>\s*<span class="label">'
                         r'<span class="fn-bracket">\[</span>(.*?)<span', html, flags=re.S)
    assert len(entries) > 50
    labels = [label for _, label in entries]
    assert len(set(labels)) == len(labels), sorted(
        label for label in labels if labels.count(label) > 1)
    by_id = dict(entries)
    # every in-text citation shows the label of the entry it links to
    for page in sorted((built_site / "book").glob("*.html")):
        for target, shown in re.findall(r'<a class="reference internal" href="references\.html#'
                                        r'([^"]+)"[^>]*>([^<]+)</a>', page.read_text("utf-8")):
            assert by_id[target] == shown, (page.name, target, shown)
    assert "Amazon.com, Inc., 2026a" in labels and "Amazon.com, Inc., 2026b" in labels


def test_intro_cites_the_call_for_the_calls_statement_and_claims_no_ai_share(built_site):
    intro = _book_text(built_site, "intro.html")
    assert not re.search(r"(mostly|largely|primarily) for (AI|artificial)", intro)
    call = re.search(r"on its results call of ([^.]*?)\[([^\]]+)\]", intro)
    assert call, "the intro no longer attributes the capex statement to the call"
    assert "Longbridge" in call.group(2) and "2026" not in call.group(2)


def test_severance_period_is_the_booking_quarters(built_site):
    from analysis import data
    from analysis.chapters import capital
    from analysis.narrative import capital as capital_text

    as_of = params.validate({}).as_of
    sentence = capital_text.severance_sentence(
        capital.severance_charges(data.load_benchmarks(), as_of), as_of)
    assert "Q3 2025" in sentence
    for name in ("ch1-capital.html", "claim-ledger.html"):
        text = _book_text(built_site, name)
        assert not re.search(r"[Ss]everance[^.]{0,60}over the same period", text), name
    assert sentence in _book_text(built_site, "ch1-capital.html")


def test_latest_quarter_wording_follows_the_data(built_site):
    from analysis import data
    from analysis.chapters import capital

    as_of = params.validate({}).as_of
    quarter = capital.quarter_label(capital.latest_quarter(data.load_quarterly(), as_of))
    text = _book_text(built_site, "ch1-capital.html")
    assert f"figures up to {quarter}, the latest quarter in the data" in text
    assert not re.search(r"reported figures up to \d", text)


def test_exposure_is_never_called_a_share_of_tasks(built_site):
    from analysis import study

    wrong = re.compile(r"share of (?:the family's |an occupation's |their )?tasks "
                       r"(?:exposed|that [^;]{0,60}?(?:rate|rated) as exposed)"
                       r"|exposure[^.]{0,40}\(share of tasks\)", re.I)
    for page in sorted(built_site.rglob("*.html")):
        text = _visible_text(page.read_text(encoding="utf-8")).replace("\u2019", "'")
        assert not wrong.search(text), page.name
    assert study.EXPOSURE_DEFINITION in _book_text(built_site, "ch2-corporate-middle.html"
                                                   ).replace("\u2019", "'")


def test_funding_comparison_shows_every_denominator(built_site):
    text = _book_text(built_site, "ch1-capital.html")
    assert "rounding error" not in text
    assert "free cash flow in FY" in text and "free cash flow in the twelve months to" in text
    assert "operating income in FY" in text and "rise in net capex over the twelve months" in text
    ledger = _book_text(built_site, "claim-ledger.html")
    assert "rounding error" not in ledger and "times free cash flow" in ledger
    figures = built_site / "_static" / "figures"
    for stem in ("fig-ch1-capital-cumulative-cuts", "fig-ch1-capital-quarterly-guidance",
                 "fig-ch1-capital-savings-fcf", "tbl-ch1-capital-denominators"):
        assert (figures / f"{stem}.csv").stat().st_size > 0, stem


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


def test_vega_bundle_is_loaded_by_the_chart_loader_only_on_pages_with_charts(built_site):
    """No page has the bundle as a script; chart pages defer the loader, which names it."""
    with_charts = 0
    for html in sorted((built_site / "book").glob("*.html")):
        text = html.read_text(encoding="utf-8")
        tags = re.findall(r"<script[^>]*(?:vega-bundle|report-charts)\.js[^>]*>", text)
        if 'class="vega-chart"' in text:
            with_charts += 1
            assert len(tags) == 1 and 'src="../_static/report-charts.js' in tags[0], (html.name,
                                                                                    tags)
            assert re.search(r"\bdefer\b", tags[0]), (html.name, tags)
            bundle = re.search(r'data-vega-bundle="([^"?]+)(\?v=[0-9a-f]+)?"', tags[0])
            assert bundle, (html.name, tags)
            assert (html.parent / bundle.group(1)).is_file(), bundle.group(1)
        else:
            assert tags == [], (html.name, tags)
    assert with_charts >= 5


def _site_pages(site: Path) -> list[str]:
    """The book's pages as the table of contents lists them, as HTML paths."""
    return [f"{doc}.html" for doc in toc_entries(site.parent.parent)]


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
    names = {p.split("/")[-1] for p in _site_pages(built_site)}
    book = {k: v for k, v in found.items() if k in names}
    assert len(set(book.values())) == len(book), "pages share one description"


def test_redirect_page_has_a_title_a_language_and_an_icon(built_site):
    text = (built_site / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<html lang="en">', text)
    assert re.search(r"<title>[^<]{5,}</title>", text)
    icon = re.search(r'<link rel="icon" href="([^"]+)"', text)
    assert icon and (built_site / icon.group(1)).is_file()
    target = re.search(r'http-equiv="refresh" content="0; url=([^"]+)"', text)
    assert target and target.group(1) == _site_pages(built_site)[0]
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


def test_glued_numbers_match_the_reference_snapshot(built_site):
    """The same parameters and data give the same glued numbers as the reference (issue 14).

    The reference (tests/golden/manifest-smoke.json) was taken from the build before the
    package was split into layers; a change of numbers that is meant must regenerate it with
    ``python -m analysis golden`` and say why in the commit.
    """
    reference = json.loads((REPO / golden.REFERENCE).read_text(encoding="utf-8"))
    diffs = golden.compare_snapshots(reference, golden.site_snapshot(built_site))
    assert not diffs, "\n".join(diffs[:20])


def test_the_sweep_is_computed_once_with_the_parameters_the_explore_page_reads(
        built_site, smoke_repo):
    """The build's sweep stage and the explore page key the sweep on the same parameters.

    With tiny draws (``SMOKE`` sets ``mc_draws``, which the sweep's fitted weight reads) the
    stage once computed a sweep the page did not read, and the page computed its own.
    """
    sweeps = sorted((smoke_repo / "_build" / "cache" / "results").glob("sweep-*"))
    assert len(sweeps) == 1, [p.name for p in sweeps]

"""The briefing's printer (analysis.site.briefing_pdf): it prints once the charts are drawn.

Each test prints a small local page with headless Chromium through Playwright.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pypdf
import pytest

from analysis.site.briefing_pdf import PdfPrinter
from analysis.site.steps import StepError

pytestmark = pytest.mark.site

CHROMIUM = shutil.which("chromium")

#: A chart container that its script marks drawn after ``{delay_ms}`` ms, writing its text then.
PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>t</title>
<style>@page {{ size: A4 portrait; }}</style></head><body><h1>Printed page</h1>
<div class="vega-chart" id="c"></div>
<script>setTimeout(function () {{
  var c = document.getElementById("c");
  c.textContent = "axis title of the drawn chart";
  {mark}
}}, {delay_ms});</script></body></html>"""


def _page(tmp_path: Path, delay_ms: int, mark_drawn: bool = True) -> Path:
    path = tmp_path / "page.html"
    mark = 'c.setAttribute("data-drawn", "true");' if mark_drawn else ""
    path.write_text(PAGE.format(delay_ms=delay_ms, mark=mark), encoding="utf-8")
    return path


def _text(pdf: Path) -> str:
    return " ".join(pypdf.PdfReader(pdf).pages[0].extract_text().split())


@pytest.fixture
def chromium() -> str:
    if CHROMIUM is None:
        pytest.fail("Debian chromium is not installed (apt-get install chromium)")
    return CHROMIUM


def test_the_page_is_printed_once_its_chart_is_drawn(tmp_path, chromium):
    """The chart is drawn 1.5 s after the page loads: the PDF still shows it."""
    pdf = tmp_path / "out.pdf"
    with PdfPrinter(chromium, 60.0) as printer:
        printer.print(_page(tmp_path, 1500), pdf)
    reader = pypdf.PdfReader(pdf)
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert abs(float(box.width) - 595) < 2 and abs(float(box.height) - 842) < 2  # A4
    assert "Printed page" in _text(pdf) and "axis title of the drawn chart" in _text(pdf)


def test_a_chart_never_drawn_stops_the_print_with_a_named_timeout(tmp_path, chromium):
    pdf = tmp_path / "out.pdf"
    started = time.monotonic()
    with PdfPrinter(chromium, 3.0) as printer, pytest.raises(StepError) as info:
        printer.print(_page(tmp_path, 0, mark_drawn=False), pdf)
    assert info.value.step == "pdf" and "timed out after 3 s" in str(info.value)
    assert "\n" not in str(info.value)
    assert time.monotonic() - started < 30
    assert not pdf.exists()


def test_a_browser_that_cannot_start_is_reported_by_the_print(tmp_path):
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\necho 'no display for this browser' >&2\nexit 3\n")
    fake.chmod(0o755)
    with PdfPrinter(str(fake), 20.0) as printer, pytest.raises(StepError) as info:
        printer.print(_page(tmp_path, 0), tmp_path / "out.pdf")
    assert info.value.step == "pdf" and "no display for this browser" in str(info.value)

"""The briefing's PDF: printed by headless Chromium through Playwright, once its charts are drawn.

The browser is started while Sphinx renders the site (:meth:`PdfPrinter.start`), so the print
itself then waits only for the page (its work beside the render is kept to the start: see the
warm-up below). Chromium's own
``--print-to-pdf`` started the browser after the render, and its ``--virtual-time-budget``
did not wait for the charts: in 6 prints of one briefing, 4 had an empty chart.

A page is printed when every chart container (``.vega-chart``) carries ``data-drawn``, which
``report-charts.js`` sets once a chart is drawn and fitted. The window is as tall as
:data:`WINDOW_HEIGHT_PX`, so every chart is in view (charts are drawn as they near it).
The browser opens no page before the one it prints. Opening the published briefing meanwhile
(so the Vega bundle was compiled by then) printed the new one about 0.25 s sooner, but the
browser's work slowed Sphinx's render beside it by more: over three alternated series of 8-10
rebuilds after one changed parameter, the render took 0.2-0.6 s and the build 0.1-0.8 s
longer (medians) with that warm-up than without.
Backgrounds are printed, as Chromium's ``--print-to-pdf`` prints them (the note boxes' colour
and icons); the page's print stylesheet sets the paper (A4).
"""

from __future__ import annotations

import queue
import threading
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from typing import Any

from analysis.site.steps import StepError

__all__ = ["CHROMIUM_FLAGS", "DRAWN", "WINDOW_HEIGHT_PX", "WINDOW_WIDTH_PX", "PdfPrinter"]

WINDOW_WIDTH_PX = 800
WINDOW_HEIGHT_PX = 8000  # taller than the briefing at 800 px wide
#: No network, no background work: the page and its scripts are local files.
CHROMIUM_FLAGS = ("--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run")
#: True once every chart on the page is drawn (none is true at once).
DRAWN = "document.querySelectorAll('.vega-chart:not([data-drawn])').length === 0"


def _one_line(exc: BaseException) -> str:
    """Playwright's error in one line: its first line and the browser's error output."""
    lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()]
    errors = [ln for ln in lines[1:] if "[err]" in ln]
    return " | ".join(lines[:1] + errors)[:400] or type(exc).__name__


class PdfPrinter:
    """One headless Chromium that prints one page to PDF; started ahead of the print.

    Playwright's synchronous objects belong to the thread that made them, so one thread of
    its own starts the browser, prints the page and closes the browser (it starts closing as
    soon as the PDF is written). Use it as a context manager: leaving the block waits for the
    browser to close, or tells a start still under way to close it.

    Args:
        chromium: The browser's executable.
        timeout_s: Seconds the start may take, and again the print (the ``pdf`` step's limit).
    """

    def __init__(self, chromium: str, timeout_s: float) -> None:
        self.chromium = chromium
        self.timeout_s = timeout_s
        self._jobs: queue.Queue[tuple[Path, Path, Future[None]] | None] = queue.Queue()
        self._thread = threading.Thread(target=self._serve, daemon=True, name="briefing-pdf")

    def start(self) -> PdfPrinter:
        """Start the browser in the background; returns at once."""
        self._thread.start()
        return self

    def __enter__(self) -> PdfPrinter:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self._jobs.put(None)
        # Closing takes a fraction of a second; a hung browser is left to its thread, which
        # gives up at its own time-outs (the thread does not keep the process alive).
        self._thread.join(timeout=self.timeout_s)

    def print(self, page: Path, pdf: Path) -> None:
        """Print ``page`` (a local HTML file) to ``pdf`` once its charts are drawn.

        Raises:
            StepError: (step ``pdf``) the browser did not start, the page did not load or a
                chart was not drawn in time, or no PDF was written.
        """
        done: Future[None] = Future()
        self._jobs.put((page, pdf, done))
        self._jobs.put(None)  # one page: the browser closes once it is printed
        try:
            done.result(timeout=2 * self.timeout_s)  # the start's limit, then the print's
        except FutureTimeout:
            raise StepError("pdf", f"timed out after {self.timeout_s:g} s") from None
        if not pdf.exists() or pdf.stat().st_size == 0:
            raise StepError("pdf", f"failed: {self.chromium} wrote no PDF")

    def _serve(self) -> None:
        """The printer's thread: start the browser, print each page asked for, close."""
        try:
            from playwright.sync_api import sync_playwright

            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=self.chromium,
                                             args=list(CHROMIUM_FLAGS),
                                             timeout=self.timeout_s * 1000)
                try:
                    page = self._open_page(browser)
                    while (job := self._jobs.get()) is not None:
                        self._print(page, *job)
                finally:
                    browser.close()
        except BaseException as exc:  # noqa: BLE001 - handed to whoever asks for a print
            self._fail_all(exc)

    def _open_page(self, browser: Any) -> Any:
        """The tab that prints."""
        page = browser.new_page(viewport={"width": WINDOW_WIDTH_PX, "height": WINDOW_HEIGHT_PX})
        page.set_default_timeout(self.timeout_s * 1000)
        return page

    def _print(self, page: Any, page_path: Path, pdf: Path, done: Future[None]) -> None:
        from playwright.sync_api import Error as PlaywrightError

        try:
            page.goto(page_path.as_uri(), wait_until="load")
            page.wait_for_function(DRAWN)
            page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
        except PlaywrightError as exc:
            done.set_exception(self._step_error(exc))
        else:
            done.set_result(None)

    def _step_error(self, exc: BaseException) -> StepError:
        if type(exc).__name__ == "TimeoutError":
            return StepError("pdf", f"timed out after {self.timeout_s:g} s ({_one_line(exc)})")
        return StepError("pdf", f"failed: {self.chromium}: {_one_line(exc)}", str(exc))

    def _fail_all(self, exc: BaseException) -> None:
        """The browser could not start (or died): every print asked for fails with why."""
        error = exc if isinstance(exc, StepError) else self._step_error(exc)
        while True:
            job = self._jobs.get()
            if job is None:
                return
            job[2].set_exception(error)

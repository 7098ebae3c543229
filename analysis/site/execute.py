"""Execute one page with papermill and check the result.

A page fails when papermill raises, when any cell has an error output, or when any cell writes
to stderr (warnings must be handled in the package, never shown to readers). The failure names
the page, the cell and the first line of its source.
"""

from __future__ import annotations

import csv
import io
import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

from analysis.charts import FIGURE_MIMETYPE, TABLE_MIMETYPE, figure_file_stem
from analysis.escape import csv_cell

__all__ = ["ExecutionFailure", "PageKernel", "PageRun", "check_outputs", "execute_page",
           "export_figures",
           "glued_values", "hide_injected_parameters", "reserve_chart_heights",
           "strip_figure_records"]

GLUE_PREFIX = "application/papermill.record/"
_KERNEL_START_ATTEMPTS = 3


class ExecutionFailure(RuntimeError):
    """A page failed to execute; the message names page and cell."""


@dataclass
class PageRun:
    """Result of executing one page.

    Attributes:
        docname: The page.
        seconds: Wall time of the execution.
        started: ISO timestamp (UTC) of the start.
        error: ``None`` on success, else a message naming page and cell.
    """

    docname: str
    seconds: float
    started: str
    error: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _cell_label(nb: nbformat.NotebookNode, index: int) -> str:
    cell = nb.cells[index]
    first = next((ln for ln in cell.source.splitlines() if ln.strip()), "")
    return f"cell {index + 1} ({first[:60]!r})"


def check_outputs(nb: nbformat.NotebookNode, docname: str) -> None:
    """Raise ExecutionFailure if any cell has an error output or wrote to stderr."""
    exception = nb.metadata.get("papermill", {}).get("exception")
    for index, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                raise ExecutionFailure(
                    f"page {docname}, {_cell_label(nb, index)}: {out.get('ename')}: "
                    f"{out.get('evalue')}")
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                text = "".join(out.get("text", ""))[:300]
                raise ExecutionFailure(
                    f"page {docname}, {_cell_label(nb, index)}: wrote to stderr: {text!r}")
    if exception:
        raise ExecutionFailure(f"page {docname}: papermill recorded an exception")


def hide_injected_parameters(nb: nbformat.NotebookNode) -> None:
    """Tag papermill's injected-parameters cell ``remove-cell`` (papermill does not copy tags).

    See stack_pitfalls B2.2.
    """
    for cell in nb.cells:
        tags = cell.setdefault("metadata", {}).setdefault("tags", [])
        if "injected-parameters" in tags and "remove-cell" not in tags:
            tags.append("remove-cell")


#: Run in a reused kernel before each page after the first: the page sees no variable of the
#: page before it (``%reset -f`` empties the namespace and the output history) and starts in
#: the build's folder; the modules stay imported, which is the point of reusing the kernel.
_RESET_CODE = ("get_ipython().run_line_magic('reset', '-f')\n"
               "import os as _os\n_os.chdir({cwd!r})\ndel _os\n")


class PageKernel:
    """One kernel for the pages a worker process executes in turn, emptied between pages.

    Starting a kernel and importing what a page imports (pandas, altair, scipy, statsmodels
    and the package) takes about 2.5 s, longer than most pages then run. A worker executes its
    pages one after another in this kernel; before each page but the first the kernel's
    namespace is emptied (:data:`_RESET_CODE`), so no page can read another's variables. Pages
    do not change process-wide settings (options, themes, seeds: randomness is drawn from
    generators seeded by a parameter), so what a page shows does not depend on which pages ran
    before it in the same kernel: the glued numbers equal those of the reference build, made
    with a fresh kernel for every page (``tests/test_site.py``, the golden snapshot), and
    ``tests/test_page_kernel.py`` shows the emptying. A page that fails or times out takes its
    kernel with it; the next page gets a new one.

    Args:
        kernel_name: The kernelspec to start.
        cwd: The kernel's working directory.
    """

    def __init__(self, kernel_name: str, cwd: Path) -> None:
        self.kernel_name = kernel_name
        self.cwd = Path(cwd)
        self.pages_run = 0
        self._km: Any = None
        self._warm_client: Any = None

    def manager(self) -> Any:
        """A running kernel's manager, ready for the next page (started or emptied here)."""
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        self._close_warm_client()
        if self._km is not None and not self._alive():
            self.discard()
        if self._km is None:
            km = AsyncKernelManager(kernel_name=self.kernel_name)
            run_sync(km.start_kernel)(cwd=str(self.cwd))
            self._km, self.pages_run = km, 0
        elif self.pages_run:
            self._run(_RESET_CODE.format(cwd=str(self.cwd)))
        self.pages_run += 1
        return self._km

    def warm(self, code: str) -> None:
        """Start the kernel and send it ``code`` (imports), without waiting for either.

        The kernel starts and runs ``code`` while this process does other work. The client
        that sent ``code`` stays open until the first page starts, which waits for its
        answer (the imports would otherwise be the page's to wait for): closing it at once
        dropped the request before the starting kernel had read it, and nothing was warmed.
        """
        self.manager()
        kc = self._km.blocking_client()
        kc.start_channels()
        self._warm_client = (kc, kc.execute(code, silent=True, store_history=False))

    def _close_warm_client(self, timeout_s: float = 120) -> None:
        """Wait for the warm-up's answer (whatever it is: a page meets its own errors)."""
        warm, self._warm_client = self._warm_client, None
        if warm is None:
            return
        kc, msg_id = warm
        try:
            deadline = time.monotonic() + timeout_s
            while time.monotonic() < deadline:
                reply = kc.get_shell_msg(timeout=max(0.1, deadline - time.monotonic()))
                if reply["parent_header"].get("msg_id") == msg_id:
                    break
        except Exception:  # noqa: BLE001 - no answer (queue.Empty, a dead kernel): the page
            pass  # starting next finds out and reports it
        finally:
            kc.stop_channels()

    def _alive(self) -> bool:
        process = getattr(self._km.provisioner, "process", None)
        return process is not None and process.poll() is None

    def _run(self, code: str, timeout_s: float = 60) -> None:
        kc = self._km.blocking_client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=timeout_s)
            msg_id = kc.execute(code, silent=True, store_history=False)
            while True:
                reply = kc.get_shell_msg(timeout=timeout_s)
                if reply["parent_header"].get("msg_id") == msg_id:
                    break
        finally:
            kc.stop_channels()
        if reply["content"].get("status") != "ok":
            raise RuntimeError(f"resetting the kernel failed: {reply['content'].get('evalue')}")

    def discard(self) -> None:
        """Stop the kernel now (the next :meth:`manager` starts a new one)."""
        from jupyter_core.utils import run_sync

        warm, self._warm_client = self._warm_client, None
        if warm is not None:
            warm[0].stop_channels()
        km, self._km = self._km, None
        self.pages_run = 0
        if km is not None:
            try:
                run_sync(km.shutdown_kernel)(now=True)
            except Exception:  # noqa: BLE001 - already gone: nothing left to stop
                pass


def execute_page(
    nb: nbformat.NotebookNode,
    docname: str,
    parameters: dict[str, Any],
    output_path: Path,
    kernel_name: str,
    cwd: Path,
    timeout_s: int = 600,
    kernel: PageKernel | None = None,
) -> PageRun:
    """Execute ``nb`` with papermill and write the checked result to ``output_path``.

    Args:
        nb: The unexecuted page notebook.
        docname: Page name for messages.
        parameters: Values to inject.
        output_path: Where the executed notebook is written.
        kernel_name: The fixed kernel.
        cwd: Working directory of the kernel.
        timeout_s: Per-cell timeout.
        kernel: Run in this reused kernel (see :class:`PageKernel`); ``None`` starts a kernel
            for this page alone.

    Returns:
        A :class:`PageRun`; ``error`` is set instead of raising, so that a worker process can
        report failures.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError


    output_path.parent.mkdir(parents=True, exist_ok=True)
    input_path = output_path.with_suffix(".input.ipynb")
    nbformat.write(nb, input_path)
    started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    t0 = time.perf_counter()
    ok = False
    try:
        for attempt in range(1, _KERNEL_START_ATTEMPTS + 1):
            try:
                reused = {} if kernel is None else {"km": kernel.manager()}
                papermill.execute_notebook(
                    str(input_path), str(output_path), parameters=parameters,
                    kernel_name=kernel_name, progress_bar=False, log_output=False,
                    cwd=str(cwd), execution_timeout=timeout_s, **reused,
                )
                break
            except RuntimeError as exc:
                # Kernels started at the same moment can race for ports and die before
                # answering; nothing has run yet, so starting again is safe.
                if kernel is not None:
                    kernel.discard()
                if "before replying to kernel_info" not in str(exc) \
                        or attempt == _KERNEL_START_ATTEMPTS:
                    raise
        out = nbformat.read(output_path, as_version=4)
        check_outputs(out, docname)
        hide_injected_parameters(out)
        nbformat.write(out, output_path)
        ok = True
    except PapermillExecutionError as exc:
        # papermill counts the injected cell; report the cell as the reader numbers it.
        return PageRun(docname, time.perf_counter() - t0, started,
                       f"page {docname}, cell {exc.cell_index + 1} "
                       f"({exc.source.strip().splitlines()[0][:60] if exc.source.strip() else ''!r}"
                       f"): {exc.ename}: {exc.evalue}")
    except ExecutionFailure as exc:
        return PageRun(docname, time.perf_counter() - t0, started, str(exc))
    except Exception as exc:  # noqa: BLE001 - any kernel/start failure must name the page
        return PageRun(docname, time.perf_counter() - t0, started,
                       f"page {docname}: {type(exc).__name__}: {exc}")
    finally:
        input_path.unlink(missing_ok=True)
        if kernel is not None and not ok:
            kernel.discard()  # a failed page's kernel may be busy, broken or hold its state
    return PageRun(docname, time.perf_counter() - t0, started)


def glued_values(nb: nbformat.NotebookNode) -> dict[str, str]:
    """Return every glued text value of an executed notebook, by glue name."""
    values: dict[str, str] = {}
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            name = out.get("metadata", {}).get("scrapbook", {}).get("name")
            data = out.get("data", {})
            if name and f"{GLUE_PREFIX}text/plain" in data:
                values[name] = str(data[f"{GLUE_PREFIX}text/plain"])
    return values


def _records(nb: nbformat.NotebookNode, mimetype: str) -> list[dict[str, Any]]:
    """Return the export records of one kind (figures or tables), one per name."""
    records: dict[str, dict[str, Any]] = {}
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            for key, value in data.items():
                if key.endswith(mimetype):
                    records[value["name"]] = dict(value)
    return [records[k] for k in sorted(records)]


def _spec_csv(spec: dict[str, Any]) -> str:
    """Return the plotted data of a spec as CSV (all inline datasets, labelled)."""
    tables: list[tuple[str, list[dict[str, Any]]]] = []
    for name, rows in sorted((spec.get("datasets") or {}).items()):
        tables.append((name, rows))
    if not tables and isinstance(spec.get("data"), dict) and "values" in spec["data"]:
        tables.append(("data", spec["data"]["values"]))
    columns: list[str] = []
    for _, rows in tables:
        for row in rows:
            for col in row:
                if col not in columns:
                    columns.append(col)
    buf = io.StringIO()
    with_dataset = len(tables) > 1
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow((["dataset"] if with_dataset else []) + [csv_cell(c) for c in columns])
    for index, (_, rows) in enumerate(tables):
        for row in rows:
            cells = ["" if row.get(c) is None else csv_cell(row.get(c)) for c in columns]
            writer.writerow(([f"layer-{index + 1}"] if with_dataset else []) + cells)
    return buf.getvalue()


def export_figures(nb: nbformat.NotebookNode, directory: Path) -> list[str]:
    """Write PNG (2x), SVG and CSV copies of every named figure, and a CSV of every table.

    Returns:
        The file names written.
    """
    import vl_convert

    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for rec in _records(nb, FIGURE_MIMETYPE):
        stem = figure_file_stem(rec["page"], rec["name"])
        svg = vl_convert.vegalite_to_svg(json.dumps(rec["spec"]))
        (directory / f"{stem}.svg").write_text(svg, encoding="utf-8")
        # From the SVG: the same bytes as vegalite_to_png (which draws that SVG itself)
        # without laying the chart out a second time.
        (directory / f"{stem}.png").write_bytes(vl_convert.svg_to_png(svg, scale=2))
        (directory / f"{stem}.csv").write_text(_spec_csv(rec["spec"]), encoding="utf-8")
        written += [f"{stem}.{ext}" for ext in ("png", "svg", "csv")]
    for rec in _records(nb, TABLE_MIMETYPE):
        name = f"tbl-{rec['page']}-{rec['name']}.csv"
        (directory / name).write_text(rec["csv"], encoding="utf-8")
        written.append(name)
    return written


CHART_TAG = '<div class="vega-chart" '
_SVG_HEIGHT = re.compile(r'<svg\b[^>]*?\sheight="([0-9.]+)"')


def reserve_chart_heights(nb: nbformat.NotebookNode, figures: Path) -> int:
    """Give each chart container the height of its exported SVG, before the chart is drawn.

    The loader draws a chart after the page's first paint, so the container holds the chart's
    height (``--chart-height``, read by ``report.css``) and the text below it does not move when
    the chart appears. The export is drawn at the chart's designed width; on the page a single
    or layered view keeps its height at any width, and a concatenation or a facet that wraps on
    a phone only grows.

    Args:
        nb: An executed page whose outputs still hold their figure records.
        figures: The directory :func:`export_figures` wrote the page's SVG files to.

    Returns:
        The number of chart containers given a height.
    """
    done = 0
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            record = next((v for k, v in data.items() if k.endswith(FIGURE_MIMETYPE)), None)
            html_key = next((k for k in data if k.endswith("text/html")), None)
            if record is None or html_key is None:
                continue
            svg = figures / f"{figure_file_stem(record['page'], record['name'])}.svg"
            found = _SVG_HEIGHT.search(svg.read_text(encoding="utf-8")[:4000]) \
                if svg.is_file() else None
            html = data[html_key]
            text = "".join(html) if isinstance(html, list) else str(html)
            if found is None or CHART_TAG not in text:
                continue
            height = round(float(found.group(1)))
            data[html_key] = text.replace(
                CHART_TAG, f'{CHART_TAG}style="--chart-height: {height}px" ', 1)
            done += 1
    return done


def strip_figure_records(nb: nbformat.NotebookNode) -> None:
    """Remove the figure records (used only for exports) before Jupyter Book renders ``nb``."""
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            for key in [k for k in data if k.endswith((FIGURE_MIMETYPE, TABLE_MIMETYPE))]:
                del data[key]

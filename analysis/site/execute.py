"""Execute one page with papermill and check the result.

A page fails when papermill raises, when any cell has an error output, or when any cell writes
to stderr (warnings must be handled in the package, never shown to readers). The failure names
the page, the cell and the first line of its source.

Light to import, for the build's workers (:mod:`analysis.site.page_kernel`): the chart names
are imported by the functions that use them (the charts package brings Altair and pandas).
"""

from __future__ import annotations

import csv
import hashlib
import importlib.metadata
import io
import json
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

from analysis.escape import csv_cell
from analysis.outputs import FIGURE_MIMETYPE, TABLE_MIMETYPE, figure_file_stem
from analysis.site.page_kernel import PageKernel
from analysis.site.steps import write_atomic

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
                # Written once at the end (and on an error), not at every cell's start and
                # end: each write serialises the whole notebook, charts included.
                papermill.execute_notebook(
                    str(input_path), str(output_path), parameters=parameters,
                    kernel_name=kernel_name, progress_bar=False, log_output=False,
                    cwd=str(cwd), execution_timeout=timeout_s,
                    request_save_on_cell_execute=False, **reused,
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


def export_figures(nb: nbformat.NotebookNode, directory: Path,
                   drawings: Path | None = None, *, png: bool = True) -> list[str]:
    """Write PNG (2x), SVG and CSV copies of every named figure, and a CSV of every table.

    Args:
        nb: An executed page whose outputs hold their figure and table records.
        directory: Where the copies are written.
        drawings: If given, a folder of earlier drawings keyed on the specification (the SVG)
            or the SVG (the PNG) and the vl-convert version: a chart whose specification did
            not change (most, when a parameter moves one chapter's numbers) is copied from
            there, not drawn again.
        png: False leaves out a PNG not found in ``drawings``, for the build to draw while
            the site renders (:mod:`analysis.site.rasters`); its name is listed all the same.

    Returns:
        The file names the page's figures and tables have (written, or PNGs left to draw).
    """
    import vl_convert

    from analysis.site import rasters

    directory.mkdir(parents=True, exist_ok=True)
    written = []
    version = importlib.metadata.version("vl-convert-python")
    for rec in _records(nb, FIGURE_MIMETYPE):
        stem = figure_file_stem(rec["page"], rec["name"])
        svg = _svg(json.dumps(rec["spec"]), drawings, vl_convert, version)
        (directory / f"{stem}.svg").write_text(svg, encoding="utf-8")
        kept = None if drawings is None else drawings / f"{rasters.png_key(svg, version)}.png"
        if kept is not None and kept.is_file():
            shutil.copy2(kept, directory / f"{stem}.png")
        elif png:
            rasters.draw_missing([directory / f"{stem}.svg"], drawings)
        (directory / f"{stem}.csv").write_text(_spec_csv(rec["spec"]), encoding="utf-8")
        written += [f"{stem}.{ext}" for ext in ("png", "svg", "csv")]
    for rec in _records(nb, TABLE_MIMETYPE):
        name = f"tbl-{rec['page']}-{rec['name']}.csv"
        (directory / name).write_text(rec["csv"], encoding="utf-8")
        written.append(name)
    return written


def _svg(spec: str, drawings: Path | None, vl_convert: Any, version: str) -> str:
    """The SVG of ``spec``: from ``drawings`` if drawn before, else drawn (and kept there)."""
    key = hashlib.sha256(f"{version}\n{spec}".encode()).hexdigest()[:24]
    kept = None if drawings is None else drawings / f"{key}.svg"
    if kept is not None and kept.is_file():
        return kept.read_text(encoding="utf-8")
    svg = vl_convert.vegalite_to_svg(spec)
    if kept is not None:
        write_atomic(kept, svg.encode("utf-8"))  # whole or not at all
    return svg


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

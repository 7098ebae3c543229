"""Altair setup for the report: one theme, an offline renderer, and figure metadata.

Charts are drawn in the reader's browser by one shared JavaScript bundle
(``_static/vega-bundle.js``, written by the build from ``vl_convert.javascript_bundle()``) and
a small loader (``_static/report-charts.js``), both deferred and added by
:mod:`analysis.site.sphinx_offline` only to pages with a chart, so no page loads anything from a
CDN (see stack_pitfalls B1.2-B1.3). On the page a chart fits its container's width; its
downloads keep the fixed width of the theme. The renderer emits a
``text/html`` container plus a machine-readable figure record
(:data:`FIGURE_MIMETYPE`) that the build uses to export PNG, SVG and CSV copies.

Pages call :func:`setup` once and wrap every chart with the returned :class:`Figures` object,
which gives the chart its stable name, its text description (alt text) and its page.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import altair as alt
import pandas as pd
from pandas.io.formats.style import Styler

from analysis.escape import csv_cell, html_attr, html_text, json_for_html, md_text
from analysis.outputs import FIGURE_DIR, FIGURE_MIMETYPE, TABLE_MIMETYPE, figure_file_stem

__all__ = [
    "FIGURE_MIMETYPE",
    "TABLE_MIMETYPE",
    "Table",
    "TableLink",
    "table_markdown",
    "PALETTE",
    "Figures",
    "SpecFigure",
    "figure_file_stem",
    "render_mimebundle",
    "responsive_spec",
    "setup",
]

RENDERER_NAME = "amzn-offline"
THEME_NAME = "amzn-report"


def _md_cell(value: object) -> str:
    """One table cell as literal Markdown: on one line, markup characters escaped."""
    return md_text(value)


def table_markdown(content: pd.DataFrame | Styler) -> str:
    r"""A frame (or the formatted values of a Styler) as a MyST pipe table.

    Pages put it in a ``{table}`` directive so Sphinx numbers it as a table, not a figure.

    >>> print(table_markdown(pd.DataFrame({"a": [1], "b|c": ["x*"]})))
    | a | b\|c |
    |---|---|
    | 1 | x\* |
    """
    if isinstance(content, Styler):
        # The Styler's own formatting (number formats) is what readers see; the index never is.
        ctx = content._translate(sparse_index=False, sparse_cols=False)
        header = [c["display_value"] for c in ctx["head"][-1]
                  if "col_heading" in c["class"] and c.get("is_visible", True)]
        body = [[c["display_value"] for c in row if c["type"] == "td"
                 and c.get("is_visible", True)] for row in ctx["body"]]
    else:
        header = [str(c) for c in content.columns]
        body = [[str(v) for v in row] for row in content.itertuples(index=False)]
    out = ["| " + " | ".join(_md_cell(h) for h in header) + " |",
           "|" + "---|" * len(header)]
    out += ["| " + " | ".join(_md_cell(v) for v in row) + " |" for row in body]
    return "\n".join(out)

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442",
           "#000000"]


#: Vega expression that breaks a label longer than WRAP_CHARS characters into lines at spaces,
#: so category and legend labels are never cut off with an ellipsis.
WRAP_CHARS = 34
WRAP_LABEL = (f"length(datum.label) > {WRAP_CHARS} ? split(trim(replace(datum.label, "
              f"regexp('(.{{1,{WRAP_CHARS}}})(\\\\s+|$)', 'g'), '$1\\n')), '\\n') "
              ": datum.label")


def _theme() -> dict[str, Any]:
    font = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
    return {
        "config": {
            "font": font,
            "view": {"continuousWidth": 620, "continuousHeight": 320, "stroke": None},
            "range": {"category": PALETTE},
            # labelLimit 0: Vega would otherwise cut labels at 180 px (axes) or 160 px
            # (legends) with an ellipsis; long labels are wrapped by the chart instead.
            # aria False: assistive technology reads the chart's description (on the view and
            # its container), not one item per tick, label and mark.
            "axis": {"labelFontSize": 12, "titleFontSize": 12, "titleFontWeight": "normal",
                     "gridColor": "#e6e6e6", "domainColor": "#888", "tickColor": "#888",
                     "labelLimit": 0, "aria": False},
            "legend": {"labelFontSize": 12, "titleFontSize": 12, "orient": "bottom",
                       "labelLimit": 0, "labelExpr": WRAP_LABEL, "aria": False},
            "axisBand": {"labelExpr": WRAP_LABEL},
            "axisPoint": {"labelExpr": WRAP_LABEL},
            "title": {"fontSize": 14, "anchor": "start", "fontWeight": "normal", "aria": False},
            "line": {"strokeWidth": 2},
            "mark": {"aria": False},
        }
    }


COMPOUND_KEYS = ("vconcat", "hconcat", "concat", "facet", "repeat")


def responsive_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """Return a copy of ``spec`` sized to its container's width, for the page.

    A single or layered view gets ``width: "container"`` and ``autosize`` ``fit-x`` (with
    its padding, so axis labels stay inside the container); the widths of its layers are
    dropped. A concatenation is left as it is: Vega-Lite cannot fit one to its container,
    so the chart loader (``_static/report-charts.js``) sizes its views after a first draw.
    The downloads are exported from the unchanged spec, at its fixed width.

    Args:
        spec: A Vega-Lite specification.

    Returns:
        The page's specification (``spec`` itself is not modified).
    """
    out = copy.deepcopy(spec)
    if any(key in out for key in COMPOUND_KEYS):
        return out
    out["width"] = "container"
    out["autosize"] = {"type": "fit-x", "contains": "padding"}
    stack = list(out.get("layer", []))
    while stack:
        layer = stack.pop()
        layer.pop("width", None)
        stack.extend(layer.get("layer", []))
    return out


def render_mimebundle(spec: dict[str, Any], **_: Any) -> dict[str, Any]:
    """Render a Vega-Lite spec as an offline HTML container plus a figure record.

    The page holds the container and the spec as JSON; ``_static/report-charts.js`` (deferred,
    on pages with a chart) loads the Vega bundle and draws it when it nears the viewport.

    Args:
        spec: The Vega-Lite specification (as produced by ``chart.to_dict()``).

    Returns:
        A MIME bundle with ``text/html`` (the container, the spec and a text fallback),
        ``text/plain`` (the alt text) and :data:`FIGURE_MIMETYPE` (the fixed-width spec the
        downloads are exported from).
    """
    meta = (spec.get("usermeta") or {}).get("figure") or {}
    alt_text = str(spec.get("description") or meta.get("alt") or "Chart")
    spec_json = json.dumps(spec, sort_keys=True, separators=(",", ":"))
    # A deterministic id keeps rebuilds byte-identical.
    div_id = "vg-" + hashlib.sha256(spec_json.encode()).hexdigest()[:12]
    # Data values (notes, organisation names) must not close the script element.
    safe_json = json_for_html(responsive_spec(spec), sort_keys=True, separators=(",", ":"))
    downloads = ""
    if meta.get("page") and meta.get("name"):
        stem = figure_file_stem(meta["page"], meta["name"])
        links = " · ".join(
            f'<a href="../{FIGURE_DIR}/{stem}.{ext}" download>{ext.upper()}</a>'
            for ext in ("png", "svg", "csv")
        )
        downloads = f'<p class="figure-downloads">Download this figure: {links}</p>'
    # Charts with controls name their bound parameters, so a page script can find the view.
    bound = ",".join(str(p["name"]) for p in spec.get("params", []) if "bind" in p)
    params_attr = f' data-params="{html_attr(bound)}"' if bound else ""
    body = (
        f'<div class="vega-chart" id="{div_id}" role="img" '
        f'aria-label="{html_attr(alt_text)}"{params_attr}></div>\n'
        f'<script type="application/json" class="vega-spec" data-for="{div_id}">'
        f"{safe_json}</script>\n"
        f'<noscript>{html_text(alt_text)}</noscript>{downloads}'
    )
    bundle: dict[str, Any] = {"text/html": body, "text/plain": alt_text}
    if meta.get("page") and meta.get("name"):
        bundle[FIGURE_MIMETYPE] = {
            "page": meta["page"], "name": meta["name"], "alt": alt_text, "spec": spec,
        }
    return bundle


@dataclass(frozen=True, eq=False)
class SpecFigure:
    """A finished Vega-Lite specification shown with the report's renderer.

    For a chart whose data is attached after Altair built it (see
    :func:`analysis.charts.explorer.explorer_figure`); it displays exactly like an Altair chart.

    Attributes:
        spec: The Vega-Lite specification, with ``description`` and ``usermeta`` set.
    """

    spec: dict[str, Any]

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return render_mimebundle(self.spec)


@dataclass(frozen=True, eq=False)
class Table:
    """A table from code, shown as HTML with a link to a CSV of its data.

    Attributes:
        page: Page id.
        name: Stable table name; the CSV is ``tbl-<page>-<name>.csv``.
        content: The data, or a pandas Styler of it (its formatting is kept on the page, the
            CSV holds the unformatted data).
    """

    page: str
    name: str
    content: pd.DataFrame | Styler
    show: bool = True

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        frame = self.content.data if isinstance(self.content, Styler) else self.content
        stem = f"tbl-{self.page}-{self.name}"
        url = f"../{FIGURE_DIR}/{stem}.csv"
        if self.show:
            # Each format escapes its own cells once: the HTML escape goes onto a copy of the
            # Styler, the Markdown escapes the Styler's formatted values itself.
            if isinstance(self.content, Styler):
                # A fixed uuid keeps the HTML identical from build to build.
                html_table = _escaped(self.content).set_uuid(f"{self.page}-{self.name}").to_html()
            else:
                html_table = frame.to_html(index=False, border=0, classes="dataframe table",
                                           escape=True)
            link = (f'<p class="figure-downloads">Download this table: <a href="{url}" '
                    'download>CSV</a></p>')
            markdown = table_markdown(self.content)
        else:
            # A hidden table (the page shows it another way, e.g. with citations) is only its
            # link in every format: Sphinx parses every format of an output, and a Markdown
            # copy of the explore page's 800-row table cost it a second at each render.
            html_table = ""
            link = (f'<p class="figure-downloads">Download the table above: <a href="{url}" '
                    'download>CSV</a></p>')
            markdown = f"Download the table above: [CSV]({url})"
        return {
            "text/html": html_table + link,
            "text/markdown": markdown,
            "text/plain": f"Table {stem}",
            TABLE_MIMETYPE: {"page": self.page, "name": self.name,
                             "csv": _safe_frame(frame).to_csv(index=False, lineterminator="\n")},
        }


def _safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` with every text cell and header made safe for a spreadsheet."""
    out = frame.map(csv_cell)
    out.columns = [csv_cell(str(c)) for c in frame.columns]
    return out


def _escaped(styler: Styler) -> Styler:
    """Make every cell and header of ``styler`` render as text, after its own formatting.

    A Styler's formatters are bound when the page calls ``.format``; pandas escapes only
    when asked there, so the HTML escape is composed onto every display function here (the
    cell texts may be data notes or organisation names). The site test checks the result.
    The escape goes onto a copy, so the page's Styler keeps its plain values.
    """
    styler = copy.copy(styler)
    for attr in ("_display_funcs", "_display_funcs_index", "_display_funcs_index_names",
                 "_display_funcs_columns", "_display_funcs_column_names"):
        funcs = getattr(styler, attr, None)
        if funcs is None or isinstance(funcs, _EscapedFuncs):
            continue
        default = funcs.default_factory
        setattr(styler, attr, _EscapedFuncs(lambda d=default: _escape_after(d()),
                                            {k: _escape_after(f) for k, f in funcs.items()}))
    return styler


class _EscapedFuncs(defaultdict):
    """A Styler's display functions, each followed by the HTML escape."""


def _escape_after(func: Any) -> Any:
    return lambda value: html_text(func(value))


@dataclass(frozen=True)
class TableLink:
    """Only the CSV download link of a table shown as a numbered ``{table}`` on its page."""

    page: str
    name: str

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        stem = f"tbl-{self.page}-{self.name}"
        return {"text/html": f'<p class="figure-downloads">Download this table: <a href="../'
                             f'{FIGURE_DIR}/{stem}.csv" download>CSV</a></p>',
                "text/plain": f"Download {stem}.csv"}


@dataclass(frozen=True)
class Figures:
    """Names and describes the charts of one page.

    Attributes:
        page: Page id used in download file names (``ch1`` → ``fig-ch1-<name>.png``).
    """

    page: str

    def __call__(self, chart: alt.TopLevelMixin, name: str, alt_text: str) -> alt.TopLevelMixin:
        """Attach the figure's stable name and its text description to ``chart``.

        Args:
            chart: Any top-level Altair chart.
            name: Stable, lowercase, hyphenated name unique on the page.
            alt_text: One or two sentences a screen reader reads instead of the chart.

        Returns:
            The chart with ``description`` and ``usermeta.figure`` set.

        Raises:
            ValueError: The name is not lowercase-hyphenated or the alt text is empty.
        """
        if not name or not all(c.islower() or c.isdigit() or c == "-" for c in name):
            raise ValueError(f"figure name {name!r}: use lowercase letters, digits and hyphens")
        if not alt_text.strip():
            raise ValueError(f"figure {name!r}: alt text must not be empty")
        return chart.properties(
            description=alt_text,
            usermeta={"figure": {"page": self.page, "name": name, "alt": alt_text}},
        )

    def table_link(self, name: str) -> TableLink:
        """The CSV download link of table ``name``, to glue under its ``{table}`` directive."""
        return TableLink(self.page, name)

    def table(self, content: pd.DataFrame | Styler, name: str, show: bool = True) -> Table:
        """Wrap a table (frame or Styler) so the page shows it with a CSV download.

        Args:
            content: The table.
            name: Stable, lowercase, hyphenated name unique on the page.
            show: False to show only the download link (for a table the page renders itself,
                such as Markdown with citations).

        Returns:
            A :class:`Table` to glue or display.
        """
        if not name or not all(c.islower() or c.isdigit() or c == "-" for c in name):
            raise ValueError(f"table name {name!r}: use lowercase letters, digits and hyphens")
        return Table(self.page, name, content, show)


def setup(page: str) -> Figures:
    """Enable the report's theme and offline renderer; return the page's figure namer.

    Args:
        page: Short page id (lowercase, hyphens), used in figure file names.

    Returns:
        A :class:`Figures` for this page.
    """
    alt.renderers.register(RENDERER_NAME, render_mimebundle)
    alt.renderers.enable(RENDERER_NAME)
    alt.theme.register(THEME_NAME, enable=True)(lambda: alt.theme.ThemeConfig(_theme()))
    return Figures(page=page)

"""Sphinx extension: an offline, light and accessible site.

- Jupyter Book v1 always loads sphinx-thebe, which adds an inline script twice per page (a
  ``SyntaxError`` in the console: "Identifier 'THEBE_JS_URL' has already been declared") and
  points at a launcher on unpkg. The report has no live kernels, so its assets are dropped.
- The chart loader is added, deferred, only to pages that hold a chart container. The Vega
  bundle (about 0.9 MiB) is not a script of the page: the loader adds it (its URL is the
  loader's ``data-vega-bundle`` attribute) after the page has loaded, when a chart comes near
  the viewport. Every other script file in the head is deferred, so no page waits for a
  script before its first paint.
- The theme's templates are overridden (``analysis/site/templates``) so no page loads
  FontAwesome's 1.45 MiB script: the header's icons are inline SVG, and the header buttons'
  accessible names contain their visible text.
- sphinx-design's stylesheet (54 KiB, render-blocking) and tab script are dropped from pages
  that use none of its components (no ``sd-`` class); Jupyter Book loads the extension for
  every page.
- The theme's and the extensions' stylesheets lose the rules no page of the site can match
  (:mod:`analysis.site.css_purge`): pydata-sphinx-theme's 390 KiB stylesheet, which every page
  waits for before its first paint, becomes about 105 KiB.
- Every page gets a meta description (front matter ``html_meta`` wins, else the page's first
  paragraph).
- Bibliography entries are list items (docutils marks them with the deprecated
  ``doc-biblioentry`` role inside a ``role="list"``, which axe-core reports as critical).
- The root ``index.html`` that redirects to the first page is a full HTML document with a
  language, a title, a description and an icon.

Two changes for the persistent render (:mod:`analysis.site.incremental`), which renders only
the pages that changed into the output of the render before:
- the search index loses the words no page holds any more (:func:`drop_stale_search_terms`),
  so it equals the index of a render from nothing;
- the theme's compiled templates are kept beside the output folder
  (:func:`_keep_compiled_templates`), so a render does not compile them again.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from docutils import nodes

__all__ = ["CHART_LOADER", "COMPILED_TEMPLATES", "TEMPLATES", "VEGA_BUNDLE",
           "drop_stale_search_terms", "meta_description", "redirect_page", "setup"]

TEMPLATES = Path(__file__).resolve().parent / "templates"
# The loader (a script of the page) and the bundle it loads when a chart is near the viewport.
CHART_LOADER = "report-charts.js"
VEGA_BUNDLE = "vega-bundle.js"
CHART_MARKER = 'class="vega-chart"'
DESCRIPTION_CHARS = 160


def _is_thebe(asset: Any) -> bool:
    filename = str(getattr(asset, "filename", asset) or "")
    body = str(getattr(asset, "attributes", {}).get("body", ""))
    return "thebe" in filename.lower() or "THEBE_JS_URL" in body


SPHINX_DESIGN_ASSETS = ("sphinx-design.", "design-tabs.js")
SPHINX_DESIGN_CLASS = re.compile(r'class="(?:[^"]*\s)?sd-')


def _is_sphinx_design(asset: Any) -> bool:
    filename = str(getattr(asset, "filename", asset) or "").rsplit("/", 1)[-1]
    return filename.startswith(SPHINX_DESIGN_ASSETS)


# Inline scripts in the head assign to DOCUMENTATION_OPTIONS, so this one file stays in order.
KEEP_BLOCKING = ("documentation_options.js",)
# The search page's own scripts (searchtools.js, in its body, not deferred) call doctools.js's
# `_ready` as they run, so there it stays in order too.
KEEP_BLOCKING_ON_SEARCH = (*KEEP_BLOCKING, "doctools.js")


def _deferred(asset: Any, keep: tuple[str, ...] = KEEP_BLOCKING) -> Any:
    """The same script, deferred: no script file in the head blocks the first paint.

    Deferred files still run in document order and before ``DOMContentLoaded``, which is
    when the theme's and extensions' scripts start their work.
    """
    from sphinx.builders.html._assets import _JavaScript

    filename = str(getattr(asset, "filename", asset) or "")
    attributes = dict(getattr(asset, "attributes", {}) or {})
    if (not filename or "body" in attributes or "async" in attributes or "defer" in attributes
            or filename.split("?")[0].endswith(keep) or "://" in filename):
        return asset
    return _JavaScript(filename, priority=getattr(asset, "priority", 500), defer="defer",
                       **attributes)


def meta_description(text: str, limit: int = DESCRIPTION_CHARS) -> str:
    """Return ``text`` on one line, cut at a word boundary to at most ``limit`` characters.

    Args:
        text: A paragraph's plain text.
        limit: Longest description; a cut one ends with an ellipsis.

    Returns:
        The description (empty if ``text`` is blank).
    """
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


def _first_paragraph(doctree: Any) -> str:
    """The first paragraph of prose: not in an admonition, a table, a figure or code output."""
    skip = (nodes.Admonition, nodes.table, nodes.figure, nodes.caption, nodes.footnote,
            nodes.citation, nodes.container)
    for para in doctree.findall(nodes.paragraph):
        parent, inside = para.parent, False
        while parent is not None:
            if isinstance(parent, skip):
                inside = True
                break
            parent = parent.parent
        text = para.astext().strip()
        if not inside and len(text) >= 40:
            return text
    return ""


def _page_context(app: Any, pagename: str, templatename: str, context: dict[str, Any],
                  doctree: Any) -> None:
    if CHART_MARKER in str(context.get("body", "")):
        from sphinx.builders.html._assets import _file_checksum, _JavaScript

        bundle = f"_static/{VEGA_BUNDLE}"
        url = context["pathto"](bundle, 1)
        if checksum := _file_checksum(Path(app.outdir), bundle):
            url += f"?v={checksum}"
        files = context.setdefault("script_files", [])
        asset = _JavaScript(f"_static/{CHART_LOADER}", defer="defer", priority=800,
                            **{"data-vega-bundle": url})
        if asset not in files:
            files.append(asset)
    unused_design = not SPHINX_DESIGN_CLASS.search(str(context.get("body", "")))
    for key in ("script_files", "css_files"):
        if key in context:
            context[key] = [a for a in context[key] if not _is_thebe(a)
                            and not (unused_design and _is_sphinx_design(a))]
    if "script_files" in context:
        keep = KEEP_BLOCKING_ON_SEARCH if pagename == "search" else KEEP_BLOCKING
        context["script_files"] = [_deferred(a, keep) for a in context["script_files"]]
    metatags = str(context.get("metatags", ""))
    if 'name="description"' not in metatags:
        text = _first_paragraph(doctree) if doctree is not None else ""
        if not text:
            title = re.sub(r"<[^>]+>", "", str(context.get("title") or pagename))
            title = html.unescape(title)
            text = f"{title[:1].upper()}{title[1:]}: {app.config.html_title or app.config.project}."
        desc = html.escape(meta_description(text), quote=True)
        context["metatags"] = metatags + f'\n<meta name="description" content="{desc}" />'


def redirect_page(target: str, title: str, description: str, favicon: str | None) -> str:
    """Return the root page that sends a reader to ``target`` (a relative URL).

    Args:
        target: Relative URL of the first page, e.g. ``book/intro.html``.
        title: The site title.
        description: One sentence on the site.
        favicon: Relative URL of the site icon, if any.

    Returns:
        A complete HTML document with a language, a title and the refresh.
    """
    url = html.escape(target, quote=True)
    icon = (f'<link rel="icon" href="{html.escape(favicon, quote=True)}">\n'
            if favicon else "")
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n"
        f'<meta name="description" content="{html.escape(description, quote=True)}">\n'
        f'{icon}<link rel="canonical" href="{url}">\n'
        f'<meta http-equiv="refresh" content="0; url={url}">\n</head>\n<body>\n'
        f'<p><a href="{url}">Continue to {html.escape(title)}</a>.</p>\n</body>\n</html>\n'
    )


def _write_redirect(app: Any, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    root = app.config.root_doc
    if root == "index":
        return
    favicon = app.config.html_favicon
    icon = f"_static/{Path(favicon).name}" if favicon and "://" not in favicon else None
    title = app.config.html_title or app.config.project
    text = redirect_page(f"{root}.html", title,
                         f"{title}: a reproducible research report. This page opens its "
                         "introduction.", icon)
    (Path(app.outdir) / "index.html").write_text(text, encoding="utf-8")
    # The theme copies FontAwesome's script although no page loads it any more.
    for unused in (Path(app.outdir) / "_static" / "scripts").glob("fontawesome.js*"):
        unused.unlink()


# The theme's and the extensions' stylesheets (report.css and briefing-print.css are ours and
# are kept whole).
PURGED_STYLESHEETS = ("_static/styles/pydata-sphinx-theme.css",
                      "_static/styles/sphinx-book-theme.css", "_static/basic.css",
                      "_static/pygments.css", "_static/mystnb.*.css", "_static/togglebutton.css",
                      "_static/copybutton.css", "_static/sphinx-design.min.css")


def _purge_stylesheets(app: Any, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    from analysis.site.css_purge import purge_site

    # Beside the output folder: kept by the persistent render (analysis.site.incremental).
    purge_site(Path(app.outdir), PURGED_STYLESHEETS, Path(app.outdir).parent / "css-parsed")


def _visit_citation(self: Any, node: Any) -> None:
    # A list of list items: axe-core's aria-required-children, and no deprecated DPUB role.
    if not isinstance(node.previous_sibling(), type(node)):
        self.body.append('<div role="list" class="citation-list">\n')
    self.body.append(self.starttag(node, "div", classes=[node.tagname], role="listitem"))


def _depart_citation(self: Any, node: Any) -> None:
    self.body.append("</div>\n")
    if not isinstance(node.next_node(descend=False, siblings=True), type(node)):
        self.body.append("</div>\n")


def _add_templates(app: Any, config: Any) -> None:
    # First in the search path, ahead of the themes' component folders.
    config.templates_path.insert(0, str(TEMPLATES))


def drop_stale_search_terms(index_text: str) -> str:
    """The search index (``searchindex.js``) without the words that point to no page.

    Sphinx re-indexes a page it writes again by first removing it from every word's pages;
    a word only that page held before keeps an empty list (``"132k": []`` once a parameter
    changed from 132 to 131). A render from nothing has no such word, so the persistent
    render's index differed from it in bytes. The rest is written as Sphinx writes it.

    >>> drop_stale_search_terms('Search.setIndex({"terms": {"a": [], "b": 0}, "titleterms": {}})')
    'Search.setIndex({"terms": {"b": 0}, "titleterms": {}})'
    """
    from sphinx.search import js_index

    data = js_index.loads(index_text)
    for key in ("terms", "titleterms"):
        data[key] = {word: pages for word, pages in data.get(key, {}).items() if pages != []}
    return js_index.dumps(data)


def _clean_search_index(app: Any, exception: Exception | None) -> None:
    """Rewrite the written ``searchindex.js`` without its stale words (after a good build)."""
    if exception is not None or app.builder.format != "html":
        return
    path = Path(app.outdir) / "searchindex.js"
    if path.is_file():
        text = path.read_text(encoding="utf-8")
        cleaned = drop_stale_search_terms(text)
        if cleaned != text:
            path.write_text(cleaned, encoding="utf-8")


#: Beside the output folder (kept by the persistent render, :mod:`analysis.site.incremental`).
COMPILED_TEMPLATES = "jinja-bytecode"


def _keep_compiled_templates(app: Any) -> None:
    """Keep Jinja's compiled templates between renders (its bytecode cache).

    Compiling the themes' 34 templates took 0.3 s of every render (2.23 s instead of 2.57 s
    for 7 changed pages, mean of 4 alternated runs). Jinja keys each entry on the template's
    source and on its own version, so an edited template or another Jinja is compiled again.
    """
    environment = getattr(getattr(app.builder, "templates", None), "environment", None)
    if environment is None:  # a builder without Jinja templates
        return
    from jinja2 import FileSystemBytecodeCache

    folder = Path(app.outdir).parent / COMPILED_TEMPLATES
    folder.mkdir(parents=True, exist_ok=True)
    environment.bytecode_cache = FileSystemBytecodeCache(str(folder))


def setup(app: Any) -> dict[str, Any]:
    """Register the extension's hooks, its citation writer and its templates.

    The hooks: the page context, the redirect, the search-index cleanup, the stylesheet purge
    and the kept compiled templates.
    """
    app.connect("config-inited", _add_templates)
    app.connect("builder-inited", _keep_compiled_templates)
    # After sphinx-thebe's own hook, which adds the assets this one removes.
    app.connect("html-page-context", _page_context, priority=900)
    # After sphinx-external-toc's redirect (priority 500), which it replaces.
    app.connect("build-finished", _write_redirect, priority=900)
    # Once Sphinx has written the search index.
    app.connect("build-finished", _clean_search_index, priority=900)
    # Last: after every page and script is written.
    app.connect("build-finished", _purge_stylesheets, priority=950)
    app.add_node(nodes.citation, override=True, html=(_visit_citation, _depart_citation))
    return {"parallel_read_safe": True, "parallel_write_safe": True}

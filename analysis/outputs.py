"""Names shared by the pages' outputs and the build that exports them.

A page's chart or table carries a record under one of these MIME types
(:func:`analysis.charts.theme.render_mimebundle`, :class:`analysis.charts.theme.Table`), and
the build (:mod:`analysis.site.execute`) finds the records by them and names the downloads
with :func:`figure_file_stem`. They sit here, at the bottom of the layers and importing
nothing, so the build process reads executed pages without importing Altair (which took it
about 0.6 s).
"""

from __future__ import annotations

__all__ = ["FIGURE_DIR", "FIGURE_MIMETYPE", "TABLE_MIMETYPE", "figure_file_stem"]

FIGURE_MIMETYPE = "application/vnd.amzn-report.figure+json"
TABLE_MIMETYPE = "application/vnd.amzn-report.table+json"
FIGURE_DIR = "_static/figures"  # relative to the site root


def figure_file_stem(page: str, name: str) -> str:
    """Return the stable file stem of a figure's downloads, ``fig-<page>-<name>``."""
    return f"fig-{page}-{name}"

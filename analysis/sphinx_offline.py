"""Sphinx extension: keep the site offline and free of console errors.

Jupyter Book v1 always loads sphinx-thebe, which adds an inline script twice per page (a
``SyntaxError`` in the console: "Identifier 'THEBE_JS_URL' has already been declared") and
points at a launcher on unpkg. The report has no live kernels, so the launcher's assets are
dropped from every page.
"""

from __future__ import annotations

from typing import Any

__all__ = ["setup"]


def _is_thebe(asset: Any) -> bool:
    filename = str(getattr(asset, "filename", asset) or "")
    body = str(getattr(asset, "attributes", {}).get("body", ""))
    return "thebe" in filename.lower() or "THEBE_JS_URL" in body


def _drop_thebe(app: Any, pagename: str, templatename: str, context: dict[str, Any],
                doctree: Any) -> None:
    for key in ("script_files", "css_files"):
        if key in context:
            context[key] = [a for a in context[key] if not _is_thebe(a)]


def setup(app: Any) -> dict[str, Any]:
    """Register the page-context hook (run after sphinx-thebe's own)."""
    app.connect("html-page-context", _drop_thebe, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

"""The PNG copy of each figure, drawn from its SVG while the site renders.

A page's export (:func:`analysis.site.execute.export_figures`) writes each figure's SVG and
CSV, which the render needs (the SVG gives the chart its height), and takes the PNG from the
store of earlier drawings when it was drawn before. The PNGs still missing are drawn here from
their SVGs, by one of the build's workers (a process of its own, so not under the build's
GIL) while the build stages the pages and Sphinx renders them: the render holds one core and
leaves the other idle, and the PNGs are downloads only, which nothing rendered reads. The
build waits for them before it publishes, so a site is never published without one; a cache
entry whose PNG was never drawn (an interrupted build) is completed by the next build the
same way.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import shutil
from collections.abc import Iterable
from pathlib import Path

from analysis.site.steps import write_atomic

__all__ = ["PNG_SCALE", "draw_missing", "missing", "png_key", "publish"]

#: The PNG is drawn at twice the SVG's size (sharp on high-density screens and in slides).
PNG_SCALE = 2


def png_key(svg: str, version: str) -> str:
    """Name of a PNG in the store of drawings: its SVG and the vl-convert version, hashed."""
    return "png-" + hashlib.sha256(f"{version}\n{svg}".encode()).hexdigest()[:24]


def missing(figure_dirs: Iterable[Path]) -> list[Path]:
    """The SVGs of ``figure_dirs`` (pages' figure folders) that have no PNG beside them."""
    return [svg for d in figure_dirs if d.is_dir() for svg in sorted(d.glob("*.svg"))
            if not svg.with_suffix(".png").is_file()]


def draw_missing(svgs: Iterable[Path], drawings: Path | None) -> int:
    """Draw the PNG of each SVG beside it (and keep it in ``drawings``, if given).

    Each PNG is written whole or not at all. Returns how many were drawn.
    """
    import vl_convert

    version = importlib.metadata.version("vl-convert-python")
    count = 0
    for svg_path in svgs:
        svg = svg_path.read_text(encoding="utf-8")
        # From the SVG: the same bytes as vegalite_to_png (which draws that SVG itself)
        # without laying the chart out a second time.
        png = vl_convert.svg_to_png(svg, scale=PNG_SCALE)
        write_atomic(svg_path.with_suffix(".png"), png)
        if drawings is not None:
            write_atomic(drawings / f"{png_key(svg, version)}.png", png)
        count += 1
    return count


def publish(figure_dirs: Iterable[Path], site_figures: Path) -> None:
    """Copy every PNG of ``figure_dirs`` into the site's figure folder."""
    site_figures.mkdir(parents=True, exist_ok=True)
    for d in figure_dirs:
        for png in sorted(d.glob("*.png")) if d.is_dir() else []:
            shutil.copy2(png, site_figures / png.name)

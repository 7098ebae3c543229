"""A build with hostile text in every reader-editable field: nothing reaches the site unescaped.

Hostile strings go into a scenario's title and description, a data table's organisation and
note cells, its metadata (title, description, a column's description) and a page title; the
built HTML is parsed (no injected element, attribute, role or directive; each string shown as
itself), and the CSV downloads, the manifest and the BibTeX citation are checked too.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from analysis import params
from analysis.site.build import build
from analysis.site.scratch import copy_repo

pytestmark = pytest.mark.site

SCRIPT = "<script>alert('x')</script>"
IMG = "<img src=x onerror=alert(1)>"
ATTR = '" onmouseover="alert(1)'
ROLE = "{raw:html}`<b>raw-role</b>`"
DIRECTIVE = ":::{warning}\nsmuggled-directive\n:::"
FENCE = "```{raw} html\n<i>raw-fence</i>\n```"
MIXED = "`tick` {{ sub }} $x$ [link](javascript:alert(2)) % & 'q' \"qq\"\nnew line"
FORMULA = "=HYPERLINK(\"http://x\",\"y\")"
BIB = "Chapter }, @misc{evil, 100% & {x}"

VEGA_PREFIX = "(function () {\n  var spec = "


def _flat(text: str) -> str:
    """Whitespace joined, and Sphinx's smart quotes read back as straight ones."""
    text = text.translate(str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'",
                                         "\u2019": "'"}))
    return " ".join(text.split())


def _set_row(path: Path, row_index: int, values: dict[str, str]) -> None:
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    rows[row_index].update(values)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> tuple[Path, Path]:
    from analysis.data import update_checksums

    root = copy_repo(tmp_path_factory.mktemp("hostile"),
                     ["book/data-sources", "book/ch2-corporate-middle"])
    for name in ("data-sources", "ch2-corporate-middle"):  # a two-page book: no methods page
        page = root / "book" / f"{name}.md"
        page.write_text(page.read_text(encoding="utf-8").replace(
            "{doc}`methods page <methods>`", "methods page").replace("{doc}`methods`",
                                                                     "methods"), encoding="utf-8")
    data = root / "data"
    _set_row(data / "layoff_rounds.csv", 2, {"organisation": f"AWS {IMG} {ROLE} {SCRIPT}",
                                             "note": f"{DIRECTIVE} {FENCE} {FORMULA}"})
    _set_row(data / "layoff_rounds.csv", 3, {"organisation": FORMULA, "note": MIXED})
    meta_path = data / "meta" / "layoff_rounds.yaml"
    meta = yaml.safe_load(meta_path.read_text(encoding="utf-8"))
    meta["title"] = f"Rounds {SCRIPT} {ATTR}"
    meta["description"] = f"{DIRECTIVE} {ROLE} {MIXED}"
    meta["columns"]["organisation"]["description"] = f"{FENCE} {IMG}"
    meta_path.write_text(yaml.safe_dump(meta, sort_keys=False), encoding="utf-8")
    update_checksums(data)
    scenario = data / "scenarios" / "hostile-test.yaml"
    scenario.write_text(yaml.safe_dump({
        "name": "hostile-test", "title": f"Hostile {ATTR} {ROLE}",
        "description": f"{SCRIPT} {DIRECTIVE} {MIXED} {IMG}",
        "parameters": {"mc_draws": 200}}), encoding="utf-8")
    page = root / "book" / "ch2-corporate-middle.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(re.sub(r"^# (.*)$", lambda m: f"# {m.group(1)} {BIB}", text, count=1,
                           flags=re.M), encoding="utf-8")
    site = build(params.resolve(str(scenario)), root=root, stream=None).site
    return root, site


def _pages(site: Path) -> dict[str, BeautifulSoup]:
    return {str(p.relative_to(site)): BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser")
            for p in site.rglob("*.html") if "_static" not in p.parts}


def test_no_injected_element_attribute_role_or_directive(hostile_site):
    _, site = hostile_site
    pages = _pages(site)
    assert {"book/data-sources.html", "book/ch2-corporate-middle.html"} <= set(pages)
    for name, soup in pages.items():
        for tag in soup.find_all(True):
            for attr, value in tag.attrs.items():
                assert attr not in ("onerror", "onmouseover"), (name, tag.name)
                assert "javascript:" not in str(value), (name, tag.name, attr)
            if tag.name == "img":
                assert tag.get("src") != "x", name
        for script in soup.find_all("script"):
            body = script.string or ""
            assert "alert(" not in body or body.startswith(VEGA_PREFIX), (name, body[:80])
            if body.startswith(VEGA_PREFIX):
                # The hostile text stayed inside the JSON string it came in.
                spec_json = body[len(VEGA_PREFIX):body.index(";\n  function draw")]
                assert "<" not in spec_json
                json.loads(spec_json)
        assert not [b for b in soup.find_all("b") if "raw-role" in b.get_text()], name
        assert not [i for i in soup.find_all("i") if "raw-fence" in i.get_text()], name
        for box in soup.select("div.admonition"):
            assert "smuggled-directive" not in box.get_text(), name
        for block in soup.find_all(["pre", "code"]):
            assert "raw-fence" not in block.get_text(), name


def test_hostile_strings_are_shown_as_themselves(hostile_site):
    _, site = hostile_site
    pages = _pages(site)
    sources = _flat(pages["book/data-sources.html"].get_text(" "))
    for raw in (f"Rounds {SCRIPT} {ATTR}", f"{DIRECTIVE} {ROLE} {MIXED}", f"{FENCE} {IMG}",
                f"Hostile {ATTR} {ROLE}", f"{SCRIPT} {DIRECTIVE} {MIXED} {IMG}"):
        assert _flat(raw) in sources, raw
    cells = [_flat(td.get_text()) for td in pages["book/ch2-corporate-middle.html"].find_all("td")]
    assert _flat(f"AWS {IMG} {ROLE} {SCRIPT}") in cells
    assert FORMULA in cells


def test_csv_downloads_start_no_formula(hostile_site):
    _, site = hostile_site
    files = sorted((site / "_static" / "data").glob("*.csv")) + \
        sorted((site / "_static" / "figures").glob("*.csv"))
    assert any(f.name == "layoff_rounds.csv" for f in files)
    assert any(f.name.startswith("tbl-ch2-corporate-middle-rounds") for f in files)
    seen_formula_text = False
    for f in files:
        for row in csv.reader(io.StringIO(f.read_text(encoding="utf-8"))):
            for cell in row:
                if cell.startswith(("=", "+", "-", "@", "\t", "\r")):
                    assert re.fullmatch(r"[-+]?[\d.]+([eE][-+]?\d+)?", cell), (f.name, cell)
                seen_formula_text |= cell.startswith("'=HYPERLINK")
    assert seen_formula_text  # the hostile cell is there, made inert


def test_manifest_and_bibtex_are_escaped(hostile_site):
    _, site = hostile_site
    manifest = (site / "manifest.json").read_text(encoding="utf-8")
    assert not re.search("[<>]", manifest)
    doc = json.loads(manifest)
    assert doc["scenario"] == "hostile-test"
    soup = _pages(site)["book/ch2-corporate-middle.html"]
    bib = next(pre.get_text() for pre in soup.find_all("pre") if "@misc{" in pre.get_text())
    assert bib.count("@misc{") == 1  # the hostile one is escaped: @misc\{
    assert r"Chapter \}, @misc\{evil, 100\% \& \{x\}" in bib
    unescaped = re.sub(r"\\[{}%&]", "", bib)
    assert unescaped.count("{") == unescaped.count("}")

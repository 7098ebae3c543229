"""The build orchestrator on a one-page book: glue, cache, failures, atomic publish, archive.

Most tests start from ``built_small_repo`` (tests/conftest.py): their own copy of a one-page
book built once per session with the default parameters, so that a test needing "a site built
with the defaults" does not build it again.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sphinx.search import js_index

from analysis import params
from analysis.site.build import BuildError, build
from tests.inputs import BRIEFING_DRAWS

pytestmark = pytest.mark.site


def glued(site: Path, page: str = "book/intro.html") -> list[str]:
    html = (site / page).read_text(encoding="utf-8")
    return re.findall(r'<span class="pasted-text">([^<]*)</span>', html)


def test_parameter_change_moves_glued_prose_and_chart(built_small_repo):
    first_site = built_small_repo / "_build" / "html"  # built with the defaults
    text_a = glued(first_site)
    csv_a = (first_site / "_static/figures/fig-intro-savings.csv").read_text()
    assert "$61B" in text_a  # 350,000 x $175k
    second = build(params.validate({"cost_per_employee_usd_k": 250}), root=built_small_repo,
                   stream=None)
    text_b = glued(second.site)
    csv_b = (second.site / "_static/figures/fig-intro-savings.csv").read_text()
    assert "$88B" in text_b and text_a != text_b
    assert csv_a != csv_b
    assert "cost_per_employee_usd_k" in (second.site / "book/intro.html").read_text()
    # Sphinx rendered the page again into the render before: the search index keeps no word
    # of the old page ("61b") with an empty list of pages, as a render from nothing would not.
    index = js_index.loads((second.site / "searchindex.js").read_text(encoding="utf-8"))
    assert "88b" in index["terms"] and "61b" not in index["terms"]
    assert all(pages != [] for key in ("terms", "titleterms") for pages in index[key].values())


def test_unchanged_rebuild_uses_the_cache_and_a_change_does_not(built_small_repo):
    # built with the defaults already (in another folder: the cache keys do not hold paths)
    again = build(params.validate(), root=built_small_repo, stream=None)
    assert {r["how"] for r in again.runs} == {"cached"}
    changed = build(params.validate({"corporate_headcount_base": 300_000}),
                    root=built_small_repo, stream=None)
    how = {r["docname"]: r["how"] for r in changed.runs}
    assert how["book/intro"] == "executed"
    assert how["book/references"] == "cached"  # it declares no parameter
    assert any("$52B" in t for t in glued(changed.site))


def test_failing_page_names_page_and_cell_and_keeps_the_old_site(built_small_repo, tree_digest):
    site = built_small_repo / "_build" / "html"  # built with the defaults
    before = tree_digest(site)
    page = built_small_repo / "book" / "intro.md"
    page.write_text(page.read_text().replace(
        "curve = economics.savings_curve(",
        "raise RuntimeError('deliberate failure')\ncurve = economics.savings_curve("))
    with pytest.raises(BuildError) as info:
        build(params.validate(), root=built_small_repo, stream=None)
    message = str(info.value)
    assert "page book/intro" in message and "cell" in message and "deliberate failure" in message
    assert tree_digest(site) == before


def test_stderr_output_fails_the_page(built_small_repo):
    page = built_small_repo / "book" / "intro.md"
    page.write_text(page.read_text().replace(
        "curve = economics.savings_curve(",
        "import warnings\nwarnings.warn('leaky warning')\ncurve = economics.savings_curve("))
    with pytest.raises(BuildError, match="wrote to stderr.*leaky warning"):
        build(params.validate(), root=built_small_repo, stream=None)


def test_jupyter_book_warning_fails_the_build_and_keeps_the_old_site(built_small_repo,
                                                                    tree_digest):
    site = built_small_repo / "_build" / "html"  # built with the defaults
    before = tree_digest(site)
    page = built_small_repo / "book" / "intro.md"
    page.write_text(page.read_text() + "\nSee {numref}`fig-does-not-exist`.\n")
    with pytest.raises(BuildError, match="jupyter-book build failed"):
        build(params.validate(), root=built_small_repo, stream=None)
    assert tree_digest(site) == before


def test_injected_parameters_are_hidden_and_provenance_is_shown(built_small_repo):
    # A parameter the introduction reads itself (no model is computed again).
    summary = build(params.validate({"cost_per_employee_usd_k": 210}), root=built_small_repo,
                    stream=None)
    html = (summary.site / "book/intro.html").read_text()
    assert "injected-parameters" not in html and "# Parameters" not in html
    assert "About this page" in html and "parameters of this page that differ" in html
    assert "<code class=\"docutils literal notranslate\"><span class=\"pre\">" \
           "cost_per_employee_usd_k</span></code>" in html
    record = (summary.site / "book/execution-record.html").read_text()
    assert "cost_per_employee_usd_k" in record and "(changed)" in record


def test_archive_is_kept_and_manifests_are_deterministic(built_small_repo):
    first = build(params.validate(), root=built_small_repo, stream=None, archive="v1")
    manifest_1 = (first.site / "manifest.json").read_text()
    # Re-executing everything with the same parameters gives the same manifest, and
    # archiving the same content under the same version again is allowed.
    second = build(params.validate(), root=built_small_repo, stream=None, use_cache=False,
                   archive="v1")
    assert (second.site / "manifest.json").read_text() == manifest_1
    doc = json.loads(manifest_1)
    assert doc["glued_values"]["book/intro"]["intro_workforce_cost"].strip("'") == "$61B"
    assert any(k.startswith("data/") for k in doc["data_checksums"])
    archived = built_small_repo / "_build" / "archive" / "v1"
    assert (archived / "book/intro.html").exists()
    # A different build must not overwrite a cited version.
    with pytest.raises(BuildError, match="archive 'v1' exists with different content"):
        build(params.validate({"cost_per_employee_usd_k": 200}), root=built_small_repo,
              stream=None, archive="v1")


def _roles(text: str) -> float:
    return float(text.strip("'").replace(",", ""))


def test_scenarios_move_prose_and_chart_in_the_expected_direction(briefing_repo):
    medians, charts = {}, {}
    for scenario in ("baseline", "accelerated-automation", "regulatory-brake"):
        if scenario == "baseline":  # briefing_repo is built with it already
            site = briefing_repo / "_build" / "html"
        else:
            site = build(params.resolve(scenario, BRIEFING_DRAWS), root=briefing_repo,
                         stream=None).site
        doc = json.loads((site / "manifest.json").read_text())
        medians[scenario] = _roles(doc["glued_values"]["book/briefing"]["br_median"])
        charts[scenario] = (site / "_static/figures/fig-briefing-headline.csv").read_text()
        assert doc["scenario"] == scenario
    assert medians["accelerated-automation"] > medians["baseline"]
    assert medians["regulatory-brake"] <= medians["baseline"]
    assert charts["accelerated-automation"] != charts["baseline"]


def test_malformed_data_row_stops_the_build_before_any_page_runs(built_small_repo, tree_digest):
    from analysis.data import DataValidationError, update_checksums

    site = built_small_repo / "_build" / "html"  # built with the defaults
    before = tree_digest(site)
    csv = built_small_repo / "data" / "peer_capex.csv"
    lines = csv.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace("actual", "actaul", 1)  # line 4 of the file: a bad category
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    update_checksums(built_small_repo / "data")  # so the row check, not the checksum, fires
    with pytest.raises(DataValidationError, match=r"data/peer_capex\.csv:4:\d+: column 'kind'"):
        build(params.validate(), root=built_small_repo, stream=None)
    assert tree_digest(site) == before


def test_narrative_edit_reexecutes_only_that_page_and_reuses_the_results(built_small_repo):
    """Compute once (issue 14): results are keyed on their inputs, not on page text."""
    import io

    root = built_small_repo  # built and published with the defaults
    defaults = params.validate()
    first = build(defaults, root=root, stream=None)  # nothing changed: the published site
    stored = sorted(p.name for p in (root / "_build/cache/results").iterdir())
    assert [name.split("-")[0] for name in stored] == ["forecast"]  # only what intro reads
    before = glued(first.site)
    page = root / "book" / "intro.md"
    text = page.read_text(encoding="utf-8")
    marker = "\n## "
    page.write_text(text.replace(marker, "\nA sentence added by an editor.\n" + marker, 1),
                    encoding="utf-8")
    log = io.StringIO()
    second = build(defaults, root=root, stream=log)
    how = {r["docname"]: r["how"] for r in second.runs}
    assert how == {"book/intro": "executed", "book/references": "cached"}
    assert "forecast reused" in log.getvalue() and "computed" not in log.getvalue().split(
        "Results:")[1].splitlines()[0]
    assert sorted(p.name for p in (root / "_build/cache/results").iterdir()) == stored
    assert glued(second.site) == before
    assert "A sentence added by an editor." in (second.site / "book/intro.html").read_text()
    # Sphinx reads again the edited page and the execution record (new run times), no other.
    assert "; 2 page(s) new or changed)" in log.getvalue()

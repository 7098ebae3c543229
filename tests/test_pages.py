"""Page sources: parameters cells match the schema; malformed pages are refused."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from analysis.params import SCHEMA
from analysis.site.pages import PageError, read_pages, toc_entries

pytestmark = pytest.mark.page

REPO = Path(__file__).resolve().parent.parent


def test_every_toc_page_exists_and_declares_schema_defaults():
    pages = read_pages(REPO)
    assert [p.docname for p in pages] == toc_entries(REPO)
    for page in pages:
        for name, default in page.declared.items():
            if name == "as_of":
                # The default cut-off is computed from the data (analysis.data_cutoff) and the
                # build always injects it; a page's literal may lag behind after a data edit,
                # never run ahead of it.
                dt.date.fromisoformat(default)
                assert default <= SCHEMA[name].default, page.docname
                continue
            assert default == SCHEMA[name].default, f"{page.docname}: {name}"


def test_every_page_with_code_has_a_parameters_cell():
    for page in read_pages(REPO):
        if "{code-cell}" in page.source_text:
            assert page.declared, f"{page.docname} has code but no parameters cell"


def _page(tmp_path: Path, params_cell: str) -> Path:
    (tmp_path / "book").mkdir()
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: book/p\n")
    (tmp_path / "book" / "p.md").write_text(
        "---\njupytext:\n  text_representation:\n    format_name: myst\n---\n# P\n\n"
        "```{code-cell} ipython3\n:tags: [parameters]\n" + params_cell + "\n```\n")
    return tmp_path


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("sede: int = 1", "declares 'sede', which is not in the parameter schema"),
        ("seed: int = 1 + x", "the default of 'seed' must be a literal"),
        ("print(1)", "only simple assignments"),
        ("seed = = 1", "parameters cell, line 1"),
    ],
)
def test_malformed_parameters_cell_is_refused_with_page_and_line(tmp_path, cell, message):
    root = _page(tmp_path, cell)
    with pytest.raises(PageError, match="book/p.md") as info:
        read_pages(root)
    assert message in str(info.value)


def test_missing_page_is_named(tmp_path):
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: book/nowhere\n")
    with pytest.raises(PageError, match="lists 'book/nowhere'"):
        read_pages(tmp_path)


def test_tables_are_numbered_as_tables_and_figures_as_figures():
    """A ``tbl-`` name sits on a ``{table}`` directive (Sphinx numbers it "Table N"), never on
    a ``{glue:figure}`` (which would number it as a figure)."""
    import re

    for page in read_pages(REPO):
        for directive, name in re.findall(r"[`]{3,}\{([\w:-]+)\}[^\n]*\n:name: ([\w-]+)",
                                          page.source_text):
            if name.startswith("tbl-"):
                assert directive in ("table", "list-table"), f"{page.docname}: {name}"
            elif name.startswith("fig-"):
                assert directive in ("glue:figure", "figure"), f"{page.docname}: {name}"


#: Calls that receive the page's parameters but read only their own results' parameters.
_KEYED_READS = ("results.get", "results.sweep_results")


def test_every_parameter_a_page_uses_reaches_it():
    """A page gets its declared parameters and those of the results it reads (issue 14).

    So each parameter it reads (``P.name``) must be one of those, and a page that hands its
    whole parameter set to a function must receive every parameter.
    """
    from analysis.site import results
    from analysis.site.pages import results_read

    for page in read_pages(REPO):
        src = page.source_text
        names = set(page.declared) | set(results.parameters_of(results_read(page)))
        used = set(re.findall(r"\bP\.([a-z_]+)\b", src)) & set(SCHEMA)
        assert used <= names, f"{page.docname} reads {sorted(used - names)} but is not given them"
        calls = {c for c in re.findall(r"([A-Za-z_][\w.]*)\((?:[^()]*,\s*)?P\s*[,)]", src)
                 if c not in _KEYED_READS}
        if calls:
            missing = sorted(set(SCHEMA) - names)
            assert not missing, f"{page.docname} passes P to {sorted(calls)} without {missing}"


def test_injected_parameters_include_those_of_the_results_read():
    from analysis.site import results
    from analysis.site.pages import page_parameters, results_read

    pages = {p.docname: p for p in read_pages(REPO)}
    values = {k: spec.default for k, spec in SCHEMA.items()}
    ch2 = pages["book/ch2-corporate-middle"]
    assert results_read(ch2) == ("workforce",)
    injected = page_parameters(ch2, values, results.parameters_of(results_read(ch2)))
    assert set(ch2.declared) < set(injected)
    assert "backfill_rate_pct" in injected and "backfill_rate_pct" not in ch2.declared
    # The explore page is given the sweep's parameters only (it hands on the run's view of
    # them), so chapter 1's cost and capex path leave its cache key alone.
    from analysis.models import sweep

    assert set(results.parameters_of(["sweep"])) == set(sweep.PARAMETERS)
    explore = page_parameters(pages["book/explore"], values,
                              results.parameters_of(results_read(pages["book/explore"])))
    assert "cost_per_employee_usd_k" not in explore and "capex_path" not in explore
    assert {"seed", "mc_draws", "sweep_draws_per_point"} <= set(explore)

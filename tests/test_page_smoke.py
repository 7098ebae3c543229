"""Every page executes with tiny parameters through papermill, without building a site.

Each page of the table of contents is run as the build runs it (papermill injects the values
of the parameters it declares and of those the results it reads depend on; the report's
kernel; the data of the session's scratch copy of the repository, ``smoke_repo``), with the
``SMOKE`` parameters and two pages at a time.
A page fails if papermill raises, if a cell has an error output or writes to stderr
(:func:`analysis.site.execute.check_outputs`), or if its text shows a glued name
(``{glue:text}`name```, ``{glue:figure} name``, ...) that the page it names does not glue.
Rendering, chart export and the site are the site tier's.
"""

from __future__ import annotations

import multiprocessing
import re
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
import pytest

from analysis import params
from analysis.data_cutoff import ROOT_ENV
from analysis.site import results
from analysis.site.execute import PageRun, execute_page
from analysis.site.pages import (
    KERNEL_NAME,
    page_parameters,
    read_pages,
    results_read,
    toc_entries,
)
from analysis.site.scratch import REPO
from tests.inputs import SMOKE

pytestmark = pytest.mark.page

#: Pages the build writes itself instead of executing (the execution record, what changed).
WRITTEN_BY_THE_BUILD = {"book/execution-record", "book/what-changed"}
PAGES = [doc for doc in toc_entries(REPO) if doc not in WRITTEN_BY_THE_BUILD]

_ROLE = re.compile(r"\{glue(?::\w+)?\}`([^`]+)`")
_DIRECTIVE = re.compile(r"^\s*[`:]{3,}\{glue(?::\w+)?\}\s+(\S+)", re.M)


def shown_glue_names(markdown: str, docname: str) -> set[tuple[str, str]]:
    """The (page, name) pairs a page's text shows; ``other.ipynb::name`` names another page.

    >>> sorted(shown_glue_names("a {glue:text}`x:,.0f` b {glue:text}`ch1.ipynb::y:s`\\n"
    ...                         "```{glue:figure} fig-z\\n```", "book/p"))
    [('book/ch1', 'y'), ('book/p', 'fig-z'), ('book/p', 'x')]
    """
    found = set()
    for ref in _ROLE.findall(markdown) + _DIRECTIVE.findall(markdown):
        page, _, name = ref.rpartition("::")
        page = f"{Path(docname).parent.as_posix()}/{Path(page).stem}" if page else docname
        found.add((page, name.split(":", 1)[0]))
    return found


def glued_names(nb: nbformat.NotebookNode) -> set[str]:
    """Every name an executed notebook glued (text, Markdown, figures and tables)."""
    return {out["metadata"]["scrapbook"]["name"] for cell in nb.cells
            for out in cell.get("outputs", []) if "scrapbook" in out.get("metadata", {})}


@pytest.fixture(scope="module")
def executed(smoke_repo: Path) -> dict[str, tuple[PageRun, set[str], str]]:
    """Execute every page once: docname -> (run, the names it glued, the page's Markdown)."""
    root = smoke_repo
    out = root / "_build" / "page-smoke"
    values = params.validate(SMOKE).to_dict()
    pages = {p.docname: p for p in read_pages(root)}
    assert set(PAGES) <= set(pages)
    with pytest.MonkeyPatch.context() as env:
        env.setenv(ROOT_ENV, str(root))  # the kernels read the copy's data, as in the build
        # spawn, not fork: a forked copy of pytest's threads can deadlock (as in the build)
        with ProcessPoolExecutor(max_workers=2,
                                 mp_context=multiprocessing.get_context("spawn")) as pool:
            futures = {doc: pool.submit(
                execute_page, pages[doc].notebook(), doc, page_parameters(
                    pages[doc], values, results.parameters_of(results_read(pages[doc]))),
                out / f"{pages[doc].page_id}.ipynb", KERNEL_NAME, root) for doc in PAGES}
            runs = {doc: future.result() for doc, future in futures.items()}
    return {doc: (runs[doc],
                  glued_names(nbformat.read(out / f"{pages[doc].page_id}.ipynb", as_version=4))
                  if runs[doc].error is None else set(),
                  "\n".join(c.source for c in pages[doc].notebook().cells
                            if c.cell_type == "markdown")) for doc in PAGES}


@pytest.mark.parametrize("docname", PAGES)
def test_page_executes_with_tiny_parameters_and_glues_what_it_shows(executed, docname):
    run, _, markdown = executed[docname]
    assert run.error is None, run.error
    missing = []
    for page, name in sorted(shown_glue_names(markdown, docname)):
        assert page in executed, f"{docname} shows {name!r} from {page}, which is not a page"
        other_run, other_glued, _ = executed[page]
        if other_run.error is None and name not in other_glued:
            missing.append(f"{page}::{name}" if page != docname else name)
    assert missing == [], f"{docname} shows names that are not glued: {missing}"

"""Two archived builds with different data: the "What changed" page names exactly what moved."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from analysis import data, params
from analysis.site import diff
from analysis.site.build import build

pytestmark = pytest.mark.site

# A small page that reads the data: one number that the data edit moves, one that it does not,
# a table and a chart of the rounds.
PROBE = '''---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3 (amzn-report)
  language: python
  name: amzn-report
---

# Probe

```{code-cell} ipython3
:tags: [parameters, remove-cell]
as_of: str = "2026-09-28"  # data cut-off
```

```{code-cell} ipython3
:tags: [remove-cell]
import altair as alt
import pandas as pd
from myst_nb import glue

from analysis import charts, data, params
from analysis.models import headline

P = params.validate({"as_of": as_of})
fig = charts.setup("probe")
events = data.load_layoff_rounds()
glue("probe_observed", headline.observed_further_cuts_text(events, P.as_of), display=False)
glue("probe_fixed", "a sentence the data do not move", display=False)
late = headline.further_rounds(events, P.as_of)
table = pd.DataFrame({"round": late["round_id"], "roles": late["roles_high"].fillna(0)})
glue("tbl-probe-rounds", fig.table(table.style.hide(axis="index"), "rounds"), display=False)
chart = fig(alt.Chart(table).mark_bar().encode(x="round:N", y="roles:Q"), "rounds",
            "Bar chart of the further rounds.")
glue("fig-probe-rounds", chart, display=False)
```

Observed {glue:text}`probe_observed`; {glue:text}`probe_fixed`.

```{glue:figure} tbl-probe-rounds
:name: tbl-probe-rounds

Rounds.
```

```{glue:figure} fig-probe-rounds
:name: fig-probe-rounds

Rounds.
```
'''

NEW_ROUND = ("2026-08-test-unit,2026-08-14,day,1000,1000,Test unit,true,,cnbc_2026_agi,"
             "secondary,a round added by the test")


@pytest.fixture
def probe_repo(scratch_repo) -> Path:
    root = scratch_repo(["book/probe"])
    (root / "book" / "probe.md").write_text(PROBE, encoding="utf-8")
    toc = (root / "_toc.yml").read_text()
    (root / "_toc.yml").write_text(toc + "      - file: book/what-changed\n")
    return root


def page_text(site: Path) -> str:
    html = (site / "book" / "what-changed.html").read_text(encoding="utf-8")
    main = html.split('<article class="bd-article"', 1)[-1].split("</article>", 1)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


def test_what_changed_names_the_changed_numbers_and_nothing_else(probe_repo: Path):
    as_of = params.SCHEMA["as_of"].default
    first = build(params.validate({"mc_draws": 100}), root=probe_repo, archive="v1",
                  stream=None)
    assert "no previous archived version" in page_text(first.site)

    with (probe_repo / "data" / "layoff_rounds.csv").open("a", encoding="utf-8") as fh:
        fh.write(NEW_ROUND + "\n")
    data.stamp(probe_repo / "data", retrieved="2026-12-02")
    assert params.SCHEMA["as_of"].default == as_of  # the new round is older than the cut-off
    second = build(params.validate({"mc_draws": 100}), root=probe_repo, archive="v2",
                   stream=None)
    text = page_text(second.site)
    assert "previous archived version v1" in text
    # the number the edit moves, old -> new; the table row it adds; the figure it redraws
    assert "probe_observed 16,150 17,150" in text, text
    assert "tbl-probe-rounds: row 2026-08-test-unit (no row) 2026-08-test-unit; 1000.0" in text
    assert "fig-probe-rounds" in text
    assert "data/layoff_rounds.csv 2026-08-test-unit (added)" in text
    # and nothing else: the unchanged sentence, the parameters, other rows and tables
    assert "probe_fixed" not in text and "2026-01-corporate" not in text
    assert re.search(r"Parameters that changed #? ?None\.", text)

    old = diff.load_manifest(probe_repo / "_build" / "archive" / "v1")
    new = diff.load_manifest(probe_repo / "_build" / "archive" / "v2")
    listed = diff.diff_manifests(old, new)
    names = {c["name"] for c in listed["pages"]["book/probe"]}
    assert names == {"probe_observed", "tbl-probe-rounds: row 2026-08-test-unit",
                     "fig-probe-rounds"}
    assert set(listed["pages"]) == {"book/probe"}

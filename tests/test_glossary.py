"""The glossary: the terms the report uses, each defined once and pointing at a page."""

from __future__ import annotations

from pathlib import Path

from analysis import study
from analysis.narrative import briefing, glossary
from analysis.site.pages import toc_entries

REPO = Path(__file__).resolve().parent.parent
REQUIRED = {"further cuts", "capex", "cash capex", "free cash flow", "corporate workforce",
            "exposure (β)", "the two readings", "likelihood words", "P(inside)", "backtest",
            "naive forecast", "coverage", "interval"}


def test_glossary_covers_the_report_terms_and_links_real_pages():
    entries = glossary.terms()
    names = [t.term for t in entries]
    assert REQUIRED <= set(names)
    assert len(set(names)) == len(names)
    pages = {doc.removeprefix("book/") for doc in toc_entries(REPO)}
    for t in entries:
        assert t.definition.strip().endswith(".") and (not t.see or t.see in pages), t.term


def test_glossary_states_the_scale_and_level_the_pages_use():
    md = glossary.glossary_md(glossary.terms(90))
    for _, words in study.LIKELIHOOD_SCALE:
        assert f"*{words}*" in md
    assert "central 90% interval" in md and "5th to the 95th" in md
    # the likelihood words in the glossary are the ones the briefing prints
    assert briefing.odds(0.5).split(" (")[0] in md

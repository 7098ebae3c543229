"""Find hand-typed numbers in the prose of built pages.

A number in prose must be glued from code (rendered inside ``span.pasted-text`` or
``span.pasted-inline``) or be a quoted fact in a sentence that carries a citation. Dates,
years, ordinal words in names (``Annex III``), quarter labels and an explicit allowlist are
not numbers in this sense.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Elements whose text is not prose written by hand.
SKIP_CLASSES = {
    "pasted-text", "pasted-inline", "cell_output", "highlight", "provenance", "vega-chart",
    "caption-number", "bibliography", "citation", "toctree-wrapper", "figure-downloads",
    "prev-next-area", "bd-sidebar-primary", "bd-sidebar-secondary", "bd-header-article",
    "bd-footer", "bd-toc", "footnote", "literal", "math", "pst-scrollable-table-container",
    "std-numref",
}
PARAGRAPH = "\x01"
SKIP_TAGS = ("script", "style", "code", "pre", "table", "noscript", "nav", "header", "footer",
             "h1", "h2", "h3", "h4", "figcaption")
MONTHS = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?"
ALLOWED = [
    rf"\b\d{{1,2}} {MONTHS} (?:19|20)\d\d\b",  # 28 Oct 2025
    rf"\b{MONTHS} \d{{1,2}},? (?:19|20)\d\d\b",  # October 28, 2025
    rf"\b{MONTHS} (?:19|20)\d\d\b",  # January 2026
    r"\b(?:19|20)\d\d[-\u2013](?:19|20)?\d\d\b",  # 2015-2025
    r"\b(?:19|20)\d\d\b",  # a year
    r"\b(?:Q[1-4]|H[12]) ?(?:19|20)\d\d\b", r"\b(?:19|20)\d\dQ[1-4]\b",
    r"\bFY ?(?:19|20)?\d\d\b",
    r"\b(?:Fig|Table|Eq)\. ?\d+\b",
    r"\bArt(?:icle)?\.? \d+\b", r"\bAnnex [IVX]+\b", r"\b\d+\(\d\)",
    r"\bS-team\b", r"\bDay 1\b", r"\bone sentence\b",
    r"\b(?:GPT|gpt)-?\d\b", r"\bO\*NET\b",
    # The claim under test, named throughout (its source is cited where it is quoted).
    r"\b20,000 (?:to|and) 35,000\b", r"\b20,000\u201335,000\b",
]
NUMBER = re.compile(r"(?<![\w.])[$\u2212-]?\d[\d,]*(?:\.\d+)?%?")
CITATION_MARK = "\x00CITE\x00"


class _Prose(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[bool] = []
        self.parts: list[str] = []
        self.in_main = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("br", "img", "hr", "meta", "link", "input"):
            return
        attr = dict(attrs)
        cls = attr.get("class") or ""
        skip = tag in SKIP_TAGS or bool(SKIP_CLASSES & set(cls.split())) \
            or (self.stack and self.stack[-1])
        if tag == "a" and "reference internal" in cls and "#id" in (attr.get("href") or ""):
            skip = True
        if tag == "span" and attr.get("id", "").startswith("id") and "cite" in cls:
            skip = True
        if tag == "a" and ("bibtex" in cls or "references.html#" in (attr.get("href") or "")):
            self.parts.append(CITATION_MARK)
            skip = True
        if tag == "article" or attr.get("role") == "main":
            self.in_main += 1
        self.stack.append(bool(skip))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("br", "img", "hr", "meta", "link", "input"):
            return
        if self.stack:
            self.stack.pop()
        if tag in ("p", "li", "div", "dd", "dt"):
            self.parts.append(PARAGRAPH)

    def handle_data(self, data: str) -> None:
        if self.in_main and not (self.stack and self.stack[-1]):
            self.parts.append(data.replace("\n", " "))


def stray_numbers(html: str, allowlist: tuple[str, ...] = ()) -> list[str]:
    """Return the sentences of ``html``'s main prose that hold an unexplained number."""
    parser = _Prose()
    parser.feed(html)
    text = "".join(parser.parts)
    strays = []
    for paragraph in text.split(PARAGRAPH):
        for sentence in re.split(r"(?<=[.!?])\s+", paragraph):
            if CITATION_MARK in sentence:
                continue  # a quoted fact with its citation
            cleaned = sentence
            for pattern in ALLOWED + list(allowlist):
                cleaned = re.sub(pattern, " ", cleaned)
            if NUMBER.search(cleaned):
                strays.append(" ".join(sentence.split()))
    return strays

"""Find quoted passages in built pages that are not verbatim from the quotes table.

How a quoted passage is recognised (the rule the site test applies):

* It is the text between a pair of double quotation marks, curly (U+201C ... U+201D) or
  straight ("..."), inside one paragraph of the page's main prose (``p``, ``li``, ``dd``,
  ``dt``, table cells of Markdown tables, captions). Single quotation marks are not read: the
  report uses them only inside double-quoted passages and in generated evidence text.
* Prose includes glued text (evidence sentences and Markdown glued from code), because a
  quotation glued from code is still printed to the reader.
* Not prose: code, program output, charts, the bibliography, navigation, the provenance footer
  and data tables rendered from a DataFrame (``table`` with a pandas ``T_`` id or class
  ``dataframe``): their cells are rows of the CSV files in ``data/``, displayed, not retyped.
* A passage passes if, after normalising white space, case, apostrophes, ellipses and inner
  quotation marks (a quote inside a quote is printed in single marks), it is a substring of
  one stored quote's text (with an ellipsis, every piece is, in order).
* A passage of at most :data:`TERM_MAX_WORDS` words is a term the report mentions or names
  ("further", "Bureaucracy Mailbox", "ultimate"), and so is one of the report's own defined
  labels (:data:`analysis.study.READING_LABELS`); these pass. This is the known limit of the
  check: a fabricated quotation of three words or fewer is not caught.
* Anything else is a quotation attributed to a source that is not in the table, and fails.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html.parser import HTMLParser

from analysis import study

TERM_MAX_WORDS = 3
#: The report's own labels, which it prints in quotation marks when it names them.
OWN_TERMS = frozenset(" ".join(v.split()).lower() for v in study.READING_LABELS.values())
PARAGRAPH = "\x01"
CITATION_MARK = "\x00CITE\x00"
SKIP_TAGS = ("script", "style", "code", "pre", "noscript", "nav", "header", "footer")
SKIP_CLASSES = {
    "cell_input", "highlight", "provenance", "vega-chart", "bibliography", "citation",
    "toctree-wrapper", "figure-downloads", "prev-next-area", "bd-sidebar-primary",
    "bd-sidebar-secondary", "bd-header-article", "bd-footer", "bd-toc", "footnote", "literal",
    "math", "dataframe", "std-numref", "caption-number",
}
BLOCKS = ("p", "li", "div", "dd", "dt", "td", "th", "figcaption", "caption", "tr")
_VOID = ("br", "img", "hr", "meta", "link", "input", "source", "wbr")
_PAIR = re.compile(r"\u201c([^\u201c\u201d]+)\u201d|\"([^\"]+)\"")


class _Prose(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[bool] = []
        self.parts: list[str] = []
        self.in_main = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            return
        attr = dict(attrs)
        cls = set((attr.get("class") or "").split())
        skip = (tag in SKIP_TAGS or bool(SKIP_CLASSES & cls)
                or (tag == "table" and (attr.get("id") or "").startswith("T_"))
                or bool(self.stack and self.stack[-1]))
        href = attr.get("href") or ""
        if tag == "a" and ("bibtex" in cls or "references.html#" in href or "#id" in href
                           and "reference" in cls):
            self.parts.append(CITATION_MARK)
            skip = True
        if tag == "article" or attr.get("role") == "main":
            self.in_main += 1
        self.stack.append(skip)

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        if self.stack:
            self.stack.pop()
        if tag in BLOCKS:
            self.parts.append(PARAGRAPH)

    def handle_data(self, data: str) -> None:
        if self.in_main and not (self.stack and self.stack[-1]):
            self.parts.append(data.replace("\n", " "))


def normalise(passage: str) -> str:
    """Collapse white space and case; unify apostrophes, inner quotes and ellipses."""
    s = passage.replace("\u2019", "'").replace("\u2018", "'").replace("...", "\u2026")
    s = s.replace('"', "'").replace("\u201c", "'").replace("\u201d", "'")
    s = re.sub(r"[,.](?=')", "", s)  # 'high-risk,' in the source reads 'high-risk' when cut
    return " ".join(s.split()).lower()


def quoted_passages(html: str) -> list[tuple[str, bool]]:
    """Every double-quoted passage of the page's prose, with whether its sentence cites."""
    parser = _Prose()
    parser.feed(html)
    found = []
    for paragraph in "".join(parser.parts).split(PARAGRAPH):
        for match in _PAIR.finditer(paragraph):
            passage = match.group(1) or match.group(2)
            # the sentence around the passage: to the next sentence end after it
            tail = paragraph[match.end():]
            end = re.search(r"[.!?](\s|$)", tail)
            sentence = paragraph[:match.start()].rsplit(". ", 1)[-1] + match.group(0) + (
                tail[:end.end()] if end else tail)
            found.append((normalise(passage.replace(CITATION_MARK, "")),
                          CITATION_MARK in sentence))
    return found


def is_stored(passage: str, quotes: Iterable[str]) -> bool:
    """Whether ``passage`` is verbatim (piecewise around ellipses) in one stored quote."""
    pieces = [p.strip(" ,;:.") for p in normalise(passage).split("\u2026")]
    pieces = [p for p in pieces if p]
    if not pieces:
        return True
    for quote in quotes:
        q = normalise(quote)
        at, ok = 0, True
        for piece in pieces:
            hit = q.find(piece, at)
            if hit < 0:
                ok = False
                break
            at = hit + len(piece)
        if ok:
            return True
    return False


def unsourced_quotes(html: str, quotes: Iterable[str]) -> list[str]:
    """Quoted passages of ``html`` that are neither stored quotes nor the report's terms."""
    stored = list(quotes)
    bad = []
    for passage, _cited in quoted_passages(html):
        if is_stored(passage, stored):
            continue
        if len(passage.split()) <= TERM_MAX_WORDS or passage in OWN_TERMS:
            continue  # a term the report mentions or defines, not a quotation of a source
        bad.append(passage)
    return bad

"""Escaping of untrusted text for every format the build writes: the one place for it.

Text from files a reader can edit (scenario files, data notes and organisation names, data
metadata, parameter values) passes through one of these functions wherever it lands:

* :func:`md_text` — MyST Markdown (pages, glued Markdown, footers): no role, directive,
  HTML, code span, math or block construct can start from the text.
* :func:`html_text` / :func:`html_attr` — HTML element content and attribute values (what
  the PDF is printed from, too).
* :func:`json_for_html` — JSON that is safe inside a ``<script>`` element and in a file a
  browser might sniff as HTML (the manifest, chart specs).
* :func:`bibtex_text` — a BibTeX field value inside braces.
* :func:`csv_cell` — a CSV cell a spreadsheet opens (no formula injection).

It sits below every other layer (it imports only the standard library), because the
narrative, chart and site layers all need it; putting it in ``analysis/site/`` would make the
lower layers import upwards. Each escaper has an inverse where one exists, so tests can check
that nothing is lost.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Iterable, Sequence
from typing import Any

__all__ = [
    "SLUG_PATTERN",
    "bibtex_text",
    "bibtex_unescape",
    "csv_cell",
    "csv_unescape",
    "html_attr",
    "html_text",
    "is_slug",
    "json_for_html",
    "md_inline",
    "md_table",
    "md_text",
    "md_unescape",
]

#: What a scenario name (and any other name that lands in file names and URLs) must match.
SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")

# Inline MyST/CommonMark markup: code, emphasis, tables, math, HTML, links, roles and
# substitutions ({...}), strikethrough, headings, entities, images, and the escape itself.
_MD_SPECIAL = re.compile(r"([\\`*_|$<>\[\]{}~#&!])")
# Constructs that only count at the start of a line: lists ("- ", "+ ", "1. ", "1) "),
# colon fences and definition lists (":"), comments ("%"), targets ("(x)="), block breaks
# ("+++"), setext/thematic rules ("=", "-"). A "." or ")" only counts after leading digits.
_MD_LINE_START = re.compile(r"^(\d{1,9}(?=[.)])|)([-+:%(=.)])")
_MD_UNESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")

_BIBTEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
}
_BIBTEX_RE = re.compile("|".join(re.escape(k) for k in _BIBTEX_SPECIAL))
_BIBTEX_INVERSE = {v: k for k, v in _BIBTEX_SPECIAL.items()}
_BIBTEX_UNRE = re.compile("|".join(re.escape(k) for k in
                                   sorted(_BIBTEX_INVERSE, key=len, reverse=True)))

_CSV_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$")

_JSON_HTML = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
              "\u2028": "\\u2028", "\u2029": "\\u2029"}


def _flat(text: Any) -> str:
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return ""
    return " ".join(str(text).split())


def is_slug(name: Any) -> bool:
    """Return whether ``name`` is a slug: lowercase letters, digits and hyphens.

    >>> is_slug("regulatory-brake"), is_slug("<img src=x>")
    (True, False)
    """
    return isinstance(name, str) and SLUG_PATTERN.fullmatch(name) is not None


def md_inline(text: str) -> str:
    """Escape the inline markup characters of ``text``; whitespace is kept as it is.

    For a piece put between other Markdown, never at the start of a line.
    """
    return _MD_SPECIAL.sub(r"\\\1", text)


def md_text(text: Any) -> str:
    r"""Return ``text`` as literal MyST Markdown on one line.

    Args:
        text: Any value; ``None`` and NaN become an empty string.

    Returns:
        Text that reads as itself in a paragraph, a list item or a pipe-table cell: markup
        characters are backslash-escaped and line breaks become spaces.

    >>> md_text("{eval-rst}`x` | $5")
    '\\{eval-rst\\}\\`x\\` \\| \\$5'
    >>> md_text("1. first")
    '1\\. first'
    """
    flat = md_inline(_flat(text))
    return _MD_LINE_START.sub(r"\1\\\2", flat)


def md_table(columns: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """Return a MyST pipe table. Cells must already be Markdown on one line.

    Args:
        columns: Header labels (plain text; escaped here).
        rows: One sequence of cells per row, as many as ``columns``.

    Returns:
        The table as text, ending with a newline.

    Raises:
        ValueError: A row has the wrong number of cells or a cell spans lines.
    """
    lines = ["| " + " | ".join(md_text(c) for c in columns) + " |",
             "|" + "|".join("---" for _ in columns) + "|"]
    for row in rows:
        cells = list(row)
        if len(cells) != len(columns):
            raise ValueError(f"row has {len(cells)} cells, the table has {len(columns)} columns")
        if any("\n" in c for c in cells):
            raise ValueError("a table cell must not contain a line break")
        lines.append("| " + " | ".join(c if c else " " for c in cells) + " |")
    return "\n".join(lines) + "\n"


def md_unescape(text: str) -> str:
    """Invert :func:`md_text` (up to the joined whitespace)."""
    return _MD_UNESCAPE.sub(r"\1", text)


def html_text(text: Any) -> str:
    """Return ``text`` escaped for HTML element content (``&``, ``<``, ``>``, quotes)."""
    return html.escape("" if text is None else str(text), quote=True)


def html_attr(text: Any) -> str:
    """Return ``text`` escaped for a double-quoted HTML attribute value, on one line."""
    return html.escape(_flat(text), quote=True)


def json_for_html(obj: Any, **dumps_kwargs: Any) -> str:
    r"""Return ``json.dumps(obj)`` with ``<``, ``>``, ``&`` and line separators as ``\u`` escapes.

    The same JSON value, with no way to close a ``<script>`` element or open a tag.

    Args:
        obj: Any JSON-serialisable value.
        **dumps_kwargs: Passed to :func:`json.dumps` (``indent``, ``sort_keys``, ...).

    >>> json_for_html({"a": "</script>"})
    '{"a": "\\u003c/script\\u003e"}'
    """
    text = json.dumps(obj, **dumps_kwargs)
    return re.sub("[<>&\u2028\u2029]", lambda m: _JSON_HTML[m.group(0)], text)


def bibtex_text(text: Any) -> str:
    r"""Return ``text`` as a BibTeX field value (to be put inside braces), on one line.

    Braces, backslashes and LaTeX's special characters are escaped, so the value cannot end
    its field, open a new entry or run a command.

    >>> bibtex_text("50% {x} @misc")
    '50\\% \\{x\\} @misc'
    """
    return _BIBTEX_RE.sub(lambda m: _BIBTEX_SPECIAL[m.group(0)], _flat(text))


def bibtex_unescape(text: str) -> str:
    """Invert :func:`bibtex_text` (up to the joined whitespace)."""
    return _BIBTEX_UNRE.sub(lambda m: _BIBTEX_INVERSE[m.group(0)], text)


def csv_cell(value: Any) -> Any:
    """Return a CSV cell that a spreadsheet shows as text, never runs as a formula.

    A text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (and not a
    plain number such as ``-3.5``) gets a leading apostrophe. Other values, including notes
    that open with a quotation mark (``'several hundred'``), are returned as they are.

    >>> csv_cell("=HYPERLINK(1)"), csv_cell("-3.5"), csv_cell(-2)
    ("'=HYPERLINK(1)", '-3.5', -2)
    """
    if not isinstance(value, str) or not value:
        return value
    if value.startswith(_CSV_TRIGGERS) and not _NUMBER.match(value):
        return "'" + value
    return value


def csv_unescape(value: Any) -> Any:
    """Invert :func:`csv_cell` (exact unless the original began with ``'=``, ``'+``, ...)."""
    if isinstance(value, str) and value[:1] == "'" and value[1:2] in _CSV_TRIGGERS \
            and value[1:2] and not _NUMBER.match(value[1:]):
        return value[1:]
    return value

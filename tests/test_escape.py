"""The escapers of untrusted text: examples and properties (no active construct; round trips)."""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it.renderer import RendererHTML
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.mdit import create_md_parser

from analysis import escape as E
from tests.inputs import HOSTILE

_MD = create_md_parser(
    MdParserConfig(enable_extensions={"colon_fence", "deflist", "substitution"}), RendererHTML)

text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=80)
punctuation_heavy = st.text(alphabet=st.sampled_from(list("`{}:[]()<>*_|$#%+-=.!&\\~'\" \n1aZ")),
                            max_size=40)


def _md_is_plain(escaped: str) -> bool:
    """True if ``escaped`` parses as one paragraph of plain text (or nothing)."""
    tokens = _MD.parse(escaped)
    if not tokens:
        return True
    if [t.type for t in tokens] != ["paragraph_open", "inline", "paragraph_close"]:
        return False
    return all(c.type in ("text", "softbreak") for c in tokens[1].children or [])


@pytest.mark.parametrize("raw", HOSTILE)
def test_hostile_examples_are_inert_in_every_format(raw):
    assert _md_is_plain(E.md_text(raw)), E.md_text(raw)
    assert "<" not in E.html_text(raw) and '"' not in E.html_attr(raw)
    assert not re.search(r"(?<!\\)[{}]", re.sub(r"\\text\w+\{\}", "", E.bibtex_text(raw)))
    assert "\n" not in E.md_text(raw) + E.bibtex_text(raw) + E.html_attr(raw)
    assert not str(E.csv_cell(raw)).startswith(("=", "+", "@", "\t", "\r")) or raw == "+1+1"
    assert "<" not in E.json_for_html({"k": raw})


@settings(max_examples=300, deadline=None)
@given(st.one_of(text, punctuation_heavy))
def test_markdown_escape_leaves_only_plain_text_and_round_trips(raw):
    escaped = E.md_text(raw)
    assert _md_is_plain(escaped), escaped
    assert "\n" not in escaped
    assert E.md_unescape(escaped) == " ".join(raw.split())


@settings(max_examples=200, deadline=None)
@given(st.one_of(text, punctuation_heavy))
def test_markdown_escape_is_plain_inside_a_sentence_and_a_table_cell(raw):
    tokens = _MD.parse(f"| a |\n|---|\n| {E.md_text(raw)} |\n")
    kinds = {c.type for t in tokens if t.type == "inline" for c in t.children or []}
    assert kinds <= {"text"}, kinds
    assert sum(t.type == "td_open" for t in tokens) == 1


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)


@settings(max_examples=200, deadline=None)
@given(st.one_of(text, punctuation_heavy))
def test_html_escape_opens_no_tag_and_round_trips(raw):
    import html

    parser = _Tags()
    parser.feed(f"<p>{E.html_text(raw)}</p><a title=\"{E.html_attr(raw)}\">x</a>")
    assert parser.tags == ["p", "a"]
    assert html.unescape(E.html_text(raw)) == raw


@settings(max_examples=200, deadline=None)
@given(st.one_of(text, punctuation_heavy))
def test_bibtex_escape_keeps_braces_balanced_and_round_trips(raw):
    escaped = E.bibtex_text(raw)
    depth = 0
    for match in re.finditer(r"\\.|[{}]", escaped):
        depth += {"{": 1, "}": -1}.get(match.group(0), 0)
        assert depth >= 0
    assert depth == 0 and "\n" not in escaped
    assert not re.search(r"(?<!\\)[%&$#_]", escaped)
    assert E.bibtex_unescape(escaped) == " ".join(raw.split())


@settings(max_examples=300, deadline=None)
@given(st.one_of(text, punctuation_heavy, st.integers(), st.floats(allow_nan=False)))
def test_csv_cell_never_starts_a_formula_and_round_trips(raw):
    cell = E.csv_cell(raw)
    if isinstance(raw, str) and raw:
        starts_formula = cell.startswith(("=", "+", "-", "@", "\t", "\r"))
        assert not starts_formula or re.fullmatch(r"[-+]?[\d.]+([eE][-+]?\d+)?", cell)
    if not (isinstance(raw, str) and raw[:1] == "'" and raw[1:2] in ("=", "+", "-", "@", "\t",
                                                                 "\r")):
        assert E.csv_unescape(cell) == raw
    if isinstance(raw, str) and raw.startswith("'"):
        assert cell == raw  # a note opening with a quotation mark is left alone
    buf = io.StringIO()
    csv.writer(buf).writerow([cell])
    assert next(csv.reader(io.StringIO(buf.getvalue()))) == [str(cell)]


@settings(max_examples=200, deadline=None)
@given(st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), text),
                    lambda c: st.lists(c, max_size=3) | st.dictionaries(text, c, max_size=3),
                    max_leaves=8))
def test_json_for_html_is_the_same_value_without_markup_characters(obj):
    out = E.json_for_html(obj, sort_keys=True)
    assert not re.search("[<>&\u2028\u2029]", out)
    assert json.loads(out) == obj


def test_slug_pattern():
    assert E.is_slug("baseline") and E.is_slug("a-1") and E.is_slug("x" * 64)
    for bad in ("", "-a", "A", "a_b", "a b", "x" * 65, "<img>", "a\n", None, 3):
        assert not E.is_slug(bad), bad

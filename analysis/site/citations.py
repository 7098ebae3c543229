"""Sphinx extension: author-year citations that tell apart same author, same year (2026a, 2026b).

sphinxcontrib-bibtex 2.7's ``author_year`` reference style prints the ``year`` field only, so
two Amazon releases of 2026 both render as "Amazon.com, Inc., 2026". This extension registers

* a pybtex label style, ``report_author_year``, that labels each entry "Author, Year" and adds
  a, b, c... to the year where two or more entries share author and year (in the bibliography's
  sort order, so the suffixes are stable);
* a pybtex formatting style, ``report``, the ``plain`` style with that label style;
* a reference style, ``report_author_year``, the ``author_year`` style whose year carries the
  suffix of the entry's label, so the text and the reference list agree.

``_config.yml`` selects them with ``bibtex_default_style: report`` and
``bibtex_reference_style: report_author_year``.
"""

from __future__ import annotations

import functools
import hashlib
import pickle
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any, ClassVar

import pybtex.plugin
from pybtex.backends.plaintext import Backend as PlainTextBackend
from pybtex.richtext import Text
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.labels import BaseLabelStyle
from pybtex.style.template import node
from sphinxcontrib.bibtex.plugin import register_plugin
from sphinxcontrib.bibtex.style.referencing import PersonStyle
from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle
from sphinxcontrib.bibtex.style.referencing.basic_author_year import (
    BasicAuthorYearParentheticalReferenceStyle,
    BasicAuthorYearTextualReferenceStyle,
)
from sphinxcontrib.bibtex.style.referencing.extra_author import ExtraAuthorReferenceStyle
from sphinxcontrib.bibtex.style.referencing.extra_empty import ExtraEmptyReferenceStyle
from sphinxcontrib.bibtex.style.referencing.extra_label import ExtraLabelReferenceStyle
from sphinxcontrib.bibtex.style.referencing.extra_year import ExtraYearReferenceStyle
from sphinxcontrib.bibtex.style.template import join, join2, post_text, pre_text, reference
from sphinxcontrib.bibtex.style.template import year as plain_year

from analysis.site.steps import write_atomic

__all__ = ["AuthorYearLabelStyle", "FormattedEntries", "ReportStyle",
           "SuffixedAuthorYearReferenceStyle", "author_year_labels", "entry_key", "suffixes",
           "setup"]

STYLE_NAME = "report"
LABEL_STYLE_NAME = "report_author_year"
REFERENCE_STYLE_NAME = "report_author_year"
_PERSON = PersonStyle()
#: One plain-text backend for every label: ``render_as("text")`` would look the backend up
#: through the package entry points on each call (8 s a build for 150 entries).
_TEXT = PlainTextBackend()


def suffixes(count: int) -> Iterator[str]:
    """Yield ``count`` year suffixes: a..z, then aa, ab, ... (as in author-year styles).

    >>> list(suffixes(3))
    ['a', 'b', 'c']
    """
    for i in range(count):
        out, n = "", i
        while True:
            out = chr(ord("a") + n % 26) + out
            n = n // 26 - 1
            if n < 0:
                break
        yield out


def _plain(entry: Any, template: Any) -> str:
    data = {"entry": entry, "style": SimpleNamespace(person=_PERSON)}
    out = template.format_data(data)
    return out if isinstance(out, str) else str(out.render(_TEXT))


def author_year_labels(sorted_entries: Iterable[Any]) -> list[str]:
    """Return "Author, Year" labels, suffixed a, b, ... where author and year repeat.

    Authors are formatted as the in-text citation formats them, so a label equals the text of
    the parenthetical citation.

    Args:
        sorted_entries: pybtex entries in the bibliography's order.

    Returns:
        One label per entry, all different when the entries' keys are.
    """
    entries = list(sorted_entries)
    bases = [(_plain(e, _PERSON.author_or_editor_or_title(full=False)),
              _plain(e, plain_year)) for e in entries]
    counts = Counter(bases)
    pending = {base: suffixes(n) for base, n in counts.items() if n > 1}
    labels = []
    for author, year in bases:
        extra = next(pending[(author, year)]) if (author, year) in pending else ""
        dash = "-" if extra and not year[-1:].isdigit() else ""  # "n.d.-a", as APA writes it
        labels.append(f"{author}, {year}{dash}{extra}")
    return labels


class AuthorYearLabelStyle(BaseLabelStyle):
    """pybtex label style: "Author, Year" with a/b suffixes for repeats."""

    def format_labels(self, sorted_entries: Iterable[Any]) -> Iterator[str]:
        """Yield one label per entry (see :func:`author_year_labels`)."""
        yield from author_year_labels(sorted_entries)


class FormattedEntries:
    """Formatted bibliography entries kept between renders of the same book.

    sphinxcontrib-bibtex formats every entry of the bibliography, twice (the entry and its
    tooltip), at every render, however few pages changed: about a second. An entry's
    formatting reads only the style, its label and the entry itself, so it is kept under a
    key made of those (:func:`entry_key`); the file lives in the render's persistent folder,
    which a change of the package, the configuration or the requirements replaces
    (:mod:`analysis.site.incremental`).

    Args:
        path: The file they are kept in (``None``: nowhere; every entry is formatted).
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._loaded: dict[str, bytes] = {}
        self._used: dict[str, bytes] = {}
        if path is not None:
            try:
                self._loaded = pickle.loads(path.read_bytes())  # noqa: S301 (our own file)
            except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError):
                self._loaded = {}
        self._kept = dict(self._loaded)

    def get(self, key: str) -> Any | None:
        """The formatted entry kept under ``key`` (a fresh copy), or ``None``."""
        data = self._kept.get(key)
        if data is None:
            return None
        self._used[key] = data
        return pickle.loads(data)  # noqa: S301 (our own file)

    def put(self, key: str, formatted: Any) -> None:
        """Keep ``formatted`` under ``key``."""
        self._used[key] = self._kept[key] = pickle.dumps(formatted,
                                                         protocol=pickle.HIGHEST_PROTOCOL)

    def save(self) -> None:
        """Write the entries this render used (only those: the file does not grow)."""
        if self.path is None or self._used == self._loaded:
            return
        write_atomic(self.path, pickle.dumps(self._used, protocol=pickle.HIGHEST_PROTOCOL))


def entry_key(style: type, label: str, entry: Any) -> str:
    """What formatting ``entry`` under ``label`` with ``style`` reads, as a hash."""
    persons = [(role, [(p.first_names, p.middle_names, p.prelast_names, p.last_names,
                        p.lineage_names) for p in people])
               for role, people in entry.persons.items()]
    blob = repr((style.__module__, style.__qualname__, label, entry.key, entry.type,
                 list(entry.fields.items()), persons))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


class ReportStyle(PlainStyle):
    """pybtex's ``plain`` formatting style with :class:`AuthorYearLabelStyle` labels.

    Entries formatted at an earlier render are taken from :attr:`kept` when it is set.
    """

    default_label_style = LABEL_STYLE_NAME
    #: The render's kept entries (set when its builder starts; ``None``: format them all).
    kept: ClassVar[FormattedEntries | None] = None

    def format_entry(self, label: str, entry: Any, bib_data: Any = None) -> Any:
        """Format ``entry``, or take it from :attr:`kept` (cross-referenced data: always)."""
        kept = ReportStyle.kept
        if kept is None or bib_data is not None:
            return super().format_entry(label, entry, bib_data)
        key = entry_key(type(self), label, entry)
        found = kept.get(key)
        if found is None:
            found = super().format_entry(label, entry, bib_data)
            kept.put(key, found)
        return found


_SUFFIX = re.compile(r"([a-z]+)$")


@node
def suffixed_year(children: Any, data: dict[str, Any]) -> Text:
    """The entry's year plus the suffix its label carries (``2026a``)."""
    assert not children
    base = plain_year.format_data(data)
    label = str(getattr(data.get("formatted_entry"), "label", ""))
    match = _SUFFIX.search(label)
    head = label[:match.start()] if match else ""
    head = head[:-1] if head.endswith("-") else head
    tail = "" if not match or not head.endswith(str(base)) else label[len(head):]
    return Text(base, tail)


@dataclass
class _Parenthetical(BasicAuthorYearParentheticalReferenceStyle):
    def inner(self, role_name: str) -> Any:
        return join2(sep1=self.pre_text_sep, sep2=self.post_text_sep)[
            pre_text,
            reference[join(sep=self.author_year_sep)[
                self.person.author_or_editor_or_title(full="s" in role_name),
                suffixed_year]],
            post_text,
        ]


@dataclass
class _Textual(BasicAuthorYearTextualReferenceStyle):
    def inner(self, role_name: str) -> Any:
        return join(sep=self.text_reference_sep)[
            self.person.author_or_editor_or_title(full="s" in role_name),
            join[self.bracket.left,
                 join2(sep1=self.pre_text_sep, sep2=self.post_text_sep)[
                     pre_text, reference[suffixed_year], post_text],
                 self.bracket.right],
        ]


@dataclass
class SuffixedAuthorYearReferenceStyle(AuthorYearReferenceStyle):
    """``author_year`` with the label's a/b suffix on every year it prints."""

    def __post_init__(self) -> None:
        self.styles.extend([
            _Parenthetical(bracket=self.bracket_parenthetical, person=self.person,
                           author_year_sep=self.author_year_sep,
                           pre_text_sep=self.pre_text_sep, post_text_sep=self.post_text_sep),
            _Textual(bracket=self.bracket_textual, person=self.person,
                     text_reference_sep=self.text_reference_sep,
                     pre_text_sep=self.pre_text_sep, post_text_sep=self.post_text_sep),
            ExtraAuthorReferenceStyle(bracket=self.bracket_author, person=self.person),
            ExtraLabelReferenceStyle(bracket=self.bracket_label),
            ExtraYearReferenceStyle(bracket=self.bracket_year),
            ExtraEmptyReferenceStyle(),
        ])
        # GroupReferenceStyle's own __post_init__ maps role names to the styles above.
        super(AuthorYearReferenceStyle, self).__post_init__()


def register() -> None:
    """Register the three styles with pybtex and sphinxcontrib-bibtex (idempotent)."""
    pybtex.plugin.register_plugin("pybtex.style.labels", LABEL_STYLE_NAME,
                                  AuthorYearLabelStyle, force=True)
    pybtex.plugin.register_plugin("pybtex.style.formatting", STYLE_NAME, ReportStyle,
                                  force=True)
    register_plugin("sphinxcontrib.bibtex.style.referencing", REFERENCE_STYLE_NAME,
                    SuffixedAuthorYearReferenceStyle, force=True)


def memoise_plugin_lookup() -> None:
    """Make ``pybtex.plugin.find_plugin`` remember its answers (idempotent).

    pybtex looks a plugin up through every installed package's entry points on each call, and
    sphinxcontrib-bibtex calls it once per citation and per entry: about 3 s of a 10 s render.
    The answers cannot change once :func:`register` has run, so they are kept.
    """
    original = pybtex.plugin.find_plugin
    if getattr(original, "memoised", False):
        return
    found: dict[tuple[Any, ...], Any] = {}

    @functools.wraps(original)
    def find_plugin(plugin_group: str, name: Any = None, filename: Any = None) -> Any:
        key = (plugin_group, name, filename)
        if key not in found:
            found[key] = original(plugin_group, name, filename)
        return found[key]

    find_plugin.memoised = True  # type: ignore[attr-defined]
    pybtex.plugin.find_plugin = find_plugin


#: The file of formatted entries, in the doctree folder (kept by the persistent render).
FORMATTED_FILE = "formatted-citations.pickle"


def _open_kept(app: Any) -> None:
    ReportStyle.kept = FormattedEntries(Path(app.doctreedir) / FORMATTED_FILE)


def _save_kept(app: Any, exception: Exception | None) -> None:
    kept, ReportStyle.kept = ReportStyle.kept, None
    if kept is not None and exception is None:
        kept.save()


def setup(app: Any) -> dict[str, Any]:
    """Sphinx entry point: register the styles before the bibliography is read."""
    register()
    memoise_plugin_lookup()
    app.connect("builder-inited", _open_kept)
    app.connect("build-finished", _save_kept)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

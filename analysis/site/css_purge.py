r"""Drop the theme's style rules that no page of the site can match.

pydata-sphinx-theme ships one 390 KiB stylesheet (Bootstrap, FontAwesome's 1,900 icon classes,
every component of the theme) and every page waits for it before its first paint; a page of
this report matches a small part of it. After the build, each theme stylesheet is rewritten
without the rules whose every selector names a class or an id that appears in no page and in
no script of the site.

The test is conservative, rule by rule:

- A class or id counts as used if it is in a ``class`` or ``id`` attribute of any HTML file of
  the site, or is a word anywhere in any of its JavaScript files (scripts add classes from
  string literals), or starts with a prefix in :data:`SAFE_PREFIXES` (Bootstrap builds
  ``bs-tooltip-auto`` and the like from parts).
- Inside ``:not()``, ``:is()``, ``:where()``, ``:has()`` and attribute selectors nothing is
  required: ``:not(.x)`` matches where ``.x`` is absent.
- A rule is kept whole, with all its selectors, if any one of them may match; a selector with
  a CSS escape (a backslash) always may. So a rule the browser uses is never changed.
- At-rules without style rules inside (``@font-face``, ``@keyframes``, ``@page``, ``@charset``,
  ``@import``) are kept; ``@media`` and ``@supports`` blocks are purged inside and dropped if
  empty.
"""

from __future__ import annotations

import hashlib
import pickle
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from analysis.site.steps import write_atomic

__all__ = ["SAFE_PREFIXES", "purge_css", "purge_site", "split_rules", "used_names"]

# Class names scripts build from parts (Bootstrap: `bs-${name}-auto`, `bs-${name}-${placement}`).
SAFE_PREFIXES = ("bs-",)
# At-rules whose block holds style rules (purged inside); every other at-rule is kept as is.
GROUPING_AT_RULES = ("@media", "@supports", "@container", "@layer", "@document")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_CLASS_ATTR = re.compile(r"""\bclass\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
_ID_ATTR = re.compile(r"""\bid\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
_SELECTOR_NAME = re.compile(r"([.#])(-?[A-Za-z_][A-Za-z0-9_-]*)")


@dataclass
class Rule:
    """One top-level piece of a stylesheet: a style rule, an at-rule or a statement.

    Attributes:
        prelude: The selector list or the at-rule's prelude (``@media (min-width: 540px)``).
        body: The block's text without its braces (``None`` for a statement).
        children: For a grouping at-rule, the rules inside its block.
    """

    prelude: str
    body: str | None
    children: list[Rule] = field(default_factory=list)

    def text(self) -> str:
        """The rule as CSS."""
        if self.body is None:
            return self.prelude
        if self.children:
            return f"{self.prelude}{{{''.join(c.text() for c in self.children)}}}"
        return f"{self.prelude}{{{self.body}}}"


def _skip_comment_or_string(css: str, i: int) -> int:
    """If a comment or a string starts at ``i``, return the index after it, else ``i``."""
    if css.startswith("/*", i):
        end = css.find("*/", i + 2)
        return len(css) if end < 0 else end + 2
    if css[i] in "\"'":
        quote, j = css[i], i + 1
        while j < len(css) and css[j] != quote:
            j += 2 if css[j] == "\\" else 1
        return j + 1
    return i


def _strip_comments(css: str) -> str:
    out, i = [], 0
    while i < len(css):
        j = _skip_comment_or_string(css, i)
        if j == i:
            out.append(css[i])
            i += 1
        else:
            if not css.startswith("/*", i):
                out.append(css[i:j])  # a string, kept
            i = j
    return "".join(out)


def split_rules(css: str) -> list[Rule]:
    """Split a stylesheet into its top-level rules (comments dropped).

    Args:
        css: A stylesheet.

    Returns:
        The rules in order; grouping at-rules (``@media`` ...) hold their rules as children.

    Raises:
        ValueError: If the braces do not balance.
    """
    css = _strip_comments(css)
    rules: list[Rule] = []
    i, start, n = 0, 0, len(css)
    while i < n:
        j = _skip_comment_or_string(css, i)
        if j != i:
            i = j
            continue
        ch = css[i]
        if ch == ";" and css[start:i].strip().startswith("@"):
            rules.append(Rule(css[start:i + 1].strip(), None))
            start = i + 1
        elif ch == "{":
            depth, k = 1, i + 1
            while k < n and depth:
                m = _skip_comment_or_string(css, k)
                if m != k:
                    k = m
                    continue
                depth += {"{": 1, "}": -1}.get(css[k], 0)
                k += 1
            if depth:
                raise ValueError("unbalanced braces in stylesheet")
            prelude, body = css[start:i].strip(), css[i + 1:k - 1]
            rule = Rule(prelude, body)
            if prelude.lower().startswith(GROUPING_AT_RULES):
                rule.children = split_rules(body)
            rules.append(rule)
            i = start = k
            continue
        elif ch == "}":
            raise ValueError("unbalanced braces in stylesheet")
        i += 1
    if css[start:].strip():
        rules.append(Rule(css[start:].strip(), None))
    return rules


def used_names(html_texts: Iterable[str], js_texts: Iterable[str]) -> tuple[set[str], set[str]]:
    """Return the class names and ids a page or a script of the site may use.

    Args:
        html_texts: The site's HTML files.
        js_texts: The site's JavaScript files (every word counts, as a class and as an id).

    Returns:
        ``(classes, ids)``.
    """
    classes: set[str] = set()
    ids: set[str] = set()
    for text in html_texts:
        for m in _CLASS_ATTR.finditer(text):
            classes.update((m.group(1) or m.group(2) or "").split())
        for m in _ID_ATTR.finditer(text):
            ids.add((m.group(1) or m.group(2) or "").strip())
    for text in js_texts:
        words = set(_WORD.findall(text))
        classes |= words
        ids |= words
    return classes, ids


def _split_top_level(text: str, sep: str = ",") -> list[str]:
    parts, depth, start, i = [], 0, 0, 0
    while i < len(text):
        j = _skip_comment_or_string(text, i)
        if j != i:
            i = j
            continue
        ch = text[i]
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch == sep and depth == 0:
            parts.append(text[start:i])
            start = i + 1
        i += 1
    parts.append(text[start:])
    return parts


def _required_names(selector: str) -> str:
    """The selector without its bracketed and parenthesised parts (nothing in them is required)."""
    out, depth, i = [], 0, 0
    while i < len(selector):
        j = _skip_comment_or_string(selector, i)
        if j != i:
            i = j
            continue
        ch = selector[i]
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif depth == 0:
            out.append(ch)
        i += 1
    return "".join(out)


def _may_match(selector: str, classes: set[str], ids: set[str]) -> bool:
    if "\\" in selector:
        return True
    for kind, name in _SELECTOR_NAME.findall(_required_names(selector)):
        if kind == "." and name not in classes and not name.startswith(SAFE_PREFIXES):
            return False
        if kind == "#" and name not in ids:
            return False
    return True


def _purge_rules(rules: list[Rule], classes: set[str], ids: set[str]) -> list[Rule]:
    kept = []
    for rule in rules:
        if rule.body is None or rule.prelude.startswith("@"):
            if rule.prelude.lower().startswith(GROUPING_AT_RULES) and rule.children:
                rule.children = _purge_rules(rule.children, classes, ids)
                if not rule.children:
                    continue
            kept.append(rule)
        elif any(_may_match(s, classes, ids) for s in _split_top_level(rule.prelude)):
            kept.append(rule)
    return kept


def purge_css(css: str, classes: set[str], ids: set[str], cache_dir: Path | None = None
              ) -> str:
    """Return ``css`` without the style rules no selector of which may match.

    Args:
        css: A stylesheet.
        classes: The class names in use (see :func:`used_names`).
        ids: The ids in use.
        cache_dir: Where parsed stylesheets are kept between builds (``None``: nowhere).

    Returns:
        The smaller stylesheet (comments, including a source map reference, dropped).
    """
    if cache_dir is None:
        return _purged(css, classes, ids, None)
    # The result for the same stylesheet and the same names in use, from an earlier build:
    # a build that changes a chapter's numbers seldom changes which names its pages use.
    # Only the names the stylesheet mentions can change what is kept (a selector is dropped
    # when one of its own names is not in use), so only they enter the key: a chart's id,
    # which changes with its data and which no stylesheet names, does not purge again.
    mentioned = _mentioned(css)
    names = ("\n".join(sorted(c for c in classes if (".", c) in mentioned)) + "\0"
             + "\n".join(sorted(i for i in ids if ("#", i) in mentioned)))
    path = cache_dir / (f"{hashlib.sha256(css.encode()).hexdigest()[:32]}-"
                        f"{hashlib.sha256(names.encode()).hexdigest()[:32]}.css")
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        pass
    purged = _purged(css, classes, ids, cache_dir)
    write_atomic(path, purged.encode("utf-8"))
    return purged


def _mentioned(css: str) -> set[tuple[str, str]]:
    """Every ``(".", class)`` and ``("#", id)`` the text of ``css`` could name in a selector.

    More than the selectors name (the pattern also finds colours and fragments), never fewer:
    it is the pattern :func:`_may_match` reads the selectors with.
    """
    return set(_SELECTOR_NAME.findall(css))


def _purged(css: str, classes: set[str], ids: set[str], cache_dir: Path | None) -> str:
    return "".join(r.text() for r in _purge_rules(_parsed(css, cache_dir), classes, ids)) + "\n"


def _parsed(css: str, cache_dir: Path | None) -> list[Rule]:
    """:func:`split_rules` of ``css``, kept in ``cache_dir`` under the hash of the text.

    The theme's stylesheets are the same at every build and parsing the largest takes about
    half a second; what is used of them changes with the pages, so only the parse is kept.
    """
    if cache_dir is None:
        return split_rules(css)
    path = cache_dir / f"{hashlib.sha256(css.encode()).hexdigest()[:32]}.pickle"
    try:
        with path.open("rb") as fh:
            return pickle.load(fh)  # noqa: S301 (our own file, named by its input's hash)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
        pass
    rules = split_rules(css)
    write_atomic(path, pickle.dumps(rules, protocol=pickle.HIGHEST_PROTOCOL))
    return rules


def purge_site(outdir: Path, stylesheets: Iterable[str], cache_dir: Path | None = None
               ) -> dict[str, tuple[int, int]]:
    """Purge the named stylesheets of a built site in place.

    Args:
        outdir: The HTML output directory.
        stylesheets: Glob patterns relative to ``outdir`` (e.g. ``_static/styles/*.css``).
        cache_dir: Where the parsed stylesheets are kept between builds (``None``: nowhere).

    Returns:
        For each file rewritten, its size in bytes before and after. A file's source map
        (``<name>.map``) is deleted with it.
    """
    pages = [p.read_text(encoding="utf-8", errors="replace") for p in outdir.rglob("*.html")]
    # Every script, but not Sphinx's search index: it is data (every word of every page).
    scripts = [p.read_text(encoding="utf-8", errors="replace") for p in outdir.rglob("*.js")
               if p.name != "searchindex.js"]
    classes, ids = used_names(pages, scripts)
    sizes = {}
    for pattern in stylesheets:
        for path in sorted(outdir.glob(pattern)):
            before = path.read_text(encoding="utf-8")
            after = purge_css(before, classes, ids, cache_dir)
            path.write_text(after, encoding="utf-8")
            # Its source map described the whole file (the reference to it is gone with the
            # comments).
            path.with_name(path.name + ".map").unlink(missing_ok=True)
            sizes[str(path.relative_to(outdir))] = (len(before.encode()), len(after.encode()))
    return sizes

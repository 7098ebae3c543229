"""Unit tests of the stylesheet purge (analysis.site.css_purge)."""

from __future__ import annotations

import pytest

from analysis.site.css_purge import purge_css, purge_site, split_rules, used_names

CSS = (
    '@charset "UTF-8";/* a comment { with a brace */'
    ".used{color:red}.unused{color:blue}.used .unused{margin:0}"
    ".unused,.used>p{padding:0}"
    "p:not(.unused){border:0}div:is(.unused,.x) a{top:0}[class*=col-]{left:0}"
    "#main{width:1px}#nowhere{width:2px}"
    '.icon:before{content:"}"}'
    "@media (min-width:540px){.unused{float:left}.used{float:right}}"
    "@media print{.unused{display:none}}"
    "@font-face{font-family:X;src:url(x.woff2)}"
    "@keyframes spin{0%{opacity:0}to{opacity:1}}"
    ".bs-tooltip-auto{z-index:1}.a\\:b{color:green}"
)
CLASSES = {"used", "icon"}
IDS = {"main"}


def test_unused_rules_go_and_used_ones_stay_whole():
    out = purge_css(CSS, CLASSES, IDS)
    assert out.startswith('@charset "UTF-8";')
    assert ".used{color:red}" in out and ".unused{color:blue}" not in out
    assert ".used .unused{" not in out  # needs both classes
    assert ".unused,.used>p{padding:0}" in out  # one selector may match: kept whole
    assert "#main{" in out and "#nowhere" not in out
    assert '.icon:before{content:"}"}' in out  # a brace in a string is not a block
    assert "comment" not in out


def test_nothing_is_required_inside_not_is_or_attribute_selectors():
    out = purge_css(CSS, CLASSES, IDS)
    assert "p:not(.unused){border:0}" in out
    assert "div:is(.unused,.x) a{top:0}" in out
    assert "[class*=col-]{left:0}" in out


def test_media_blocks_are_purged_inside_and_dropped_when_empty():
    out = purge_css(CSS, CLASSES, IDS)
    assert "@media (min-width:540px){.used{float:right}}" in out
    assert "@media print" not in out


def test_font_faces_keyframes_built_and_escaped_names_are_kept():
    out = purge_css(CSS, CLASSES, IDS)
    assert "@font-face{font-family:X;src:url(x.woff2)}" in out
    assert "@keyframes spin{0%{opacity:0}to{opacity:1}}" in out
    assert ".bs-tooltip-auto{z-index:1}" in out  # Bootstrap builds these names from parts
    assert ".a\\:b{color:green}" in out


def test_purging_twice_changes_nothing_more():
    once = purge_css(CSS, CLASSES, IDS)
    assert purge_css(once, CLASSES, IDS) == once


def test_unbalanced_braces_are_refused():
    with pytest.raises(ValueError, match="unbalanced"):
        split_rules(".a{color:red")


def test_scripts_count_every_word_and_pages_their_attributes():
    classes, ids = used_names(['<div class="a b" id="top">', "<p class='c'>"],
                              ['el.classList.add("show-more")'])
    assert {"a", "b", "c", "show-more", "classList"} <= classes
    assert {"top", "show-more"} <= ids


def test_site_purge_reads_pages_and_scripts_but_not_the_search_index(tmp_path):
    (tmp_path / "_static").mkdir()
    (tmp_path / "page.html").write_text('<p class="kept">x</p>', encoding="utf-8")
    (tmp_path / "_static" / "app.js").write_text('x.className = "scripted";', encoding="utf-8")
    (tmp_path / "searchindex.js").write_text('Search.setIndex({"terms": ["indexed"]})',
                                            encoding="utf-8")
    css = tmp_path / "_static" / "theme.css"
    css.write_text(".kept{a:1}.scripted{b:2}.indexed{c:3}.gone{d:4}", encoding="utf-8")
    (tmp_path / "_static" / "theme.css.map").write_text("{}", encoding="utf-8")
    sizes = purge_site(tmp_path, ["_static/*.css"])
    assert css.read_text(encoding="utf-8") == ".kept{a:1}.scripted{b:2}\n"
    assert not (tmp_path / "_static" / "theme.css.map").exists()
    before, after = sizes["_static/theme.css"]
    assert after < before


def test_a_kept_parse_gives_the_same_purge_and_a_broken_one_is_parsed_again(tmp_path):
    cache = tmp_path / "parsed"
    fresh = purge_css(CSS, CLASSES, IDS)
    assert purge_css(CSS, CLASSES, IDS, cache) == fresh  # parsed and kept
    (kept,) = cache.glob("*.pickle")
    # Other pages use other names: the kept parse serves them too.
    assert purge_css(CSS, {"unused"}, set(), cache) == purge_css(CSS, {"unused"}, set())
    kept.write_bytes(b"not a pickle")
    assert purge_css(CSS, CLASSES | {"other"}, IDS, cache) == purge_css(CSS, CLASSES, IDS)
    assert purge_css(CSS + ".more{x:1}", {"more"}, set(), cache).endswith(".more{x:1}\n")
    assert len(list(cache.glob("*.pickle"))) == 2  # one per stylesheet text


def test_a_kept_purge_serves_the_same_stylesheet_and_names_only(tmp_path):
    cache = tmp_path / "parsed"
    fresh = purge_css(CSS, CLASSES, IDS, cache)
    (kept,) = cache.glob("*.css")
    assert kept.read_text(encoding="utf-8") == fresh
    kept.write_text("/* kept */\n", encoding="utf-8")
    assert purge_css(CSS, set(CLASSES), set(IDS), cache) == "/* kept */\n"  # read, not redone
    # Other names in use, or another stylesheet: purged afresh, each kept under its own key.
    assert purge_css(CSS, {"unused"}, set(), cache) == purge_css(CSS, {"unused"}, set())
    assert purge_css(CSS, CLASSES, IDS | {"nowhere"}, cache) == purge_css(
        CSS, CLASSES, IDS | {"nowhere"})
    assert len(list(cache.glob("*.css"))) == 3
    # Names the stylesheet never mentions (a chart's id, changing with its data) cannot change
    # the purge: the kept one is read.
    assert purge_css(CSS, CLASSES | {"chart-x"}, IDS | {"vg-0123"}, cache) == "/* kept */\n"
    assert len(list(cache.glob("*.css"))) == 3
    assert not list(cache.glob("*.tmp"))

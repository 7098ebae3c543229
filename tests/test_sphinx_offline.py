"""The Sphinx extension's hooks for the persistent render: the search index and the templates."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from jinja2 import FileSystemBytecodeCache, FileSystemLoader
from jinja2.sandbox import SandboxedEnvironment
from sphinx.search import js_index

from analysis.site import sphinx_offline
from analysis.site.sphinx_offline import COMPILED_TEMPLATES, drop_stale_search_terms


def _index(terms: dict, titleterms: dict) -> str:
    return js_index.dumps({"docnames": ["a", "b"], "terms": terms, "titleterms": titleterms,
                           "titles": ["A", "B"]})


def test_words_no_page_holds_leave_the_search_index_and_nothing_else_changes():
    stale = _index({"131k": [0, 1], "132k": [], "ai": 0}, {"capex": [], "cuts": 1})
    fresh = _index({"131k": [0, 1], "ai": 0}, {"cuts": 1})
    assert drop_stale_search_terms(stale) == fresh
    assert drop_stale_search_terms(fresh) == fresh  # a render from nothing is left as it is


def test_the_hook_rewrites_the_written_index_only_after_a_good_html_build(tmp_path: Path):
    stale = _index({"132k": [], "ai": 0}, {})
    (tmp_path / "searchindex.js").write_text(stale, encoding="utf-8")
    html = SimpleNamespace(outdir=str(tmp_path), builder=SimpleNamespace(format="html"))
    sphinx_offline._clean_search_index(html, RuntimeError("failed"))
    assert (tmp_path / "searchindex.js").read_text(encoding="utf-8") == stale
    sphinx_offline._clean_search_index(html, None)
    assert (tmp_path / "searchindex.js").read_text(encoding="utf-8") == _index({"ai": 0}, {})


def test_compiled_templates_are_kept_beside_the_output_and_reused(tmp_path: Path):
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "page.html").write_text("<p>{{ title }}</p>", encoding="utf-8")
    outdir = tmp_path / "out" / "html"

    class Counting(SandboxedEnvironment):
        compiled = 0

        def compile(self, *args, **kwargs):
            Counting.compiled += 1
            return super().compile(*args, **kwargs)

    def render(text: str) -> tuple[str, SandboxedEnvironment]:
        env = Counting(loader=FileSystemLoader(str(templates)))  # a new render's environment
        app = SimpleNamespace(outdir=str(outdir),
                              builder=SimpleNamespace(templates=SimpleNamespace(environment=env)))
        sphinx_offline._keep_compiled_templates(app)
        return env.get_template("page.html").render(title=text), env

    first, env = render("one")
    assert first == "<p>one</p>" and Counting.compiled == 1
    assert isinstance(env.bytecode_cache, FileSystemBytecodeCache)
    assert len(list((tmp_path / "out" / COMPILED_TEMPLATES).iterdir())) == 1
    # The next render loads the compiled template; an edited one is compiled again.
    assert render("two")[0] == "<p>two</p>" and Counting.compiled == 1
    (templates / "page.html").write_text("<h1>{{ title }}</h1>", encoding="utf-8")
    assert render("three")[0] == "<h1>three</h1>" and Counting.compiled == 2


def test_a_builder_without_jinja_templates_is_left_alone(tmp_path: Path):
    app = SimpleNamespace(outdir=str(tmp_path / "out"), builder=SimpleNamespace())
    sphinx_offline._keep_compiled_templates(app)
    assert not (tmp_path / COMPILED_TEMPLATES).exists()

"""The quote scanner itself: it must fail on a fabricated quote and pass stored ones."""

from __future__ import annotations

from tests.quote_check import is_stored, quoted_passages, unsourced_quotes

STORED = ["In their place, Amazon is creating a smaller number of elite, highly-specialized "
          "positions in AI and machine learning.",
          'Amazon is positioning AWS as the "utility" for the AI era.',
          "not really financially driven, and it's not even really AI-driven\u2026 it's culture"]
CITE = '<a class="reference internal" href="references.html#id1">[Source, 2025]</a>'


def page(body: str) -> str:
    return ("<html><body><nav>\u201cmenu words here now\u201d</nav>"
            f"<article>{body}</article></body></html>")


def test_a_fabricated_quote_fails():
    html = page("<p>The memo says \u201cAmazon will replace every manager with AI\u201d "
                f"{CITE}.</p>")
    assert unsourced_quotes(html, STORED) == ["amazon will replace every manager with ai"]


def test_a_paraphrase_in_quotation_marks_fails_and_without_them_passes():
    reworded = page("<p>It says \u201cAmazon is hiring elite AI positions in their "
                    "place\u201d.</p>")
    assert unsourced_quotes(reworded, STORED) != []
    plain = page("<p>It says Amazon is hiring elite AI positions in their place.</p>")
    assert unsourced_quotes(plain, STORED) == []


def test_straight_quotes_glued_text_and_stored_excerpts_pass():
    html = page('<p>It says <span class="pasted-text">"a smaller number of elite, '
                'highly-specialized positions"</span> and "in their place, Amazon is creating"'
                f" {CITE}.</p>")
    assert unsourced_quotes(html, STORED) == []
    straight = page('<p>It says "a smaller number of elite specialists" instead.</p>')
    assert unsourced_quotes(straight, STORED) == ["a smaller number of elite specialists"]


def test_inner_quotes_ellipses_and_apostrophes_are_normalised():
    html = page("<p>AWS as \u201cthe \u2018utility\u2019 for the AI era\u201d; the cuts are "
                "\u201cnot really financially driven ... it\u2019s culture\u201d.</p>")
    assert unsourced_quotes(html, STORED) == []
    assert not is_stored("not really AI-driven \u2026 it's culture", STORED)  # order matters
    assert is_stored("classes it as 'high-risk'", ['classes it as "high-risk," demanding'])


def test_short_terms_pass_but_code_bibliography_and_data_tables_are_not_read():
    html = page('<p>"Further" cuts, read "before 1 Jan 2027".</p>'
                '<pre>"a fabricated passage in code"</pre>'
                '<div class="bibliography"><p>\u201cA Title Of Some Article\u201d</p></div>'
                '<table id="T_abc"><tr><td>"a data cell with a quote"</td></tr></table>')
    assert unsourced_quotes(html, STORED) == []
    assert [p for p, _ in quoted_passages(html)] == ["further", "before 1 jan 2027"]


def test_markdown_tables_are_prose():
    html = page('<table class="table"><tr><td>\u201cInvented words in a table cell\u201d</td>'
                "</tr></table>")
    assert unsourced_quotes(html, STORED) == ["invented words in a table cell"]

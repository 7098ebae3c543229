"""The stray-number scanner itself: it must flag typed numbers and pass glued or cited ones."""

from __future__ import annotations

from tests.prose_check import stray_numbers


def page(body: str) -> str:
    return ("<html><body><nav>Menu 12</nav>"
            f"<article class='bd-article'>{body}</article></body></html>")


def test_typed_number_is_flagged():
    assert stray_numbers(page("<p>Amazon cut 1,234 roles.</p>")) == ["Amazon cut 1,234 roles."]


def test_glued_number_passes():
    html = page('<p>Amazon cut <span class="pasted-text">1,234</span> roles.</p>')
    assert stray_numbers(html) == []


def test_cited_fact_passes_but_only_in_its_sentence():
    html = page('<p>Amazon cut 14,000 roles <a class="reference internal" '
                'href="references.html#id1">Reuters</a>. It saved 3.1% more.</p>')
    assert stray_numbers(html) == ["It saved 3.1% more."]


def test_dates_years_and_figure_references_pass():
    html = page('<p>On 28 Oct 2025 and in January 2026, in 2027, FY2025 and Q1 2026 '
                '(<a class="reference internal" href="#f"><span class="std std-numref">'
                'Fig. 3</span></a>).</p>')
    assert stray_numbers(html) == []


def test_navigation_outside_the_article_is_ignored():
    assert stray_numbers(page("<p>No numbers here.</p>")) == []


def test_code_names_are_found_in_glued_prose_but_not_in_code():
    from tests.prose_check import code_names_in_prose

    html = page('<p>The top input is <span class="pasted-text">ai_adoption_midpoint_year</span>.'
                '</p><p>Set <code class="literal">mc_draws</code> to go faster.</p>'
                '<figure><figcaption>By mc_draws.</figcaption></figure>')
    hits = code_names_in_prose(html, ["ai_adoption_midpoint_year", "mc_draws"])
    assert [h.split(":")[0] for h in hits] == ["ai_adoption_midpoint_year", "mc_draws"]
    assert code_names_in_prose(page("<p>An AI adoption midpoint.</p>"), ["mc_draws"]) == []

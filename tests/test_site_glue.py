"""Unit tests of the site glue: chart sizing for the page, meta descriptions, the redirect."""

from __future__ import annotations

import json

import altair as alt
import nbformat
import pandas as pd

from analysis.charts import FIGURE_MIMETYPE, render_mimebundle, responsive_spec, setup
from analysis.site.execute import reserve_chart_heights
from analysis.site.sphinx_offline import meta_description, redirect_page


def _chart() -> alt.LayerChart:
    frame = pd.DataFrame({"x": [1, 2, 3], "y": [3.0, 1.0, 2.0]})
    line = alt.Chart(frame).mark_line().encode(x="x:Q", y="y:Q")
    return alt.layer(line, line.mark_point()).properties(width=540, height=200)


def test_layered_chart_fits_its_container_on_the_page_only():
    spec = _chart().to_dict()
    page = responsive_spec(spec)
    assert page["width"] == "container"
    assert page["autosize"] == {"type": "fit-x", "contains": "padding"}
    assert spec["width"] == 540 and "autosize" not in spec  # the export keeps its width


def test_layers_lose_their_own_width():
    spec = {"layer": [{"mark": "bar", "width": 300}, {"layer": [{"mark": "rule",
                                                               "width": 200}]}]}
    page = responsive_spec(spec)
    assert "width" not in page["layer"][0] and "width" not in page["layer"][1]["layer"][0]


def test_concatenation_is_left_to_the_loader():
    spec = alt.vconcat(_chart(), _chart()).to_dict()
    assert responsive_spec(spec) == spec


def test_renderer_puts_the_page_spec_in_json_and_keeps_the_export_fixed():
    fig = setup("unit")
    chart = fig(_chart(), "demo", "A line about </script> and <b>tags</b>.")
    bundle = render_mimebundle(chart.to_dict())
    body = bundle["text/html"]
    assert body.count("</script>") == 1  # the spec cannot close its own script element
    spec_text = body.split('data-for="', 1)[1].split(">", 1)[1].rsplit("</script>", 1)[0]
    page = json.loads(spec_text)
    assert page["width"] == "container"
    assert page["description"].startswith("A line about </script>")
    record = bundle["application/vnd.amzn-report.figure+json"]
    assert record["spec"]["width"] == 540
    assert record["spec"]["config"]["mark"]["aria"] is False
    assert 'aria-label="A line about &lt;/script&gt; and &lt;b&gt;tags&lt;/b&gt;."' in body


def test_chart_container_keeps_the_height_of_its_export(tmp_path):
    fig = setup("unit")
    bundle = render_mimebundle(fig(_chart(), "demo", "A line.").to_dict())
    prefix = "application/papermill.record/"  # a glued figure, as the pages glue them
    data = {prefix + k: v for k, v in bundle.items()}
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell(outputs=[
        nbformat.v4.new_output("display_data", data=data)]))
    (tmp_path / "fig-unit-demo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" class="marks" width="600" height="251.5">'
        '<rect width="600" height="251.5"/></svg>', encoding="utf-8")
    assert reserve_chart_heights(nb, tmp_path) == 1
    html = nb.cells[0].outputs[0].data[prefix + "text/html"]
    assert '<div class="vega-chart" style="--chart-height: 252px" id="vg-' in html
    assert FIGURE_MIMETYPE in "".join(nb.cells[0].outputs[0].data)
    # No export (or no figure record): the container is left as it was.
    assert reserve_chart_heights(nb, tmp_path / "missing") == 0


def test_meta_description_is_one_line_cut_at_a_word():
    assert meta_description("  Short\n text. ") == "Short text."
    long = "word " * 60
    cut = meta_description(long, limit=50)
    assert len(cut) <= 50 and cut.endswith("…") and "  " not in cut
    assert not cut[:-1].endswith(" wor")


def test_redirect_page_is_a_complete_document_with_escaped_text():
    text = redirect_page("book/intro.html", 'A "report" & <more>', "One line.",
                         "_static/favicon.svg")
    assert text.startswith("<!DOCTYPE html>\n<html lang=\"en\">")
    assert "<title>A &quot;report&quot; &amp; &lt;more&gt;</title>" in text
    assert '<link rel="icon" href="_static/favicon.svg">' in text
    assert 'content="0; url=book/intro.html"' in text


def _figure_page(title: str | None = None) -> tuple[nbformat.NotebookNode, dict]:
    """An executed page whose one output is the unit figure ``demo`` (and that output)."""
    chart = _chart() if title is None else _chart().properties(title=title)
    bundle = render_mimebundle(setup("unit")(chart, "demo", "A line.").to_dict())
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell(outputs=[
        nbformat.v4.new_output("display_data", data=bundle)]))
    return nb, bundle


def test_exports_are_the_svg_png_and_csv_of_each_figure(tmp_path):
    import vl_convert

    from analysis.site.execute import export_figures

    nb, bundle = _figure_page()
    written = export_figures(nb, tmp_path)
    assert written == ["fig-unit-demo.png", "fig-unit-demo.svg", "fig-unit-demo.csv"]
    spec = json.dumps(bundle[FIGURE_MIMETYPE]["spec"])
    # The PNG is drawn from the SVG, and is the PNG vl-convert draws from the spec itself.
    assert (tmp_path / "fig-unit-demo.png").read_bytes() == vl_convert.vegalite_to_png(
        spec, scale=2)
    assert (tmp_path / "fig-unit-demo.svg").read_text(encoding="utf-8").startswith("<svg")
    assert (tmp_path / "fig-unit-demo.csv").read_text(encoding="utf-8").splitlines()[0] \
        == "x,y"


def test_an_unchanged_chart_is_copied_from_its_earlier_drawing(tmp_path, monkeypatch):
    """The drawing store gives the same files, and a changed chart is drawn again."""
    import vl_convert

    from analysis.site.execute import export_figures

    def page(title: str) -> nbformat.NotebookNode:
        return _figure_page(title)[0]

    store = tmp_path / "drawings"
    export_figures(page("A"), tmp_path / "first", store)
    drawn = []
    real = vl_convert.vegalite_to_svg
    monkeypatch.setattr(vl_convert, "vegalite_to_svg", lambda spec: drawn.append(1) or real(spec))
    export_figures(page("A"), tmp_path / "again", store)
    assert drawn == []
    for name in ("fig-unit-demo.svg", "fig-unit-demo.png"):
        assert (tmp_path / "again" / name).read_bytes() == (tmp_path / "first" / name).read_bytes()
    export_figures(page("B"), tmp_path / "changed", store)
    assert drawn == [1]
    assert (tmp_path / "changed" / "fig-unit-demo.svg").read_bytes() \
        != (tmp_path / "first" / "fig-unit-demo.svg").read_bytes()
    assert not list(store.glob(".*.tmp"))


def test_a_png_left_to_the_render_is_drawn_the_same_and_kept(tmp_path):
    """The build's export leaves new PNGs to be drawn while the site renders (rasters)."""
    from analysis.site import rasters
    from analysis.site.execute import export_figures

    nb, _ = _figure_page()
    export_figures(nb, tmp_path / "direct")  # drawn at once, the reference
    store = tmp_path / "drawings"
    listed = export_figures(nb, tmp_path / "left", store, png=False)
    assert "fig-unit-demo.png" in listed and not (tmp_path / "left" / "fig-unit-demo.png").exists()
    todo = rasters.missing([tmp_path / "left", tmp_path / "direct", tmp_path / "absent"])
    assert todo == [tmp_path / "left" / "fig-unit-demo.svg"]
    assert rasters.draw_missing(todo, store) == 1
    png = (tmp_path / "left" / "fig-unit-demo.png").read_bytes()
    assert png == (tmp_path / "direct" / "fig-unit-demo.png").read_bytes()
    # Kept: the next export copies it even when it may not draw.
    export_figures(nb, tmp_path / "next", store, png=False)
    assert (tmp_path / "next" / "fig-unit-demo.png").read_bytes() == png
    rasters.publish([tmp_path / "left", tmp_path / "absent"], tmp_path / "site" / "figures")
    assert (tmp_path / "site" / "figures" / "fig-unit-demo.png").read_bytes() == png
    assert not list(store.glob(".*.tmp")) and rasters.missing([tmp_path / "next"]) == []


def _cached_page(folder):
    """A cache folder as a page run leaves it: the executed page and its figure copies."""
    fig = setup("unit")
    bundle = render_mimebundle(fig(_chart(), "demo", "A line.").to_dict())
    data = {"application/papermill.record/" + k: v for k, v in bundle.items()}
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell(id="c1", outputs=[
        nbformat.v4.new_output("display_data", data=data)]))
    (folder / "figures").mkdir(parents=True)
    nbformat.write(nb, folder / "page.ipynb")
    (folder / "figures" / "fig-unit-demo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="600" height="200"></svg>',
        encoding="utf-8")
    (folder / "figures" / "fig-unit-demo.csv").write_text("x,y\n1,3.0\n", encoding="utf-8")


def test_a_cached_page_is_staged_from_its_kept_copy_while_its_footer_is_unchanged(tmp_path):
    from analysis.site.build import STAGED_FILE, _staged_page

    _cached_page(tmp_path)
    first = _staged_page(tmp_path, "Footer one.", "")
    staged_nb = nbformat.reads(first["ipynb"], as_version=4)
    assert staged_nb.cells[-1].source == "Footer one."
    assert "--chart-height: 200px" in first["ipynb"]
    assert FIGURE_MIMETYPE not in first["ipynb"]  # the records are stripped
    assert first["figure_data"] and first["tables"] == {}
    # Staged again with the same footer: from the kept copy (the notebook is not read).
    (tmp_path / "page.ipynb").rename(tmp_path / "page.moved")
    assert _staged_page(tmp_path, "Footer one.", "") == first
    # Another footer or link stages the notebook again.
    (tmp_path / "page.moved").rename(tmp_path / "page.ipynb")
    second = _staged_page(tmp_path, "Footer two.", '<p class="pdf-link">PDF</p>')
    cells = nbformat.reads(second["ipynb"], as_version=4).cells
    assert cells[-1].source == "Footer two." and cells[1].source == '<p class="pdf-link">PDF</p>'
    assert {k: v for k, v in second.items() if k not in ("ipynb", "key")} == \
        {k: v for k, v in first.items() if k not in ("ipynb", "key")}
    # A damaged copy is staged again, not read.
    (tmp_path / STAGED_FILE).write_text("{not json", encoding="utf-8")
    assert _staged_page(tmp_path, "Footer one.", "") == first

"""Tables and charts of the reference pages, built from the schema, the metadata and the backtest.

* **Methods** (``book/methods.md``): the assumption table, one row per parameter of
  :data:`analysis.params.SCHEMA`, and the table of candidate forecast models.
* **Data and sources** (``book/data-sources.md``): the confidence vocabulary, an overview of
  every table of :data:`analysis.data.TABLES`, one data dictionary per table (description,
  retrieval date, licence note, checksum, rows by confidence, columns, sources, CSV download)
  and the scenario files.
* **Backtest** (``book/backtest.md``): a display table of
  :class:`analysis.models.backtest.BacktestResult` and its chart builders (its sentences and
  glued numbers are :mod:`analysis.narrative.backtest`).

Tables that carry citations are MyST Markdown text: pipe tables whose cells hold ``{cite}``
roles and, for downloads, raw HTML anchors. A page glues the text with
``glue(key, IPython.display.Markdown(text), display=False)`` and shows it with a
``{glue:md}`` directive and ``:format: myst``, so that Sphinx resolves the citations and the
page's ``{bibliography}`` lists them. Source texts name bibliography keys in square brackets
(``[amazon_q1_2026]`` or ``[a; b]``); :func:`cite_sources` turns those into citations and
escapes everything else, so no text from the metadata is read as markup (a ``$`` never starts
math, a ``|`` never splits a cell).
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd
import yaml

from analysis import data as data_mod
from analysis.data.schemas import CONFIDENCE_LEVELS
from analysis.escape import md_inline, md_table, md_text  # noqa: F401 (md_table: re-exported)
from analysis.models.forecast import (  # noqa: F401 (annual_known_by: re-exported)
    ANNUAL_CANDIDATES,
    QUARTERLY_CANDIDATES,
    Candidate,
    annual_known_by,
)
from analysis.params import SCENARIO_DIR, SCHEMA, ParamSpec, load_scenario
from analysis.text import fmt_count, fmt_date, fmt_pct, fmt_value

__all__ = [
    "CONFIDENCE_MEANINGS",
    "DATA_LINK_PREFIX",
    "METHOD_LABELS",
    "annual_known_by",
    "assumption_rows",
    "assumption_tables_md",
    "backtest_coverage_frame",
    "backtest_error_frame",
    "backtest_forecast_frame",
    "backtest_summary_display",
    "chart_backtest_coverage",
    "chart_backtest_forecasts",
    "chart_backtest_calibration",
    "chart_backtest_mape",
    "chart_backtest_skill",
    "cite_keys",
    "cite_sources",
    "confidence_counts",
    "confidence_table_md",
    "data_dictionary_md",
    "data_overview_md",
    "download_link",
    "escape_md",
    "forecast_candidates_md",
    "md_table",
    "mc_range",
    "scenario_rows",
    "scenarios_md",
    "table_summary",
]

#: Where the build puts ``data/*.csv`` (``_static/data``), seen from a page in ``book/``.
DATA_LINK_PREFIX = "../_static/data"

#: What each confidence flag means, strongest first (the keys are the vocabulary of every table).
CONFIDENCE_MEANINGS: dict[str, str] = {
    "filing": "read in an SEC filing (or its XBRL rendering)",
    "company_release": "read in an Amazon press release or a verbatim copy of one",
    "filing_copy": "an SEC filing figure read in a secondary copy of the filing (the citation "
                   "names the filing by accession number)",
    "company_release_copy": "an earnings release or company post read in a secondary copy",
    "call_transcript_copy": "spoken on an earnings call, read in a verbatim transcript excerpt "
                            "(not in any filing)",
    "secondary": "read in a news page, aggregator, analyst write-up or research paper",
    "derived": "arithmetic on sourced figures; the row's note gives the formula",
    "estimate": "this report's estimate; the note or derivation column says how it was made",
    "unverified": "the fact base marks the figure 'memory only' or 'UNRELIABLE'; the note says "
                  "which",
}

#: Labels of the backtest's two methods.
METHOD_LABELS: dict[str, str] = {"model": "published forecast", "naive": "naive drift"}

_BRACKETS = re.compile(r"\[([^\[\]]+)\]")
_BR = "<br>"
_MINUS = "\u2212"


# --- Markdown building blocks -------------------------------------------------------------


def _escape_inline(text: str) -> str:
    """Escape Markdown markup characters; whitespace is kept as it is."""
    return md_inline(text)


def escape_md(text: Any) -> str:
    """Return ``text`` as literal MyST Markdown: markup characters escaped, on one line.

    Args:
        text: Any value; ``None`` and NaN become an empty string.

    Returns:
        Text safe inside a paragraph or a pipe-table cell (a ``$`` never starts math, a ``|``
        never splits a cell, a ``*`` never starts emphasis).
    """
    return md_text(text)  # the one rule, in analysis.escape


def cite_keys(keys: Iterable[str]) -> str:
    """Return one MyST citation of several bibliography keys (empty string for none).

    >>> cite_keys(["a", "b"])
    '{cite}`a,b`'
    """
    keys = [k.strip() for k in keys if k and k.strip()]
    return "{cite}`" + ",".join(keys) + "`" if keys else ""


def cite_sources(text: str, keys: Collection[str] | None = None) -> str:
    """Turn ``[key]`` and ``[key1; key2]`` groups into citations and escape the rest.

    A bracket group becomes a citation only when every ``;``-separated part is a key of the
    bibliography; any other bracketed text stays literal (escaped).

    Args:
        text: A source text, e.g. ``"Company guidance [amazon_q4_2025]"``.
        keys: Known bibliography keys (default: the keys of ``book/references.bib``).

    Returns:
        MyST Markdown on one line.

    >>> cite_sources("Guidance [a; b]", keys={"a", "b"})
    'Guidance {cite}`a,b`'
    """
    known = data_mod.bib_keys() if keys is None else keys
    flat = " ".join(str(text).split())
    out: list[str] = []
    last = 0
    for match in _BRACKETS.finditer(flat):
        parts = [p.strip() for p in match.group(1).split(";")]
        if parts and all(p in known for p in parts):
            out.append(_escape_inline(flat[last:match.start()]))
            out.append(cite_keys(parts))
            last = match.end()
    out.append(_escape_inline(flat[last:]))
    return "".join(out)


def _code(text: str) -> str:
    return f"`{text}`"


# --- methods: the assumption table --------------------------------------------------------


def _fmt_param(value: Any, spec: ParamSpec) -> str:
    if value is None and spec.unset:
        return f"unset: {spec.unset}"
    return fmt_value(value, spec.unit)


def _allowed_text(spec: ParamSpec) -> str:
    if spec.kind == "choice":
        return "one of " + ", ".join(fmt_value(c, spec.unit) for c in spec.choices)
    if spec.kind == "bool":
        return "yes or no"
    if spec.low is not None and spec.high is not None:
        return f"{_fmt_param(spec.low, spec)} to {_fmt_param(spec.high, spec)}"
    return spec.kind


def mc_range(spec: ParamSpec, value: Any) -> tuple[float, float] | None:
    """Return the Monte Carlo range of a parameter around ``value``, clipped to its bounds.

    Args:
        spec: The parameter.
        value: Its value in this build (the centre of the triangular distribution).

    Returns:
        ``(low, high)``, or ``None`` for a parameter without ``mc_spread``.
    """
    if spec.mc_spread is None:
        return None
    below, above = spec.mc_spread
    low, high = float(value) - below, float(value) + above
    if spec.low is not None:
        low = max(low, float(spec.low))
    if spec.high is not None:
        high = min(high, float(spec.high))
    return low, high


def _spread_text(spec: ParamSpec, value: Any) -> str:
    rng = mc_range(spec, value)
    if rng is None:
        return "fixed"
    below, above = spec.mc_spread  # type: ignore[misc]
    as_value = int if spec.kind == "int" else float
    return (f"{_MINUS}{fmt_value(as_value(below), spec.unit)} / "
            f"+{fmt_value(as_value(above), spec.unit)} "
            f"(range {fmt_value(as_value(rng[0]), spec.unit)} to "
            f"{fmt_value(as_value(rng[1]), spec.unit)})")


def assumption_rows(values: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    """Return one row per schema parameter, in schema order, as plain text.

    Args:
        values: Parameter values of this build (a :class:`analysis.params.Params` or a
            mapping); missing names take the schema default.

    Returns:
        Dicts with ``group, name, value, default, changed (bool), unit, allowed, mc_spread,
        mc_source, description, source``; ``source`` keeps its ``[key]`` groups.
    """
    values = dict(values or {})
    rows = []
    for name, spec in SCHEMA.items():
        value = values.get(name, spec.default)
        rows.append({
            "group": spec.group,
            "name": name,
            "value": _fmt_param(value, spec),
            "default": _fmt_param(spec.default, spec),
            "changed": value != spec.default,
            "unit": spec.unit,
            "allowed": _allowed_text(spec),
            "mc_spread": _spread_text(spec, value),
            "mc_source": spec.mc_source,
            "description": spec.description,
            "source": spec.source,
        })
    return rows


def assumption_tables_md(values: Mapping[str, Any] | None = None,
                         keys: Collection[str] | None = None) -> str:
    """Return the assumption table as MyST Markdown: one headed pipe table per group.

    Four columns keep the table readable in the page width; each stacks two items with a line
    break: the parameter (name, description), its value (value in this build, marked when it
    differs from the default, and the unit), its range (allowed values, Monte Carlo spread
    with the range that results) and the sources (of the default and of the spread, with
    citations).

    Args:
        values: Parameter values of this build.
        keys: Known bibliography keys (default: ``book/references.bib``).

    Returns:
        Markdown text (group headings render as rubrics inside a glued block).
    """
    columns = ["parameter", "value in this build", "allowed values and Monte Carlo spread",
               "source"]
    out: list[str] = []
    rows = assumption_rows(values)
    for group in dict.fromkeys(r["group"] for r in rows):
        body = []
        for r in (r for r in rows if r["group"] == group):
            value = escape_md(r["value"])
            if r["changed"]:
                value = f"**{value}** (changed; default {escape_md(r['default'])})"
            else:
                value += " (default)"
            spread = "Monte Carlo: " + escape_md(r["mc_spread"])
            source = "Default: " + cite_sources(r["source"], keys)
            if r["mc_source"]:
                source += _BR + "Spread: " + cite_sources(r["mc_source"], keys)
            body.append([
                _code(r["name"]) + _BR + escape_md(r["description"]),
                value + _BR + "unit: " + escape_md(r["unit"]),
                "allowed: " + escape_md(r["allowed"]) + _BR + spread,
                source,
            ])
        out.append(f"#### {escape_md(group)}\n\n" + md_table(columns, body))
    return "\n".join(out)


def forecast_candidates_md(annual: Sequence[Candidate] = ANNUAL_CANDIDATES,
                           quarterly: Sequence[Candidate] = QUARTERLY_CANDIDATES) -> str:
    """Return the candidate forecast models as a Markdown table.

    Args:
        annual: Candidates for annual series.
        quarterly: Candidates for quarterly series.

    Returns:
        One row per candidate: series frequency, model, scale, fewest observations, whether
        it accepts missing periods.
    """
    rows = []
    for freq, cands in (("annual", annual), ("quarterly", quarterly)):
        for c in cands:
            rows.append([freq, escape_md(c.name), "log" if c.log_scale else "level",
                         fmt_count(c.min_obs), "yes" if c.handles_missing else "no"])
    return md_table(["series", "candidate model", "fitted on", "fewest observations",
                     "accepts missing periods"], rows)


# --- data and sources ---------------------------------------------------------------------


def download_link(file: str, prefix: str = DATA_LINK_PREFIX) -> str:
    """Return a raw HTML download link to a CSV copied into the site.

    >>> download_link("quarterly.csv")
    '<a href="../_static/data/quarterly.csv" download>quarterly.csv</a>'
    """
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", file):
        raise ValueError(f"unexpected file name {file!r}")
    return f'<a href="{prefix}/{file}" download>{file}</a>'


def confidence_counts(frame: pd.DataFrame) -> dict[str, int]:
    """Count rows by confidence flag, in vocabulary order, leaving out flags with no rows.

    Args:
        frame: A table with a ``confidence`` column.

    Returns:
        Flag -> number of rows.

    Raises:
        ValueError: A flag outside the vocabulary.
    """
    counts = frame["confidence"].value_counts()
    unknown = sorted(set(counts.index) - set(CONFIDENCE_LEVELS))
    if unknown:
        raise ValueError(f"unknown confidence flag {unknown[0]!r}")
    return {flag: int(counts[flag]) for flag in CONFIDENCE_LEVELS if flag in counts.index}


def _counts_text(counts: Mapping[str, int]) -> str:
    return ", ".join(f"{flag.replace('_', ' ')} {fmt_count(n)}" for flag, n in counts.items())


def _anchor(name: str) -> str:
    return "data-" + name.replace("_", "-")


def table_summary(name: str, data_dir: str | Path | None = None) -> dict[str, Any]:
    """Collect what the data dictionary shows about one table.

    Args:
        name: Table name (a key of :data:`analysis.data.TABLES`).
        data_dir: Data folder; default the repository's ``data/``.

    Returns:
        ``name, file, title, description, retrieved, licence, sha256, rows, rows_used_default,
        by_confidence, columns`` (list of ``(name, unit, meaning)``), ``sources``,
        ``primary_key``, ``unreliable_policy`` and ``gaps`` (list of text).
    """
    meta = data_mod.table_metadata(name, data_dir)
    frame = data_mod.load_table(name, data_dir, include_unreliable=True)
    counts = confidence_counts(frame)
    gaps = meta.get("gaps") or []
    return {
        "name": name,
        "file": data_mod.TABLES[name].file,
        "title": str(meta["title"]),
        "description": str(meta["description"]),
        "retrieved": str(meta["retrieved"]),
        "licence": str(meta["licence"]),
        "sha256": str(meta["sha256"]),
        "rows": len(frame),
        "rows_used_default": len(frame) - counts.get("unverified", 0),
        "by_confidence": counts,
        "columns": [(col, str((info or {}).get("unit", "")),
                     str((info or {}).get("description", "")))
                    for col, info in meta["columns"].items()],
        "sources": [str(k) for k in meta["sources"]],
        "primary_key": [str(k) for k in meta.get("primary_key") or []],
        "unreliable_policy": str(meta.get("unreliable_policy", "")),
        "gaps": [str(g) for g in (gaps if isinstance(gaps, list) else [gaps])],
    }


def confidence_table_md(include_unreliable: bool = False) -> str:
    """Return the confidence vocabulary as a Markdown table.

    Args:
        include_unreliable: Whether this build fits unverified figures.

    Returns:
        One row per flag: flag, meaning, whether the models use it in this build.
    """
    rows = []
    for flag in CONFIDENCE_LEVELS:
        used = "yes" if flag != "unverified" or include_unreliable else (
            "no: shown, but left out of fits (time series keep the row as a gap)")
        rows.append([_code(flag), escape_md(CONFIDENCE_MEANINGS[flag]), escape_md(used)])
    return md_table(["confidence", "meaning", "used by the models in this build"], rows)


def data_overview_md(summaries: Sequence[Mapping[str, Any]],
                     prefix: str = DATA_LINK_PREFIX) -> str:
    """Return one overview row per table: title, rows by confidence, retrieval date, CSV.

    Args:
        summaries: Outputs of :func:`table_summary`.
        prefix: Link prefix of the CSV copies.

    Returns:
        A Markdown table; titles link to each table's dictionary on the same page.
    """
    rows = []
    for s in summaries:
        rows.append([f'<a href="#{_anchor(s["name"])}">{escape_md(s["title"])}</a>',
                     fmt_count(s["rows"]), escape_md(_counts_text(s["by_confidence"])),
                     escape_md(fmt_date(s["retrieved"])), download_link(s["file"], prefix)])
    return md_table(["table", "rows", "rows by confidence", "retrieved", "CSV"], rows)


def data_dictionary_md(summary: Mapping[str, Any], prefix: str = DATA_LINK_PREFIX,
                       keys: Collection[str] | None = None) -> str:
    """Return the data dictionary of one table as MyST Markdown.

    A heading (with an anchor), the description, a list of facts (file and download, rows by
    confidence, key, retrieval date, checksum, licence note, treatment of unverified figures,
    known gaps, sources as citations) and a table of the columns with unit and meaning.

    Args:
        summary: Output of :func:`table_summary`.
        prefix: Link prefix of the CSV copies.
        keys: Known bibliography keys (default: ``book/references.bib``).

    Returns:
        Markdown text.
    """
    known = data_mod.bib_keys() if keys is None else keys
    missing = [k for k in summary["sources"] if k not in known]
    if missing:
        raise ValueError(f"table {summary['name']!r}: source {missing[0]!r} is not in the "
                         "bibliography")
    facts = [
        ["Download", download_link(summary["file"], prefix)],
        ["Rows", f"{fmt_count(summary['rows'])}: "
                 f"{escape_md(_counts_text(summary['by_confidence']))}"],
        ["Key", ", ".join(_code(k) for k in summary["primary_key"]) or "not stated"],
        ["Retrieved", escape_md(fmt_date(summary["retrieved"]))],
        ["SHA-256 of the CSV", _code(summary["sha256"])],
        ["Licence note", escape_md(summary["licence"])],
        ["Unverified figures when left out", escape_md(summary["unreliable_policy"] or "none")],
    ]
    if any(summary["gaps"]):
        facts.append(["Known gaps", escape_md("; ".join(g for g in summary["gaps"] if g))])
    facts.append(["Sources", cite_keys(summary["sources"])])
    columns = md_table(["column", "unit", "meaning"],
                       [[_code(c), escape_md(u), escape_md(m)] for c, u, m in summary["columns"]])
    fact_list = "\n".join(f"- **{label}:** {value}" for label, value in facts)
    return (f'<span id="{_anchor(summary["name"])}"></span>\n\n'
            f"#### {escape_md(summary['title'])}\n\n"
            f"{escape_md(summary['description'])}\n\n"
            f"{fact_list}\n\n" + columns)


def scenario_rows(directory: str | Path = SCENARIO_DIR) -> list[dict[str, Any]]:
    """Read the scenario files: name, file, title, description and the values they set.

    Args:
        directory: Folder of the scenario files.

    Returns:
        One dict per file, sorted by name: ``name, file, title, description, parameters``.
    """
    rows = []
    for path in sorted(Path(directory).glob("*.yaml")):
        load_scenario(path)  # the same checks as a build: a slug name, one-line title, ...
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        rows.append({"name": str(doc.get("name", path.stem)), "file": path.name,
                     "title": str(doc.get("title", path.stem)),
                     "description": " ".join(str(doc.get("description", "")).split()),
                     "parameters": dict(doc.get("parameters") or {})})
    return rows


def scenarios_md(directory: str | Path = SCENARIO_DIR) -> str:
    """Return the scenario files as a Markdown table (name, description, values set).

    Args:
        directory: Folder of the scenario files.

    Returns:
        A Markdown table.
    """
    rows = []
    for s in scenario_rows(directory):
        params = "; ".join(
            f"{_code(k)} = {escape_md(fmt_value(SCHEMA[k].coerce(v), SCHEMA[k].unit))}"
            for k, v in s["parameters"].items()) or "none (the schema defaults)"
        rows.append([f"{_code(s['name'])} ({escape_md(s['title'])})",
                     escape_md(s["description"]), params])
    return md_table(["scenario", "description", "parameters it sets"], rows)


# --- backtest -----------------------------------------------------------------------------


def _horizon_label(h: int) -> str:
    return f"{h} year ahead" if h == 1 else f"{h} years ahead"


def backtest_summary_display(summary: pd.DataFrame, levels_pct: Sequence[int] = (80, 95)
                             ) -> pd.DataFrame:
    """Return the backtest summary as a display frame of formatted strings.

    Args:
        summary: :attr:`analysis.models.backtest.BacktestResult.summary`.
        levels_pct: Interval levels present in the summary.

    Returns:
        Columns ``series, horizon, method, n`` (forecasts), ``MAPE``, ``<L>% coverage`` for each
        level, ``<L>% score`` (interval score on the log scale, where the summary has it) and
        ``skill`` (against the naive drift).
    """
    out = pd.DataFrame({
        "series": summary["series"].astype(str),
        "horizon": [_horizon_label(int(h)) for h in summary["horizon"]],
        "method": [METHOD_LABELS.get(m, m) for m in summary["method"]],
        "n": [fmt_count(n) for n in summary["n"]],
        "MAPE": [fmt_pct(v, 1) for v in summary["mape_pct"]],
    })
    for lv in levels_pct:
        out[f"{lv}% coverage"] = [fmt_pct(100.0 * v) for v in summary[f"coverage_{lv}"]]
    for lv in levels_pct:
        col = f"interval_score_{lv}"
        if col in summary:
            out[f"{lv}% score"] = [f"{v:.2f}" for v in summary[col]]
    out["skill"] = ["benchmark" if m == "naive" else fmt_pct(100.0 * s, signed=True)
                             for m, s in zip(summary["method"], summary["skill_vs_naive"],
                                             strict=True)]
    return out


def backtest_forecast_frame(detail: pd.DataFrame, series: str, divisor: float = 1.0
                            ) -> pd.DataFrame:
    """Return the forecasts and outcomes of one series, ready to chart.

    Args:
        detail: :attr:`analysis.models.backtest.BacktestResult.detail`.
        series: Series label (e.g. ``"Gross capex"``).
        divisor: Divide values by this (1,000 turns USD m into USD bn).

    Returns:
        Columns ``origin, target_year, horizon, horizon_label, method, model, actual, mean,
        lower_50, upper_50, lower_80, upper_80`` (values divided) and ``covered_50``
        (``"yes"``, ``"no"`` or ``"not known yet"``); ints for years.
    """
    d = detail[detail["series"] == series]
    if d.empty:
        raise ValueError(f"no backtest rows for series {series!r}")
    out = pd.DataFrame({
        "origin": d["origin"].astype("int64").to_numpy(),
        "target_year": d["target_year"].astype("int64").to_numpy(),
        "horizon": d["horizon"].astype("int64").to_numpy(),
        "horizon_label": [_horizon_label(int(h)) for h in d["horizon"]],
        "method": [METHOD_LABELS.get(m, m) for m in d["method"]],
        "model": d["model"].astype(str).to_numpy(),
    })
    for col in ("actual", "mean", "lower_50", "upper_50", "lower_80", "upper_80"):
        out[col] = d[col].to_numpy(dtype=float) / divisor
    out["covered_50"] = ["not known yet" if pd.isna(c) else ("yes" if c else "no")
                         for c in d["covered_50"]]
    return out


def _wilson(k: int, n: int, level: float) -> tuple[float, float]:
    if n == 0:
        return math.nan, math.nan
    from scipy import stats  # imported where used: scipy takes a second to import
    ci = stats.binomtest(k, n).proportion_ci(confidence_level=level, method="wilson")
    return float(ci.low), float(ci.high)


def backtest_coverage_frame(detail: pd.DataFrame, levels_pct: Sequence[int] = (80, 95),
                            ci_level: float = 0.9) -> pd.DataFrame:
    """Return empirical coverage with a binomial (Wilson) interval, per series and level.

    With five or six forecasts per cell, one more or one fewer covered outcome moves the
    coverage by about 17-20 points; the interval shows how little the sample can tell.

    Args:
        detail: :attr:`analysis.models.backtest.BacktestResult.detail`.
        levels_pct: Interval levels, %.
        ci_level: Level of the interval around the coverage (fraction).

    Returns:
        Columns ``series, horizon, horizon_label, method, level_label, nominal_pct, covered,
        n, coverage_pct, lower_pct, upper_pct, row_label``; one row per series, horizon,
        method and level, forecasts with a known outcome only.
    """
    rows = []
    known = detail[detail["actual"].notna()]
    for (series, h, method), g in known.groupby(["series", "horizon", "method"], sort=True):
        for lv in levels_pct:
            covered = g[f"covered_{lv}"].astype(bool)
            k, n = int(covered.sum()), len(covered)
            lo, hi = _wilson(k, n, ci_level)
            rows.append({"series": str(series), "horizon": int(h),
                         "horizon_label": _horizon_label(int(h)),
                         "method": METHOD_LABELS.get(method, method),
                         "level_label": f"{lv}% interval", "nominal_pct": float(lv),
                         "covered": k, "n": n, "coverage_pct": 100.0 * k / n,
                         "lower_pct": 100.0 * lo, "upper_pct": 100.0 * hi,
                         "row_label": f"{series}, {_horizon_label(int(h))}"})
    return pd.DataFrame(rows)


def backtest_error_frame(detail: pd.DataFrame) -> pd.DataFrame:
    """Return the absolute percentage error of every forecast with a known outcome.

    Args:
        detail: :attr:`analysis.models.backtest.BacktestResult.detail`.

    Returns:
        Columns ``series, horizon, method, origin, target_year, abs_error_pct, error_pct,
        row_label``.
    """
    d = detail[detail["actual"].notna()]
    return pd.DataFrame({
        "series": d["series"].astype(str).to_numpy(),
        "horizon": d["horizon"].astype("int64").to_numpy(),
        "method": [METHOD_LABELS.get(m, m) for m in d["method"]],
        "origin": d["origin"].astype("int64").to_numpy(),
        "target_year": d["target_year"].astype("int64").to_numpy(),
        "abs_error_pct": d["error_pct"].abs().to_numpy(dtype=float),
        "error_pct": d["error_pct"].to_numpy(dtype=float),
        "row_label": [f"{s}, {_horizon_label(int(h))}" for s, h in zip(d["series"], d["horizon"],
                                                                          strict=True)],
    })


_METHOD_SCALE = alt.Scale(domain=list(METHOD_LABELS.values()), range=["#0072B2", "#E69F00"])


def chart_backtest_forecasts(frame: pd.DataFrame, *, y_title: str, value_format: str = ",.0f",
                             width: int = 290) -> alt.FacetChart:
    """Forecasts (50% and 80% intervals) against outcomes by target year, one panel per horizon.

    Args:
        frame: Output of :func:`backtest_forecast_frame`.
        y_title: Axis title with unit.
        value_format: d3 format for tooltips.
        width: Width of each panel, pixels.

    Returns:
        A faceted chart: per target year, the selected model and the naive benchmark side by
        side (point = forecast mean, thick bar = 50% interval, thin bar = 80% interval) and
        the outcome as a black line with points.
    """
    x = alt.X("target_year:O", title="year forecast (origin + horizon)",
              axis=alt.Axis(labelAngle=0))
    offset = alt.XOffset("method:N", sort=list(METHOD_LABELS.values()))
    color = alt.Color("method:N", scale=_METHOD_SCALE, title=None)
    tips = [alt.Tooltip("method:N"), alt.Tooltip("model:N"),
            alt.Tooltip("origin:O", title="forecast made at end of"),
            alt.Tooltip("target_year:O", title="for year"),
            alt.Tooltip("mean:Q", title="forecast", format=value_format),
            alt.Tooltip("lower_50:Q", title="50% low", format=value_format),
            alt.Tooltip("upper_50:Q", title="50% high", format=value_format),
            alt.Tooltip("lower_80:Q", title="80% low", format=value_format),
            alt.Tooltip("upper_80:Q", title="80% high", format=value_format),
            alt.Tooltip("actual:Q", title="outcome", format=value_format),
            alt.Tooltip("covered_50:N", title="inside 50% interval")]
    base = alt.Chart()
    wide = base.mark_rule(strokeWidth=1.5, opacity=0.6).encode(
        x=x, xOffset=offset, y=alt.Y("lower_80:Q", title=y_title), y2="upper_80:Q",
        color=color, tooltip=tips)
    narrow = base.mark_rule(strokeWidth=5, opacity=0.8).encode(
        x=x, xOffset=offset, y="lower_50:Q", y2="upper_50:Q", color=color, tooltip=tips)
    dots = base.mark_point(filled=True, size=45, color="white", stroke="#333",
                           strokeWidth=1).encode(x=x, xOffset=offset, y="mean:Q", tooltip=tips)
    outcome_tips = [alt.Tooltip("target_year:O", title="year"),
                    alt.Tooltip("actual:Q", title="outcome", format=value_format)]
    outcome = base.transform_filter(
        (alt.datum.method == METHOD_LABELS["model"]) & alt.expr.isValid(alt.datum.actual)
    ).mark_line(color="#000", point=alt.OverlayMarkDef(color="#000", size=35),
                strokeWidth=1.5).encode(x=alt.X("target_year:O", bandPosition=0.5), y="actual:Q",
                                tooltip=outcome_tips)
    return alt.layer(wide, narrow, dots, outcome, data=frame).properties(
        width=width, height=250).facet(column=alt.Column("horizon_label:N", title=None,
                                                         sort=["1 year ahead"])
                                       ).resolve_scale(x="independent", xOffset="independent")


def chart_backtest_coverage(frame: pd.DataFrame, width: int = 280) -> alt.FacetChart:
    """Empirical coverage (dots with binomial intervals) against the nominal level (rule).

    Args:
        frame: Output of :func:`backtest_coverage_frame`.
        width: Width of each panel, pixels.

    Returns:
        A chart faceted by interval level; rows are series and horizons, colour is the method.
    """
    y = alt.Y("row_label:N", title=None)
    offset = alt.YOffset("method:N", sort=list(METHOD_LABELS.values()))
    color = alt.Color("method:N", scale=_METHOD_SCALE, title=None)
    tips = [alt.Tooltip("row_label:N", title="series"), alt.Tooltip("method:N"),
            alt.Tooltip("level_label:N", title="interval"),
            alt.Tooltip("covered:Q", title="outcomes inside"),
            alt.Tooltip("n:Q", title="forecasts"),
            alt.Tooltip("coverage_pct:Q", title="coverage (%)", format=".0f"),
            alt.Tooltip("lower_pct:Q", title="90% low (%)", format=".0f"),
            alt.Tooltip("upper_pct:Q", title="90% high (%)", format=".0f"),
            alt.Tooltip("nominal_pct:Q", title="nominal (%)", format=".0f")]
    xscale = alt.Scale(domain=[0, 100])
    base = alt.Chart()
    interval = base.mark_rule(strokeWidth=2, opacity=0.6).encode(
        x=alt.X("lower_pct:Q", title="outcomes inside the interval (%)", scale=xscale),
        x2="upper_pct:Q", y=y, yOffset=offset, color=color, tooltip=tips)
    dots = base.mark_point(filled=True, size=70).encode(
        x=alt.X("coverage_pct:Q", scale=xscale), y=y, yOffset=offset, color=color,
        tooltip=tips)
    nominal = base.mark_rule(color="#333", strokeDash=[4, 3]).encode(
        x=alt.X("nominal_pct:Q", scale=xscale),
        tooltip=[alt.Tooltip("level_label:N", title="nominal"),
                 alt.Tooltip("nominal_pct:Q", title="nominal (%)", format=".0f")])
    return alt.layer(nominal, interval, dots, data=frame).properties(
        width=width, height=200).facet(column=alt.Column("level_label:N", title=None))


def chart_backtest_mape(summary: pd.DataFrame, errors: pd.DataFrame) -> alt.LayerChart:
    """MAPE of the selected model and the naive benchmark (bars) with each forecast's error.

    Args:
        summary: :attr:`analysis.models.backtest.BacktestResult.summary`.
        errors: Output of :func:`backtest_error_frame`.

    Returns:
        Grouped bars by series and horizon with the absolute percentage errors of the single
        forecasts as dots, so the spread behind each average is visible.
    """
    bars = pd.DataFrame({
        "row_label": [f"{s}, {_horizon_label(int(h))}" for s, h in zip(
            summary["series"], summary["horizon"], strict=True)],
        "method": [METHOD_LABELS.get(m, m) for m in summary["method"]],
        "mape_pct": summary["mape_pct"].to_numpy(dtype=float),
        "n": summary["n"].astype("int64").to_numpy(),
    })
    x = alt.X("row_label:N", title=None,
              axis=alt.Axis(labelAngle=0, labelExpr="split(datum.label, ', ')"))
    offset = alt.XOffset("method:N", sort=list(METHOD_LABELS.values()))
    color = alt.Color("method:N", scale=_METHOD_SCALE, title=None)
    bar = alt.Chart(bars).mark_bar(opacity=0.55).encode(
        x=x, xOffset=offset, color=color,
        y=alt.Y("mape_pct:Q", title="absolute percentage error (%)"),
        tooltip=[alt.Tooltip("row_label:N", title="series"), alt.Tooltip("method:N"),
                 alt.Tooltip("mape_pct:Q", title="MAPE (%)", format=".1f"),
                 alt.Tooltip("n:Q", title="forecasts")])
    dots = alt.Chart(errors).mark_point(filled=True, size=30, opacity=0.9).encode(
        x=x, xOffset=offset, color=color, y="abs_error_pct:Q",
        tooltip=[alt.Tooltip("row_label:N", title="series"), alt.Tooltip("method:N"),
                 alt.Tooltip("origin:O", title="forecast made at end of"),
                 alt.Tooltip("target_year:O", title="for year"),
                 alt.Tooltip("error_pct:Q", title="error (%)", format="+.1f")])
    return alt.layer(bar, dots).properties(width=620, height=300)


def chart_backtest_calibration(calibration: pd.DataFrame, width: int = 360) -> alt.LayerChart:
    """Observed against nominal coverage of the published intervals, with the diagonal.

    Args:
        calibration: :attr:`analysis.models.backtest.BacktestResult.calibration`.
        width: Width in pixels (the chart is square).

    Returns:
        Lines with points, one per series and one for all series pooled; the dashed diagonal is
        perfect calibration (points above it: intervals too wide; below: too narrow).
    """
    pooled = "all series, both horizons"
    frame = calibration.assign(series=calibration["series"].replace({"all": pooled}))
    frame = frame.assign(weight=frame["series"].eq(pooled).map({True: 3.5, False: 1.5}))
    names = [pooled] + sorted(n for n in frame["series"].unique() if n != pooled)
    scale = alt.Scale(domain=[0, 100])
    diag = alt.Chart(pd.DataFrame({"x": [0.0, 100.0], "y": [0.0, 100.0],
                                   "label": "perfect calibration"})).mark_line(
        color="#333", strokeDash=[4, 3]).encode(
        x=alt.X("x:Q", scale=scale), y=alt.Y("y:Q", scale=scale),
        tooltip=[alt.Tooltip("label:N", title="diagonal")])
    lines = alt.Chart(frame).mark_line(point=True).encode(
        x=alt.X("nominal_pct:Q", title="nominal level of the interval (%)", scale=scale),
        y=alt.Y("observed_pct:Q", title="outcomes inside the interval (%)", scale=scale),
        color=alt.Color("series:N", title=None, sort=names, scale=alt.Scale(
            domain=names, range=["#000000", "#0072B2", "#E69F00", "#009E73"][: len(names)])),
        strokeWidth=alt.StrokeWidth("weight:Q", scale=None, legend=None),
        tooltip=[alt.Tooltip("series:N"), alt.Tooltip("nominal_pct:Q", title="nominal (%)"),
                 alt.Tooltip("observed_pct:Q", title="observed (%)", format=".0f"),
                 alt.Tooltip("covered:Q", title="outcomes inside"),
                 alt.Tooltip("n:Q", title="outcomes")])
    return alt.layer(diag, lines).properties(width=width, height=width)


def chart_backtest_skill(summary: pd.DataFrame) -> alt.LayerChart:
    """Skill of the published forecast against the naive drift, by series and horizon.

    Args:
        summary: :attr:`analysis.models.backtest.BacktestResult.summary`.

    Returns:
        Horizontal bars of ``1 - MAE / MAE_naive`` (0: the naive drift itself).
    """
    rows = summary[summary["method"] == "model"]
    frame = pd.DataFrame({
        "row_label": [f"{s}, {_horizon_label(int(h))}" for s, h in zip(
            rows["series"], rows["horizon"], strict=True)],
        "skill_pct": 100.0 * rows["skill_vs_naive"].to_numpy(dtype=float),
        "naive_used_pct": 100.0 * rows["naive_used"].to_numpy(dtype=float),
        "n": rows["n"].astype("int64").to_numpy()})
    frame["label"] = [f"{v:+.1f}%" + (" (naive at every origin)" if u == 100.0 else
                                       f" (naive at {u:.0f}% of origins)" if u > 0 else "")
                      for v, u in zip(frame["skill_pct"], frame["naive_used_pct"], strict=True)]
    tips = [alt.Tooltip("row_label:N", title="series"),
            alt.Tooltip("skill_pct:Q", title="skill (%)", format="+.1f"),
            alt.Tooltip("naive_used_pct:Q", title="origins using naive (%)", format=".0f"),
            alt.Tooltip("n:Q", title="forecasts")]
    y = alt.Y("row_label:N", title=None)
    x = alt.X("skill_pct:Q", title="skill against the naive drift (%)",
              scale=alt.Scale(domain=[-50, 50]))
    bars = alt.Chart(frame).mark_bar(color="#0072B2").encode(y=y, x=x, tooltip=tips)
    labels = alt.Chart(frame).mark_text(align="left", dx=4).encode(
        y=y, x=alt.X("skill_pct:Q", scale=alt.Scale(domain=[-50, 50])), text="label:N",
        tooltip=tips)
    zero = alt.Chart(pd.DataFrame({"x": [0.0]})).mark_rule(color="#333").encode(
        x="x:Q", tooltip=[alt.Tooltip("x:Q", title="no skill")])
    return alt.layer(zero, bars, labels).properties(width=300, height=160)

"""Provenance of a build: page footers, the execution record, citations and the manifest.

Everything here is text made from values the build passes in; nothing reads the clock or git
itself, so the same inputs give the same output (the manifest is compared byte for byte).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from analysis.escape import bibtex_text, json_for_html, md_text
from analysis.narrative.vintage import not_yet_in_data, vintage_sentence
from analysis.params import SCHEMA
from analysis.text import fmt_value

__all__ = [
    "BuildInfo",
    "citation_bibtex",
    "citation_text",
    "execution_record_markdown",
    "footer_markdown",
    "manifest",
]

REPORT_TITLE = "Amazon's Efficiency Mandate: a reproducible research report"
REPORT_AUTHOR = "The Amazon Efficiency Mandate report team"
_BIBTEX_KEY = re.compile(r"[A-Za-z0-9_:-]+")


@dataclass(frozen=True)
class BuildInfo:
    """What identifies one build.

    Attributes:
        scenario: Scenario name.
        changed: Parameters that differ from the schema defaults.
        values: All parameter values.
        commit: Short git commit of the source ("unknown" outside git).
        dirty: Whether the work tree had uncommitted changes.
        version: Package version, or the archive version when archiving.
        build_date: ISO date of the build.
        vintage: Data vintage (``as_of`` and the latest data periods).
    """

    scenario: str
    changed: Mapping[str, Any]
    values: Mapping[str, Any]
    commit: str
    dirty: bool
    version: str
    build_date: str
    vintage: Mapping[str, Any]


def _changed_text(changed: Mapping[str, Any]) -> str:
    if not changed:
        return "none (all defaults)"
    return ", ".join(f"`{k}` = {md_text(fmt_value(v, SCHEMA[k].unit))}"
                     for k, v in sorted(changed.items()))


def _vintage_lines(vintage: Mapping[str, Any]) -> list[str]:
    """The vintage lines of the footer: the cut-off, the latest data, what is not yet in."""
    as_of = vintage.get("as_of", "unknown")
    if "latest_quarter" not in vintage:  # a bare build without the data layer
        return [f"- **Data vintage:** data cut-off (`as_of`) {as_of}."]
    default = vintage.get("latest_source_date")
    how = (" (the date of the latest dated source in the data)" if as_of == default
           else f" (set by the parameters; the latest dated source is {default})")
    return [
        f"- **Data vintage:** data cut-off (`as_of`) {as_of}{how}; "
        f"{md_text(vintage_sentence(vintage))}.",
        "- **Not yet in the data:** "
        + md_text("; ".join(not_yet_in_data(vintage))) + ".",
    ]


def citation_text(info: BuildInfo, page_title: str, page_path: str) -> str:
    """Return a plain-text citation of one page of this build (escape it where it lands)."""
    year = info.build_date[:4]
    return (f"{REPORT_AUTHOR} ({year}). \u201c{page_title}\u201d. In: {REPORT_TITLE}, "
            f"version {info.version}, scenario {info.scenario}, commit {info.commit}. "
            f"Page {page_path}, built {info.build_date}.")


def citation_bibtex(info: BuildInfo, page_title: str, page_path: str, key: str) -> str:
    """Return a BibTeX ``@misc`` entry citing one page of this build (every value escaped).

    The key is not escaped (BibTeX keys take no escapes): it must be a plain identifier.
    """
    if not _BIBTEX_KEY.fullmatch(key):
        raise ValueError(f"BibTeX key {key!r}: use letters, digits, '_', ':' and '-' only")
    b = bibtex_text
    year = info.build_date[:4]
    return (
        f"@misc{{{key},\n"
        f"  author = {{{{{b(REPORT_AUTHOR)}}}}},\n"
        f"  title = {{{{{b(page_title)}}}}},\n"
        f"  howpublished = {{{b(REPORT_TITLE)}, page {b(page_path)}}},\n"
        f"  year = {{{b(year)}}},\n"
        f"  version = {{{b(info.version)}}},\n"
        f"  note = {{Scenario {b(info.scenario)}; commit {b(info.commit)}; "
        f"built {b(info.build_date)}}}\n"
        f"}}"
    )


def footer_markdown(info: BuildInfo, page_title: str, page_path: str, page_id: str,
                    with_citation: bool, page_parameters: Iterable[str] | None = None) -> str:
    """Return the provenance footer appended to every page (a MyST admonition).

    Args:
        info: The build.
        page_title: The page's title (for the citation).
        page_path: The page's path in the site (for the citation).
        page_id: The page's id (for the BibTeX key).
        with_citation: Add the "Cite this page" box.
        page_parameters: The parameters the page's numbers depend on: the footer lists those
            that differ from the defaults. ``None``: the page is about the whole build, and
            the footer lists every parameter that differs.
    """
    vintage = info.vintage
    if page_parameters is None:
        changed, whose = info.changed, "parameters that differ from the defaults"
    else:
        names = set(page_parameters)
        changed = {k: v for k, v in info.changed.items() if k in names}
        whose = "parameters of this page that differ from the defaults"
    lines = [
        "````{admonition} About this page",
        ":class: provenance",
        "",
        f"- **Scenario:** {md_text(info.scenario)}; {whose}: "
        f"{_changed_text(changed)}. "
        "The full set is in the [execution record](execution-record.md).",
        *_vintage_lines(vintage),
        f"- **Build:** {info.build_date}, commit {md_text(info.commit)}"
        + (" (with uncommitted changes)" if info.dirty else "")
        + f", package version {md_text(info.version)}.",
    ]
    lines.append("````")
    if with_citation:
        # The citation is one click away, so the footer stays short.
        lines += [
            "",
            "````{admonition} Cite this page",
            ":class: provenance dropdown",
            "",
            md_text(citation_text(info, page_title, page_path)),
            "",
            "```{code-block} bibtex",
            citation_bibtex(info, page_title, page_path, f"amzn_efficiency_{page_id}"),
            "```",
            "````",
        ]
    return "\n".join(lines) + "\n"


def execution_record_markdown(
    info: BuildInfo, runs: Sequence[Mapping[str, Any]]
) -> str:
    """Return the execution-record tables: one row per page, then every parameter's value."""
    out = [
        "| page | how | executed at (UTC) | seconds | parameters used | changed from default |",
        "|---|---|---|---|---|---|",
    ]
    for run in runs:
        used = run.get("parameters", {})
        changed = ", ".join(f"`{k}` = {md_text(fmt_value(v, SCHEMA[k].unit))}"
                            for k, v in sorted(used.items()) if k in info.changed) or "none"
        out.append(f"| {md_text(run['docname'])} | {run['how']} | {md_text(run['started'])} | "
                   f"{run['seconds']:.1f} | {len(used)} | {changed} |")
    out += [
        "",
        f"Scenario **{md_text(info.scenario)}**, commit {md_text(info.commit)}, "
        f"package version {md_text(info.version)}.",
        "",
        "| parameter | value in this build | default | unit | pages using it |",
        "|---|---|---|---|---|",
    ]
    for name, spec in SCHEMA.items():
        value = info.values[name]
        mark = " (changed)" if name in info.changed else ""
        users = sum(name in r.get("parameters", {}) for r in runs)
        out.append(f"| `{name}` | {md_text(fmt_value(value, spec.unit))}{mark} | "
                   f"{md_text(fmt_value(spec.default, spec.unit))} | {md_text(spec.unit)} | "
                   f"{users} |")
    return "\n".join(out) + "\n"


def manifest(
    info: BuildInfo,
    pages: Sequence[str],
    data_checksums: Mapping[str, str],
    glued: Mapping[str, Mapping[str, str]],
    figures: Sequence[str],
    *,
    glued_markdown: Mapping[str, Mapping[str, str]] | None = None,
    tables: Mapping[str, Mapping[str, Any]] | None = None,
    figure_data: Mapping[str, Mapping[str, str]] | None = None,
    data_rows: Mapping[str, Mapping[str, str]] | None = None,
) -> str:
    r"""Return ``manifest.json`` text: pages, parameters, data checksums and glued values.

    The build date and dirty flag are left out so that two builds of the same inputs give
    identical manifests. For "What changed" (:mod:`analysis.site.diff`) it also records, when
    given, each page's glued Markdown (tables such as the ledger's verdicts), the cells of its
    exported tables, a hash of each figure's plotted data, and every data row.
    ``<``, ``>`` and ``&`` are written as ``\u`` escapes, so a browser
    that sniffs the file as HTML finds no tag in it.
    """
    doc = {
        "report": REPORT_TITLE,
        "version": info.version,
        "commit": info.commit,
        "scenario": info.scenario,
        "parameters": dict(sorted(info.values.items())),
        "changed_parameters": dict(sorted(info.changed.items())),
        "data_vintage": dict(sorted(info.vintage.items())),
        "data_checksums": dict(sorted(data_checksums.items())),
        "pages": list(pages),
        "glued_values": {page: dict(sorted(v.items())) for page, v in sorted(glued.items())},
        "figures": sorted(figures),
    }
    extra = {"glued_markdown": glued_markdown, "tables": tables, "figure_data": figure_data,
             "data_rows": data_rows}
    for key, value in extra.items():
        if value is not None:
            doc[key] = {k: value[k] for k in sorted(value)}
    return json_for_html(doc, indent=2, sort_keys=False, default=str) + "\n"

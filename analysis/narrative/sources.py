"""How strong a figure's source is, in plain words, generated from its confidence flag.

Every data row carries a ``confidence`` flag (:data:`analysis.data.schemas.CONFIDENCE_LEVELS`). A
reader who cites a number needs to know when it rests only on a secondary copy, an estimate or
an unverified figure; this module is the one place that turns the flag into those words, for a
sentence (:func:`source_clause`) or a figure's note (:func:`figure_note`).

Flags that name Amazon's own documents (``filing``, ``company_release``) and this report's
arithmetic on them (``derived``) need no warning; the others do.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from analysis.data.schemas import CONFIDENCE_LEVELS, CONFIDENCE_WEAKNESS

__all__ = ["WEAK_LEVELS", "figure_note", "is_weak", "source_clause", "strength_label", "weakest"]

#: Flags that the prose must point out to the reader.
WEAK_LEVELS: tuple[str, ...] = ("filing_copy", "company_release_copy", "call_transcript_copy",
                                 "secondary", "estimate", "unverified")

_CLAUSE: dict[str, str] = {
    "filing_copy": ("was read in a copy of Amazon's SEC filing quoted by a public research "
                    "note, not on the SEC's site itself"),
    "company_release_copy": ("was read in a copy of Amazon's release quoted by a public "
                             "research note, not in the release itself"),
    "call_transcript_copy": ("was spoken on an earnings call and read in a third-party "
                             "transcript excerpt; it is in no filing"),
    "secondary": ("rests only on a secondary report (a news, aggregator or analyst page), "
                  "not on a copy of the company's own filing or release"),
    "estimate": "is this report's own estimate, not a reported figure",
    "unverified": ("could not be verified: the only source is unreliable or none was found, "
                   "so treat it as an assumption"),
}

_NOTE: dict[str, str] = {
    "filing_copy": "were read in copies of Amazon's SEC filings, not on the SEC's site itself",
    "company_release_copy": "were read in copies of Amazon's releases, not in the releases "
                            "themselves",
    "call_transcript_copy": "were spoken on an earnings call and read in a third-party "
                            "transcript; they are in no filing",
    "secondary": "rest only on secondary reports, not on the company's own filings or "
                 "releases",
    "estimate": "are this report's estimates, not reported figures",
    "unverified": "could not be verified and are shown only because unreliable figures were "
                  "included",
}


_LABEL: dict[str, str] = {
    "filing": "Amazon's SEC filing",
    "company_release": "Amazon's release (or a verbatim copy)",
    "filing_copy": "copy of Amazon's SEC filing",
    "company_release_copy": "copy of Amazon's release",
    "call_transcript_copy": "earnings-call transcript copy",
    "secondary": "secondary report only",
    "derived": "arithmetic on sourced figures",
    "estimate": "this report's estimate",
    "unverified": "unverified",
}


def strength_label(confidence: str) -> str:
    """A short label of a flag for a table column.

    >>> strength_label("secondary")
    'secondary report only'
    """
    return _LABEL[_check(confidence)]


def _check(confidence: str) -> str:
    flag = str(confidence).strip()
    if flag not in CONFIDENCE_LEVELS:
        raise ValueError(f"unknown confidence flag {confidence!r}; expected one of "
                         f"{', '.join(CONFIDENCE_LEVELS)}")
    return flag


def is_weak(confidence: str) -> bool:
    """Return True if a figure with this flag must carry a warning.

    >>> is_weak("secondary"), is_weak("company_release")
    (True, False)
    """
    return _check(confidence) in WEAK_LEVELS


def weakest(confidences: Iterable[str]) -> str:
    """Return the weakest of several flags (the order of ``CONFIDENCE_WEAKNESS``).

    A figure built from several rows is only as strong as its weakest input.

    >>> weakest(["company_release", "secondary", "derived"])
    'secondary'

    Raises:
        ValueError: No flag given, or an unknown flag.
    """
    flags = [_check(c) for c in confidences]
    if not flags:
        raise ValueError("no confidence flag given")
    return max(flags, key=CONFIDENCE_WEAKNESS.index)


def source_clause(what: str, confidence: str | Iterable[str]) -> str:
    """Say in one sentence how weak a figure's source is, or return ``""`` if it is strong.

    Args:
        what: The figure as the reader knows it, e.g. ``"The Q3-2025 severance charge"``.
        confidence: Its flag, or the flags of every input (the weakest applies).

    Returns:
        A sentence ending in a full stop, or an empty string for a filing, a company release
        or arithmetic on them.

    >>> source_clause("The figure", "secondary")[:38]
    'The figure rests only on a secondary r'
    >>> source_clause("The figure", "filing")
    ''
    """
    flag = _check(confidence) if isinstance(confidence, str) else weakest(confidence)
    if flag not in WEAK_LEVELS:
        return ""
    return f"{what} {_CLAUSE[flag]}."


def figure_note(labels: Sequence[str], confidences: Sequence[str], noun: str = "figures"
                ) -> str:
    """A figure's note naming the points whose source is weak, grouped by flag.

    Args:
        labels: One label per plotted value (e.g. ``"2026Q1"``).
        confidences: The flag of each value, aligned with ``labels``.
        noun: What the values are, plural (``"quarters"``).

    Returns:
        Sentences such as ``"The figures for 2026Q1 rest only on a secondary report, ..."``,
        or ``"All figures come from Amazon's filings or releases (or arithmetic on them)."``

    Raises:
        ValueError: Lengths differ or a flag is unknown.

    >>> figure_note(["a", "b"], ["filing", "filing"])
    "All figures come from Amazon's filings or releases (or arithmetic on them)."
    """
    if len(labels) != len(confidences):
        raise ValueError("labels and confidences must have the same length")
    groups: dict[str, list[str]] = {}
    for label, confidence in zip(labels, confidences, strict=True):
        flag = _check(confidence)
        if flag in WEAK_LEVELS:
            groups.setdefault(flag, []).append(str(label))
    if not groups:
        return f"All {noun} come from Amazon's filings or releases (or arithmetic on them)."
    if len(groups) == 1 and len(next(iter(groups.values()))) == len(labels) > 1:
        return f"All {noun} {_NOTE[next(iter(groups))]}."
    parts = []
    for flag in WEAK_LEVELS:
        if flag in groups:
            names = groups[flag]
            listed = names[0] if len(names) == 1 else (", ".join(names[:-1]) + " and "
                                                       + names[-1])
            parts.append(f"The {noun} for {listed} {_NOTE[flag]}.")
    return " ".join(parts)

"""The evidence a chapter gives on a claim, and the glued evidence and verdict texts.

A chapter's narrative module turns its results into :class:`ClaimEvidence` (sentences with
the numbers, and the numbers the ledger's rule takes); :mod:`analysis.ledger` judges them, and
:func:`evidence_glue` gives the page both texts under its glue keys.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

__all__ = ["ClaimEvidence", "Judged", "evidence_glue"]


@dataclass(frozen=True)
class ClaimEvidence:
    """The evidence on one claim of the original analysis (``analysis.ledger`` decides).

    Attributes:
        claim: The claim, paraphrased.
        evidence: A few sentences with the numbers (formatted by :mod:`analysis.text`); plain
            text, no citations (the chapter cites the sources next to it).
        measures: The numbers the ledger's rule for this claim takes, by argument name.
    """

    claim: str
    evidence: str
    measures: Mapping[str, Any]


class Judged(Protocol):
    """A ledger judgement (:class:`analysis.ledger.Judgement`): only its verdict is read."""

    verdict: str


def evidence_glue(prefix: str, evidence: Mapping[str, ClaimEvidence],
                  verdicts: Mapping[str, Judged]) -> dict[str, str]:
    """Glue values ``<prefix>_evidence_<key>`` and ``<prefix>_verdict_<key>`` per claim.

    Args:
        prefix: The page's glue prefix (``"ch2"``).
        evidence: The chapter's evidence by key.
        verdicts: The ledger's judgements by the same keys
            (:func:`analysis.ledger.chapter_verdicts`).

    Returns:
        Two texts per judged claim.
    """
    out: dict[str, str] = {}
    for key, judged in verdicts.items():
        out[f"{prefix}_evidence_{key}"] = evidence[key].evidence
        out[f"{prefix}_verdict_{key}"] = judged.verdict
    return out

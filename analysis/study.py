"""Fixed facts of the study, stated once: key dates, the claimed range, the readings, the scales.

This is the bottom layer of the package: it imports nothing from :mod:`analysis`, and every
other module takes these values from here instead of typing them again.
"""

from __future__ import annotations

__all__ = [
    "CLAIM_HIGH",
    "CLAIM_LOW",
    "EXPOSURE_AXIS_TITLE",
    "EXPOSURE_DEFINITION",
    "FACTUAL_VERDICTS",
    "FURTHER_AFTER",
    "LIKELIHOOD_SCALE",
    "READINGS",
    "READING_LABELS",
    "likelihood_words",
]

#: The claim under test: a further 20,000–35,000 corporate roles eliminated "by 2027".
CLAIM_LOW = 20_000
CLAIM_HIGH = 35_000

#: DESIGN §5: "further" cuts are corporate role reductions announced after this round.
FURTHER_AFTER = "2025-10-28"

#: The two readings of "by 2027": the last day on which an announcement still counts.
READINGS: dict[str, str] = {"2026": "2026-12-31", "2027": "2027-12-31"}
READING_LABELS: dict[str, str] = {"2026": "before 1 Jan 2027", "2027": "by 31 Dec 2027"}

#: Calibrated likelihood language (IPCC AR5 guidance note, Mastrandrea et al. 2010), as
#: (lowest probability, words), checked from the top; the first whose bound is met applies.
#: Between 33% and 66% the words are "about as likely as not".
LIKELIHOOD_SCALE: tuple[tuple[float, str], ...] = (
    (0.99, "virtually certain"),
    (0.90, "very likely"),
    (0.66, "likely"),
    (0.33, "about as likely as not"),
    (0.10, "unlikely"),
    (0.01, "very unlikely"),
    (0.0, "exceptionally unlikely"),
)

#: Eloundou et al.'s (2023) exposure measure as the report uses it. Their beta is a weighted
#: score, not a share of tasks: a task rated E1 (an LLM alone halves its time) counts fully, one
#: rated E2 (only software built on an LLM does) counts half, others not at all.
EXPOSURE_DEFINITION = (
    "Eloundou et al.'s exposure score \u03b2: the share of an occupation's tasks whose time a "
    "large language model alone could cut by at least half at equal quality, plus half the "
    "share for which only software built on one could, a weighted score from 0 to 100 rather "
    "than a count of exposed tasks")
EXPOSURE_AXIS_TITLE = "exposure score \u03b2 (0\u2013100; Eloundou et al.)"

#: Verdict words for factual claims (the ledger's rubric says when each applies).
FACTUAL_VERDICTS: tuple[str, ...] = ("supported", "partly supported", "not supported",
                                     "not testable")


def likelihood_words(probability: float) -> str:
    """Return the calibrated likelihood words for a probability in [0, 1].

    >>> likelihood_words(0.52)
    'about as likely as not'
    >>> likelihood_words(0.7)
    'likely'
    >>> likelihood_words(0.2)
    'unlikely'
    """
    if not 0.0 <= probability <= 1.0:
        raise ValueError(f"probability must be in [0, 1], got {probability!r}")
    for bound, words in LIKELIHOOD_SCALE:
        if probability >= bound:
            return words
    return LIKELIHOOD_SCALE[-1][1]  # unreachable: the last bound is 0

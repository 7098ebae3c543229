"""The glossary: one table of the terms the report uses, rendered as the glossary page.

Definitions that depend on a study fact (the claimed range, the readings, the likelihood
scale) or on a parameter (the interval level) are built from it, so the glossary cannot drift
from what the pages compute.
"""

from __future__ import annotations

from dataclasses import dataclass

from analysis import study, text

__all__ = ["Term", "glossary_md", "terms"]

_DASH = "\u2013"


@dataclass(frozen=True)
class Term:
    """One glossary entry.

    Attributes:
        term: The term as the report writes it.
        definition: One or two sentences, Markdown.
        see: Page where the term is used most (a docname such as ``ch1-capital``), or "".
    """

    term: str
    definition: str
    see: str = ""


def _scale() -> str:
    bounds = [b for b, _ in study.LIKELIHOOD_SCALE]
    parts = []
    for i, (bound, words) in enumerate(study.LIKELIHOOD_SCALE):
        upper = 1.0 if i == 0 else bounds[i - 1]
        low = text.fmt_prob(bound) if bound > 0 else "0%"
        span = f"{low}{_DASH}{text.fmt_prob(upper)}" if i else f"{low} or more"
        parts.append(f"*{words}* {span}")
    return "; ".join(parts)


def terms(interval_level_pct: float = 80) -> list[Term]:
    """Return the glossary entries, alphabetically.

    Args:
        interval_level_pct: The build's central interval level, %, named in "interval".
    """
    claim = text.fmt_interval(study.CLAIM_LOW, study.CLAIM_HIGH, fmt=text.fmt_count)
    level = text.fmt_pct(interval_level_pct)
    tail = (100.0 - interval_level_pct) / 2
    entries = [
        Term("backtest", "Re-running a forecasting procedure as if at past dates, with only the "
             "data known then, and scoring its forecasts against what happened.", "backtest"),
        Term("capex", "Capital expenditure: Amazon's gross purchases of property and equipment "
             "(data centres, servers, warehouses), before proceeds from sales and incentives.",
             "ch1-capital"),
        Term("capex intensity", "Gross capex divided by net sales in the same fiscal year.",
             "ch1-capital"),
        Term("cash capex", "Amazon's term for net capex: purchases of property and equipment "
             "net of proceeds from sales and incentives.", "ch1-capital"),
        Term("claimed range", f"The claim under test: a further {claim} corporate roles "
             "eliminated by 2027.", "ch5-forecast"),
        Term("corporate workforce", "Amazon's corporate and technology employees, as opposed to "
             "warehouse, delivery and store staff. Amazon does not report it; the report uses "
             "an estimate.", "ch2-corporate-middle"),
        Term("coverage", "The share of backtest outcomes that fell inside a forecast's "
             "prediction interval; a well-calibrated 80% interval covers about 80%.",
             "backtest"),
        Term("exposure (β)", "Eloundou et al.'s β: a weighted score of how much of an "
             "occupation's tasks a large language model, alone or with software built on it, "
             "could do at least twice as fast; fully exposed tasks count 1, tasks that need "
             "extra software count one half. It is a score, not a share of jobs.",
             "ch2-corporate-middle"),
        Term("free cash flow", "Amazon's definition: operating cash flow minus net capex.",
             "ch1-capital"),
        Term("further cuts", "Corporate role reductions announced after the round of "
             f"{text.fmt_date(study.FURTHER_AFTER)}; the claim is about these.", "ch5-forecast"),
        Term("interval", f"The central {level} interval runs from the "
             f"{text.fmt_decimal(tail, 0)}th to the {text.fmt_decimal(100 - tail, 0)}th "
             "percentile of the simulations: the outcome falls inside it in "
             f"{level} of them.", "ch5-forecast"),
        Term("likelihood words", "The report describes a probability with one calibrated "
             f"scale (the IPCC's), always with the number: {_scale()}.", "claim-ledger"),
        Term("naive forecast", "The benchmark a forecast must beat: next year equals this "
             "year plus the average yearly change so far (a random walk with drift).",
             "backtest"),
        Term("P(inside)", "The share of simulations in which further cuts land inside the "
             "claimed range; P(below) and P(above) are the shares outside it.",
             "ch5-forecast"),
        Term("projection core", "The report's model that follows the corporate workforce "
             "quarter by quarter under stated assumptions about AI adoption, de-layering and "
             "the EU AI Act.", "ch5-forecast"),
        Term("layoff-rounds model", "The report's model of what Amazon's own record of "
             "corporate rounds implies if it continues at the same pace.", "ch5-forecast"),
        Term("skill", "1 minus a forecast's mean absolute percentage error divided by the "
             "naive forecast's: positive means better than the naive forecast.", "backtest"),
        Term("the two readings", "\u201cBy 2027\u201d is read both ways: announced "
             f"{study.READING_LABELS['2026']} (by {text.fmt_date(study.READINGS['2026'])}) and "
             f"announced {study.READING_LABELS['2027']}.", "ch5-forecast"),
    ]
    return sorted(entries, key=lambda t: t.term.lower().removeprefix("the "))


def glossary_md(entries: list[Term]) -> str:
    """Render entries as a MyST definition list, each with a link to its main page.

    >>> print(glossary_md([Term("capex", "Capital expenditure.", "ch1-capital")]))
    capex
    : Capital expenditure. See {doc}`ch1-capital`.
    <BLANKLINE>
    """
    lines = []
    for t in entries:
        see = f" See {{doc}}`{t.see}`." if t.see else ""
        lines += [t.term, f": {t.definition}{see}", ""]
    return "\n".join(lines)

"""The briefing's sentences, built from the headline, the data and the backtest.

The briefing (``book/briefing.md``) states the bottom line, a few key numbers and the caveats
on one printed page. Every sentence here is computed from results handed in, so it changes
with the data and the parameters, and the likelihood words follow the study's one scale
(:func:`analysis.study.likelihood_words`), always with the number next to them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from analysis import study, text
from analysis.chapters.capital import CapitalResults
from analysis.chapters.forecast import ForecastChapterResults
from analysis.models import economics
from analysis.models.headline import fmt_observed
from analysis.narrative import arithmetic, sources, vintage

__all__ = [
    "HEADLINE_ALT",
    "KeyNumber",
    "backtest_caveat",
    "bottom_line",
    "briefing_values",
    "capex_number",
    "capital_number",
    "forecast_numbers",
    "intro_call_values",
    "intro_cost_values",
    "intro_values",
    "key_numbers",
    "key_numbers_markdown",
    "odds",
]


@dataclass(frozen=True)
class KeyNumber:
    """One key number of the briefing: a short label, the value and a line of context."""

    label: str
    value: str
    context: str


def odds(probability: float) -> str:
    """Likelihood words with the number next to them: "about as likely as not (45%)".

    >>> odds(0.45)
    'about as likely as not (45%)'
    >>> odds(0.08)
    'very unlikely (8%)'
    """
    return f"{study.likelihood_words(probability)} ({text.fmt_prob(probability)})"


def _claim() -> str:
    return text.fmt_interval(study.CLAIM_LOW, study.CLAIM_HIGH, fmt=text.fmt_count)


def bottom_line(verdict: str, row_2026: Mapping[str, float], row_2027: Mapping[str, float]
                ) -> str:
    """The verdict on the claim and its odds under both readings of "by 2027", in two sentences.

    Args:
        verdict: The ledger's verdict on the forecast claim (its rule lives in the ledger,
            a higher layer, so the page passes it in).
        row_2026: Combined headline summary for the 31 Dec 2026 reading (``prob_inside``,
            ``prob_below``, ``prob_above``, ``median``).
        row_2027: The same for the 31 Dec 2027 reading (the one the verdict is judged on).

    >>> r26 = {"prob_inside": 0.2, "prob_below": 0.7, "prob_above": 0.1, "median": 17000}
    >>> r27 = {"prob_inside": 0.45, "prob_below": 0.05, "prob_above": 0.5, "median": 36000}
    >>> print(bottom_line("about as likely as not (45%) by 31 Dec 2027", r26, r27))
    ... # doctest: +NORMALIZE_WHITESPACE
    Verdict on the claim of 20,000–35,000 further corporate cuts by 2027: about as likely as
    not (45%) by 31 Dec 2027. Counting announcements by 31 Dec 2027, more than 35,000 is about
    as likely as not (50%).
    """
    below, above = float(row_2027["prob_below"]), float(row_2027["prob_above"])
    if above >= below:
        side = f"more than {text.fmt_count(study.CLAIM_HIGH)} is {odds(above)}"
    else:
        side = f"fewer than {text.fmt_count(study.CLAIM_LOW)} is {odds(below)}"
    # The verdict already gives the odds of landing inside the range for both readings.
    return (f"Verdict on the claim of {_claim()} further corporate cuts by 2027: {verdict}. "
            f"Counting announcements {study.READING_LABELS['2027']}, {side}.")


def forecast_numbers(observed: float, as_of: str, row_2027: Mapping[str, float],
                     level_pct: float) -> list[KeyNumber]:
    """Key numbers of the forecast: announced so far, the median and the chance inside.

    Args:
        observed: Further cuts already announced by ``as_of`` (roles, midpoints).
        as_of: Data cut-off (ISO date).
        row_2027: Combined headline summary, 31 Dec 2027 reading.
        level_pct: Central interval level, %.
    """
    return [
        KeyNumber("already announced", fmt_observed(observed),
                  f"further corporate cuts announced after {text.fmt_date(study.FURTHER_AFTER)}"
                  f" and by {text.fmt_date(as_of)}, the floor of every simulation"),
        KeyNumber("forecast by 31 Dec 2027", text.fmt_roles(row_2027["median"]),
                  f"median further cuts; {text.with_article(text.fmt_pct(level_pct))} "
                  f"interval of {text.fmt_interval(row_2027['lower'], row_2027['upper'])}"),
        KeyNumber("chance inside the range", text.fmt_prob(row_2027["prob_inside"]),
                  f"of ending {study.READING_LABELS['2027']} between "
                  f"{_claim()} further cuts"),
    ]


def capex_number(capex_year: int, capex_usd_m: float, capex_prev_usd_m: float) -> KeyNumber:
    """Key number of capital spending: the last reported year's gross capex and its rise.

    >>> capex_number(2025, 131_819, 83_004).context
    'up $49 billion on 2024'
    """
    return KeyNumber(f"gross capex {capex_year}", text.fmt_usd_words(capex_usd_m),
                     f"up {text.fmt_usd_words(capex_usd_m - capex_prev_usd_m)} on "
                     f"{capex_year - 1}")


def capital_number(capital: CapitalResults) -> KeyNumber:
    """:func:`capex_number` of the last fiscal year chapter 1 counts as reported at its cut-off.

    The year and both amounts come from the chapter's results, so the briefing follows the
    one as_of rule (:mod:`analysis.data.calendar`): an early cut-off never quotes a year that
    was not yet reported.
    """
    year = capital.last_year
    return capex_number(year, capital.capex_usd_m(year), capital.capex_usd_m(year - 1))


def key_numbers(observed: float, as_of: str, row_2027: Mapping[str, float], level_pct: float,
                capital: CapitalResults) -> list[KeyNumber]:
    """The briefing's key numbers (:func:`forecast_numbers`, then :func:`capital_number`).

    Args:
        observed: Further cuts already announced by ``as_of`` (roles, midpoints).
        as_of: Data cut-off (ISO date).
        row_2027: Combined headline summary, 31 Dec 2027 reading.
        level_pct: Central interval level, %.
        capital: Chapter 1's results at the same cut-off.
    """
    return [*forecast_numbers(observed, as_of, row_2027, level_pct), capital_number(capital)]


def key_numbers_markdown(numbers: list[KeyNumber]) -> str:
    """Render the key numbers as a Markdown definition-free list (one line each).

    >>> print(key_numbers_markdown([KeyNumber("a", "1", "one")]))
    - **1** a: one
    """
    return "\n".join(f"- **{n.value}** {n.label}: {n.context}" for n in numbers)


def backtest_caveat(summary: pd.DataFrame, level_pct: int = 80) -> str:
    """What the backtest says about the statistical forecasts, in one sentence.

    Args:
        summary: :attr:`analysis.models.backtest.BacktestResult.summary`.
        level_pct: The interval level whose coverage is reported (a level the backtest scored).

    >>> s = pd.DataFrame({"series": ["Capex", "Capex"], "horizon": [1, 2],
    ...                   "method": ["model", "model"], "n": [5, 4],
    ...                   "mape_pct": [20.0, 30.0], "coverage_80": [0.6, 0.5],
    ...                   "skill_vs_naive": [-0.25, 0.1]})
    >>> print(backtest_caveat(s))  # doctest: +NORMALIZE_WHITESPACE
    In a backtest over 9 past forecasts, the statistical forecasts of capex and headcount were
    less accurate than a naive trend in 1 of the 2 combinations of series and horizon (average
    skill −8%), and their 80% intervals held 50%–60% of outcomes; the headline does not rest
    on them.
    """
    rows = summary[summary["method"] == "model"]
    if rows.empty or rows["skill_vs_naive"].isna().all():
        return ("The statistical forecasts of capex and headcount could not yet be backtested, "
                "so the report does not rely on them.")
    cov = rows[f"coverage_{level_pct}"]
    cover = text.fmt_interval(cov.min(), cov.max(), fmt=text.fmt_prob)
    if cov.min() == cov.max():
        cover = text.fmt_prob(cov.min())
    if "naive_used" in rows and bool((rows["naive_used"] >= 1.0).all()):
        return (f"In a backtest over {text.plural(int(rows['n'].sum()), 'past forecast')}, no "
                "statistical model of capex or headcount beat a naive trend out of sample, so "
                f"the report uses the naive trend; its {text.fmt_pct(level_pct)} intervals held "
                f"{cover} of outcomes, and the headline does not rest on these series.")
    worse = int((rows["skill_vs_naive"] < 0).sum())
    skill = float(rows["skill_vs_naive"].mean()) * 100.0
    return (f"In a backtest over {text.plural(int(rows['n'].sum()), 'past forecast')}, the "
            "statistical forecasts of capex and headcount were less accurate than a naive trend "
            f"in {text.fmt_k_of_n(worse, len(rows))} combinations of series and horizon "
            f"(average skill {text.fmt_pct(skill, 0)}), and their {text.fmt_pct(level_pct)} "
            f"intervals held {cover} of outcomes; the headline does not rest on them.")


def headline_backtest_caveat(result: Any) -> str:
    """What the headline models' own backtest can and cannot say, in one sentence.

    Args:
        result: :class:`analysis.models.headline.HeadlineResult` (its ``backtest`` is ``None`` when
            the weight was set by the parameters).

    >>> from types import SimpleNamespace as NS
    >>> bt = NS(origins=("2022-12-31", "2023-06-30"), independent_windows=1, too_short=True,
    ...         weight_interval_pct=(20.0, 67.0))
    >>> print(headline_backtest_caveat(NS(backtest=bt, weight_pct=43.0)))
    ... # doctest: +NORMALIZE_WHITESPACE
    The two headline models were run from 2 past cut-offs and scored on what was announced
    next; that record is too short to tell them apart (the projection core's weight of 43%
    has an 80% interval of 20%–67%), so the odds above are uncertain beyond their stated
    intervals.
    """
    bt = result.backtest
    if bt is None:
        return (f"The weight of the two headline models ({text.fmt_pct(result.weight_pct)} on "
                "the projection core) was set by this build's parameters, not fitted on their "
                "record.")
    interval = text.fmt_interval(*bt.weight_interval_pct, fmt=text.fmt_pct)
    judged = ("that record is too short to tell them apart" if bt.too_short
              else "that record sets their weights")
    tail = (", so the odds above are uncertain beyond their stated intervals."
            if bt.too_short else ".")
    return (f"The two headline models were run from "
            f"{text.plural(len(bt.origins), 'past cut-off')} and scored on what was announced "
            f"next; {judged} (the projection core's weight of {text.fmt_pct(result.weight_pct)} "
            f"has an 80% interval of {interval}){tail}")


#: Description of the briefing's headline histogram for assistive technology.
HEADLINE_ALT = ("Histogram of simulated further corporate cuts by the end of 2027, with the "
                "claimed range of 20,000 to 35,000 roles shaded and the cuts already announced "
                "marked by a dashed line.")


def briefing_values(res: ForecastChapterResults, capital: CapitalResults, verdict: str
                    ) -> dict[str, str]:
    """Every text the briefing page glues, from the stored results.

    Args:
        res: The forecast chapter's results (headline, backtests, arithmetic, vintage).
        capital: Chapter 1's results at the same cut-off (the capex key number).
        verdict: The ledger's likelihood verdict on the prediction (the ledger decides it).

    Returns:
        Glue key -> text (``br_*``).
    """
    p, head = res.params, res.headline
    r26, r27 = head.get("combined", "2026"), head.get("combined", "2027")
    out = {"br_bottom_line": bottom_line(verdict, r26, r27),
           "br_backtest": backtest_caveat(res.annual_backtest.summary, 80),
           "br_headline_backtest": headline_backtest_caveat(head),
           "br_not_in_data": vintage.not_yet_in_data_sentence({**res.vintage, "as_of": p.as_of})}
    numbers = key_numbers(head.observed, p.as_of, r27, p.interval_level_pct, capital)
    for key, n in zip(("announced", "median", "inside", "capex"), numbers, strict=True):
        out |= {f"br_{key}": n.value, f"br_{key}_label": n.label, f"br_{key}_context": n.context}
    out |= {f"br_ar_{k}": s for k, s in arithmetic.sentences(res.arithmetic).items()}
    return out


def intro_values(res: ForecastChapterResults, verdict: str) -> dict[str, str]:
    """The introduction's key findings (``intro_*``), from the same results as the briefing."""
    p, head = res.params, res.headline
    r26, r27 = head.get("combined", "2026"), head.get("combined", "2027")
    out = {"intro_bottom_line": bottom_line(verdict, r26, r27)}
    for key, n in zip(("announced", "median", "inside"),
                      forecast_numbers(head.observed, p.as_of, r27, p.interval_level_pct),
                      strict=True):
        out |= {f"intro_{key}": n.value, f"intro_{key}_context": n.context}
    return out


def intro_cost_values(cost_per_employee_usd_k: float, headcount: float) -> dict[str, str]:
    """The introduction's savings arithmetic: cost per employee, workforce cost, claim savings.

    Args:
        cost_per_employee_usd_k: Fully loaded yearly cost of one corporate employee, USD k.
        headcount: Estimated corporate workforce before 28 Oct 2025.
    """
    claim = economics.labour_savings_usd_bn([study.CLAIM_LOW, study.CLAIM_HIGH],
                                            cost_per_employee_usd_k)
    return {
        "intro_cost_per_employee": text.fmt_usd(cost_per_employee_usd_k * 1000, 0),
        "intro_workforce_cost": text.fmt_usd_bn(
            economics.labour_savings_usd_bn(headcount, cost_per_employee_usd_k)),
        "intro_claim_savings": text.fmt_interval(*claim, fmt=text.fmt_usd_bn, decimals=1),
        "intro_headcount_base": text.fmt_count(headcount)}


def intro_call_values(guidance: pd.DataFrame, statement_id: str = "2025-10-q3-call"
                      ) -> dict[str, str]:
    """The introduction's account of the October 2025 call, with its source strength."""
    call = guidance.set_index("statement_id").loc[statement_id]
    return {"intro_call_date": text.fmt_date(call["statement_date"].date()),
            "intro_call_capex": text.fmt_usd_bn(call["value_low_usd_bn"]),
            "intro_call_source": sources.source_clause("The account of that call",
                                                       call["confidence"])}

"""The arithmetic behind the headline: what is announced, what the claim still needs.

One frozen result and the sentences made from it, for the forecast page and the briefing:
the further cuts already announced by the cut-off, what each reading of "by 2027" still needs
at the low and high end of the claimed range, Amazon's largest past rounds, what one more round
of the largest size would do, and Reuters' report of a plan for up to 30,000 cuts. Every
comparison word ("inside", "above", "below") is decided here from the numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis import study, text
from analysis.models.headline import HeadlineResult, fmt_observed, sized_rounds
from analysis.narrative.likelihood import likelihood_phrase

__all__ = ["Arithmetic", "ReadingNeed", "arithmetic", "position", "sentences"]

#: Benchmark row holding Reuters' report of the planned cuts.
REUTERS_PLAN_ID = "reuters-plan-30000"


@dataclass(frozen=True)
class ReadingNeed:
    """What one reading of "by 2027" still needs.

    Attributes:
        reading: ``"2026"`` or ``"2027"`` (keys of :data:`analysis.study.READINGS`).
        label: The reading in words.
        cutoff: Last day on which an announcement counts (ISO date).
        months_left: Whole months from the data cut-off to ``cutoff``.
        need_low: More roles needed to reach the low end (0 if already reached).
        need_high: More roles allowed before passing the high end (negative if passed).
        prob_inside: The combined forecast's chance of ending inside the range.
    """

    reading: str
    label: str
    cutoff: str
    months_left: int
    need_low: float
    need_high: float
    prob_inside: float


@dataclass(frozen=True)
class Arithmetic:
    """The arithmetic context of the headline.

    Attributes:
        as_of: Data cut-off.
        observed: Further corporate cuts announced after 28 Oct 2025 and by ``as_of``.
        largest: Largest past corporate rounds (not nested in another), largest first:
            ``announced`` (Timestamp), ``roles`` (midpoint).
        one_more_largest: ``observed`` plus the largest past round.
        one_more_position: Where that total falls: "below", "inside" or "above" the range.
        plan_roles: Reuters' reported plan ("as many as"), or ``None`` if not in the data.
        plan_date: Date of that report (ISO), or ``""``.
        since_plan: Corporate cuts announced from the 28 Oct 2025 round on, by ``as_of``.
        readings: One :class:`ReadingNeed` per reading.
    """

    as_of: str
    observed: float
    largest: pd.DataFrame
    one_more_largest: float
    one_more_position: str
    plan_roles: float | None
    plan_date: str
    since_plan: float
    readings: tuple[ReadingNeed, ...]


def position(total: float, low: float = study.CLAIM_LOW, high: float = study.CLAIM_HIGH) -> str:
    """Where ``total`` falls against the range (inclusive ends): below, inside or above."""
    if total < low:
        return "below"
    if total > high:
        return "above"
    return "inside"


def _months(start: str, end: str) -> int:
    a, b = pd.Timestamp(start), pd.Timestamp(end)
    return max(0, (b.year - a.year) * 12 + b.month - a.month)


def arithmetic(result: HeadlineResult, rounds: pd.DataFrame, benchmarks: pd.DataFrame,
               as_of: str, n_largest: int = 3) -> Arithmetic:
    """Compute the arithmetic context from the headline, the rounds and the benchmarks.

    Args:
        result: The headline (:func:`analysis.models.headline.compute_headline`) at ``as_of``.
        rounds: Layoff rounds (``analysis.data.load_layoff_rounds``).
        benchmarks: Benchmarks (``analysis.data.load_benchmarks``), for the Reuters report.
        as_of: Data cut-off (ISO date); rounds after it are not counted.
        n_largest: How many of the largest past rounds to list.
    """
    sized = sized_rounds(rounds)
    known = sized[sized["announced"] <= pd.Timestamp(as_of)]
    largest = (known.sort_values(["roles_mid", "announced"], ascending=[False, True])
               .head(n_largest)[["announced", "roles_mid"]]
               .rename(columns={"roles_mid": "roles"}).reset_index(drop=True))
    observed = float(result.observed)
    top = float(largest["roles"].iloc[0]) if not largest.empty else 0.0
    plan = benchmarks.loc[benchmarks["benchmark_id"] == REUTERS_PLAN_ID]
    plan_known = (not plan.empty and pd.notna(plan["statement_date"].iloc[0])
                  and pd.Timestamp(plan["statement_date"].iloc[0]) <= pd.Timestamp(as_of))
    since = known[known["announced"] >= pd.Timestamp(study.FURTHER_AFTER)]
    readings = []
    for reading, cutoff in study.READINGS.items():
        row = result.get("combined", reading)
        readings.append(ReadingNeed(
            reading=reading, label=study.READING_LABELS[reading], cutoff=cutoff,
            months_left=_months(as_of, cutoff), need_low=max(0.0, study.CLAIM_LOW - observed),
            need_high=study.CLAIM_HIGH - observed, prob_inside=float(row["prob_inside"])))
    return Arithmetic(
        as_of=as_of, observed=observed, largest=largest, one_more_largest=observed + top,
        one_more_position=position(observed + top),
        plan_roles=float(plan["value_high"].iloc[0]) if plan_known else None,
        plan_date=str(pd.Timestamp(plan["statement_date"].iloc[0]).date()) if plan_known else "",
        since_plan=float(since["roles_mid"].sum()), readings=tuple(readings))


def sentences(a: Arithmetic) -> dict[str, str]:
    """The arithmetic in plain sentences (no citations), keyed for glue.

    Keys: ``announced``, ``need_2026``, ``need_2027``, ``largest``, ``one_more``, ``plan``
    (empty when the report is not in the data), ``need_short`` (one sentence for the briefing).
    """
    low, high = text.fmt_count(study.CLAIM_LOW), text.fmt_count(study.CLAIM_HIGH)
    out = {"announced": (
        f"By {text.fmt_date(a.as_of)}, Amazon had announced about {fmt_observed(a.observed)} "
        f"further corporate cuts after the round of {text.fmt_date(study.FURTHER_AFTER)}.")}
    short = []
    for r in a.readings:
        when = f"in the {r.months_left} months from the cut-off to {text.fmt_date(r.cutoff)}"
        if r.need_high < 0:
            body = (f"the total is already {text.fmt_count(-r.need_high)} above the top of the "
                    f"range, so no number of further announcements can bring it inside")
        elif r.need_low == 0:
            body = (f"the total is already inside the range and stays there if no more than "
                    f"{text.fmt_count(r.need_high)} more roles are announced {when}")
        else:
            body = (f"at least {text.fmt_count(r.need_low)} and at most "
                    f"{text.fmt_count(r.need_high)} more roles must be announced {when}")
        out[f"need_{r.reading}"] = (
            f"Read as {r.label}, {body}; the combined forecast puts a total inside "
            f"{low} to {high} at {likelihood_phrase(r.prob_inside)}.")
        short.append(f"{likelihood_phrase(r.prob_inside)} {r.label}")
    first = a.readings[0]  # what is still needed is the same for both readings
    needs = ("no number of further announcements can bring the total inside the range"
             if first.need_high < 0 else
             f"{text.fmt_count(first.need_low)} to {text.fmt_count(first.need_high)} more "
             f"announced roles would put the total inside the range")
    out["need_short"] = f"{needs[0].upper()}{needs[1:]}: " + " and ".join(short) + "."
    parts = [f"{text.fmt_count(row.roles)} ({row.announced.strftime('%b %Y')})"
             for row in a.largest.itertuples(index=False)]
    out["largest"] = ("Amazon's largest corporate rounds so far were about "
                      + (", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1
                         else "".join(parts)) + " roles.") if parts else ""
    if not a.largest.empty:
        top = float(a.largest["roles"].iloc[0])
        where = {"below": f"still below the bottom of the range ({low})",
                 "inside": f"inside the range, short of its top ({high})",
                 "above": f"past the top of the range ({high})"}[a.one_more_position]
        out["one_more"] = (f"One more round as large as the largest, {text.fmt_count(top)}, "
                           f"would bring the further cuts to {text.fmt_count(a.one_more_largest)}"
                           f": {where}.")
    else:
        out["one_more"] = ""
    if a.plan_roles is not None:
        gap = a.since_plan - a.plan_roles
        cmp = ("more than" if gap > 0 else "fewer than" if gap < 0 else "exactly")
        out["plan"] = (
            f"On {text.fmt_date(a.plan_date)}, the day before the October round, Reuters "
            f"reported that Amazon planned to cut up to {text.fmt_count(a.plan_roles)} corporate "
            f"jobs; the rounds announced from {text.fmt_date(study.FURTHER_AFTER)} to the "
            f"cut-off total about {text.fmt_count(a.since_plan)}, {cmp} that figure"
            + (f" (by {text.fmt_count(abs(gap))})" if gap else "") + ".")
    else:
        out["plan"] = ""
    return out

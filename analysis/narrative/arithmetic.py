"""The headline's arithmetic in sentences: what is announced, what the claim still needs.

The numbers are :class:`analysis.chapters.forecast.Arithmetic` (computed once with the forecast
chapter's results; :func:`arithmetic` is re-exported here for the briefing): the further cuts
already announced by the cut-off, what each reading of "by 2027" still needs at the low and
high end of the claimed range, Amazon's largest past rounds, what one more round of the largest
size would do, and Reuters' report of a plan for up to 30,000 cuts. Where a total falls against
the range ("inside", "above", "below") is decided there from the numbers.
"""

from __future__ import annotations

from analysis import study, text
from analysis.chapters.forecast import (
    REUTERS_PLAN_ID,
    Arithmetic,
    ReadingNeed,
    arithmetic,
    position,
)
from analysis.models.headline import fmt_observed
from analysis.narrative.likelihood import likelihood_phrase

__all__ = ["REUTERS_PLAN_ID", "Arithmetic", "ReadingNeed", "arithmetic", "position",
           "sentences"]


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

"""Chapter 1's sentences: the evidence for the claim ledger and every number the page glues.

Everything here is text built from :class:`analysis.chapters.capital.CapitalResults` (or from
the frames and values it holds), with numbers formatted through :mod:`analysis.text`:

* the sentence builders (cash flow, guidance, severance, the market reaction, the paths, the
  relation, the savings against each denominator);
* the four evidence strings of the claim ledger (:func:`evidence`, keys :data:`EVIDENCE_KEYS`);
* :func:`glue_values` (every pre-formatted number and sentence the page glues),
  :func:`alt_texts` (the charts' text descriptions) and :func:`tables` (the page's two tables).

Functions and constants named here without a module (``funding_table``, ``SMALL_SHARE_PCT``...)
are those of :mod:`analysis.chapters.capital`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from pandas.io.formats.style import Styler

from analysis import study, text
from analysis.chapters.capital import (
    CAPEX_CLAIM_USD_BN,
    COMPANY_ORDER,
    CUTS_FROM,
    SMALL_SHARE_PCT,
    CapitalResults,
    CutCount,
    Guidance,
    annual_value,
    funding_share,
    quarter_label,
)
from analysis.data.calendar import as_date
from analysis.models.forecast import RelationResult
from analysis.narrative import sources

__all__ = [
    "EVIDENCE_KEYS",
    "WEAK_R_SQUARED",
    "alt_texts",
    "cash_flow_sentence",
    "denominators_sentence",
    "evidence",
    "evidence_arms_race",
    "evidence_capex100",
    "evidence_funding",
    "evidence_shield",
    "fmt_share",
    "funding_conclusion",
    "glue_values",
    "guidance_basis_sentence",
    "market_reaction_sentence",
    "path_summary",
    "path_table",
    "relation_summary",
    "relation_verdict",
    "severance_period_words",
    "severance_sentence",
    "shield_conclusion",
    "tables",
]

EVIDENCE_KEYS = ("ch1_evidence_capex100", "ch1_evidence_funding", "ch1_evidence_shield",
                 "ch1_evidence_arms_race")
WEAK_R_SQUARED = 0.5  # below this share of variance explained, a relation reads as weak


# --- formats -------------------------------------------------------------------------------


def _bn(x: float) -> str:
    """USD bn with one decimal below $10B, none above."""
    return text.fmt_usd_bn(x, 1 if abs(x) < 10 else 0)


def _pct_range(low: float, high: float) -> str:
    """A percentage range such as '9–15%' (one decimal below 1%)."""
    decimals = 1 if min(abs(low), abs(high)) < 1 else 0
    return f"{text.fmt_pct(low, decimals).rstrip('%')}\u2013{text.fmt_pct(high, decimals)}"


def fmt_share(share_pct: float) -> str:
    """A share as "8.9%" below 100% and as a multiple "4.4x" (times sign) from 100% up.

    >>> fmt_share(8.94)
    '8.9%'
    """
    if not math.isfinite(share_pct):
        return "not defined (the denominator is not positive)"
    if share_pct >= 100:
        return f"{share_pct / 100:.1f}\u00d7"
    return text.fmt_pct(share_pct, 1 if share_pct < 10 else 0)


# --- sentences -----------------------------------------------------------------------------


def cash_flow_sentence(cash: pd.DataFrame, year: int) -> str:
    """Describe how operating cash flow, net capex and free cash flow moved into ``year``.

    Args:
        cash: Output of :func:`cash_flow`.
        year: The later year (the sentence compares it with the year before).

    Returns:
        One plain sentence with formatted numbers.

    Raises:
        KeyError: ``year`` or the year before has no figures.
    """
    wide = cash.pivot_table(index="year", columns="measure", values="value_usd_bn")
    a, b = wide.loc[year - 1], wide.loc[year]

    def move(name: str) -> str:
        verb = "grew" if b[name] > a[name] else "fell" if b[name] < a[name] else "stayed"
        return (f"{verb} from {_bn(a[name])} to {_bn(b[name])}" if verb != "stayed" else
                f"stayed at {_bn(b[name])}")

    ocf, capex, fcf = (move("operating cash flow"), move("net capex"), move("free cash flow"))
    link = "but" if b["free cash flow"] < a["free cash flow"] else "and"
    return (f"From FY{year - 1} to FY{year} operating cash flow {ocf}, {link} net capex "
            f"{capex}, so free cash flow {fcf}.")


def guidance_basis_sentence(guide: Guidance | None, year: int) -> str:
    """Say which guidance for ``year`` the report uses and on which basis (for prose).

    Args:
        guide: The latest guidance for ``year`` known at the cut-off
            (:func:`analysis.chapters.capital.guidance_for_year`), or ``None``.
        year: Fiscal year.
    """
    if guide is None:
        return f"The data hold no capex guidance for {year} stated by the cut-off."
    basis = {"gross": "gross purchases of property and equipment",
             "net": "cash capex, net of proceeds and incentives",
             }.get(guide.basis, "a basis the company did not state")
    out = (f"Amazon's {year} figure is its latest guidance known at the cut-off, about "
           f"{text.fmt_usd_bn(guide.mid_usd_bn)}, stated on {text.fmt_date(guide.latest_date)} "
           f"as {basis}.")
    if guide.basis == "net":
        out += (" It is not comparable as it stands with the gross figures of earlier years; "
                "the guidance path below adds back the last reported year's proceeds.")
    return out


def severance_period_words(charges: pd.DataFrame, since: str = CUTS_FROM) -> str:
    """Say when the severance was booked, from the rows' own quarters.

    >>> frame = pd.DataFrame({"period": ["2025Q3", "2025Q4"], "value_usd_bn": [1.8, 0.73],
    ...                       "before_announcement": [True, False]})
    >>> severance_period_words(frame).startswith("about $2.5B in Q3\u2013Q4 2025, of which")
    True
    """
    if charges.empty:
        return ""
    periods = list(charges["period"].astype(str))
    first, last = quarter_label(periods[0]), quarter_label(periods[-1])
    span = first if first == last else (
        f"{first.split()[0]}\u2013{last}" if first.split()[1] == last.split()[1]
        else f"{first} to {last}")
    out = f"about {_bn(float(charges['value_usd_bn'].sum()))} in {span}"
    early = charges.loc[charges["before_announcement"].astype(bool)]
    if not early.empty and len(early) < len(charges):
        quarters = " and ".join(quarter_label(p) for p in early["period"].astype(str))
        out += (f", of which about {_bn(float(early['value_usd_bn'].sum()))} in {quarters}, "
                f"the quarter before the round of {text.fmt_date(since)} was announced")
    elif not early.empty:
        out += f", booked before the round of {text.fmt_date(since)} was announced"
    return out


def severance_sentence(charges: pd.DataFrame, as_of: str) -> str:
    """Say how much severance Amazon reported from 28 Oct 2025 to ``as_of``, and when it was booked.

    The quarters come from the rows' ``period`` (the $1.8B of Q3 2025 was booked before the
    October round was announced, though reported after it).

    Args:
        charges: :func:`analysis.chapters.capital.severance_charges`.
        as_of: Data cut-off (ISO date).

    Returns:
        One plain sentence without a final full stop (a citation follows on the page).
    """
    words = severance_period_words(charges)
    if not words:
        return f"no severance charge for these rounds had been reported by {text.fmt_date(as_of)}"
    return f"Amazon booked severance charges of {words}"


def relation_summary(relation: RelationResult) -> str:
    """One sentence with the slope, its interval, p-value, n and R squared.

    Args:
        relation: The estimated relation.

    Returns:
        Plain sentence with formatted numbers.
    """
    def pts(x: float) -> str:
        return text.fmt_pct(x, 1).rstrip("%")

    lag = (f", with capex intensity leading by {text.plural(relation.lag_years, 'year')}"
           if relation.lag_years else "")
    return (f"The fitted slope is {pts(relation.coefficient)} percentage points of yearly "
            f"employee growth per percentage point of capex intensity "
            f"({text.fmt_pct(relation.level * 100)} "
            f"confidence interval {pts(relation.lower)} to {pts(relation.upper)}; two-sided "
            f"p-value {text.fmt_prob(relation.p_value)}; {text.plural(relation.n, 'year')}{lag}; "
            "R\u00b2 "
            f"{text.fmt_pct(100.0 * relation.r_squared)}).")


def relation_verdict(relation: RelationResult) -> str:
    """Say in one sentence whether the relation is weak, and why.

    The relation is called weak when its interval includes zero or it explains less than
    :data:`WEAK_R_SQUARED` of the variance; with about ten annual points it is never
    called strong.

    Args:
        relation: The estimated relation.

    Returns:
        Plain sentence.
    """
    r2 = text.fmt_pct(100.0 * relation.r_squared)
    if relation.lower <= 0.0 <= relation.upper:
        return (f"The relation is weak: the interval includes zero, and capex intensity "
                f"explains {r2} of the variation in employee growth over {relation.n} years.")
    if relation.r_squared < WEAK_R_SQUARED:
        direction = "negative" if relation.coefficient < 0 else "positive"
        return (f"The relation is weak: the slope is {direction} and its interval excludes "
                f"zero, but capex intensity explains only {r2} of the variation in employee "
                f"growth over {relation.n} years.")
    return (f"Capex intensity explains {r2} of the variation in employee growth, but with "
            f"{relation.n} annual points the estimate remains fragile.")


def path_summary(paths: pd.DataFrame, next_year: int, horizon_year: int = 2027) -> str:
    """Compare the two capex paths in the next year and at the horizon.

    Args:
        paths: Output of :func:`capex_paths`.
        next_year: First year after the last reported one.
        horizon_year: Last year of the paths.

    Returns:
        Plain sentences with formatted numbers.
    """
    def at(key: str, year: int) -> pd.Series | None:
        rows = paths[(paths["key"] == key) & (paths["year"] == year)]
        return rows.iloc[0] if not rows.empty else None

    level = text.fmt_pct(float(paths['level'].iloc[0]) * 100)
    stat_next, guide_next = at("forecast", next_year), at("guidance", next_year)
    stat_end, guide_end = at("forecast", horizon_year), at("guidance", horizon_year)
    out = []
    if stat_next is not None and guide_next is not None:
        gap = ("well below" if stat_next["mean"] < 0.9 * guide_next["mean"] else
               "well above" if stat_next["mean"] > 1.1 * guide_next["mean"] else "close to")
        out.append(f"For FY{next_year} the statistical forecast expects about "
                   f"{text.fmt_usd_bn(stat_next['mean'])}, {gap} the guidance path's "
                   f"{text.fmt_usd_bn(guide_next['mean'])}.")
    elif stat_next is not None:
        out.append(f"For FY{next_year} the statistical forecast expects about "
                   f"{text.fmt_usd_bn(stat_next['mean'])}; no company guidance for that year "
                   "is known at the cut-off date.")
    for name, row in (("the statistical forecast", stat_end), ("the guidance path", guide_end)):
        if row is not None:
            out.append(f"For FY{horizon_year} {name} gives {text.fmt_usd_bn(row['mean'])} "
                       f"({level} interval "
                       f"{text.fmt_interval(row['lower'], row['upper'], fmt=text.fmt_usd_bn)}).")
    return " ".join(out)


def market_reaction_sentence(reaction_pct: tuple[float, float] | None,
                             consensus_usd_bn: tuple[float, float] | None,
                             guide: Guidance | None, as_of: str) -> str:
    """Describe the share-price reaction to the 2026 capex guide, if known by ``as_of``.

    Args:
        reaction_pct: After-hours share-price change, (low, high) %, or ``None``.
        consensus_usd_bn: Analysts' expected capex, (low, high) USD bn, or ``None``.
        guide: The guidance the market reacted to, or ``None``.
        as_of: Data cut-off (ISO date).

    Returns:
        One plain sentence without a final full stop (a citation follows on the page).
    """
    if reaction_pct is None or guide is None:
        return (f"No market reaction to the capex guidance is in the data on "
                f"{text.fmt_date(as_of)}")
    lo, hi = abs(reaction_pct[1]), abs(reaction_pct[0])
    drop = text.fmt_pct(lo) if lo == hi else _pct_range(lo, hi)
    expected = (f" (analysts had expected about {_bn(consensus_usd_bn[0])})"
                if consensus_usd_bn is not None else "")
    return (f"After Amazon guided to about {_bn(guide.mid_usd_bn)} of capex for 2026 on "
            f"{text.fmt_date(guide.first_date)}{expected}, its shares fell about {drop} after "
            "hours")


def shield_conclusion(reaction_pct: tuple[float, float] | None) -> str:
    """Say what the market-reaction data can and cannot show about the "capex shield".

    Args:
        reaction_pct: The recorded after-hours move, (low, high) %, or ``None``.

    Returns:
        Plain sentences.
    """
    tail = ("the data hold no measure of the market's reaction to the layoff announcements "
            "themselves.")
    if reaction_pct is None:
        return "No market reaction is recorded by the cut-off date, and " + tail
    if reaction_pct[1] < 0:
        return ("One after-hours move is not a test of how investors value the strategy over "
                "time, but it is the opposite of a reward for the capex guide; " + tail)
    return ("One after-hours move is not a test of how investors value the strategy over "
            "time; " + tail)


def denominators_sentence(denominators: pd.DataFrame) -> str:
    """One sentence: the savings against every denominator, each with its period."""
    parts = []
    for row in denominators.itertuples(index=False):
        share = fmt_share(row.share_pct)
        of = " times" if share.endswith("\u00d7") else " of"
        share = share.rstrip("\u00d7")
        if row.measure.startswith("rise"):
            parts.append(f"{share}{of} the {row.measure} over the {row.period}"
                         if not row.period.startswith("FY") else
                         f"{share}{of} the {row.measure} from {row.period}")
        else:
            when = row.period if row.period.startswith("FY") else f"the {row.period}"
            parts.append(f"{share}{of} {row.measure} in {when}")
    if not parts:
        return "No denominator is known at the cut-off."
    return "The savings are " + "; ".join(parts) + "."


def funding_conclusion(funding: pd.DataFrame, denominators: pd.DataFrame | None = None) -> str:
    """Judge in one or two sentences whether the savings could fund the capex increase.

    The savings count as small when they are below :data:`SMALL_SHARE_PCT` of every reported
    or central-path capex increase.

    Args:
        funding: Output of :func:`funding_table`.
        denominators: Output of :func:`savings_denominators` (optional): when free cash flow
            is known, the conclusion says how the savings compare with it too.

    Returns:
        Plain sentences.
    """
    shares = [r.share_pct for r in funding.itertuples(index=False)
              if (r.basis == "reported" or r.central) and math.isfinite(r.share_pct)]
    if not shares:
        return ("No capex increase is known on the central path, so the savings cannot be set "
                "against one.")
    fcf = (denominators.loc[denominators["measure"] == "free cash flow"]
           if denominators is not None else pd.DataFrame())
    fcf = fcf.loc[fcf["share_pct"].notna()] if not fcf.empty else fcf
    if max(shares) < SMALL_SHARE_PCT:
        out = ("The savings are a small fraction of the extra capex, so they cannot pay for the "
               "build-out on their own")
        if not fcf.empty:
            out += ("; next to the cash left after that capex they are not small (" + ", ".join(
                f"{fmt_share(r.share_pct).replace(chr(215), ' times')}"
                f"{'' if r.share_pct >= 100 else ' of'} free cash flow in "
                f"{'the ' if not r.period.startswith('FY') else ''}{r.period}"
                for r in fcf.itertuples(index=False)) + ")")
        return out + ("; the data show that the two happened together, not that one pays for "
                      "the other.")
    return ("On these figures the savings would cover a material part of the extra capex; "
            "the data still show only that the two happened together, not that one pays for "
            "the other.")


# --- evidence for the claim ledger ---------------------------------------------------------


def evidence_capex100(reported: pd.DataFrame, first_year: int | None,
                      upcoming: Sequence[Guidance], as_of: str,
                      threshold_usd_bn: float = CAPEX_CLAIM_USD_BN) -> str:
    """Evidence for "$100B-plus capital expenditure in AI" (when, gross basis, AI share).

    Args:
        reported: Wide annual frame of the years reported by ``as_of``.
        first_year: First reported year above the threshold, or ``None``
            (:func:`analysis.chapters.capital.first_year_above`).
        upcoming: Guidance for the years after the last reported one
            (:func:`analysis.chapters.capital.upcoming_guidance`).
        as_of: Data cut-off (ISO date).
        threshold_usd_bn: The claimed amount, USD bn.

    Returns:
        Plain sentences with formatted numbers.
    """
    limit = _bn(threshold_usd_bn)
    if first_year is not None:
        year = first_year
        gross = annual_value(reported, year, "capex_gross_usd_m") / 1e3
        net = annual_value(reported, year, "capex_net_usd_m") / 1e3
        prior = annual_value(reported, year - 1, "capex_gross_usd_m") / 1e3
        out = (f"Amazon's gross capex (purchases of property and equipment) first exceeded "
               f"{limit} in FY{year}, at {_bn(gross)}")
        out += f" ({_bn(net)} net of proceeds and incentives)" if math.isfinite(net) else ""
        out += f", up from {_bn(prior)} in FY{year - 1}." if math.isfinite(prior) else "."
    else:
        last = int(reported.dropna(subset=["capex_gross_usd_m"])["year"].max())
        value = annual_value(reported, last, "capex_gross_usd_m") / 1e3
        out = (f"No fiscal year reported by {text.fmt_date(as_of)} had gross capex above "
               f"{limit}; the latest, FY{last}, had {_bn(value)}.")
    for guide in upcoming:
        amount = (_bn(guide.low_usd_bn) if guide.low_usd_bn == guide.high_usd_bn else
                  text.fmt_interval(guide.low_usd_bn, guide.high_usd_bn, fmt=_bn))
        when = (f"given on {text.fmt_date(guide.first_date)}" if guide.first_date ==
                guide.latest_date else f"given on {text.fmt_date(guide.first_date)} and "
                f"repeated on {text.fmt_date(guide.latest_date)}")
        out += (f" Its guidance for FY{guide.year}, {when}, is about {amount} "
                f"({guide.basis} basis).")
    out += (" Amazon does not disclose what share of its capex is for AI, so the 'in AI' part "
            "of the claim cannot be tested.")
    return out


def evidence_funding(funding: pd.DataFrame, cuts: CutCount,
                     savings: tuple[float, float, float], cost_per_employee_usd_k: float,
                     cost_spread_usd_k: tuple[float, float] | None, as_of: str,
                     severance_words: str = "",
                     denominators: pd.DataFrame | None = None) -> str:
    """Evidence for "the layoffs are inextricably linked to funding the build-out".

    Args:
        funding: Output of :func:`funding_table`.
        cuts: Roles cut since Oct 2025 (:func:`cuts_since`).
        savings: ``(central, low, high)`` yearly savings, USD bn.
        cost_per_employee_usd_k: Central cost per employee, USD thousand.
        cost_spread_usd_k: The cost band, (below, above), USD thousand.
        as_of: Data cut-off (ISO date).
        severance_words: When and how much severance was booked
            (:func:`severance_period_words`; optional).
        denominators: Output of :func:`savings_denominators` (optional): the free-cash-flow
            and operating-income comparisons are added.

    Returns:
        Plain sentences with formatted numbers.
    """
    central, low, high = savings
    below, above = cost_spread_usd_k if cost_spread_usd_k is not None else (0.0, 0.0)
    cost = f"${cost_per_employee_usd_k:,.0f}k"
    band = (f"${cost_per_employee_usd_k - below:,.0f}k\u2013"
            f"${cost_per_employee_usd_k + above:,.0f}k")
    window = (f"on {text.fmt_date(CUTS_FROM)}" if as_date(as_of) == as_date(CUTS_FROM) else
              f"from {text.fmt_date(CUTS_FROM)} to {text.fmt_date(as_of)}")
    out = (f"The {text.fmt_roles(cuts.roles_mid)} or so corporate roles cut in rounds announced "
           f"{window} save about {_bn(central)} "
           f"a year at {cost} per person-year ({text.fmt_interval(low, high, fmt=_bn)} at "
           f"{band}), gross of severance and backfills.")
    shares = []
    for row in funding.itertuples(index=False):
        if not (row.basis == "reported" or row.central) or not math.isfinite(row.share_pct):
            continue
        rng = (f" ({_pct_range(row.share_low_pct, row.share_high_pct)})"
               if math.isfinite(row.share_low_pct) and math.isfinite(row.share_high_pct)
               else "")
        what = ("as reported" if row.basis == "reported" else
                "implied by the guidance" if row.source == "company guidance" else
                "on the guidance path" if row.basis == "guidance" else
                "on the statistical forecast")
        shares.append(f"{fmt_share(row.share_pct)}{rng} of the {_bn(row.increase_usd_bn)} "
                      f"rise in gross capex from FY{row.from_year} to FY{row.to_year} {what}")
    if shares:
        out += " That is " + " and ".join(shares) + "."
    others = (denominators.loc[~denominators["key"].str.startswith("capex_fy")]
              if denominators is not None else None)
    if others is not None and not others.empty:
        out += " " + denominators_sentence(others)
    if severance_words:
        out += f" Amazon booked severance charges of {severance_words}."
    return out + " " + funding_conclusion(funding, denominators)


def evidence_shield(cash: pd.DataFrame, reaction_pct: tuple[float, float] | None,
                    consensus_usd_bn: tuple[float, float] | None, guide: Guidance | None,
                    ttm_fcf_usd_bn: tuple[float, float] | None, as_of: str) -> str:
    """Evidence for the "capex shield ... rewarded by investors" claim.

    Args:
        cash: :func:`analysis.chapters.capital.cash_flow`.
        reaction_pct: The after-hours move after the 2026 capex guide, (low, high) %, or
            ``None``.
        consensus_usd_bn: Analysts' expected 2026 capex, (low, high) USD bn, or ``None``.
        guide: Amazon's 2026 capex guidance known by ``as_of``, or ``None``.
        ttm_fcf_usd_bn: Free cash flow over the twelve months to Q1 2026, or ``None``.
        as_of: Data cut-off (ISO date).

    Returns:
        Plain sentences with formatted numbers.
    """
    fcf = cash.loc[cash["measure"] == "free cash flow"].sort_values("year")
    parts = []
    if reaction_pct is not None and guide is not None:
        verdict = ("negative, so 'rewarded by investors' is not supported for the capex guide"
                   if reaction_pct[1] < 0 else "not negative")
        parts.append(market_reaction_sentence(reaction_pct, consensus_usd_bn, guide, as_of)
                     + f": the one market reaction in the data is {verdict}.")
    else:
        parts.append(f"No market reaction to the capex guidance is recorded by "
                     f"{text.fmt_date(as_of)}, so 'rewarded by investors' cannot be tested.")
    if len(fcf) >= 2:
        a, b = fcf.iloc[-2], fcf.iloc[-1]
        s = (f"Free cash flow (operating cash flow minus net capex) went from "
             f"{_bn(a['value_usd_bn'])} in FY{int(a['year'])} to {_bn(b['value_usd_bn'])} in "
             f"FY{int(b['year'])}")
        latest = float(b["value_usd_bn"])
        if ttm_fcf_usd_bn is not None:
            s += f" and {_bn(ttm_fcf_usd_bn[0])} in the twelve months to Q1 2026"
            latest = ttm_fcf_usd_bn[0]
        squeezed = latest < float(a["value_usd_bn"])
        parts.append(s + (": the squeeze is real." if squeezed else
                          "; the reported figures show no squeeze yet."))
    parts.append("The data hold no measure of the market's reaction to the layoffs themselves.")
    return " ".join(parts)


def evidence_arms_race(peers: pd.DataFrame) -> str:
    """Evidence for "an AI arms race with Microsoft and Google" (peer capex growth).

    Args:
        peers: Output of :func:`peer_capex_comparison`.

    Returns:
        Plain sentences with formatted numbers.
    """
    pieces = []
    for company in COMPANY_ORDER:
        rows = peers.loc[peers["company"] == company].sort_values("fiscal_year")
        actual = rows.loc[rows["kind"] == "actual"]
        guided = rows.loc[rows["kind"] == "guidance"]
        if actual.empty:
            continue
        fy = "FY to June " if company == "Microsoft" else "FY"
        last = actual.iloc[-1]
        s = f"{company} {_bn(last['capex_usd_bn'])} in {fy}{int(last['fiscal_year'])}"
        if len(actual) >= 2 and math.isfinite(last["growth_pct"]):
            s += (f" ({text.fmt_pct(last['growth_pct'], signed=True)} on "
                  f"{_bn(actual.iloc[-2]['capex_usd_bn'])})")
        if not guided.empty:
            g = guided.iloc[-1]
            amount = (_bn(g["low_usd_bn"]) if g["low_usd_bn"] == g["high_usd_bn"] else
                      text.fmt_interval(g["low_usd_bn"], g["high_usd_bn"], fmt=_bn))
            s += f", guided to {amount} for {fy}{int(g['fiscal_year'])}"
        pieces.append(s)
    if not pieces:
        return "No peer capex is recorded by the cut-off date."
    return ("Capex (latest actual, growth on the year before, and guidance): "
            + "; ".join(pieces) + ". All four are raising capex steeply at the same time, "
            "consistent with a race to build AI capacity; definitions differ (Microsoft and "
            "Meta include finance leases, Microsoft's fiscal year ends in June), and no company "
            "splits out its AI share.")


def evidence(res: CapitalResults) -> dict[str, str]:
    """All four evidence strings of chapter 1, keyed by their glue names.

    Args:
        res: The chapter's results.

    Returns:
        ``{key: sentence}`` for the keys of :data:`EVIDENCE_KEYS`.
    """
    return {
        "ch1_evidence_capex100": evidence_capex100(res.reported, res.first_year_above_claim,
                                                   res.upcoming_guidance, res.as_of),
        "ch1_evidence_funding": evidence_funding(
            res.funding, res.cuts, res.savings_usd_bn, res.cost_per_employee_usd_k,
            res.cost_spread_usd_k, res.as_of, severance_period_words(res.severance),
            res.denominators),
        "ch1_evidence_shield": evidence_shield(res.cash, res.reaction_pct,
                                               res.consensus_capex_usd_bn,
                                               res.reaction_guidance, res.ttm_fcf_usd_bn,
                                               res.as_of),
        "ch1_evidence_arms_race": evidence_arms_race(res.peers),
    }


# --- the page's glued values, chart descriptions and tables --------------------------------


def _index_at_last_year(res: CapitalResults) -> pd.Series:
    indexed = res.indexed
    return indexed[indexed["year"] == res.last_year].set_index("series")["index_value"]


def _intensity_by_year(res: CapitalResults) -> pd.Series:
    return res.intensity.set_index("year")["capex_intensity_pct"]


def _cash_by_year(res: CapitalResults) -> pd.DataFrame:
    return res.cash.pivot_table(index="year", columns="measure", values="value_usd_bn")


def _shown_quarters(res: CapitalResults) -> pd.DataFrame:
    frame = res.quarterly_guidance
    return frame[frame["confidence"] != "not in the data"]


def _history_values(res: CapitalResults) -> dict[str, str]:
    idx, ci = _index_at_last_year(res), _intensity_by_year(res)
    return {
        "ch1_as_of": text.fmt_date(res.as_of),
        "ch1_last_year": f"FY{res.last_year}",
        "ch1_latest_quarter": (quarter_label(res.latest_quarter) if res.latest_quarter
                               else "none"),
        "ch1_base_year": str(res.base_year),
        "ch1_capex_index": text.fmt_count(idx["gross capex"]),
        "ch1_employees_index": text.fmt_count(idx["employees (year end)"]),
        "ch1_sales_index": text.fmt_count(idx["net sales"]),
        "ch1_peak_year": f"FY{res.peak_year}",
        "ch1_employees_since_peak": text.fmt_pct(res.employees_since_peak_pct, 1, signed=True),
        "ch1_capex_since_peak": text.fmt_pct(res.capex_since_peak_pct, signed=True),
        "ch1_intensity_last": text.fmt_pct(ci[res.last_year], 1),
        **{f"ch1_intensity_{year}": text.fmt_pct(ci[year], 1) for year in (2017, 2019, 2021)},
        "ch1_guidance_basis": guidance_basis_sentence(res.next_guidance, res.next_year),
        "ch1_peers_note": sources.figure_note(
            [company for company, _ in res.peer_confidence],
            [sources.weakest(flags) for _, flags in res.peer_confidence], "peers' figures"),
    }


def _quarter_values(res: CapitalResults) -> dict[str, str]:
    frame, shown = res.quarterly_guidance, _shown_quarters(res)
    missing = [quarter_label(p) for p in frame.loc[frame["confidence"] == "not in the data",
                                                   "period"]]
    last = shown.iloc[-1]
    basis = "not stated" if last["guide_basis"] == "unspecified" else last["guide_basis"]
    bases = frame.loc[frame["guide_date"] != "", ["guide_date", "guide_basis"]].drop_duplicates()
    return {
        "ch1_quarter_note": sources.figure_note([quarter_label(p) for p in shown["period"]],
                                                list(shown["confidence"])),
        "ch1_quarter_missing": ("No verified gross figure is in the data for "
                                + ", ".join(missing) + ", so those bars are missing.")
        if missing else "",
        "ch1_quarter_sentence": (
            f"In {quarter_label(last['period'])} Amazon spent "
            f"{text.fmt_usd_bn(last['gross_usd_bn'], 1)} gross; the full-year guide in force at "
            f"the quarter's end, about {text.fmt_usd_bn(last['guide_usd_bn'])} (stated on "
            f"{text.fmt_date(last['guide_date'])}, basis {basis}), averages "
            f"{text.fmt_usd_bn(last['guide_quarter_usd_bn'], 1)} a quarter"),
        "ch1_guide_bases": "; ".join(
            f"{text.fmt_date(d)}: {'not stated' if b == 'unspecified' else b}"
            for d, b in zip(bases["guide_date"], bases["guide_basis"], strict=True)),
    }


def _cash_values(res: CapitalResults) -> dict[str, str]:
    cf, ttm = _cash_by_year(res), res.ttm_fcf_usd_bn
    return {
        "ch1_cash_flow_sentence": cash_flow_sentence(res.cash, res.last_year),
        "ch1_fcf_2021": text.fmt_usd_bn(cf.loc[2021, "free cash flow"], 1),
        "ch1_fcf_2022": text.fmt_usd_bn(cf.loc[2022, "free cash flow"], 1),
        "ch1_fcf_ttm_sentence": (
            f"In the twelve months to March 2026 Amazon reported free cash flow of only "
            f"{text.fmt_usd_bn(ttm[0], 1)}" if ttm else
            f"Free cash flow for the twelve months to March 2026 was not yet reported on "
            f"{text.fmt_date(res.as_of)}"),
    }


def _share_of_next_year(res: CapitalResults) -> str:
    paths = res.paths.paths
    total = paths[paths["central"] & (paths["year"] == res.next_year)]
    if total.empty:
        return "not available"
    return text.fmt_pct(funding_share(res.savings_usd_bn[0], float(total["mean"].iloc[0])), 1)


def _cuts_values(res: CapitalResults) -> dict[str, str]:
    cost, saved = res.cost_per_employee_usd_k, res.savings_usd_bn
    below, above = res.cost_spread_usd_k or (0.0, 0.0)
    central = res.funding[res.funding["central"]]
    fool = res.fool_savings_usd_bn
    return {
        "ch1_cut_roles": text.fmt_roles(res.cuts.roles_mid),
        "ch1_oct_roles": text.fmt_roles(res.october.roles_mid),
        "ch1_cut_rounds": text.fmt_count(res.cuts.rounds),
        "ch1_cost": f"${cost:,.0f}k",
        "ch1_cost_band": text.fmt_interval(cost - below, cost + above,
                                           fmt=lambda x: f"${x:,.0f}k"),
        "ch1_savings": text.fmt_usd_bn(saved[0], 1),
        "ch1_savings_band": text.fmt_interval(saved[1], saved[2], fmt=text.fmt_usd_bn,
                                              decimals=1),
        "ch1_savings_oct": text.fmt_usd_bn(res.october_savings_usd_bn[0], 1),
        "ch1_funding_rows": "; ".join(
            f"{fmt_share(r.share_pct)} of the {text.fmt_usd_bn(r.increase_usd_bn)} increase "
            f"from FY{r.from_year} to FY{r.to_year} "
            f"({'reported' if r.basis == 'reported' else r.source})"
            for r in central.itertuples()),
        "ch1_severance_sentence": severance_sentence(res.severance, res.as_of),
        "ch1_share_of_total": _share_of_next_year(res),
        "ch1_next_year": f"FY{res.next_year}",
        "ch1_fool_savings": text.fmt_usd_bn(fool[0]) if fool else "not available",
    }


def _cumulative_values(res: CapitalResults) -> dict[str, str]:
    sev, cum, plan, base = res.severance, res.cumulative, res.reuters_plan_roles, res.base_roles
    weak = sev.loc[np.array([sources.is_weak(c) for c in sev["confidence"]], dtype=bool)]
    return {
        "ch1_severance_source": " ".join(
            sources.source_clause(f"The {quarter_label(p)} charge", c)
            for p, c in zip(weak["period"], weak["confidence"], strict=True)),
        "ch1_band_low": text.fmt_count(base + study.CLAIM_LOW),
        "ch1_band_high": text.fmt_count(base + study.CLAIM_HIGH),
        "ch1_base_roles": text.fmt_count(base),
        "ch1_cum_roles": text.fmt_count(cum["cumulative_roles"].iloc[-1] if len(cum) else 0),
        "ch1_plan_roles": text.fmt_count(plan[1]) if plan else "not known",
        "ch1_cuts_note": sources.figure_note(list(cum["organisation"]), list(cum["confidence"]),
                                             "round sizes"),
    }


def _denominator_values(res: CapitalResults) -> dict[str, str]:
    den, ttm = res.denominators, res.ttm_cash
    return {
        "ch1_funding_conclusion": funding_conclusion(res.funding, den),
        "ch1_claim_range": text.fmt_interval(study.CLAIM_LOW, study.CLAIM_HIGH,
                                             fmt=text.fmt_count),
        "ch1_ttm_span": (f"to {quarter_label(ttm['quarter'].iloc[-1])}" if not ttm.empty
                         else "not reported"),
        "ch1_denominators_sentence": denominators_sentence(
            den[~den["key"].str.startswith("capex_fy")]),
        "ch1_fcf_source": sources.figure_note(list(res.fcf["period"]),
                                              list(res.fcf["confidence"])),
    }


def _shield_values(res: CapitalResults) -> dict[str, str]:
    return {
        "ch1_reaction_sentence": market_reaction_sentence(
            res.reaction_pct, res.consensus_capex_usd_bn, res.reaction_guidance, res.as_of),
        "ch1_shield_conclusion": shield_conclusion(res.reaction_pct),
        "ch1_reaction_source": (sources.source_clause("That share-price move",
                                                      list(res.reaction_confidence))
                                if res.reaction_confidence else ""),
    }


def _model_values(res: CapitalResults) -> dict[str, str]:
    cap, rel = res.paths, res.relation
    reason = cap.statistical.reason
    return {
        "ch1_central_path": ("the company's guidance" if cap.central == "guidance"
                             else "the statistical forecast"),
        "ch1_path_param": res.capex_path,
        "ch1_stat_model": cap.statistical.model,
        "ch1_stat_reason": reason[:1].upper() + reason[1:],  # a sentence on the page
        "ch1_guided_reason": cap.guided.reason,
        "ch1_path_summary": path_summary(cap.paths, res.next_year),
        "ch1_relation_summary": relation_summary(rel),
        "ch1_relation_verdict": relation_verdict(rel),
        "ch1_relation_model": rel.model,
    }


def glue_values(res: CapitalResults) -> dict[str, str]:
    """Every number and sentence the chapter page glues, pre-formatted, by glue key.

    Args:
        res: The chapter's results.

    Returns:
        ``{glue key: text}``, the evidence strings of :func:`evidence` included.
    """
    return {**_history_values(res), **_quarter_values(res), **_cash_values(res),
            **_cuts_values(res), **_cumulative_values(res), **_denominator_values(res),
            **_shield_values(res), **_model_values(res), **evidence(res)}


def alt_texts(res: CapitalResults) -> dict[str, str]:
    """The text description of each chart (what a screen reader reads), by figure name.

    The names are those of :func:`analysis.charts.capital.figures`.

    Args:
        res: The chapter's results.
    """
    idx, ci, cf = _index_at_last_year(res), _intensity_by_year(res), _cash_by_year(res)
    last, base, saved = res.last_year, res.base_roles, res.savings_usd_bn
    quarter = _shown_quarters(res).iloc[-1]
    cum = res.cumulative
    return {
        "indexed": (
            f"Line chart on a log scale, indexed to {res.base_year} = 100: by {last} gross "
            f"capex reaches {text.fmt_count(idx['gross capex'])}, net sales "
            f"{text.fmt_count(idx['net sales'])} and employees "
            f"{text.fmt_count(idx['employees (year end)'])}; employees level off after "
            f"{res.peak_year} while capex keeps rising."),
        "intensity": (
            f"Bar chart of Amazon's gross capex as a share of net sales by fiscal year, from "
            f"{text.fmt_pct(ci[2017], 1)} in 2017 to {text.fmt_pct(ci[last], 1)} in {last}; the "
            "2015-16 bars are on an older, net basis."),
        "peers": (
            "Grouped bar chart of capital expenditure by fiscal year for Amazon, Alphabet, Meta "
            "and Microsoft: reported figures as solid bars, the latest guidance as paler bars "
            "with the guided range as a line."),
        "quarterly-guidance": (
            "Bar chart of Amazon's gross capex by quarter with ticks for net capex and a dashed "
            "step line for a quarter of the full-year guidance in force at each quarter's end; "
            f"the latest quarter, {quarter_label(quarter['period'])}, shows "
            f"{text.fmt_usd_bn(quarter['gross_usd_bn'], 1)} against "
            f"{text.fmt_usd_bn(quarter['guide_quarter_usd_bn'], 1)}."),
        "cash-flow": (
            "Line chart of operating cash flow, net capex and free cash flow by fiscal year; "
            f"free cash flow, the gap between the first two, was "
            f"{text.fmt_usd_bn(cf.loc[last, 'free cash flow'])} in {last}."),
        "cumulative-cuts": (
            "Step chart of corporate roles announced since 28 Oct 2025, cumulative, reaching "
            f"{text.fmt_count(cum['cumulative_roles'].iloc[-1] if len(cum) else 0)} by "
            f"{text.fmt_date(res.as_of)}; a shaded band from "
            f"{text.fmt_count(base + study.CLAIM_LOW)} to "
            f"{text.fmt_count(base + study.CLAIM_HIGH)} marks the claim and a dashed "
            "line the plan Reuters reported the day before the October round."),
        "savings": (
            "Horizontal bar chart in billions of dollars a year: labour savings of about "
            f"{text.fmt_usd_bn(saved[0], 1)} from the corporate cuts next to the yearly "
            "increases in capex (gross by fiscal year, net over the trailing twelve months), "
            "each with its range."),
        "savings-fcf": (
            f"Bar chart of Amazon's free cash flow by fiscal year and over the latest twelve "
            f"months, {text.fmt_usd_bn(res.fcf['fcf_usd_bn'].iloc[-1], 1)}, with a green line "
            f"at the yearly savings of {text.fmt_usd_bn(saved[0], 1)}."),
        "path": (
            "Line chart of Amazon's gross capex by fiscal year with two dashed paths to 2027 "
            f"and shaded {text.fmt_pct(res.interval_level_pct)} intervals, the statistical "
            "forecast and the guidance path; diamonds mark the company's guidance statements."),
        "relation": (
            "Scatter plot of yearly growth in employees against capex intensity, one point per "
            "year, with the fitted line and a shaded 95% confidence band; the line explains "
            f"{text.fmt_pct(100 * res.relation.r_squared)} of the variation."),
    }


def path_table(paths: pd.DataFrame) -> pd.DataFrame:
    """Format the capex paths as a table for a page (one row per path and year).

    Args:
        paths: Output of :func:`capex_paths` (one interval level).

    Returns:
        Columns ``path``, ``year``, ``gross capex`` (formatted mean),
        ``interval`` (formatted) and ``central path`` (yes/no).
    """
    level = float(paths["level"].iloc[0])
    return pd.DataFrame({
        "path": paths["path"].to_numpy(),
        "year": paths["year"].astype(int).astype(str).to_numpy(),
        "gross capex": [text.fmt_usd_bn(v) for v in paths["mean"]],
        f"{level:.0%} interval": [text.fmt_interval(lo, hi, fmt=text.fmt_usd_bn)
                                  for lo, hi in zip(paths["lower"], paths["upper"], strict=True)],
        "central path": np.where(paths["central"], "yes", "no"),
    })


def denominators_table(res: CapitalResults) -> pd.DataFrame:
    """The savings against each denominator, formatted for the page (one row per denominator).

    Args:
        res: The chapter's results.

    Returns:
        Columns ``denominator``, ``period``, ``basis``, ``value (USD bn)``, ``savings against
        it``, ``in step with the cuts``, ``why this period`` and ``source``.
    """
    den = res.denominators
    return pd.DataFrame({
        "denominator": den["measure"], "period": den["period"], "basis": den["basis"],
        "value (USD bn)": [text.fmt_usd_bn(v, 1) for v in den["value_usd_bn"]],
        "savings against it": [fmt_share(v) for v in den["share_pct"]],
        "in step with the cuts": ["yes" if a else "no" for a in den["aligned"]],
        "why this period": den["why"],
        "source": [sources.strength_label(c) for c in den["confidence"]]})


def _styled(frame: pd.DataFrame, cell_props: str) -> Styler:
    return frame.style.hide(axis="index").set_table_styles(
        [{"selector": "th, td", "props": cell_props}])


def tables(res: CapitalResults) -> dict[str, Styler]:
    """The page's two tables, styled: ``denominators`` and ``paths``.

    Args:
        res: The chapter's results.
    """
    return {"denominators": _styled(denominators_table(res),
                                    "padding: 0.2em 0.6em; text-align: left;"),
            "paths": _styled(path_table(res.paths.paths),
                             "padding: 0.2em 0.9em; text-align: left;")}

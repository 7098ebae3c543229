"""Which layoff rounds count, and for how many roles: the one rule every total uses.

Every count of corporate cuts in the report (the projection's events, the observed further
cuts, the layoff-rounds model, the chapters' tables and the ledger) selects its rows of the
layoff-rounds table (:func:`analysis.data.load_layoff_rounds`) with :func:`corporate_rounds`,
so missing values are treated the same way everywhere:

* **Corporate.** A row counts only where ``is_corporate`` is true; a missing flag is not
  corporate.
* **Nested.** A row whose ``included_in_round_id`` names another round is already counted in
  that round and is skipped (unless asked for). A missing, empty or blank id, or no such
  column, means the row is a round of its own.
* **Size.** ``roles_low`` and ``roles_high`` bound the roles cut. Where only one bound is given
  ("more than 300", "up to 900") the other takes its value, so the round counts that figure;
  ``roles_mid`` is kept where given and is otherwise the mean of the bounds. A round with
  no size at all is a round of **undisclosed size**: it stays in the rows (it is a round) with
  missing sizes, so it adds nothing to a sum of roles; ``sized=True`` drops it.

Dates are not part of the rule: callers choose their own window (for example
:func:`analysis.models.headline.further_rounds` for "further cuts", DESIGN §5).
"""

from __future__ import annotations

import pandas as pd

__all__ = ["SIZE_COLUMNS", "corporate_rounds", "is_corporate", "is_nested", "round_sizes"]

#: The size columns :func:`corporate_rounds` fills by the rule (roles, floats).
SIZE_COLUMNS: tuple[str, ...] = ("roles_low", "roles_mid", "roles_high")


def is_corporate(rounds: pd.DataFrame) -> pd.Series:
    """True where a row is a corporate round; a missing ``is_corporate`` is not corporate.

    Raises:
        ValueError: The frame has no ``is_corporate`` column.
    """
    if "is_corporate" not in rounds.columns:
        raise ValueError("rounds: missing column 'is_corporate'")
    flag = rounds["is_corporate"]
    return flag.where(flag.notna(), False).astype(bool)


def is_nested(rounds: pd.DataFrame) -> pd.Series:
    """True where a row is counted inside another round (``included_in_round_id`` names one).

    A missing, empty or blank id, or a frame without the column, means not nested.
    """
    if "included_in_round_id" not in rounds.columns:
        return pd.Series(False, index=rounds.index)
    ids = rounds["included_in_round_id"]
    named = ids.where(ids.notna(), "").astype(str).str.strip()
    return (named != "").astype(bool)


def _numbers(rounds: pd.DataFrame, column: str) -> pd.Series:
    if column not in rounds.columns:
        return pd.Series(float("nan"), index=rounds.index)
    return pd.to_numeric(rounds[column], errors="coerce").astype(float)


def round_sizes(rounds: pd.DataFrame) -> pd.DataFrame:
    """The size columns by the rule: a missing bound takes the other's value.

    A given ``roles_mid`` is kept (and stands in for both bounds where neither is given);
    otherwise it is the mean of the bounds.

    Args:
        rounds: Rows with ``roles_low`` and ``roles_high``, ``roles_mid`` or all three.

    Returns:
        ``roles_low``, ``roles_mid``, ``roles_high`` (floats, same index): NaN in all three
        for a round of undisclosed size.

    Raises:
        ValueError: The frame has none of the size columns.
    """
    if not any(c in rounds.columns for c in SIZE_COLUMNS):
        raise ValueError("rounds: no size column (roles_low, roles_mid, roles_high)")
    low, given, high = (_numbers(rounds, c) for c in SIZE_COLUMNS)
    low, high = low.fillna(high).fillna(given), high.fillna(low).fillna(given)
    mid = given.fillna((low + high) / 2.0)
    return pd.DataFrame({"roles_low": low, "roles_mid": mid, "roles_high": high},
                        index=rounds.index)


def corporate_rounds(rounds: pd.DataFrame, *, include_nested: bool = False,
                     sized: bool = False) -> pd.DataFrame:
    """Return the corporate rounds that count, with their sizes filled by the rule.

    Args:
        rounds: Layoff rounds (:func:`analysis.data.load_layoff_rounds`, or any frame with
            ``is_corporate`` and size columns, see :func:`round_sizes`).
        include_nested: Keep rows counted inside another round (for listing every
            announcement, never for totals).
        sized: Drop rounds of undisclosed size (for models that need a size per round).

    Returns:
        A copy of the kept rows in the input order with a fresh RangeIndex; ``roles_low``,
        ``roles_mid`` and ``roles_high`` as :func:`round_sizes` gives them.

    Examples:
        >>> df = pd.DataFrame({"is_corporate": [True, None, True, True],
        ...                    "included_in_round_id": [None, None, "x", ""],
        ...                    "roles_low": [300.0, 5.0, 10.0, None],
        ...                    "roles_high": [None, 5.0, 10.0, None]})
        >>> corporate_rounds(df)[["roles_low", "roles_mid", "roles_high"]].to_numpy().tolist()
        [[300.0, 300.0, 300.0], [nan, nan, nan]]
        >>> len(corporate_rounds(df, sized=True)), len(corporate_rounds(df, include_nested=True))
        (1, 3)
    """
    keep = is_corporate(rounds)
    if not include_nested:
        keep &= ~is_nested(rounds)
    out = rounds.loc[keep].copy()
    sizes = round_sizes(out)
    for column in SIZE_COLUMNS:
        out[column] = sizes[column]
    if sized:
        out = out.loc[out["roles_mid"].notna()]
    return out.reset_index(drop=True)

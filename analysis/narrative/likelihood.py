"""Calibrated likelihood words with the number next to them, for every page and the ledger."""

from __future__ import annotations

from analysis import study, text

__all__ = ["likelihood_phrase"]


def likelihood_phrase(probability: float) -> str:
    """Likelihood words with the number, e.g. ``"about as likely as not (52%)"``.

    The words (:func:`analysis.study.likelihood_words`) are chosen from the probability as
    printed, a whole percent, so a reader never sees "66%" called "about as likely as not".

    >>> likelihood_phrase(0.523)
    'about as likely as not (52%)'
    """
    shown = text.fmt_prob(probability)
    rounded = min(1.0, max(0.0, float(f"{float(probability) * 100:.0f}") / 100.0))
    return f"{study.likelihood_words(rounded)} ({shown})"

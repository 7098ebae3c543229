"""Chapter 1's fitted part as a stored result of its own: the capex paths and the relation.

The results cache (:mod:`analysis.site.results`) computes this once per cut-off, central path
and interval level, and hands it to :func:`analysis.chapters.capital.compute`, which lists it
in its ``INPUTS``. Keyed on fewer parameters than the chapter, it survives a change of the cost
per employee: that rebuild neither imports statsmodels nor refits (see
:class:`analysis.chapters.capital.CapexPart`).
"""

from __future__ import annotations

from analysis.chapters.capital import CAPEX_PARAMETERS, CapexPart, compute_capex

__all__ = ["PARAMETERS", "CapexPart", "compute"]

#: The parameters the result depends on (the results cache keys on these only).
PARAMETERS: tuple[str, ...] = CAPEX_PARAMETERS
compute = compute_capex

"""Models layer: projection, forecasts, backtests, rounds, headline, curves and sweeps.

Modules here import from :mod:`analysis.study`, :mod:`analysis.params` and the data layer only,
never from chapters, narrative, charts, the ledger or the site.
"""

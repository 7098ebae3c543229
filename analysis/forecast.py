"""Readers' name for the statistical forecasts: :mod:`analysis.models.forecast`.

Kept so that ``from analysis.forecast import forecast_capex_annual`` (and the other public
functions) keeps working; the package itself imports :mod:`analysis.models.forecast`.
"""

from analysis.models.forecast import *  # noqa: F403  (the public API, listed in its __all__)
from analysis.models.forecast import __all__  # noqa: F401

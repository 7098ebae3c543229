"""Charts layer: the Altair theme and renderer, and the pages' chart and table builders.

The theme and renderer (:mod:`analysis.charts.theme`) are re-exported here; the builders are
``tables``, ``plots`` and ``explorer``.
"""

from analysis.charts.theme import *  # noqa: F403  (the public API, listed in theme.__all__)
from analysis.charts.theme import __all__  # noqa: F401

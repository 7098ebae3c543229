"""Data layer: loading, validation (pandera schemas) and provenance of the tables in ``data/``.

The public loaders live in :mod:`analysis.data.loading` and are re-exported here, so
``from analysis import data; data.load_annual()`` reads as before. Schemas are in
:mod:`analysis.data.schemas`.
"""

from analysis.data.loading import *  # noqa: F403  (the public API, listed in loading.__all__)
from analysis.data.loading import __all__  # noqa: F401

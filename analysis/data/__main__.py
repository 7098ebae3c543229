"""``python -m analysis.data``: validate (and optionally stamp) the data tables."""

import sys

from analysis.data.loading import main

sys.exit(main())

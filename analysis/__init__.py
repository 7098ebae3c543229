"""Analysis package for *Amazon's Efficiency Mandate*, a reproducible research report."""

__version__ = "0.1.0"

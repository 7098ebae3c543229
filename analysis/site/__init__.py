"""Site layer: pages, execution, results cache, provenance, PDF, offline Sphinx glue, build.

The top layer: it may import every other layer; nothing imports it.
"""

"""Narrative layer: sentences and glue values computed from results (numbers via analysis.text)."""

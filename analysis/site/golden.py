"""Reference copy of a build's glued output, to show that a refactoring changed no number.

:func:`glue_snapshot` keeps what a reader sees and cites from a build's ``manifest.json``:
every glued value and glued Markdown fragment per page, and a SHA-256 of every table. A test
compares the snapshot of the test build with ``tests/golden/manifest-smoke.json``; when a
change of numbers is intended (new data, a new method), regenerate the reference with
``python -m analysis golden`` and say why in the commit.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

__all__ = ["REFERENCE", "SMOKE_PARAMS", "VOLATILE_KEYS", "compare_snapshots", "glue_snapshot",
           "site_snapshot"]

#: Glued values that change with every commit, not with the numbers.
VOLATILE_KEYS = frozenset({"explore_commit"})
#: The parameters of the reference build (small, so the test build is quick).
SMOKE_PARAMS: dict[str, Any] = {"mc_draws": 2_000, "sweep_draws_per_point": 300}
#: The reference snapshot, relative to the repository root.
REFERENCE = Path("tests") / "golden" / "manifest-smoke.json"


def _digest(value: Any) -> str:
    blob = json.dumps(value, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def glue_snapshot(manifest: Mapping[str, Any]) -> dict[str, Any]:
    """Return the glued values, glued Markdown and table digests of a build manifest.

    Args:
        manifest: A parsed ``manifest.json`` of a build.

    Returns:
        ``{"glued_values": {page: {key: text}}, "glued_markdown": {...},
        "table_sha256": {page: {name: hex}}}``, volatile keys removed.
    """
    def clean(section: str) -> dict[str, dict[str, Any]]:
        return {page: {k: v for k, v in values.items() if k not in VOLATILE_KEYS}
                for page, values in sorted(manifest.get(section, {}).items())}
    tables = {page: {name: _digest(t) for name, t in sorted(values.items())}
              for page, values in sorted(manifest.get("tables", {}).items())}
    return {"glued_values": clean("glued_values"), "glued_markdown": clean("glued_markdown"),
            "table_sha256": tables}


def compare_snapshots(expected: Mapping[str, Any], actual: Mapping[str, Any]) -> list[str]:
    """List every difference between two snapshots as ``section page key: old -> new``."""
    out = []
    for section in sorted(set(expected) | set(actual)):
        old, new = expected.get(section, {}), actual.get(section, {})
        for page in sorted(set(old) | set(new)):
            a, b = old.get(page, {}), new.get(page, {})
            for key in sorted(set(a) | set(b)):
                if a.get(key) != b.get(key):
                    out.append(f"{section} {page} {key}: {str(a.get(key))[:80]!r} -> "
                               f"{str(b.get(key))[:80]!r}")
    return out


def site_snapshot(site: Path) -> dict[str, Any]:
    """:func:`glue_snapshot` of a built site's ``manifest.json``."""
    return glue_snapshot(json.loads((site / "manifest.json").read_text(encoding="utf-8")))

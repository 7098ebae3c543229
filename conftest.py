"""The test tiers: every test (and every doctest in ``analysis/``) is in exactly one.

==========  ==================================================================================
unit        functions of the package on small inputs, the data, the CLI in-process; seconds.
property    hypothesis tests (``@given``): invariants over generated inputs.
page        the book's pages without a site: their sources, and each page executed through
            papermill with tiny parameters (``tests/test_page_smoke.py``).
site        builds a site (a scratch copy of the repository) and checks what it publishes.
browser     drives headless Chromium against the built site.
==========  ==================================================================================

How a test gets its tier (the rules are checked here, at collection):

* A module of the page, site or browser tier says so: ``pytestmark = pytest.mark.site``.
* Every other test is ``unit``, except a hypothesis test (``@given``), which is ``property``;
  this hook adds the marker, so property tests can sit next to the examples they generalise.
* Collection stops with a list of the offending tests if a test has two tiers, a ``@given``
  test is outside the property tier (or a test marked ``property`` is not one), or a test uses
  a fixture of another tier (``FIXTURE_TIERS``): a test that asks for a scratch copy of the
  repository or the built site is a site test, one that asks for Chromium a browser test.

Select tiers with ``-m``: ``make test-fast`` is ``-m "unit or property"``; ``make test-unit``,
``test-property``, ``test-page``, ``test-site`` and ``test-browser`` run one tier each.
"""

from __future__ import annotations

import pytest

#: The tiers, fastest first (registered as markers in pyproject.toml, --strict-markers).
TIERS = ("unit", "property", "page", "site", "browser")

#: Fixtures that only a test of these tiers may use (see tests/conftest.py).
FIXTURE_TIERS: dict[str, tuple[str, ...]] = {
    "scratch_repo": ("site",),
    "small_build": ("site",),
    "built_small_repo": ("site",),
    "briefing_build": ("site",),
    "briefing_repo": ("site",),
    "smoke_repo": ("page", "site", "browser"),
    "built_site": ("site", "browser"),
    "server": ("browser",),
    "browser": ("browser",),
}


def _is_hypothesis_test(item: pytest.Item) -> bool:
    return bool(getattr(getattr(item, "obj", None), "is_hypothesis_test", False))


def tier_of(item: pytest.Item) -> tuple[str | None, list[str]]:
    """Return the tier ``item`` belongs to (``None`` if the rules are broken) and the problems."""
    declared = sorted({m.name for m in item.iter_markers() if m.name in TIERS})
    generated = _is_hypothesis_test(item)
    if len(declared) > 1:
        return None, [f"has {len(declared)} tiers ({', '.join(declared)}); keep one"]
    tier = declared[0] if declared else ("property" if generated else "unit")
    problems = []
    if generated and tier != "property":
        problems.append(f"is a hypothesis test in the {tier} tier: move it to a module of "
                        "the unit tier (it is then a property test)")
    if tier == "property" and not generated:
        problems.append("is marked property but is not a hypothesis (@given) test")
    for name in getattr(item, "fixturenames", ()):
        allowed = FIXTURE_TIERS.get(name)
        if allowed and tier not in allowed:
            problems.append(f"uses the fixture {name!r} (tier {' or '.join(allowed)}) but is "
                            f"in the {tier} tier: set pytestmark = pytest.mark.{allowed[0]}")
    if tier == "browser" and "browser" not in getattr(item, "fixturenames", ()):
        problems.append("is in the browser tier but does not use the 'browser' fixture")
    return (None if problems else tier), problems


#: ``make test`` runs the tests on two processes (pytest-xdist, ``--dist loadgroup``). The
#: tests that share the whole-site build (the page smoke test, the site and browser tests)
#: run in the same process, so that build is made once. The one-page and briefing builds
#: are small: each process makes its own, which keeps the two processes evenly loaded.
SHARED_BUILDS: dict[str, str] = {"smoke_repo": "smoke", "built_site": "smoke", "server": "smoke"}


def build_group(item: pytest.Item) -> str | None:
    """The shared build a test uses (its xdist group, from the fixtures it asks for), if any."""
    marker = item.get_closest_marker("xdist_group")
    if marker is not None:
        return str(marker.args[0] if marker.args else marker.kwargs.get("name"))
    return next((SHARED_BUILDS[name] for name in getattr(item, "fixturenames", ())
                 if name in SHARED_BUILDS), None)


@pytest.hookimpl(tryfirst=True)  # before -m deselects by marker, and before xdist reads groups
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Give every collected test its tier marker and its build group.

    Stops if a test breaks the tier rules.
    """
    broken = []
    for item in items:
        tier, problems = tier_of(item)
        if tier is None:
            broken += [f"  {item.nodeid} {p}" for p in problems]
        elif not item.get_closest_marker(tier):
            item.add_marker(getattr(pytest.mark, tier))
        group = build_group(item)
        if group is not None and item.get_closest_marker("xdist_group") is None:
            item.add_marker(pytest.mark.xdist_group(group))
    if broken:
        raise pytest.UsageError("tests outside the tier rules (see conftest.py):\n"
                                + "\n".join(broken))

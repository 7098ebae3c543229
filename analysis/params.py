"""The one parameter schema: the contract between scenario files, the CLI and the pages.

Every parameter the report uses is declared here once, with its type, unit, default, bounds,
description and the source of its default. Validation, the ``python -m analysis params``
listing, the methods page's assumption table and the scenario files all derive from
:data:`SCHEMA`. A name unknown to the schema is an error, never ignored.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from analysis.data_cutoff import DATA_DIR, latest_source_date

__all__ = [
    "SCHEMA",
    "ParamSpec",
    "ParameterError",
    "Params",
    "ScenarioError",
    "from_namespace",
    "label",
    "list_scenarios",
    "load_scenario",
    "parse_cli_assignments",
    "resolve",
    "schema_table",
    "validate",
]

SCENARIO_DIR = DATA_DIR / "scenarios"


class ParameterError(ValueError):
    """A parameter is unknown, of the wrong type or out of bounds."""


class ScenarioError(ValueError):
    """A scenario file is missing, malformed or names an unknown parameter."""


@dataclass(frozen=True)
class ParamSpec:
    """One parameter of the report.

    Attributes:
        name: Identifier used in scenario files, on the CLI and in pages; carries its unit.
        kind: One of ``int``, ``float``, ``bool``, ``date``, ``choice``.
        unit: Unit in words (``persons``, ``% per year``, ...).
        default: Default value.
        description: What the parameter means, in one sentence.
        source: Where the default comes from (source ids of ``book/references.bib`` or
            "assumption" with the reasoning).
        group: Section of the assumption table.
        low: Inclusive lower bound (numbers and dates).
        high: Inclusive upper bound (numbers and dates).
        choices: Allowed values for ``choice`` parameters.
        mc_spread: For Monte Carlo: (below, above) half-widths of a triangular distribution
            centred on the parameter's value, clipped to the bounds. ``None`` = not uncertain.
        mc_source: Where the spread comes from.
        unset: For an optional parameter, what happens when it is not set (its default is
            ``None``; ``None``, an empty string, ``none`` or ``fitted`` leave it unset).
            Empty for a required parameter.
        label: Short human name for charts and prose (filled from :data:`LABELS`).
    """

    name: str
    kind: str
    unit: str
    default: Any
    description: str
    source: str
    group: str
    low: Any = None
    high: Any = None
    choices: tuple[Any, ...] = ()
    mc_spread: tuple[float, float] | None = None
    mc_source: str = ""
    unset: str = ""
    label: str = ""

    def allowed(self) -> str:
        """Describe the allowed values in words, for error messages and the listing."""
        if self.unset:
            return self._allowed_required() + " or 'fitted' (unset: " + self.unset + ")"
        return self._allowed_required()

    def _allowed_required(self) -> str:
        if self.kind == "choice":
            return "one of " + ", ".join(repr(c) for c in self.choices)
        if self.kind == "bool":
            return "true or false"
        if self.low is not None and self.high is not None:
            return f"{self.kind} from {self.low} to {self.high}"
        return self.kind

    def coerce(self, value: Any) -> Any:
        """Return ``value`` converted to this parameter's type, or raise ParameterError."""
        if self.unset and (value is None or (
                isinstance(value, str) and value.strip().lower() in _UNSET_WORDS)):
            return None
        try:
            out = _COERCE[self.kind](value, self)
        except (TypeError, ValueError) as exc:
            raise ParameterError(
                f"parameter {self.name!r}: cannot use {value!r} ({exc}); allowed: {self.allowed()}"
            ) from None
        if self.kind in ("int", "float", "date") and (
            (self.low is not None and out < self.low) or (self.high is not None and out > self.high)
        ):
            raise ParameterError(
                f"parameter {self.name!r}: {out} is out of bounds; allowed: {self.allowed()}"
            )
        if self.kind == "choice" and out not in self.choices:
            raise ParameterError(
                f"parameter {self.name!r}: {out!r} is not allowed; allowed: {self.allowed()}"
            )
        return out


# Words that leave an optional parameter unset (CLI and scenario files).
_UNSET_WORDS = ("", "none", "null", "fitted")


def _to_int(value: Any, spec: ParamSpec) -> int:
    if isinstance(value, bool):
        raise TypeError("a boolean is not a whole number")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError("not a whole number")
        return int(value)
    if isinstance(value, str):
        return int(value.replace("_", "").replace(",", "").strip())
    if isinstance(value, int):
        return int(value)
    raise TypeError(f"expected a whole number, got {type(value).__name__}")


def _to_float(value: Any, spec: ParamSpec) -> float:
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number")
    if isinstance(value, str):
        value = value.replace("_", "").strip()
    if not isinstance(value, (int, float, str)):
        raise TypeError(f"expected a number, got {type(value).__name__}")
    out = float(value)
    if not math.isfinite(out):
        raise ValueError("not a finite number")
    return out


def _to_bool(value: Any, spec: ParamSpec) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "yes", "1", "on"):
        return True
    if isinstance(value, str) and value.strip().lower() in ("false", "no", "0", "off"):
        return False
    raise ValueError("expected true or false")


def _to_date(value: Any, spec: ParamSpec) -> str:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return dt.date.fromisoformat(value.strip()).isoformat()
    raise TypeError(f"expected a date YYYY-MM-DD, got {type(value).__name__}")


def _to_choice(value: Any, spec: ParamSpec) -> Any:
    if isinstance(value, str) and spec.choices and isinstance(spec.choices[0], int):
        return int(value)
    return value


_COERCE = {
    "int": _to_int,
    "float": _to_float,
    "bool": _to_bool,
    "date": _to_date,
    "choice": _to_choice,
}

_A = "assumption"  # a default chosen by the authors; the reasoning follows in the source text

_SPECS: tuple[ParamSpec, ...] = (
    # --- data and horizon -----------------------------------------------------------------
    ParamSpec("as_of", "date", "date", latest_source_date(),
              "Data cut-off: observations and announcements dated after it are ignored. "
              "Cut-offs before 28 Oct 2025 are accepted for the headline backtest's past "
              "origins; the headline itself needs 28 Oct 2025 or later.",
              "Computed: the date of the latest dated source in data/ "
              "(analysis.data_cutoff.latest_source_date)", "Data and horizon", "2022-12-31",
              "2027-12-31"),
    ParamSpec(
        "horizon_end", "date", "date", "2027-12-31",
        "Last day of the projection; the claim under test reads 'by 2027'.",
        "The claim [ailing_episode]: 'by 2027' read as by 31 Dec 2027", "Data and horizon",
        "2026-01-01", "2030-12-31"),
    ParamSpec("include_unreliable", "bool", "flag", False,
              "Include figures flagged 'memory only' or 'unreliable' in model fits.",
              "Editorial rule: unverified figures are shown but not fitted", "Data and horizon"),
    ParamSpec("capex_path", "choice", "path", "guidance",
              "Capex path to 2027: the company's guidance where it exists, or the statistical "
              "forecast.", "Company guidance of about $200B for 2026 [amazon_q4_2025]",
              "Data and horizon", choices=("guidance", "forecast")),
    # --- corporate workforce --------------------------------------------------------------
    ParamSpec("corporate_headcount_base", "int", "persons", 350_000,
              "Estimated corporate and tech workforce before the 28 Oct 2025 round (an estimate; "
              "Amazon does not file it).", "GeekWire and Reuters estimates of about 350,000 "
              "[geekwire_2023_headcount; reuters_2025_30000]", "Corporate workforce",
              200_000, 500_000, mc_spread=(30_000.0, 30_000.0),
              mc_source="assumption: the estimate is quoted to two significant figures"),
    ParamSpec("cost_per_employee_usd_k", "float", "USD thousand per person-year", 175.0,
              "Fully loaded yearly cost of one corporate employee.",
              "Average salary $133,062 [fool_2026_30000] times 1.3 for benefits and on-costs "
              "(assumption)", "Corporate workforce", 80.0, 500.0, mc_spread=(35.0, 75.0),
              mc_source="assumption: loading from 1.1 to 1.9 times salary"),
    ParamSpec("attrition_rate_pct", "float", "% per year", 12.0,
              "Voluntary attrition of the corporate workforce before the return-to-office uplift.",
              "assumption: Amazon does not publish corporate attrition; typical large-tech range "
              "8-16%", "Corporate workforce", 0.0, 40.0, mc_spread=(4.0, 4.0),
              mc_source="assumption: 8-16% per year"),
    ParamSpec("rto_attrition_uplift_pct", "float", "percentage points per year", 2.0,
              "Extra attrition attributed to the five-day return-to-office rule.",
              "assumption; the rule itself [cnbc_2024_rto]", "Corporate workforce", 0.0, 15.0,
              mc_spread=(2.0, 3.0), mc_source="assumption: 0-5 points"),
    ParamSpec("backfill_rate_pct", "float", "% of leavers", 60.0,
              "Share of departing corporate employees who are replaced.",
              "assumption: hiring restraint stated in the 2025-26 memos [cbs_2026_16000]",
              "Corporate workforce", 0.0, 100.0, mc_spread=(25.0, 25.0),
              mc_source="assumption: 35-85%"),
    ParamSpec("ai_specialist_hires_per_year", "int", "persons per year", 3_000,
              "New AI and machine-learning specialist roles added each year.",
              "assumption: 'elite AI hiring' claim [ailing_episode]; no sourced count",
              "Corporate workforce", 0, 30_000, mc_spread=(2_000.0, 3_000.0),
              mc_source="assumption: 1,000-6,000 per year"),
    # --- AI adoption ------------------------------------------------------------------------
    ParamSpec("ai_adoption_current_pct", "float", "% of exposed work", 10.0,
              "Share of AI-exposed corporate work already automated at the cut-off date.",
              "assumption: more than 1,000 generative-AI applications built or in development "
              "by Jun 2025 [jassy_2025_memo]", "AI adoption", 0.0, 100.0,
              mc_spread=(5.0, 5.0), mc_source="assumption: 5-15%"),
    ParamSpec("ai_adoption_midpoint_year", "float", "year", 2028.0,
              "Year of fastest AI adoption (midpoint of the logistic curve); adoption at as_of "
              "equals ai_adoption_current_pct.",
              "assumption: 'in the next few years' [jassy_2025_memo]", "AI adoption",
              2024.0, 2040.0, mc_spread=(1.5, 2.0), mc_source="assumption: 2026.5-2030"),
    ParamSpec("ai_adoption_steepness_per_year", "float", "per year", 1.0,
              "Slope of the logistic adoption curve.",
              "assumption: a diffusion of about four years from 12% to 88% of the way",
              "AI adoption", 0.1, 5.0, mc_spread=(0.5, 0.8), mc_source="assumption: 0.5-1.8"),
    ParamSpec("ai_adoption_ceiling_pct", "float", "% of exposed work", 60.0,
              "Long-run share of AI-exposed corporate work that gets automated.",
              "assumption: 47-56% of tasks faster with LLM-powered software "
              "[eloundou_2023_gpts]", "AI adoption", 0.0, 100.0, mc_spread=(20.0, 25.0),
              mc_source="assumption: 40-85%"),
    ParamSpec("ai_substitution_share_pct", "float", "% of automated work", 35.0,
              "Share of automated work that turns into eliminated roles rather than new output.",
              "assumption: most of the time saved is redeployed", "AI adoption", 0.0, 100.0,
              mc_spread=(20.0, 25.0), mc_source="assumption: 15-60%"),
    ParamSpec("exposure_multiplier", "float", "multiplier", 1.0,
              "Multiplier on every job family's published AI exposure.",
              "1.0 keeps the published exposure scores [eloundou_2023_gpts; felten_2023_llm]",
              "AI adoption", 0.0, 3.0, mc_spread=(0.25, 0.25),
              mc_source="assumption: exposure scores are noisy at family level"),
    ParamSpec("max_annual_cut_pct", "float", "% of family per year", 15.0,
              "Cap on AI-driven and de-layering cuts per job family: this share of the family's "
              "headcount at as_of per year, pro rata by quarter; cuts above it are deferred.",
              "assumption: the largest round so far was under 10% of the corporate workforce "
              "[reuters_2026_robotics]", "AI adoption", 0.0, 50.0),
    # --- de-layering -----------------------------------------------------------------------
    ParamSpec("manager_ratio_change_pct", "float", "% change in ICs per manager", 15.0,
              "Mandated rise in the ratio of individual contributors to managers.",
              "Jassy memo of 16 Sep 2024 [cnbc_2024_rto]", "De-layering", 0.0, 100.0,
              mc_spread=(5.0, 10.0), mc_source="assumption: memo's 'at least 15%'"),
    ParamSpec("manager_share_pct", "float", "% of corporate workforce", 12.0,
              "Share of the corporate workforce who are people managers.",
              "assumption: about one manager per seven individual contributors",
              "De-layering", 1.0, 40.0, mc_spread=(3.0, 4.0), mc_source="assumption: 9-16%"),
    ParamSpec("delayering_realised_pct", "float", "% of mandate", 60.0,
              "Share of the de-layering mandate already realised by the cut-off date.",
              "assumption: the Oct 2025 round cut more than 500 managers in Washington alone "
              "[techplugged_2025_warn]", "De-layering", 0.0, 100.0,
              mc_spread=(25.0, 25.0), mc_source="assumption: 35-85%"),
    # --- regulatory brake ------------------------------------------------------------------
    ParamSpec("eu_workforce_share_pct", "float", "% of corporate workforce", 12.0,
              "Share of the corporate workforce in the EU (an estimate).",
              "assumption: Amazon does not publish a regional split of corporate staff",
              "Regulatory brake", 0.0, 100.0, mc_spread=(5.0, 5.0),
              mc_source="assumption: 7-17%"),
    ParamSpec("eu_brake_start", "date", "date", "2027-12-02",
              "Date from which EU AI Act Annex III duties for employment systems apply.",
              "Digital Omnibus moved Annex III from 2 Aug 2026 to 2 Dec 2027 "
              "[aiactblog_2026_omnibus]", "Regulatory brake", "2025-01-01", "2031-12-31"),
    ParamSpec("eu_brake_lead_months", "int", "months", 6,
              "Months before the application date from which compliance work slows EU cuts.",
              "assumption: compliance programmes start before the deadline",
              "Regulatory brake", 0, 36),
    ParamSpec("eu_brake_strength_pct", "float", "% of EU AI-driven cuts", 50.0,
              "Share of AI-driven EU cuts held back while the brake applies.",
              "assumption: human-oversight duties slow but do not forbid automation",
              "Regulatory brake", 0.0, 100.0, mc_spread=(30.0, 30.0),
              mc_source="assumption: 20-80%"),
    # --- forecasts and headline ------------------------------------------------------------
    ParamSpec("interval_level_pct", "choice", "%", 80,
              "Central interval shown for forecasts and the headline.",
              "convention: 80% intervals, as in the claim test", "Forecasts and headline",
              choices=(50, 80, 90, 95)),
    ParamSpec("rounds_history_start", "date", "date", "2022-11-01",
              "First date of the layoff-round history used by the rounds model.",
              "Amazon's first corporate round [variety_2023_18000]", "Forecasts and headline",
              "2015-01-01", "2026-12-31"),
    ParamSpec("headline_weight_projection_pct", "float", "% weight", None,
              "Override of the weight of the projection core (vs. the layoff-rounds model) in "
              "the headline; unset, the headline uses the weight fitted on the headline "
              "backtest.",
              "fitted: stacking of the two models' predictive distributions over past origins "
              "(analysis.models.headline_backtest), averaged over a bootstrap of the origins",
              "Forecasts and headline", 0.0, 100.0,
              unset="the weight fitted on the headline backtest"),
    ParamSpec("backtest_first_origin", "int", "year", 2019,
              "First forecast origin (year end) of the rolling backtest.",
              "issue spec: origins 2019-2024", "Forecasts and headline", 2017, 2024),
    ParamSpec("backtest_last_origin", "int", "year", 2024,
              "Last forecast origin (year end) of the rolling backtest.",
              "issue spec: origins 2019-2024", "Forecasts and headline", 2018, 2025),
    # --- Monte Carlo -------------------------------------------------------------------------
    ParamSpec("mc_draws", "int", "draws", 20_000,
              "Number of Monte Carlo draws.",
              "enough for the 10th/90th percentiles to be stable to about 1%", "Monte Carlo",
              100, 2_000_000),
    ParamSpec("sweep_draws_per_point", "int", "draws", 5_000,
              "Monte Carlo draws at each point of the assumption sweep (the explore page).",
              "enough for P(inside) to about 0.7 percentage points (binomial standard error "
              "at 50%)", "Monte Carlo", 100, 1_000_000),
    ParamSpec("seed", "int", "seed", 20251028,
              "Seed of the random number generator; same seed, same numbers.",
              "the date of the round under examination", "Monte Carlo", 0, 2**32 - 1),
)
#: Short human labels for charts and prose, one per parameter (a test checks that every
#: parameter has one); code names stay on the methods page and in scenario files.
LABELS: dict[str, str] = {
    "as_of": "data cut-off",
    "horizon_end": "projection end",
    "include_unreliable": "include unverified figures",
    "capex_path": "capex path",
    "corporate_headcount_base": "corporate workforce",
    "cost_per_employee_usd_k": "cost per employee",
    "attrition_rate_pct": "attrition rate",
    "rto_attrition_uplift_pct": "return-to-office attrition",
    "backfill_rate_pct": "backfill rate",
    "ai_specialist_hires_per_year": "AI specialist hires",
    "ai_adoption_current_pct": "AI adoption today",
    "ai_adoption_midpoint_year": "AI adoption midpoint",
    "ai_adoption_steepness_per_year": "AI adoption speed",
    "ai_adoption_ceiling_pct": "AI adoption ceiling",
    "ai_substitution_share_pct": "AI work that removes roles",
    "exposure_multiplier": "AI exposure multiplier",
    "max_annual_cut_pct": "yearly cut cap",
    "manager_ratio_change_pct": "manager-ratio mandate",
    "manager_share_pct": "manager share",
    "delayering_realised_pct": "de-layering done",
    "eu_workforce_share_pct": "EU workforce share",
    "eu_brake_start": "EU AI Act start",
    "eu_brake_lead_months": "EU brake lead time",
    "eu_brake_strength_pct": "EU brake strength",
    "interval_level_pct": "interval level",
    "rounds_history_start": "rounds history start",
    "headline_weight_projection_pct": "projection core weight",
    "backtest_first_origin": "first backtest origin",
    "backtest_last_origin": "last backtest origin",
    "mc_draws": "simulations",
    "sweep_draws_per_point": "simulations per sweep point",
    "seed": "random seed",
}
SCHEMA: dict[str, ParamSpec] = {
    spec.name: replace(spec, label=LABELS.get(spec.name, spec.label)) for spec in _SPECS}


def label(name: str) -> str:
    """Return the short human label of a parameter (or of a non-parameter input name).

    >>> label("ai_adoption_midpoint_year")
    'AI adoption midpoint'
    >>> label("observed_further_cuts")
    'sizes of announced rounds'
    """
    if name in SCHEMA and SCHEMA[name].label:
        return SCHEMA[name].label
    if name in EXTRA_LABELS:
        return EXTRA_LABELS[name]
    raise KeyError(f"no label for {name!r}; add one to analysis.params.LABELS")


#: Labels of model inputs that are not parameters (the sensitivity tables include them).
EXTRA_LABELS: dict[str, str] = {"observed_further_cuts": "sizes of announced rounds"}


def defaults() -> dict[str, Any]:
    """Return the default value of every parameter."""
    return {name: spec.default for name, spec in SCHEMA.items()}


@dataclass(frozen=True)
class Params(Mapping[str, Any]):
    """A complete, validated set of parameter values (read-only mapping).

    Attributes:
        values: Every schema parameter with its validated value.
        scenario: Name of the scenario the values came from.
    """

    values: Mapping[str, Any]
    scenario: str = "baseline"
    _frozen: tuple[tuple[str, Any], ...] = field(default=(), repr=False, compare=False)

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.values)

    def __len__(self) -> int:
        return len(self.values)

    def __getattr__(self, key: str) -> Any:
        # pickle and copy probe special names on an instance whose fields are not set yet
        # (``values`` would then be Mapping.values): those are never parameters.
        if key.startswith("__") or "values" not in self.__dict__:
            raise AttributeError(key)
        try:
            return self.__dict__["values"][key]
        except KeyError:
            raise AttributeError(key) from None

    def to_dict(self) -> dict[str, Any]:
        """Return a plain dict of all values."""
        return dict(self.values)

    def only(self, names: Iterable[str]) -> Params:
        """A view holding only the parameters ``names``: reading any other raises.

        For code that must not depend on the others: a page given only some parameters
        hands this view on, so a read of one it was not given fails (``KeyError`` or
        ``AttributeError`` naming it) instead of quietly seeing its default.
        """
        return Params(values={name: self.values[name] for name in names},
                      scenario=self.scenario)

    def changed(self) -> dict[str, Any]:
        """Return the parameters whose value differs from the schema default."""
        return {k: v for k, v in self.values.items() if v != SCHEMA[k].default}


def validate(values: Mapping[str, Any] | None = None, scenario: str = "baseline") -> Params:
    """Validate ``values`` against the schema and fill the rest with defaults.

    Args:
        values: Parameter values by name; any subset of the schema.
        scenario: Name recorded with the result.

    Returns:
        A complete :class:`Params`.

    Raises:
        ParameterError: A name is unknown, a value has the wrong type or is out of bounds, or
            the combination is inconsistent.
    """
    values = dict(values or {})
    unknown = sorted(set(values) - set(SCHEMA))
    if unknown:
        raise ParameterError(
            f"unknown parameter {unknown[0]!r}" + _suggest(unknown[0])
            + "; run 'python -m analysis params' for the list"
        )
    out = defaults()
    for name, value in values.items():
        out[name] = SCHEMA[name].coerce(value)
    _check_combination(out)
    return Params(values=out, scenario=scenario)


def from_namespace(namespace: Mapping[str, Any]) -> Params:
    """Validate the schema parameters found in ``namespace`` (a page's ``globals()``).

    Pages declare their parameters as variables in a ``parameters`` cell; this picks exactly
    the schema names out of the page's namespace and validates them (other names are ignored,
    since a namespace also holds imports).
    """
    return validate({k: v for k, v in namespace.items() if k in SCHEMA})


def _suggest(name: str) -> str:
    import difflib

    close = difflib.get_close_matches(name, list(SCHEMA), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _check_combination(values: Mapping[str, Any]) -> None:
    if values["horizon_end"] <= values["as_of"]:
        raise ParameterError(
            f"parameter 'horizon_end': {values['horizon_end']} must be after "
            f"as_of {values['as_of']}"
        )
    if values["ai_adoption_ceiling_pct"] < values["ai_adoption_current_pct"]:
        raise ParameterError(
            "parameter 'ai_adoption_ceiling_pct': "
            f"{values['ai_adoption_ceiling_pct']} is below ai_adoption_current_pct "
            f"{values['ai_adoption_current_pct']}"
        )
    if values["backtest_last_origin"] < values["backtest_first_origin"]:
        raise ParameterError(
            "parameter 'backtest_last_origin': must not be before backtest_first_origin"
        )


# --- scenarios -------------------------------------------------------------------------------


def list_scenarios(directory: Path = SCENARIO_DIR) -> list[str]:
    """Return the names of the scenario files shipped in ``data/scenarios``."""
    return sorted(p.stem for p in directory.glob("*.yaml"))


def load_scenario(name_or_path: str | Path, directory: Path = SCENARIO_DIR) -> tuple[str, dict]:
    """Read a scenario file and return its name and parameter values (not yet validated).

    Args:
        name_or_path: A scenario name (``regulatory-brake``) or a path to a YAML file.
        directory: Where named scenarios live.

    Returns:
        ``(name, parameters)``.

    Raises:
        ScenarioError: The file is missing, is not valid YAML, or has the wrong structure.
    """
    path = Path(name_or_path)
    if not (path.suffix in (".yaml", ".yml") or path.exists()):
        path = directory / f"{name_or_path}.yaml"
    if not path.is_file():
        raise ScenarioError(
            f"scenario {str(name_or_path)!r} not found; known scenarios: "
            + ", ".join(list_scenarios(directory))
        )
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        raise ScenarioError(f"{where}: malformed YAML: {exc.problem}") from None
    except yaml.YAMLError as exc:
        raise ScenarioError(f"{path}: malformed YAML: {exc}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("parameters", {}), dict):
        raise ScenarioError(
            f"{path}: a scenario is a mapping with 'name', 'description' and a 'parameters' mapping"
        )
    extra = sorted(set(doc) - {"name", "title", "description", "parameters"})
    if extra:
        raise ScenarioError(f"{path}: unknown key {extra[0]!r}; allowed: name, title, "
                            "description, parameters")
    params = dict(doc.get("parameters") or {})
    unknown = sorted(set(params) - set(SCHEMA))
    if unknown:
        raise ScenarioError(
            f"{path}: unknown parameter {unknown[0]!r}{_suggest(unknown[0])}"
        )
    name = doc.get("name", path.stem)
    _check_scenario_text(path, name, doc)
    return name, params


#: Longest scenario title and description accepted (characters).
_TEXT_LIMITS = {"title": 120, "description": 2_000}


def _check_scenario_text(path: Path, name: Any, doc: Mapping[str, Any]) -> None:
    """Refuse a scenario name that is not a slug and text fields that are not plain text.

    The name lands in file names, URLs and every page's footer, so it is held to
    :data:`analysis.escape.SLUG_PATTERN`; title and description are escaped wherever they land,
    but must still be one string of printable text of a sane length.
    """
    from analysis.escape import SLUG_PATTERN, is_slug

    if not is_slug(name):
        raise ScenarioError(
            f"{path}: field 'name': {str(name)[:80]!r} is not a scenario name; use lowercase "
            f"letters, digits and hyphens, starting with a letter or digit, at most 64 "
            f"characters ({SLUG_PATTERN.pattern})")
    for key, limit in _TEXT_LIMITS.items():
        value = doc.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            raise ScenarioError(f"{path}: field {key!r}: expected text, got "
                                f"{type(value).__name__}")
        allowed_breaks = "\n\t" if key == "description" else ""
        bad = next((c for c in value if c not in allowed_breaks
                    and unicodedata.category(c)[0] in "CZ" and c != " "
                    and unicodedata.category(c) != "Zs"), None)
        if bad is not None:
            raise ScenarioError(f"{path}: field {key!r}: control or format character "
                                f"U+{ord(bad):04X} is not allowed"
                                + ("" if allowed_breaks else " (one line of text)"))
        if len(value) > limit:
            raise ScenarioError(f"{path}: field {key!r}: {len(value)} characters, at most "
                                f"{limit} allowed")


def parse_cli_assignments(items: Iterable[str]) -> dict[str, str]:
    """Parse ``name=value`` strings from the command line.

    Raises:
        ParameterError: An item has no ``=`` or names an unknown parameter.
    """
    out: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise ParameterError(f"-p {item!r}: expected name=value")
        if name not in SCHEMA:
            raise ParameterError(f"unknown parameter {name!r}{_suggest(name)}; run "
                                 "'python -m analysis params' for the list")
        out[name] = value
    return out


def resolve(
    scenario: str | Path | None = None,
    overrides: Mapping[str, Any] | None = None,
    directory: Path = SCENARIO_DIR,
) -> Params:
    """Combine defaults, a scenario and overrides (CLI over scenario over defaults).

    Args:
        scenario: Scenario name or file; ``None`` means ``baseline``.
        overrides: Values that take precedence over the scenario's.
        directory: Where named scenarios live.

    Returns:
        A validated :class:`Params`.
    """
    name, values = load_scenario(scenario or "baseline", directory)
    values.update(overrides or {})
    return validate(values, scenario=name)


def schema_table() -> list[dict[str, Any]]:
    """Return the schema as rows (for the listing and the methods page)."""
    rows = []
    for spec in SCHEMA.values():
        rows.append({
            "group": spec.group,
            "name": spec.name,
            "default": spec.default,
            "unit": spec.unit,
            "allowed": spec.allowed(),
            "uncertainty": (f"-{spec.mc_spread[0]:g} / +{spec.mc_spread[1]:g}"
                            if spec.mc_spread else ""),
            "description": spec.description,
            "source": spec.source,
        })
    return rows

"""Eligibility rules as code: a rule set is data (``data/rules/<code>.json``: conditions, each a
measure of the household, a comparison and a parameter name); its parameters are dated rows
(:class:`~govhall.analytics.models.RuleParameterSet`).

The registries are read elsewhere (one household through the exchange's logged profile read,
many households by grouped SQL in :mod:`govhall.analytics.rules_sql`); both reduce to the same
per-member *facts*, and this module turns facts into measures and verdicts, so one household and a
batch are judged by the same code. A measure that cannot be computed (resource not granted, a
record without the value, applicant not in the population registry) is ``None``: the condition is
*unknown*, never passed. The confirmed absence of records in a granted registry (no car, no home)
is a value (0), not an unknown.
"""

from __future__ import annotations

import datetime as dt
import json
import operator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from govhall.core import errors

RULES_DIR = Path(__file__).resolve().parent / "data" / "rules"

PASS, FAIL, UNKNOWN = "pass", "fail", "unknown"
ELIGIBLE, INELIGIBLE = "eligible", "ineligible"

OPERATORS = {
    "lt": operator.lt,
    "lte": operator.le,
    "gt": operator.gt,
    "gte": operator.ge,
    "eq": operator.eq,
    "startswith": lambda value, prefix: str(value).startswith(str(prefix)),
}

# measure -> (resource code, fields it needs)
MEASURES: dict[str, tuple[str, tuple[str, ...]]] = {
    "per_capita_income": ("income_tax", ("year", "annual_income")),
    "per_capita_area": ("real_estate", ("area",)),
    "max_vehicle_price": ("vehicle", ("purchase_price",)),
    "max_company_capital": ("business_registration", ("entity_kind", "registered_capital")),
    "register_region": ("population", ("region_code",)),
    "max_paid_months": ("social_security", ("paid_months",)),
}
POPULATION = "population"


@dataclass(frozen=True)
class Clause:
    measure: str
    op: str
    parameter: str


@dataclass(frozen=True)
class Condition:
    code: str
    label: str
    clauses: tuple[Clause, ...]  # passes if any clause passes

    @property
    def resources(self) -> list[str]:
        return list(dict.fromkeys(MEASURES[c.measure][0] for c in self.clauses))


@dataclass(frozen=True)
class RuleSet:
    code: str
    name: str
    basis: str
    company_kinds: tuple[str, ...]
    conditions: tuple[Condition, ...]
    demo_parameters: tuple[dict[str, Any], ...] = ()

    @property
    def resources(self) -> list[str]:
        codes = [POPULATION]
        for condition in self.conditions:
            codes.extend(condition.resources)
        return list(dict.fromkeys(codes))


def _clause(spec: dict[str, Any]) -> Clause:
    clause = Clause(str(spec["measure"]), str(spec["op"]), str(spec["parameter"]))
    if clause.measure not in MEASURES or clause.op not in OPERATORS:
        raise ValueError(f"unknown measure or comparison in {spec}")
    return clause


@lru_cache(maxsize=16)
def rule_set_get(code: str) -> RuleSet:
    """The rule set ``code`` (``data/rules/<code>.json``); an unknown code is a 404."""
    path = RULES_DIR / f"{code}.json"
    if not code.replace("_", "").isalnum() or not path.is_file():
        raise errors.NotFound(_("没有这个资格规则集。"))
    raw = json.loads(path.read_text(encoding="utf-8"))
    conditions = tuple(
        Condition(
            code=spec["code"],
            label=spec["label"],
            clauses=tuple(_clause(c) for c in spec.get("any_of", [spec])),
        )
        for spec in raw["conditions"]
    )
    return RuleSet(
        code=raw["code"],
        name=raw["name"],
        basis=raw.get("basis", ""),
        company_kinds=tuple(raw.get("company_kinds", [])),
        conditions=conditions,
        demo_parameters=tuple(raw.get("demo_parameters", [])),
    )


@dataclass(frozen=True)
class Parameters:
    rule_set: str
    effective_from: dt.date
    values: dict[str, Any]
    reason: str = ""


def parameters_in_force(*, rule_set: RuleSet, on: dt.date) -> Parameters:
    """The parameter set in force on ``on`` (the latest one effective on or before it)."""
    from govhall.analytics.models import RuleParameterSet

    row = (
        RuleParameterSet.objects.filter(rule_set=rule_set.code, effective_from__lte=on)
        .order_by("-effective_from")
        .first()
    )
    if row is None:
        raise errors.ValidationError(
            _("%(date)s 没有生效的资格参数。") % {"date": on.isoformat()}, code="no_parameters"
        )
    return Parameters(row.rule_set, row.effective_from, dict(row.values), row.reason)


@dataclass
class MemberFacts:
    """What the registries say about one member. Each aggregate is ``(value, records, values)``:
    ``records > values`` means a record lacks the value (unknown)."""

    registered: bool = False
    region: str | None = None
    income: dict[int, tuple[float | None, int, int]] = field(default_factory=dict)
    vehicle: tuple[float | None, int, int] = (None, 0, 0)
    company: tuple[float | None, int, int] = (None, 0, 0)
    months: tuple[float | None, int, int] = (None, 0, 0)


@dataclass
class Household:
    applicant: str
    members: list[str]
    facts: dict[str, MemberFacts]
    # certificate number -> (area or None): a jointly owned home counts once
    certificates: dict[str, float | None] = field(default_factory=dict)


def _max_of(values: list[tuple[float | None, int, int]]) -> float | None:
    if any(n != vals for _, n, vals in values):
        return None
    found = [value for value, n, _ in values if n and value is not None]
    return max(found) if found else 0.0


def _latest_income(facts: MemberFacts) -> float | None:
    if not facts.income:
        return 0.0
    total, n, vals = facts.income[max(facts.income)]
    return None if n != vals or total is None else total


def measure_value(name: str, household: Household) -> Any:
    members = [household.facts.get(key, MemberFacts()) for key in household.members]
    count = len(household.members)
    if name == "per_capita_income":
        incomes = [_latest_income(f) for f in members]
        return None if None in incomes else round(sum(incomes) / count, 2)
    if name == "per_capita_area":
        areas = list(household.certificates.values())
        return None if None in areas else round(sum(areas) / count, 2)
    if name == "max_vehicle_price":
        return _max_of([f.vehicle for f in members])
    if name == "max_company_capital":
        return _max_of([f.company for f in members])
    if name == "max_paid_months":
        return _max_of([f.months for f in members])
    if name == "register_region":
        return household.facts.get(household.applicant, MemberFacts()).region
    raise ValueError(name)


def _compare(op: str, value: Any, threshold: Any) -> str:
    if value is None or threshold is None:
        return UNKNOWN
    try:
        if op != "startswith":
            value, threshold = float(value), float(threshold)
        return PASS if OPERATORS[op](value, threshold) else FAIL
    except (TypeError, ValueError):
        return UNKNOWN


def household_evaluate(
    *, rule_set: RuleSet, parameters: Parameters, household: Household | None, readable: set[str]
) -> dict[str, Any]:
    """The verdict of every condition for one household (``None``: not in the population
    registry, everything unknown) and the overall outcome: eligible when every condition passes,
    ineligible when one fails, otherwise unknown."""
    conditions: dict[str, dict[str, Any]] = {}
    for condition in rule_set.conditions:
        clauses = []
        for clause in condition.clauses:
            threshold = parameters.values.get(clause.parameter)
            value = None
            if household is not None and clause.measure in readable:
                value = measure_value(clause.measure, household)
            clauses.append(
                {
                    "measure": clause.measure,
                    "op": clause.op,
                    "parameter": clause.parameter,
                    "value": value,
                    "threshold": threshold,
                    "status": _compare(clause.op, value, threshold),
                }
            )
        statuses = {c["status"] for c in clauses}
        status = PASS if PASS in statuses else UNKNOWN if UNKNOWN in statuses else FAIL
        conditions[condition.code] = {
            "label": condition.label,
            "status": status,
            "clauses": clauses,
        }
    statuses = {c["status"] for c in conditions.values()}
    outcome = INELIGIBLE if FAIL in statuses else UNKNOWN if UNKNOWN in statuses else ELIGIBLE
    return {
        "subject_key": household.applicant if household else None,
        "members": list(household.members) if household else [],
        "outcome": outcome,
        "conditions": conditions,
    }


def readable_measures(views: list[Any]) -> set[str]:
    """The measures whose resource and fields the department may read."""
    allowed = {view.code: set(view.allowed) for view in views}
    return {
        name
        for name, (code, fields) in MEASURES.items()
        if code in allowed and set(fields) <= allowed[code]
    }

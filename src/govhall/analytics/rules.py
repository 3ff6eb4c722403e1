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
from dataclasses import dataclass, field, replace
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

POPULATION = "population"
TENANCY = "public_housing_tenancy"  # published by the housing app

# measure -> (resource code, fields it needs)
MEASURES: dict[str, tuple[str, tuple[str, ...]]] = {
    "per_capita_income": ("income_tax", ("year", "annual_income")),
    "per_capita_area": ("real_estate", ("area",)),
    "max_vehicle_price": ("vehicle", ("purchase_price",)),
    "max_company_capital": ("business_registration", ("entity_kind", "registered_capital")),
    "register_region": ("population", ("region_code",)),
    "max_paid_months": ("social_security", ("paid_months",)),
    # any member on the public rental housing waiting list or holding an active lease
    "housed": (TENANCY, ("status",)),
}
# Fields shown with a condition's source records, beyond the ones its measure reads.
SOURCE_FIELDS: dict[str, tuple[str, ...]] = {TENANCY: ("status", "entry", "since")}


@dataclass(frozen=True)
class Clause:
    """``measure op threshold``: the threshold is the dated parameter ``parameter`` or, when the
    rule itself fixes it (``"value": false``), the constant ``value``."""

    measure: str
    op: str
    parameter: str | None
    value: Any = None

    def threshold(self, parameters: Parameters) -> Any:
        return parameters.values.get(self.parameter) if self.parameter else self.value


@dataclass(frozen=True)
class Condition:
    code: str
    label: str
    clauses: tuple[Clause, ...]  # passes if any clause passes
    # items (name or implementation code) the condition does not apply to: "not already housed"
    # is not asked of the tenants at their yearly re-verification
    except_items: tuple[str, ...] = ()

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
    items: tuple[str, ...] = ()  # catalog items judged by it (name or implementation code)

    def for_item(self, item: str | None) -> RuleSet:
        """The rule set as it applies to ``item`` (the conditions that item excepts left out)."""
        if not item:
            return self
        kept = tuple(c for c in self.conditions if item not in c.except_items)
        return self if len(kept) == len(self.conditions) else replace(self, conditions=kept)

    @property
    def resources(self) -> list[str]:
        codes = [POPULATION]
        for condition in self.conditions:
            codes.extend(condition.resources)
        return list(dict.fromkeys(codes))


def _clause(spec: dict[str, Any]) -> Clause:
    parameter = spec.get("parameter")
    name = str(parameter) if parameter else None
    clause = Clause(str(spec["measure"]), str(spec["op"]), name, spec.get("value"))
    if clause.measure not in MEASURES or clause.op not in OPERATORS:
        raise ValueError(f"unknown measure or comparison in {spec}")
    if (parameter is None) == ("value" not in spec):
        raise ValueError(f"a clause names a parameter or a value: {spec}")
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
            except_items=tuple(spec.get("except_items", [])),
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
        items=tuple(raw.get("items", [])),
    )


def rule_sets_all() -> list[RuleSet]:
    return [rule_set_get(path.stem) for path in sorted(RULES_DIR.glob("*.json"))]


def rule_set_for_item(*names: str) -> RuleSet | None:
    """The rule set that judges the catalog item known by any of ``names`` (its name, its
    implementation or basic code), or None."""
    wanted = {name for name in names if name}
    return next((rs for rs in rule_sets_all() if wanted & set(rs.items)), None)


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
    tenancies: int = 0  # public rental housing records (waiting list or lease)


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
    if name == "housed":
        return any(f.tenancies for f in members)
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


class Judge:
    """The verdicts of one rule set with one parameter set, for households whose measures are
    known (``values``: measure -> value, ``None`` or absent = unknown). The single household and
    the batch both end here, so that they compare by the same code."""

    def __init__(self, *, rule_set: RuleSet, parameters: Parameters, readable: set[str]):
        self.readable = readable
        self.plan = [
            (
                condition.code,
                condition.label,
                [
                    (clause.measure, clause.op, clause.parameter, clause.threshold(parameters))
                    for clause in condition.clauses
                ],
            )
            for condition in rule_set.conditions
        ]
        self.measures = list(
            dict.fromkeys(m for _c, _l, clauses in self.plan for m, *_rest in clauses)
        )

    def __call__(
        self, subject_key: str | None, members: list[str], values: dict[str, Any] | None
    ) -> dict[str, Any]:
        readable = self.readable if values is not None else ()
        conditions: dict[str, dict[str, Any]] = {}
        failed = unknown = False
        for code, label, clauses in self.plan:
            rows = []
            passed = open_ = False
            for measure, op, parameter, threshold in clauses:
                value = values.get(measure) if measure in readable else None
                status = _compare(op, value, threshold)
                passed |= status == PASS
                open_ |= status == UNKNOWN
                rows.append(
                    {
                        "measure": measure,
                        "op": op,
                        "parameter": parameter,
                        "value": value,
                        "threshold": threshold,
                        "status": status,
                    }
                )
            status = PASS if passed else UNKNOWN if open_ else FAIL
            failed |= status == FAIL
            unknown |= status == UNKNOWN
            conditions[code] = {"label": label, "status": status, "clauses": rows}
        return {
            "subject_key": subject_key,
            "members": members,
            "outcome": INELIGIBLE if failed else UNKNOWN if unknown else ELIGIBLE,
            "conditions": conditions,
        }


def household_evaluate(
    *, rule_set: RuleSet, parameters: Parameters, household: Household | None, readable: set[str]
) -> dict[str, Any]:
    """The verdict of every condition for one household (``None``: not in the population
    registry, everything unknown) and the overall outcome: eligible when every condition passes,
    ineligible when one fails, otherwise unknown."""
    judge = Judge(rule_set=rule_set, parameters=parameters, readable=readable)
    if household is None:
        return judge(None, [], None)
    values = {m: measure_value(m, household) for m in judge.measures if m in readable}
    return judge(household.applicant, list(household.members), values)


def readable_measures(views: list[Any]) -> set[str]:
    """The measures whose resource and fields the department may read."""
    allowed = {view.code: set(view.allowed) for view in views}
    return {
        name
        for name, (code, fields) in MEASURES.items()
        if code in allowed and set(fields) <= allowed[code]
    }

"""Registry test data for the eligibility rules: the resources the rule set reads, a department
with grants on them and a registered purpose, and households built from readable inputs (the
columns of ``data/rules/public_rental_housing_cases.csv``)."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

from govhall.analytics.services_eligibility import rule_parameters_set
from govhall.core.identifiers import id_number_with_check
from govhall.exchange.access import catalog_cache_clear
from govhall.exchange.models import Resource, ResourceField
from govhall.exchange.tests.factories import (
    GrantFactory,
    PurposeFactory,
    ResourceFactory,
    record_put,
)

F = ResourceField.Type
SPECS = {
    "population": (
        "人口基础信息",
        "household_number",
        "",
        [("name", F.TEXT), ("region_code", F.TEXT), ("household_number", F.TEXT)],
    ),
    "income_tax": (
        "个人所得税纳税信息",
        "",
        "",
        [("year", F.INTEGER), ("annual_income", F.DECIMAL)],
    ),
    "real_estate": (
        "不动产登记信息",
        "",
        "certificate_number",
        [("certificate_number", F.TEXT), ("area", F.DECIMAL)],
    ),
    "vehicle": (
        "机动车登记信息",
        "",
        "plate_number",
        [("plate_number", F.TEXT), ("purchase_price", F.DECIMAL)],
    ),
    "business_registration": (
        "个人投资经营登记信息",
        "",
        "uscc",
        [("uscc", F.TEXT), ("entity_kind", F.TEXT), ("registered_capital", F.DECIMAL)],
    ),
    "social_security": ("社会保险参保信息", "", "", [("paid_months", F.INTEGER)]),
    # published by the housing app: one record per member of a household on the waiting list
    # or with an active lease
    "public_housing_tenancy": (
        "公共租赁住房保障信息",
        "",
        "entry",
        [("status", F.TEXT), ("entry", F.TEXT), ("since", F.DATE)],
    ),
}
TENANCY_STATUS = {"轮候": "waiting", "承租": "leased"}
DEMO_VALUES = {
    "income_per_capita_max": 33600,
    "area_per_capita_max": 15,
    "vehicle_price_max": 150000,
    "company_capital_max": 0,
    "city_code": "3416",
    "insured_months_min": 12,
}
_serial = itertools.count(1)


def person_key() -> str:
    n = next(_serial)
    return id_number_with_check(f"341602{19800101 + n % 28:08d}{n % 1000:03d}")


@dataclass
class Registries:
    resources: dict[str, Resource]
    department: object
    purpose: str


def registries_make(
    department,
    *,
    grant: bool = True,
    skip: tuple[str, ...] = (),
    without: tuple[str, ...] = (),
) -> Registries:
    """The resources (all but ``without``: not defined in the exchange), granted to
    ``department`` (all but ``skip``)."""
    resources = {}
    for code, (name, group, record_key, fields) in SPECS.items():
        if code in without:
            continue
        resources[code] = ResourceFactory(
            code=code,
            name=name,
            group_field=group,
            record_key_field=record_key,
            field_specs=[(f, f, kind, False) for f, kind in fields],
        )
        if grant and code not in skip:
            GrantFactory(resource=resources[code], consumer=department)
    catalog_cache_clear()
    purpose = PurposeFactory(department=department).reference
    return Registries(resources, department, purpose)


def parameters_make(on: dt.date = dt.date(2020, 1, 1), **values) -> None:
    rule_parameters_set(
        actor=None,
        rule_set="public_rental_housing",
        effective_from=on,
        values={**DEMO_VALUES, **values},
        reason="test",
    )


def _amounts(text: str) -> list[str]:
    return [part.strip() for part in (text or "").split(";")] if text else []


def household_put(regs: Registries, case: dict[str, str], *, applicant: str = "") -> str:
    """Records for one case row; answers the applicant's ID number (the first member: the
    given ``applicant`` or a new one)."""
    res = regs.resources
    count = int(case["家庭人数"])
    members = [applicant or person_key()] + [person_key() for _ in range(count - 1)]
    number = f"H{next(_serial)}"
    for i, key in enumerate(members):
        region = case["户籍地区码"] if i == 0 else "341602"
        record_put(
            res["population"],
            key,
            {"name": f"成员{i}", "region_code": region, "household_number": number},
        )
    for key, amount in zip(members, _amounts(case["各成员年收入(元)"]), strict=False):
        if amount == "":
            continue
        data = {"year": 2025} if amount == "?" else {"year": 2025, "annual_income": amount}
        record_put(res["income_tax"], key, data)
    for area in _amounts(case["房产面积(平方米;按证)"]):
        certificate = f"皖(2020)亳州市不动产权第{next(_serial):07d}号"
        data = {"certificate_number": certificate} | ({} if area == "?" else {"area": area})
        for owner in members[:2]:  # jointly owned by the first two members
            record_put(res["real_estate"], owner, data)
    for price in _amounts(case["车辆购置价(元)"]):
        record_put(
            res["vehicle"],
            members[0],
            {"plate_number": f"皖S{next(_serial):05d}", "purchase_price": price},
        )
    for capital in _amounts(case["企业注册资本(元)"]):
        record_put(
            res["business_registration"],
            members[0],
            {
                "uscc": f"91341600{next(_serial):010d}",
                "entity_kind": "企业",
                "registered_capital": capital,
            },
        )
    for spec in _amounts(case.get("已享受公租房保障的成员(第几人:轮候/承租)", "")):
        position, status = spec.split(":")
        entry = str(next(_serial))
        # one member on the list is enough (the housing app publishes every member)
        record_put(
            res["public_housing_tenancy"],
            members[int(position) - 1],
            {"status": TENANCY_STATUS[status], "entry": entry, "since": "2025-03-01"},
        )
    months = case["社保缴费月数"]
    if months and months != "0":
        record_put(res["social_security"], members[0], {"paid_months": int(months)})
    return members[0]

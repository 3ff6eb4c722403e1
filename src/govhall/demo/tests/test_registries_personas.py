"""The personas' registry facts are the documented ones (personas.json → registries, README), so
the public rental housing demo shows who qualifies and who fails which condition.

The check below applies the demo's reference thresholds (README): per-capita annual income below
33,600 元, per-capita housing area below 15 m², cars worth at most 150,000 元 in total, no
household member representing a company (企业). No database.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import pytest

from govhall.demo import citydata
from govhall.demo.generator import PopulationGenerator
from govhall.demo.registries import FILLED, GeneratorSource, Registries
from govhall.demo.registries_personas import persona_facts

PERSONA_IDS = {
    row[2]: row[1] for row in PopulationGenerator().persons(0, len(citydata.persona_index()))
}
INCOME_LIMIT = Decimal(33_600)
AREA_LIMIT = Decimal(15)
VEHICLE_LIMIT = Decimal(150_000)


@pytest.fixture(scope="module", params=[20260101, 7], ids=["default-seed", "seed-7"])
def rows(request) -> dict[str, dict[str, list[dict[str, str]]]]:
    """Records by resource and subject; the personas' facts must not depend on the seed."""
    registries = Registries(GeneratorSource(seed=request.param, persons=600))
    out: dict[str, dict[str, list[dict[str, str]]]] = {}
    for code in FILLED:
        by_subject: dict[str, list[dict[str, str]]] = defaultdict(list)
        for record in registries.rows(code):
            by_subject[record["subject_key"]].append(record)
        out[code] = by_subject
    return out


def _id(rows, name: str) -> str:
    """A persona's ID number (the same for every seed: personas are persons 0 .. count-1)."""
    return PERSONA_IDS[name]


def _household(rows, head: str) -> list[str]:
    number = rows["population"][_id(rows, head)][0]["household_number"]
    return [
        k for k, records in rows["population"].items() if records[0]["household_number"] == number
    ]


def _check(rows, head: str) -> set[str]:
    """The conditions the household fails."""
    members = _household(rows, head)
    failed = set()
    income = sum(
        Decimal(r["annual_income"]) for m in members for r in rows["income_tax"].get(m, [])
    )
    if income / len(members) >= INCOME_LIMIT:
        failed.add("income")
    homes = {r["certificate_number"]: r for m in members for r in rows["real_estate"].get(m, [])}
    if sum(Decimal(h["area"]) for h in homes.values()) / len(members) >= AREA_LIMIT:
        failed.add("housing")
    cars = [r for m in members for r in rows["vehicle"].get(m, [])]
    if sum(Decimal(c["purchase_price"]) for c in cars) > VEHICLE_LIMIT:
        failed.add("vehicle")
    entities = [r for m in members for r in rows["business_registration"].get(m, [])]
    if any(e["entity_kind"] == "企业" for e in entities):
        failed.add("business")
    return failed


@pytest.mark.parametrize(
    ("head", "fails"),
    [
        ("李娜", set()),
        ("赵建国", set()),
        ("张伟", {"housing", "income", "business"}),
        ("刘洋", {"vehicle", "business"}),
        ("杨帆", {"business"}),
        ("周红梅", {"housing"}),
    ],
)
def test_public_rental_housing_outcomes_of_the_personas(rows, head, fails):
    assert _check(rows, head) == fails
    assert head in persona_facts().summaries


def test_the_documented_facts(rows):
    zhang, wang = _id(rows, "张伟"), _id(rows, "王芳")
    [flat] = rows["real_estate"][zhang]
    assert (flat["area"], flat["ownership"]) == ("138.50", "共同共有")
    assert rows["real_estate"][wang][0]["certificate_number"] == flat["certificate_number"]
    assert rows["income_tax"][zhang][0]["annual_income"] == "96000.00"
    li_na = _id(rows, "李娜")
    assert rows["income_tax"][li_na][0]["annual_income"] == "31200.00"
    assert li_na not in rows["real_estate"] and li_na not in rows["vehicle"]
    assert rows["business_registration"][li_na][0]["entity_kind"] == "个体工商户"
    [car] = rows["vehicle"][_id(rows, "刘洋")]
    assert (car["brand_model"], car["purchase_price"]) == ("丰田汉兰达", "289800.00")
    zhao, sun = _id(rows, "赵建国"), _id(rows, "孙桂英")
    for person in (zhao, sun):
        [allowance] = rows["subsistence_allowance"][person]
        assert (allowance["category"], allowance["covered_members"]) == ("农村低保", "2")
        assert person not in rows["income_tax"]
    [card] = rows["disability"][sun]
    assert (card["category"], card["grade"]) == ("肢体", "3")
    licenses = {r["license_type"] for r in rows["license_index"][sun]}
    assert licenses == {"disability_card"}
    assert {r["license_type"] for r in rows["license_index"][zhao]} == {"subsistence_certificate"}


def test_personas_have_no_facts_beyond_the_documented_ones(rows):
    personas = set(PERSONA_IDS.values())
    assert {k for k in personas if k in rows["disability"]} == {_id(rows, "孙桂英")}
    assert not personas & set(rows["five_guarantee"])
    names = {i: name for name, i in citydata.persona_index().items()}
    earners = {_id(rows, names[i]) for i, f in persona_facts().persons.items() if "job" in f}
    assert {k for k in personas if k in rows["income_tax"]} == earners
    funds = {_id(rows, names[i]) for i, f in persona_facts().persons.items() if "housing_fund" in f}
    assert {k for k in personas if k in rows["housing_fund"]} == funds
    cars = {k for k in personas if k in rows["vehicle"]}
    assert cars == {_id(rows, "张伟"), _id(rows, "刘洋"), _id(rows, "赵磊")}

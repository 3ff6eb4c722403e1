"""``data/resources.json``: the demo resource catalog is complete, well-typed and consistent with
the catalog's materials, the departments and the registries the generator fills.

No database.
"""

from __future__ import annotations

import json
import re
from collections import Counter

from govhall.demo import citydata
from govhall.demo.registries import FILLED, LEGAL_BUILDERS, PERSON_BUILDERS, resource_specs
from govhall.exchange.models import Grant, Resource, ResourceField

REQUIRED_CODES = {
    "population",
    "household",
    "real_estate",
    "income_tax",
    "housing_fund",
    "social_security",
    "subsistence_allowance",
    "disability",
    "marriage",
    "vehicle",
    "legal_person",
    "education",
    "five_guarantee",
    "business_registration",
    "license_index",
}
SYSTEM_FILLED = {"enterprise_license_index", "public_housing_tenancy"}
CATALOG_NUMBER = re.compile(r"^341600-[A-Z]{2,4}-\d{4}$")


def _catalog() -> dict:
    return json.loads((citydata.DATA_DIR / "resources.json").read_text(encoding="utf-8"))


def _material_codes() -> set[str]:
    text = (citydata.DATA_DIR / "catalog.json").read_text(encoding="utf-8")
    return set(re.findall(r'"resource_code": "([a-z_]+)"', text))


def test_every_resource_the_catalog_materials_name_exists_and_is_shared():
    specs = {spec["code"]: spec for spec in resource_specs()}
    assert _material_codes() <= set(specs)
    assert set(specs) >= REQUIRED_CODES
    for code in _material_codes():
        assert specs[code]["sharing_type"] != Resource.SharingType.NONE, code


def test_resources_use_valid_choices_and_known_providers():
    departments = {spec.key for spec in citydata.city().departments}
    specs = resource_specs()
    for spec in specs:
        assert spec["provider"] in departments, spec["code"]
        assert spec["subject_kind"] in Resource.SubjectKind.values
        assert spec["sharing_type"] in Resource.SharingType.values
        assert spec["update_cycle"] in Resource.UpdateCycle.values
        assert CATALOG_NUMBER.match(spec["catalog_number"]), spec["catalog_number"]
        assert spec["name"] and spec["legal_basis"] and spec["description"]
        if spec["sharing_type"] == Resource.SharingType.CONDITIONAL:
            assert spec["sharing_conditions"], spec["code"]
    assert len({s["catalog_number"] for s in specs}) == len(specs)
    assert len({s["code"] for s in specs}) == len(specs)
    assert set(Counter(s["sharing_type"] for s in specs)) == set(Resource.SharingType.values)


def test_fields_are_typed_and_key_fields_exist():
    for spec in resource_specs():
        names = [field["name"] for field in spec["fields"]]
        assert 3 <= len(names) <= 8 and len(set(names)) == len(names), spec["code"]
        for field in spec["fields"]:
            assert field["type"] in ResourceField.Type.values, (spec["code"], field)
            assert re.match(r"^[a-z][a-z0-9_]*$", field["name"])
            assert isinstance(field["personal"], bool) and isinstance(field["required"], bool)
            assert field["label"]
        for key in ("record_key_field", "group_field"):
            assert spec[key] == "" or spec[key] in names, (spec["code"], key)
    specs = {spec["code"]: spec for spec in resource_specs()}
    assert specs["population"]["group_field"] == "household_number"
    assert specs["real_estate"]["record_key_field"] == "certificate_number"
    assert specs["vehicle"]["record_key_field"] == "plate_number"
    assert specs["license_index"]["record_key_field"] == "license_identifier"
    assert [f["name"] for f in specs["household"]["fields"]] == [
        "household_number",
        "household_type",
        "register_address",
        "head_id_number",
        "member_count",
    ]


def test_every_shared_resource_has_a_registry_and_the_unshared_one_has_none():
    for spec in resource_specs():
        if spec["sharing_type"] == Resource.SharingType.NONE:
            assert spec["code"] not in FILLED
        else:
            # the legal persons' e-license index is filled by issuing licenses and the housing
            # tenancy index by the housing app's waiting list and leases, not generated
            assert spec["code"] in FILLED or spec["code"] in SYSTEM_FILLED, spec
    assert set(PERSON_BUILDERS).isdisjoint(LEGAL_BUILDERS)


def test_demo_grants_name_existing_fields_of_shared_resources():
    specs = {spec["code"]: spec for spec in resource_specs()}
    departments = {spec.key for spec in citydata.city().departments}
    statuses = Counter()
    for grant in _catalog()["grants"]:
        assert grant["consumer"] in departments
        assert grant["purpose"] and grant["legal_basis"]
        statuses[grant["status"]] += 1
        for code, fields in grant["resources"].items():
            names = [f["name"] for f in specs[code]["fields"]]
            assert fields and set(fields) <= set(names), (code, fields)
            assert specs[code]["sharing_type"] != Resource.SharingType.NONE
            assert specs[code]["provider"] != grant["consumer"]
    assert set(statuses) == {
        Grant.Status.APPROVED,
        Grant.Status.REQUESTED,
        Grant.Status.REVOKED,
    }
    housing = next(g for g in _catalog()["grants"] if g["consumer"] == "zjj")
    assert {
        "population",
        "household",
        "real_estate",
        "vehicle",
        "housing_fund",
        "social_security",
        "income_tax",
        "subsistence_allowance",
        "five_guarantee",
        "disability",
        "legal_person",
        "business_registration",
    } <= set(housing["resources"])
    assert "公共租赁住房管理办法" in housing["legal_basis"]

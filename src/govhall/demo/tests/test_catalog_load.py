"""The demo catalog: enough realistic items, each publishable, loaded through the catalog
services once (a second run creates nothing)."""

from __future__ import annotations

from collections import Counter

import pytest

from govhall.catalog.codes import validate_basic_code
from govhall.catalog.models import Item, ItemVersion, Material
from govhall.catalog.rules import POWER_TYPES, guide_problems
from govhall.core.models import AuditEntry
from govhall.demo.catalog_load import catalog_load, catalog_specs
from govhall.demo.services import demo_city_load
from govhall.organizations.models import Region

MIN_ITEMS = 150
MIN_DEPARTMENTS = 15
MIN_NEGATIVE = 5
PERSONS = 200


@pytest.fixture(scope="module")
def specs():
    return catalog_specs()


def test_enough_items_across_enough_departments(specs):
    assert len(specs) >= MIN_ITEMS
    assert len({s.department_key for s in specs}) >= MIN_DEPARTMENTS
    assert len({s.implementation_code for s in specs}) == len(specs)
    for spec in specs:
        assert validate_basic_code(spec.basic_code, item_type=spec.data["item_type"])
        assert len(spec.implementation_code) == 31


def test_every_item_passes_the_guide_rules(specs):
    for spec in specs:
        version = ItemVersion(**spec.data)
        problems = guide_problems(version, responsibilities=spec.responsibilities)
        assert problems == [], (spec.data["name"], problems)
        assert spec.data["legal_basis"] and all(
            b["law"] and b["article"] for b in spec.data["legal_basis"]
        )
        assert spec.data["steps"] and spec.data["place"] and spec.data["hours"]
        assert spec.data["promised_limit_days"] <= spec.data["statutory_limit_days"]


def test_power_items_have_responsibilities_and_services_need_none(specs):
    for spec in specs:
        if spec.data["item_type"] in POWER_TYPES:
            assert len(spec.responsibilities) >= 2, spec.data["name"]
            for entry in spec.responsibilities:
                assert all(entry[k] for k in ("matter", "situations", "accountable_body", "basis"))
        else:
            assert spec.responsibilities == []
    types = Counter(s.data["item_type"] for s in specs)
    assert types["20"] >= 10 and types["01"] >= 40
    assert types["02"] + types["03"] + types["06"] >= 5  # not applied for: figures exclude them


def test_fees_only_with_their_basis(specs):
    charged = [s for s in specs if s.data["fee_charged"]]
    assert charged, "the demo has real fees (不动产登记费, 居民身份证工本费 ...)"
    for spec in specs:
        data = spec.data
        if not data["fee_charged"]:
            assert data["fees"] == [] and data["fee_basis"] == ""
            continue
        assert "〔" in data["fee_basis"] and data["online_payment"]
        for fee in data["fees"]:
            assert fee["name"] and fee["standard"] and fee["basis"]
    names = {s.data["name"] for s in charged}
    assert "抵押权首次登记" in names and "居民身份证申领" in names


def test_visits_depth_and_the_negative_list(specs):
    negative = [s for s in specs if s.data["visits"] >= 2]
    assert len(negative) >= MIN_NEGATIVE
    assert all(s.data["visit_reason"] for s in negative)
    zero = sum(1 for s in specs if s.data["visits"] == 0)
    assert zero / len(specs) > 0.8
    depths = Counter(s.data["online_depth"] for s in specs)
    assert depths[2] and depths[3] and depths[4] > depths[3]
    assert sum(1 for s in specs if s.data["case_type"] == "1") >= 20


def test_results_licenses_themes_and_levels(specs):
    licences = {s.data["license_type_code"] for s in specs if s.data["result_type"] == "10"}
    assert {
        "business_license",
        "food_business_license",
        "real_estate_certificate",
        "construction_permit",
        "disability_card",
        "public_rental_qualification",
        "residence_permit",
        "subsistence_certificate",
    } <= licences
    assert all(s.data["license_type_code"] for s in specs if s.data["result_type"] == "10")
    assert any(s.data["intermediary_services"] for s in specs)
    assert any(s.data["themes_person"] for s in specs) and any(
        s.data["themes_legal"] for s in specs
    )
    county = [s for s in specs if s.data["exercise_level"] == "4"]
    assert len({s.department_key for s in county}) >= 8  # 就近办: each county's departments


def test_public_rental_housing_asks_only_for_the_commitment(specs):
    spec = next(s for s in specs if s.data["name"] == "公共租赁住房保障资格申请")
    fetched = [m for m in spec.materials if m["source_channel"] == "3"]
    assert {m["resource_code"] for m in fetched} >= {
        "population",
        "household",
        "real_estate",
        "income_tax",
        "housing_fund",
        "social_security",
        "subsistence_allowance",
        "disability",
    }
    brought = [m for m in spec.materials if m["source_channel"] == "1"]
    assert [m["name"] for m in brought] == ["公共租赁住房申请承诺书"]
    online_forms = [m for m in spec.materials if m["source_channel"] == "4"]
    assert len(brought) + len(online_forms) == 2  # "12 materials became 2"


@pytest.mark.django_db
def test_the_demo_loader_publishes_the_catalog_once():
    first = demo_city_load(persons=PERSONS)
    assert first.created["catalog"] >= MIN_ITEMS
    items = Item.objects.select_related("published_version")
    assert items.count() == first.created["catalog"]
    assert items.values("department").distinct().count() >= MIN_DEPARTMENTS
    assert not items.exclude(status=Item.Status.ACTIVE).exists()
    assert not items.filter(published_version__isnull=True).exists()
    assert not ItemVersion.objects.exclude(state=ItemVersion.State.PUBLISHED).exists()
    versions = ItemVersion.objects.prefetch_related("responsibilities")
    for version in versions:
        responsibilities = list(version.responsibilities.all())
        assert guide_problems(version, responsibilities=responsibilities) == [], version.name
        if version.item_type in POWER_TYPES:
            assert responsibilities, version.name
        if version.fee_charged:
            assert version.fee_basis and version.fees
    assert versions.filter(visits__gte=2).count() >= MIN_NEGATIVE
    county_items = versions.filter(exercise_level="4", region__level=Region.Level.COUNTY)
    assert county_items.count() >= 20
    shared = Material.objects.filter(source_channel="3").exclude(resource_code="")
    assert shared.values("resource_code").distinct().count() >= 10
    stage = AuditEntry.objects.get(action="demo.load", object_id="catalog")
    assert stage.summary["after"]["created"] == first.created["catalog"]
    assert AuditEntry.objects.filter(action="catalog.version_publish").count() == items.count()

    counts = (Item.objects.count(), ItemVersion.objects.count(), AuditEntry.objects.count())
    assert catalog_load() == (0, 0)
    second = demo_city_load(persons=PERSONS)
    assert second.created["catalog"] == 0
    assert (Item.objects.count(), ItemVersion.objects.count(), AuditEntry.objects.count()) == counts

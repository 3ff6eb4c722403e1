"""The demo resource catalog, grants and purposes in the exchange: idempotent loaders, the
expected providers, data officers and grant states."""

from __future__ import annotations

import pytest
from django.utils import timezone

from govhall.accounts.models import User
from govhall.demo import services
from govhall.demo.exchange_load import demo_grants_load, demo_purposes_load, resources_load
from govhall.demo.registries import resource_specs
from govhall.exchange import permissions
from govhall.exchange.models import Grant, Purpose, Resource, ResourceField
from govhall.exchange.purposes import PurposeRefused, purpose_resolve

pytestmark = pytest.mark.django_db


@pytest.fixture
def city():
    """Regions, departments and the demo staff (no population, no registries)."""
    services._load_regions()
    services._load_departments()
    services._load_staff([])


def test_resources_are_loaded_once_with_their_providers_and_fields(city):
    created, changed = resources_load()
    specs = resource_specs()
    fields = sum(len(spec["fields"]) for spec in specs)
    assert (created, changed) == (len(specs) + fields, 0)
    assert resources_load() == (0, 0)
    population = Resource.objects.get(code="population")
    assert population.provider.short_name == "公安局"
    assert population.group_field == "household_number"
    assert population.sharing_type == Resource.SharingType.CONDITIONAL
    assert Resource.objects.get(code="real_estate").provider.short_name == "不动产登记中心"
    assert Resource.objects.get(code="license_index").sharing_type == "unconditional"
    assert Resource.objects.get(code="criminal_record").sharing_type == "none"
    names = list(population.fields.order_by("position").values_list("name", flat=True))
    assert names == [f["name"] for f in specs[0]["fields"]]


def test_resources_load_repairs_what_was_changed(city):
    resources_load()
    vehicle = Resource.objects.get(code="vehicle")
    Resource.objects.filter(pk=vehicle.pk).update(name="车辆", sharing_type="none")
    vehicle.fields.filter(name="status").delete()
    vehicle.fields.filter(name="plate_number").update(label="车牌")
    ResourceField.objects.create(resource=vehicle, name="colour", label="颜色", type="text")
    created, changed = resources_load()
    assert (created, changed) == (1, 3)
    vehicle.refresh_from_db()
    assert (vehicle.name, vehicle.sharing_type) == ("机动车登记信息", "conditional")
    assert vehicle.fields.get(name="plate_number").label == "号牌号码"
    assert not vehicle.fields.filter(name="colour").exists()


def test_every_provider_has_a_data_officer_who_may_load_and_decide(city):
    resources_load()
    for resource in Resource.objects.select_related("provider"):
        officers = User.objects.filter(
            department=resource.provider, posts__code=permissions.DATA_OFFICER
        )
        assert officers.exists(), resource.provider.name
        officer = officers.get(username__endswith="_data")
        assert permissions.can_load_resource(officer, resource)


def test_demo_grants_show_every_state(city):
    resources_load()
    created, _ = demo_grants_load()
    assert created == Grant.objects.count() > 13
    assert demo_grants_load() == (0, 0)
    housing = Grant.objects.filter(consumer__short_name="住建局")
    assert housing.count() == 13
    for grant in housing.select_related("resource__provider", "requested_by", "decided_by"):
        assert grant.status == Grant.Status.APPROVED and grant.is_current()
        assert grant.requested_by.username == "zjj_data"
        assert permissions.can_decide_grant(grant.decided_by, grant)
        assert set(grant.fields) <= set(grant.resource.fields.values_list("name", flat=True))
        assert "公共租赁住房管理办法" in grant.legal_basis
        assert (grant.valid_to - grant.valid_from).days < 3 * 366
    assert {g.resource.code for g in housing} >= {
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
    }
    civil = Grant.objects.filter(consumer__short_name="民政局", status=Grant.Status.APPROVED)
    assert {g.resource.code for g in civil} == {
        "income_tax",
        "real_estate",
        "vehicle",
        "license_index",  # e-license materials of its items are 免提交 (both indexes)
        "enterprise_license_index",
    }
    pending = Grant.objects.get(status=Grant.Status.REQUESTED)
    assert pending.resource.provider.short_name == "民政局" and pending.decided_by is None
    revoked = Grant.objects.get(status=Grant.Status.REVOKED)
    assert revoked.revoke_reason and revoked.revoked_by == revoked.decided_by
    assert not revoked.is_current()


def test_demo_purposes_resolve_for_their_own_department_only(city):
    resources_load()
    assert demo_purposes_load() == (3, 0)
    assert demo_purposes_load() == (0, 0)
    year = timezone.localdate().year
    reference = f"YT-{year}-ZJJ-0001"
    purpose = Purpose.objects.get(reference=reference)
    assert purpose.title == f"{year}年度公租房动态核查"
    resolved = purpose_resolve(actor=User.objects.get(username="zjj_review"), reference=reference)
    assert resolved.title == purpose.title and resolved.kind == "registered"
    with pytest.raises(PurposeRefused):
        purpose_resolve(actor=User.objects.get(username="mzj_data"), reference=reference)


def test_grants_and_purposes_need_the_data_officers_accounts():
    services._load_regions()
    services._load_departments()
    resources_load()
    with pytest.raises(LookupError, match="zjj_data"):
        demo_grants_load()
    with pytest.raises(LookupError, match="_data"):
        demo_purposes_load()


def test_resources_need_the_demo_departments():
    with pytest.raises(LookupError, match="departments"):
        resources_load()

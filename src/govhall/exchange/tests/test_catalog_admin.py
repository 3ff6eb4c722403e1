from __future__ import annotations

import pytest

from govhall.core.models import AuditEntry
from govhall.exchange.models import Resource, ResourceField
from govhall.exchange.tests.factories import GrantFactory, PurposeFactory, population_resource


@pytest.mark.django_db
def test_every_exchange_admin_page_opens(client_as, admin_user, police_department):
    resource = population_resource(provider=police_department)
    grant = GrantFactory(resource=resource)
    purpose = PurposeFactory()
    client = client_as(admin_user)
    for path in [
        "/admin/exchange/resource/",
        f"/admin/exchange/resource/{resource.pk}/change/",
        "/admin/exchange/resource/add/",
        "/admin/exchange/grant/",
        f"/admin/exchange/grant/{grant.pk}/change/",
        "/admin/exchange/purpose/",
        f"/admin/exchange/purpose/{purpose.pk}/change/",
        "/admin/exchange/load/",
        "/admin/exchange/accesslogentry/",
    ]:
        assert client.get(path).status_code == 200, path


@pytest.mark.django_db
def test_grants_and_the_access_log_cannot_be_edited_in_the_admin(client_as, admin_user):
    client = client_as(admin_user)
    assert client.get("/admin/exchange/grant/add/").status_code == 403
    assert client.get("/admin/exchange/accesslogentry/add/").status_code == 403
    assert client.get("/admin/exchange/purpose/add/").status_code == 403


@pytest.mark.django_db
def test_a_resource_added_in_the_admin_is_audited_with_its_fields(
    client_as, admin_user, police_department
):
    data = {
        "code": "vehicles",
        "catalog_number": "",
        "name": "机动车登记信息",
        "provider": police_department.pk,
        "subject_kind": "id_number",
        "sharing_type": "conditional",
        "sharing_conditions": "",
        "update_cycle": "daily",
        "legal_basis": "《道路交通安全法》",
        "data_format": "数据库",
        "description": "",
        "record_key_field": "plate",
        "group_field": "",
        "is_active": "on",
        "fields-TOTAL_FORMS": "1",
        "fields-INITIAL_FORMS": "0",
        "fields-MIN_NUM_FORMS": "0",
        "fields-MAX_NUM_FORMS": "1000",
        "fields-0-position": "0",
        "fields-0-name": "plate",
        "fields-0-label": "号牌号码",
        "fields-0-type": "text",
        "fields-0-description": "",
    }
    response = client_as(admin_user).post("/admin/exchange/resource/add/", data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    resource = Resource.objects.get(code="vehicles")
    assert list(ResourceField.objects.filter(resource=resource).values_list("name", flat=True)) == [
        "plate"
    ]
    actions = list(
        AuditEntry.objects.filter(object_type="exchange.resource", object_id=str(resource.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["admin.add", "admin.resource_fields"]


@pytest.mark.django_db
def test_staff_cannot_open_the_exchange_admin(client_as, clerk):
    response = client_as(clerk).get("/admin/exchange/resource/")
    assert response.status_code == 302

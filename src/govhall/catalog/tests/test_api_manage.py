from __future__ import annotations

import pytest

from govhall.accounts.tests.factories import StaffFactory
from govhall.catalog.models import Item, ItemVersion
from govhall.catalog.tests.factories import (
    guide_data,
    material_rows,
    published_item,
    responsibility_rows,
)


@pytest.fixture
def editor(housing_department):
    return StaffFactory(
        username="zjj_catalog", department=housing_department, posts=["catalog_admin"]
    )


@pytest.fixture
def reviewer_admin(housing_department):
    return StaffFactory(
        username="zjj_catalog2", department=housing_department, posts=["catalog_admin"]
    )


@pytest.fixture
def police_editor(police_department):
    return StaffFactory(
        username="gaj_catalog", department=police_department, posts=["catalog_admin"]
    )


def _create(client, department, basic_code="000100001000", **overrides):
    return client.post(
        "/api/v1/catalog/items",
        {
            "department": department.pk,
            "basic_code": basic_code,
            "data": guide_data(**overrides),
            "materials": material_rows(),
            "responsibilities": responsibility_rows(),
        },
        format="json",
    )


@pytest.mark.django_db
def test_editor_drafts_submits_and_a_colleague_publishes(
    client_for, editor, reviewer_admin, housing_department
):
    created = _create(client_for(editor), housing_department)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["state"] == "draft" and len(body["materials"]) == 3
    version_id = body["id"]
    patched = client_for(editor).patch(
        f"/api/v1/catalog/versions/{version_id}",
        {"data": {"promised_limit_days": 8}},
        format="json",
    )
    assert patched.status_code == 200 and patched.json()["promised_limit_days"] == 8
    assert (
        client_for(editor).post(f"/api/v1/catalog/versions/{version_id}/submit").status_code == 200
    )
    own = client_for(editor).post(
        f"/api/v1/catalog/versions/{version_id}/review", {"approve": True}, format="json"
    )
    assert own.status_code == 403
    reviewed = client_for(reviewer_admin).post(
        f"/api/v1/catalog/versions/{version_id}/review",
        {"approve": True, "opinion": "同意"},
        format="json",
    )
    assert reviewed.status_code == 200 and reviewed.json()["state"] == "published"


@pytest.mark.django_db
def test_guide_rule_errors_come_back_with_rule_and_field(client_for, editor, housing_department):
    created = _create(
        client_for(editor), housing_department, enquiry_phone="0558-1", complaint_phone="0558-1"
    )
    response = client_for(editor).post(f"/api/v1/catalog/versions/{created.json()['id']}/submit")
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "guide_rules" and error["fields"]["complaint_phone"][0].startswith(
        "[R05]"
    )


@pytest.mark.django_db
def test_other_departments_and_other_personas_are_refused(
    client_for, api_client, editor, police_editor, clerk, applicant, housing_department
):
    version_id = _create(client_for(editor), housing_department).json()["id"]
    for outsider in (police_editor, clerk, applicant):
        client = client_for(outsider)
        assert client.get(f"/api/v1/catalog/versions/{version_id}").status_code == 404
        assert (
            client.patch(
                f"/api/v1/catalog/versions/{version_id}", {"data": {}}, format="json"
            ).status_code
            == 404
        )
        assert client.post(f"/api/v1/catalog/versions/{version_id}/submit").status_code == 404
    for not_catalog_admin in (clerk, applicant):
        assert client_for(not_catalog_admin).get("/api/v1/catalog/versions").status_code == 404
    assert (
        _create(
            client_for(police_editor), housing_department, basic_code="000100002000"
        ).status_code
        == 403
    )
    assert (
        _create(client_for(applicant), housing_department, basic_code="000100003000").status_code
        == 403
    )
    assert api_client.get("/api/v1/catalog/versions").status_code == 401
    listing = client_for(police_editor).get("/api/v1/catalog/versions")
    assert listing.status_code == 200 and listing.json()["count"] == 0  # own (empty) department


@pytest.mark.django_db
def test_drafts_list_shows_only_own_department(
    client_for, editor, police_editor, housing_department, police_department
):
    published_item(housing_department)
    published_item(police_department, name="居住证办理")
    names = [
        row["name"] for row in client_for(editor).get("/api/v1/catalog/versions").json()["results"]
    ]
    assert names == ["公共租赁住房保障资格申请"]


@pytest.mark.django_db
def test_new_draft_and_cancel_through_the_api(client_for, editor, housing_department):
    version = published_item(housing_department)
    code = version.item.implementation_code
    client = client_for(editor)
    assert client.post(f"/api/v1/catalog/items/{code}/drafts", {}, format="json").status_code == 400
    draft = client.post(
        f"/api/v1/catalog/items/{code}/drafts", {"reason": "调整材料"}, format="json"
    )
    assert draft.status_code == 201 and draft.json()["number"] == 2
    cancelled = client.post(
        f"/api/v1/catalog/items/{code}/cancel", {"reason": "上级取消"}, format="json"
    )
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert Item.objects.get().status == "cancelled"
    assert ItemVersion.objects.filter(state="draft").count() == 1


@pytest.mark.django_db
def test_unknown_elements_are_a_clear_error(client_for, editor, housing_department):
    response = _create(client_for(editor), housing_department, colour="red")
    assert response.status_code == 422 and "colour" in response.json()["error"]["message"]

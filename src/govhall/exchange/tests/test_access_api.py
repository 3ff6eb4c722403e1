"""``GET /api/v1/me/data-access`` and ``GET /api/v1/exchange/resources/{code}/access``."""

from __future__ import annotations

import pytest

from govhall.accounts.tests.factories import StaffFactory
from govhall.core.identifiers import mask_id_number
from govhall.exchange.access_log import AccessContext, access_log_append
from govhall.exchange.tests.factories import population_resource, real_estate_resource

ME = "/api/v1/me/data-access"
PROVIDER = "/api/v1/exchange/resources/population/access"


@pytest.fixture
def resources(police_department):
    return population_resource(provider=police_department), real_estate_resource()


@pytest.fixture
def police_officer(police_department):
    return StaffFactory(username="gaj_data", department=police_department, posts=["data_officer"])


@pytest.fixture
def housing_officer(housing_department):
    return StaffFactory(username="zjj_data", department=housing_department, posts=["data_officer"])


def read(actor, keys, **overrides):
    arguments = {
        "context": AccessContext(actor=actor, channel="api", client="住房保障系统"),
        "kind": "profile",
        "outcome": "granted",
        "subject_keys": keys,
        "resources": ["population", "real_estate"],
        "fields": {"population": ["name", "address"], "real_estate": ["area"]},
        "purpose_reference": "ZJ-2026-000123",
        "purpose_title": "公共租赁住房资格审核",
    }
    return access_log_append(**{**arguments, **overrides})


@pytest.mark.django_db
def test_a_citizen_gets_who_read_their_data_and_why(
    client_for, resources, reviewer, applicant, other_applicant
):
    entry = read(reviewer, [applicant.id_number])
    read(reviewer, [other_applicant.id_number], purpose_reference="ZJ-2026-000999")
    response = client_for(applicant).get(ME)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    [item] = body["results"]
    assert item["seq"] == entry.seq
    assert item["department"] == "亳州市住房和城乡建设局"
    assert item["actor"] == reviewer.name
    assert item["client"] == "住房保障系统"
    assert item["purpose_reference"] == "ZJ-2026-000123"
    assert item["purpose_title"] == "公共租赁住房资格审核"
    assert (item["kind"], item["channel"], item["outcome"]) == ("profile", "api", "granted")
    assert item["resources"] == [
        {"code": "population", "name": "人口基础信息"},
        {"code": "real_estate", "name": "不动产登记信息"},
    ]
    assert item["fields"] == [
        {"code": "population", "labels": ["姓名", "户籍地址"]},
        {"code": "real_estate", "labels": ["建筑面积"]},
    ]
    assert item["time"]
    assert "subjects" not in item and "reason" not in item


@pytest.mark.django_db
def test_an_enterprise_gets_reads_by_its_credit_code(client_for, resources, reviewer, enterprise):
    read(reviewer, [enterprise.uscc], resources=["real_estate"], fields={"real_estate": ["area"]})
    body = client_for(enterprise).get(ME).json()
    assert body["count"] == 1 and body["results"][0]["resources"][0]["code"] == "real_estate"


@pytest.mark.django_db
def test_the_list_is_paginated_newest_first(client_for, resources, reviewer, applicant):
    entries = [read(reviewer, [applicant.id_number]) for _ in range(3)]
    body = client_for(applicant).get(ME, {"page_size": 2}).json()
    assert body["count"] == 3 and body["next"]
    assert [item["seq"] for item in body["results"]] == [entries[2].seq, entries[1].seq]


@pytest.mark.django_db
def test_filters_are_applied_and_checked(client_for, resources, reviewer, other_clerk, applicant):
    read(reviewer, [applicant.id_number])
    read(other_clerk, [applicant.id_number], outcome="refused", fields={}, reason="无授权")
    client = client_for(applicant)
    refused = client.get(ME, {"outcome": "refused"}).json()
    assert [item["outcome"] for item in refused["results"]] == ["refused"]
    assert refused["results"][0]["fields"] == []
    by_department = client.get(ME, {"department": reviewer.department_id}).json()
    assert by_department["count"] == 1
    assert client.get(ME, {"date_from": "2000-01-01"}).json()["count"] == 2
    bad = client.get(ME, {"date_from": "yesterday"})
    assert bad.status_code == 400 and "date_from" in bad.json()["error"]["fields"]
    reversed_range = client.get(ME, {"date_from": "2026-03-02", "date_to": "2026-03-01"})
    assert reversed_range.status_code == 400
    assert "date_to" in reversed_range.json()["error"]["fields"]


@pytest.mark.django_db
def test_anonymous_callers_get_401(api_client):
    response = api_client.get(ME)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


@pytest.mark.django_db
def test_staff_and_administrators_get_403(client_for, reviewer, police_officer, admin_user):
    for actor in (reviewer, police_officer, admin_user):
        response = client_for(actor).get(ME)
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "forbidden"


@pytest.mark.django_db
def test_the_provider_gets_who_read_its_resource_with_subjects_masked(
    client_for, resources, reviewer, police_officer, applicant
):
    read(reviewer, [applicant.id_number])
    read(reviewer, [applicant.id_number], resources=["real_estate"], fields={})
    response = client_for(police_officer).get(PROVIDER)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    [item] = body["results"]
    assert item["subjects"] == [mask_id_number(applicant.id_number)]
    assert item["subject_count"] == 1
    assert item["actor_label"] == reviewer.username
    assert applicant.id_number not in response.content.decode()


@pytest.mark.django_db
def test_a_system_administrator_gets_the_provider_view(client_for, resources, admin_user):
    assert client_for(admin_user).get(PROVIDER).status_code == 200


@pytest.mark.django_db
def test_anyone_else_gets_404_from_the_provider_view(
    client_for, resources, housing_officer, other_clerk, reviewer, applicant
):
    for actor in (housing_officer, other_clerk, reviewer, applicant):
        response = client_for(actor).get(PROVIDER)
        assert response.status_code == 404, actor
        assert response.json()["error"]["code"] == "not_found"


@pytest.mark.django_db
def test_an_unknown_resource_answers_404_like_a_hidden_one(client_for, resources, police_officer):
    response = client_for(police_officer).get("/api/v1/exchange/resources/nothing/access")
    assert response.status_code == 404


@pytest.mark.django_db
def test_anonymous_callers_get_401_from_the_provider_view(api_client, resources):
    assert api_client.get(PROVIDER).status_code == 401


@pytest.mark.django_db
def test_the_schema_documents_both_endpoints(api_client):
    schema = api_client.get("/api/schema/", {"format": "json"}).json()
    assert "/api/v1/me/data-access" in schema["paths"]
    assert "/api/v1/exchange/resources/{code}/access" in schema["paths"]

from __future__ import annotations

import pytest

from govhall.exchange.models import Resource
from govhall.exchange.tests.factories import (
    income_resource,
    population_resource,
    real_estate_resource,
)

URL = "/api/v1/exchange/resources"


@pytest.fixture
def catalog(police_department):
    return [
        population_resource(provider=police_department),
        real_estate_resource(sharing_type=Resource.SharingType.UNCONDITIONAL),
        income_resource(sharing_type=Resource.SharingType.NONE),
    ]


@pytest.mark.django_db
def test_department_staff_read_the_catalog(client_for, clerk, catalog):
    response = client_for(clerk).get(URL)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 3
    rows = {row["code"]: row for row in body["results"]}
    assert rows["population"]["provider"]["name"] == "亳州市公安局"
    assert rows["population"]["sharing_type_label"] == "有条件共享"
    assert rows["population"]["field_count"] == 6


@pytest.mark.django_db
def test_the_catalog_filters(client_for, clerk, police_department, catalog):
    client = client_for(clerk)

    def codes(**params):
        response = client.get(URL, params)
        assert response.status_code == 200, response.content
        return sorted(row["code"] for row in response.json()["results"])

    assert codes(provider=police_department.pk) == ["population"]
    assert codes(sharing_type="unconditional") == ["real_estate"]
    assert codes(subject_kind="uscc") == []
    assert codes(q="不动产") == ["real_estate"]
    assert codes(q="income") == ["income_tax"]


@pytest.mark.django_db
def test_a_bad_filter_is_a_400(client_for, clerk, catalog):
    assert client_for(clerk).get(URL, {"sharing_type": "sometimes"}).status_code == 400


@pytest.mark.django_db
def test_one_resource_with_its_fields(client_for, clerk, catalog):
    response = client_for(clerk).get(f"{URL}/population")
    assert response.status_code == 200
    body = response.json()
    assert body["group_field"] == "household_number"
    assert [f["name"] for f in body["fields"]][:2] == ["name", "sex"]
    assert body["fields"][0]["personal"] is True
    assert client_for(clerk).get(f"{URL}/nothing").status_code == 404


@pytest.mark.django_db
def test_an_inactive_resource_is_seen_by_its_provider_only(
    client_for, clerk, other_clerk, admin_user, catalog
):
    Resource.objects.filter(code="population").update(is_active=False)
    assert client_for(clerk).get(f"{URL}/population").status_code == 404
    assert client_for(clerk).get(URL).json()["count"] == 2
    assert client_for(other_clerk).get(f"{URL}/population").status_code == 200
    assert client_for(admin_user).get(f"{URL}/population").status_code == 200


@pytest.mark.django_db
def test_administrators_read_the_catalog(client_for, admin_user, catalog):
    assert client_for(admin_user).get(URL).json()["count"] == 3


@pytest.mark.django_db
def test_citizens_enterprises_and_anonymous_are_refused(
    client_for, api_client, applicant, enterprise, catalog
):
    for user in (applicant, enterprise):
        assert client_for(user).get(URL).status_code == 403
        assert client_for(user).get(f"{URL}/population").status_code == 404
    assert api_client.get(URL).status_code == 401
    assert api_client.get(f"{URL}/population").status_code == 401

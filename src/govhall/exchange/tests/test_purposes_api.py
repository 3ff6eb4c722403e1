from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from govhall.accounts.tests.factories import StaffFactory
from govhall.exchange.models import Purpose
from govhall.exchange.tests.factories import PurposeFactory

URL = "/api/v1/exchange/purposes"


@pytest.fixture
def housing_officer(housing_department):
    return StaffFactory(department=housing_department, posts=["data_officer"])


@pytest.fixture
def police_officer(police_department):
    return StaffFactory(department=police_department, posts=["data_officer"])


def _body(**overrides):
    today = timezone.localdate()
    return {
        "title": "2026年度公租房动态核查",
        "legal_basis": "《公共租赁住房管理办法》第三十条",
        "valid_from": today.isoformat(),
        "valid_to": (today + timedelta(days=90)).isoformat(),
        **overrides,
    }


@pytest.mark.django_db
def test_register_list_and_deactivate(client_for, housing_officer):
    client = client_for(housing_officer)
    created = client.post(URL, _body(), format="json")
    assert created.status_code == 201, created.content
    reference = created.json()["reference"]
    assert reference.startswith("YT-") and created.json()["is_current"] is True
    listed = client.get(URL).json()
    assert [row["reference"] for row in listed["results"]] == [reference]
    deactivated = client.post(f"{URL}/{reference}/deactivate")
    assert deactivated.status_code == 200 and deactivated.json()["is_active"] is False
    assert client.post(f"{URL}/{reference}/deactivate").status_code == 409


@pytest.mark.django_db
def test_a_duplicate_reference_answers_409(client_for, housing_officer):
    client = client_for(housing_officer)
    assert client.post(URL, _body(reference="FC-1"), format="json").status_code == 201
    assert client.post(URL, _body(reference="FC-1"), format="json").status_code == 409


@pytest.mark.django_db
def test_each_department_sees_its_own_purposes(
    client_for, housing_officer, police_officer, police_department
):
    PurposeFactory(department=police_department, reference="POL-1")
    assert client_for(housing_officer).get(URL).json()["count"] == 0
    assert client_for(police_officer).get(URL).json()["count"] == 1
    response = client_for(housing_officer).post(f"{URL}/POL-1/deactivate")
    assert response.status_code == 404
    assert Purpose.objects.get(reference="POL-1").is_active


@pytest.mark.django_db
def test_wrong_personas_are_refused(client_for, api_client, clerk, applicant, housing_department):
    PurposeFactory(department=housing_department, reference="ZJ-1")
    for user in (clerk, applicant):
        assert client_for(user).get(URL).status_code == 403
        assert client_for(user).post(URL, _body(), format="json").status_code == 403
        assert client_for(user).post(f"{URL}/ZJ-1/deactivate").status_code == 404
    assert api_client.get(URL).status_code == 401
    assert api_client.post(URL, _body(), format="json").status_code == 401
    assert api_client.post(f"{URL}/ZJ-1/deactivate").status_code == 401


@pytest.mark.django_db
def test_administrators_list_but_do_not_register(client_for, admin_user, housing_department):
    PurposeFactory(department=housing_department)
    assert client_for(admin_user).get(URL).json()["count"] == 1
    assert client_for(admin_user).post(URL, _body(), format="json").status_code == 403

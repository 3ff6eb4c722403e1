from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from govhall.accounts.tests.factories import StaffFactory
from govhall.exchange.models import Grant, Resource
from govhall.exchange.tests.factories import GrantFactory, income_resource, population_resource
from govhall.organizations.tests.factories import DepartmentFactory

URL = "/api/v1/exchange/grants"


@pytest.fixture
def population(police_department):
    return population_resource(provider=police_department)


@pytest.fixture
def housing_officer(housing_department):
    return StaffFactory(department=housing_department, posts=["data_officer"])


@pytest.fixture
def police_officer(police_department):
    return StaffFactory(department=police_department, posts=["data_officer"])


@pytest.fixture
def third_officer(db):
    department = DepartmentFactory(name="亳州市民政局", short_name="民政局")
    return StaffFactory(department=department, posts=["data_officer"])


def _body(resource="population", **overrides):
    today = timezone.localdate()
    return {
        "resource": resource,
        "fields": ["name", "address"],
        "purpose": "公共租赁住房资格审核",
        "legal_basis": "《公共租赁住房管理办法》第七条",
        "valid_from": today.isoformat(),
        "valid_to": (today + timedelta(days=365)).isoformat(),
        **overrides,
    }


@pytest.mark.django_db
def test_request_approve_and_revoke_through_the_api(
    client_for, housing_officer, police_officer, population
):
    created = client_for(housing_officer).post(URL, _body(), format="json")
    assert created.status_code == 201, created.content
    grant = created.json()
    assert grant["status"] == "requested" and grant["fields"] == ["name", "address"]
    assert grant["consumer"]["id"] == housing_officer.department_id
    assert grant["resource"]["provider"]["name"] == "亳州市公安局"

    inbox = client_for(police_officer).get(URL, {"role": "provider", "status": "requested"})
    assert [row["id"] for row in inbox.json()["results"]] == [grant["id"]]

    approved = client_for(police_officer).post(
        f"{URL}/{grant['id']}/approve", {"note": "同意"}, format="json"
    )
    assert approved.status_code == 200, approved.content
    assert approved.json()["effective_status"] == "current"
    assert approved.json()["decided_by"] == police_officer.name

    again = client_for(police_officer).post(f"{URL}/{grant['id']}/approve", {}, format="json")
    assert again.status_code == 409

    revoked = client_for(police_officer).post(
        f"{URL}/{grant['id']}/revoke", {"reason": "业务已结束"}, format="json"
    )
    assert revoked.status_code == 200
    assert revoked.json()["status"] == "revoked" and revoked.json()["revoke_reason"] == "业务已结束"


@pytest.mark.django_db
def test_refuse_needs_a_reason(client_for, housing_officer, police_officer, population):
    grant = client_for(housing_officer).post(URL, _body(), format="json").json()
    missing = client_for(police_officer).post(f"{URL}/{grant['id']}/refuse", {}, format="json")
    assert missing.status_code == 400
    refused = client_for(police_officer).post(
        f"{URL}/{grant['id']}/refuse", {"note": "超出业务所需"}, format="json"
    )
    assert refused.status_code == 200 and refused.json()["status_label"] == "已拒绝"


@pytest.mark.django_db
def test_an_unconditional_resource_is_granted_at_once(client_for, housing_officer):
    income_resource(sharing_type=Resource.SharingType.UNCONDITIONAL)
    response = client_for(housing_officer).post(
        URL, _body("income_tax", fields=["annual_income"]), format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "approved" and body["decided_by"] is None
    assert body["decision_note"] == "无条件共享,自动批准"


@pytest.mark.django_db
def test_a_resource_not_shared_answers_422(client_for, housing_officer):
    income_resource(sharing_type=Resource.SharingType.NONE)
    response = client_for(housing_officer).post(
        URL, _body("income_tax", fields=["annual_income"]), format="json"
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "not_shareable"


@pytest.mark.django_db
def test_unknown_fields_answer_422_naming_them(client_for, housing_officer, population):
    response = client_for(housing_officer).post(
        URL, _body(fields=["name", "salary"]), format="json"
    )
    assert response.status_code == 422
    assert "salary" in response.json()["error"]["fields"]["fields"][0]


@pytest.mark.django_db
def test_a_duplicate_pending_request_answers_409(client_for, housing_officer, population):
    client = client_for(housing_officer)
    assert client.post(URL, _body(), format="json").status_code == 201
    assert client.post(URL, _body(), format="json").status_code == 409


@pytest.mark.django_db
def test_the_lists_split_consumer_and_provider(
    client_for, housing_officer, police_officer, third_officer, population
):
    grant = GrantFactory(resource=population, consumer=housing_officer.department)
    mine = client_for(housing_officer).get(URL).json()["results"]
    assert [row["id"] for row in mine] == [grant.pk]
    assert client_for(housing_officer).get(URL, {"role": "provider"}).json()["count"] == 0
    provided = client_for(police_officer).get(URL, {"role": "provider"}).json()["results"]
    assert [row["id"] for row in provided] == [grant.pk]
    assert client_for(police_officer).get(URL).json()["count"] == 0
    for role in ("consumer", "provider"):
        assert client_for(third_officer).get(URL, {"role": role}).json()["count"] == 0


@pytest.mark.django_db
def test_an_expired_grant_is_listed_as_expired(client_for, housing_officer, population):
    today = timezone.localdate()
    GrantFactory(
        resource=population,
        consumer=housing_officer.department,
        valid_from=today - timedelta(days=400),
        valid_to=today - timedelta(days=1),
    )
    rows = client_for(housing_officer).get(URL).json()["results"]
    assert rows[0]["status"] == "approved"
    assert (
        rows[0]["effective_status"] == "expired" and rows[0]["effective_status_label"] == "已过期"
    )
    assert client_for(housing_officer).get(URL, {"status": "expired"}).json()["count"] == 1
    assert client_for(housing_officer).get(URL, {"status": "current"}).json()["count"] == 0


@pytest.mark.django_db
def test_a_grant_of_other_departments_is_not_found(
    client_for, third_officer, clerk, housing_officer, police_officer, admin_user, population
):
    grant = GrantFactory(
        resource=population, consumer=housing_officer.department, status=Grant.Status.REQUESTED
    )
    for user in (third_officer, clerk):
        assert client_for(user).get(f"{URL}/{grant.pk}").status_code == 404
        for action in ("approve", "refuse", "revoke"):
            response = client_for(user).post(
                f"{URL}/{grant.pk}/{action}", {"note": "x", "reason": "x"}, format="json"
            )
            assert response.status_code == 404
    for user in (housing_officer, police_officer, admin_user):
        assert client_for(user).get(f"{URL}/{grant.pk}").status_code == 200


@pytest.mark.django_db
def test_the_consumer_cannot_decide_its_own_request(client_for, housing_officer, population):
    grant = GrantFactory(
        resource=population, consumer=housing_officer.department, status=Grant.Status.REQUESTED
    )
    response = client_for(housing_officer).post(f"{URL}/{grant.pk}/approve", {}, format="json")
    assert response.status_code == 403


@pytest.mark.django_db
def test_wrong_personas_are_refused(client_for, api_client, clerk, applicant, population):
    for user in (clerk, applicant):
        assert client_for(user).get(URL).status_code == 403
    assert client_for(clerk).post(URL, _body(), format="json").status_code == 403
    # A citizen does not see the catalog: the resource named is not found.
    assert client_for(applicant).post(URL, _body(), format="json").status_code == 404
    assert not Grant.objects.exists()
    assert api_client.get(URL).status_code == 401
    assert api_client.post(URL, _body(), format="json").status_code == 401
    assert api_client.get(f"{URL}/1").status_code == 401


@pytest.mark.django_db
def test_administrators_see_every_grant(client_for, admin_user, housing_officer, population):
    GrantFactory(resource=population, consumer=housing_officer.department)
    assert client_for(admin_user).get(URL).json()["count"] == 1

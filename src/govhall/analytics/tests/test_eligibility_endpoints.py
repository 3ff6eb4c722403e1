"""The eligibility endpoints and the workbench page: the right staff see the explanation, the
wrong personas are refused."""

from __future__ import annotations

import pytest
from django.urls import reverse

from govhall.analytics.tests.rules_factories import household_put, parameters_make, registries_make

pytestmark = pytest.mark.django_db
EXPLAIN = "/api/v1/eligibility/public_rental_housing/explain"
BATCH = "/api/v1/eligibility/public_rental_housing/batch"
CASE = {
    "家庭人数": "1",
    "各成员年收入(元)": "50000",
    "房产面积(平方米;按证)": "",
    "车辆购置价(元)": "",
    "企业注册资本(元)": "",
    "户籍地区码": "341602",
    "社保缴费月数": "0",
}


@pytest.fixture
def setup(clerk):
    parameters_make()
    regs = registries_make(clerk.department)
    return regs, household_put(regs, CASE)


def test_explain_api(setup, clerk, client_for):
    regs, key = setup
    response = client_for(clerk).post(
        EXPLAIN, {"subject_key": key, "purpose": regs.purpose}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["outcome"] == "ineligible"
    assert body["conditions"]["income"]["status"] == "fail"
    assert body["conditions"]["income"]["clauses"][0]["value"] == 50000


def test_batch_api(setup, clerk, client_for):
    regs, key = setup
    response = client_for(clerk).post(
        BATCH, {"subject_keys": [key, "not-an-id"], "purpose": regs.purpose}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["outcomes"] == {"ineligible": 1, "invalid": 1}


@pytest.mark.parametrize(
    ("payload", "status"),
    [({"purpose": "x"}, 400), ({"subject_key": "123", "purpose": "x"}, 422)],
)
def test_bad_input_is_a_4xx(setup, clerk, client_for, payload, status):
    response = client_for(clerk).post(EXPLAIN, payload, format="json")
    assert response.status_code in {400, 422}
    assert "error" in response.json()


def test_unknown_rule_set_is_404(setup, clerk, client_for):
    regs, key = setup
    response = client_for(clerk).post(
        "/api/v1/eligibility/nope/explain",
        {"subject_key": key, "purpose": regs.purpose},
        format="json",
    )
    assert response.status_code == 404


@pytest.mark.parametrize("persona", ["applicant", "other_clerk", "enterprise"])
def test_wrong_personas_are_refused_by_the_api(setup, request, client_for, persona):
    regs, key = setup
    user = request.getfixturevalue(persona)
    for url, payload in (
        (EXPLAIN, {"subject_key": key, "purpose": regs.purpose}),
        (BATCH, {"subject_keys": [key], "purpose": regs.purpose}),
    ):
        assert client_for(user).post(url, payload, format="json").status_code == 403


def test_anonymous_api_is_refused(setup, api_client):
    regs, key = setup
    response = api_client.post(
        EXPLAIN, {"subject_key": key, "purpose": regs.purpose}, format="json"
    )
    assert response.status_code in {401, 403}


def test_the_page_shows_the_explanation(setup, clerk, client_as):
    regs, key = setup
    response = client_as(clerk).get(
        reverse("analytics:eligibility"), {"subject": key, "purpose": regs.purpose}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-condition="income" data-status="fail"' in html
    assert "不符合条件" in html
    assert "&lt; 33600" in html and "lt 33600" not in html  # comparisons read as symbols
    assert html.count(key) == 1  # only in the form field: the table masks ID numbers


def test_the_page_refuses_without_purpose(setup, clerk, client_as):
    _regs, key = setup
    response = client_as(clerk).get(
        reverse("analytics:eligibility"), {"subject": key, "purpose": "NOPE"}
    )
    assert response.status_code == 403
    assert "eligibility-table" not in response.content.decode()


@pytest.mark.parametrize("persona", ["applicant", "enterprise"])
def test_the_page_refuses_citizens(setup, request, client_as, persona):
    response = client_as(request.getfixturevalue(persona)).get(reverse("analytics:eligibility"))
    assert response.status_code == 403


def test_the_page_refuses_staff_without_grants(setup, other_clerk, client_as):
    regs, key = setup
    response = client_as(other_clerk).get(
        reverse("analytics:eligibility"), {"subject": key, "purpose": regs.purpose}
    )
    assert response.status_code == 403


def test_the_page_sends_anonymous_to_login(client_as):
    response = client_as(None).get(reverse("analytics:eligibility"))
    assert response.status_code == 302 and "login" in response["Location"]

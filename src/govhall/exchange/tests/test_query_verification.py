"""One-click verification (信息核查): API and workbench page."""

from __future__ import annotations

import pytest

from govhall.catalog.tests.factories import published_item
from govhall.exchange.models import AccessLogEntry, AccessLogSubject

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(registry, housing_department):
    return published_item(housing_department).item


def test_verification_lays_out_household_and_materials(registry, item, clerk, client_for):
    response = client_for(clerk).get(
        f"/api/v1/exchange/subjects/{registry.applicant.id_number}/verification",
        {"item": item.implementation_code, "purpose": registry.purpose.reference},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    materials = {m["resource_code"]: m for m in body["materials"]}
    assert materials["population"]["satisfied"] is True
    assert materials["real_estate"]["satisfied"] is True
    assert "免提交" in materials["real_estate"]["note"]
    subjects = body["profile"]["subjects"]
    assert len(subjects) == 3  # applicant, spouse, child
    assert len(subjects[0]["records"]["real_estate"]) == 2
    entry = AccessLogEntry.objects.get()
    assert entry.kind == "verification"
    assert AccessLogSubject.objects.filter(entry=entry).count() == 3


def test_material_without_grant_is_marked_for_submission(
    registry, housing_department, clerk, client_for
):
    from govhall.catalog.tests.factories import material_rows

    rows = material_rows()
    rows[1]["resource_code"] = "income_tax"
    rows[1]["name"] = "收入证明"
    from govhall.catalog import services
    from govhall.catalog.tests.factories import guide_data, responsibility_rows

    version = services.item_create(
        actor=None,
        department=housing_department,
        basic_code="000100777000",
        data=guide_data(),
        materials=rows,
        responsibilities=responsibility_rows(),
    )
    services.version_submit(actor=None, version=version)
    services.version_review(actor=None, version=version, approve=True)
    response = client_for(clerk).get(
        f"/api/v1/exchange/subjects/{registry.applicant.id_number}/verification",
        {"item": version.item.implementation_code, "purpose": registry.purpose.reference},
    )
    assert response.status_code == 200, response.content
    materials = {m["resource_code"]: m for m in response.json()["materials"]}
    assert materials["income_tax"]["satisfied"] is False
    assert "授权" in materials["income_tax"]["note"]


def test_verification_page_shows_values_with_source(registry, item, clerk, client_as):
    response = client_as(clerk).get(
        "/exchange/verify/",
        {
            "item": item.implementation_code,
            "subject": registry.applicant.id_number,
            "purpose": registry.purpose.reference,
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "张三" in html and "王芳" in html
    assert registry.population.provider.name in html
    assert "免提交" in html
    assert "药都路" not in html  # the address is not granted
    assert AccessLogEntry.objects.get().channel == "page"


def test_verification_page_refuses_wrong_purpose_with_message(registry, item, clerk, client_as):
    response = client_as(clerk).get(
        "/exchange/verify/",
        {
            "item": item.implementation_code,
            "subject": registry.applicant.id_number,
            "purpose": "NOT-MINE",
        },
    )
    assert response.status_code == 403
    assert "用途" in response.content.decode()
    assert AccessLogEntry.objects.get().outcome == "refused"


@pytest.mark.parametrize("persona", ["applicant", "enterprise"])
def test_verification_page_refuses_public_users(registry, persona, request, client_as):
    response = client_as(request.getfixturevalue(persona)).get("/exchange/verify/")
    assert response.status_code == 403


def test_verification_page_sends_anonymous_to_login(client_as):
    response = client_as(None).get("/exchange/verify/")
    assert response.status_code == 302
    assert "/login" in response["Location"]


def test_confirmed_absence_answers_the_material(registry, item, clerk, client_for):
    response = client_for(clerk).get(
        f"/api/v1/exchange/subjects/{registry.stranger.id_number}/verification",
        {"item": item.implementation_code, "purpose": registry.purpose.reference},
    )
    assert response.status_code == 200
    estate = {m["resource_code"]: m for m in response.json()["materials"]}["real_estate"]
    assert estate["satisfied"] is True
    assert estate["found"] == 0
    assert "无登记记录" in estate["note"]

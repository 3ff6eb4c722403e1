"""The stats and disclosure endpoints: numbers, scoping per persona, bad input, Excel export."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from govhall.accounts.tests.factories import StaffFactory
from govhall.organizations.models import Region
from govhall.organizations.tests.factories import DepartmentFactory, RegionFactory

pytestmark = pytest.mark.django_db

MARCH = "from=2026-03-02&to=2026-03-31"
TABLES = ["departments", "items", "posts", "persons"]


@pytest.fixture
def district_supervisor(db):
    city = RegionFactory()
    district = Region.objects.create(
        code="341602000000", name="谯城区", level=Region.Level.COUNTY, parent=city
    )
    department = DepartmentFactory(name="谯城区数据资源管理局", region=district)
    return StaffFactory(username="qc_supervisor", department=department, posts=["supervision"])


def _departments(client) -> dict[int, dict]:
    response = client.get(f"/api/v1/stats/departments?{MARCH}")
    assert response.status_code == 200, response.content
    return {row["key"]: row for row in response.json()["results"]}


def test_admin_reads_every_department_with_the_hand_counted_figures(city, admin_user, client_for):
    rows = _departments(client_for(admin_user))
    assert set(rows) == {city.housing.pk, city.police.pk}
    housing = rows[city.housing.pk]
    assert (housing["received"], housing["completed"], housing["on_time_rate"]) == (7, 3, 0.75)
    assert (housing["overdue"], housing["days_p90"]) == (2, 13)


def test_response_names_the_period_and_columns(city, admin_user, client_for):
    body = client_for(admin_user).get(f"/api/v1/stats/departments?{MARCH}").json()
    assert body["period"] == {"from": "2026-03-02", "to": "2026-03-31"}
    assert {"key": "on_time_rate", "label": "按时办结率", "kind": "rate"} in body["columns"]


def test_department_staff_read_their_own_department_only(city, clerk, other_clerk, client_for):
    assert set(_departments(client_for(clerk))) == {city.housing.pk}
    assert set(_departments(client_for(other_clerk))) == {city.police.pk}
    items = client_for(other_clerk).get(f"/api/v1/stats/items?{MARCH}").json()["results"]
    assert [row["key"] for row in items] == [city.police_item.item_id]


def test_supervisors_read_their_region(city, supervisor, district_supervisor, client_for):
    assert set(_departments(client_for(supervisor))) == {city.housing.pk, city.police.pk}
    assert _departments(client_for(district_supervisor)) == {}


@pytest.mark.parametrize("table", [*TABLES, "ranking"])
@pytest.mark.parametrize("suffix", ["", "/export"])
def test_citizens_and_anonymous_are_refused(
    table, suffix, applicant, enterprise, client_for, api_client
):
    path = f"/api/v1/stats/{table}{suffix}?{MARCH}"
    assert client_for(applicant).get(path).status_code == 403
    assert client_for(enterprise).get(path).status_code == 403
    assert api_client.get(path).status_code == 401


@pytest.mark.parametrize("query", ["from=yesterday", "to=2026-13-01", "from=2026-03-02%00"])
def test_malformed_dates_are_400(query, clerk, client_for):
    response = client_for(clerk).get(f"/api/v1/stats/departments?{query}")
    assert response.status_code == 400
    assert "error" in response.json()


def test_reversed_period_is_422(clerk, client_for):
    response = client_for(clerk).get("/api/v1/stats/departments?from=2026-03-31&to=2026-03-01")
    assert response.status_code == 422


def test_posts_and_persons_are_scoped_to_the_department(
    city, clerk, other_clerk, reviewer, client_for
):
    persons = client_for(other_clerk).get(f"/api/v1/stats/persons?{MARCH}").json()["results"]
    assert reviewer.pk not in {row["key"] for row in persons}
    assert client_for(clerk).get(f"/api/v1/stats/posts?{MARCH}").status_code == 200


def test_export_opens_with_openpyxl_and_holds_the_same_numbers(city, clerk, client_for):
    client = client_for(clerk)
    response = client.get(f"/api/v1/stats/departments/export?{MARCH}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[3]]
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    assert len(rows) == 1  # the clerk's department only
    values = dict(zip(header, rows[0], strict=True))
    api = _departments(client)[city.housing.pk]
    assert values["部门"] == city.housing.name
    assert (values["收件"], values["办结"], values["超期"]) == (7, 3, 2)
    assert values["按时办结率"] == api["on_time_rate"] == 0.75
    assert values["90%用时(工作日)"] == api["days_p90"]


def test_ranking_export_lists_the_ranked_departments(city, admin_user, client_for):
    response = client_for(admin_user).get(f"/api/v1/stats/ranking/export?{MARCH}")
    sheet = load_workbook(io.BytesIO(response.content)).active
    ranked = [row[1] for row in sheet.iter_rows(min_row=4, values_only=True)]
    api = client_for(admin_user).get(f"/api/v1/stats/ranking?{MARCH}").json()
    assert ranked == [row["label"] for row in api["results"]]


def test_ranking_endpoint_reports_the_formula(city, admin_user, client_for):
    body = client_for(admin_user).get(f"/api/v1/stats/ranking?{MARCH}").json()
    assert body["formula"]["weights"]["on_time_rate"] == 40
    assert body["results"][0]["rank"] == 1


# ---- 办件公示 -----------------------------------------------------------------------------------


def test_disclosure_is_public_and_masks_names_without_id_numbers(city, applicant, api_client):
    response = api_client.get("/api/v1/disclosure/cases")
    assert response.status_code == 200
    body = response.content.decode()
    assert applicant.name not in body and "张*" in body
    assert applicant.username not in body  # the ID number
    assert "13800000000" not in body
    rows = response.json()["results"]
    assert len(rows) == 10
    assert set(rows[0]) == {
        "number",
        "item",
        "applicant",
        "department",
        "received_at",
        "status",
        "status_label",
        "closed_at",
        "on_time",
    }


def test_disclosure_filters_by_department(city, api_client):
    rows = api_client.get(f"/api/v1/disclosure/cases?department={city.police.pk}").json()["results"]
    assert [row["department"] for row in rows] == [city.police.name]
    assert api_client.get("/api/v1/disclosure/cases?department=x").status_code == 400


def test_disclosure_departments_are_public_with_headline_figures(city, api_client):
    response = api_client.get(f"/api/v1/disclosure/departments?{MARCH}")
    assert response.status_code == 200
    rows = {row["key"]: row for row in response.json()["results"]}
    assert rows[city.housing.pk]["received"] == 7
    assert "overdue" not in rows[city.housing.pk]

"""The workbench statistics page, its export and charts, and the public disclosure page."""

from __future__ import annotations

import io

import pytest
from defusedxml.ElementTree import fromstring as defused_fromstring
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db

MARCH = "from=2026-03-02&to=2026-03-31"


def test_stats_page_shows_tables_ranking_charts_and_export(city, clerk, client_as):
    response = client_as(clerk).get(f"/analytics/stats/?{MARCH}")
    assert response.status_code == 200
    page = response.content.decode()
    assert city.housing.name in page and city.police.name not in page
    assert "75.0%" in page  # on-time rate of 住建局
    assert "/analytics/stats/export/department/?from=2026-03-02" in page
    assert "/analytics/stats/charts/trend.svg" in page
    assert "部门排名" in page


@pytest.mark.parametrize("view", ["item", "post", "person"])
def test_stats_page_switches_dimension(view, city, admin_user, client_as):
    response = client_as(admin_user).get(f"/analytics/stats/?view={view}&{MARCH}")
    assert response.status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/analytics/stats/",
        "/analytics/stats/export/department/",
        "/analytics/stats/export/ranking/",
        "/analytics/stats/charts/trend.svg",
    ],
)
def test_wrong_personas_are_refused(path, applicant, client_as):
    anonymous = client_as(None).get(path)
    assert anonymous.status_code == 302 and "/login" in anonymous["Location"]
    assert client_as(applicant).get(path).status_code == 403


def test_bad_period_on_the_page_is_a_clear_4xx(clerk, client_as):
    assert client_as(clerk).get("/analytics/stats/?from=nonsense").status_code == 400
    assert (
        client_as(clerk).get("/analytics/stats/?from=2026-03-31&to=2026-03-01").status_code == 422
    )
    assert client_as(clerk).get("/analytics/stats/?view=everything").status_code == 400
    assert client_as(clerk).get("/analytics/stats/export/nothing/").status_code == 404


def test_page_export_is_scoped_like_the_page(city, other_clerk, client_as):
    response = client_as(other_clerk).get(f"/analytics/stats/export/department/?{MARCH}")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    assert [row[0] for row in rows] == [city.police.name]


@pytest.mark.parametrize("chart", ["trend", "overdue", "workload", "workload?by=post"])
def test_charts_are_self_contained_svg(chart, city, admin_user, client_as):
    sep = "&" if "?" in chart else "?"
    path = chart.replace("?", ".svg?") if "?" in chart else f"{chart}.svg"
    response = client_as(admin_user).get(f"/analytics/stats/charts/{path}{sep}{MARCH}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    svg = response.content.decode()
    defused_fromstring(svg.encode())  # well-formed
    assert "<script" not in svg and "http://kozea" not in svg and "//kozea" not in svg


def test_overdue_chart_names_the_item(city, admin_user, client_as):
    svg = client_as(admin_user).get(f"/analytics/stats/charts/overdue.svg?{MARCH}")
    assert city.item.name[:12] in svg.content.decode()


def test_chart_escapes_hostile_department_names(city, admin_user, client_as):
    city.housing.name = "<script>alert(1)</script>住建局"
    city.housing.save()
    svg = client_as(admin_user).get(f"/analytics/stats/charts/workload.svg?{MARCH}").content
    assert b"<script>alert" not in svg


def test_unknown_chart_is_404(admin_user, client_as):
    assert client_as(admin_user).get("/analytics/stats/charts/pie.svg").status_code == 404


def test_disclosure_page_is_public_and_masked(city, applicant, client_as):
    response = client_as(None).get("/analytics/disclosure/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "办件公示" in page and "张*" in page
    assert applicant.name not in page and applicant.username not in page
    assert client_as(None).get("/analytics/disclosure/?department=abc").status_code == 400


def test_disclosure_is_in_the_portal_menu(client_as):
    page = client_as(None).get("/").content.decode()
    assert 'href="/analytics/disclosure/"' in page


def test_supervisor_page_covers_the_region(city, supervisor, client_as):
    page = client_as(supervisor).get(f"/analytics/stats/?{MARCH}").content.decode()
    assert city.housing.name in page and city.police.name in page


def test_stats_is_in_the_workbench_sidebar(clerk, client_as):
    page = client_as(clerk).get("/workbench/").content.decode()
    assert 'href="/analytics/stats/"' in page

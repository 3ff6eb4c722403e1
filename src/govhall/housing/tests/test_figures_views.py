"""The housing figures dashboard, the public summary and their API: who may read what."""

from __future__ import annotations

import pytest

from govhall.cases.models import Case
from govhall.housing.models import Lease
from govhall.housing.tests.test_figures import figures_dataset
from govhall.housing.tests.test_figures_urls import URLCONF

pytestmark = [pytest.mark.django_db, pytest.mark.urls(URLCONF)]

PERIOD = "?from=2025-03-01&to=2025-04-30"
DASHBOARD = "/housing/workbench/figures/"
CHARTS = [
    f"/housing/workbench/figures/charts/{kind}.svg"
    for kind in ("applications", "allocation", "occupancy")
]
STAFF_API = "/api/v1/housing/figures"
PUBLIC = "/housing/figures/"
PUBLIC_API = "/api/v1/housing/figures/public"


@pytest.fixture
def dataset(applicant, other_applicant, item, approver, police_department):
    return figures_dataset(
        applicant=applicant,
        other_applicant=other_applicant,
        item=item,
        approver=approver,
        police_department=police_department,
    )


@pytest.mark.parametrize("url", [DASHBOARD, *CHARTS])
def test_dashboard_refuses_wrong_personas(
    url, client_as, applicant, other_clerk, supervisor, enterprise, approver, item
):
    assert client_as(None).get(url).status_code == 302
    for user in (applicant, other_clerk, supervisor, enterprise):
        assert client_as(user).get(url).status_code == 403, user
    assert client_as(approver).get(url).status_code == 200


def test_staff_api_refuses_wrong_personas(
    client_for, api_client, applicant, other_clerk, supervisor, approver, item
):
    for user in (applicant, other_clerk, supervisor):
        assert client_for(user).get(STAFF_API).status_code == 403
    assert api_client.get(STAFF_API).status_code in (401, 403)
    assert client_for(approver).get(STAFF_API).status_code == 200


def test_dashboard_shows_the_figures_and_charts(client_as, clerk, dataset):
    page = client_as(clerk).get(DASHBOARD + PERIOD)
    html = page.content.decode()
    assert page.status_code == 200
    assert "66.7%" in html  # approval rate 2 / 3
    assert "紫金苑" in html and "南苑" in html
    assert "动态核查" in html and "保留资格" in html
    for url in CHARTS:
        chart = client_as(clerk).get(url + PERIOD)
        assert chart["Content-Type"].startswith("image/svg+xml")
        svg = chart.content.decode()
        assert "<svg" in svg and "<script" not in svg


def test_dashboard_period_errors_are_pages_not_500s(client_as, clerk, item):
    assert client_as(clerk).get(DASHBOARD + "?from=nope").status_code == 400
    assert client_as(clerk).get(DASHBOARD + "?from=2025-05-01&to=2025-04-01").status_code == 422


def test_staff_api_answers_every_figure(client_for, approver, dataset):
    response = client_for(approver).get(STAFF_API + PERIOD)
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["period"] == {"from": "2025-03-01", "to": "2025-04-30"}
    assert data["applications"]["approval_rate"] == 0.6667
    assert data["applications"]["days_mean"] == 7.0
    assert data["waiting"]["mean_wait_days"] == 15.0
    assert data["arrears"]["amount"] == "300.00"
    assert data["occupancy"]["occupancy_rate"] == 0.2
    assert data["satisfaction"]["good_rate"] == 0.6667
    assert data["reverification"]["flagged"] == 2 and data["reverification"]["kept"] == 1
    assert [month["month"] for month in data["months"]] == ["2025-03", "2025-04"]


def test_staff_api_period_errors(client_for, approver, item):
    client = client_for(approver)
    assert client.get(STAFF_API + "?from=nope").status_code == 400
    reversed_ = client.get(STAFF_API + "?from=2025-05-01&to=2025-04-01")
    assert reversed_.status_code == 422 and reversed_.json()["error"]["code"] == "bad_period"


def test_public_page_and_api_are_open_to_anyone(client_as, api_client, applicant, dataset):
    assert client_as(None).get(PUBLIC).status_code == 200
    assert client_as(applicant).get(PUBLIC).status_code == 200
    chart = client_as(None).get("/housing/figures/chart.svg")
    assert chart.status_code == 200 and chart["Content-Type"].startswith("image/svg+xml")
    response = api_client.get(PUBLIC_API + PERIOD)
    assert response.status_code == 200
    data = response.json()
    assert data["applications"]["received"] == 4
    assert data["occupancy"]["estates"][0] == {
        "name": "南苑",
        "units": 1,
        "let": 0,
        "occupancy_rate": 0.0,
    }
    assert "arrears" not in data and "grades" not in data["satisfaction"]


def test_public_summary_shows_no_names_or_id_numbers(client_as, api_client, dataset):
    html = client_as(None).get(PUBLIC).content.decode()
    api = api_client.get(PUBLIC_API + PERIOD).content.decode("unicode_escape")
    personal = set()
    for case in Case.objects.all():
        personal |= {case.applicant_name, case.applicant_key, case.number}
    for lease in Lease.objects.select_related("tenant"):
        personal |= {lease.number, lease.tenant.name}
    assert personal
    for value in personal:
        assert value not in html, value
        assert value not in api, value

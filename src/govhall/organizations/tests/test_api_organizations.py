from __future__ import annotations

import pytest

from govhall.organizations.tests.factories import RegionFactory, ServiceCenterFactory, WindowFactory


@pytest.mark.django_db
def test_public_lists_need_no_login(api_client, housing_department):
    county = RegionFactory(code="341602000000", name="谯城区", level=4, parent=RegionFactory())
    center = ServiceCenterFactory(region=county)
    window = WindowFactory(center=center)
    window.departments.add(housing_department)
    regions = api_client.get("/api/v1/regions", {"parent": "341600000000"})
    assert regions.status_code == 200
    assert [r["code"] for r in regions.json()["results"]] == ["341602000000"]
    departments = api_client.get("/api/v1/departments", {"q": "住房"})
    assert [d["name"] for d in departments.json()["results"]] == ["亳州市住房和城乡建设局"]
    centers = api_client.get("/api/v1/service-centers", {"region": "341602000000"}).json()[
        "results"
    ]
    assert centers[0]["windows"][0]["departments"] == ["亳州市住房和城乡建设局"]


@pytest.mark.django_db
def test_service_center_region_filter_does_not_leak_sibling_counties(api_client):
    city = RegionFactory()
    qiaocheng = RegionFactory(code="341602000000", name="谯城区", level=4, parent=city)
    other = RegionFactory(code="341621000000", name="涡阳县", level=4, parent=city)
    ServiceCenterFactory(region=qiaocheng, name="谯城区政务服务中心")
    ServiceCenterFactory(region=other, name="涡阳县政务服务中心")
    names = [
        c["name"]
        for c in api_client.get("/api/v1/service-centers", {"region": "341602"}).json()["results"]
    ]
    assert names == ["谯城区政务服务中心"]


@pytest.mark.django_db
def test_department_staff_visible_to_own_department_only(
    client_for,
    api_client,
    clerk,
    reviewer,
    other_clerk,
    applicant,
    supervisor,
    admin_user,
    housing_department,
):
    url = f"/api/v1/departments/{housing_department.pk}/staff"
    own = client_for(clerk).get(url)
    assert own.status_code == 200
    assert {s["username"] for s in own.json()["results"]} == {"zjj_clerk", "zjj_reviewer"}
    assert "*" in own.json()["results"][0]["phone"]  # phones masked
    assert client_for(admin_user).get(url).status_code == 200
    for outsider in (other_clerk, applicant, supervisor):
        response = client_for(outsider).get(url)
        assert response.status_code == 404, outsider.username
        assert response.json()["error"]["code"] == "not_found"
    assert api_client.get(url).status_code == 401
    assert client_for(clerk).get("/api/v1/departments/999999/staff").status_code == 404

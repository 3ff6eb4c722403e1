from __future__ import annotations

import pytest
from django.urls import reverse

from govhall.accounts.tests.factories import StaffFactory
from govhall.exchange.models import Resource
from govhall.exchange.tests.factories import income_resource, population_resource
from govhall.organizations.tests.factories import DepartmentFactory


@pytest.fixture
def population(police_department):
    return population_resource(provider=police_department)


@pytest.fixture
def housing_officer(housing_department):
    return StaffFactory(department=housing_department, posts=["data_officer"])


@pytest.fixture
def police_officer(police_department):
    return StaffFactory(department=police_department, posts=["data_officer"])


@pytest.mark.django_db
def test_department_staff_browse_the_catalog_from_the_sidebar(client_as, clerk, population):
    home = client_as(clerk).get(reverse("workbench:home")).content.decode()
    assert reverse("exchange:resources") in home
    page = client_as(clerk).get(reverse("exchange:resources"))
    assert page.status_code == 200
    content = page.content.decode()
    assert "人口基础信息" in content and "有条件共享" in content
    assert reverse("exchange:resource_detail", args=["population"]) in content


@pytest.mark.django_db
def test_the_catalog_page_filters(client_as, clerk, population):
    income_resource(sharing_type=Resource.SharingType.UNCONDITIONAL)
    page = client_as(clerk).get(reverse("exchange:resources"), {"sharing_type": "unconditional"})
    content = page.content.decode()
    assert "个人所得税纳税信息" in content and "人口基础信息" not in content


@pytest.mark.django_db
def test_the_detail_page_shows_fields_and_sharing(client_as, clerk, population):
    Resource.objects.filter(pk=population.pk).update(sharing_conditions="仅限办理公共服务事项")
    page = client_as(clerk).get(reverse("exchange:resource_detail", args=["population"]))
    assert page.status_code == 200
    content = page.content.decode()
    assert "户籍地址" in content and "household_number" in content
    assert "仅限办理公共服务事项" in content
    assert "申请授权" not in content  # a clerk without the data officer post


@pytest.mark.django_db
def test_data_officers_of_other_departments_are_offered_a_request(
    client_as, housing_officer, police_officer, population
):
    url = reverse("exchange:resource_detail", args=["population"])
    request_url = reverse("exchange:grant_request", args=["population"])
    assert request_url in client_as(housing_officer).get(url).content.decode()
    assert request_url not in client_as(police_officer).get(url).content.decode()


@pytest.mark.django_db
def test_a_resource_not_shared_offers_no_request(client_as, housing_officer):
    income_resource(sharing_type=Resource.SharingType.NONE)
    page = client_as(housing_officer).get(reverse("exchange:resource_detail", args=["income_tax"]))
    assert page.status_code == 200
    assert reverse("exchange:grant_request", args=["income_tax"]) not in page.content.decode()


@pytest.mark.django_db
def test_administrators_browse_the_catalog(client_as, admin_user, population):
    assert client_as(admin_user).get(reverse("exchange:resources")).status_code == 200


@pytest.mark.django_db
def test_wrong_personas_are_refused(client_as, applicant, enterprise, population):
    urls = [
        reverse("exchange:resources"),
        reverse("exchange:resource_detail", args=["population"]),
    ]
    for url in urls:
        assert client_as(applicant).get(url).status_code == 403
        assert client_as(enterprise).get(url).status_code == 403
        response = client_as(None).get(url)
        assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.django_db
def test_an_unknown_or_inactive_resource_is_not_found(client_as, clerk, population):
    assert client_as(clerk).get("/exchange/resources/nothing/").status_code == 404
    Resource.objects.filter(pk=population.pk).update(is_active=False)
    url = reverse("exchange:resource_detail", args=["population"])
    assert client_as(clerk).get(url).status_code == 404
    other = StaffFactory(department=DepartmentFactory(), posts=["data_officer"])
    assert client_as(other).get(url).status_code == 404

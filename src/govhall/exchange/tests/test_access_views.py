"""The pages: "我的数据被谁用了" (portal) and the provider's "谁读了我的数据" (workbench)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from govhall.accounts.tests.factories import CitizenFactory, StaffFactory
from govhall.core.identifiers import mask_id_number
from govhall.exchange.access_log import AccessContext, access_log_append
from govhall.exchange.tests.factories import population_resource

MY_PAGE = "/exchange/me/data-access/"
PROVIDER_PAGE = "/exchange/resources/population/access/"


@pytest.fixture
def population(police_department):
    return population_resource(provider=police_department)


@pytest.fixture
def police_officer(police_department):
    return StaffFactory(username="gaj_data", department=police_department, posts=["data_officer"])


@pytest.fixture
def housing_officer(housing_department):
    return StaffFactory(username="zjj_data", department=housing_department, posts=["data_officer"])


def read(actor, keys, channel="page", **overrides):
    arguments = {
        "context": AccessContext(actor=actor, channel=channel),
        "kind": "profile",
        "outcome": "granted",
        "subject_keys": keys,
        "resources": ["population"],
        "fields": {"population": ["name", "household_number"]},
        "purpose_reference": "ZJ-2026-000123",
        "purpose_title": "公共租赁住房资格审核",
    }
    return access_log_append(**{**arguments, **overrides})


def test_the_pages_have_their_names():
    assert reverse("exchange:my_data_access") == MY_PAGE
    assert reverse("exchange:resource_access", args=["population"]) == PROVIDER_PAGE


@pytest.mark.django_db
def test_a_citizen_sees_who_read_their_data_and_why(
    client_as, population, reviewer, applicant, other_applicant
):
    read(reviewer, [applicant.id_number])
    read(reviewer, [other_applicant.id_number], purpose_reference="ZJ-2026-000999")
    response = client_as(applicant).get(MY_PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert "我的数据被谁用了" in html
    for text in ("亳州市住房和城乡建设局", reviewer.name, "ZJ-2026-000123", "公共租赁住房资格审核"):
        assert text in html
    assert "人口基础信息" in html and "姓名、户号" in html
    assert "ZJ-2026-000999" not in html
    assert 'id="data-access-table"' in html


@pytest.mark.django_db
def test_a_refused_attempt_is_labelled_and_shows_no_fields(
    client_as, population, reviewer, applicant
):
    read(reviewer, [applicant.id_number], outcome="refused", fields={}, reason="无有效授权-内部")
    html = client_as(applicant).get(MY_PAGE).content.decode()
    assert "已拒绝" in html and "未提供任何信息" in html
    assert "无有效授权-内部" not in html


@pytest.mark.django_db
def test_the_way_column_tells_page_api_and_batch_apart(client_as, population, reviewer, applicant):
    read(reviewer, [applicant.id_number], channel="page", purpose_reference="P-1")
    read(reviewer, [applicant.id_number], channel="api", purpose_reference="P-2")
    read(reviewer, [applicant.id_number], channel="system", kind="batch", purpose_reference="P-3")
    html = client_as(applicant).get(MY_PAGE).content.decode()
    assert ">页面<" in html and ">接口<" in html and ">批量<" in html


@pytest.mark.django_db
def test_an_enterprise_sees_its_page(client_as, population, reviewer, enterprise):
    read(reviewer, [enterprise.uscc])
    html = client_as(enterprise).get(MY_PAGE).content.decode()
    assert "ZJ-2026-000123" in html


@pytest.mark.django_db
def test_nothing_read_yet_says_so(client_as, applicant):
    html = client_as(applicant).get(MY_PAGE).content.decode()
    assert "目前还没有部门查询过您的信息" in html


@pytest.mark.django_db
def test_the_page_filters_and_paginates(client_as, population, reviewer, other_clerk, applicant):
    for n in range(21):
        read(reviewer, [applicant.id_number], purpose_reference=f"ZJ-2026-{n:06d}")
    read(other_clerk, [applicant.id_number], purpose_reference="GA-2026-000001")
    client = client_as(applicant)
    first = client.get(MY_PAGE).content.decode()
    assert "GA-2026-000001" in first and "ZJ-2026-000000" not in first
    assert "page=2" in first and "清除筛选" not in first
    second = client.get(MY_PAGE, {"page": 2}).content.decode()
    assert "ZJ-2026-000000" in second and "清除筛选" not in second
    police_only = client.get(MY_PAGE, {"department": other_clerk.department_id}).content
    assert "GA-2026-000001" in police_only.decode()
    assert "ZJ-2026-000005" not in police_only.decode()
    empty = client.get(MY_PAGE, {"date_to": "2000-01-01"}).content.decode()
    assert "没有符合条件的记录" in empty and 'value="2000-01-01"' in empty
    invalid = client.get(MY_PAGE, {"date_from": "2026-03-02", "date_to": "2026-03-01"})
    assert invalid.status_code == 200 and "截止日期不能早于起始日期" in invalid.content.decode()


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in(client_as):
    response = client_as(None).get(MY_PAGE)
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.django_db
def test_staff_and_administrators_are_refused_the_citizen_page(
    client_as, reviewer, police_officer, admin_user
):
    for actor in (reviewer, police_officer, admin_user):
        assert client_as(actor).get(MY_PAGE).status_code == 403


@pytest.mark.django_db
def test_the_account_page_links_citizens_to_it(client_as, applicant, enterprise, reviewer):
    for actor in (applicant, enterprise):
        assert f'href="{MY_PAGE}"' in client_as(actor).get("/account/").content.decode()
    assert f'href="{MY_PAGE}"' not in client_as(reviewer).get("/account/").content.decode()


@pytest.mark.django_db
def test_the_provider_officer_sees_who_read_the_resource_with_subjects_masked(
    client_as, population, reviewer, police_officer, applicant
):
    read(reviewer, [applicant.id_number])
    cohort = [CitizenFactory().id_number for _ in range(6)]
    read(reviewer, cohort, kind="batch", channel="system")
    read(reviewer, [applicant.id_number], outcome="refused", fields={}, reason="授权已过期")
    response = client_as(police_officer).get(PROVIDER_PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert "人口基础信息" in html and "工作台" in html
    assert mask_id_number(applicant.id_number) in html
    assert applicant.id_number not in html
    assert all(key not in html for key in cohort)
    assert "6 个主体" in html
    assert "授权已过期" in html
    assert 'id="access-summary"' in html and "亳州市住房和城乡建设局" in html


@pytest.mark.django_db
def test_a_system_administrator_sees_the_provider_page(client_as, population, admin_user):
    assert client_as(admin_user).get(PROVIDER_PAGE).status_code == 200


@pytest.mark.django_db
def test_other_departments_and_the_providers_clerks_get_404(
    client_as, population, housing_officer, other_clerk, reviewer
):
    for actor in (housing_officer, other_clerk, reviewer):
        assert client_as(actor).get(PROVIDER_PAGE).status_code == 404


@pytest.mark.django_db
def test_citizens_are_refused_and_anonymous_sent_to_sign_in_on_the_provider_page(
    client_as, population, applicant
):
    assert client_as(applicant).get(PROVIDER_PAGE).status_code == 403
    response = client_as(None).get(PROVIDER_PAGE)
    assert response.status_code == 302 and "login" in response["Location"]

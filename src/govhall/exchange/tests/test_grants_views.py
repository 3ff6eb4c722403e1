from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from govhall.accounts.tests.factories import StaffFactory
from govhall.exchange.models import Grant, Resource
from govhall.exchange.tests.factories import GrantFactory, income_resource, population_resource
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


@pytest.fixture
def third_officer(db):
    department = DepartmentFactory(name="亳州市民政局", short_name="民政局")
    return StaffFactory(department=department, posts=["data_officer"])


@pytest.fixture
def pending(population, housing_officer):
    return GrantFactory(
        resource=population,
        consumer=housing_officer.department,
        requested_by=housing_officer,
        status=Grant.Status.REQUESTED,
        decided_at=None,
    )


def _form(**overrides):
    today = timezone.localdate()
    return {
        "fields": ["name", "address"],
        "purpose": "公共租赁住房资格审核",
        "legal_basis": "《公共租赁住房管理办法》第七条",
        "valid_from": today.isoformat(),
        "valid_to": (today + timedelta(days=365)).isoformat(),
        **overrides,
    }


@pytest.mark.django_db
def test_a_data_officer_requests_by_ticking_fields(client_as, housing_officer, population):
    url = reverse("exchange:grant_request", args=["population"])
    client = client_as(housing_officer)
    page = client.get(url)
    assert page.status_code == 200
    assert 'type="checkbox"' in page.content.decode() and "户籍地址" in page.content.decode()
    response = client.post(url, _form())
    assert response.status_code == 302
    grant = Grant.objects.get()
    assert grant.fields == ["name", "address"] and grant.status == Grant.Status.REQUESTED
    assert response["Location"] == reverse("exchange:grant_detail", args=[grant.pk])
    detail = client.get(response["Location"]).content.decode()
    assert "待审批" in detail and "姓名、户籍地址" in detail


@pytest.mark.django_db
def test_a_request_with_errors_is_shown_again(client_as, housing_officer, population):
    url = reverse("exchange:grant_request", args=["population"])
    today = timezone.localdate()
    response = client_as(housing_officer).post(
        url, _form(valid_to=(today + timedelta(days=4 * 366)).isoformat())
    )
    assert response.status_code == 422
    assert "授权期限最长 3 年" in response.content.decode()
    assert client_as(housing_officer).post(url, _form(fields=[])).status_code == 400
    assert not Grant.objects.exists()


@pytest.mark.django_db
def test_the_request_form_is_refused_where_no_request_is_possible(
    client_as, clerk, police_officer, housing_officer, population
):
    url = reverse("exchange:grant_request", args=["population"])
    assert client_as(clerk).get(url).status_code == 403
    assert client_as(police_officer).get(url).status_code == 422  # its own resource
    income_resource(sharing_type=Resource.SharingType.NONE)
    closed = reverse("exchange:grant_request", args=["income_tax"])
    response = client_as(housing_officer).get(closed)
    assert response.status_code == 422 and "不予共享" in response.content.decode()
    assert client_as(housing_officer).post(closed, _form(fields=["year"])).status_code == 422
    assert not Grant.objects.exists()


@pytest.mark.django_db
def test_the_provider_inbox_approves(client_as, police_officer, pending):
    client = client_as(police_officer)
    inbox = client.get(reverse("exchange:grants"), {"tab": "provider"})
    content = inbox.content.decode()
    assert "亳州市住房和城乡建设局" in content
    assert reverse("exchange:grant_approve", args=[pending.pk]) in content
    next_url = reverse("exchange:grants") + "?tab=provider"
    response = client.post(
        reverse("exchange:grant_approve", args=[pending.pk]), {"note": "同意", "next": next_url}
    )
    assert response.status_code == 302 and response["Location"] == next_url
    pending.refresh_from_db()
    assert pending.status == Grant.Status.APPROVED and pending.decided_by == police_officer


@pytest.mark.django_db
def test_a_refusal_without_a_reason_is_not_recorded(client_as, police_officer, pending):
    client = client_as(police_officer)
    url = reverse("exchange:grant_refuse", args=[pending.pk])
    response = client.post(url, {"note": ""}, follow=True)
    assert "请填写不予批准的理由" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == Grant.Status.REQUESTED
    client.post(url, {"note": "超出业务所需"})
    pending.refresh_from_db()
    assert pending.status == Grant.Status.REFUSED


@pytest.mark.django_db
def test_the_provider_revokes_from_the_detail_page(
    client_as, police_officer, housing_officer, population
):
    grant = GrantFactory(resource=population, consumer=housing_officer.department)
    client = client_as(police_officer)
    detail = client.get(reverse("exchange:grant_detail", args=[grant.pk])).content.decode()
    assert reverse("exchange:grant_revoke", args=[grant.pk]) in detail
    client.post(reverse("exchange:grant_revoke", args=[grant.pk]), {"reason": "业务已结束"})
    grant.refresh_from_db()
    assert grant.status == Grant.Status.REVOKED
    consumer_view = client_as(housing_officer).get(
        reverse("exchange:grant_detail", args=[grant.pk])
    )
    content = consumer_view.content.decode()
    assert "已撤销" in content and "业务已结束" in content
    assert reverse("exchange:grant_revoke", args=[grant.pk]) not in content


@pytest.mark.django_db
def test_my_department_tab_shows_expired_grants_as_expired(client_as, housing_officer, population):
    today = timezone.localdate()
    GrantFactory(
        resource=population,
        consumer=housing_officer.department,
        valid_from=today - timedelta(days=400),
        valid_to=today - timedelta(days=1),
    )
    page = client_as(housing_officer).get(reverse("exchange:grants"))
    content = page.content.decode()
    assert page.status_code == 200 and "人口基础信息" in content
    assert 'data-state="expired"' in content and "已过期" in content
    current = client_as(housing_officer).get(reverse("exchange:grants"), {"status": "current"})
    assert "人口基础信息" not in current.content.decode()


@pytest.mark.django_db
def test_a_grant_of_other_departments_is_not_found(
    client_as, third_officer, clerk, police_officer, pending
):
    detail = reverse("exchange:grant_detail", args=[pending.pk])
    for user in (third_officer, clerk):
        assert client_as(user).get(detail).status_code == 404
        for name in ("grant_approve", "grant_refuse", "grant_revoke"):
            url = reverse(f"exchange:{name}", args=[pending.pk])
            assert client_as(user).post(url, {"note": "x", "reason": "x"}).status_code == 404
    third_list = client_as(third_officer).get(reverse("exchange:grants"), {"tab": "provider"})
    assert "亳州市住房和城乡建设局" not in third_list.content.decode()
    pending.refresh_from_db()
    assert pending.status == Grant.Status.REQUESTED


@pytest.mark.django_db
def test_the_consumer_cannot_approve_its_own_request(client_as, housing_officer, pending):
    url = reverse("exchange:grant_approve", args=[pending.pk])
    assert client_as(housing_officer).post(url).status_code == 403
    pending.refresh_from_db()
    assert pending.status == Grant.Status.REQUESTED


@pytest.mark.django_db
def test_wrong_personas_are_refused(client_as, clerk, applicant, pending):
    lists = [reverse("exchange:grants")]
    request_form = reverse("exchange:grant_request", args=["population"])
    detail = reverse("exchange:grant_detail", args=[pending.pk])
    assert client_as(clerk).get(lists[0]).status_code == 403
    for url in [*lists, request_form, detail]:
        assert client_as(applicant).get(url).status_code == 403
        response = client_as(None).get(url)
        assert response.status_code == 302 and "login" in response["Location"]
    approve = reverse("exchange:grant_approve", args=[pending.pk])
    assert client_as(applicant).post(approve).status_code == 403
    assert client_as(None).post(approve).status_code == 302


@pytest.mark.django_db
def test_administrators_see_every_grant(client_as, admin_user, pending):
    page = client_as(admin_user).get(reverse("exchange:grants"))
    assert page.status_code == 200 and "人口基础信息" in page.content.decode()
    detail = client_as(admin_user).get(reverse("exchange:grant_detail", args=[pending.pk]))
    assert detail.status_code == 200
    assert reverse("exchange:grant_approve", args=[pending.pk]) not in detail.content.decode()

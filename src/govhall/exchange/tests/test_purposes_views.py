from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from govhall.accounts.tests.factories import StaffFactory
from govhall.exchange.models import Purpose
from govhall.exchange.tests.factories import PurposeFactory


@pytest.fixture
def housing_officer(housing_department):
    return StaffFactory(department=housing_department, posts=["data_officer"])


@pytest.fixture
def police_officer(police_department):
    return StaffFactory(department=police_department, posts=["data_officer"])


def _form(**overrides):
    today = timezone.localdate()
    return {
        "reference": "",
        "title": "2026年度公租房动态核查",
        "legal_basis": "《公共租赁住房管理办法》第三十条",
        "valid_from": today.isoformat(),
        "valid_to": (today + timedelta(days=90)).isoformat(),
        **overrides,
    }


@pytest.mark.django_db
def test_a_data_officer_registers_and_deactivates_a_purpose(client_as, housing_officer):
    client = client_as(housing_officer)
    url = reverse("exchange:purposes")
    assert client.get(url).status_code == 200
    response = client.post(url, _form())
    assert response.status_code == 302
    purpose = Purpose.objects.get()
    page = client.get(url).content.decode()
    assert purpose.reference in page and "2026年度公租房动态核查" in page
    deactivate = reverse("exchange:purpose_deactivate", args=[purpose.reference])
    assert deactivate in page
    assert client.post(deactivate).status_code == 302
    purpose.refresh_from_db()
    assert not purpose.is_active
    assert "已停用" in client.get(url).content.decode()


@pytest.mark.django_db
def test_registration_errors_are_shown_at_their_fields(client_as, housing_officer):
    PurposeFactory(department=housing_officer.department, reference="FC-1")
    client = client_as(housing_officer)
    duplicate = client.post(reverse("exchange:purposes"), _form(reference="FC-1"))
    assert duplicate.status_code == 409 and "该编号已被使用" in duplicate.content.decode()
    assert client.post(reverse("exchange:purposes"), _form(title="")).status_code == 400
    assert Purpose.objects.count() == 1


@pytest.mark.django_db
def test_another_departments_purpose_is_neither_listed_nor_deactivated(
    client_as, housing_officer, police_department
):
    PurposeFactory(department=police_department, reference="POL-1", title="治安核查")
    client = client_as(housing_officer)
    assert "治安核查" not in client.get(reverse("exchange:purposes")).content.decode()
    url = reverse("exchange:purpose_deactivate", args=["POL-1"])
    assert client.post(url).status_code == 404
    assert Purpose.objects.get(reference="POL-1").is_active


@pytest.mark.django_db
def test_wrong_personas_are_refused(client_as, clerk, applicant, housing_department):
    PurposeFactory(department=housing_department, reference="ZJ-1")
    url = reverse("exchange:purposes")
    deactivate = reverse("exchange:purpose_deactivate", args=["ZJ-1"])
    assert client_as(clerk).get(url).status_code == 403
    assert client_as(clerk).post(url, _form()).status_code == 403
    assert client_as(clerk).post(deactivate).status_code == 404
    assert client_as(applicant).get(url).status_code == 403
    assert client_as(applicant).post(deactivate).status_code == 403
    assert client_as(None).get(url).status_code == 302
    assert client_as(None).post(deactivate).status_code == 302
    assert Purpose.objects.get().is_active and Purpose.objects.count() == 1


@pytest.mark.django_db
def test_administrators_see_purposes_without_the_register_form(
    client_as, admin_user, housing_department
):
    PurposeFactory(department=housing_department, title="年度复核")
    page = client_as(admin_user).get(reverse("exchange:purposes"))
    assert page.status_code == 200 and "年度复核" in page.content.decode()
    assert 'name="title"' not in page.content.decode()
    assert client_as(admin_user).post(reverse("exchange:purposes"), _form()).status_code == 403

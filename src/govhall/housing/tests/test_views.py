"""Housing pages: the department's workbench and the tenant's page, and who is refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from govhall.housing import services_lease
from govhall.housing.models import AllocationRound, RentBill, Unit, WaitingEntry
from govhall.housing.tests.factories import completed_case, housed, stock

pytestmark = pytest.mark.django_db

STAFF_PAGES = ["stock", "waiting_list", "rounds", "leases", "arrears", "inspections"]


@pytest.mark.parametrize("name", STAFF_PAGES)
def test_workbench_pages_refuse_wrong_personas(
    name, client_as, applicant, other_clerk, supervisor, approver, item
):
    url = reverse(f"housing:{name}")
    assert client_as(None).get(url).status_code == 302
    for user in (applicant, other_clerk, supervisor):
        assert client_as(user).get(url).status_code == 403
    assert client_as(approver).get(url).status_code == 200


def test_workbench_posts_refuse_other_department(client_as, other_clerk, applicant, item):
    case = completed_case(applicant, item)
    client = client_as(other_clerk)
    assert client.post(reverse("housing:waiting_add"), {"case": case.number}).status_code == 403
    assert client.post(reverse("housing:bills_issue"), {"month": "2026-01-01"}).status_code == 403
    assert not WaitingEntry.objects.exists()


def test_mine_refuses_staff_and_anonymous(client_as, clerk, item):
    url = reverse("housing:mine")
    assert client_as(None).get(url).status_code == 302
    assert client_as(clerk).get(url).status_code == 403


def test_clerk_lists_and_approver_ranks_and_opens_a_round(
    client_as, applicant, item, clerk, approver
):
    case = completed_case(applicant, item)
    response = client_as(clerk).post(reverse("housing:waiting_add"), {"case": case.number})
    assert response.status_code == 302 and WaitingEntry.objects.filter(case=case).exists()
    staff = client_as(approver)
    staff.post(reverse("housing:waiting_rank"), {"method": "lottery", "seed": "abc"})
    assert WaitingEntry.objects.get().rank == 1
    page = staff.get(reverse("housing:waiting_list")).content.decode()
    assert case.number in page
    units = stock(2)
    staff.post(
        reverse("housing:round_open"),
        {"name": "首批", "estate": units[0].building.estate.pk, "units": [units[0].pk]},
    )
    allocation = AllocationRound.objects.get()
    assert "首批" in staff.get(reverse("housing:rounds")).content.decode()
    tenant_page = client_as(applicant).get(reverse("housing:mine")).content.decode()
    assert "确认选房" in tenant_page and "第 1 位" in tenant_page
    client_as(applicant).post(
        reverse("housing:mine_choose", args=[allocation.pk]), {"unit": units[0].pk}
    )
    assert Unit.objects.get(pk=units[0].pk).state == Unit.State.RESERVED
    detail = staff.get(reverse("housing:round_detail", args=[allocation.pk])).content.decode()
    assert "生成合同" in detail


def test_tenant_signs_and_pays_once_and_sees_only_own(
    client_as, applicant, other_applicant, item, approver
):
    lease = housed(applicant, item, approver)
    services_lease.rent_bills_issue(actor=None, month=dt.date(2026, 2, 1))
    bill = RentBill.objects.get()
    tenant = client_as(applicant)
    page = tenant.get(reverse("housing:mine")).content.decode()
    assert lease.number in page and "缴费" in page
    url = reverse("housing:mine_pay", args=[bill.pk])
    tenant.post(url, {"reference": "SIMA"})
    tenant.post(url, {"reference": "SIMA"})
    assert RentBill.objects.get().state == RentBill.State.PAID and bill.payments.count() == 1
    other = client_as(other_applicant)
    assert lease.number not in other.get(reverse("housing:mine")).content.decode()
    assert other.post(url, {"reference": "SIMB"}).status_code == 404
    assert other.post(reverse("housing:mine_sign", args=[lease.pk])).status_code == 404


def test_staff_inspects_and_ends_a_lease_from_the_page(client_as, applicant, item, approver):
    lease = housed(applicant, item, approver)
    staff = client_as(approver)
    url = reverse("housing:lease_action", args=[lease.pk])
    staff.post(
        url, {"action": "inspect", "date": "2026-02-01", "findings": "<b>正常</b>", "outcome": "ok"}
    )
    page = staff.get(reverse("housing:inspections")).content.decode()
    assert "&lt;b&gt;正常&lt;/b&gt;" in page
    staff.post(url, {"action": "end", "reason": "自愿退出"})
    assert Unit.objects.get(pk=lease.unit_id).state == Unit.State.AVAILABLE

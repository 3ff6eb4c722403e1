"""The housing API: each endpoint's happy path and the personas it refuses."""

from __future__ import annotations

import datetime as dt

import pytest

from govhall.housing import services_lease
from govhall.housing.models import RentBill
from govhall.housing.tests.factories import completed_case, housed, stock

pytestmark = pytest.mark.django_db

STAFF_GETS = [
    "/api/v1/housing/units",
    "/api/v1/housing/waiting-list",
    "/api/v1/housing/rounds",
    "/api/v1/housing/arrears",
    "/api/v1/housing/inspections",
]


@pytest.mark.parametrize("url", STAFF_GETS)
def test_staff_lists_refuse_citizens_and_other_departments(
    url, client_for, applicant, other_clerk, supervisor, approver, api_client, item
):
    for user in (applicant, other_clerk, supervisor):
        assert client_for(user).get(url).status_code == 403
    assert api_client.get(url).status_code in (401, 403)
    assert client_for(approver).get(url).status_code == 200


def test_staff_writes_refuse_other_department(client_for, other_clerk, applicant, item):
    case = completed_case(applicant, item)
    client = client_for(other_clerk)
    assert client.post("/api/v1/housing/waiting-list", {"case": case.number}).status_code == 403
    assert client.post("/api/v1/housing/waiting-list/rank", {}).status_code == 403
    assert client.post("/api/v1/housing/bills/issue", {"month": "2026-02-01"}).status_code == 403
    citizen = client_for(applicant)
    for url in (
        "/api/v1/housing/rounds",
        "/api/v1/housing/leases",
        "/api/v1/housing/inspections",
        "/api/v1/housing/waiting-list",
        "/api/v1/housing/bills/issue",
    ):
        assert citizen.post(url, {}).status_code == 403, url
        assert client.post(url, {}).status_code == 403, url


def test_list_rank_and_round_through_the_api(client_for, applicant, item, clerk, approver):
    case = completed_case(applicant, item)
    response = client_for(clerk).post(
        "/api/v1/housing/waiting-list", {"case": case.number}, format="json"
    )
    assert response.status_code == 201, response.content
    again = client_for(clerk).post(
        "/api/v1/housing/waiting-list", {"case": case.number}, format="json"
    )
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_listed"
    staff = client_for(approver)
    assert staff.post("/api/v1/housing/waiting-list/rank", {}).json() == {"ranked": 1}
    units = stock(2)
    estate = units[0].building.estate
    opened = staff.post(
        "/api/v1/housing/rounds",
        {"name": "第一批", "estate": estate.pk, "units": [u.pk for u in units]},
        format="json",
    )
    assert opened.status_code == 201, opened.content
    round_id = opened.json()["id"]
    tenant = client_for(applicant)
    detail = tenant.get(f"/api/v1/housing/rounds/{round_id}").json()
    assert detail["seats"][0]["applicant"].endswith("*")
    chose = tenant.post(
        f"/api/v1/housing/rounds/{round_id}/choose", {"unit": units[1].pk}, format="json"
    )
    assert chose.status_code == 201, chose.content
    lease = staff.post(
        "/api/v1/housing/leases",
        {"choice": chose.json()["choice"], "start": "2026-01-01"},
        format="json",
    )
    assert lease.status_code == 201
    signed = tenant.post(f"/api/v1/housing/leases/{lease.json()['id']}/sign")
    assert signed.status_code == 200 and signed.json()["state"] == "active"
    mine = tenant.get("/api/v1/housing/mine").json()
    assert mine["entries"][0]["state"] == "allocated" and mine["leases"][0]["state"] == "active"
    assert mine["seats"][0]["position"] == 1


def test_round_of_others_is_404_for_a_citizen(
    client_for, applicant, other_applicant, item, approver
):
    housed(applicant, item, approver)
    from govhall.housing.models import AllocationRound

    round_id = AllocationRound.objects.get().pk
    response = client_for(other_applicant).get(f"/api/v1/housing/rounds/{round_id}")
    assert response.status_code == 404
    assert (
        client_for(other_applicant)
        .post(f"/api/v1/housing/rounds/{round_id}/choose", {"unit": 1})
        .status_code
        == 404
    )


def test_pay_twice_and_tenant_isolation(client_for, applicant, other_applicant, item, approver):
    lease = housed(applicant, item, approver)
    services_lease.rent_bills_issue(actor=None, month=dt.date(2026, 2, 1))
    bill = RentBill.objects.get()
    url = f"/api/v1/housing/bills/{bill.pk}/pay"
    tenant = client_for(applicant)
    first = tenant.post(url, {"reference": "SIM-1"}, format="json")
    assert first.status_code == 200 and first.json()["state"] == "paid"
    assert tenant.post(url, {"reference": "SIM-1"}, format="json").status_code == 200
    second = tenant.post(url, {"reference": "SIM-2"}, format="json")
    assert second.status_code == 409
    other = client_for(other_applicant)
    assert other.post(url, {"reference": "SIM-3"}, format="json").status_code == 404
    assert other.get(f"/api/v1/housing/leases/{lease.pk}").status_code == 404
    assert other.get("/api/v1/housing/bills").json()["count"] == 0
    assert other.get("/api/v1/housing/leases").json()["count"] == 0
    assert tenant.get("/api/v1/housing/bills").json()["count"] == 1


def test_bad_input_is_4xx(client_for, approver, applicant, item):
    lease = housed(applicant, item, approver)
    staff = client_for(approver)
    assert staff.post("/api/v1/housing/bills/issue", {"month": "bad"}).status_code == 400
    bad = staff.post(
        "/api/v1/housing/inspections",
        {"lease": lease.pk, "date": "2026-02-02", "findings": "x", "outcome": "maybe"},
        format="json",
    )
    assert bad.status_code == 422
    ok = staff.post(
        "/api/v1/housing/inspections",
        {"lease": lease.pk, "date": "2026-02-02", "findings": "正常居住", "outcome": "ok"},
        format="json",
    )
    assert ok.status_code == 201
    assert (
        client_for(applicant)
        .post(f"/api/v1/housing/leases/{lease.pk}/end", {"reason": "x"})
        .status_code
        == 403
    )
    ended = staff.post(f"/api/v1/housing/leases/{lease.pk}/end", {"reason": "自愿退出"})
    assert ended.status_code == 200 and ended.json()["unit"]["state"] == "available"


def test_provider_callback_is_verified_and_idempotent(api_client, applicant, item, approver):
    from govhall.cases.contrib.payments import SimulatedProvider

    housed(applicant, item, approver)
    services_lease.rent_bills_issue(actor=None, month=dt.date(2026, 2, 1))
    bill = RentBill.objects.get()
    order = services_lease.bill_order_number(bill)
    data = {"order": order, "ref": "SIMCB1", "amount": f"{bill.amount:.2f}"}
    signed = {**data, "signature": SimulatedProvider().sign(order, "SIMCB1", bill.amount)}
    url = "/api/v1/housing/payments/callback/simulated"
    forged = api_client.post(url, {**data, "signature": "0" * 64}, format="json")
    assert forged.status_code == 422 and RentBill.objects.get().state == RentBill.State.UNPAID
    assert api_client.post(url, signed, format="json").status_code == 200
    assert api_client.post(url, signed, format="json").status_code == 200
    assert bill.payments.count() == 1 and RentBill.objects.get().state == RentBill.State.PAID
    other = {"order": order, "ref": "SIMCB2", "amount": data["amount"]}
    other["signature"] = SimulatedProvider().sign(order, "SIMCB2", bill.amount)
    assert api_client.post(url, other, format="json").status_code == 409


def test_tenant_and_staff_endpoints_refuse_each_other(
    client_for, applicant, other_applicant, item, approver, clerk, other_clerk
):
    lease = housed(applicant, item, approver)
    from govhall.housing.models import AllocationRound

    round_id = AllocationRound.objects.get().pk
    assert client_for(clerk).get("/api/v1/housing/mine").status_code == 403
    assert client_for(other_clerk).get("/api/v1/housing/mine").status_code == 403
    assert client_for(other_clerk).get("/api/v1/housing/leases").status_code == 403
    assert client_for(other_clerk).get("/api/v1/housing/bills").status_code == 403
    assert client_for(other_clerk).get(f"/api/v1/housing/leases/{lease.pk}").status_code == 404
    assert client_for(applicant).post(f"/api/v1/housing/rounds/{round_id}/close").status_code == 403
    assert client_for(clerk).post(f"/api/v1/housing/rounds/{round_id}/pass").status_code == 403
    assert client_for(approver).post(f"/api/v1/housing/leases/{lease.pk}/sign").status_code == 404
    other = client_for(other_applicant)
    assert other.post(f"/api/v1/housing/rounds/{round_id}/pass").status_code == 404
    assert other.get("/api/v1/housing/mine").json()["leases"] == []

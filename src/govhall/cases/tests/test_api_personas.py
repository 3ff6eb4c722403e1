"""The endpoints around a case refuse the wrong persona: one-click verification, payments,
delivery, authorizations, tasks (STYLE.md rule 8: applicant, other applicant, clerk, clerk of
another department, supervisor, anonymous)."""

from __future__ import annotations

import pytest

from govhall.cases import services_actions
from govhall.cases.models import PaymentOrder
from govhall.cases.tests import test_views_portal as shared
from govhall.cases.tests.factories import case_submitted
from govhall.exchange.models import AccessLogEntry

# fixtures shared with the portal tests
registry = shared.registry
fee_item = shared.fee_item

pytestmark = pytest.mark.django_db


def test_one_click_verification_for_the_handling_clerk_only(
    client_for,
    api_client,
    case,
    registry,
    clerk,
    other_clerk,
    applicant,
    supervisor,
):
    url = f"/api/v1/cases/{case.number}/verification"
    answer = client_for(clerk).get(url)
    assert answer.status_code == 200
    assert answer.json()["subjects"][0]["subject"] == case.applicant_key
    entry = AccessLogEntry.objects.filter(outcome="granted").latest("seq")
    assert entry.purpose_reference == case.number
    assert client_for(other_clerk).get(url).status_code == 404
    assert client_for(applicant).get(url).status_code == 403
    assert client_for(supervisor).get(url).status_code == 403
    assert api_client.get(url).status_code == 401


def test_payments_only_for_the_payer_and_waivers_only_for_the_approver(
    client_for,
    applicant,
    other_applicant,
    clerk,
    reviewer,
    approver,
    fee_item,
):
    case = case_submitted(applicant, fee_item)
    case = services_actions.case_accept(actor=clerk, case=case)
    case = services_actions.case_decide(actor=reviewer, case=case, approve=True)
    case = services_actions.case_decide(actor=approver, case=case, approve=True)
    order = PaymentOrder.objects.get(case=case)
    start = f"/api/v1/cases/{case.number}/payments/{order.number}/start"
    waive = f"/api/v1/cases/{case.number}/payments/{order.number}/waive"
    assert client_for(other_applicant).post(start).status_code == 404
    assert client_for(clerk).post(start).status_code == 404
    assert client_for(clerk).post(waive, {"reason": "小微企业"}).status_code == 403
    assert client_for(applicant).post(waive, {"reason": "小微企业"}).status_code == 403
    assert client_for(approver).post(waive, {"reason": ""}).status_code == 400
    assert client_for(approver).post(waive, {"reason": "小微企业免收"}).status_code == 200
    assert client_for(approver).post(waive, {"reason": "再次减免"}).status_code == 409


def test_mailed_materials_only_by_the_applicant_and_delivery_only_by_the_department(
    client_for, case, applicant, other_applicant, other_clerk
):
    url = f"/api/v1/cases/{case.number}/delivery/"
    assert (
        client_for(other_applicant)
        .post(url + "inbound", {"tracking_number": "EMS12345678"})
        .status_code
        == 404
    )
    assert client_for(other_clerk).post(url + "confirm").status_code == 404
    assert (
        client_for(applicant).post(url + "inbound", {"tracking_number": "EMS12345678"}).status_code
        == 200
    )
    assert client_for(applicant).post(url + "fly").status_code == 404


def test_task_queues_are_empty_for_applicants_and_other_departments(
    client_for, case, applicant, other_clerk, clerk
):
    assert client_for(applicant).get("/api/v1/tasks").json()["count"] == 0
    assert client_for(other_clerk).get("/api/v1/tasks").json()["count"] == 0
    assert client_for(clerk).get("/api/v1/tasks").json()["count"] == 1
    assert client_for(clerk).get("/api/v1/tasks?queue=bogus").status_code == 422


def test_authorizations_are_seen_and_revoked_only_by_their_parties(
    client_for, applicant, other_applicant
):
    assert client_for(applicant).get("/api/v1/authorizations").json() == []
    assert client_for(other_applicant).post("/api/v1/authorizations/1/revoke").status_code == 404
    from govhall.cases.tests.factories import pdf_file

    refused = client_for(applicant).post(
        "/api/v1/authorizations",
        {"principal": other_applicant.id_number, "item": "X", "letter": pdf_file()},
        format="multipart",
    )
    assert refused.status_code == 403  # only agents record authorizations

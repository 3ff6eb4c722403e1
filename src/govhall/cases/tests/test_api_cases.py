"""The cases API: applying with prefill, uploads, idempotent submission, actions with their 403 /
404 / 409, the timeline, notices, payments, delivery and the public progress query."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pypdf import PdfReader

from govhall.cases.contrib.payments import SimulatedProvider
from govhall.cases.models import Case, PaymentOrder
from govhall.cases.tests.factories import FORM, case_submitted, online_item, pdf_file
from govhall.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _apply(client, item) -> dict:
    response = client.post(
        "/api/v1/applications", {"item": item.item.implementation_code}, format="json"
    )
    assert response.status_code == 201, response.content
    return response.json()


def _fill(client, application: dict) -> None:
    form = {k: {**application["form"].get(k, {}), **v} for k, v in FORM.items()}
    response = client.patch(
        f"/api/v1/applications/{application['id']}", {"form": form}, format="json"
    )
    assert response.status_code == 200, response.content
    for material in response.json()["materials"]:
        if material["missing"]:
            upload = client.post(
                f"/api/v1/applications/{application['id']}/materials",
                {"material": material["id"], "file": pdf_file()},
                format="multipart",
            )
            assert upload.status_code == 201, upload.content


def test_prefill_gives_the_form_and_each_value_source(client_for, applicant, item):
    response = client_for(applicant).get(f"/api/v1/items/{item.item.implementation_code}/prefill")
    assert response.status_code == 200
    body = response.json()
    assert body["values"]["applicant"]["name"] == applicant.name
    assert body["sources"]["applicant.name"]["kind"] == "account"
    assert {m["name"] for m in body["materials"]} >= {"公共租赁住房申请承诺书"}


def test_submission_with_the_same_idempotency_key_creates_one_case(client_for, applicant, item):
    client = client_for(applicant)
    application = _apply(client, item)
    _fill(client, application)
    url = f"/api/v1/applications/{application['id']}/submit"
    first = client.post(url, HTTP_IDEMPOTENCY_KEY="k-1")
    second = client.post(url, HTTP_IDEMPOTENCY_KEY="k-1")
    third = client.post(url)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert third.json()["case_number"] == first.json()["case_number"]
    assert Case.objects.count() == 1


def test_incomplete_application_is_refused_with_every_problem(client_for, applicant, item):
    client = client_for(applicant)
    application = _apply(client, item)
    response = client.post(f"/api/v1/applications/{application['id']}/submit")
    assert response.status_code == 422
    fields = response.json()["error"]["fields"]
    assert any(key.startswith("materials.") for key in fields)
    assert any(key.startswith("form.") for key in fields)


def test_upload_that_lies_about_its_type_is_refused(client_for, applicant, item):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(applicant)
    application = _apply(client, item)
    material = next(m for m in application["materials"] if m["missing"])
    fake = SimpleUploadedFile("承诺书.pdf", b"MZ\x90\x00" + b"\x00" * 200)
    response = client.post(
        f"/api/v1/applications/{application['id']}/materials",
        {"material": material["id"], "file": fake},
        format="multipart",
    )
    assert response.status_code == 422


def test_another_applicant_cannot_see_or_touch_my_application_or_case(
    client_for, applicant, other_applicant, item
):
    application = _apply(client_for(applicant), item)
    other = client_for(other_applicant)
    assert other.get(f"/api/v1/applications/{application['id']}").status_code == 404
    assert other.post(f"/api/v1/applications/{application['id']}/submit").status_code == 404
    case = case_submitted(applicant, item)
    assert other.get(f"/api/v1/cases/{case.number}").status_code == 404
    assert other.post(f"/api/v1/cases/{case.number}/actions/withdraw").status_code == 404
    assert client_for(applicant).get(f"/api/v1/cases/{case.number}").status_code == 200


def test_actions_answer_403_for_the_wrong_post_404_for_another_department_409_when_not_allowed(
    client_for, case, clerk, reviewer, other_clerk
):
    url = f"/api/v1/cases/{case.number}/actions/"
    assert client_for(other_clerk).post(url + "accept").status_code == 404
    assert client_for(reviewer).post(url + "accept").status_code == 403
    assert client_for(clerk).post(url + "accept").status_code == 200
    again = client_for(clerk).post(url + "accept")
    assert again.status_code == 409 and again.json()["error"]["code"] == "invalid_transition"
    assert client_for(clerk).post(url + "fly").status_code == 404


def test_staff_case_list_is_scoped_to_the_department(
    client_for, case, clerk, other_clerk, supervisor
):
    assert client_for(clerk).get("/api/v1/cases?status=submitted").json()["count"] == 1
    assert client_for(other_clerk).get("/api/v1/cases").json()["count"] == 0
    assert client_for(clerk).get("/api/v1/tasks?queue=todo").json()["count"] == 1
    assert client_for(other_clerk).get("/api/v1/tasks").json()["count"] == 0
    detail = client_for(supervisor).get(f"/api/v1/cases/{case.number}").json()
    assert "*" in detail["applicant_key"]


def test_timeline_and_notice_pdf(client_for, applicant, case, clerk):
    client_for(clerk).post(f"/api/v1/cases/{case.number}/actions/accept", {"opinion": "材料齐全"})
    timeline = client_for(applicant).get(f"/api/v1/cases/{case.number}/timeline").json()
    assert [e["action"] for e in timeline["events"]] == ["submit", "accept"]
    assert timeline["events"][1]["opinion"] == "材料齐全"
    detail = client_for(applicant).get(f"/api/v1/cases/{case.number}").json()
    acceptance = next(n for n in detail["notices"] if n["kind"] == "acceptance")
    pdf = client_for(applicant).get(acceptance["url"])
    assert pdf["Content-Type"] == "application/pdf"
    import io

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "受理通知书" in text and case.number in text


def test_public_progress_masks_the_name_and_refuses_a_wrong_pair(api_client, case):
    ok = api_client.get("/api/v1/progress", {"number": case.number, "name": case.applicant_name})
    assert ok.status_code == 200 and ok.json()["applicant"].startswith(case.applicant_name[0])
    assert case.applicant_name not in ok.json()["applicant"] or len(case.applicant_name) == 1
    wrong = api_client.get("/api/v1/progress", {"number": case.number, "name": "王五"})
    assert wrong.status_code == 404
    by_password = api_client.get(
        "/api/v1/progress", {"number": case.number, "password": case.query_password}
    )
    assert by_password.status_code == 200


@pytest.fixture
def fee_item(housing_department):
    return online_item(
        housing_department,
        fee_charged=True,
        online_payment=True,
        fee_basis="发改价格规〔2016〕2559号",
        fees=[
            {
                "name": "登记费",
                "standard": "80元/件",
                "basis": "发改价格规〔2016〕2559号",
                "waivable": True,
                "waiver_basis": "小微企业免收",
            }
        ],
    )


def test_fee_case_waits_for_payment_and_a_repeated_callback_pays_once(
    client_for, api_client, applicant, clerk, reviewer, approver, fee_item
):
    case = case_submitted(applicant, fee_item)
    url = f"/api/v1/cases/{case.number}/actions/"
    for actor, action in ((clerk, "accept"), (reviewer, "approve"), (approver, "approve")):
        assert client_for(actor).post(url + action).status_code == 200
    order = PaymentOrder.objects.get(case=case)
    assert order.amount == Decimal("80.00")
    blocked = client_for(clerk).post(url + "complete")
    assert blocked.status_code == 409 and blocked.json()["error"]["code"] == "payment_pending"
    start = client_for(applicant).post(f"/api/v1/cases/{case.number}/payments/{order.number}/start")
    reference = start.json()["reference"]
    callback = {"order": order.number, "ref": reference, "amount": "80.00"}
    callback["signature"] = SimulatedProvider().sign(order.number, reference, Decimal("80.00"))
    forged = {**callback, "signature": "0" * 64}
    assert (
        api_client.post("/api/v1/payments/callback/simulated", forged, format="json").status_code
        == 422
    )
    assert (
        api_client.post("/api/v1/payments/callback/simulated", callback, format="json").status_code
        == 200
    )
    assert (
        api_client.post("/api/v1/payments/callback/simulated", callback, format="json").status_code
        == 200
    )
    other = {**callback, "ref": "SIMOTHER"}
    other["signature"] = SimulatedProvider().sign(order.number, "SIMOTHER", Decimal("80.00"))
    assert (
        api_client.post("/api/v1/payments/callback/simulated", other, format="json").status_code
        == 409
    )
    assert Notification.objects.filter(event="case.paid", channel="sms").count() == 1
    assert client_for(clerk).post(url + "complete").status_code == 200


def test_express_delivery_is_shipped_with_a_tracking_number_and_confirmed(
    client_for, applicant, clerk, reviewer, approver, item
):
    form = {
        **FORM,
        "delivery": {
            "method": "express",
            "recipient": "张三",
            "phone": "13800000000",
            "address": "亳州市谯城区魏武大道1号",
        },
    }
    from govhall.cases import services_submit
    from govhall.cases.tests.factories import application_complete, application_draft

    application = application_complete(applicant, application_draft(applicant, item), form=form)
    case = services_submit.application_submit(actor=applicant, application=application)
    assert case.delivery_method == "express"
    url = f"/api/v1/cases/{case.number}/"
    for actor, action in (
        (clerk, "accept"),
        (reviewer, "approve"),
        (approver, "approve"),
        (clerk, "complete"),
    ):
        assert client_for(actor).post(url + "actions/" + action).status_code == 200
    assert client_for(clerk).post(url + "delivery/confirm").status_code == 409
    bad = client_for(clerk).post(url + "delivery/ship", {"tracking_number": "x"})
    assert bad.status_code == 422
    assert (
        client_for(applicant)
        .post(url + "delivery/ship", {"tracking_number": "EMS1234567890"})
        .status_code
        == 403
    )
    assert (
        client_for(clerk)
        .post(url + "delivery/ship", {"tracking_number": "EMS1234567890"})
        .status_code
        == 200
    )
    assert client_for(clerk).post(url + "delivery/confirm").status_code == 200
    events = [e["action"] for e in client_for(applicant).get(url + "timeline").json()["events"]]
    assert events[-2:] == ["ship", "deliver"]


def test_an_action_on_a_revision_that_moved_on_is_a_conflict(client_for, case, clerk, applicant):
    detail = client_for(applicant).get(f"/api/v1/cases/{case.number}").json()
    seen = detail["revision"]
    url = f"/api/v1/cases/{case.number}/actions/"
    assert client_for(clerk).post(url + "accept", {"revision": seen}).status_code == 200
    stale = client_for(applicant).post(url + "withdraw", {"revision": seen})
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "stale_revision"
    assert Case.objects.get(pk=case.pk).status == Case.Status.PROCESSING


def test_submitting_an_application_that_does_not_exist_is_404(client_for, applicant):
    response = client_for(applicant).post("/api/v1/applications/999999/submit")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "application_not_found"

"""The interaction API: contract paths, personas, bad input."""

from __future__ import annotations

import pytest

from govhall.interaction import services_evaluation, services_tickets
from govhall.interaction.models import Evaluation, Ticket

pytestmark = pytest.mark.django_db


def _url(number: str) -> str:
    return f"/api/v1/cases/{number}/evaluation"


def test_applicant_rates_with_interface_codes(client_for, applicant, completed_case):
    response = client_for(applicant).post(
        _url(completed_case.number), {"grade": "very_satisfied", "text": "好"}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["gbt39046"], body["interface_code"], body["channel"]) == (1, 5, "mobile")
    again = client_for(applicant).post(
        _url(completed_case.number), {"grade": "satisfied"}, format="json"
    )
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_rated"
    followup = client_for(applicant).post(
        _url(completed_case.number), {"grade": "satisfied", "followup": True}, format="json"
    )
    assert followup.status_code == 201
    listed = client_for(applicant).get(_url(completed_case.number)).json()
    assert [row["is_followup"] for row in listed] == [False, True]
    mine = client_for(applicant).get("/api/v1/me/evaluations").json()
    assert mine["count"] == 2


def test_wrong_personas_cannot_rate_or_read(
    client_for, api_client, other_applicant, clerk, completed_case
):
    for client in (client_for(other_applicant), client_for(clerk)):
        assert client.post(_url(completed_case.number), {"grade": "satisfied"}).status_code == 404
        assert client.get(_url(completed_case.number)).status_code == 404
    assert api_client.post(_url(completed_case.number), {"grade": "satisfied"}).status_code == 401
    assert not Evaluation.objects.exists()


def test_rating_before_completion_and_bad_input(client_for, applicant, submitted_case):
    client = client_for(applicant)
    assert client.post(_url(submitted_case.number), {"grade": "basic"}).status_code == 409
    assert client.post(_url(submitted_case.number), {"grade": "7"}).status_code == 400
    bad_channel = client.post(_url(submitted_case.number), {"grade": "basic", "channel": "fax"})
    assert bad_channel.status_code == 422
    long_text = {"grade": "basic", "text": "x" * 2001}
    assert client.post(_url(submitted_case.number), long_text, format="json").status_code == 400


def test_ticket_flow_over_the_api(
    client_for, applicant, other_applicant, clerk, other_clerk, housing_department
):
    created = client_for(applicant).post(
        "/api/v1/interaction/tickets",
        {
            "kind": "enquiry",
            "subject": "<script>alert(1)</script>",
            "text": "问",
            "department": housing_department.pk,
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    ticket_id = created.json()["id"]
    path = f"/api/v1/interaction/tickets/{ticket_id}"
    assert client_for(other_applicant).get(path).status_code == 404
    assert client_for(other_clerk).get(path).status_code == 404
    refused = client_for(other_clerk).post(f"{path}/answer", {"answer": "x"}, format="json")
    assert refused.status_code == 404
    assert client_for(applicant).post(f"{path}/answer", {"answer": "x"}).status_code == 403
    answered = client_for(clerk).post(f"{path}/answer", {"answer": "可以"}, format="json")
    assert answered.status_code == 200 and answered.json()["state"] == "answered"
    assert client_for(applicant).get(path).json()["answer"] == "可以"
    assert client_for(other_applicant).get("/api/v1/interaction/tickets").json()["count"] == 0
    faq = client_for(clerk).post(f"{path}/faq", {"question": "能申请吗"}, format="json")
    assert faq.status_code == 201
    public = client_for(other_applicant).get("/api/v1/interaction/faq").json()
    assert [row["question"] for row in public["results"]] == ["能申请吗"]


def test_ticket_bad_input(
    client_for, applicant, other_applicant, submitted_case, housing_department
):
    client = client_for(applicant)
    url = "/api/v1/interaction/tickets"
    base = {"kind": "complaint", "subject": "s", "text": "t", "department": housing_department.pk}
    assert client.post(url, {**base, "text": "x" * 2001}, format="json").status_code == 400
    assert client.post(url, {**base, "kind": "praise"}, format="json").status_code == 422
    other = client_for(other_applicant).post(
        url, {**base, "case": submitted_case.number}, format="json"
    )
    assert other.status_code == 422 and other.json()["error"]["code"] == "case_not_own"
    assert client.get(f"{url}?kind=praise").status_code == 422
    assert not Ticket.objects.exists()


def test_rectifications_over_the_api(client_for, bad_review, clerk, other_clerk, applicant):
    rect = bad_review.rectification
    base = f"/api/v1/interaction/rectifications/{rect.pk}"
    assert client_for(clerk).get("/api/v1/interaction/rectifications").json()["count"] == 1
    for persona in (other_clerk, applicant):
        assert client_for(persona).get("/api/v1/interaction/rectifications").json()["count"] == 0
        assert client_for(persona).get(base).status_code == 404
        assert client_for(persona).post(f"{base}/actions/verify", {"text": "x"}).status_code == 404
    client = client_for(clerk)
    assert client.post(f"{base}/actions/callback", {"text": "x"}).status_code == 409
    assert client.post(f"{base}/actions/fly", {"text": "x"}).status_code == 404
    assert client.post(f"{base}/actions/verify", {"text": "属实"}).status_code == 200
    assert client.post(f"{base}/actions/callback", {"text": "已致歉"}).status_code == 200
    done = client.post(f"{base}/actions/resolve", {"text": "已整改", "outcome": "fix_now"})
    assert done.status_code == 200 and done.json()["state"] == "closed"


def test_public_ratings(api_client, bad_review, clerk):
    rows = api_client.get("/api/v1/interaction/ratings").json()
    assert rows == [
        {
            "department_id": bad_review.department_id,
            "department": bad_review.department.name,
            "count": 1,
            "good_rate": 0.0,
            "bad_count": 1,
            "rectified_rate": 0.0,
        }
    ]
    rect = bad_review.rectification
    rect = services_evaluation.rectification_verify(actor=clerk, rectification=rect, finding="x")
    rect = services_evaluation.rectification_callback(actor=clerk, rectification=rect, record="x")
    services_evaluation.rectification_resolve(
        actor=clerk, rectification=rect, outcome="explain", text="x"
    )
    assert api_client.get("/api/v1/interaction/ratings").json()[0]["rectified_rate"] == 1.0


def test_hotline_routes_over_the_api(client_for, hotline, clerk, housing_department):
    created = client_for(hotline).post(
        "/api/v1/interaction/tickets",
        {
            "kind": "enquiry",
            "subject": "来电",
            "text": "问",
            "contact_name": "王",
            "contact_phone": "13900000000",
        },
        format="json",
    )
    assert created.status_code == 201 and created.json()["department_id"] is None
    ticket = Ticket.objects.get()
    path = f"/api/v1/interaction/tickets/{ticket.pk}/route"
    assert client_for(clerk).post(path, {"department": housing_department.pk}).status_code == 404
    routed = client_for(hotline).post(path, {"department": housing_department.pk})
    assert routed.status_code == 200
    assert client_for(clerk).get(f"/api/v1/interaction/tickets/{ticket.pk}").status_code == 200
    services_tickets.ticket_answer(actor=clerk, ticket=ticket, answer="答")

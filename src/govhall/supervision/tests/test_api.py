"""The supervision API, persona by persona: who sees what, who may act, bad input."""

from __future__ import annotations

import pytest

from govhall.supervision.models import Accountability, Alert

pytestmark = pytest.mark.django_db

ALERTS = "/api/v1/supervision/alerts"
ACCOUNTABILITIES = "/api/v1/supervision/accountabilities"


def red(task) -> Alert:
    return Alert.objects.get(source="task", source_id=task.pk, level="red")


def test_list_scoped_by_persona(
    swept,
    client_for,
    supervisor,
    reviewer,
    other_clerk,
    district_supervisor,
    admin_user,
    applicant,
    api_client,
):
    total = Alert.objects.count()
    assert total == 6
    for user, expected in [
        (supervisor, total),
        (admin_user, total),
        (reviewer, total),
        (other_clerk, 0),
        (district_supervisor, 0),
    ]:
        response = client_for(user).get(ALERTS)
        assert response.status_code == 200, user
        assert response.json()["count"] == expected, user
    assert client_for(applicant).get(ALERTS).status_code == 404
    assert api_client.get(ALERTS).status_code in (401, 403)


def test_list_filters_and_masking(swept, client_for, supervisor, applicant):
    body = client_for(supervisor).get(ALERTS, {"level": "red", "source": "task"}).json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["level"] == "red" and row["case_number"] == swept.case.number
    assert row["applicant"] != applicant.name and row["applicant"].startswith(applicant.name[0])
    assert "*" in row["applicant_key"]
    assert client_for(supervisor).get(ALERTS, {"state": "resolved"}).json()["count"] == 0
    assert client_for(supervisor).get(ALERTS, {"level": "purple"}).status_code == 400
    assert client_for(supervisor).get(ALERTS, {"department": "x"}).status_code == 400


def test_other_district_board_is_refused(swept, client_for, district_supervisor, supervisor):
    assert (
        client_for(district_supervisor).get(ALERTS, {"region": "341600000000"}).status_code == 404
    )
    assert (
        client_for(district_supervisor).get(ALERTS, {"region": "341602000000"}).status_code == 200
    )
    assert client_for(supervisor).get(ALERTS, {"region": "341602000000"}).json()["count"] == 0


def test_detail_scoped(
    swept, client_for, supervisor, reviewer, other_clerk, district_supervisor, applicant
):
    url = f"{ALERTS}/{red(swept).pk}"
    assert client_for(supervisor).get(url).status_code == 200
    assert client_for(reviewer).get(url).status_code == 200
    for user in (other_clerk, district_supervisor, applicant):
        assert client_for(user).get(url).status_code == 404, user
    assert client_for(supervisor).get(f"{ALERTS}/999999").status_code == 404


def test_actions(swept, client_for, supervisor, reviewer, district_supervisor, applicant):
    alert = red(swept)
    url = f"{ALERTS}/{alert.pk}/actions/"
    assert client_for(reviewer).post(url + "acknowledge", {}).status_code == 403
    assert client_for(district_supervisor).post(url + "acknowledge", {}).status_code == 404
    assert client_for(applicant).post(url + "comment", {"text": "x"}).status_code == 404
    assert client_for(supervisor).post(url + "explode", {}).status_code == 404
    response = client_for(supervisor).post(url + "acknowledge", {"text": "已阅"}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "acknowledged"
    assert client_for(supervisor).post(url + "acknowledge", {}).status_code == 409
    assert client_for(supervisor).post(url + "comment", {"text": ""}).status_code == 422
    assert client_for(supervisor).post(url + "comment", {"text": "x" * 2001}).status_code == 400
    hostile = "<script>alert(1)</script>"
    response = client_for(supervisor).post(url + "comment", {"text": hostile}, format="json")
    assert response.json()["comments"][-1]["text"] == hostile  # JSON carries it as data
    response = client_for(supervisor).post(url + "escalate", {"text": "督办"}, format="json")
    assert response.json()["state"] == "escalated"


def test_accountabilities(
    swept, client_for, supervisor, reviewer, other_clerk, district_supervisor, applicant
):
    assert client_for(supervisor).get(ACCOUNTABILITIES).json()["count"] == 1
    assert client_for(reviewer).get(ACCOUNTABILITIES).json()["count"] == 1  # its department
    assert client_for(other_clerk).get(ACCOUNTABILITIES).json()["count"] == 0
    assert client_for(district_supervisor).get(ACCOUNTABILITIES).json()["count"] == 0
    assert client_for(applicant).get(ACCOUNTABILITIES).status_code == 404
    body = client_for(supervisor).get(ACCOUNTABILITIES).json()["results"][0]
    assert body["responsibility"]["basis"]


def test_accountability_open_and_decide(
    swept, client_for, supervisor, reviewer, district_supervisor
):
    yellow = Alert.objects.get(source="task", level="yellow")
    payload = {"alert": yellow.pk, "findings": "经核查,审核环节积压"}
    assert client_for(reviewer).post(ACCOUNTABILITIES, payload).status_code == 403
    assert client_for(district_supervisor).post(ACCOUNTABILITIES, payload).status_code == 404
    response = client_for(supervisor).post(ACCOUNTABILITIES, payload, format="json")
    assert response.status_code == 201
    record_id = response.json()["id"]
    assert client_for(supervisor).post(ACCOUNTABILITIES, payload).status_code == 409
    url = f"{ACCOUNTABILITIES}/{record_id}/decide"
    assert client_for(reviewer).post(url, {"decision": "confirmed"}).status_code == 403
    assert client_for(district_supervisor).post(url, {"decision": "confirmed"}).status_code == 404
    assert client_for(supervisor).post(url, {"decision": "maybe"}).status_code == 400
    assert client_for(supervisor).post(url, {"decision": "dismissed"}).status_code == 422
    response = client_for(supervisor).post(
        url, {"decision": "confirmed", "reason": "属实"}, format="json"
    )
    assert response.status_code == 200 and response.json()["state"] == "confirmed"
    assert Accountability.objects.get(pk=record_id).decided_by == supervisor


def test_anonymous_refused_everywhere(swept, api_client):
    alert = red(swept)
    record = Accountability.objects.get(alert=alert)
    for method, url in [
        ("get", ALERTS),
        ("get", f"{ALERTS}/{alert.pk}"),
        ("post", f"{ALERTS}/{alert.pk}/actions/comment"),
        ("get", ACCOUNTABILITIES),
        ("post", ACCOUNTABILITIES),
        ("post", f"{ACCOUNTABILITIES}/{record.pk}/decide"),
    ]:
        assert getattr(api_client, method)(url, {}).status_code in (401, 403), url

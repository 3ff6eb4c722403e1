"""Pages and API of 公示: the public board (read without login, object with login), the
workbench's objection handling, the applicant's period, and the wrong personas refused on every
new page and endpoint."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from govhall.cases import services_actions as actions
from govhall.cases import services_publicity as publicity
from govhall.cases.models import Case, Objection
from govhall.cases.tests.publicity_fixtures import submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_notice(applicant, publicity_item, community_clerk, street_reviewer, reviewer) -> Case:
    case = submit(applicant, publicity_item)
    case = actions.case_accept(actor=community_clerk, case=case)
    case = actions.case_decide(actor=street_reviewer, case=case, approve=True)
    return actions.case_decide(actor=reviewer, case=case, approve=True)


@pytest.fixture
def objection(on_notice, other_applicant) -> Objection:
    notice = on_notice.publicity.get()
    return publicity.objection_file(actor=other_applicant, notice_id=notice.pk, text="另有住房")


def test_public_board_lists_the_notice_masked_without_login(client_as, on_notice):
    page = client_as(None).get("/cases/publicity/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "公示测试事项" in text and "张*" in text
    assert "张三" not in text and on_notice.number not in text
    assert "登录后提出异议" in text


def test_objecting_needs_a_login_and_a_person(client_as, on_notice, other_applicant, clerk):
    notice = on_notice.publicity.get()
    url = f"/cases/publicity/{notice.pk}/object/"
    anonymous = client_as(None).post(url, {"text": "异议"})
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    assert client_as(clerk).post(url, {"text": "异议"}).status_code == 403
    assert client_as(other_applicant).post(url, {"text": ""}).status_code == 400
    filed = client_as(other_applicant).post(url, {"text": "申请人另有住房"})
    assert filed.status_code == 302
    assert Objection.objects.get(notice=notice).author_id == other_applicant.pk
    again = client_as(other_applicant).post(url, {"text": "再提一次"})
    assert again.status_code == 409 and "已对该公示提出过异议" in again.content.decode()
    mine = client_as(other_applicant).get("/cases/publicity/").content.decode()
    assert 'id="my-objections"' in mine
    assert (
        client_as(other_applicant)
        .post("/cases/publicity/999999/object/", {"text": "x"})
        .status_code
        == 404
    )


def test_workbench_shows_objections_and_handle_buttons_to_the_handler_only(
    client_as, on_notice, objection, approver, reviewer, other_clerk, street_reviewer
):
    url = f"/cases/case/{on_notice.number}/"
    page = client_as(approver).get(url).content.decode()
    assert f'id="objection-{objection.pk}"' in page and "异议成立" in page
    assert "另有住房" in page
    read_only = client_as(reviewer).get(url).content.decode()
    assert "另有住房" in read_only and "异议成立</button>" not in read_only
    assert client_as(other_clerk).get(url).status_code == 404

    handle = f"/cases/case/{on_notice.number}/objections/{objection.pk}/handle/"
    form = {"decision": "uphold", "reply": "经核实属实"}
    assert client_as(other_clerk).post(handle, form).status_code == 404
    assert client_as(reviewer).post(handle, form).status_code == 403
    assert client_as(approver).post(handle, {"decision": "uphold", "reply": ""}).status_code == 422
    assert client_as(approver).post(handle, form).status_code == 302
    assert Objection.objects.get(pk=objection.pk).state == Objection.State.UPHELD


def test_workbench_approve_during_the_period_shows_the_409(client_as, on_notice, approver):
    answer = client_as(approver).post(
        f"/cases/case/{on_notice.number}/act/approve/", {"revision": on_notice.revision}
    )
    assert answer.status_code == 409
    assert "公示期至" in answer.content.decode()


def test_workbench_ends_a_due_publicity_with_one_button(client_as, on_notice, approver):
    notice = on_notice.publicity.get()
    with time_machine.travel(notice.ends_on + dt.timedelta(days=1), tick=False):
        page = client_as(approver).get(f"/cases/case/{on_notice.number}/").content.decode()
        assert "结束公示" in page
        answer = client_as(approver).post(
            f"/cases/case/{on_notice.number}/act/approve/", {"revision": on_notice.revision}
        )
    assert answer.status_code == 302
    assert Case.objects.get(pk=on_notice.pk).step == "decide"


def test_applicant_sees_the_publicity_period(client_as, on_notice, applicant):
    notice = on_notice.publicity.get()
    page = client_as(applicant).get(f"/cases/mine/{on_notice.number}/").content.decode()
    assert 'id="publicity"' in page and f"{notice.ends_on:%Y-%m-%d}" in page


def test_api_lists_notices_publicly(api_client, on_notice):
    for url in ("/api/v1/publicity", "/api/v1/publicity/"):
        answer = api_client.get(url)
        assert answer.status_code == 200
        row = answer.json()["results"][0]
        assert row["applicant"] == "张*" and "number" not in row


def test_api_objection_filing_refuses_the_wrong_persona(
    api_client, client_for, on_notice, other_applicant, applicant, clerk
):
    url = f"/api/v1/publicity/{on_notice.publicity.get().pk}/objections"
    assert api_client.post(url, {"text": "x"}, format="json").status_code in {401, 403}
    assert client_for(clerk).post(url, {"text": "x"}, format="json").status_code == 403
    assert client_for(applicant).post(url, {"text": "x"}, format="json").status_code == 422
    assert client_for(other_applicant).post(url, {}, format="json").status_code == 400
    created = client_for(other_applicant).post(url, {"text": "另有住房"}, format="json")
    assert created.status_code == 201 and created.json()["state"] == "open"


def test_api_objection_handling_refuses_the_wrong_persona(
    api_client, client_for, on_notice, objection, applicant, other_clerk, reviewer, approver
):
    url = f"/api/v1/cases/{on_notice.number}/objections/{objection.pk}/handle"
    body = {"decision": "dismiss", "reply": "经核实不属实"}
    assert api_client.post(url, body, format="json").status_code in {401, 403}
    assert client_for(other_clerk).post(url, body, format="json").status_code == 404
    assert client_for(applicant).post(url, body, format="json").status_code == 403
    assert client_for(reviewer).post(url, body, format="json").status_code == 403
    assert client_for(approver).post(url, {"decision": "?"}, format="json").status_code == 400
    answer = client_for(approver).post(url, body, format="json")
    assert answer.status_code == 200 and answer.json()["state"] == "dismissed"
    detail = client_for(approver).get(f"/api/v1/cases/{on_notice.number}").json()
    assert detail["publicity"][0]["objections"][0]["state"] == "dismissed"
    mine = client_for(applicant).get(f"/api/v1/cases/{on_notice.number}").json()
    assert mine["publicity"][0]["objections"] == [] and mine["publicity"][0]["objection_count"] == 1

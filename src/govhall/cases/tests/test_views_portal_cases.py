"""The applicant's case pages (views_portal_cases and views_portal_public): 我的办件, one case
with its receipt and timeline, withdrawal, correction, mailed materials, paying, notices and files,
the public progress query and agents' authorizations; each refuses the wrong persona."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from govhall.cases import services_actions, services_apply
from govhall.cases.models import AgentAuthorization, Case, Delivery, PaymentOrder
from govhall.cases.tests import test_views_portal as shared
from govhall.cases.tests.factories import (
    application_draft,
    case_accepted,
    case_submitted,
    pdf_file,
    single_household_rule_off,
)
from govhall.cases.tests.test_views_portal import login_url

# the fixtures shared with test_views_portal.py
_media = shared._media
agent = shared.agent
fee_item = shared.fee_item


def _refresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


# --- 我的办件 ---------------------------------------------------------------------------------


def test_my_cases_lists_my_cases_and_drafts(client_as, applicant, other_applicant, item, case):
    application_draft(applicant, item)
    theirs = case_submitted(other_applicant, item)
    response = client_as(applicant).get(reverse("cases:my_cases"))
    assert response.status_code == 200
    page = response.content.decode()
    assert case.number in page
    assert theirs.number not in page
    assert "未提交的申请" in page and "草稿" in page
    assert "受理后计算" in page  # no due date before acceptance


def test_my_cases_shows_the_deadline_colour(client_as, applicant, clerk, item):
    case = case_accepted(applicant, clerk, item)
    page = client_as(applicant).get(reverse("cases:my_cases")).content.decode()
    assert "deadline--green" in page
    Case.objects.filter(pk=case.pk).update(due_date="2000-01-01")
    page = client_as(applicant).get(reverse("cases:my_cases")).content.decode()
    assert "deadline--red" in page and "已超期" in page


def test_my_cases_sends_staff_to_the_workbench_and_the_anonymous_to_login(client, client_as, clerk):
    assert client_as(clerk).get(reverse("cases:my_cases")).url == reverse("cases:case_list")
    path = reverse("cases:my_cases")
    assert client.get(path).url == login_url(path)


# --- one case ---------------------------------------------------------------------------------


def test_my_case_shows_the_receipt_and_the_timeline(client_as, applicant, case):
    response = client_as(applicant).get(reverse("cases:my_case", args=[case.number]))
    assert response.status_code == 200
    page = response.content.decode()
    assert case.number in page
    assert f'id="query-password">{case.query_password}<' in page
    receipt = case.notices.get(kind="receipt")
    assert reverse("cases:notice_pdf", args=[case.number, receipt.pk]) in page
    assert 'id="timeline"' in page and "提交" not in page.split('id="timeline"')[0][-1:]
    upload = case.application.uploads.first()
    assert reverse("cases:upload_file", args=[case.number, upload.pk]) in page
    assert "撤回申请" in page


def test_my_case_timeline_has_every_step(client_as, applicant, clerk, item):
    case = case_accepted(applicant, clerk, item)
    page = client_as(applicant).get(reverse("cases:my_case", args=[case.number])).content.decode()
    timeline = page.split('id="timeline"')[1].split("</ol>")[0]
    assert "受理" in timeline and clerk.name in timeline
    assert "申请材料齐全" in timeline  # the clerk's opinion
    assert "受理通知书" in page


def test_my_case_of_another_applicant_is_404(client_as, other_applicant, case):
    response = client_as(other_applicant).get(reverse("cases:my_case", args=[case.number]))
    assert response.status_code == 404


def test_my_case_sends_staff_to_the_workbench(client_as, clerk, other_clerk, case):
    response = client_as(clerk).get(reverse("cases:my_case", args=[case.number]))
    assert response.url == reverse("cases:case_detail", args=[case.number])
    response = client_as(other_clerk).get(reverse("cases:my_case", args=[case.number]))
    assert response.status_code == 404


def test_my_case_sends_the_anonymous_to_login(client, case):
    path = reverse("cases:my_case", args=[case.number])
    assert client.get(path).url == login_url(path)


# --- 撤回 ---------------------------------------------------------------------------------------


def test_withdraw(client_as, applicant, case):
    client = client_as(applicant)
    response = client.post(
        reverse("cases:my_case_action", args=[case.number, "withdraw"]), {"opinion": "不办了"}
    )
    assert response.status_code == 302
    case = _refresh(case)
    assert case.status == Case.Status.WITHDRAWN
    assert case.events.last().opinion == "不办了"
    page = client.get(response.url).content.decode()
    assert "已撤回" in page and "确认撤回" not in page
    again = client.post(reverse("cases:my_case_action", args=[case.number, "withdraw"]))
    assert again.status_code == 409
    assert "不能撤回申请" in again.content.decode()


@pytest.mark.parametrize("persona", ["clerk", "supervisor"])
def test_staff_cannot_withdraw(client_as, case, persona, request):
    client = client_as(request.getfixturevalue(persona))
    response = client.post(reverse("cases:my_case_action", args=[case.number, "withdraw"]))
    assert response.status_code in (403, 404)
    assert _refresh(case).status == Case.Status.SUBMITTED


def test_another_applicant_cannot_withdraw(client_as, other_applicant, case):
    response = client_as(other_applicant).post(
        reverse("cases:my_case_action", args=[case.number, "withdraw"])
    )
    assert response.status_code == 404
    assert _refresh(case).status == Case.Status.SUBMITTED


@pytest.mark.parametrize("action", ["accept", "approve", "complete", "nonsense"])
def test_only_applicant_actions_are_offered(client_as, applicant, case, action):
    response = client_as(applicant).post(
        reverse("cases:my_case_action", args=[case.number, action])
    )
    assert response.status_code == 404
    assert _refresh(case).status == Case.Status.SUBMITTED


def test_actions_are_post_only(client_as, applicant, case):
    path = reverse("cases:my_case_action", args=[case.number, "withdraw"])
    assert client_as(applicant).get(path).status_code == 405


# --- 补正 ---------------------------------------------------------------------------------------


@pytest.fixture
def correction_case(case, clerk):
    return services_actions.case_request_correction(
        actor=clerk, case=case, missing=["承诺书未签字", "请补充户口簿首页"]
    )


def test_correction_shows_what_is_missing_and_takes_the_files(
    client_as, applicant, correction_case
):
    case = correction_case
    client = client_as(applicant)
    page = client.get(reverse("cases:my_case", args=[case.number])).content.decode()
    assert "承诺书未签字" in page and "请补充户口簿首页" in page
    assert "提交补正" in page
    letter = case.application.uploads.first().material
    response = client.post(
        reverse("cases:application_upload", args=[case.application_id]),
        {"material": letter.pk, "file": pdf_file("签字承诺书.pdf")},
    )
    assert response.status_code == 302
    assert response.url == reverse("cases:my_case", args=[case.number]) + "#correction"
    assert case.application.uploads.filter(round=2).count() == 1
    response = client.post(
        reverse("cases:my_case_action", args=[case.number, "supplement"]),
        {"opinion": "已补充签字的承诺书"},
    )
    assert response.status_code == 302
    assert _refresh(case).status == Case.Status.SUBMITTED


def test_a_bad_correction_upload_shows_the_error(client_as, applicant, correction_case):
    case = correction_case
    letter = case.application.uploads.first().material
    fake = SimpleUploadedFile("签字承诺书.pdf", b"just text", "application/pdf")
    response = client_as(applicant).post(
        reverse("cases:application_upload", args=[case.application_id]),
        {"material": letter.pk, "file": fake},
    )
    assert response.status_code == 422
    assert 'id="correction-file_error"' in response.content.decode()


def test_an_empty_supplement_is_refused(client_as, applicant, correction_case):
    case = correction_case
    response = client_as(applicant).post(
        reverse("cases:my_case_action", args=[case.number, "supplement"])
    )
    assert response.status_code == 422
    assert "请上传补正材料或填写补正说明" in response.content.decode()
    assert _refresh(case).status == Case.Status.CORRECTION


def test_no_upload_to_a_submitted_case_outside_correction(client_as, applicant, case):
    letter = case.application.uploads.first().material
    response = client_as(applicant).post(
        reverse("cases:application_upload", args=[case.application_id]),
        {"material": letter.pk, "file": pdf_file()},
    )
    assert response.status_code == 409
    assert "只有在补正期间才能补充材料" in response.content.decode()


# --- mailed materials -------------------------------------------------------------------------


def test_register_mailed_materials(client_as, applicant, case):
    client = client_as(applicant)
    response = client.post(
        reverse("cases:my_case", args=[case.number]), {"tracking_number": "SF1234567890"}
    )
    assert response.status_code == 302
    delivery = Delivery.objects.get(case=case)
    assert delivery.direction == Delivery.Direction.INBOUND
    assert "SF1234567890" in client.get(response.url).content.decode()


def test_register_mailed_materials_needs_a_number(client_as, applicant, case):
    response = client_as(applicant).post(reverse("cases:my_case", args=[case.number]), {})
    assert response.status_code == 400
    assert not Delivery.objects.exists()


def test_staff_cannot_register_mailed_materials(client_as, clerk, case):
    response = client_as(clerk).post(
        reverse("cases:my_case", args=[case.number]), {"tracking_number": "SF1234567890"}
    )
    assert response.status_code == 302  # to the workbench page, nothing registered
    assert not Delivery.objects.exists()


# --- notices and files ------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["applicant", "clerk"])
def test_notice_pdf_for_those_who_may_see_the_case(client_as, case, persona, request):
    receipt = case.notices.get(kind="receipt")
    response = client_as(request.getfixturevalue(persona)).get(
        reverse("cases:notice_pdf", args=[case.number, receipt.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")


@pytest.mark.parametrize("persona", ["other_applicant", "other_clerk"])
def test_notice_pdf_of_someone_elses_case_is_404(client_as, case, persona, request):
    receipt = case.notices.get(kind="receipt")
    response = client_as(request.getfixturevalue(persona)).get(
        reverse("cases:notice_pdf", args=[case.number, receipt.pk])
    )
    assert response.status_code == 404


def test_notice_of_another_case_is_404(client_as, applicant, item, case, settings):
    single_household_rule_off(settings)
    mine_too = case_submitted(applicant, item)
    receipt = case.notices.get(kind="receipt")
    response = client_as(applicant).get(
        reverse("cases:notice_pdf", args=[mine_too.number, receipt.pk])
    )
    assert response.status_code == 404


def test_notice_pdf_sends_the_anonymous_to_login(client, case):
    path = reverse("cases:notice_pdf", args=[case.number, case.notices.get().pk])
    assert client.get(path).url == login_url(path)


@pytest.mark.parametrize("persona", ["applicant", "clerk"])
def test_upload_file_for_those_who_may_see_the_case(client_as, case, persona, request):
    upload = case.application.uploads.first()
    response = client_as(request.getfixturevalue(persona)).get(
        reverse("cases:upload_file", args=[case.number, upload.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


@pytest.mark.parametrize("persona", ["other_applicant", "other_clerk"])
def test_upload_file_of_someone_elses_case_is_404(client_as, case, persona, request):
    upload = case.application.uploads.first()
    response = client_as(request.getfixturevalue(persona)).get(
        reverse("cases:upload_file", args=[case.number, upload.pk])
    )
    assert response.status_code == 404


def test_upload_file_of_another_application_is_404(client_as, applicant, item, case):
    draft = application_draft(applicant, item)
    letter = services_apply.material_states(draft)[2].material
    loose = services_apply.upload_add(
        actor=applicant, application=draft, material_id=letter.pk, file=pdf_file()
    )
    response = client_as(applicant).get(reverse("cases:upload_file", args=[case.number, loose.pk]))
    assert response.status_code == 404


# --- paying -----------------------------------------------------------------------------------


@pytest.fixture
def fee_case(applicant, clerk, reviewer, approver, fee_item):
    case = case_accepted(applicant, clerk, fee_item)
    case = services_actions.case_decide(actor=reviewer, case=case, approve=True)
    return services_actions.case_decide(actor=approver, case=case, approve=True)


def test_pay_through_the_simulated_provider(client_as, applicant, fee_case):
    order = fee_case.payments.get()
    client = client_as(applicant)
    page = client.get(reverse("cases:my_case", args=[fee_case.number])).content.decode()
    assert "去缴费" in page and "证书工本费" in page
    response = client.post(reverse("cases:pay", args=[fee_case.number, order.number]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("cases:pay_simulated", args=[order.number]))
    page = client.get(response.url)
    assert page.status_code == 200
    assert "10.00" in page.content.decode() and "确认支付" in page.content.decode()
    reference = response.url.split("ref=")[1]
    done = client.post(reverse("cases:pay_simulated", args=[order.number]), {"ref": reference})
    assert done.status_code == 302
    assert done.url == reverse("cases:my_case", args=[fee_case.number])
    order.refresh_from_db()
    assert order.state == PaymentOrder.State.PAID and order.provider_ref == reference
    assert "去缴费" not in client.get(done.url).content.decode()


def test_the_payment_page_is_for_its_payer_only(
    client_as, applicant, other_applicant, clerk, fee_case
):
    order = fee_case.payments.get()
    started = client_as(applicant).post(reverse("cases:pay", args=[fee_case.number, order.number]))
    for persona in (other_applicant, clerk):
        client = client_as(persona)
        assert client.get(started.url).status_code == 404
        response = client.post(
            reverse("cases:pay_simulated", args=[order.number]), {"ref": "SIMFORGED"}
        )
        assert response.status_code == 404
        assert (
            client.post(reverse("cases:pay", args=[fee_case.number, order.number])).status_code
            == 404
        )
    order.refresh_from_db()
    assert order.state == PaymentOrder.State.PENDING


def test_the_payment_page_needs_a_started_payment(client_as, applicant, fee_case):
    order = fee_case.payments.get()
    response = client_as(applicant).get(reverse("cases:pay_simulated", args=[order.number]))
    assert response.status_code == 404  # not started through the simulated provider


def test_pay_sends_the_anonymous_to_login(client, fee_case):
    order = fee_case.payments.get()
    path = reverse("cases:pay_simulated", args=[order.number])
    assert client.get(path).url == login_url(path)


# --- 进度查询 -----------------------------------------------------------------------------------


def test_progress_form_takes_the_number_from_the_qr_code(client, case):
    response = client.get(reverse("cases:progress"), {"number": case.number})
    assert response.status_code == 200
    assert f'value="{case.number}"' in response.content.decode()


def test_progress_by_name_masks_the_name(client, case, applicant):
    response = client.post(
        reverse("cases:progress"), {"number": case.number, "name": applicant.name}
    )
    assert response.status_code == 200
    page = response.content.decode()
    result = page.split('id="progress-result"')[1]
    assert case.item_name in result
    assert '<dd id="progress-applicant">张*</dd>' in result
    assert applicant.id_number not in page


def test_progress_by_query_password(client, case):
    response = client.post(
        reverse("cases:progress"), {"number": case.number, "password": case.query_password}
    )
    assert response.status_code == 200
    assert 'id="progress-result"' in response.content.decode()


@pytest.mark.parametrize("name", ["李四", "张"])
def test_progress_with_a_wrong_name_is_refused(client, case, name):
    response = client.post(reverse("cases:progress"), {"number": case.number, "name": name})
    assert response.status_code == 404
    page = response.content.decode()
    assert "未找到该办件" in page
    assert 'id="progress-result"' not in page


def test_progress_needs_a_name_or_password(client, case):
    response = client.post(reverse("cases:progress"), {"number": case.number})
    assert response.status_code == 400
    assert "请填写申请人姓名或查询密码" in response.content.decode()


def test_progress_queries_are_limited(client, case, monkeypatch):
    from govhall.cases import views_portal_public

    monkeypatch.setattr(views_portal_public._ProgressPageThrottle, "rate", "2/min")
    data = {"number": case.number, "password": "000000"}
    statuses = [client.post(reverse("cases:progress"), data).status_code for _ in range(3)]
    assert statuses == [404, 404, 429]


# --- 代办授权 -----------------------------------------------------------------------------------


def test_agent_records_an_authorization(client_as, agent, applicant, item):
    client = client_as(agent)
    assert "登记授权委托书" in client.get(reverse("cases:my_authorizations")).content.decode()
    response = client.post(
        reverse("cases:my_authorizations"),
        {
            "principal": applicant.id_number,
            "item": item.item.implementation_code,
            "letter": pdf_file("委托书.pdf"),
        },
    )
    assert response.status_code == 302
    authorization = AgentAuthorization.objects.get()
    assert authorization.agent == agent and authorization.principal == applicant
    assert applicant.name in client.get(response.url).content.decode()


def test_agent_authorization_errors_show_at_the_fields(client_as, agent, item, other_applicant):
    response = client_as(agent).post(
        reverse("cases:my_authorizations"),
        {
            "principal": "341602199001011234",
            "item": item.item.implementation_code,
            "letter": SimpleUploadedFile("委托书.pdf", b"not a pdf", "application/pdf"),
        },
    )
    assert response.status_code == 422
    assert 'id="id_principal_error"' in response.content.decode()
    assert not AgentAuthorization.objects.exists()


def test_principal_sees_and_revokes_an_authorization(
    client_as, agent, applicant, other_applicant, item
):
    authorization = services_apply.authorization_create(
        actor=agent,
        principal_key=applicant.id_number,
        item_code=item.item.implementation_code,
        letter=pdf_file(),
    )
    page = client_as(applicant).get(reverse("cases:my_authorizations")).content.decode()
    assert agent.name in page and "撤销" in page
    assert "登记授权委托书" not in page  # only agents record authorizations
    assert agent.name not in (
        client_as(other_applicant).get(reverse("cases:my_authorizations")).content.decode()
    )
    path = reverse("cases:authorization_revoke", args=[authorization.pk])
    assert client_as(other_applicant).post(path).status_code == 404
    authorization.refresh_from_db()
    assert authorization.revoked_at is None
    assert client_as(applicant).post(path).status_code == 302
    authorization.refresh_from_db()
    assert authorization.revoked_at is not None


def test_citizens_cannot_record_authorizations(client_as, applicant, item):
    response = client_as(applicant).post(
        reverse("cases:my_authorizations"),
        {"principal": applicant.id_number, "item": item.item.implementation_code},
    )
    assert response.status_code == 403


def test_authorizations_refuse_staff_and_the_anonymous(client, client_as, clerk):
    assert client_as(clerk).get(reverse("cases:my_authorizations")).status_code == 403
    path = reverse("cases:my_authorizations")
    assert client.get(path).url == login_url(path)

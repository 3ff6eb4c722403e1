"""The staff workbench pages of cases: my tasks, the case search, the case page with its actions,
the verification panel and pre-review, each for the right staff and refused for everyone else."""

from __future__ import annotations

import pytest
from django.urls import reverse

from govhall.cases.models import Application, Case, Task
from govhall.cases.tests.factories import (
    FORM,
    application_complete,
    application_draft,
    case_submitted,
    online_item,
    single_household_rule_off,
)
from govhall.exchange.tests.conftest import registry  # noqa: F401 (fixture)
from govhall.exchange.tests.factories import population_resource, real_estate_resource

pytestmark = pytest.mark.django_db


def act(client, case: Case, action: str, **data):
    return client.post(reverse("cases:case_act", args=[case.number, action]), data)


def detail(case: Case) -> str:
    return reverse("cases:case_detail", args=[case.number])


def case_pages(case: Case) -> list[str]:
    return [
        reverse("cases:task_list"),
        reverse("cases:case_list"),
        detail(case),
        reverse("cases:case_verify", args=[case.number]),
        reverse("cases:prereview_list"),
    ]


# ---- who may open the pages -------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login_page(client_as, case):
    client = client_as(None)
    for url in case_pages(case):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "login" in response["Location"] and "next=" in response["Location"]
    response = client.post(reverse("cases:case_act", args=[case.number, "accept"]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_applicants_are_refused_every_workbench_page(client_as, case, applicant, other_applicant):
    for user in (applicant, other_applicant):
        client = client_as(user)
        for url in case_pages(case):
            assert client.get(url).status_code in {403, 404}, url
        assert act(client, case, "accept").status_code in {403, 404}
    assert Case.objects.get(pk=case.pk).status == Case.Status.SUBMITTED


def test_a_clerk_of_another_department_finds_no_such_case(client_as, case, other_clerk):
    client = client_as(other_clerk)
    assert client.get(detail(case)).status_code == 404
    assert client.get(reverse("cases:case_verify", args=[case.number])).status_code == 404
    assert act(client, case, "accept").status_code == 404
    assert (
        client.post(reverse("cases:case_delivery", args=[case.number, "confirm"])).status_code
        == 404
    )
    assert (
        client.post(reverse("cases:case_waive", args=[case.number, "JF1"]), {"reason": "x"})
    ).status_code == 404
    tasks = client.get(reverse("cases:task_list"))
    assert tasks.status_code == 200 and case.number not in tasks.text
    search = client.get(reverse("cases:case_list"), {"q": case.number})
    assert search.status_code == 200 and detail(case) not in search.text
    assert Case.objects.get(pk=case.pk).status == Case.Status.SUBMITTED


def test_actions_only_accept_post(client_as, case, clerk):
    response = client_as(clerk).get(reverse("cases:case_act", args=[case.number, "accept"]))
    assert response.status_code == 405


def test_unknown_and_applicant_actions_are_not_found(client_as, case, clerk):
    client = client_as(clerk)
    assert act(client, case, "fly").status_code == 404
    assert act(client, case, "withdraw").status_code == 404
    assert client.post(reverse("cases:case_delivery", args=[case.number, "fly"])).status_code == 404


# ---- 我的待办 ---------------------------------------------------------------------------


def test_task_list_shows_the_case_then_moves_it_to_done_after_accept(client_as, case, clerk):
    client = client_as(clerk)
    todo = client.get(reverse("cases:task_list"))
    assert todo.status_code == 200
    assert case.number in todo.text and detail(case) in todo.text
    assert "deadline--green" in todo.text or "deadline--yellow" in todo.text
    assert act(client, case, "accept").status_code == 302
    todo = client.get(reverse("cases:task_list"))
    assert case.number not in todo.text
    done = client.get(reverse("cases:task_list"), {"queue": "done"})
    assert case.number in done.text
    assert client.get(reverse("cases:task_list"), {"queue": "overdue"}).status_code == 200


def test_task_list_search_and_overdue_colour(client_as, applicant, item, clerk, settings):
    single_household_rule_off(settings)
    first = case_submitted(applicant, item)
    second = case_submitted(applicant, item)
    Task.objects.filter(case=second).update(due_date="2020-01-02")
    client = client_as(clerk)
    found = client.get(reverse("cases:task_list"), {"q": first.number})
    assert first.number in found.text and second.number not in found.text
    overdue = client.get(reverse("cases:task_list"), {"queue": "overdue"})
    assert second.number in overdue.text and first.number not in overdue.text
    assert "deadline--red" in overdue.text
    everything = client.get(reverse("cases:task_list"))
    assert everything.text.index(second.number) < everything.text.index(first.number)


def test_task_list_pages_by_twenty(client_as, applicant, item, clerk, settings):
    single_household_rule_off(settings)
    cases = [case_submitted(applicant, item) for _ in range(21)]
    client = client_as(clerk)
    first = client.get(reverse("cases:task_list"))
    assert sum(c.number in first.text for c in cases) == 20
    assert "page=2" in first.text
    second = client.get(reverse("cases:task_list"), {"page": 2})
    assert sum(c.number in second.text for c in cases) == 1


# ---- 办件查询 ---------------------------------------------------------------------------


def test_case_list_filters(client_as, applicant, other_applicant, item, clerk):
    mine = case_submitted(applicant, item)
    other = case_submitted(other_applicant, item)
    Case.objects.filter(pk=other.pk).update(due_date="2020-01-02")
    client = client_as(clerk)
    url = reverse("cases:case_list")
    everything = client.get(url)
    assert mine.number in everything.text and other.number in everything.text
    by_name = client.get(url, {"q": other_applicant.name})
    assert other.number in by_name.text and mine.number not in by_name.text
    by_id = client.get(url, {"q": applicant.id_number})
    assert mine.number in by_id.text and other.number not in by_id.text
    overdue = client.get(url, {"overdue": "on"})
    assert other.number in overdue.text and mine.number not in overdue.text
    assert mine.number in client.get(url, {"status": "open"}).text
    assert mine.number not in client.get(url, {"status": "completed"}).text
    code = item.item.implementation_code
    assert mine.number in client.get(url, {"item": code}).text
    assert mine.number not in client.get(url, {"item": "nope"}).text
    assert mine.number not in client.get(url, {"received_from": "2099-01-01"}).text
    assert mine.number in client.get(url, {"received_to": "2099-01-01"}).text


def test_case_list_with_a_bad_filter_shows_the_error_and_still_lists(client_as, case, clerk):
    response = client_as(clerk).get(
        reverse("cases:case_list"), {"received_from": "not-a-date", "page": "x"}
    )
    assert response.status_code == 200
    assert case.number in response.text
    assert "field--error" in response.text


def test_case_list_is_one_query_per_page(client_as, applicant, item, clerk, settings):
    single_household_rule_off(settings)
    for _ in range(3):
        case_submitted(applicant, item)
    client = client_as(clerk)
    client.get(reverse("cases:case_list"))  # warm the session and the post cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("cases:case_list"), {"status": "open"})
    assert response.status_code == 200
    case_queries = [q["sql"] for q in queries if 'FROM "cases_case"' in q["sql"]]
    assert len(case_queries) == 1
    assert "COUNT(" not in case_queries[0].upper()


def test_case_list_pages_without_counting(client_as, applicant, item, clerk, settings):
    single_household_rule_off(settings)
    cases = [case_submitted(applicant, item) for _ in range(21)]
    client = client_as(clerk)
    first = client.get(reverse("cases:case_list"))
    assert sum(c.number in first.text for c in cases) == 20
    assert 'rel="next"' in first.text
    second = client.get(reverse("cases:case_list"), {"page": 2})
    assert sum(c.number in second.text for c in cases) == 1
    assert 'rel="next"' not in second.text and 'rel="prev"' in second.text


# ---- the case page ----------------------------------------------------------------------


def test_case_page_for_the_clerk(client_as, case, clerk, applicant):
    response = client_as(clerk).get(detail(case))
    assert response.status_code == 200
    text = response.text
    assert case.number in text and case.item_name in text
    assert applicant.id_number in text  # the handling staff see the applicant's data
    assert reverse("cases:case_act", args=[case.number, "accept"]) in text
    assert reverse("cases:case_act", args=[case.number, "refuse"]) in text
    assert reverse("cases:case_act", args=[case.number, "request-correction"]) in text
    assert reverse("cases:case_act", args=[case.number, "approve"]) not in text
    assert reverse("cases:case_verify", args=[case.number]) in text
    assert 'hx-get="' + reverse("cases:case_verify", args=[case.number]) in text
    upload = case.application.uploads.first()
    assert reverse("cases:upload_file", args=[case.number, upload.pk]) in text
    receipt = case.notices.get(kind="receipt")
    assert reverse("cases:notice_pdf", args=[case.number, receipt.pk]) in text
    assert "申请公共租赁住房保障资格" in text  # the form data
    assert 'id="timeline"' in text


def test_case_page_for_the_reviewer_has_no_accept_button(client_as, case, reviewer):
    text = client_as(reviewer).get(detail(case)).text
    assert reverse("cases:case_act", args=[case.number, "accept"]) not in text


def test_supervisor_sees_the_case_read_only_and_masked(client_as, case, supervisor, applicant):
    response = client_as(supervisor).get(detail(case))
    assert response.status_code == 200
    assert applicant.id_number not in response.text
    assert applicant.id_number[:4] + "**" in response.text
    assert "/act/" not in response.text
    assert "监察岗位只读查看" in response.text
    assert act(client_as(supervisor), case, "accept").status_code == 403
    assert Case.objects.get(pk=case.pk).status == Case.Status.SUBMITTED


def test_changed_prefill_values_are_marked(client_as, applicant, item, clerk):
    application = application_draft(applicant, item)
    applicant_data = {**FORM["applicant"], **application.form["applicant"], "name": "张叁"}
    form = {**FORM, "applicant": applicant_data}
    application = application_complete(applicant, application, form=form)
    from govhall.cases import services_submit

    case = services_submit.application_submit(actor=applicant, application=application)
    text = client_as(clerk).get(detail(case)).text
    assert "origin--changed" in text and "张叁" in text
    assert "申请人修改了 1 项预填数据" in text


# ---- actions ----------------------------------------------------------------------------


def test_accept_moves_the_case_and_writes_the_timeline(client_as, case, clerk):
    client = client_as(clerk)
    response = act(client, case, "accept", opinion="材料齐全")
    assert response.status_code == 302 and response["Location"] == detail(case)
    page = client.get(detail(case))
    assert "「受理」已办理" in page.text
    assert "材料齐全" in page.text
    case.refresh_from_db()
    assert case.status == Case.Status.PROCESSING and case.accepted_at is not None


def test_an_instant_item_is_accepted_and_completed_on_the_spot(
    client_as, applicant, housing_department, clerk
):
    version = online_item(housing_department, case_type="1", promised_limit_days=1)
    case = case_submitted(applicant, version)
    client = client_as(clerk)
    assert 'name="complete"' in client.get(detail(case)).text
    assert act(client, case, "accept", complete="1").status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.COMPLETED


def test_only_an_instant_item_can_be_completed_on_the_spot(client_as, case, clerk):
    client = client_as(clerk)
    assert 'name="complete"' not in client.get(detail(case)).text
    response = act(client, case, "accept", complete="1")
    assert response.status_code == 422 and "只有即办件可以当场办结" in response.text


def test_accepting_twice_shows_the_409_message(client_as, case, clerk):
    client = client_as(clerk)
    assert act(client, case, "accept").status_code == 302
    again = act(client, case, "accept")
    assert again.status_code == 409
    assert 'id="action-error"' in again.text and "不能受理" in again.text
    assert case.number in again.text  # the case page again, not an error page


def test_the_wrong_post_gets_the_403_message(client_as, case, reviewer):
    response = act(client_as(reviewer), case, "accept")
    assert response.status_code == 403
    assert "该环节不由您的部门和岗位办理" in response.text


def test_refuse_needs_reasons_and_writes_each_line(client_as, case, clerk):
    client = client_as(clerk)
    missing = act(client, case, "refuse", reasons="  \n ")
    assert missing.status_code == 422 and "不予受理必须说明理由" in missing.text
    response = act(client, case, "refuse", reasons="不符合申请条件\n已有住房")
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.REFUSED
    assert case.events.get(action="refuse").data["reasons"] == ["不符合申请条件", "已有住房"]


def test_request_correction_lists_every_missing_item_once(client_as, case, clerk):
    client = client_as(clerk)
    assert act(client, case, "request-correction", missing="户口簿\n收入证明").status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.CORRECTION
    assert case.events.get(action="request-correction").data["missing"] == ["户口簿", "收入证明"]


def test_deny_without_an_opinion_keeps_what_was_typed(client_as, case, clerk, reviewer):
    act(client_as(clerk), case, "accept")
    task = case.tasks.get(state="open")
    page = client_as(reviewer).get(detail(case)).text
    assert reverse("cases:case_act", args=[case.number, "deny"]) in page
    response = act(client_as(reviewer), case, "deny", task=task.pk, opinion="  ")
    assert response.status_code == 422 and "请填写不同意的理由" in response.text


def test_the_whole_path_to_completion_and_delivery(client_as, case, clerk, reviewer, approver):
    assert act(client_as(clerk), case, "accept").status_code == 302
    assert act(client_as(reviewer), case, "approve", opinion="符合条件").status_code == 302
    assert act(client_as(approver), case, "approve").status_code == 302
    page = client_as(clerk).get(detail(case)).text
    assert reverse("cases:case_act", args=[case.number, "complete"]) in page
    response = act(client_as(clerk), case, "complete", result_name="公共租赁住房保障资格证明")
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.COMPLETED
    page = client_as(clerk).get(detail(case)).text
    confirm = reverse("cases:case_delivery", args=[case.number, "confirm"])
    assert confirm in page
    assert client_as(clerk).post(confirm).status_code == 302
    again = client_as(clerk).post(confirm)
    assert again.status_code == 409 and "办理结果已送达" in again.text


def test_express_result_is_shipped_with_a_tracking_number(
    client_as, applicant, item, clerk, reviewer, approver
):
    from govhall.cases import services_submit

    delivery = {"method": "express", "recipient": "张三", "phone": "13800000000",
                "address": "亳州市谯城区魏武大道1号"}  # fmt: skip
    draft = application_draft(applicant, item)
    application = application_complete(applicant, draft, form={**FORM, "delivery": delivery})
    case = services_submit.application_submit(actor=applicant, application=application)
    for user, action in ((clerk, "accept"), (reviewer, "approve"), (approver, "approve")):
        assert act(client_as(user), case, action).status_code == 302
    assert act(client_as(clerk), case, "complete").status_code == 302
    ship = reverse("cases:case_delivery", args=[case.number, "ship"])
    confirm = reverse("cases:case_delivery", args=[case.number, "confirm"])
    page = client_as(clerk).get(detail(case)).text
    assert ship in page and confirm not in page
    bad = client_as(clerk).post(ship, {"tracking_number": "x"})
    assert bad.status_code == 422 and 'id="action-error"' in bad.text
    assert client_as(clerk).post(ship, {"tracking_number": "EMS1234567890"}).status_code == 302
    page = client_as(clerk).get(detail(case)).text
    assert "EMS1234567890" in page and confirm in page
    assert client_as(clerk).post(confirm).status_code == 302
    assert [e.action for e in case.events.order_by("seq")][-2:] == ["ship", "deliver"]


def test_suspend_resume_and_extend(client_as, case, clerk, reviewer, approver):
    act(client_as(clerk), case, "accept")
    client = client_as(reviewer)
    page = client.get(detail(case)).text
    assert reverse("cases:case_act", args=[case.number, "suspend"]) in page
    assert reverse("cases:case_act", args=[case.number, "extend"]) not in page
    no_reason = act(client, case, "suspend", kind="inspection", opinion="")
    assert no_reason.status_code == 422
    assert act(client, case, "suspend", kind="inspection", opinion="现场勘查").status_code == 302
    assert Case.objects.get(pk=case.pk).status == Case.Status.SUSPENDED
    assert act(client, case, "resume", opinion="勘查完毕").status_code == 302
    assert Case.objects.get(pk=case.pk).status == Case.Status.PROCESSING
    assert act(client, case, "extend", days=3, opinion="情况复杂").status_code == 403
    bad_days = act(client_as(approver), case, "extend", days="abc", opinion="情况复杂")
    assert bad_days.status_code == 422
    assert act(client_as(approver), case, "extend", days=3, opinion="情况复杂").status_code == 302
    assert Case.objects.get(pk=case.pk).extension_days == 3


@pytest.fixture
def fee_item(housing_department):
    fee = {
        "name": "登记费",
        "standard": "80元/件",
        "basis": "发改价格规〔2016〕2559号",
        "waivable": True,
        "waiver_basis": "小微企业免收",
    }
    return online_item(
        housing_department,
        fee_charged=True,
        online_payment=True,
        fee_basis="发改价格规〔2016〕2559号",
        fees=[fee],
    )


def test_the_approver_waives_a_pending_fee(
    client_as, applicant, clerk, reviewer, approver, fee_item
):
    case = case_submitted(applicant, fee_item)
    act(client_as(clerk), case, "accept")
    act(client_as(reviewer), case, "approve")
    act(client_as(approver), case, "approve")
    order = case.payments.get()
    blocked = act(client_as(clerk), case, "complete")
    assert blocked.status_code == 409 and "尚未缴费" in blocked.text
    url = reverse("cases:case_waive", args=[case.number, order.number])
    assert url in client_as(approver).get(detail(case)).text
    assert url not in client_as(clerk).get(detail(case)).text
    assert client_as(clerk).post(url, {"reason": "困难群众"}).status_code == 403
    assert client_as(approver).post(url, {"reason": ""}).status_code == 422
    assert client_as(approver).post(url, {"reason": "低保对象免收"}).status_code == 302
    order.refresh_from_db()
    assert order.state == "waived"
    assert act(client_as(clerk), case, "complete").status_code == 302


def test_countersign_offers_one_form_per_task_and_the_lead_handles_overdue(
    client_as, applicant, joint_item, clerk, reviewer, approver, police_reviewer, fire_reviewer
):
    case = case_submitted(applicant, joint_item)
    act(client_as(clerk), case, "accept")
    act(client_as(reviewer), case, "approve")
    police_task = case.tasks.get(state="open", department=police_reviewer.department)
    fire_task = case.tasks.get(state="open", department=fire_reviewer.department)
    page = client_as(police_reviewer).get(detail(case)).text
    assert f'name="task" value="{police_task.pk}"' in page
    assert f'name="task" value="{fire_task.pk}"' not in page
    assert act(client_as(police_reviewer), case, "approve", task=police_task.pk).status_code == 302
    Task.objects.filter(pk=fire_task.pk).update(due_date="2020-01-02")
    lead_page = client_as(approver).get(detail(case)).text
    assert reverse("cases:case_act", args=[case.number, "close-overdue"]) in lead_page
    response = act(
        client_as(approver), case, "close-overdue", task=fire_task.pk, opinion="代为处理"
    )
    assert response.status_code == 302
    assert case.tasks.get(pk=fire_task.pk).outcome == "lead_decided"


# ---- one-click verification -------------------------------------------------------------


def test_verification_panel_shows_the_registries(client_as, registry, case, clerk):  # noqa: F811
    url = reverse("cases:case_verify", args=[case.number])
    response = client_as(clerk).get(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    text = response.text
    assert "<html" not in text  # a partial for htmx
    assert 'id="verify-result"' in text
    assert "王芳" in text  # the spouse's population record
    assert "皖(2020)亳州市不动产权第0001号" in text
    assert "免提交" in text
    full = client_as(clerk).get(url)
    assert full.status_code == 200 and "<html" in full.text and "王芳" in full.text


def test_verification_panel_shows_the_refusal_without_grants(client_as, case, clerk):
    population_resource()
    real_estate_resource()
    url = reverse("cases:case_verify", args=[case.number])
    response = client_as(clerk).get(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200  # htmx swaps only 2xx answers into the panel
    assert 'id="verify-refusal"' in response.text
    assert "没有这些信息资源的有效共享授权" in response.text
    assert client_as(clerk).get(url).status_code == 403


def test_verification_panel_refuses_the_supervisor(client_as, registry, case, supervisor):  # noqa: F811
    response = client_as(supervisor).get(
        reverse("cases:case_verify", args=[case.number]), HTTP_HX_REQUEST="true"
    )
    assert 'id="verify-refusal"' in response.text and "王芳" not in response.text


# ---- pre-review -------------------------------------------------------------------------


@pytest.fixture
def prereview_application(applicant, housing_department):
    from govhall.cases import services_apply

    version = online_item(housing_department, prereview=True)
    application = application_complete(applicant, application_draft(applicant, version))
    return services_apply.application_prereview_request(actor=applicant, application=application)


def test_prereview_queue_is_the_departments_acceptance_clerks(
    client_as, prereview_application, clerk, reviewer, other_clerk, applicant
):
    url = reverse("cases:prereview_list")
    decide = reverse("cases:prereview_decide", args=[prereview_application.pk])
    page = client_as(clerk).get(url)
    assert page.status_code == 200 and decide in page.text and applicant.name in page.text
    assert decide not in client_as(reviewer).get(url).text
    assert decide not in client_as(other_clerk).get(url).text
    assert client_as(other_clerk).post(decide, {"decision": "passed"}).status_code == 404
    assert client_as(reviewer).post(decide, {"decision": "passed"}).status_code == 404
    assert client_as(applicant).post(decide, {"decision": "passed"}).status_code in {403, 404}
    assert client_as(None).get(url).status_code == 302


def test_prereview_returned_needs_an_opinion_then_passes(client_as, prereview_application, clerk):
    client = client_as(clerk)
    decide = reverse("cases:prereview_decide", args=[prereview_application.pk])
    assert client.post(decide, {"decision": "maybe"}).status_code == 422
    empty = client.post(decide, {"decision": "returned", "opinion": ""})
    assert empty.status_code == 422 and "退回须写明需修改的内容" in empty.text
    returned = client.post(decide, {"decision": "returned", "opinion": "请补充收入情况"})
    assert returned.status_code == 302
    application = Application.objects.get(pk=prereview_application.pk)
    assert application.state == "returned" and application.prereview_opinion == "请补充收入情况"
    assert client.post(decide, {"decision": "passed"}).status_code == 404  # no longer queued


def test_a_countersigning_department_finds_the_case_under_joint_scope(
    client_as, applicant, clerk, reviewer, joint_item, police_reviewer
):
    from govhall.cases import services_actions
    from govhall.cases.tests.factories import case_submitted

    case = case_submitted(applicant, joint_item)
    case = services_actions.case_accept(actor=clerk, case=case)
    services_actions.case_decide(actor=reviewer, case=case, approve=True)
    client = client_as(police_reviewer)
    own = client.get(reverse("cases:case_list"))
    assert case.number not in own.content.decode()
    joint = client.get(reverse("cases:case_list"), {"scope": "joint"})
    assert case.number in joint.content.decode()


def test_prereview_clerk_opens_the_uploaded_files_and_no_one_else(
    client_as, prereview_application, clerk, other_clerk, reviewer, applicant
):
    upload = prereview_application.uploads.first()
    url = reverse("cases:prereview_file", args=[prereview_application.pk, upload.pk])
    response = client_as(clerk).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert client_as(other_clerk).get(url).status_code == 404
    assert client_as(reviewer).get(url).status_code == 404
    assert client_as(applicant).get(url).status_code in {403, 404}
    assert client_as().get(url).status_code == 302
    page = client_as(clerk).get(reverse("cases:prereview_list")).content.decode()
    assert url in page

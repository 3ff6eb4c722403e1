"""The workflow engine end to end through the services: the happy path, the clock, parallel
approval, correction, special procedures, the extension, withdrawal and the 409s."""

from __future__ import annotations

import datetime as dt

import pytest

from govhall.cases import services_actions as actions
from govhall.cases.models import Case, CaseEvent, Notice, Task
from govhall.cases.tests.factories import case_submitted, online_item, single_household_rule_off
from govhall.core import errors
from govhall.core.calendar import add_working_days
from govhall.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _events(case: Case) -> list[str]:
    return list(
        CaseEvent.objects.filter(case=case).order_by("seq").values_list("action", flat=True)
    )


def test_submission_creates_case_with_number_password_receipt_and_acceptance_task(case, clerk):
    assert len(case.number) == 26 and case.number[:12] == case.region_code
    assert len(case.query_password) == 6
    assert case.status == Case.Status.SUBMITTED
    task = case.tasks.get()
    assert (task.kind, task.department_id, task.post_id) == (
        "accept",
        case.department_id,
        "acceptance",
    )
    assert case.notices.filter(kind=Notice.Kind.RECEIPT).exists()
    assert Notification.objects.filter(related=f"case:{case.number}", channel="sms").count() == 1


def test_case_runs_accept_review_approve_complete_with_history(case, clerk, reviewer, approver):
    case = actions.case_accept(actor=clerk, case=case)
    assert case.status == Case.Status.PROCESSING
    assert case.due_date == add_working_days(case.clock_start, case.promised_days)
    case = actions.case_decide(actor=reviewer, case=case, approve=True, opinion="符合条件")
    case = actions.case_decide(actor=approver, case=case, approve=True, opinion="准予")
    assert case.status == Case.Status.APPROVED
    case = actions.case_complete(actor=clerk, case=case)
    assert case.status == Case.Status.COMPLETED and case.on_time is True
    assert _events(case) == ["submit", "accept", "approve", "step", "approve", "step", "complete"]
    assert not case.tasks.filter(state=Task.State.OPEN).exists()
    assert case.deliveries.get().method == "pickup"
    kinds = set(case.notices.values_list("kind", flat=True))
    assert {"receipt", "acceptance", "completion"} <= kinds


def test_accepting_twice_is_a_conflict_not_a_second_transition(case, clerk):
    actions.case_accept(actor=clerk, case=case)
    with pytest.raises(errors.Conflict):
        actions.case_accept(actor=clerk, case=Case.objects.get(pk=case.pk))
    assert _events(case).count("accept") == 1


def test_clerk_of_another_department_cannot_act(case, other_clerk):
    with pytest.raises(errors.PermissionDenied):
        actions.case_accept(actor=other_clerk, case=case)


def test_reviewer_cannot_accept_for_the_acceptance_post(case, reviewer):
    with pytest.raises(errors.PermissionDenied):
        actions.case_accept(actor=reviewer, case=case)


def test_refusal_needs_reasons_and_closes_the_case(case, clerk):
    with pytest.raises(errors.ValidationError):
        actions.case_refuse(actor=clerk, case=case, reasons=[" "])
    case = actions.case_refuse(actor=clerk, case=case, reasons=["不属于本机关职权范围"])
    assert case.status == Case.Status.REFUSED
    notice = case.notices.get(kind=Notice.Kind.REFUSAL)
    assert notice.content["items"] == ["不属于本机关职权范围"]


def test_correction_is_asked_once_then_supplement_returns_the_case(case, clerk, applicant):
    case = actions.case_request_correction(actor=clerk, case=case, missing=["承诺书缺少配偶签名"])
    assert case.status == Case.Status.CORRECTION
    with pytest.raises(errors.Conflict):
        actions.case_accept(actor=clerk, case=case)
    with pytest.raises(errors.ValidationError):
        actions.case_supplement(actor=applicant, case=case)
    case = actions.case_supplement(actor=applicant, case=case, note="已补签")
    assert case.status == Case.Status.SUBMITTED
    with pytest.raises(errors.Conflict):
        actions.case_request_correction(actor=clerk, case=case, missing=["再次补正"])


def test_unanswered_case_counts_as_accepted_on_receipt(case):
    later = case.correction_due + dt.timedelta(days=1)
    assert actions.cases_deem_accepted(today=later) == 1
    case.refresh_from_db()
    assert case.status == Case.Status.PROCESSING and case.deemed_accepted
    assert case.clock_start == case.received_at.date()


def test_parallel_approval_waits_for_every_department(
    applicant, clerk, reviewer, approver, joint_item, police_reviewer, fire_reviewer
):
    case = case_submitted(applicant, joint_item)
    case = actions.case_accept(actor=clerk, case=case)
    case = actions.case_decide(actor=reviewer, case=case, approve=True)
    joint = case.tasks.filter(kind="countersign", state=Task.State.OPEN)
    assert {t.department_id for t in joint} == {
        police_reviewer.department_id,
        fire_reviewer.department_id,
    }
    case = actions.case_decide(
        actor=fire_reviewer, case=case, approve=False, opinion="需整改消防通道"
    )
    assert case.step == "joint"
    case = actions.case_decide(actor=police_reviewer, case=case, approve=True)
    assert case.step == "decide"
    case = actions.case_decide(actor=approver, case=case, approve=True)
    assert case.status == Case.Status.APPROVED


def test_special_procedure_stops_the_clock_and_extension_is_once(case, clerk, reviewer, approver):
    case = actions.case_accept(actor=clerk, case=case)
    due = case.due_date
    case = actions.case_suspend(actor=reviewer, case=case, kind="inspection", reason="现场勘查")
    assert case.status == Case.Status.SUSPENDED
    with pytest.raises(errors.Conflict):
        actions.case_decide(actor=reviewer, case=case, approve=True)
    case = actions.case_resume(actor=reviewer, case=case, result="勘查合格")
    assert case.status == Case.Status.PROCESSING and case.due_date == due  # same day: nothing lost
    case = actions.case_extend(actor=approver, case=case, days=5, reason="情况复杂")
    assert case.due_date == add_working_days(case.clock_start, case.promised_days + 5)
    with pytest.raises(errors.Conflict):
        actions.case_extend(actor=approver, case=case, days=2, reason="再延")
    with pytest.raises(errors.PermissionDenied):
        actions.case_extend(actor=reviewer, case=case, days=2, reason="x")


def test_withdrawal_by_the_applicant_cancels_tasks_and_blocks_staff(
    case, applicant, other_applicant, clerk
):
    with pytest.raises(errors.PermissionDenied):
        actions.case_withdraw(actor=other_applicant, case=case)
    case = actions.case_withdraw(actor=applicant, case=case, reason="不再需要")
    assert case.status == Case.Status.WITHDRAWN
    assert not case.tasks.filter(state=Task.State.OPEN).exists()
    with pytest.raises(errors.Conflict):
        actions.case_accept(actor=clerk, case=case)


def test_denial_at_the_decision_closes_the_case_with_reasons(case, clerk, reviewer, approver):
    case = actions.case_accept(actor=clerk, case=case)
    case = actions.case_decide(actor=reviewer, case=case, approve=True)
    with pytest.raises(errors.ValidationError):
        actions.case_decide(actor=approver, case=case, approve=False, opinion="")
    case = actions.case_decide(actor=approver, case=case, approve=False, opinion="家庭收入超过标准")
    assert case.status == Case.Status.DENIED and case.closed_at
    assert case.notices.get(kind=Notice.Kind.DENIAL).content["items"] == ["家庭收入超过标准"]


def test_instant_item_is_accepted_and_completed_in_one_action(applicant, clerk, housing_department):
    version = online_item(
        housing_department,
        case_type="1",
        promised_limit_days=0,
        statutory_limit_days=1,
        steps=[
            {
                "name": "受理",
                "post": "acceptance",
                "days": 0,
                "criteria": "齐全",
                "outcome": "当场受理",
            },
            {
                "name": "审核办结",
                "post": "approval",
                "days": 0,
                "criteria": "符合",
                "outcome": "当场办结",
            },
        ],
    )
    case = case_submitted(applicant, version)
    case = actions.case_accept(actor=clerk, case=case, complete=True)
    assert case.status == Case.Status.COMPLETED


def test_case_number_is_unique_per_day_and_region(applicant, item, settings):
    single_household_rule_off(settings)
    first = case_submitted(applicant, item)
    second = case_submitted(applicant, item)
    assert first.number[:20] == second.number[:20]
    assert int(second.number[-6:]) == int(first.number[-6:]) + 1


def test_each_change_messages_by_sms_in_site_and_email_where_an_address_is_known(
    applicant, item, clerk
):
    applicant.email = "zhangsan@example.cn"
    applicant.save(update_fields=["email"])
    case = case_submitted(applicant, item)
    actions.case_accept(actor=clerk, case=case)
    channels = set(
        Notification.objects.filter(
            related=f"case:{case.number}", event="case.accepted"
        ).values_list("channel", flat=True)
    )
    assert channels == {"sms", "site", "email"}


def test_catalog_refuses_a_process_naming_a_post_or_department_that_does_not_exist(
    housing_department,
):
    bad = {
        "steps": [
            {"code": "accept", "kind": "accept", "name": "受理", "post": "acceptance", "days": 1},
            {
                "code": "joint",
                "kind": "countersign",
                "name": "并联",
                "post": "review",
                "days": 2,
                "departments": ["11341600MB0000000X"],
            },
            {"code": "decide", "kind": "decide", "name": "决定", "post": "chief", "days": 1},
        ]
    }
    with pytest.raises(errors.ValidationError) as refused:
        online_item(housing_department, process=bad)
    fields = refused.value.fields
    assert "process.steps.1.departments" in fields and "process.steps.2.post" in fields

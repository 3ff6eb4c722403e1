"""公示: the notice goes up when the publicity step opens, objections are filed and handled, the
worker closes the notice after the period (approve → next step; an upheld objection → deny →
the decide step), staff cannot approve it by hand before the end, and a second run (or two at
once) changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from govhall.cases import services_actions as actions
from govhall.cases import services_publicity as publicity
from govhall.cases.models import Case, Objection, PublicityNotice, Task
from govhall.cases.tests.publicity_fixtures import ITEM_NAME, routed_process, submit
from govhall.cases.workflow import process_check
from govhall.core import errors
from govhall.core.audit import AuditEntry
from govhall.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _on_notice(applicant, version, community_clerk, street_reviewer, reviewer) -> Case:
    case = submit(applicant, version)
    case = actions.case_accept(actor=community_clerk, case=case)
    case = actions.case_decide(actor=street_reviewer, case=case, approve=True)
    return actions.case_decide(actor=reviewer, case=case, approve=True)


@pytest.fixture
def on_notice(applicant, publicity_item, community_clerk, street_reviewer, reviewer) -> Case:
    return _on_notice(applicant, publicity_item, community_clerk, street_reviewer, reviewer)


def _after(notice: PublicityNotice) -> dt.date:
    return notice.ends_on + dt.timedelta(days=1)


def test_publicity_step_puts_up_a_masked_notice_and_tells_the_applicant(on_notice, approver):
    notice = on_notice.publicity.get()
    assert on_notice.step == "publicity"
    assert notice.state == PublicityNotice.State.OPEN
    assert notice.applicant_masked == "张*" and "张三" not in notice.text
    assert notice.ends_on == notice.task.due_date > notice.starts_on
    assert notice.department_id == approver.department_id
    sms = Notification.objects.filter(event="case.publicity", channel="sms").get()
    assert f"{notice.ends_on:%Y-%m-%d}" in sms.body


def test_staff_cannot_approve_or_deny_the_publicity_by_hand_before_the_end(on_notice, approver):
    with pytest.raises(errors.Conflict) as running:
        actions.case_decide(actor=approver, case=on_notice, approve=True)
    assert running.value.code == "publicity_running"
    with pytest.raises(errors.Conflict) as deny:
        actions.case_decide(actor=approver, case=on_notice, approve=False, opinion="x")
    assert deny.value.code == "publicity_outcome"
    assert Case.objects.get(pk=on_notice.pk).step == "publicity"


def test_only_the_publicity_post_may_end_it_by_hand(on_notice, reviewer):
    with pytest.raises(errors.PermissionDenied):
        actions.case_decide(actor=reviewer, case=on_notice, approve=True)


def test_notice_closes_after_the_period_and_the_case_moves_to_the_decision(on_notice, approver):
    notice = on_notice.publicity.get()
    with time_machine.travel(notice.ends_on, tick=False):
        assert publicity.publicity_close_due() == 0  # the last day still counts
    with time_machine.travel(_after(notice), tick=False):
        assert publicity.publicity_close_due() == 1
        assert publicity.publicity_close_due() == 0  # run twice: nothing more
    case = Case.objects.get(pk=on_notice.pk)
    notice.refresh_from_db()
    assert (notice.state, notice.outcome) == ("closed", "approve")
    assert case.step == "decide" and case.status == Case.Status.PROCESSING
    ended = case.events.get(action="publicity-end")
    assert ended.actor is None and ended.actor_name == "系统"
    assert Notification.objects.filter(event="case.publicity_closed", channel="sms").count() == 1
    case = actions.case_decide(actor=approver, case=case, approve=True)
    assert case.status == Case.Status.APPROVED


def test_an_upheld_objection_sends_the_case_to_the_decision_to_be_denied(
    on_notice, other_applicant, approver
):
    notice = on_notice.publicity.get()
    objection = publicity.objection_file(
        actor=other_applicant, notice_id=notice.pk, text="申请人在本市另有住房"
    )
    assert Notification.objects.filter(event="case.objection", recipient=approver).exists()
    with time_machine.travel(_after(notice), tick=False):
        assert publicity.publicity_close_due() == 0  # an open objection holds the notice
    publicity.objection_handle(
        actor=approver, case=on_notice, objection_id=objection.pk, uphold=True, reply="经核实属实"
    )
    handled = Notification.objects.get(event="case.objection_handled", channel="sms")
    assert handled.recipient_id == other_applicant.pk and "经核实属实" in handled.body
    assert AuditEntry.objects.filter(action="cases.objection_handle").exists()
    with time_machine.travel(_after(notice), tick=False):
        assert publicity.publicity_close_due() == 1
    case = Case.objects.get(pk=on_notice.pk)
    assert case.publicity.get().outcome == "deny"
    assert case.step == "decide"
    assert case.events.get(action="publicity-end").data["upheld"] == 1
    case = actions.case_decide(actor=approver, case=case, approve=False, opinion="异议成立")
    assert case.status == Case.Status.DENIED


def test_deny_target_none_closes_the_case_as_denied(
    applicant,
    other_applicant,
    housing_department,
    community_clerk,
    street_reviewer,
    reviewer,
    approver,
):
    from govhall.cases.tests.factories import online_item
    from govhall.cases.tests.publicity_fixtures import residence_form

    version = online_item(
        housing_department,
        name=ITEM_NAME,
        process=routed_process(publicity=True, deny_target=None),
        form=residence_form(),
    )
    case = _on_notice(applicant, version, community_clerk, street_reviewer, reviewer)
    notice = case.publicity.get()
    objection = publicity.objection_file(actor=other_applicant, notice_id=notice.pk, text="不符")
    publicity.objection_handle(
        actor=approver, case=case, objection_id=objection.pk, uphold=True, reply="属实"
    )
    with time_machine.travel(_after(notice), tick=False):
        publicity.publicity_close_due()
    assert Case.objects.get(pk=case.pk).status == Case.Status.DENIED


def test_dismissed_objection_lets_the_case_go_on(on_notice, other_applicant, approver):
    notice = on_notice.publicity.get()
    objection = publicity.objection_file(actor=other_applicant, notice_id=notice.pk, text="有疑问")
    publicity.objection_handle(
        actor=approver, case=on_notice, objection_id=objection.pk, uphold=False, reply="不属实"
    )
    with pytest.raises(errors.Conflict):  # handled once
        publicity.objection_handle(
            actor=approver, case=on_notice, objection_id=objection.pk, uphold=True, reply="再"
        )
    with time_machine.travel(_after(notice), tick=False):
        assert publicity.publicity_close_due() == 1
    assert Case.objects.get(pk=on_notice.pk).publicity.get().outcome == "approve"


def test_staff_end_the_publicity_by_hand_once_the_period_is_over(on_notice, approver):
    notice = on_notice.publicity.get()
    with time_machine.travel(_after(notice), tick=False):
        case = actions.case_decide(actor=approver, case=on_notice, approve=True)
        assert case.step == "decide"
        assert publicity.publicity_close_due() == 0
    assert case.events.get(action="publicity-end").actor_id == approver.pk


def test_objection_rules(on_notice, applicant, other_applicant, approver, clerk, enterprise):
    notice = on_notice.publicity.get()
    with pytest.raises(errors.PermissionDenied):
        publicity.objection_file(actor=clerk, notice_id=notice.pk, text="x")
    with pytest.raises(errors.ValidationError):
        publicity.objection_file(actor=applicant, notice_id=notice.pk, text="本人")
    with pytest.raises(errors.ValidationError):
        publicity.objection_file(actor=other_applicant, notice_id=notice.pk, text="  ")
    publicity.objection_file(actor=other_applicant, notice_id=notice.pk, text="第一次")
    with pytest.raises(errors.Conflict):
        publicity.objection_file(actor=other_applicant, notice_id=notice.pk, text="第二次")
    with pytest.raises(errors.NotFound):
        publicity.objection_file(actor=enterprise, notice_id=notice.pk + 999, text="x")
    with time_machine.travel(_after(notice), tick=False), pytest.raises(errors.Conflict):
        publicity.objection_file(actor=enterprise, notice_id=notice.pk, text="迟到的异议")


def test_only_the_steps_department_and_post_handle_objections(
    on_notice, other_applicant, reviewer, community_clerk
):
    notice = on_notice.publicity.get()
    objection = publicity.objection_file(actor=other_applicant, notice_id=notice.pk, text="异议")
    for staff in (reviewer, community_clerk):
        with pytest.raises(errors.PermissionDenied):
            publicity.objection_handle(
                actor=staff, case=on_notice, objection_id=objection.pk, uphold=True, reply="x"
            )
    assert Objection.objects.get(pk=objection.pk).state == Objection.State.OPEN


def test_withdrawal_takes_the_notice_down(on_notice, applicant):
    actions.case_withdraw(actor=applicant, case=on_notice)
    notice = on_notice.publicity.get()
    assert notice.state == PublicityNotice.State.CANCELLED
    with time_machine.travel(_after(notice), tick=False):
        assert publicity.publicity_close_due() == 0


def test_job_selects_due_notices_in_one_query(
    on_notice, django_assert_num_queries, other_applicant
):
    notice = on_notice.publicity.get()
    with django_assert_num_queries(1):
        due = list(publicity.publicity_due(today=_after(notice)).values_list("pk", flat=True))
    assert due == [notice.pk]


def test_process_check_needs_the_publicity_before_a_decision():
    accept = {"code": "accept", "kind": "accept", "post": "acceptance", "days": 1}
    decide = {"code": "decide", "kind": "decide", "post": "approval", "days": 1}
    notice = {"code": "publicity", "kind": "publicity", "post": "approval", "days": 5}
    process_check({"steps": [accept, notice, decide]})
    with pytest.raises(errors.ValidationError) as late:
        process_check({"steps": [accept, decide, notice]})
    assert "process.steps.2.kind" in late.value.fields
    with pytest.raises(errors.ValidationError) as no_days:
        process_check({"steps": [accept, {**notice, "days": 0}, decide]})
    assert "process.steps.1.days" in no_days.value.fields


def test_publicity_task_is_the_publicity_kind(on_notice):
    task = on_notice.tasks.get(state=Task.State.OPEN)
    assert task.kind == "publicity" and task.notice.pk == on_notice.publicity.get().pk

"""Rule alerts, accountability records and notifications raised by the sweep."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from govhall.cases.models import CaseEvent, PaymentOrder, Task
from govhall.core import errors
from govhall.core.calendar import add_working_days
from govhall.notifications.models import Notification
from govhall.supervision import services
from govhall.supervision.models import Accountability, Alert
from govhall.supervision.sweep import supervision_sweep
from govhall.supervision.tests.conftest import shift

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 3, 2)
PAST_DUE = dt.date(2026, 4, 15)  # well past a ten-working-day step opened on MONDAY


def overdue(task: Task) -> Task:
    return shift(task, opened=MONDAY, due=add_working_days(MONDAY, 10))


def test_red_card_opens_accountability_with_the_matching_responsibility(task):
    overdue(task)
    result = supervision_sweep(today=PAST_DUE)
    red = Alert.objects.get(source="task", source_id=task.pk, level="red")
    record = Accountability.objects.get(alert=red)
    assert record.state == "open"
    assert record.department_id == task.case.department_id
    assert "逾期" in record.responsibility.situations  # not the first entry: the one that matches
    assert record.responsibility.version_id == task.case.version_id
    assert result.accountabilities == 1  # the case's red card is the same breach as its task's
    assert Alert.objects.filter(source="case", level="red").exists()
    assert not Accountability.objects.filter(alert__level__in=["reminder", "yellow"]).exists()
    supervision_sweep(today=PAST_DUE)
    assert Accountability.objects.count() == 1


def test_refusal_without_reasons_is_a_rule_breach(case, clerk):
    event = CaseEvent.objects.create(
        case=case, seq=99, at=timezone.now(), action="refuse", actor=clerk, opinion=" 不行 "
    )
    CaseEvent.objects.create(
        case=case,
        seq=100,
        at=timezone.now(),
        action="deny",
        actor=clerk,
        opinion="申请人不符合公共租赁住房保障条件:家庭人均收入超过标准",
    )
    result = supervision_sweep()
    assert result.rules == {"refusal_without_reason": 1}
    alert = Alert.objects.get(kind="rule")
    assert (alert.source, alert.source_id, alert.level) == ("case_event", event.pk, "red")
    assert alert.handler == clerk
    assert Accountability.objects.filter(alert=alert).exists()
    assert supervision_sweep().rules == {}


def test_fee_not_on_the_fee_list_is_a_rule_breach(case):
    fees = [{"name": "工本费", "standard": "10元/本"}]
    case.version.__class__.objects.filter(pk=case.version_id).update(fees=fees)
    listed = PaymentOrder.objects.create(
        case=case, number="JF1", amount=Decimal("10"), items=[{"name": "工本费", "amount": "10"}]
    )
    extra = PaymentOrder.objects.create(
        case=case,
        number="JF2",
        amount=Decimal("60"),
        items=[{"name": "工本费", "amount": "10"}, {"name": "加急费", "amount": "50"}],
    )
    too_much = PaymentOrder.objects.create(
        case=case, number="JF3", amount=Decimal("30"), items=[{"name": "工本费", "amount": "30"}]
    )
    result = supervision_sweep()
    assert result.rules == {"fee_not_listed": 2}
    flagged = set(
        Alert.objects.filter(rule_code="fee_not_listed").values_list("source_id", flat=True)
    )
    assert flagged == {extra.pk, too_much.pk}
    assert listed.pk not in flagged
    assert "加急费" in Alert.objects.get(source_id=extra.pk, source="payment").detail


def test_step_closed_after_its_due_date_is_an_overrun(task, reviewer):
    Task.objects.filter(pk=task.pk).update(
        state="done",
        closed_at=timezone.now(),
        closed_by=reviewer,
        due_date=timezone.localdate() - dt.timedelta(days=3),
    )
    result = supervision_sweep()
    assert result.rules == {"step_overrun": 1}
    alert = Alert.objects.get(rule_code="step_overrun")
    assert (alert.source_id, alert.level, alert.handler) == (task.pk, "yellow", reviewer)


def test_overrun_already_carded_red_is_not_flagged_again(task):
    overdue(task)
    supervision_sweep(today=PAST_DUE)
    Task.objects.filter(pk=task.pk).update(state="done", closed_at=timezone.now())
    assert supervision_sweep().rules == {}


def test_notifications_enqueued_once(task, reviewer, approver, supervisor, district_supervisor):
    Task.objects.filter(pk=task.pk).update(assignee=reviewer)
    overdue(task)
    supervision_sweep(today=PAST_DUE)
    to_handler = Notification.objects.filter(recipient=reviewer, event="supervision.alert")
    # three alerts of the task, each by SMS and in-site
    assert to_handler.count() == 6
    assert set(to_handler.values_list("channel", flat=True)) == {"sms", "site"}
    head = Notification.objects.filter(recipient=approver, event="supervision.digest")
    # one digest per sweep stage that raised cards (the task's and the case's), SMS and in-site
    assert head.count() == 4 and all("红牌" in n.body for n in head)
    assert Notification.objects.filter(recipient=supervisor, event="supervision.digest").exists()
    # the district supervisor does not watch the city's departments
    assert not Notification.objects.filter(recipient=district_supervisor).exists()
    total = Notification.objects.count()
    supervision_sweep(today=PAST_DUE)
    assert Notification.objects.count() == total


def test_unassigned_task_alerts_reach_the_post_holders(task, reviewer, clerk):
    overdue(task)
    supervision_sweep(today=PAST_DUE)
    assert Notification.objects.filter(recipient=reviewer, event="supervision.digest").exists()
    assert (
        not Notification.objects.filter(recipient=clerk)
        .filter(event__startswith="supervision")
        .exists()
    )


def test_accountability_decide(task, supervisor, reviewer):
    overdue(task)
    supervision_sweep(today=PAST_DUE)
    record = Accountability.objects.filter(alert__source="task").get()
    with pytest.raises(errors.PermissionDenied):
        services.accountability_decide(
            actor=reviewer, accountability=record, decision="confirmed", reason="x"
        )
    with pytest.raises(errors.ValidationError):
        services.accountability_decide(
            actor=supervisor, accountability=record, decision="dismissed", reason=" "
        )
    services.accountability_decide(
        actor=supervisor, accountability=record, decision="dismissed", reason="系统故障导致超期"
    )
    record.refresh_from_db()
    assert (record.state, record.decided_by, record.reason) == (
        "dismissed",
        supervisor,
        "系统故障导致超期",
    )
    with pytest.raises(errors.Conflict):
        services.accountability_decide(
            actor=supervisor, accountability=record, decision="confirmed", reason="再议"
        )


def test_escalate_opens_accountability_and_acknowledge_once(task, supervisor):
    shift(task, opened=MONDAY, due=add_working_days(MONDAY, 10))
    supervision_sweep(today=add_working_days(MONDAY, 9))
    yellow = Alert.objects.get(source="task", level="yellow")
    services.alert_acknowledge(actor=supervisor, alert=yellow)
    with pytest.raises(errors.Conflict):
        services.alert_acknowledge(actor=supervisor, alert=yellow)
    services.alert_escalate(actor=supervisor, alert=yellow, text="请限期办结")
    yellow.refresh_from_db()
    assert yellow.state == "escalated"
    record = Accountability.objects.get(alert=yellow)
    assert record.opened_by == supervisor and record.findings == "请限期办结"
    assert list(yellow.comments.values_list("action", flat=True)) == ["acknowledge", "escalate"]


def test_threshold_set_by_administrators_only(item, admin_user, supervisor):
    with pytest.raises(errors.PermissionDenied):
        services.threshold_set(
            actor=supervisor, item=None, reminder_fraction=Decimal("0.5"), yellow_days=1
        )
    with pytest.raises(errors.ValidationError):
        services.threshold_set(
            actor=admin_user, item=None, reminder_fraction=Decimal("1.5"), yellow_days=1
        )
    services.threshold_set(
        actor=admin_user, item=None, reminder_fraction=Decimal("0.4"), yellow_days=2
    )
    services.threshold_set(
        actor=admin_user, item=None, reminder_fraction=Decimal("0.6"), yellow_days=1
    )
    services.threshold_set(
        actor=admin_user, item=item.item, reminder_fraction=Decimal("0.9"), yellow_days=3
    )
    from govhall.supervision.models import Threshold

    default = Threshold.objects.get(item__isnull=True)
    assert (default.reminder_fraction, default.yellow_days) == (Decimal("0.60"), 1)
    assert Threshold.objects.count() == 2

"""The actions on a case (受理, 不予受理, 补正, 审批, 特别程序, 延期, 撤回, 办结 ...).

Each is one service used by both the API and the workbench; each runs in one transaction: lock
the case, check the action against the status (409) and the actor against the task (403), close
the task, move the case through ``engine.transition``, open the next step's tasks, write the notice,
the audit row and the outbox messages. See ``cases.workflow`` for the process definitions.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.cases import permissions
from govhall.cases.engine import (
    case_lock,
    clock_due_dates,
    process_for,
    require_action,
    step_open,
    task_close,
    task_of_actor,
    tasks_cancel,
    transition,
)
from govhall.cases.hooks import run_completion_hooks
from govhall.cases.models import Case, ClockStop, Delivery, Notice, PaymentOrder, Task
from govhall.cases.notices import notice_issue
from govhall.cases.notify import notify_case
from govhall.cases.publicity import publicity_cancel, publicity_open
from govhall.cases.routing import step_route
from govhall.cases.services_payment import payment_order_create, payment_outstanding
from govhall.cases.workflow import Step
from govhall.core import errors
from govhall.core.audit import audit_record
from govhall.core.calendar import add_working_days, working_days_between

S = Case.Status


def _required(text: str, field: str) -> str:
    text = (text or "").strip()
    if not text:
        raise errors.ValidationError(
            _("请填写%(what)s。") % {"what": field},
            code="opinion_required",
            fields={"opinion": [_("必填")]},
        )
    return text[:2000]


def _audit(actor: Any, action: str, case: Case, **extra: Any) -> None:
    audit_record(
        actor=actor, action=f"cases.{action}", obj=case, after={"status": case.status, **extra}
    )


def _close_case(
    case: Case, *, actor: Any, action: str, status: str, opinion: str, **data: Any
) -> None:
    now = timezone.now()
    tasks_cancel(case)
    publicity_cancel(case)
    PaymentOrder.objects.filter(case=case, state=PaymentOrder.State.PENDING).update(
        state=PaymentOrder.State.CANCELLED
    )
    on_time = case.due_date is None or timezone.localdate() <= case.due_date
    transition(
        case,
        action=action,
        actor=actor,
        status=status,
        opinion=opinion,
        data=data,
        closed_at=now,
        on_time=on_time,
    )


def step_enter(
    case: Case, *, step: Step, action: str, actor: Any, status: str | None = None, **changes: Any
) -> list[Task]:
    """Move the case into ``step`` and open its tasks: the department is decided first (a step
    routed to the applicant's community or street, or its fallback, is written in the history
    row's data), then a publicity step's notice goes up."""
    route = step_route(case, step)
    transition(
        case, action=action, actor=actor, status=status, step=step, data=route.data, **changes
    )
    tasks = step_open(case, step, route=route)
    if step.kind == "publicity":
        publicity_open(case, step, tasks)
    return tasks


def _advance(case: Case, *, actor: Any, step: Step, outcome: str, opinion: str) -> None:
    """After ``step`` ended with ``outcome``: the decision, the next step, or the end."""
    process = process_for(case)
    following = process.following(step, "done" if step.kind == "countersign" else outcome)
    if outcome == "approve" and process.fee_step == step.code:
        order = payment_order_create(case)
        if order is not None:
            notify_case(case, "payment", amount=f"{order.amount}")
    if (step.kind == "decide" and outcome == "deny") or (outcome == "deny" and following is None):
        _close_case(
            case, actor=actor, action="denied", status=S.DENIED, opinion=opinion, step=step.code
        )
        notice_issue(case, kind=Notice.Kind.DENIAL, items=[opinion])
        notify_case(case, "denied")
        return
    status = S.APPROVED if step.kind == "decide" else S.PROCESSING
    extra = {"decided_at": timezone.now()} if step.kind == "decide" else {}
    if following is None:
        transition(case, action="decided", actor=actor, status=status, **extra)
        _finish(case, actor=actor, opinion=opinion)
        return
    step_enter(case, step=following, action="step", actor=actor, status=status, **extra)
    if following.kind != "publicity":  # the notice tells its period itself
        notify_case(case, "approved" if step.kind == "decide" else "step", step=following.name)


def _start_clock(case: Case, *, start: Any, deemed: bool) -> dict[str, Any]:
    case.clock_start = start
    return {
        "accepted_at": timezone.now(),
        "clock_start": start,
        "deemed_accepted": deemed,
        **clock_due_dates(case),
    }


@transaction.atomic
def case_accept(*, actor: Any, case: Case, opinion: str = "", complete: bool = False) -> Case:
    """受理; with ``complete`` an on-the-spot item (即办件) is also decided and completed."""
    case = case_lock(case)
    require_action(case, "accept")
    if complete and not case.instant:
        raise errors.ValidationError(_("只有即办件可以当场办结。"), code="not_instant")
    task = task_of_actor(case, actor, "accept")
    opinion = (opinion or "").strip() or _("申请材料齐全,符合法定形式,予以受理。")
    task_close(task, actor=actor, outcome="accept", opinion=opinion)
    _accepted(case, actor=actor, step_code=task.step, opinion=opinion, deemed=False)
    _audit(actor, "case_accept", case)
    if complete:
        _instant_finish(case, actor=actor, opinion=opinion)
    return case


def _accepted(case: Case, *, actor: Any, step_code: str, opinion: str, deemed: bool) -> None:
    process = process_for(case)
    start = timezone.localtime(case.received_at).date() if deemed else timezone.localdate()
    following = process.following(process.step(step_code), "approve")
    clock = _start_clock(case, start=start, deemed=deemed)
    action = "deemed-accept" if deemed else "accept"
    step_enter(
        case,
        step=following,
        action=action,
        actor=actor,
        status=S.PROCESSING,
        opinion=opinion,
        **clock,
    )
    notice_issue(case, kind=Notice.Kind.ACCEPTANCE)
    notify_case(case, "accepted")


def _instant_finish(case: Case, *, actor: Any, opinion: str) -> None:
    """即办件: the steps after acceptance are closed by the same clerk in the same action."""
    for _round in range(10):
        open_task = case.tasks.filter(state=Task.State.OPEN).first()
        if open_task is None or case.status in {S.COMPLETED, S.DENIED}:
            return
        step = process_for(case).step(open_task.step)
        task_close(open_task, actor=actor, outcome="approve", opinion=opinion)
        if step.kind == "issue":
            _finish(case, actor=actor, opinion=opinion)
            return
        _advance(case, actor=actor, step=step, outcome="approve", opinion=opinion)


@transaction.atomic
def case_refuse(*, actor: Any, case: Case, reasons: list[str], opinion: str = "") -> Case:
    """不予受理, with every reason written on the refusal notice."""
    case = case_lock(case)
    require_action(case, "refuse")
    reasons = [str(r).strip()[:500] for r in reasons or [] if str(r).strip()]
    if not reasons:
        raise errors.ValidationError(
            _("不予受理必须说明理由。"), code="reasons_required", fields={"reasons": [_("必填")]}
        )
    task = task_of_actor(case, actor, "refuse")
    opinion = (opinion or "").strip() or _("不予受理")
    task_close(task, actor=actor, outcome="refuse", opinion=opinion)
    _close_case(
        case, actor=actor, action="refuse", status=S.REFUSED, opinion=opinion, reasons=reasons
    )
    notice_issue(case, kind=Notice.Kind.REFUSAL, items=reasons)
    _audit(actor, "case_refuse", case, reasons=reasons)
    notify_case(case, "refused")
    return case


@transaction.atomic
def case_request_correction(
    *, actor: Any, case: Case, missing: list[str], opinion: str = ""
) -> Case:
    """一次性告知: everything missing at once, within five working days of receipt, only once."""
    case = case_lock(case)
    require_action(case, "request-correction")
    missing = [str(m).strip()[:500] for m in missing or [] if str(m).strip()]
    if not missing:
        raise errors.ValidationError(
            _("请逐项列明需要补正的全部内容。"),
            code="missing_required",
            fields={"missing": [_("必填")]},
        )
    if case.correction_requested:
        raise errors.Conflict(
            _("已一次性告知过补正内容,不能再次要求补正。"), code="correction_once"
        )
    if timezone.localdate() > case.correction_due:
        raise errors.Conflict(
            _("已超过五个工作日的补正告知期限,依法视为受理。"), code="correction_window_passed"
        )
    task_of_actor(case, actor, "request-correction")
    transition(
        case,
        action="request-correction",
        actor=actor,
        status=S.CORRECTION,
        opinion=(opinion or "").strip(),
        data={"missing": missing},
        correction_requested=True,
    )
    notice_issue(case, kind=Notice.Kind.CORRECTION, items=missing)
    _audit(actor, "case_request_correction", case, missing=missing)
    notify_case(case, "correction")
    return case


@transaction.atomic
def case_supplement(*, actor: Any, case: Case, note: str = "") -> Case:
    """The applicant hands in the correction (files uploaded to the application beforehand)."""
    case = case_lock(case)
    if not permissions.can_withdraw(actor, case):
        raise errors.PermissionDenied(_("只有申请人或其代办员可以补正。"), code="not_applicant")
    require_action(case, "supplement")
    uploads = case.application.uploads.filter(round__gt=1, removed_at__isnull=True).count()
    if not uploads and not (note or "").strip():
        raise errors.ValidationError(
            _("请上传补正材料或填写补正说明。"),
            code="supplement_empty",
            fields={"note": [_("必填")]},
        )
    today = timezone.localdate()
    for task in case.tasks.filter(state=Task.State.OPEN, kind="accept"):
        Task.objects.filter(pk=task.pk).update(due_date=add_working_days(today, max(task.days, 1)))
    transition(
        case,
        action="supplement",
        actor=actor,
        status=S.SUBMITTED,
        opinion=(note or "").strip()[:2000],
        data={"uploads": uploads},
    )
    _audit(actor, "case_supplement", case)
    notify_case(case, "supplemented")
    return case


def _decision_task(case: Case, actor: Any, action: str, task_id: int | None) -> Task:
    return task_of_actor(case, actor, action, task_id=task_id)


@transaction.atomic
def case_decide(
    *, actor: Any, case: Case, approve: bool, opinion: str = "", task_id: int | None = None
) -> Case:
    """审核 / 审批 / 会签 / 决定: approve or deny at the actor's open step."""
    action = "approve" if approve else "deny"
    case = case_lock(case)
    require_action(case, action)
    publicity = case.tasks.filter(state=Task.State.OPEN, kind="publicity").first()
    if publicity is not None:
        from govhall.cases.services_publicity import publicity_decide_by_hand

        return publicity_decide_by_hand(actor=actor, case=case, task=publicity, approve=approve)
    task = _decision_task(case, actor, action, task_id)
    opinion = (opinion or "").strip()[:2000] if approve else _required(opinion, _("不同意的理由"))
    opinion = opinion or _("同意")
    task_close(task, actor=actor, outcome=action, opinion=opinion)
    step = process_for(case).step(task.step)
    if step.kind == "countersign":
        transition(
            case,
            action="countersign",
            actor=actor,
            opinion=opinion,
            data={"department": task.department.name, "agree": approve},
        )
        if not case.tasks.filter(step=step.code, state=Task.State.OPEN).exists():
            _advance(case, actor=actor, step=step, outcome="done", opinion=opinion)
    else:
        transition(case, action=action, actor=actor, opinion=opinion)
        _advance(case, actor=actor, step=step, outcome=action, opinion=opinion)
    _audit(actor, f"case_{action}", case, step=step.code)
    return case


@transaction.atomic
def case_close_overdue(*, actor: Any, case: Case, task_id: int, opinion: str) -> Case:
    """The lead department decides in place of a countersigning department that ran out of time."""
    case = case_lock(case)
    require_action(case, "close-overdue")
    opinion = _required(opinion, _("处理意见"))
    if not (permissions.can_extend(actor, case) or task_of_lead(actor, case)):
        raise errors.PermissionDenied(_("只有牵头部门可以处理逾期会签。"), code="not_lead")
    task = case.tasks.filter(pk=task_id, kind="countersign", state=Task.State.OPEN).first()
    if task is None:
        raise errors.NotFound(_("会签任务不存在或已办理。"), code="task_not_found")
    if task.due_date >= timezone.localdate():
        raise errors.Conflict(_("该会签尚未逾期,请等待会签部门答复。"), code="not_overdue")
    task_close(task, actor=actor, outcome="lead_decided", opinion=opinion)
    transition(
        case,
        action="close-overdue",
        actor=actor,
        opinion=opinion,
        data={"department": task.department.name},
    )
    step = process_for(case).step(task.step)
    if not case.tasks.filter(step=step.code, state=Task.State.OPEN).exists():
        _advance(case, actor=actor, step=step, outcome="done", opinion=opinion)
    _audit(actor, "case_close_overdue", case, task=task.pk)
    return case


def task_of_lead(actor: Any, case: Case) -> bool:
    from govhall.accounts import permissions as account_permissions

    return account_permissions.acts_for_department(actor, case.department_id) and bool(
        account_permissions.post_codes(actor) & {"review", "approval"}
    )


@transaction.atomic
def case_suspend(*, actor: Any, case: Case, kind: str, reason: str) -> Case:
    """Start a special procedure (听证, 现场勘查, 专家评审 ...): the clock stops."""
    case = case_lock(case)
    require_action(case, "suspend")
    if kind not in ClockStop.Kind.values:
        raise errors.ValidationError(
            _("特别程序种类无效。"), code="invalid_kind", fields={"kind": ["?"]}
        )
    reason = _required(reason, _("启动特别程序的理由"))
    task_of_actor(case, actor, "suspend")
    ClockStop.objects.create(case=case, kind=kind, reason=reason, started_on=timezone.localdate())
    transition(
        case, action="suspend", actor=actor, status=S.SUSPENDED, opinion=reason, data={"kind": kind}
    )
    _audit(actor, "case_suspend", case, kind=kind)
    notify_case(case, "suspended", kind=ClockStop.Kind(kind).label)
    return case


def _shift_open_tasks(case: Case, days: int) -> None:
    if days <= 0:
        return
    for task in case.tasks.filter(state=Task.State.OPEN):
        Task.objects.filter(pk=task.pk).update(due_date=add_working_days(task.due_date, days))


@transaction.atomic
def case_resume(*, actor: Any, case: Case, result: str) -> Case:
    """End the special procedure: its working days are added to every deadline."""
    case = case_lock(case)
    require_action(case, "resume")
    result = _required(result, _("特别程序结果"))
    task_of_actor(case, actor, "resume")
    stop = case.stops.filter(ended_on__isnull=True).order_by("-id").first()
    today = timezone.localdate()
    days = max(working_days_between(stop.started_on, today), 0) if stop else 0
    if stop:
        ClockStop.objects.filter(pk=stop.pk).update(
            ended_on=today, result=result, working_days=days
        )
    case.stopped_days += days
    _shift_open_tasks(case, days)
    transition(
        case,
        action="resume",
        actor=actor,
        status=S.PROCESSING,
        opinion=result,
        data={"stopped_days": days},
        stopped_days=case.stopped_days,
        **clock_due_dates(case),
    )
    _audit(actor, "case_resume", case, stopped_days=days)
    notify_case(case, "resumed")
    return case


@transaction.atomic
def case_extend(*, actor: Any, case: Case, days: int, reason: str) -> Case:
    """The one extension (延长审批), approved by the handling department's approver."""
    case = case_lock(case)
    require_action(case, "extend")
    if not permissions.can_extend(actor, case):
        raise errors.PermissionDenied(
            _("延长办理时限须由主办部门负责人(审批岗)批准。"), code="not_approver"
        )
    limit = settings.GOVHALL_CASE_MAX_EXTENSION_DAYS
    if not isinstance(days, int) or not 1 <= days <= limit:
        raise errors.ValidationError(
            _("延长天数应为1至%(n)d个工作日。") % {"n": limit},
            code="invalid_days",
            fields={"days": ["!"]},
        )
    reason = _required(reason, _("延期理由"))
    if case.extension_days:
        raise errors.Conflict(_("办理时限只能延长一次。"), code="extended_once")
    case.extension_days = days
    _shift_open_tasks(case, days)
    transition(
        case,
        action="extend",
        actor=actor,
        opinion=reason,
        data={"days": days},
        extension_days=days,
        **clock_due_dates(case),
    )
    _audit(actor, "case_extend", case, days=days)
    notify_case(case, "extended")
    return case


@transaction.atomic
def case_withdraw(*, actor: Any, case: Case, reason: str = "") -> Case:
    """The applicant (or their agent) withdraws before a decision."""
    case = case_lock(case)
    if not permissions.can_withdraw(actor, case):
        raise errors.PermissionDenied(_("只有申请人或其代办员可以撤回申请。"), code="not_applicant")
    require_action(case, "withdraw")
    _close_case(
        case,
        actor=actor,
        action="withdraw",
        status=S.WITHDRAWN,
        opinion=(reason or "").strip()[:2000] or _("申请人主动撤回"),
    )
    _audit(actor, "case_withdraw", case)
    notify_case(case, "withdrawn")
    return case


@transaction.atomic
def case_complete(*, actor: Any, case: Case, opinion: str = "", result_name: str = "") -> Case:
    """办结: the result is issued (e-licenses plug in through ``hooks``) and sent on its way."""
    case = case_lock(case)
    require_action(case, "complete")
    task = task_of_actor(case, actor, "complete")
    opinion = (opinion or "").strip()[:2000] or _("已办结")
    task_close(task, actor=actor, outcome="done", opinion=opinion)
    _finish(case, actor=actor, opinion=opinion, result_name=result_name)
    return case


def _finish(case: Case, *, actor: Any, opinion: str, result_name: str = "") -> None:
    if payment_outstanding(case):
        raise errors.Conflict(_("申请人尚未缴费,缴费或减免后才能办结。"), code="payment_pending")
    name = (result_name or "").strip()[:200] or case.version.result_name or case.item_name
    now = timezone.now()
    on_time = case.due_date is None or timezone.localdate() <= case.due_date
    tasks_cancel(case)
    transition(
        case,
        action="complete",
        actor=actor,
        status=S.COMPLETED,
        opinion=opinion,
        closed_at=now,
        on_time=on_time,
        result_name=name,
    )
    Delivery.objects.create(
        case=case,
        direction=Delivery.Direction.OUTBOUND,
        method=case.delivery_method,
        address=case.delivery_address,
    )
    notice_issue(case, kind=Notice.Kind.COMPLETION)
    run_completion_hooks(case, actor=actor)
    _audit(actor, "case_complete", case, on_time=on_time)
    notify_case(case, "completed")


def cases_deem_accepted(*, today: Any = None) -> int:
    """Cases still unanswered after the five-working-day window count as accepted on receipt
    (行政许可法第三十二条): the worker accepts them on the system's behalf."""
    today = today or timezone.localdate()
    due = Case.objects.filter(
        status=S.SUBMITTED, correction_requested=False, correction_due__lt=today
    ).values_list("pk", flat=True)
    done = 0
    for pk in list(due[:1000]):
        with transaction.atomic():
            case = case_lock(Case(pk=pk))
            if case.status != S.SUBMITTED or case.correction_due >= today:
                continue
            task = case.tasks.filter(state=Task.State.OPEN, kind="accept").first()
            if task is None:
                continue
            task_close(task, actor=None, outcome="deemed", opinion=_("逾期未告知补正,视为受理"))
            _accepted(case, actor=None, step_code=task.step, opinion=_("逾期视为受理"), deemed=True)
            _audit("worker", "case_deemed_accept", case)
            done += 1
    return done


@transaction.atomic
def perform_action(
    *, actor: Any, case: Case, action: str, revision: int | None = None, **data: Any
) -> Case:
    """Dispatch an action by name (the API's and the pages' one entry point).

    ``revision`` is the case's revision the actor saw: if anyone moved the case since (a clerk
    accepted while the applicant pressed 撤回), the action is refused with a 409 instead of
    being applied to a state the actor never saw."""
    if revision is not None and case_lock(case).revision != revision:
        raise errors.Conflict(
            _("办件状态已变化(他人刚刚办理),请刷新页面查看后再操作。"), code="stale_revision"
        )
    opinion = data.get("opinion", "")
    if action == "accept":
        return case_accept(
            actor=actor, case=case, opinion=opinion, complete=data.get("complete", False)
        )
    if action == "refuse":
        return case_refuse(
            actor=actor, case=case, reasons=data.get("reasons") or [], opinion=opinion
        )
    if action == "request-correction":
        return case_request_correction(
            actor=actor, case=case, missing=data.get("missing") or [], opinion=opinion
        )
    if action == "supplement":
        return case_supplement(actor=actor, case=case, note=opinion)
    if action in {"approve", "deny"}:
        return case_decide(
            actor=actor,
            case=case,
            approve=action == "approve",
            opinion=opinion,
            task_id=data.get("task"),
        )
    if action == "suspend":
        return case_suspend(actor=actor, case=case, kind=data.get("kind") or "", reason=opinion)
    if action == "resume":
        return case_resume(actor=actor, case=case, result=opinion)
    if action == "extend":
        return case_extend(actor=actor, case=case, days=data.get("days") or 0, reason=opinion)
    if action == "withdraw":
        return case_withdraw(actor=actor, case=case, reason=opinion)
    if action == "complete":
        return case_complete(
            actor=actor, case=case, opinion=opinion, result_name=data.get("result_name", "")
        )
    if action == "close-overdue":
        task = data.get("task")
        if not task:
            raise errors.ValidationError(
                _("请指定逾期的会签任务。"), code="task_required", fields={"task": [_("必填")]}
            )
        return case_close_overdue(actor=actor, case=case, task_id=task, opinion=opinion)
    raise errors.NotFound(_("不支持的办理动作。"), code="unknown_action")

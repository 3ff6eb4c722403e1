"""The workflow engine's core: locking, transition checks, tasks, history and the clock.

Every action service (``services_actions``) runs inside one transaction:

1. :func:`case_lock` takes the case row (``SELECT … FOR UPDATE``; on SQLite the IMMEDIATE
   transaction already holds the write lock) and re-reads it, so that the checks below see the
   state a concurrent action left;
2. :func:`require_action` refuses an action the current status does not allow (409);
3. :func:`task_of_actor` finds the open task the actor's department and post hold (403 when the
   case is visible but the task is someone else's);
4. :func:`task_close` closes it with a conditional update, and :func:`transition` bumps the case's
   ``revision`` with a conditional update and appends the history row (unique per case and
   sequence): a transition can neither be lost nor happen twice.

Only this module writes ``Case.status``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govhall.accounts import permissions as account_permissions
from govhall.cases.models import Case, CaseEvent, Task
from govhall.cases.routing import Route, step_route
from govhall.cases.workflow import ACTIONS, Process, Step, process_of
from govhall.core import errors
from govhall.core.calendar import add_working_days

ACTION_LABELS = {
    "accept": gettext_lazy("受理"),
    "refuse": gettext_lazy("不予受理"),
    "request-correction": gettext_lazy("一次性告知补正"),
    "supplement": gettext_lazy("补正材料"),
    "approve": gettext_lazy("同意"),
    "deny": gettext_lazy("不同意"),
    "suspend": gettext_lazy("启动特别程序"),
    "resume": gettext_lazy("特别程序结束"),
    "extend": gettext_lazy("延长办理时限"),
    "withdraw": gettext_lazy("撤回申请"),
    "complete": gettext_lazy("办结"),
    "close-overdue": gettext_lazy("牵头部门处理逾期会签"),
    "submit": gettext_lazy("提交申请"),
    "step": gettext_lazy("流转"),
    "decided": gettext_lazy("作出决定"),
    "denied": gettext_lazy("作出不予许可决定"),
    "countersign": gettext_lazy("会签意见"),
    "deemed-accept": gettext_lazy("逾期视为受理"),
    "ship": gettext_lazy("寄出"),
    "deliver": gettext_lazy("送达"),
    "mail-materials": gettext_lazy("寄递材料"),
    "assign": gettext_lazy("指定办理人"),
    "publicity-end": gettext_lazy("公示期满"),
}


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def case_lock(case: Case) -> Case:
    """The case row, locked for this transaction and freshly read. Only the case row: the
    department and item version read with it stay unlocked (``of``), so that actions on the
    cases of one department or item do not queue behind each other."""
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("department", "version")
        .get(pk=case.pk)
    )


def require_action(case: Case, action: str) -> None:
    statuses, _kinds = ACTIONS[action]
    if case.status not in statuses:
        raise errors.Conflict(
            _("办件当前状态为「%(status)s」,不能%(action)s。")
            % {"status": case.get_status_display(), "action": action_label(action)},
            code="invalid_transition",
        )


def task_of_actor(case: Case, actor: Any, action: str, *, task_id: int | None = None) -> Task:
    """The open task of the step kinds ``action`` closes that the actor's department and post
    hold (a task assigned to one person is that person's)."""
    _statuses, kinds = ACTIONS[action]
    open_tasks = Task.objects.filter(case=case, state=Task.State.OPEN)
    if kinds is not None:
        open_tasks = open_tasks.filter(kind__in=kinds)
    if task_id is not None:
        open_tasks = open_tasks.filter(pk=task_id)
    posts = account_permissions.post_codes(actor)
    for task in open_tasks.select_related("department"):
        if (
            account_permissions.acts_for_department(actor, task.department_id)
            and task.post_id in posts
            and task.assignee_id in (None, actor.pk)
        ):
            return task
    if not open_tasks.exists():
        raise errors.Conflict(
            _("该办件当前没有可以%(action)s的环节。") % {"action": action_label(action)},
            code="invalid_transition",
        )
    raise errors.PermissionDenied(_("该环节不由您的部门和岗位办理。"), code="not_task_owner")


def task_close(task: Task, *, actor: Any, outcome: str, opinion: str) -> None:
    """Close an open task; a task closed meanwhile by someone else is a 409."""
    closed = Task.objects.filter(pk=task.pk, state=Task.State.OPEN).update(
        state=Task.State.DONE,
        closed_at=timezone.now(),
        closed_by=actor if getattr(actor, "pk", None) else None,
        outcome=outcome,
        opinion=opinion,
    )
    if closed != 1:
        raise errors.Conflict(_("该环节已由他人办理。"), code="task_already_closed")


def tasks_cancel(case: Case) -> int:
    return Task.objects.filter(case=case, state=Task.State.OPEN).update(
        state=Task.State.CANCELLED, closed_at=timezone.now()
    )


def step_open(
    case: Case, step: Step, *, today: dt.date | None = None, route: Route | None = None
) -> list[Task]:
    """Open the tasks of ``step``: one, or one per department of a countersign step; a step
    routed to the applicant's community or street goes where ``route`` (default:
    :func:`routing.step_route`) says."""
    today = today or timezone.localdate()
    now = timezone.now()
    due = add_working_days(today, step.days)
    route = route or step_route(case, step)
    tasks = [
        Task(
            case=case,
            step=step.code,
            step_name=step.name,
            kind=step.kind,
            department=department,
            post_id=step.post,
            lead=lead,
            opened_at=now,
            due_date=due,
            days=step.days,
        )
        for department, lead in route.targets
    ]
    return Task.objects.bulk_create(tasks)


def transition(
    case: Case,
    *,
    action: str,
    actor: Any,
    status: str | None = None,
    step: Step | None = None,
    opinion: str = "",
    data: dict[str, Any] | None = None,
    **changes: Any,
) -> CaseEvent:
    """Move the case (status, step, any clock fields) and append the history row, under the
    revision the caller read: a concurrent transition makes this a 409."""
    before = case.status
    updates = dict(changes)
    if status is not None:
        updates["status"] = status
    if step is not None:
        updates["step"] = step.code
    moved = Case.objects.filter(pk=case.pk, revision=case.revision).update(
        revision=F("revision") + 1, updated_at=timezone.now(), **updates
    )
    if moved != 1:
        raise errors.Conflict(_("办件已被他人同时处理,请刷新后重试。"), code="concurrent_change")
    case.revision += 1
    for name, value in updates.items():
        setattr(case, name, value)
    user = actor if getattr(actor, "pk", None) else None
    return CaseEvent.objects.create(
        case=case,
        seq=case.revision,
        at=timezone.now(),
        action=action,
        actor=user,
        actor_name=getattr(actor, "name", "") or (_("系统") if actor is None else str(actor)),
        department_id=getattr(user, "department_id", None),
        step=step.code if step else case.step,
        step_name=step.name if step else "",
        status_before=before,
        status_after=case.status,
        opinion=opinion,
        due_date=case.due_date,
        data=data or {},
    )


def clock_due_dates(case: Case) -> dict[str, dt.date | None]:
    """The promised and statutory due dates from the clock start, the one extension and the
    stopped working days (特别程序 time does not count)."""
    if case.clock_start is None:
        return {"due_date": None, "statutory_due_date": None}
    extra = case.extension_days + case.stopped_days
    return {
        "due_date": add_working_days(case.clock_start, case.promised_days + extra),
        "statutory_due_date": add_working_days(case.clock_start, case.statutory_days + extra),
    }


def process_for(case: Case) -> Process:
    return process_of(case.version)


def current_step(case: Case) -> Step:
    return process_for(case).step(case.step)

"""Assigning a task to one person (指定办理人): the department's approver (负责人) picks a holder
of the task's post in the task's department; the task then leaves the others' queues. An empty
choice gives it back to the whole post."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from govhall.accounts import permissions as account_permissions
from govhall.accounts.models import User
from govhall.cases.engine import case_lock, transition
from govhall.cases.models import Case, Task
from govhall.core import errors
from govhall.core.audit import audit_record
from govhall.notifications.services import notification_enqueue
from govhall.organizations.models import Post


def can_assign(actor: Any, task: Task) -> bool:
    return account_permissions.acts_for_department(
        actor, task.department_id
    ) and account_permissions.holds_post(actor, Post.APPROVAL)


def assignable_staff(task: Task) -> list[User]:
    """Who may be given ``task``: active staff of its department holding its post."""
    return list(
        User.objects.filter(
            department_id=task.department_id, posts__code=task.post_id, is_active=True
        ).order_by("name")
    )


@transaction.atomic
def task_assign(*, actor: Any, case: Case, task_id: int, assignee: str) -> Task:
    case = case_lock(case)
    task = case.tasks.filter(pk=task_id, state=Task.State.OPEN).first()
    if task is None:
        raise errors.NotFound(_("待办任务不存在或已办理。"), code="task_not_found")
    if not can_assign(actor, task):
        raise errors.PermissionDenied(
            _("只有该部门负责人(审批岗)可以指定办理人。"), code="not_approver"
        )
    person = None
    if (assignee or "").strip():
        person = next((u for u in assignable_staff(task) if u.username == assignee.strip()), None)
        if person is None:
            raise errors.ValidationError(
                _("办理人须为本部门担任该岗位的在职人员。"),
                code="invalid_assignee",
                fields={"assignee": [_("无效")]},
            )
    Task.objects.filter(pk=task.pk).update(assignee=person)
    task.assignee = person
    transition(
        case,
        action="assign",
        actor=actor,
        data={"task": task.pk, "step": task.step_name, "assignee": person.name if person else ""},
    )
    audit_record(
        actor=actor, action="cases.task_assign", obj=task, after={"assignee": assignee or ""}
    )
    if person is not None:
        notification_enqueue(
            event="task.assigned",
            subject=_("新的待办"),
            body=_("您被指定办理办件%(number)s(%(item)s)的「%(step)s」环节,期限%(due)s。")
            % {
                "number": case.number,
                "item": case.item_name,
                "step": task.step_name,
                "due": f"{task.due_date:%Y-%m-%d}",
            },
            recipient=person,
            channels=("site",),
            link=reverse("cases:case_detail", kwargs={"number": case.number}),
            related=f"case:{case.number}",
        )
    return task

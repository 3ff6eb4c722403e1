"""Opening the public notice (公示) when a publicity step starts (called by the engine's step
entry in ``services_actions``). Filing and handling objections and closing notices are in
``services_publicity``."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.cases.models import Case, PublicityNotice, Task
from govhall.cases.notify import notify_case
from govhall.cases.workflow import Step
from govhall.core.identifiers import mask_name


def publicity_text(case: Case, task: Task, *, starts_on: Any, ends_on: Any) -> str:
    return _(
        "申请人%(name)s申请的「%(item)s」已经审核,现予公示。公示期自%(starts)s至"
        "%(ends)s。对公示对象有异议的,请在公示期内登录后在本页提出,并写明事实和理由;"
        "%(department)s将核实处理并答复。"
    ) % {
        "name": mask_name(case.applicant_name),
        "item": case.item_name,
        "starts": f"{starts_on:%Y-%m-%d}",
        "ends": f"{ends_on:%Y-%m-%d}",
        "department": task.department.name,
    }


def publicity_open(case: Case, step: Step, tasks: list[Task]) -> PublicityNotice:
    """The notice of a publicity step's task: listed from today to the task's due date (the
    step's ``days`` working days later); the applicant is told the period."""
    task = tasks[0]
    starts_on = timezone.localdate()
    notice = PublicityNotice.objects.create(
        case=case,
        task=task,
        department=task.department,
        post_id=step.post,
        step_name=step.name,
        item_name=case.item_name,
        applicant_masked=mask_name(case.applicant_name),
        text=publicity_text(case, task, starts_on=starts_on, ends_on=task.due_date),
        starts_on=starts_on,
        ends_on=task.due_date,
    )
    notify_case(case, "publicity", starts=f"{starts_on:%Y-%m-%d}", ends=f"{task.due_date:%Y-%m-%d}")
    return notice


def publicity_cancel(case: Case) -> int:
    """The case closed (withdrawn ...) while on notice: the notice is taken down."""
    return PublicityNotice.objects.filter(case=case, state=PublicityNotice.State.OPEN).update(
        state=PublicityNotice.State.CANCELLED, closed_at=timezone.now()
    )

"""Reads of applications, cases and tasks, each scoped to the actor.

What the actor may not see answers 404, exactly like what does not exist; every list, count and
export goes through :func:`case_queryset` / :func:`task_queryset`.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.accounts import permissions as account_permissions
from govhall.cases import permissions
from govhall.cases.models import OPEN_STATUSES, Application, Case, CaseEvent, Task
from govhall.core import errors
from govhall.core.identifiers import mask_name

CASE_LIST_FIELDS = (
    "id",
    "number",
    "item_name",
    "applicant_name",
    "status",
    "step",
    "received_at",
    "due_date",
    "closed_at",
    "department__name",
)


def case_queryset(*, actor: Any) -> QuerySet[Case]:
    visible = permissions.case_visibility(actor)
    if visible is None:
        return Case.objects.none()
    return Case.objects.filter(visible)


def _not_found() -> errors.NotFound:
    return errors.NotFound(_("办件不存在。"), code="case_not_found")


def case_get(*, actor: Any, number: str) -> Case:
    case = (
        case_queryset(actor=actor)
        .select_related("department", "version", "item", "applicant", "agent", "application")
        .filter(number=number)
        .first()
    )
    if case is None:
        raise _not_found()
    return case


@dataclass(frozen=True)
class CaseFilters:
    status: str = ""
    department: int | None = None
    item: str = ""
    q: str = ""
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    overdue: bool = False
    # Department staff: "own" (the department handles it) or "joint" (it takes part in a
    # parallel approval led by another department).
    scope: str = "own"


def case_list(*, actor: Any, filters: CaseFilters | None = None) -> QuerySet[Case]:
    """The actor's cases, newest first; the staff list's department + status filter rides on
    the (department, status, received_at) index."""
    filters = filters or CaseFilters()
    queryset = _listing(actor, filters.scope)
    if filters.status == "open":
        queryset = queryset.filter(status__in=OPEN_STATUSES)
    elif filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.department:
        queryset = queryset.filter(department_id=filters.department)
    if filters.item:
        queryset = queryset.filter(item__implementation_code=filters.item)
    if filters.q:
        term = filters.q.strip()
        queryset = queryset.filter(
            Q(number=term) | Q(applicant_name=term) | Q(applicant_key=term.upper())
        )
    if filters.received_from:
        queryset = queryset.filter(received_at__date__gte=filters.received_from)
    if filters.received_to:
        queryset = queryset.filter(received_at__date__lte=filters.received_to)
    if filters.overdue:
        queryset = queryset.filter(status__in=OPEN_STATUSES, due_date__lt=timezone.localdate())
    return queryset.order_by("-received_at", "-id")


def _listing(actor: Any, scope: str) -> QuerySet[Case]:
    """The cases a list starts from. Staff of a department list either their own cases (one
    range of the (department, status, received_at) index) or those where their department
    countersigns; both lie within what :func:`case_queryset` lets them see, whose OR of the two
    would keep the database from walking that index."""
    if not (
        account_permissions.is_department_staff(actor)
        and not permissions.is_supervisor(actor)
        and not account_permissions.is_system_admin(actor)
    ):
        return case_queryset(actor=actor)
    if scope == "joint":
        joint = Task.objects.filter(department_id=actor.department_id).values("case_id")
        return Case.objects.filter(pk__in=joint).exclude(department_id=actor.department_id)
    return Case.objects.filter(department_id=actor.department_id)


QUEUES = ("todo", "done", "overdue")


def task_queryset(*, actor: Any) -> QuerySet[Task]:
    """Tasks of the actor's department and posts (a task assigned to someone else excluded)."""
    if not account_permissions.is_department_staff(actor):
        return Task.objects.none()
    posts = account_permissions.post_codes(actor)
    return Task.objects.filter(department_id=actor.department_id, post_id__in=posts).filter(
        Q(assignee__isnull=True) | Q(assignee_id=actor.pk)
    )


def task_list(*, actor: Any, queue: str = "todo", q: str = "") -> QuerySet[Task]:
    """待办 (open), 已办 (closed by the actor) or 超期 (open past the due date)."""
    queryset = task_queryset(actor=actor).select_related("case", "department", "post")
    if queue == "done":
        queryset = queryset.filter(state=Task.State.DONE, closed_by_id=actor.pk).order_by(
            "-closed_at", "-id"
        )
    elif queue == "overdue":
        queryset = queryset.filter(
            state=Task.State.OPEN, due_date__lt=timezone.localdate()
        ).order_by("due_date", "id")
    else:
        queryset = queryset.filter(state=Task.State.OPEN).order_by("due_date", "id")
    if q.strip():
        term = q.strip()
        queryset = queryset.filter(
            Q(case__number=term) | Q(case__applicant_name=term) | Q(case__item_name__contains=term)
        )
    return queryset


def queue_counts(*, actor: Any) -> dict[str, int]:
    base = task_queryset(actor=actor).filter(state=Task.State.OPEN)
    return {
        "todo": base.count(),
        "overdue": base.filter(due_date__lt=timezone.localdate()).count(),
    }


def case_timeline(*, case: Case) -> QuerySet[CaseEvent]:
    return case.events.select_related("department").order_by("seq")


def case_open_tasks(*, case: Case) -> list[Task]:
    return list(
        case.tasks.filter(state=Task.State.OPEN).select_related("department", "post", "assignee")
    )


def actor_tasks_on(*, actor: Any, case: Case) -> list[Task]:
    """The open tasks on ``case`` that the actor may work (drives the action buttons)."""
    return [
        task
        for task in case_open_tasks(case=case)
        if account_permissions.acts_for_department(actor, task.department_id)
        and task.post_id in account_permissions.post_codes(actor)
        and task.assignee_id in (None, actor.pk)
    ]


def application_queryset(*, actor: Any) -> QuerySet[Application]:
    if permissions.is_public_applicant(actor):
        return Application.objects.filter(applicant_id=actor.pk)
    if permissions.is_agent(actor):
        return Application.objects.filter(created_by_id=actor.pk)
    return Application.objects.none()


def application_get(*, actor: Any, application_id: Any) -> Application:
    try:
        key = int(application_id)
    except (TypeError, ValueError):
        raise errors.NotFound(_("申请不存在。"), code="application_not_found") from None
    application = (
        application_queryset(actor=actor)
        .select_related("item", "version", "applicant", "authorization")
        .filter(pk=key)
        .first()
    )
    if application is None:
        raise errors.NotFound(_("申请不存在。"), code="application_not_found")
    return application


def application_list(*, actor: Any, state: str = "") -> QuerySet[Application]:
    queryset = application_queryset(actor=actor).select_related("item", "version")
    if state:
        queryset = queryset.filter(state=state)
    return queryset.order_by("-updated_at")


@dataclass(frozen=True)
class PublicProgress:
    number: str
    item_name: str
    department: str
    applicant: str  # masked
    status: str
    status_label: str
    received_at: dt.datetime
    due_date: dt.date | None
    closed_at: dt.datetime | None
    steps: list[tuple[str, str, dt.datetime]]  # (step name, action label, at)


def progress_lookup(*, number: str, name: str = "", password: str = "") -> PublicProgress:
    """Public progress query (办件进度查询): by number with the applicant's name or the query
    password; a wrong pair answers exactly like an unknown number."""
    number = (number or "").strip()
    case = Case.objects.select_related("department").filter(number=number).first()
    name, password = (name or "").strip(), (password or "").strip()
    matches = case is not None and (
        (name and name == case.applicant_name)
        or (password and secrets.compare_digest(password, case.query_password))
    )
    if not matches:
        raise errors.NotFound(
            _("未找到该办件:请核对办件编号和申请人姓名(或查询密码)。"), code="case_not_found"
        )
    from govhall.cases.engine import action_label

    events = case.events.order_by("seq").values_list("step_name", "action", "at")
    return PublicProgress(
        number=case.number,
        item_name=case.item_name,
        department=case.department.name,
        applicant=mask_name(case.applicant_name),
        status=case.status,
        status_label=case.get_status_display(),
        received_at=case.received_at,
        due_date=case.due_date,
        closed_at=case.closed_at,
        steps=[(step, action_label(action), at) for step, action, at in events],
    )


def authorization_list(*, actor: Any) -> QuerySet:
    from govhall.cases.models import AgentAuthorization

    if not account_permissions.is_authenticated_user(actor):
        return AgentAuthorization.objects.none()
    return (
        AgentAuthorization.objects.filter(Q(agent_id=actor.pk) | Q(principal_id=actor.pk))
        .select_related("agent", "principal", "item")
        .order_by("-created_at")
    )


def authorization_get(*, actor: Any, authorization_id: int) -> Any:
    authorization = authorization_list(actor=actor).filter(pk=authorization_id).first()
    if authorization is None:
        raise errors.NotFound(_("授权不存在。"), code="authorization_not_found")
    return authorization


def prereview_queue(*, actor: Any) -> QuerySet[Application]:
    """Applications waiting for pre-review (预审) of the actor's department's items, for its
    acceptance clerks; the oldest first."""
    if not permissions.can_prereview_any(actor):
        return Application.objects.none()
    return (
        Application.objects.filter(
            state=Application.State.PREREVIEW, item__department_id=actor.department_id
        )
        .select_related("item", "version", "applicant", "created_by")
        .order_by("updated_at", "id")
    )


def online_items(q: str = "", department: int | None = None) -> QuerySet:
    """Published items that take applications online (网上办理深度 III and IV)."""
    from govhall.cases.services_apply import ONLINE_DEPTH
    from govhall.catalog import selectors as catalog_selectors

    return catalog_selectors.version_list_public(q=q, department=department).filter(
        online_depth__gte=ONLINE_DEPTH
    )


def online_departments() -> list[tuple[int, str]]:
    """The departments that have online items, for the 网上办理 filter."""
    from govhall.cases.services_apply import ONLINE_DEPTH
    from govhall.catalog import selectors as catalog_selectors

    rows = (
        catalog_selectors.public_versions()
        .filter(online_depth__gte=ONLINE_DEPTH)
        .order_by("item__department__name")
        .values_list("item__department_id", "item__department__name")
        .distinct()
    )
    return list(rows)

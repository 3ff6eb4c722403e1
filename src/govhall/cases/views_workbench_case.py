"""The staff case page (办件详情) and what is done from it: the actions (``case_act``), delivery,
fee waivers and the one-click verification panel (``case_verify``, loaded with htmx).

A service error from an action re-renders the case page with the message and the error's status
(403, 409, 422 ...), with what the clerk typed kept in the form; it never becomes a 500.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from govhall.cases import (
    hooks,
    permissions,
    presenters,
    selectors,
    selectors_publicity,
    services_delivery,
    services_payment,
    services_publicity,
    services_tasks,
)
from govhall.cases import views_workbench_display as display
from govhall.cases.engine import action_label
from govhall.cases.models import Case, ClockStop, Delivery, PaymentOrder
from govhall.cases.services_actions import perform_action
from govhall.cases.verification import case_verification
from govhall.cases.views_portal_common import int_or_none
from govhall.cases.workflow import STAFF_ACTIONS
from govhall.core import errors
from govhall.exchange.presenters import verification_sections
from govhall.workbench.access import workbench_view
from govhall.workbench.frame import frame_context

MAX_LINES = 50


def render_page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    return render(request, template, {**frame_context(request), **context}, status=status)


def _records(payload: dict[str, Any]) -> dict[str, Any]:
    """The payload's lists with a label beside each code."""
    return {
        "notices": [
            {**notice, "label": notice["title"] or display.notice_label(notice["kind"])}
            for notice in payload["notices"]
        ],
        "payments": [
            {**p, "state_label": display.labelled(PaymentOrder.State, p["state"])}
            for p in payload["payments"]
        ],
        "deliveries": [
            {
                **d,
                "direction_label": display.labelled(Delivery.Direction, d["direction"]),
                "method_label": display.labelled(Delivery.Method, d["method"]),
                "state_label": display.labelled(Delivery.State, d["state"]),
            }
            for d in payload["deliveries"]
        ],
        "stops": [
            {**s, "kind_label": display.labelled(ClockStop.Kind, s["kind"])}
            for s in payload["stops"]
        ],
    }


def _open_tasks(case: Case) -> list[dict[str, Any]]:
    rows = []
    for task in selectors.case_open_tasks(case=case):
        task.case = case
        row = presenters.task_row(task)
        row.update(post=task.post.name, deadline_label=display.deadline_label(row["deadline"]))
        rows.append(row)
    return rows


def case_context(request: HttpRequest, case: Case) -> dict[str, Any]:
    actor = request.user
    payload = presenters.case_detail_payload(case, actor=actor)
    full = permissions.can_view_applicant_data(actor, case)
    timeline = [
        {**row, "status_label": display.status_label(row["status"]) if row["status"] else ""}
        for row in presenters.timeline_rows(case)
    ]
    return {
        "case": case,
        "facts": payload,
        "deadline_label": display.deadline_label(payload["deadline"]),
        "full_data": full,
        "form": display.form_sections(case.application, full=full),
        "materials": display.material_rows(case.application),
        "open_tasks": _open_tasks(case),
        "channel_label": display.channel_label(case.channel),
        "panel": display.action_panel(actor, case),
        "read_only": permissions.is_supervisor(actor),
        "timeline": timeline,
        "publicity": _publicity(actor, case),
        **_records(payload),
    }


def _publicity(actor: Any, case: Case) -> list[dict[str, Any]]:
    """The case's notices with their objections; ``closable``: the period is over and no
    objection is open, so the handler may end it now instead of waiting for the worker."""
    today = timezone.localdate()
    rows = selectors_publicity.case_publicity(actor=actor, case=case)
    for row in rows:
        row["closable"] = (
            row["can_handle"]
            and row["ends_on"] < today
            and not any(o["state"] == "open" for o in row["objections"])
        )
    return rows


def _case_page(
    request: HttpRequest,
    number: str,
    *,
    error: errors.ApplicationError | None = None,
    action: str = "",
    task: int | None = None,
) -> HttpResponse:
    case = selectors.case_get(actor=request.user, number=number)
    context = case_context(request, case)
    status = 200
    if error is not None:
        status = error.status
        context["action_error"] = {
            "action": action,
            "task": task,
            "message": error.message,
        }
        context["posted"] = request.POST
    return render_page(request, "cases/workbench/case_detail.html", context, status=status)


@workbench_view
def case_detail(request: HttpRequest, number: str) -> HttpResponse:
    return _case_page(request, number)


def _lines(value: str) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()][:MAX_LINES]


def action_data(post: QueryDict) -> dict[str, Any]:
    """The action form's fields as ``perform_action`` takes them (the API's names)."""
    return {
        "opinion": post.get("opinion", "").strip()[:2000],
        "reasons": _lines(post.get("reasons", "")),
        "missing": _lines(post.get("missing", "")),
        "kind": post.get("kind", "")[:20],
        "days": int_or_none(post.get("days")),
        "task": int_or_none(post.get("task")),
        "complete": post.get("complete") in {"1", "on", "true"},
        "result_name": post.get("result_name", "").strip()[:200],
        "revision": int_or_none(post.get("revision")),
    }


@workbench_view
@require_POST
def case_act(request: HttpRequest, number: str, action: str) -> HttpResponse:
    if action not in STAFF_ACTIONS:
        raise Http404(_("不支持的办理动作。"))
    case = selectors.case_get(actor=request.user, number=number)
    data = action_data(request.POST)
    try:
        perform_action(actor=request.user, case=case, action=action, **data)
    except errors.ApplicationError as exc:
        return _case_page(request, number, error=exc, action=action, task=data["task"])
    messages.success(request, _("「%(action)s」已办理。") % {"action": action_label(action)})
    return redirect("cases:case_detail", number=case.number)


@workbench_view
@require_POST
def case_delivery(request: HttpRequest, number: str, step: str) -> HttpResponse:
    if step not in {"ship", "confirm"}:
        raise Http404(_("不支持的寄递动作。"))
    case = selectors.case_get(actor=request.user, number=number)
    try:
        if step == "ship":
            tracking = request.POST.get("tracking_number", "").strip()[:50]
            services_delivery.delivery_ship(actor=request.user, case=case, tracking_number=tracking)
            done = _("已登记寄出。")
        else:
            services_delivery.delivery_confirm(actor=request.user, case=case)
            done = _("已确认送达。")
    except errors.ApplicationError as exc:
        return _case_page(request, number, error=exc, action=f"delivery-{step}")
    messages.success(request, done)
    return redirect("cases:case_detail", number=case.number)


@workbench_view
@require_POST
def case_waive(request: HttpRequest, number: str, order_number: str) -> HttpResponse:
    case = selectors.case_get(actor=request.user, number=number)
    try:
        services_payment.payment_waive(
            actor=request.user,
            case=case,
            order_number=order_number,
            reason=request.POST.get("reason", "")[:300],
        )
    except errors.ApplicationError as exc:
        return _case_page(request, number, error=exc, action=f"waive-{order_number}")
    messages.success(request, _("缴费单 %(number)s 已减免。") % {"number": order_number})
    return redirect("cases:case_detail", number=case.number)


def _verification_extensions(actor: Any, case: Case) -> list[dict[str, Any]]:
    """The sections other apps add (the eligibility explanation of a 公租房 case ...), each
    rendered by its own template; one app's refusal stays in its section."""
    sections = []
    for extension in hooks.verification_extensions():
        try:
            section = extension(case, actor=actor)
        except errors.ApplicationError as exc:
            sections.append({"title": "", "refusal": exc.message})
            continue
        if section is not None:
            context = {**section.context, "case": case, "actor": actor}
            sections.append({"title": section.title, "template": section.template, **context})
    return sections


@workbench_view
def case_verify(request: HttpRequest, number: str) -> HttpResponse:
    """一键核查 under the case number as purpose. With htmx the panel answers 200 whatever the
    outcome, so that a refusal's message is swapped into the page like a result."""
    case = selectors.case_get(actor=request.user, number=number)
    result, refusal, status = None, "", 200
    try:
        result = case_verification(actor=request.user, case=case)
    except errors.ApplicationError as exc:
        refusal, status = exc.message, exc.status
    context = {
        "case": case,
        "result": result,
        "sections": verification_sections(result) if result else [],
        "refusal": refusal,
        "extensions": _verification_extensions(request.user, case),
    }
    if request.htmx:
        return render(request, "cases/workbench/verify_panel.html", context)
    return render_page(request, "cases/workbench/verify_page.html", context, status=status)


@workbench_view
@require_POST
def case_assign(request: HttpRequest, number: str, task_id: int) -> HttpResponse:
    case = selectors.case_get(actor=request.user, number=number)
    try:
        services_tasks.task_assign(
            actor=request.user,
            case=case,
            task_id=task_id,
            assignee=request.POST.get("assignee", "")[:64],
        )
    except errors.ApplicationError as exc:
        return _case_page(request, number, error=exc, action="assign", task=task_id)
    messages.success(request, _("已指定办理人。"))
    return redirect("cases:case_detail", number=case.number)


@workbench_view
@require_POST
def case_objection_handle(request: HttpRequest, number: str, objection_id: int) -> HttpResponse:
    """异议成立 / 不成立 with the reply (the handlers of the publicity step)."""
    case = selectors.case_get(actor=request.user, number=number)
    uphold = request.POST.get("decision") == "uphold"
    try:
        services_publicity.objection_handle(
            actor=request.user,
            case=case,
            objection_id=objection_id,
            uphold=uphold,
            reply=request.POST.get("reply", "")[:2000],
        )
    except errors.ApplicationError as exc:
        return _case_page(request, number, error=exc, action=f"objection-{objection_id}")
    messages.success(request, _("异议已处理,已通知异议人。"))
    return redirect("cases:case_detail", number=case.number)

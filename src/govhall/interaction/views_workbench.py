"""Workbench pages: the department's tickets to answer and rectifications to work, with their
deadlines; the 12345 hotline desk's entry and routing; publishing FAQ entries."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from govhall.core import errors
from govhall.core.identifiers import mask_phone
from govhall.interaction import permissions, selectors, services_evaluation, services_tickets
from govhall.interaction.forms import (
    AnswerForm,
    FaqForm,
    HotlineForm,
    RectificationForm,
    RouteForm,
)
from govhall.interaction.models import Rectification, Ticket
from govhall.portal.http import add_service_error
from govhall.workbench.access import workbench_view
from govhall.workbench.frame import frame_context

LIST_SIZE = 100
R = Rectification.State


def _render(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200):
    return render(request, template, {**frame_context(request), **context}, status=status)


def _deadline(due: Any, open_: bool) -> str:
    """green / yellow (due today or tomorrow) / red (overdue) / grey (done)."""
    if not open_ or due is None:
        return "grey"
    days = (due - timezone.localdate()).days
    return "red" if days < 0 else "yellow" if days <= 1 else "green"


@workbench_view
def manage(request: HttpRequest) -> HttpResponse:
    """咨询投诉处理: open tickets and rectifications first, by deadline."""
    tickets = selectors.ticket_queryset(actor=request.user).order_by("state", "due_date", "id")
    rectifications = selectors.rectification_queryset(actor=request.user).order_by(
        "closed_at", "due_date", "id"
    )
    context = {
        "tickets": [
            (t, _deadline(t.due_date, t.state == Ticket.State.OPEN)) for t in tickets[:LIST_SIZE]
        ],
        "rectifications": [
            (r, _deadline(r.due_date, r.state in {R.OPEN, R.CALLED_BACK}))
            for r in rectifications[:LIST_SIZE]
        ],
        "is_hotline": permissions.is_hotline_staff(request.user),
    }
    return _render(request, "interaction/workbench/manage.html", context)


@workbench_view
@require_http_methods(["GET", "POST"])
def hotline_entry(request: HttpRequest) -> HttpResponse:
    """12345 热线登记: a call entered on the caller's behalf."""
    if not permissions.is_hotline_staff(request.user):
        raise errors.PermissionDenied(_("只有12345热线受理人员可以登记来电。"))
    form = HotlineForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                ticket = services_tickets.ticket_create(
                    actor=request.user,
                    kind=data["kind"],
                    subject=data["subject"],
                    text=data["text"],
                    department_id=data["department"],
                    item_code=data["item"].strip(),
                    contact_name=data["contact_name"],
                    contact_phone=data["contact_phone"],
                )
            except errors.ValidationError as exc:
                add_service_error(form, exc)
                status = 422
            else:
                messages.success(request, _("已登记。"))
                return redirect("interaction:manage_ticket", ticket.pk)
        else:
            status = 400
    return _render(request, "interaction/workbench/hotline.html", {"form": form}, status)


def _ticket_action(request: HttpRequest, ticket: Ticket) -> tuple[Any, str | None]:
    """Run the posted action; returns (the form to show again, None) or (None, message)."""
    action = request.POST.get("action")
    forms = {"answer": AnswerForm, "route": RouteForm, "faq": FaqForm}
    if action not in forms:
        raise errors.ValidationError(_("不支持的操作。"))
    form = forms[action](request.POST)
    if not form.is_valid():
        return form, None
    data = form.cleaned_data
    try:
        if action == "answer":
            services_tickets.ticket_answer(actor=request.user, ticket=ticket, answer=data["answer"])
            return None, _("已答复。")
        if action == "route":
            services_tickets.ticket_route(
                actor=request.user, ticket=ticket, department_id=data["department"]
            )
            return None, _("已转办。")
        services_tickets.faq_publish(
            actor=request.user, ticket=ticket, question=data["question"], answer=data["answer"]
        )
        return None, _("已发布为常见问题。")
    except errors.ValidationError as exc:
        add_service_error(form, exc)
        return form, None


@workbench_view
@require_http_methods(["GET", "POST"])
def manage_ticket(request: HttpRequest, ticket_id: int) -> HttpResponse:
    ticket = selectors.ticket_get(actor=request.user, ticket_id=ticket_id)
    failed = None
    if request.method == "POST":
        failed, done = _ticket_action(request, ticket)
        if failed is None:
            messages.success(request, done)
            return redirect("interaction:manage_ticket", ticket.pk)
    context = {
        "ticket": ticket,
        "can_answer": permissions.can_answer_ticket(request.user, ticket),
        "can_route": permissions.can_route_ticket(request.user, ticket),
        "answer_form": failed if isinstance(failed, AnswerForm) else AnswerForm(),
        "route_form": failed if isinstance(failed, RouteForm) else RouteForm(),
        "faq_form": failed
        if isinstance(failed, FaqForm)
        else FaqForm(initial={"question": ticket.subject, "answer": ticket.answer}),
        "has_faq": hasattr(ticket, "faq"),
        "contact_phone": ticket.contact_phone
        if permissions.can_route_ticket(request.user, ticket)
        else mask_phone(ticket.contact_phone),
        "deadline": _deadline(ticket.due_date, ticket.state == Ticket.State.OPEN),
    }
    return _render(
        request, "interaction/workbench/ticket.html", context, 400 if failed is not None else 200
    )


def _rectification_step(request: HttpRequest, rect: Rectification, data: dict) -> str:
    step = request.POST.get("step")
    actor, text = request.user, data["text"]
    if step == "verify":
        services_evaluation.rectification_verify(actor=actor, rectification=rect, finding=text)
    elif step == "callback":
        services_evaluation.rectification_callback(
            actor=actor, rectification=rect, record=text, reached=data["reached"]
        )
    elif step == "resolve":
        services_evaluation.rectification_resolve(
            actor=actor,
            rectification=rect,
            outcome=data["outcome"],
            text=text,
            fix_due=data["fix_due"],
        )
    elif step == "close":
        services_evaluation.rectification_close(actor=actor, rectification=rect, text=text)
    elif step == "review":
        services_evaluation.rectification_review(
            actor=actor, rectification=rect, upheld=bool(data["upheld"]), reason=text
        )
    else:
        raise errors.ValidationError(_("不支持的操作。"))
    return _("已保存。")


@workbench_view
@require_http_methods(["GET", "POST"])
def manage_rectification(request: HttpRequest, rectification_id: int) -> HttpResponse:
    rect = selectors.rectification_get(actor=request.user, rectification_id=rectification_id)
    form = RectificationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                messages.success(request, _rectification_step(request, rect, form.cleaned_data))
                return redirect("interaction:manage_rectification", rect.pk)
            except errors.ValidationError as exc:
                add_service_error(form, exc)
                status = 422
        else:
            status = 400
    can_work = permissions.can_work_rectification(request.user, rect)
    context = {
        "rect": rect,
        "evaluation": rect.evaluation,
        "form": form,
        "can_work": can_work,
        # the department calls the person back; supervisors see the number masked
        "rater": rect.evaluation.applicant,
        "rater_phone": rect.evaluation.applicant.phone
        if can_work
        else mask_phone(rect.evaluation.applicant.phone),
        "can_review": permissions.can_review_appeal(request.user, rect),
        "deadline": _deadline(rect.due_date, rect.state in {R.OPEN, R.CALLED_BACK}),
    }
    return _render(request, "interaction/workbench/rectification.html", context, status)

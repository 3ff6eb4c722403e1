"""Workbench pages of the resource catalog, grants and purposes.

Each view calls one selector for access (404 for what the actor may not see; 403 for a list the
actor may not open) and at most one service. Nothing here shows registry data.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from govhall.accounts.permissions import is_system_admin
from govhall.core import errors
from govhall.exchange import permissions
from govhall.exchange import selectors_catalog as selectors
from govhall.exchange import services_grants as services
from govhall.exchange.forms_catalog import (
    GrantFilterForm,
    GrantRequestForm,
    NoteForm,
    PurposeForm,
    ReasonForm,
    ResourceFilterForm,
)
from govhall.exchange.models import Grant
from govhall.portal.http import add_service_error, safe_next_url
from govhall.workbench.access import workbench_view
from govhall.workbench.frame import frame_context

PAGE_SIZE = 50


def _render(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    officer = permissions.holds_data_officer_post(request.user) or is_system_admin(request.user)
    base = {**frame_context(request), "exchange_officer": officer}
    return render(request, template, {**base, **context}, status=status)


def _page(request: HttpRequest, queryset: Any):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _decorate(request: HttpRequest, grants: Any) -> None:
    """What the templates show per grant: its status today and whether the actor decides it."""
    for grant in grants:
        grant.state = selectors.effective_status(grant)
        grant.state_label = selectors.effective_status_label(grant)
        grant.decidable = services.grant_decidable(request.user, grant)


# --- resource catalog ------------------------------------------------------------------------


@workbench_view
def resources(request: HttpRequest) -> HttpResponse:
    form = ResourceFilterForm(request.GET or None)
    page = _page(request, selectors.resource_list(actor=request.user, filters=form.filters()))
    return _render(
        request,
        "exchange/catalog_list.html",
        {"form": form, "page": page, "query_string": _query_without_page(request)},
    )


@workbench_view
def resource_detail(request: HttpRequest, code: str) -> HttpResponse:
    resource = selectors.resource_get(actor=request.user, code=code)
    return _render(
        request,
        "exchange/catalog_detail.html",
        {
            "resource": resource,
            "can_request": services.grant_requestable(request.user, resource),
            "is_provider": permissions.can_view_resource_access(request.user, resource),
            "can_load": permissions.can_load_resource(request.user, resource),
        },
    )


# --- grants ----------------------------------------------------------------------------------


@workbench_view
def grant_request(request: HttpRequest, code: str) -> HttpResponse:
    resource = selectors.resource_get(actor=request.user, code=code)
    services.grant_request_check(actor=request.user, resource=resource)
    form = GrantRequestForm(request.POST or None, resource=resource)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                grant = services.grant_request(
                    actor=request.user, resource=resource, **form.service_kwargs()
                )
            except errors.ApplicationError as exc:
                add_service_error(form, exc)
                status = exc.status
            else:
                if grant.status == Grant.Status.APPROVED:
                    messages.success(request, _("该资源为无条件共享,授权已自动批准。"))
                else:
                    messages.success(request, _("已提交申请,等待资源提供部门审批。"))
                return redirect("exchange:grant_detail", grant_id=grant.pk)
        else:
            status = 400
    return _render(
        request, "exchange/grant_request.html", {"resource": resource, "form": form}, status
    )


@workbench_view
def grants(request: HttpRequest) -> HttpResponse:
    role = "provider" if request.GET.get("tab") == "provider" else "consumer"
    filters = GrantFilterForm(request.GET or None)
    status = filters.cleaned_data.get("status") if filters.is_valid() else None
    page = _page(request, selectors.grant_list(actor=request.user, role=role, status=status))
    _decorate(request, page.object_list)
    return _render(
        request,
        "exchange/grant_list.html",
        {
            "page": page,
            "tab": role,
            "status": status or "",
            "statuses": list(selectors.EFFECTIVE_STATUS_LABELS.items()),
            "query_string": _query_without_page(request),
            "is_admin_view": not permissions.holds_data_officer_post(request.user),
        },
    )


@workbench_view
def grant_detail(request: HttpRequest, grant_id: int) -> HttpResponse:
    grant = selectors.grant_get(actor=request.user, grant_id=grant_id)
    _decorate(request, [grant])
    return _render(
        request,
        "exchange/grant_detail.html",
        {"grant": grant, "field_labels": selectors.grant_field_labels(grant)},
    )


def _back(request: HttpRequest, grant: Grant) -> HttpResponse:
    target = safe_next_url(request, request.POST.get("next"))
    return redirect(target) if target else redirect("exchange:grant_detail", grant_id=grant.pk)


def _decision(request: HttpRequest, grant_id: int, action: str) -> HttpResponse:
    grant = selectors.grant_get(actor=request.user, grant_id=grant_id)
    note = NoteForm(request.POST)
    reason = ReasonForm(request.POST)
    note.is_valid()
    reason.is_valid()
    try:
        if action == "approve":
            services.grant_approve(
                actor=request.user, grant=grant, note=note.cleaned_data.get("note", "")
            )
            messages.success(request, _("已批准该授权申请。"))
        elif action == "refuse":
            services.grant_refuse(
                actor=request.user, grant=grant, note=note.cleaned_data.get("note", "")
            )
            messages.success(request, _("已拒绝该授权申请。"))
        else:
            services.grant_revoke(
                actor=request.user, grant=grant, reason=reason.cleaned_data.get("reason", "")
            )
            messages.success(request, _("已撤销该授权。"))
    except (errors.ValidationError, errors.Conflict) as exc:
        messages.error(request, exc.message)
    return _back(request, grant)


@require_POST
@workbench_view
def grant_approve(request: HttpRequest, grant_id: int) -> HttpResponse:
    return _decision(request, grant_id, "approve")


@require_POST
@workbench_view
def grant_refuse(request: HttpRequest, grant_id: int) -> HttpResponse:
    return _decision(request, grant_id, "refuse")


@require_POST
@workbench_view
def grant_revoke(request: HttpRequest, grant_id: int) -> HttpResponse:
    return _decision(request, grant_id, "revoke")


# --- purposes --------------------------------------------------------------------------------


@workbench_view
def purposes(request: HttpRequest) -> HttpResponse:
    listed = selectors.purpose_list(actor=request.user)
    can_register = permissions.can_register_purpose(request.user)
    form = PurposeForm(request.POST or None) if can_register else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise errors.PermissionDenied()
        if form.is_valid():
            try:
                purpose = services.purpose_register(actor=request.user, **form.service_kwargs())
            except errors.ApplicationError as exc:
                add_service_error(form, exc)
                status = exc.status
            else:
                messages.success(
                    request, _("已登记用途 %(reference)s。") % {"reference": purpose.reference}
                )
                return redirect("exchange:purposes")
        else:
            status = 400
    page = _page(request, listed)
    for purpose in page.object_list:
        purpose.is_current = selectors.purpose_is_current(purpose)
    return _render(
        request,
        "exchange/purpose_list.html",
        {"page": page, "form": form, "query_string": _query_without_page(request)},
        status,
    )


@require_POST
@workbench_view
def purpose_deactivate(request: HttpRequest, reference: str) -> HttpResponse:
    purpose = selectors.purpose_get(actor=request.user, reference=reference)
    try:
        services.purpose_deactivate(actor=request.user, purpose=purpose)
    except errors.Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已停用用途 %(reference)s。") % {"reference": reference})
    return redirect("exchange:purposes")

"""Catalog administrators' pages in the workbench: drafts, editing, review, revisions, cancel.

Each view calls one selector for access (404 for what the actor may not manage) and one service.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from govhall.accounts import permissions as account_permissions
from govhall.catalog import selectors_manage, services
from govhall.catalog.forms_manage import NewItemForm, ReasonForm, ReviewForm, VersionForm
from govhall.catalog.models import ItemVersion
from govhall.catalog.rules import guide_problems
from govhall.core import errors
from govhall.organizations.models import Department
from govhall.workbench.access import workbench_view
from govhall.workbench.frame import frame_context


def _render(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    return render(request, template, {**frame_context(request), **context}, status=status)


def _require_manager(request: HttpRequest) -> None:
    if not selectors_manage.can_manage_catalog(request.user):
        raise Http404


def _apply_errors(form: Any, exc: errors.ApplicationError) -> None:
    placed = False
    for field, messages_ in exc.fields.items():
        target = field if field in form.fields else None
        for message in messages_:
            form.add_error(target, message)
            placed = True
    if not placed:
        form.add_error(None, exc.message)


@workbench_view
def manage_home(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    state = request.GET.get("state") or None
    if state and state not in ItemVersion.State.values:
        state = None
    versions = selectors_manage.managed_versions(
        actor=request.user, state=state, q=request.GET.get("q")
    )
    return _render(
        request,
        "catalog/manage/home.html",
        {
            "versions": versions[:500],
            "queue": selectors_manage.review_queue(actor=request.user)[:100],
            "states": ItemVersion.State.choices,
            "state": state or "",
            "q": request.GET.get("q", ""),
        },
    )


def _departments_for(user: Any):
    if account_permissions.is_system_admin(user):
        return Department.objects.filter(is_active=True).order_by("name")
    return Department.objects.filter(pk=user.department_id)


@workbench_view
def manage_new(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    departments = _departments_for(request.user)
    head = NewItemForm(request.POST or None, departments=departments, prefix="new")
    form = VersionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if head.is_valid() and form.is_valid():
            try:
                version = services.item_create(
                    actor=request.user,
                    department=head.cleaned_data["department"],
                    basic_code=head.cleaned_data["basic_code"],
                    data=form.element_data(),
                    materials=form.cleaned_data["materials"],
                    responsibilities=form.cleaned_data["responsibilities"],
                )
            except errors.ApplicationError as exc:
                _apply_errors(head if "basic_code" in exc.fields else form, exc)
                status = exc.status
            else:
                messages.success(request, _("已创建草稿,可继续完善后提交审核。"))
                return redirect("catalog:manage_edit", version_id=version.pk)
        else:
            status = 400
    return _render(
        request, "catalog/manage/edit.html", {"head": head, "form": form, "version": None}, status
    )


@workbench_view
def manage_edit(request: HttpRequest, version_id: int) -> HttpResponse:
    version = selectors_manage.version_get_managed(actor=request.user, version_id=version_id)
    form = VersionForm(request.POST or None, instance=version)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.version_update(
                    actor=request.user,
                    version=version,
                    data=form.element_data(),
                    materials=form.cleaned_data["materials"],
                    responsibilities=form.cleaned_data["responsibilities"],
                )
            except errors.ApplicationError as exc:
                _apply_errors(form, exc)
                status = exc.status
            else:
                messages.success(request, _("已保存。"))
                return redirect("catalog:manage_edit", version_id=version.pk)
        else:
            status = 400
        version.refresh_from_db()
    problems = guide_problems(version, responsibilities=list(version.responsibilities.all()))
    return _render(
        request,
        "catalog/manage/edit.html",
        {"form": form, "version": version, "problems": problems, "editable": version.is_editable},
        status,
    )


@require_POST
@workbench_view
def manage_submit(request: HttpRequest, version_id: int) -> HttpResponse:
    version = selectors_manage.version_get_managed(actor=request.user, version_id=version_id)
    try:
        services.version_submit(actor=request.user, version=version)
    except errors.ApplicationError as exc:
        for field_messages in exc.fields.values() or [[exc.message]]:
            for message in field_messages:
                messages.error(request, message)
        if not exc.fields:
            messages.error(request, exc.message)
    else:
        messages.success(request, _("已提交审核。"))
    return redirect("catalog:manage_edit", version_id=version.pk)


@workbench_view
def manage_review(request: HttpRequest, version_id: int) -> HttpResponse:
    version = selectors_manage.version_get_managed(actor=request.user, version_id=version_id)
    form = ReviewForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.version_review(
                    actor=request.user,
                    version=version,
                    approve=form.cleaned_data["decision"] == "approve",
                    opinion=form.cleaned_data["opinion"],
                )
            except errors.ApplicationError as exc:
                _apply_errors(form, exc)
                status = exc.status
            else:
                messages.success(request, _("审核完成。"))
                return redirect("catalog:manage")
        else:
            status = 400
    previous = version.item.published_version
    return _render(
        request,
        "catalog/manage/review.html",
        {
            "version": version,
            "form": form,
            "previous": previous if previous and previous.pk != version.pk else None,
        },
        status,
    )


@require_POST
@workbench_view
def manage_new_draft(request: HttpRequest, code: str) -> HttpResponse:
    item = selectors_manage.item_get_managed(actor=request.user, code=code)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写变更原因。"))
        return redirect("catalog:manage")
    try:
        draft = services.version_new_draft(
            actor=request.user, item=item, reason=form.cleaned_data["reason"]
        )
    except errors.ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("catalog:manage")
    return redirect("catalog:manage_edit", version_id=draft.pk)


@require_POST
@workbench_view
def manage_cancel(request: HttpRequest, code: str) -> HttpResponse:
    item = selectors_manage.item_get_managed(actor=request.user, code=code)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写取消原因。"))
        return redirect("catalog:manage")
    try:
        services.item_cancel(
            actor=request.user,
            item=item,
            reason=form.cleaned_data["reason"],
            on=form.cleaned_data["on"],
        )
    except errors.ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已取消或已安排取消。"))
    return redirect("catalog:manage")

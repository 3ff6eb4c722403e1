"""Workbench pages of the issuing department: its licenses, lifecycle actions, key rotation."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from govhall.core import errors
from govhall.licenses import keys, permissions, presenters, selectors
from govhall.licenses.apis import license_action
from govhall.licenses.models import SigningKey
from govhall.licenses.verification import verification_of
from govhall.workbench.access import workbench_view

PAGE_SIZE = 30
ACTIONS = {"change", "renew", "revoke", "inspect"}


def _require_staff(request: HttpRequest) -> None:
    if not permissions.can_manage(request.user, request.user.department_id):
        raise errors.PermissionDenied(_("只有颁证部门的工作人员可以管理电子证照。"))


@workbench_view
def license_list(request: HttpRequest) -> HttpResponse:
    """本部门颁发的电子证照, searchable by identifier, number or holder."""
    _require_staff(request)
    rows = selectors.department_list(actor=request.user)
    query = (request.GET.get("q") or "").strip()[:100]
    if query:
        rows = rows.filter(
            Q(identifier__icontains=query)
            | Q(number__icontains=query)
            | Q(holder_name__icontains=query)
            | Q(holder_key=query.upper())
        )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    key = SigningKey.objects.filter(
        department_id=request.user.department_id, is_active=True
    ).first()
    context = {
        "page": page,
        "query": query,
        "key": key,
        "licenses": [presenters.license_payload(item, full=True) for item in page],
    }
    return render(request, "licenses/workbench_list.html", context)


@workbench_view
@require_http_methods(["GET", "POST"])
def license_detail(request: HttpRequest, identifier: str) -> HttpResponse:
    """One license with its versions and the lifecycle actions."""
    _require_staff(request)
    license = selectors.department_get(actor=request.user, identifier=identifier)
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in ACTIONS:
            raise errors.ValidationError(_("未知的操作。"))
        face = {
            spec["name"]: request.POST[f"face_{spec['name']}"]
            for spec in license.license_type.face_fields
            if f"face_{spec['name']}" in request.POST
        }
        data = {
            "action": action,
            "reason": request.POST.get("reason", ""),
            "face": face,
            "passed": request.POST.get("passed", "1") == "1",
        }
        try:
            result = license_action(request.user, license, data)
        except errors.ValidationError as exc:
            messages.error(
                request,
                exc.message + " " + "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.fields.items()),
            )
            return redirect("licenses:workbench_detail", identifier=license.identifier)
        messages.success(request, _("已办理。"))
        return redirect("licenses:workbench_detail", identifier=result.identifier)
    context = {
        "license": presenters.license_payload(license, full=True),
        "verification": verification_of(license),
        "face_fields": license.license_type.face_fields,
        "face": license.face,
        "annual_inspection": license.license_type.annual_inspection,
        "renewable": bool(license.license_type.validity_years),
    }
    return render(request, "licenses/workbench_detail.html", context)


@workbench_view
@require_POST
def key_rotate(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    key = keys.key_rotate(actor=request.user, department=request.user.department)
    messages.success(
        request, _("已启用新的签章密钥 %(key)s,旧密钥保留用于验证。") % {"key": key.key_id}
    )
    return redirect("licenses:workbench_list")

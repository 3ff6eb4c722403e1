"""Staff workbench pages. Access: ``workbench_view``; reads: the accounts selectors."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from govhall.accounts import permissions
from govhall.accounts import selectors as account_selectors
from govhall.core.identifiers import mask_phone
from govhall.organizations import selectors as org_selectors
from govhall.workbench.access import workbench_view
from govhall.workbench.frame import frame_context


def _render(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    return render(request, template, {**frame_context(request), **context}, status=status)


@workbench_view
def home(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {}
    if permissions.is_system_admin(request.user):
        # Administrators look after every department; list them for the staff pages.
        context["departments"] = org_selectors.department_list()
    return _render(request, "workbench/home.html", context)


@workbench_view
def department_staff(request: HttpRequest, department_id: int) -> HttpResponse:
    staff = account_selectors.department_staff_list(actor=request.user, department_id=department_id)
    rows = [
        {
            "member": member,
            "is_me": member.pk == request.user.pk,
            # Other people's phone numbers are masked; one's own is not.
            "phone": member.phone if member.pk == request.user.pk else mask_phone(member.phone),
            "posts": list(member.posts.all()),
        }
        for member in staff
    ]
    department = org_selectors.department_list().filter(pk=department_id).first()
    return _render(
        request,
        "workbench/department_staff.html",
        {"department": department, "department_id": department_id, "rows": rows},
    )

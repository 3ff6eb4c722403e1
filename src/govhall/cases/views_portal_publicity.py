"""The public notice board (公示): everyone reads the notices running today; a signed-in
person files an objection (异议) to one of them and sees the answers to their own."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from govhall.cases import permissions, services_publicity
from govhall.cases import selectors_publicity as selectors
from govhall.cases.views_portal_common import PAGE_SIZE
from govhall.core import errors
from govhall.portal.http import application_errors

MY_OBJECTIONS_SHOWN = 20


class ObjectionForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("异议的事实和理由"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _board(
    request: HttpRequest,
    *,
    form: ObjectionForm | None = None,
    notice_id: int | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    page = Paginator(selectors.publicity_current(), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "notices": [selectors.notice_row(notice) for notice in page],
        "can_object": permissions.can_object(request.user),
        "form": form or ObjectionForm(),
        "form_notice": notice_id,
        "error": error,
        "mine": [
            {**selectors.objection_row(o, full=True), "notice": o.notice}
            for o in selectors.my_objections(actor=request.user)[:MY_OBJECTIONS_SHOWN]
        ],
    }
    return render(request, "cases/portal/publicity.html", context, status=status)


@require_GET
def publicity(request: HttpRequest) -> HttpResponse:
    """公示: no login needed to read."""
    return _board(request)


@require_POST
@login_required
@application_errors
def publicity_object(request: HttpRequest, notice_id: int) -> HttpResponse:
    form = ObjectionForm(request.POST)
    if not form.is_valid():
        return _board(request, form=form, notice_id=notice_id, status=400)
    try:
        services_publicity.objection_file(
            actor=request.user, notice_id=notice_id, text=form.cleaned_data["text"]
        )
    except (errors.ValidationError, errors.Conflict) as exc:
        return _board(request, form=form, notice_id=notice_id, error=exc.message, status=exc.status)
    messages.success(request, _("异议已提交,办理部门核实后将答复您。"))
    return redirect("cases:publicity")

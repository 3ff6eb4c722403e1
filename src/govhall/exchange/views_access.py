"""Pages of the access log: "我的数据被谁用了" (portal) and a resource's readers (workbench).

Each page reads through :mod:`govhall.exchange.selectors_access`, which refuses the wrong
persona (403 for staff on the citizen page, 404 for other departments on the provider page).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from govhall.exchange import selectors_access
from govhall.exchange.models import AccessLogEntry
from govhall.exchange.selectors_access import AccessFilters
from govhall.organizations.models import Department
from govhall.portal.http import application_errors
from govhall.workbench.access import workbench_view
from govhall.workbench.frame import frame_context

PAGE_SIZE = 20
_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AccessFilterForm(forms.Form):
    date_from = forms.DateField(label=_("起始日期"), required=False, widget=_DATE)
    date_to = forms.DateField(label=_("截止日期"), required=False, widget=_DATE)
    department = forms.ModelChoiceField(
        label=_("查询部门"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("全部"),
    )
    outcome = forms.ChoiceField(
        label=_("结果"),
        required=False,
        choices=[("", _("全部")), *AccessLogEntry.Outcome.choices],
    )

    def __init__(self, request: HttpRequest, *, departments: Any) -> None:
        # Bound only when a filter was given: ``?page=2`` alone is no filter.
        filtered = any(request.GET.get(name) for name in self.base_fields)
        super().__init__(request.GET if filtered else None)
        self.fields["department"].queryset = departments

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("截止日期不能早于起始日期。"))
        return data

    def filters(self) -> AccessFilters:
        """The valid filters; none while the form is unbound or has errors."""
        if not self.is_bound or not self.is_valid():
            return AccessFilters()
        data = self.cleaned_data
        department = data.get("department")
        return AccessFilters(
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            department_id=department.pk if department else None,
            outcome=data.get("outcome") or None,
        )


def _page(request: HttpRequest, queryset: Any) -> tuple[Page, str]:
    """The requested page, and the query string that keeps the filters across pages."""
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return page, params.urlencode()


@require_GET
@login_required
@application_errors
def my_data_access_page(request: HttpRequest) -> HttpResponse:
    """我的数据被谁用了: every read of the signed-in citizen's or enterprise's own data."""
    departments = selectors_access.my_data_access_departments(actor=request.user)
    form = AccessFilterForm(request, departments=departments)
    entries = selectors_access.my_data_access(actor=request.user, filters=form.filters())
    page, query_string = _page(request, entries)
    context = {
        "form": form,
        "page": page,
        "items": selectors_access.access_items(page.object_list),
        "query_string": query_string,
    }
    return render(request, "exchange/access_my_data.html", context)


@require_GET
@workbench_view
def resource_access_page(request: HttpRequest, code: str) -> HttpResponse:
    """Who read one of the department's resources (its data officer; administrators)."""
    resource = selectors_access.resource_for_access(actor=request.user, resource_code=code)
    departments = Department.objects.filter(is_active=True).order_by("name")
    form = AccessFilterForm(request, departments=departments)
    filters = form.filters()
    entries = selectors_access.resource_access_list(
        actor=request.user, resource_code=resource.code, filters=filters
    )
    page, query_string = _page(request, entries)
    context = {
        **frame_context(request),
        "resource": resource,
        "form": form,
        "page": page,
        "items": selectors_access.access_items(page.object_list, with_subjects=True),
        "summary": selectors_access.access_log_summary(
            actor=request.user, resource_code=resource.code, filters=filters
        ),
        "subjects_shown": selectors_access.SUBJECTS_SHOWN,
        "query_string": query_string,
    }
    return render(request, "exchange/access_resource.html", context)

"""Staff workbench pages of cases: my tasks (我的待办), the case search (办件查询), pre-review
(网上预审) and, from ``views_workbench_case``, the case page with its actions.

Every page is behind ``workbench_view`` (anonymous → login, citizens → 403) and reads through the
actor-scoped selectors, so that a case another department handles answers 404.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from govhall.cases import permissions, presenters, selectors, services_apply
from govhall.cases import views_workbench_display as display
from govhall.cases.models import OPEN_STATUSES, Case
from govhall.cases.uploads import upload_open
from govhall.cases.views_workbench_case import (  # noqa: F401 (urls.py imports them from here)
    case_act,
    case_assign,
    case_delivery,
    case_detail,
    case_objection_handle,
    case_verify,
    case_waive,
    render_page,
)
from govhall.core import errors
from govhall.workbench.access import workbench_view

PAGE_SIZE = 20
MAX_PAGE = 5000
QUEUE_LABELS = {
    "todo": gettext_lazy("待办"),
    "done": gettext_lazy("已办"),
    "overdue": gettext_lazy("超期"),
}


def _page_number(value: str | None) -> int:
    try:
        return min(max(int(value or 1), 1), MAX_PAGE)
    except (TypeError, ValueError):
        return 1


# ---- 我的待办 ---------------------------------------------------------------------------


@workbench_view
def task_list(request: HttpRequest) -> HttpResponse:
    queue = request.GET.get("queue", "todo")
    queue = queue if queue in selectors.QUEUES else "todo"
    q = request.GET.get("q", "").strip()[:100]
    tasks = selectors.task_list(actor=request.user, queue=queue, q=q)
    page = Paginator(tasks, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {**row, "deadline_label": display.deadline_label(row["deadline"])}
        for row in (presenters.task_row(task) for task in page.object_list)
    ]
    counts = selectors.queue_counts(actor=request.user)
    tabs = [
        {"queue": code, "label": label, "count": counts.get(code)}
        for code, label in QUEUE_LABELS.items()
    ]
    return render_page(
        request,
        "cases/workbench/task_list.html",
        {
            "queue": queue,
            "queue_label": QUEUE_LABELS[queue],
            "tabs": tabs,
            "q": q,
            "page": page,
            "rows": rows,
            "can_prereview": permissions.can_prereview_any(request.user),
        },
    )


# ---- 办件查询 ---------------------------------------------------------------------------


class CaseFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("状态"),
        required=False,
        choices=[
            ("", gettext_lazy("全部")),
            ("open", gettext_lazy("未办结")),
            *Case.Status.choices,
        ],
    )
    q = forms.CharField(
        label=gettext_lazy("办件编号 / 申请人 / 证件号码"), required=False, max_length=40
    )
    item = forms.CharField(label=gettext_lazy("事项实施编码"), required=False, max_length=40)
    received_from = forms.DateField(
        label=gettext_lazy("收件日期自"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    received_to = forms.DateField(
        label=gettext_lazy("至"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    overdue = forms.BooleanField(label=gettext_lazy("只看超期"), required=False)
    scope = forms.ChoiceField(
        label=gettext_lazy("范围"),
        required=False,
        choices=[("own", gettext_lazy("本部门主办")), ("joint", gettext_lazy("参与并联审批"))],
    )
    department = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def filters(self) -> selectors.CaseFilters:
        """The valid fields as the selector's filters (an invalid field filters nothing)."""
        data = getattr(self, "cleaned_data", {})
        return selectors.CaseFilters(
            status=data.get("status") or "",
            department=data.get("department"),
            item=(data.get("item") or "").strip(),
            q=(data.get("q") or "").strip(),
            received_from=data.get("received_from"),
            received_to=data.get("received_to"),
            overdue=bool(data.get("overdue")),
            scope=data.get("scope") or "own",
        )


@workbench_view
def case_list(request: HttpRequest) -> HttpResponse:
    """One query per page: ``PAGE_SIZE + 1`` rows of ``CASE_LIST_FIELDS`` tell whether a next
    page exists, so that no COUNT runs over a million cases."""
    form = CaseFilterForm(request.GET)
    form.is_valid()
    number = _page_number(request.GET.get("page"))
    offset = (number - 1) * PAGE_SIZE
    queryset = selectors.case_list(actor=request.user, filters=form.filters())
    values = list(queryset.values(*selectors.CASE_LIST_FIELDS)[offset : offset + PAGE_SIZE + 1])
    rows = [
        {**row, "deadline_label": display.deadline_label(row["deadline"])}
        for row in (presenters.case_row(value) for value in values[:PAGE_SIZE])
    ]
    return render_page(
        request,
        "cases/workbench/case_list.html",
        {
            "form": form,
            "rows": rows,
            "page_number": number,
            "has_previous": number > 1,
            "has_next": len(values) > PAGE_SIZE,
            "filtered": any(request.GET.get(name) for name in form.fields),
            "open_statuses": OPEN_STATUSES,
        },
    )


# ---- 网上预审 ---------------------------------------------------------------------------


def _prereview_page(
    request: HttpRequest,
    *,
    error: errors.ApplicationError | None = None,
    application_id: int | None = None,
) -> HttpResponse:
    page = Paginator(selectors.prereview_queue(actor=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [
        {
            "application": application,
            "form": display.form_sections(application, full=True),
            "materials": display.material_rows(application),
        }
        for application in page.object_list
    ]
    context: dict[str, Any] = {
        "page": page,
        "rows": rows,
        "can_prereview": permissions.can_prereview_any(request.user),
    }
    status = 200
    if error is not None:
        status = error.status
        context["decide_error"] = {"application_id": application_id, "message": error.message}
        context["posted"] = request.POST
    return render_page(request, "cases/workbench/prereview_list.html", context, status=status)


@workbench_view
def prereview_list(request: HttpRequest) -> HttpResponse:
    return _prereview_page(request)


@workbench_view
@require_POST
def prereview_decide(request: HttpRequest, application_id: int) -> HttpResponse:
    application = selectors.prereview_queue(actor=request.user).filter(pk=application_id).first()
    if application is None:
        raise errors.NotFound(_("申请不存在。"), code="application_not_found")
    decision = request.POST.get("decision", "")
    try:
        if decision not in {"passed", "returned"}:
            raise errors.ValidationError(_("请选择预审结论:通过或退回。"), code="decision")
        services_apply.application_prereview_decide(
            actor=request.user,
            application=application,
            passed=decision == "passed",
            opinion=request.POST.get("opinion", "")[:2000],
        )
    except errors.ApplicationError as exc:
        return _prereview_page(request, error=exc, application_id=application.pk)
    if decision == "passed":
        messages.success(request, _("预审通过,已通知申请人提交。"))
    else:
        messages.success(request, _("已退回申请人修改。"))
    return redirect("cases:prereview_list")


@workbench_view
@require_GET
def prereview_file(request: HttpRequest, application_id: int, upload_id: int) -> HttpResponse:
    """A file of an application in pre-review, to the clerks who pre-review it."""
    application = selectors.prereview_queue(actor=request.user).filter(pk=application_id).first()
    upload = (
        application.uploads.filter(pk=upload_id, removed_at__isnull=True).first()
        if application
        else None
    )
    if upload is None:
        raise errors.NotFound(_("文件不存在。"), code="upload_not_found")
    response = FileResponse(
        upload_open(upload.file), content_type=upload.content_type, filename=upload.original_name
    )
    response["Cache-Control"] = "private, no-store"
    return response

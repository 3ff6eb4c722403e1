"""Workbench pages for importing and exporting the lists (catalog administrators and system
administrators). Each view checks access, calls one service and renders or sends the file."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govhall.accounts import permissions as account_permissions
from govhall.catalog.importexport import (
    CONTENT_TYPES,
    FORMATS,
    MAX_FILE_BYTES,
    ImportInvalid,
    catalog_export,
    catalog_import,
    catalog_template,
    export_filename,
    template_filename,
)
from govhall.catalog.importexport.services import require_importer
from govhall.core import errors
from govhall.organizations.models import Department
from govhall.portal.http import add_service_error
from govhall.workbench.access import workbench_view
from govhall.workbench.frame import frame_context

FORMAT_LABELS = {
    "xlsx": gettext_lazy("Excel 工作簿"),
    "csv": gettext_lazy("CSV(zip 压缩包)"),
    "json": gettext_lazy("JSON"),
    "gbt39046": gettext_lazy("GB/T 39046 交换格式(JSON)"),
}


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("导入文件"),
        help_text=gettext_lazy(
            "支持 .xlsx、.csv、.zip(多个 CSV)和 .json,不超过10MB;CSV 可为 UTF-8 或 GBK 编码。"
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,.zip,.json"}),
    )
    reason = forms.CharField(
        label=gettext_lazy("导入原因"),
        max_length=500,
        help_text=gettext_lazy("作为已发布事项修订稿的变更原因,例如“依据2026年权责清单调整”。"),
    )
    department = forms.ModelChoiceField(
        label=gettext_lazy("限定部门"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=gettext_lazy("不限(按各行的实施主体编码)"),
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if account_permissions.is_system_admin(actor):
            self.fields["department"].queryset = Department.objects.filter(is_active=True).order_by(
                "name"
            )
        else:
            del self.fields["department"]


def _render(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    return render(request, template, {**frame_context(request), **context}, status=status)


def _draft_url(version: Any) -> str | None:
    try:
        return reverse("catalog:manage_edit", args=[version.pk])
    except NoReverseMatch:
        return None


def _own_department(user: Any) -> Department | None:
    if account_permissions.is_system_admin(user):
        return None
    return user.department


def _page_context(request: HttpRequest, form: ImportForm) -> dict[str, Any]:
    admin = account_permissions.is_system_admin(request.user)
    return {
        "form": form,
        "formats": [(key, FORMAT_LABELS[key]) for key in FORMATS],
        "template_formats": [(key, FORMAT_LABELS[key]) for key in ("xlsx", "csv", "json")],
        "export_departments": (
            Department.objects.filter(is_active=True).order_by("name") if admin else None
        ),
        "own_department": _own_department(request.user),
        "max_mb": MAX_FILE_BYTES // (1024 * 1024),
    }


@workbench_view
def import_page(request: HttpRequest) -> HttpResponse:
    require_importer(request.user)
    form = ImportForm(request.POST or None, request.FILES or None, actor=request.user)
    context = _page_context(request, form)
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        department = form.cleaned_data.get("department") or _own_department(request.user)
        try:
            report = catalog_import(
                actor=request.user,
                department_or_none=department,
                file_bytes=upload.read(MAX_FILE_BYTES + 1),
                filename=upload.name or "",
                reason=form.cleaned_data["reason"],
            )
        except ImportInvalid as exc:
            context.update(problems=exc.problems, problem_total=exc.total, error=exc.message)
            status = 422
        except errors.ValidationError as exc:
            add_service_error(form, exc)
            status = 422
        else:
            context["report"] = report
            context["result_rows"] = [
                {"row": row, "url": _draft_url(row.version) if row.version else None}
                for row in report.rows
            ]
    elif request.method == "POST":
        status = 422
    return _render(request, "catalog/manage/import.html", context, status=status)


def _download(content: bytes, fmt: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _format(request: HttpRequest, allowed: tuple[str, ...]) -> str:
    fmt = request.GET.get("format") or "xlsx"
    if fmt not in allowed:
        raise errors.ValidationError(_("不支持的格式。"))
    return fmt


@workbench_view
def import_template(request: HttpRequest) -> HttpResponse:
    require_importer(request.user)
    fmt = _format(request, ("xlsx", "csv", "json"))
    content = catalog_template(fmt=fmt, department=_own_department(request.user))
    return _download(content, fmt, template_filename(fmt))


@workbench_view
def export(request: HttpRequest) -> HttpResponse:
    require_importer(request.user)
    fmt = _format(request, FORMATS)
    include = request.GET.get("include") or "published"
    department = None
    if request.GET.get("department"):
        department = Department.objects.filter(uscc=request.GET["department"]).first()
        if department is None:
            raise errors.NotFound()
    elif include == "latest":
        department = _own_department(request.user)
    content = catalog_export(fmt=fmt, department=department, include=include, actor=request.user)
    return _download(content, fmt, export_filename(fmt, department))

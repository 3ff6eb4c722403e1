"""Workbench pages of ingestion (数据归集), for the provider department's data officers.

The resources the department provides, the upload form (file and mode), the result of a load
with its rejected rows, the history of a resource's loads and the download of the rejections.
Each view checks access through a selector (403 for someone who is no data officer, 404 for
another department's resource or load) and calls at most one service.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from govhall.core import errors
from govhall.exchange import permissions
from govhall.exchange import services_ingest as services
from govhall.exchange.forms_ingest import LoadUploadForm
from govhall.exchange.ingest import selectors
from govhall.exchange.ingest.columns import schema_for
from govhall.exchange.ingest.reading import upload_max_bytes
from govhall.exchange.ingest.report import STORED_REJECTIONS
from govhall.exchange.models import Load, ResourceField
from govhall.portal.http import add_service_error
from govhall.workbench.access import workbench_view
from govhall.workbench.frame import frame_context

PAGE_SIZE = 50
REJECTIONS_PAGE_SIZE = 100


def _render(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    officer = permissions.holds_data_officer_post(request.user)
    base = {**frame_context(request), "exchange_officer": officer}
    return render(request, template, {**base, **context}, status=status)


@workbench_view
def load_resources(request: HttpRequest) -> HttpResponse:
    resources = selectors.loadable_resources(actor=request.user)
    page = Paginator(resources, PAGE_SIZE).get_page(request.GET.get("page"))
    labels = dict(Load.Status.choices)
    for resource in page:
        resource.can_load = permissions.can_load_resource(request.user, resource)
        resource.last_load_label = labels.get(resource.last_load_status, "")
    return _render(request, "exchange/ingest_resources.html", {"page": page})


def _columns(resource: Any) -> list[dict[str, Any]]:
    """The columns a file of this resource may hold, for the upload page and the template."""
    types = dict(ResourceField.Type.choices)
    return [
        {
            "name": target.name,
            "label": target.label,
            "type": types.get(target.type, target.type),
            "required": target.required,
        }
        for target in schema_for(resource).targets
    ]


@workbench_view
def load_upload(request: HttpRequest, code: str) -> HttpResponse:
    resource = selectors.loadable_resource_get(actor=request.user, code=code)
    services.load_allowed_check(actor=request.user, resource=resource)
    form = LoadUploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                load = services.records_ingest(
                    actor=request.user,
                    resource=resource,
                    stream=upload,
                    file_format=form.file_format,
                    mode=form.cleaned_data["mode"],
                    source=Load.Source.UPLOAD,
                    file_name=upload.name or "",
                )
            except errors.ValidationError as exc:
                add_service_error(form, exc)
                status = exc.status
            else:
                if load.status == Load.Status.LOADED:
                    messages.success(request, _("数据已入库。"))
                else:
                    messages.error(request, _("数据未入库:有不通过校验的行,详见下表。"))
                return redirect("exchange:load_detail", load_id=load.pk)
        else:
            status = 400
    context = {
        "resource": resource,
        "form": form,
        "columns": _columns(resource),
        "max_mb": upload_max_bytes() // (1024 * 1024),
    }
    return _render(request, "exchange/ingest_upload.html", context, status)


@workbench_view
def load_template(request: HttpRequest, code: str) -> HttpResponse:
    """An empty CSV with the resource's column names (UTF-8 with BOM, for Excel)."""
    resource = selectors.loadable_resource_get(actor=request.user, code=code)
    out = io.StringIO()
    csv.writer(out).writerow(column["name"] for column in _columns(resource))
    response = HttpResponse(out.getvalue().encode("utf-8-sig"), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{resource.code}.csv"'
    return response


@workbench_view
def load_history(request: HttpRequest, code: str) -> HttpResponse:
    resource = selectors.loadable_resource_get(actor=request.user, code=code)
    loads = selectors.load_list(actor=request.user, resource=resource)
    page = Paginator(loads, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "resource": resource,
        "page": page,
        "can_load": permissions.can_load_resource(request.user, resource),
    }
    return _render(request, "exchange/ingest_history.html", context)


@workbench_view
def load_detail(request: HttpRequest, load_id: int) -> HttpResponse:
    load = selectors.load_get(actor=request.user, load_id=load_id)
    page = Paginator(load.rejections, REJECTIONS_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "load": load,
        "resource": load.resource,
        "page": page,
        "more_rejections": load.rows_rejected > len(load.rejections),
        "stored_rejections": STORED_REJECTIONS,
        "can_load": permissions.can_load_resource(request.user, load.resource),
    }
    return _render(request, "exchange/ingest_detail.html", context)


@workbench_view
def load_rejections(request: HttpRequest, load_id: int) -> StreamingHttpResponse:
    load = selectors.load_get(actor=request.user, load_id=load_id)
    response = StreamingHttpResponse(
        selectors.load_rejections_csv(load=load), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="load-{load.pk}-rejections.csv"'
    return response

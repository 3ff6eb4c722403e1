"""Staff pages: one-click verification (信息核查) and batch verification (批量核验)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.core import errors
from govhall.exchange import permissions, selectors_batch, services_batch, services_query
from govhall.exchange.access import resource_views, resources_for
from govhall.exchange.access_log import AccessContext
from govhall.exchange.api_query import results_response
from govhall.exchange.forms_query import BatchForm, VerifyForm
from govhall.exchange.models import AccessLogEntry, Purpose
from govhall.exchange.presenters import verification_sections
from govhall.workbench.access import workbench_view
from govhall.workbench.frame import frame_context

RESULT_ROWS_SHOWN = 200


def _render(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200):
    return render(request, template, {**frame_context(request), **context}, status=status)


def _page_context(request: HttpRequest) -> AccessContext:
    return AccessContext(actor=request.user, channel=AccessLogEntry.Channel.PAGE)


def _require_staff(request: HttpRequest) -> None:
    if not permissions.can_query_registries(request.user):
        raise errors.PermissionDenied(_("只有政府部门工作人员可以核查共享数据。"))


def _purposes(request: HttpRequest) -> list[Purpose]:
    today = timezone.localdate()
    return list(
        Purpose.objects.filter(
            department_id=request.user.department_id,
            is_active=True,
            valid_from__lte=today,
            valid_to__gte=today,
        ).order_by("reference")
    )


def _verifiable_items() -> list[tuple[str, str]]:
    from govhall.catalog.selectors import public_versions

    versions = (
        public_versions()
        .filter(materials__resource_code__gt="")
        .distinct()
        .order_by("name")
        .values_list("item__implementation_code", "name")
    )
    return [(code, name) for code, name in versions]


def _form_errors(form, exc: errors.ApplicationError) -> None:
    placed = False
    for field, messages in exc.fields.items():
        if field in form.fields:
            for message in messages:
                form.add_error(field, message)
                placed = True
    if not placed:
        form.add_error(None, exc.message)


@workbench_view
def verify(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    form = VerifyForm(request.GET or None, items=_verifiable_items())
    result, status = None, 200
    if form.is_bound and form.is_valid():
        try:
            result = services_query.verification_read(
                context=_page_context(request),
                item_code=form.cleaned_data["item"],
                subject_key=form.cleaned_data["subject"],
                purpose_reference=form.cleaned_data["purpose"],
            )
        except errors.ApplicationError as exc:
            _form_errors(form, exc)
            status = exc.status
    sections = verification_sections(result) if result else []
    return _render(
        request,
        "exchange/verify.html",
        {"form": form, "result": result, "sections": sections, "purposes": _purposes(request)},
        status=status,
    )


@workbench_view
def batch(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    views = resource_views(
        department_id=request.user.department_id,
        resources=resources_for(None),
        on=timezone.localdate(),
    )
    readable = [view for view in views if view.readable]
    choices = [(view.code, view.name) for view in readable]
    form = BatchForm(request.POST or None, request.FILES or None, resources=choices)
    result, status = None, 200
    if request.method == "POST" and form.is_valid():
        try:
            result = services_batch.verifications_run(
                context=_page_context(request),
                purpose_reference=form.cleaned_data["purpose"],
                subjects=form.subjects(),
                resource_codes=form.cleaned_data["resources"],
                checks=form.checks(),
            )
        except errors.ApplicationError as exc:
            _form_errors(form, exc)
            status = exc.status
    elif request.method == "POST":
        status = 422
    return _render(
        request,
        "exchange/batch.html",
        {
            "form": form,
            "result": result,
            "rows": _rows(result) if result else [],
            "readable": readable,
            "field_help": [
                (view.name, [(name, view.labels[name]) for name in view.allowed])
                for view in readable
            ],
            "purposes": _purposes(request),
            "batches": selectors_batch.batch_list(actor=request.user)[:10],
        },
        status=status,
    )


def _rows(result: services_batch.BatchResult) -> list[dict[str, Any]]:
    """The first rows of a batch result, as cells in the order of the table's columns."""
    rows = []
    for row in result.results[:RESULT_ROWS_SHOWN]:
        found = row.get("found", {})
        checks = row.get("checks", {})
        rows.append(
            {
                "subject_key": row["subject_key"],
                "status": row["status"],
                "reason": row.get("reason", ""),
                "counts": [found.get(view.code, "") for view in result.resources],
                "checks": [checks.get(check.id) for check in result.checks],
            }
        )
    return rows


@workbench_view
def batch_download(request: HttpRequest, batch_id: int, fmt: str) -> HttpResponse:
    batch = selectors_batch.batch_get(actor=request.user, batch_id=batch_id)
    return results_response(batch, fmt)

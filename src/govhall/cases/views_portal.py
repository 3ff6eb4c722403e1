"""The applicant's pages (citizens, enterprises, agents, the public): finding an online item,
starting an application with the registries' data filled in, the form and its materials,
pre-review and submission.

The case pages (我的办件, payments, files, notices) are in ``views_portal_cases``; the public
progress query and agents' authorizations in ``views_portal_public``. ``cases.urls`` imports
every page from here. Each view parses the request, calls one service or selector and renders;
service errors are shown on the page they concern.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from govhall.cases import formdef, permissions, selectors, services_apply, services_submit
from govhall.cases.models import Application
from govhall.cases.views_portal_cases import (
    case_page,
    material_template,
    my_case,
    my_case_action,
    my_cases,
    notice_pdf,
    pay,
    pay_simulated,
    upload_file,
)
from govhall.cases.views_portal_common import (
    PAGE_SIZE,
    int_or_none,
    posted_text,
    split_errors,
    upload_error,
)
from govhall.cases.views_portal_forms import UploadForm
from govhall.cases.views_portal_public import authorization_revoke, my_authorizations, progress
from govhall.core import errors
from govhall.portal.http import application_errors

__all__ = [
    "application",
    "application_prereview",
    "application_submit",
    "application_upload",
    "application_upload_remove",
    "apply",
    "apply_start",
    "authorization_revoke",
    "material_template",
    "my_authorizations",
    "my_case",
    "my_case_action",
    "my_cases",
    "notice_pdf",
    "pay",
    "pay_simulated",
    "progress",
    "upload_file",
]

ITEM_CODE = re.compile(r"[0-9A-Za-z]{1,40}")
FORM_MARKER = "_form"  # the application form's fields are in this POST


# --- 网上办理: the online items -----------------------------------------------------------


@require_GET
def apply(request: HttpRequest) -> HttpResponse:
    """网上办理: the items that take applications online, by words and department."""
    code = (request.GET.get("item") or "").strip()
    if code and ITEM_CODE.fullmatch(code):
        return redirect("cases:apply_item", code=code.upper())
    q = " ".join((request.GET.get("q") or "").split())[:100]
    department = int_or_none(request.GET.get("department"))
    page = Paginator(selectors.online_items(q, department), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "q": q,
        "department": department,
        "departments": selectors.online_departments(),
        "query": _query(q, department),
    }
    partial = request.htmx and not request.htmx.history_restore_request
    template = "cases/portal/_apply_results.html" if partial else "cases/portal/apply.html"
    return render(request, template, context)


def _query(q: str, department: int | None) -> str:
    """The filters as a query string, for the pagination links."""
    params = {k: v for k, v in (("q", q), ("department", department)) if v}
    return urlencode(params)


# --- starting an application --------------------------------------------------------------


def _field_shown(field: dict[str, Any]) -> str:
    chosen = [option["label"] for option in field["options"] if option["selected"]]
    if field["type"] == "boolean":
        return _("是") if field["checked"] else _("否")
    return "、".join(chosen) if chosen else field["value"]


def _prefilled_groups(definition: dict[str, Any], prefill: Any) -> list[dict[str, Any]]:
    """What the registries and the account fill in, by section: label, value shown, source."""
    context = formdef.formdef_context(
        definition,
        values=prefill.values,
        sources=prefill.sources,
        prefill={"values": prefill.values, "sources": prefill.sources},
    )
    groups: list[dict[str, Any]] = []
    for section in context["sections"]:
        if section["hidden"]:
            continue
        blocks = [(section["title"], section.get("fields", []))]
        blocks += [
            (f"{section['title']} {row['number']}", row["fields"])
            for row in section.get("rows", [])
            if not row.get("spare")
        ]
        for title, fields in blocks:
            rows = [
                {"label": f["label"], "value": _field_shown(f), "source": f["source_label"]}
                for f in fields
                if f["source"] and not f["hidden"]
            ]
            if rows:
                groups.append({"title": title, "rows": rows})
    return groups


def _apply_start_page(
    request: HttpRequest,
    item: Any,
    *,
    error: errors.ApplicationError | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    version = item.published_version
    prefill = None
    prefill_error = ""
    if permissions.is_public_applicant(user) and error is None:
        try:
            prefill = services_apply.application_prefill(
                actor=user, applicant=user, item=item, channel="page"
            )
        except errors.ApplicationError as exc:
            prefill_error = exc.message
    satisfied = prefill.satisfied if prefill else {}
    materials = [
        {"material": m, "satisfied": satisfied.get(str(m.pk))} for m in version.materials.all()
    ]
    context = {
        "item": item,
        "version": version,
        "materials": materials,
        "prefilled": _prefilled_groups(prefill.definition, prefill) if prefill else [],
        "prefill_error": prefill_error,
        "prefill_known": prefill is not None,
        "is_agent": permissions.is_agent(user),
        "can_apply": permissions.can_apply(user),
        "error": error,
        "on_behalf_of": posted_text(request, "on_behalf_of", 18),
    }
    if not context["can_apply"]:
        status = 403
    return render(request, "cases/portal/apply_start.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
@application_errors
def apply_start(request: HttpRequest, code: str) -> HttpResponse:
    """The item's online application: what will be filled in and what need not be submitted;
    开始申报 creates the draft (an agent names the principal in ``on_behalf_of``)."""
    item = services_apply.item_for_application(code)
    if request.method == "GET":
        return _apply_start_page(request, item)
    try:
        application = services_apply.application_create(
            actor=request.user,
            item_code=item.implementation_code,
            on_behalf_of=posted_text(request, "on_behalf_of", 18) or None,
            channel="pc",
        )
    except (errors.ValidationError, errors.PermissionDenied, errors.Conflict) as exc:
        return _apply_start_page(request, item, error=exc, status=exc.status)
    messages.success(request, _("已为您创建申请草稿,请核对预填的信息并补充材料。"))
    return redirect("cases:application", application_id=application.pk)


# --- the application: form, materials, pre-review, submission -------------------------------


def application_page(
    request: HttpRequest,
    application: Application,
    *,
    values: dict[str, Any] | None = None,
    exc: errors.ApplicationError | None = None,
    material_errors: dict[int, list[str]] | None = None,
    status: int = 200,
) -> HttpResponse:
    form_errors, by_material = split_errors(exc) if exc else ({}, {})
    by_material.update(material_errors or {})
    definition = services_apply.form_definition(application.version)
    State = Application.State
    passed = application.prereview_passed_at is not None
    states = services_apply.material_states(application)
    known = {state.material.pk for state in states}
    stray = [m for key, ms in by_material.items() if key not in known for m in ms]
    context = {
        "application": application,
        "version": application.version,
        "formdef": formdef.formdef_context(
            definition,
            values=application.form if values is None else values,
            sources=application.prefill.get("sources") or {},
            errors=form_errors,
            prefill=application.prefill,
        ),
        "materials": [
            {"state": state, "errors": by_material.get(state.material.pk, [])} for state in states
        ],
        "stray_errors": stray,  # for a material this application does not have
        "editable": application.state in (State.DRAFT, State.RETURNED),
        "needs_prereview": application.version.prereview and not passed,
        "prereview_passed": application.version.prereview and passed,
        "error": exc,
        "form_marker": FORM_MARKER,
    }
    if request.htmx and status >= 400:
        status = 200  # htmx swaps only successful answers; the errors are in the page
    return render(request, "cases/portal/application.html", context, status=status)


def _posted_form(request: HttpRequest, application: Application) -> dict[str, Any] | None:
    if FORM_MARKER not in request.POST:
        return None
    definition = services_apply.form_definition(application.version)
    return formdef.form_from_post(definition, request.POST)


def _save_if_changed(request: HttpRequest, application: Application, data: Any) -> None:
    """Save the form posted with 提交预审 / 提交申请 when it differs from the draft, so that no
    edit is lost (an unchanged form is not saved again: saving clears a passed pre-review)."""
    if data is None or data == application.form:
        return
    try:
        services_apply.application_update(actor=request.user, application=application, form=data)
    except errors.Conflict as exc:
        if exc.code != "already_submitted":  # a double click: the first request submitted it
            raise


@require_http_methods(["GET", "POST"])
@login_required
@application_errors
def application(request: HttpRequest, application_id: int) -> HttpResponse:
    """The draft: GET shows it, POST (保存草稿) saves the form."""
    draft = selectors.application_get(actor=request.user, application_id=application_id)
    if draft.state == Application.State.SUBMITTED:
        return redirect("cases:my_case", number=draft.case.number)
    if request.method == "GET":
        return application_page(request, draft)
    data = _posted_form(request, draft)
    if data is None:  # not the page's form: nothing to save
        return redirect("cases:application", application_id=draft.pk)
    try:
        services_apply.application_update(actor=request.user, application=draft, form=data)
    except errors.ApplicationError as exc:
        return application_page(request, draft, values=data, exc=exc, status=exc.status)
    messages.success(request, _("草稿已保存。"))
    return redirect("cases:application", application_id=draft.pk)


def _back(application: Application) -> HttpResponse:
    if application.state == Application.State.SUBMITTED:
        return redirect(f"{_case_url(application)}#correction")
    return redirect("cases:application", application_id=application.pk)


def _case_url(application: Application) -> str:
    return reverse("cases:my_case", kwargs={"number": application.case.number})


@require_POST
@login_required
@application_errors
def application_upload(request: HttpRequest, application_id: int) -> HttpResponse:
    """One file for one material (multipart ``material`` and ``file``); during a correction
    (补正) the files of the correction."""
    draft = selectors.application_get(actor=request.user, application_id=application_id)
    form = UploadForm(request.POST, request.FILES)
    material = int_or_none(request.POST.get("material")) or 0
    if form.is_valid():
        try:
            services_apply.upload_add(
                actor=request.user,
                application=draft,
                material_id=form.cleaned_data["material"],
                file=form.cleaned_data["file"],
            )
        except errors.ApplicationError as exc:
            problems, status = upload_error(exc), exc.status
        else:
            messages.success(request, _("文件已上传。"))
            return _back(draft)
    else:
        problems = [e for field in ("file", "material") for e in form.errors.get(field, [])]
        status = 400
    if draft.state == Application.State.SUBMITTED:
        return case_page(request, draft.case, upload_errors=problems, status=status)
    return application_page(request, draft, material_errors={material: problems}, status=status)


@require_POST
@login_required
@application_errors
def application_upload_remove(
    request: HttpRequest, application_id: int, upload_id: int
) -> HttpResponse:
    draft = selectors.application_get(actor=request.user, application_id=application_id)
    try:
        services_apply.upload_remove(actor=request.user, application=draft, upload_id=upload_id)
    except errors.Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("文件已删除。"))
    return _back(draft)


@require_POST
@login_required
@application_errors
def application_prereview(request: HttpRequest, application_id: int) -> HttpResponse:
    """提交预审: the window clerk looks at the application before it is submitted."""
    draft = selectors.application_get(actor=request.user, application_id=application_id)
    if draft.state == Application.State.SUBMITTED:
        return redirect("cases:my_case", number=draft.case.number)
    data = _posted_form(request, draft)
    try:
        _save_if_changed(request, draft, data)
        services_apply.application_prereview_request(actor=request.user, application=draft)
    except (errors.ValidationError, errors.Conflict) as exc:
        draft.refresh_from_db()
        return application_page(request, draft, values=data, exc=exc, status=exc.status)
    messages.success(request, _("已提交预审,窗口工作人员审核后会通知您。"))
    return redirect("cases:application", application_id=draft.pk)


@require_POST
@login_required
@application_errors
def application_submit(request: HttpRequest, application_id: int) -> HttpResponse:
    """提交申请: exactly one case whatever the clicks; then the receipt on the case page."""
    draft = selectors.application_get(actor=request.user, application_id=application_id)
    data = _posted_form(request, draft) if draft.state != Application.State.SUBMITTED else None
    try:
        _save_if_changed(request, draft, data)
        case = services_submit.application_submit(actor=request.user, application=draft)
    except (errors.ValidationError, errors.Conflict) as exc:
        draft.refresh_from_db()
        return application_page(request, draft, values=data, exc=exc, status=exc.status)
    messages.success(
        request,
        _("申请已提交,办件编号 %(number)s。请记下查询密码,凭编号和密码可随时查询进度。")
        % {"number": case.number},
    )
    return redirect("cases:my_case", number=case.number)

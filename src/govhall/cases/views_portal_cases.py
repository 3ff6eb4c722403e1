"""The applicant's cases (我的办件): the list, one case with its receipt, timeline, materials,
notices, payments and deliveries, the applicant's actions (撤回, 补正), paying, and the files
and notices of a case for everyone who may see it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from govhall.cases import (
    letters,
    permissions,
    presenters,
    selectors,
    selectors_publicity,
    services_apply,
    services_delivery,
    services_payment,
)
from govhall.cases.contrib.payments import SimulatedProvider
from govhall.cases.models import Application, Case, Notice
from govhall.cases.notices import notice_pdf_bytes
from govhall.cases.services_actions import perform_action
from govhall.cases.uploads import upload_open
from govhall.cases.views_portal_common import PAGE_SIZE, int_or_none, posted_text
from govhall.cases.views_portal_forms import InboundForm
from govhall.cases.workflow import ACTIONS
from govhall.core import errors
from govhall.portal.http import application_errors

APPLICANT_ACTIONS = ("withdraw", "supplement")
DRAFTS_SHOWN = 50


def _is_party(user: Any, case: Case) -> bool:
    """The applicant or the agent who applied: whose case page this is."""
    return permissions.can_withdraw(user, case)


@require_GET
@login_required
@application_errors
def my_cases(request: HttpRequest) -> HttpResponse:
    """我的办件: my cases with status and deadline, and my unfinished applications."""
    if not permissions.can_apply(request.user):
        return redirect("cases:case_list")  # staff work their cases in the workbench
    rows = selectors.case_list(actor=request.user).values(*selectors.CASE_LIST_FIELDS)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    drafts = selectors.application_list(actor=request.user).exclude(
        state=Application.State.SUBMITTED
    )[:DRAFTS_SHOWN]
    context = {
        "page": page,
        "cases": [presenters.case_row(row) for row in page],
        "drafts": [presenters.application_payload(a, brief=True) for a in drafts],
    }
    return render(request, "cases/portal/my_cases.html", context)


def _correction_items(case: Case) -> list[str]:
    notice = case.notices.filter(kind=Notice.Kind.CORRECTION).order_by("-issued_at", "-id").first()
    return list(notice.content.get("items", [])) if notice else []


def case_page(
    request: HttpRequest,
    case: Case,
    *,
    action_errors: dict[str, str] | None = None,
    upload_errors: list[str] | None = None,
    inbound_form: InboundForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The applicant's page of one case (also shown again with the errors of a failed action)."""
    payload = presenters.case_detail_payload(case, actor=request.user)
    notices = list(case.notices.all())
    materials = services_apply.material_states(case.application)
    correction = case.status == Case.Status.CORRECTION
    action_errors = action_errors or {}
    upload_errors = upload_errors or []
    # Errors shown beside their form where it is on the page, else above everything.
    page_errors = [m for a, m in action_errors.items() if not (correction and a == "supplement")]
    if upload_errors and not correction:
        page_errors += upload_errors
    context = {
        "case": case,
        "detail": payload,
        "timeline": presenters.timeline_rows(case),
        "publicity": selectors_publicity.case_publicity(actor=request.user, case=case),
        "materials": materials,
        "correction_uploads": [
            upload for state in materials for upload in state.uploads if upload.round > 1
        ],
        "notices": notices,
        "receipt": next((n for n in notices if n.kind == Notice.Kind.RECEIPT), None),
        "payments": list(case.payments.all()),
        "deliveries": list(case.deliveries.all()),
        "correction": correction,
        "correction_items": _correction_items(case) if correction else [],
        "can_withdraw": case.status in ACTIONS["withdraw"][0],
        "can_mail": case.is_open,
        "inbound_form": inbound_form or InboundForm(),
        "action_errors": action_errors,
        "upload_errors": upload_errors,
        "page_errors": page_errors,
    }
    return render(request, "cases/portal/my_case.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
@application_errors
def my_case(request: HttpRequest, number: str) -> HttpResponse:
    """One of my cases; POST registers paper materials mailed to the department (免费寄递)."""
    case = selectors.case_get(actor=request.user, number=number)
    if not _is_party(request.user, case):
        return redirect("cases:case_detail", number=case.number)  # staff: the workbench page
    if request.method == "GET":
        return case_page(request, case)
    form = InboundForm(request.POST)
    if not form.is_valid():
        return case_page(request, case, inbound_form=form, status=400)
    try:
        services_delivery.delivery_inbound_register(
            actor=request.user, case=case, tracking_number=form.cleaned_data["tracking_number"]
        )
    except (errors.ValidationError, errors.Conflict) as exc:
        form.add_error("tracking_number", exc.message)
        return case_page(request, case, inbound_form=form, status=exc.status)
    messages.success(request, _("已登记寄出的材料,部门收到后会继续办理。"))
    return redirect("cases:my_case", number=case.number)


@require_POST
@login_required
@application_errors
def my_case_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    """撤回 (withdraw, with a reason) and 提交补正 (supplement, with a note)."""
    if action not in APPLICANT_ACTIONS:
        raise errors.NotFound(_("不支持的办理动作。"), code="unknown_action")
    case = selectors.case_get(actor=request.user, number=number)
    try:
        case = perform_action(
            actor=request.user,
            case=case,
            action=action,
            opinion=posted_text(request, "opinion"),
            revision=int_or_none(request.POST.get("revision")),
        )
    except (errors.ValidationError, errors.Conflict) as exc:
        case = selectors.case_get(actor=request.user, number=number)
        return case_page(request, case, action_errors={action: exc.message}, status=exc.status)
    done = _("申请已撤回。") if action == "withdraw" else _("补正材料已提交,请等待受理。")
    messages.success(request, done)
    return redirect("cases:my_case", number=case.number)


@require_POST
@login_required
@application_errors
def pay(request: HttpRequest, number: str, order_number: str) -> HttpResponse:
    """去缴费: the payment provider answers where to pay."""
    case = selectors.case_get(actor=request.user, number=number)
    try:
        start = services_payment.payment_start(
            actor=request.user, case=case, order_number=order_number
        )
    except errors.Conflict as exc:
        messages.error(request, exc.message)
        return redirect("cases:my_case", number=case.number)
    return redirect(start.redirect_url)


def _payer_order(request: HttpRequest, order_number: str) -> tuple[Case, Any]:
    """The order and its case, for its payer only, while it is paid through the simulator."""
    case = selectors.case_list(actor=request.user).filter(payments__number=order_number).first()
    if case is None or not _is_party(request.user, case):
        raise errors.NotFound(_("缴费单不存在。"), code="payment_not_found")
    order = case.payments.get(number=order_number)
    if order.provider != SimulatedProvider.name:
        raise errors.NotFound(_("缴费单不存在。"), code="payment_not_found")
    return case, order


@require_http_methods(["GET", "POST"])
@login_required
@application_errors
def pay_simulated(request: HttpRequest, order_number: str) -> HttpResponse:
    """The built-in simulated payment provider (演示): the order and a 确认支付 button whose
    callback is signed as a real provider's would be."""
    case, order = _payer_order(request, order_number)
    reference = (request.POST.get("ref") or request.GET.get("ref") or "").strip()[:40]
    error = None
    if request.method == "POST":
        provider = SimulatedProvider()
        data = {
            "order": order.number,
            "ref": reference,
            "amount": f"{order.amount:.2f}",
            "signature": provider.sign(order.number, reference, order.amount),
        }
        try:
            services_payment.payment_confirm(provider_name=provider.name, data=data)
        except (errors.ValidationError, errors.Conflict) as exc:
            error = exc
        else:
            messages.success(request, _("缴费成功,金额 %(amount)s 元。") % {"amount": order.amount})
            return redirect("cases:my_case", number=case.number)
    context = {"case": case, "order": order, "reference": reference, "error": error}
    status = error.status if error else 200
    return render(request, "cases/portal/pay_simulated.html", context, status=status)


@require_GET
@login_required
@application_errors
def notice_pdf(request: HttpRequest, number: str, notice_id: int) -> HttpResponse:
    """A notice of the case (回执, 受理通知书 ...) as PDF, to whoever may see the case."""
    case = selectors.case_get(actor=request.user, number=number)
    notice = case.notices.filter(pk=notice_id).first()
    if notice is None:
        raise errors.NotFound(_("文书不存在。"), code="notice_not_found")
    response = HttpResponse(notice_pdf_bytes(notice), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{case.number}-{notice.kind}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@login_required
@application_errors
def upload_file(request: HttpRequest, number: str, upload_id: int) -> HttpResponse:
    """An uploaded material of the case, with the type its content was recognized as."""
    case = selectors.case_get(actor=request.user, number=number)
    upload = case.application.uploads.filter(pk=upload_id, removed_at__isnull=True).first()
    if upload is None:
        raise errors.NotFound(_("文件不存在。"), code="upload_not_found")
    response = FileResponse(
        upload_open(upload.file), content_type=upload.content_type, filename=upload.original_name
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@login_required
@application_errors
def material_template(request: HttpRequest, application_id: int, material_id: int) -> HttpResponse:
    """A material to sign (承诺书 ...) filled in with the application's particulars, as PDF."""
    application = selectors.application_get(actor=request.user, application_id=application_id)
    material, data = letters.material_template_pdf(application=application, material_id=material_id)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="material-{material.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response

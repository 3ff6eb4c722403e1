"""Public and citizen pages: ask (咨询), complain (投诉), my tickets, FAQ, the published ratings,
rating a case from its page and from a QR code / SMS link (number + query password)."""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from govhall.cases.apis import ProgressThrottle
from govhall.cases.models import Case
from govhall.core import errors
from govhall.interaction import permissions, selectors, services_evaluation, services_tickets
from govhall.interaction.forms import RatingForm, TicketForm
from govhall.interaction.models import Channel, Ticket
from govhall.organizations.models import Department
from govhall.portal.http import add_service_error, application_errors, render_error

PAGE_SIZE = 20


class _RateThrottle(ProgressThrottle):
    """The rating page guesses the same secret as the progress query (number + query password):
    it shares that query's budget per address, signed in or not."""

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


QR_CHANNELS = {Channel.QRCODE, Channel.SMS, Channel.TABLET, Channel.MOBILE}


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _my_cases(user: Any) -> list[tuple[str, str]]:
    rows = Case.objects.filter(applicant_id=user.pk).order_by("-received_at")[:50]
    return [(case.number, f"{case.number} {case.item_name}") for case in rows]


def _ticket_page(request: HttpRequest, kind: str) -> HttpResponse:
    """The shared body of the enquiry and complaint pages."""
    person = permissions.is_public_person(request.user)
    complaint = kind == Ticket.Kind.COMPLAINT
    cases = _my_cases(request.user) if (complaint and person) else None
    form = TicketForm(request.POST or None, cases=cases) if person else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise errors.PermissionDenied(_("请以个人或企业账户登录后提交。"))
        if form.is_valid():
            data = form.cleaned_data
            try:
                ticket = services_tickets.ticket_create(
                    actor=request.user,
                    kind=kind,
                    subject=data["subject"],
                    text=data["text"],
                    department_id=data["department"],
                    item_code=data["item"].strip(),
                    case_number=data.get("case", ""),
                )
            except errors.ValidationError as exc:
                add_service_error(form, exc)
                status = 422
            else:
                messages.success(request, _("已提交,承办部门将在答复期限内答复。"))
                return redirect("interaction:ticket", ticket.pk)
        else:
            status = 400
    mine = selectors.ticket_list(actor=request.user, kind=kind) if person else []
    context = {
        "kind": kind,
        "form": form,
        "tickets": list(mine[:PAGE_SIZE]),
        "faqs": list(selectors.faq_list()[:10]) if not complaint else [],
    }
    return render(request, "interaction/portal/tickets.html", context, status=status)


@require_http_methods(["GET", "POST"])
@application_errors
def enquiry(request: HttpRequest) -> HttpResponse:
    """咨询: anyone reads the FAQ; a signed-in person asks and reads the answers."""
    if request.method == "POST" and not request.user.is_authenticated:
        return redirect(f"{reverse('portal:login')}?next={request.path}")
    return _ticket_page(request, Ticket.Kind.ENQUIRY)


@require_http_methods(["GET", "POST"])
@login_required
@application_errors
def complaint(request: HttpRequest) -> HttpResponse:
    """投诉: a signed-in person complains, optionally about one of their own cases."""
    if not permissions.is_public_person(request.user):
        raise errors.PermissionDenied(_("请以个人或企业账户登录后投诉。"))
    return _ticket_page(request, Ticket.Kind.COMPLAINT)


@require_GET
@login_required
@application_errors
def ticket_detail(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """The person's own ticket and its answer (404 for anyone else's)."""
    if not permissions.is_public_person(request.user):
        raise errors.NotFound()
    ticket = selectors.ticket_get(actor=request.user, ticket_id=ticket_id)
    return render(request, "interaction/portal/ticket.html", {"ticket": ticket})


@require_GET
def faq(request: HttpRequest) -> HttpResponse:
    """常见问题, per department (``?department=``) or item (``?item=``)."""
    department_id = _int(request.GET.get("department"))
    item_code = (request.GET.get("item") or "").strip()[:40]
    rows = selectors.faq_list(department_id=department_id, item_code=item_code)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    departments = Department.objects.filter(faqs__is_published=True).distinct().order_by("name")
    context = {
        "page": page,
        "departments": departments,
        "department_id": department_id,
        "item_code": item_code,
    }
    return render(request, "interaction/portal/faq.html", context)


@require_GET
def ratings(request: HttpRequest) -> HttpResponse:
    """好差评结果公开: the rates per department."""
    return render(
        request, "interaction/portal/ratings.html", {"rows": selectors.department_ratings()}
    )


@require_POST
@login_required
@application_errors
def case_rate(request: HttpRequest, number: str) -> HttpResponse:
    """The rating form on the applicant's case page (channel PC)."""
    case = selectors.evaluation_case_get(actor=request.user, number=number)
    form = RatingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择满意程度,评价内容不超过2000字。"))
    else:
        services_evaluation.evaluation_create(
            actor=request.user,
            case=case,
            grade=form.cleaned_data["grade"],
            text=form.cleaned_data["text"],
            channel=Channel.PC,
            followup=form.cleaned_data["followup"],
        )
        messages.success(request, _("感谢您的评价!"))
    return redirect("cases:my_case", case.number)


@require_http_methods(["GET", "POST"])
@application_errors
def rate(request: HttpRequest, number: str) -> HttpResponse:
    """扫码评价: the number and ``?p=`` (query password) from the QR code or the SMS link."""
    if not _RateThrottle().allow_request(request, None):
        return render_error(request, 429, _("操作过于频繁,请稍后再试。"))
    password = (request.GET.get("p") or request.POST.get("p") or "").strip()[:8]
    channel = request.GET.get("channel") or Channel.QRCODE
    channel = channel if channel in QR_CHANNELS else Channel.QRCODE
    case = selectors.case_by_password(number=number, password=password)
    state = selectors.evaluation_state(case)
    form = RatingForm(request.POST or None)
    status, done = 200, False
    if request.method == "POST":
        if form.is_valid():
            try:
                services_evaluation.evaluation_create_by_password(
                    number=number,
                    password=password,
                    grade=form.cleaned_data["grade"],
                    text=form.cleaned_data["text"],
                    channel=channel,
                )
                done = True
            except errors.Conflict as exc:
                add_service_error(form, exc)
                status = 409
        else:
            status = 400
    context = {"case": case, "form": form, "state": state, "done": done, "password": password}
    context["channel"] = channel
    return render(request, "interaction/portal/rate.html", context, status=status)


@require_GET
@login_required
@application_errors
def rate_qrcode(request: HttpRequest, number: str) -> HttpResponse:
    """The QR code (SVG) of the rating page, for the applicant to print or show in the hall."""
    import segno
    from django.conf import settings

    case = selectors.evaluation_case_get(actor=request.user, number=number)
    from govhall.interaction.services_invite import rate_path

    url = settings.GOVHALL_PUBLIC_URL + rate_path(case.number, case.query_password)
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=4, border=2)
    return HttpResponse(buffer.getvalue(), content_type="image/svg+xml")

"""Pages of housing: the department's workbench (stock, waiting list, rounds, leases, arrears,
inspections) and the tenant's own page (我的公租房). Every page calls the same selectors and
services as the API; a service error becomes a message on the page it came from."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from govhall.cases.models import Case
from govhall.core import errors
from govhall.housing import permissions, selectors, services_lease, services_list
from govhall.housing.models import Choice, Estate, Unit
from govhall.portal.http import application_errors
from govhall.workbench.access import workbench_view
from govhall.workbench.frame import frame_context

PAGE_SIZE = 50


def housing_staff_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Workbench pages of housing: staff of the housing department only (others 403)."""

    @workbench_view
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not permissions.can_manage(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _page(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    return render(
        request,
        f"housing/{template}",
        {**frame_context(request), "can_decide": permissions.can_decide(request.user), **context},
    )


def _paged(request: HttpRequest, rows: Any) -> Any:
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


def _run(request: HttpRequest, call: Callable[[], Any], done: str) -> None:
    """Call one service; its error (4xx) becomes a message on the page."""
    try:
        call()
    except errors.ApplicationError as exc:
        if isinstance(exc, errors.NotFound | errors.PermissionDenied):
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, done)


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value or "")
    except ValueError:
        return None


def _int(value: str | None) -> int | None:
    try:
        return int(value or "")
    except ValueError:
        return None


@require_GET
@housing_staff_view
def stock(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    state = state if state in Unit.State.values else ""
    page = _paged(request, selectors.unit_list(actor=request.user, state=state))
    return _page(
        request,
        "stock.html",
        {"page": page, "states": Unit.State.choices, "state": state},
    )


@require_GET
@housing_staff_view
def waiting_list(request: HttpRequest) -> HttpResponse:
    page = _paged(request, selectors.entry_list(actor=request.user))
    return _page(request, "waiting_list.html", {"page": page})


@require_POST
@housing_staff_view
def waiting_add(request: HttpRequest) -> HttpResponse:
    number = request.POST.get("case", "").strip()[:40]
    case = Case.objects.filter(number=number).first()
    if case is None:
        messages.error(request, _("未找到该办件。"))
    else:
        _run(
            request,
            lambda: services_list.waiting_entry_add_from_case(actor=request.user, case=case),
            _("已登记轮候。"),
        )
    return redirect("housing:waiting_list")


@require_POST
@housing_staff_view
def waiting_rank(request: HttpRequest) -> HttpResponse:
    method = request.POST.get("method", "score")
    seed = request.POST.get("seed", "").strip()[:64]
    _run(
        request,
        lambda: services_list.waiting_list_rank(actor=request.user, method=method, seed=seed),
        _("已重新排序。"),
    )
    return redirect("housing:waiting_list")


@require_GET
@housing_staff_view
def rounds(request: HttpRequest) -> HttpResponse:
    available = selectors.unit_list(actor=request.user, state=Unit.State.AVAILABLE)
    return _page(
        request,
        "rounds.html",
        {
            "rounds": selectors.round_list(actor=request.user)[:100],
            "estates": Estate.objects.all(),
            "available": available[:300],
        },
    )


@require_POST
@housing_staff_view
def round_open(request: HttpRequest) -> HttpResponse:
    estate = Estate.objects.filter(pk=_int(request.POST.get("estate"))).first()
    unit_ids = [i for i in (_int(v) for v in request.POST.getlist("units")) if i is not None]
    if estate is None or not unit_ids:
        messages.error(request, _("请选择小区和房源。"))
        return redirect("housing:rounds")
    _run(
        request,
        lambda: services_list.round_open(
            actor=request.user,
            name=request.POST.get("name", "").strip()[:100] or _("选房批次"),
            estate=estate,
            unit_ids=unit_ids,
            method=request.POST.get("method", "score"),
            seed=request.POST.get("seed", "").strip()[:64],
        ),
        _("选房批次已开始。"),
    )
    return redirect("housing:rounds")


@require_GET
@housing_staff_view
def round_detail(request: HttpRequest, round_id: int) -> HttpResponse:
    allocation = selectors.round_get(actor=request.user, pk=round_id)
    choices = Choice.objects.filter(round=allocation).select_related(
        "unit__building", "entry__applicant"
    )
    leased = set(
        selectors.lease_list(actor=request.user)
        .filter(entry__in=[c.entry_id for c in choices])
        .values_list("entry_id", flat=True)
    )
    return _page(
        request,
        "round_detail.html",
        {
            "round": allocation,
            "seats": allocation.seats.select_related("entry__applicant"),
            "choices": [{"choice": c, "leased": c.entry_id in leased} for c in choices],
            "units": selectors.round_units(allocation=allocation),
        },
    )


@require_POST
@housing_staff_view
def round_close(request: HttpRequest, round_id: int) -> HttpResponse:
    allocation = selectors.round_get(actor=request.user, pk=round_id)
    _run(
        request,
        lambda: services_list.round_close(actor=request.user, allocation=allocation),
        _("选房批次已结束。"),
    )
    return redirect("housing:round_detail", round_id=round_id)


@require_POST
@housing_staff_view
def lease_create(request: HttpRequest, round_id: int) -> HttpResponse:
    choice = Choice.objects.filter(round_id=round_id, pk=_int(request.POST.get("choice"))).first()
    start = _date(request.POST.get("start"))
    if choice is None or start is None:
        messages.error(request, _("请填写正确的起租日期。"))
    else:
        _run(
            request,
            lambda: services_lease.lease_create(actor=request.user, choice=choice, start=start),
            _("合同已生成,待承租人签约。"),
        )
    return redirect("housing:round_detail", round_id=round_id)


@require_GET
@housing_staff_view
def leases(request: HttpRequest) -> HttpResponse:
    page = _paged(request, selectors.lease_list(actor=request.user))
    return _page(request, "leases.html", {"page": page})


@require_POST
@housing_staff_view
def lease_action(request: HttpRequest, lease_id: int) -> HttpResponse:
    lease = selectors.lease_get(actor=request.user, pk=lease_id)
    if request.POST.get("action") == "end":
        _run(
            request,
            lambda: services_lease.lease_end(
                actor=request.user, lease=lease, reason=request.POST.get("reason", "")[:200]
            ),
            _("已办理退租,房源已收回。"),
        )
    else:
        _run(
            request,
            lambda: services_lease.inspection_record(
                actor=request.user,
                lease=lease,
                date=_date(request.POST.get("date")) or dt.date.today(),
                findings=request.POST.get("findings", "")[:2000],
                outcome=request.POST.get("outcome", ""),
            ),
            _("巡查记录已保存。"),
        )
    return redirect("housing:leases")


@require_POST
@housing_staff_view
def bills_issue(request: HttpRequest) -> HttpResponse:
    month = _date(request.POST.get("month")) or dt.date.today()
    _run(
        request,
        lambda: services_lease.rent_bills_issue(actor=request.user, month=month),
        _("本月账单已生成(已生成的不会重复)。"),
    )
    return redirect("housing:arrears")


@require_GET
@housing_staff_view
def arrears(request: HttpRequest) -> HttpResponse:
    return _page(request, "arrears.html", {"rows": selectors.arrears(actor=request.user)[:500]})


@require_GET
@housing_staff_view
def inspections(request: HttpRequest) -> HttpResponse:
    page = _paged(request, selectors.inspection_list(actor=request.user))
    return _page(request, "inspections.html", {"page": page})


def tenant_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The tenant's pages: citizens only (login first; staff 403)."""

    @login_required
    @application_errors
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not permissions.is_tenant(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@require_GET
@tenant_view
def mine(request: HttpRequest) -> HttpResponse:
    seats = []
    for seat in selectors.my_seats(actor=request.user):
        open_ = seat.round.state == "open" and seat.state == "pending"
        seats.append(
            {
                "seat": seat,
                "turn": open_ and services_list.seat_turn_come(seat),
                "units": selectors.round_units(allocation=seat.round).filter(
                    state=Unit.State.AVAILABLE
                )
                if open_
                else [],
            }
        )
    context = {
        "entries": selectors.my_entries(actor=request.user),
        "flags": selectors.reverification_flag_list(actor=request.user)[:10],
        "seats": seats,
        "leases": selectors.lease_list(actor=request.user),
        "bills": [
            {"bill": bill, "reference": f"SIM{secrets.token_hex(8).upper()}"}
            for bill in selectors.bill_list(actor=request.user)[:36]
        ],
    }
    return render(request, "housing/mine.html", context)


@require_POST
@tenant_view
def mine_choose(request: HttpRequest, round_id: int) -> HttpResponse:
    allocation = selectors.round_get(actor=request.user, pk=round_id)
    if request.POST.get("action") == "pass":
        _run(
            request,
            lambda: services_list.seat_pass(actor=request.user, allocation=allocation),
            _("您已放弃本批次选房,仍保留轮候资格。"),
        )
    else:
        unit_id = _int(request.POST.get("unit"))
        if unit_id is None:
            messages.error(request, _("请选择一套房源。"))
            return redirect("housing:mine")
        _run(
            request,
            lambda: services_list.unit_choose(
                actor=request.user, allocation=allocation, unit_id=unit_id
            ),
            _("选房成功,请等待签订租赁合同。"),
        )
    return redirect("housing:mine")


@require_POST
@tenant_view
def mine_sign(request: HttpRequest, lease_id: int) -> HttpResponse:
    lease = selectors.lease_get(actor=request.user, pk=lease_id)
    _run(
        request,
        lambda: services_lease.lease_sign(actor=request.user, lease=lease),
        _("合同已签订。"),
    )
    return redirect("housing:mine")


@require_POST
@tenant_view
def mine_pay(request: HttpRequest, bill_id: int) -> HttpResponse:
    """缴费 through the simulated provider: the form carries a reference made when the page was
    shown, so that a double submit pays once."""
    bill = selectors.bill_get(actor=request.user, pk=bill_id)
    reference = request.POST.get("reference", "").strip()[:64] or f"SIM{secrets.token_hex(8)}"
    _run(
        request,
        lambda: services_lease.rent_pay(actor=request.user, bill=bill, reference=reference),
        _("缴费成功。"),
    )
    return redirect("housing:mine")

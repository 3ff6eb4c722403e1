"""Workbench pages of the yearly re-verification (动态核查): the runs with their counts, one
run's flagged households with the explanation per condition, and the decision (keep /
terminate). The same selectors and services as the API."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from govhall.exchange.models import AccessLogEntry
from govhall.housing import presenters, selectors, services_reverify
from govhall.housing.models import ReverificationFlag
from govhall.housing.views import _date, _page, _paged, _run, housing_staff_view


@require_GET
@housing_staff_view
def runs(request: HttpRequest) -> HttpResponse:
    page = _paged(request, selectors.reverification_run_list(actor=request.user))
    return _page(request, "reverification_runs.html", {"page": page})


@require_POST
@housing_staff_view
def run_start(request: HttpRequest) -> HttpResponse:
    done: dict[str, int] = {}

    def start() -> None:
        run = services_reverify.reverification_run(
            actor=request.user,
            on=_date(request.POST.get("on")),
            purpose=request.POST.get("purpose", "").strip()[:64] or None,
            channel=AccessLogEntry.Channel.PAGE,
        )
        done["run"] = run.pk

    _run(request, start, _("动态核查已完成。"))
    if "run" in done:
        return redirect("housing:reverification_run", run_id=done["run"])
    return redirect("housing:reverification_runs")


@require_GET
@housing_staff_view
def run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    run = selectors.reverification_run_get(actor=request.user, pk=run_id)
    state = request.GET.get("state", "")
    flags = selectors.reverification_flag_list(actor=request.user, run=run, state=state)
    page = _paged(request, flags)
    rows = [{"flag": flag, "conditions": presenters.condition_rows(flag)} for flag in page]
    return _page(
        request,
        "reverification_run.html",
        {
            "run": run,
            "page": page,
            "rows": rows,
            "state": state,
            "states": ReverificationFlag.State.choices,
        },
    )


@require_POST
@housing_staff_view
def flag_decide(request: HttpRequest, flag_id: int) -> HttpResponse:
    flag = selectors.reverification_flag_get(actor=request.user, pk=flag_id)
    decision = request.POST.get("decision", "")
    _run(
        request,
        lambda: services_reverify.reverification_decide(
            actor=request.user,
            flag=flag,
            decision=decision,
            opinion=request.POST.get("opinion", "")[:2000],
        ),
        _("已保留该家庭的保障资格。")
        if decision == services_reverify.KEEP
        else _("已终止该家庭的保障,合同已终止或已移出轮候名单。"),
    )
    return redirect("housing:reverification_run", run_id=flag.run_id)

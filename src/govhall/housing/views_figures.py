"""Housing figures pages: the department's dashboard (workbench, housing staff only) with monthly
SVG charts, and the public summary (no login, aggregates only, cached). They read
``housing.figures`` as the API does; the charts use the analytics app's pygal setup (static
SVG, no JavaScript)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

import pygal
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from govhall.analytics import charts as analytics_charts
from govhall.analytics.views import PeriodForm
from govhall.housing import figures, permissions
from govhall.portal.http import application_errors
from govhall.workbench.access import workbench_view
from govhall.workbench.frame import frame_context

CHARTS = ("applications", "allocation", "occupancy")
REVERIFICATION_LABELS = (
    ("runs", gettext_lazy("核查批次")),
    ("checked", gettext_lazy("核查户数")),
    ("eligible", gettext_lazy("仍符合条件")),
    ("flagged", gettext_lazy("不再符合条件")),
    ("unknown", gettext_lazy("无法判断")),
    ("open", gettext_lazy("待复核")),
    ("kept", gettext_lazy("保留资格")),
    ("terminated", gettext_lazy("终止保障")),
)
SVG = "image/svg+xml; charset=utf-8"


def figures_staff_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Staff of the housing department only: anonymous → login, anybody else 403."""

    @workbench_view
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not permissions.can_manage(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _read(request: HttpRequest) -> dict[str, Any]:
    """The figures of ``?from=&to=`` (400 for a malformed date, 422 for a bad period)."""
    form = PeriodForm(request.GET)
    if not form.is_valid():
        form.period()  # raises the 400 with the field's message
    return figures.housing_figures_read(
        actor=request.user, start=form.cleaned_data.get("from"), end=form.cleaned_data.get("to")
    )


def _svg(content: bytes, cache_control: str) -> HttpResponse:
    response = HttpResponse(content, content_type=SVG)
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response["Cache-Control"] = cache_control
    return response


# ---- charts -------------------------------------------------------------------------------------


def _month_labels(months: list[dict[str, Any]]) -> list[str]:
    return [row["month"].strftime("%Y-%m") for row in months]


def applications_chart(months: list[dict[str, Any]], *, approved: bool = True) -> bytes:
    """收件, 办结 (and 准予) per month."""
    config = analytics_charts._config(title=_("每月申请与办结"), x_label_rotation=30)
    chart = pygal.Line(**config)
    chart.x_labels = _month_labels(months)
    chart.add(_("收件"), [row["received"] for row in months])
    chart.add(_("办结"), [row["closed"] for row in months])
    if approved:
        chart.add(_("准予"), [row["approved"] for row in months])
    return analytics_charts._render(chart)


def allocation_chart(months: list[dict[str, Any]]) -> bytes:
    """Units chosen and leases signed per month."""
    config = analytics_charts._config(title=_("每月选房与签约"), x_label_rotation=30)
    chart = pygal.Bar(**config)
    chart.x_labels = _month_labels(months)
    chart.add(_("选房"), [row["chosen"] for row in months])
    chart.add(_("签约入住"), [row["leases_signed"] for row in months])
    return analytics_charts._render(chart)


def occupancy_chart(occupancy: dict[str, Any]) -> bytes:
    """Units let and all units per estate."""
    estates = occupancy["estates"][: analytics_charts.TOP * 2]
    config = analytics_charts._config(title=_("各小区出租情况"), x_label_rotation=30)
    chart = pygal.Bar(**config)
    chart.x_labels = [estate["name"] for estate in estates]
    chart.add(_("房源总数"), [estate["units"] for estate in estates])
    chart.add(_("已出租"), [estate["let"] for estate in estates])
    return analytics_charts._render(chart)


def _grades(counts: dict[str, int]) -> list[tuple[str, int]]:
    """Every grade's label and count, best first."""
    from govhall.interaction.models import Satisfaction

    return [(str(label), counts.get(value, 0)) for value, label in Satisfaction.choices]


# ---- pages --------------------------------------------------------------------------------------


@require_GET
@figures_staff_view
def dashboard(request: HttpRequest) -> HttpResponse:
    data = _read(request)
    period = data["period"]
    return render(
        request,
        "housing/figures_dashboard.html",
        {
            **frame_context(request),
            "can_decide": permissions.can_decide(request.user),
            "form": PeriodForm(initial={"from": period.start, "to": period.end}),
            "figures": data,
            "period": period,
            "query": {"from": period.start.isoformat(), "to": period.end.isoformat()},
            "charts": CHARTS,
            "grades": _grades(data["satisfaction"]["grades"]),
            "reverification": [
                (label, data["reverification"][key]) for key, label in REVERIFICATION_LABELS
            ],
        },
    )


@require_GET
@figures_staff_view
def dashboard_chart(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in CHARTS:
        raise Http404
    data = _read(request)
    if kind == "applications":
        svg = applications_chart(data["months"])
    elif kind == "allocation":
        svg = allocation_chart(data["months"])
    else:
        svg = occupancy_chart(data["occupancy"])
    return _svg(svg, "private, max-age=300")


@require_GET
@application_errors
def public(request: HttpRequest) -> HttpResponse:
    """公租房保障情况: the last twelve months, aggregates only, no login."""
    return render(
        request, "housing/figures_public.html", {"summary": figures.housing_public_summary()}
    )


@require_GET
@application_errors
def public_chart(request: HttpRequest) -> HttpResponse:
    summary = figures.housing_public_summary()
    return _svg(applications_chart(summary["months"], approved=False), "public, max-age=300")

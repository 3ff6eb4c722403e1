"""Pages of the performance figures (workbench ``analytics:stats``) and the public disclosure
(``analytics:disclosure``, 办件公示). They read the same selectors as the API."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from govhall.analytics import charts, export, selectors
from govhall.analytics.figures import CASE_COLUMNS, Period
from govhall.analytics.permissions import figure_scope
from govhall.core import errors
from govhall.portal.http import application_errors, render_error
from govhall.workbench.access import workbench_view
from govhall.workbench.frame import frame_context

VIEWS = {
    "department": gettext_lazy("按部门"),
    "item": gettext_lazy("按事项"),
    "post": gettext_lazy("按岗位"),
    "person": gettext_lazy("按人员"),
}
CHARTS = ("trend", "overdue", "workload")
# the ranking formula's figures by their column titles (the formula stores the column keys)
FIGURE_LABELS = {column.key: column.label for column in CASE_COLUMNS}


class PeriodForm(forms.Form):
    """``?from=&to=`` as in the API (``from`` is a Python keyword, hence the fields dict)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label in (("from", gettext_lazy("开始日期")), ("to", gettext_lazy("结束日期"))):
            self.fields[name] = forms.DateField(
                label=label,
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            )

    def period(self) -> Period:
        """The chosen period; a malformed date is a 400, a reversed one a 422."""
        if not self.is_valid():
            raise errors.ApplicationError(next(iter(self.errors.values()))[0])
        return Period.of(self.cleaned_data.get("from"), self.cleaned_data.get("to"))


def _period(request: HttpRequest) -> tuple[PeriodForm, Period]:
    form = PeriodForm(request.GET)
    return form, form.period()


def _dimension(request: HttpRequest) -> str:
    dimension = request.GET.get("view", "department")
    if dimension not in VIEWS:
        raise errors.ApplicationError(gettext_lazy("统计维度无效。"))
    return dimension


def _rows(table: selectors.FigureTable) -> list[dict[str, Any]]:
    """Each row's values in column order, for the template."""
    return [
        {
            "label": row["label"],
            "cells": [(c.kind, row["figures"].get(c.key)) for c in table.columns],
        }
        for row in table.rows
    ]


@require_GET
@workbench_view
def stats(request: HttpRequest) -> HttpResponse:
    figure_scope(request.user)  # 403 before any work for staff-less accounts
    _form, period = _period(request)
    dimension = _dimension(request)
    table = selectors.stats_table(actor=request.user, dimension=dimension, period=period)
    departments = (
        table
        if dimension == "department"
        else selectors.stats_table(actor=request.user, dimension="department", period=period)
    )
    ranking = selectors.ranking_of(departments)
    query = {"from": period.start.isoformat(), "to": period.end.isoformat()}
    return render(
        request,
        "analytics/stats.html",
        {
            **frame_context(request),
            "form": PeriodForm(initial={"from": period.start, "to": period.end}),
            "period": period,
            "dimension": dimension,
            "views": VIEWS,
            "table": table,
            "rows": _rows(table),
            "ranking": ranking,
            "ranking_weights": [
                (FIGURE_LABELS.get(key, key), weight) for key, weight in ranking.weights.items()
            ],
            "query": query,
            "charts": CHARTS,
        },
    )


@require_GET
@workbench_view
def stats_export(request: HttpRequest, dimension: str) -> HttpResponse:
    _form, period = _period(request)
    if dimension == "ranking":
        ranking = selectors.stats_ranking(actor=request.user, period=period)
        content, name = export.ranking_workbook(ranking), "ranking"
    elif dimension in VIEWS:
        table = selectors.stats_table(actor=request.user, dimension=dimension, period=period)
        content, name = export.table_workbook(table), f"stats-{dimension}"
    else:
        raise Http404
    response = HttpResponse(content, content_type=export.XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="{name}-{period.start}-{period.end}.xlsx"'
    )
    return response


@require_GET
@workbench_view
def stats_chart(request: HttpRequest, kind: str) -> HttpResponse:
    """One SVG chart, scoped like the tables."""
    _form, period = _period(request)
    actor = request.user
    if kind == "trend":
        svg = charts.trend_chart(selectors.stats_trend(actor=actor, period=period))
    elif kind == "overdue":
        svg = charts.overdue_chart(
            selectors.stats_table(actor=actor, dimension="item", period=period)
        )
    elif kind == "workload":
        dimension = "post" if request.GET.get("by") == "post" else "department"
        svg = charts.workload_chart(
            selectors.stats_table(actor=actor, dimension=dimension, period=period)
        )
    else:
        raise Http404
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response["Cache-Control"] = "private, max-age=300"
    return response


# ---- 办件公示 -----------------------------------------------------------------------------------


@require_GET
@application_errors
def disclosure(request: HttpRequest) -> HttpResponse:
    """Public: recent cases (masked) and the department figures of the current month."""
    choices = selectors.disclosure_department_choices()
    raw = request.GET.get("department", "")
    department = None
    if raw:
        if not raw.isdigit() or int(raw) not in {pk for pk, _name in choices}:
            return render_error(request, 400, str(gettext_lazy("部门参数无效。")))
        department = int(raw)
    table = selectors.disclosure_departments(period=Period.of(None, None))
    return render(
        request,
        "analytics/disclosure.html",
        {
            "cases": selectors.disclosure_cases(department_id=department),
            "departments": choices,
            "department": department,
            "table": table,
            "rows": _rows(table),
        },
    )

"""The public catalog figures page: the metrics of ``catalog.figures``, city-wide and per
department, with their definitions."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from govhall.catalog.figures import catalog_figures
from govhall.catalog.lists import LISTS

# Table columns: metric key, heading, how it is shown.
COLUMNS = [
    ("items", _("事项数"), "count"),
    ("online_rate", _("网上可办率"), "percent"),
    ("full_online_rate", _("全程网办率"), "percent"),
    ("instant_rate", _("即办件比例"), "percent"),
    ("time_compression", _("承诺时限压缩比"), "percent"),
    ("mean_visits", _("平均跑动次数"), "number"),
    ("one_visit_rate", _("最多跑一次率"), "percent"),
    ("zero_visit_rate", _("零跑动率"), "percent"),
]


def _cells(metrics: dict[str, Any]) -> list[dict[str, Any]]:
    cells = []
    for key, _heading, kind in COLUMNS:
        value = metrics[key]
        cells.append({"kind": kind, "value": value * 100 if kind == "percent" else value})
    return cells


@require_safe
def figures(request: HttpRequest) -> HttpResponse:
    data = catalog_figures()
    totals = data["totals"]
    return render(
        request,
        "catalog/figures.html",
        {
            "totals": totals,
            "headings": [heading for _key, heading, _kind in COLUMNS],
            "total_cells": _cells(totals),
            "rows": [
                {"department": row["department"], "cells": _cells(row)}
                for row in data["departments"]
            ],
            "lists": [(LISTS[key], count) for key, count in totals["lists"].items()],
            "percents": {key: totals[key] * 100 for key, _h, kind in COLUMNS if kind == "percent"},
        },
    )

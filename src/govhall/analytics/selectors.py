"""Reads of the performance figures, each scoped to the actor (``permissions.figure_scope``).

A table is ``{"dimension", "period", "columns", "rows"}``; each row has ``key`` (department id,
item id, post code or user id), ``label`` and ``figures``. Pages, the API, the Excel export and
the charts all read these functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef
from django.db.models.functions import TruncWeek
from django.utils.translation import gettext as _

from govhall.analytics import figures
from govhall.analytics.figures import Column, Period
from govhall.analytics.models import RankingFormula
from govhall.analytics.permissions import FigureScope, figure_scope
from govhall.analytics.ranking import DEFAULT_WEIGHTS, rank
from govhall.cases.models import Case
from govhall.catalog.models import Item
from govhall.core.identifiers import mask_name
from govhall.organizations.models import Department, Post

DIMENSIONS = ("department", "item", "post", "person")


@dataclass
class FigureTable:
    dimension: str
    period: Period
    columns: list[Column]
    rows: list[dict[str, Any]]


def _labels(dimension: str, keys: list[Any]) -> dict[Any, str]:
    if dimension == "department":
        pairs = Department.objects.filter(pk__in=keys).values_list("pk", "name")
    elif dimension == "item":
        pairs = Item.objects.filter(pk__in=keys).values_list("pk", "published_version__name")
    elif dimension == "post":
        pairs = Post.objects.filter(pk__in=keys).values_list("pk", "name")
    else:
        pairs = get_user_model().objects.filter(pk__in=keys).values_list("pk", "name")
    return {key: label or str(key) for key, label in pairs}


def _table(dimension: str, scope: FigureScope, period: Period) -> FigureTable:
    if dimension in {"post", "person"}:
        data = figures.task_figures(dimension, scope, period)
    else:
        data = figures.case_figures(dimension, scope, period)
    labels = _labels(dimension, list(data))
    rows = [
        {"key": key, "label": labels.get(key, str(key)), "figures": values}
        for key, values in data.items()
    ]
    rows.sort(
        key=lambda row: (
            -(row["figures"].get("received") or row["figures"].get("tasks_done") or 0),
            row["label"],
        )
    )
    return FigureTable(dimension, period, figures.columns_for(dimension), rows)


def stats_table(*, actor: Any, dimension: str, period: Period) -> FigureTable:
    """The figures of ``dimension`` (department / item / post / person) the actor may read."""
    if dimension not in DIMENSIONS:
        raise ValueError(dimension)
    return _table(dimension, figure_scope(actor), period)


def active_formula() -> RankingFormula | None:
    return RankingFormula.objects.filter(active=True).first()


@dataclass
class Ranking:
    period: Period
    formula_name: str
    weights: dict[str, float]
    rows: list[dict[str, Any]]


def ranking_of(table: FigureTable) -> Ranking:
    formula = active_formula()
    weights = dict(formula.weights) if formula else dict(DEFAULT_WEIGHTS)
    available = {column.key for column in table.columns}
    weights = {key: value for key, value in weights.items() if key in available}
    name = formula.name if formula else _("默认公式")
    return Ranking(table.period, name, weights, rank(table.rows, weights))


def stats_ranking(*, actor: Any, period: Period) -> Ranking:
    """The departments the actor may read, scored by the active formula."""
    return ranking_of(stats_table(actor=actor, dimension="department", period=period))


# ---- 办件公示: public, masked ----------------------------------------------------------------

DISCLOSURE_LIMIT = 50


def disclosure_cases(
    *, department_id: int | None = None, limit: int = DISCLOSURE_LIMIT
) -> list[dict[str, Any]]:
    """Recent cases for the public: item, masked applicant name, department, received, status,
    closed, on time. Never the ID number, the phone, the form or the number's query password.
    Public and the same for everyone: cached for ``GOVHALL_DISCLOSURE_CACHE_SECONDS``."""
    key = f"analytics:disclosure:cases:{department_id}:{limit}"
    return cache.get_or_set(key, lambda: _disclosure_cases(department_id, limit), _cache_seconds())


def _cache_seconds() -> int:
    return settings.GOVHALL_DISCLOSURE_CACHE_SECONDS


def _disclosure_cases(department_id: int | None, limit: int) -> list[dict[str, Any]]:
    queryset = Case.objects.all()
    if department_id is not None:
        queryset = queryset.filter(department_id=department_id)
    rows = queryset.order_by("-received_at", "-id").values(
        "number",
        "item_name",
        "applicant_name",
        "department__name",
        "received_at",
        "status",
        "closed_at",
        "on_time",
    )[:limit]
    labels = dict(Case.Status.choices)
    return [
        {
            "number": row["number"],
            "item": row["item_name"],
            "applicant": mask_name(row["applicant_name"]),
            "department": row["department__name"],
            "received_at": row["received_at"],
            "status": row["status"],
            "status_label": str(labels.get(row["status"], row["status"])),
            "closed_at": row["closed_at"],
            "on_time": row["on_time"] if row["closed_at"] else None,
        }
        for row in rows
    ]


PUBLIC_COLUMNS = ("received", "completed", "on_time_rate", "satisfaction_rate", "online_share")


def disclosure_departments(*, period: Period) -> FigureTable:
    """The public department figures (the city as a whole, a few headline columns), cached
    like the cases."""
    key = f"analytics:disclosure:departments:{period.start}:{period.end}"
    return cache.get_or_set(key, lambda: _disclosure_departments(period), _cache_seconds())


def _disclosure_departments(period: Period) -> FigureTable:
    table = _table("department", FigureScope(), period)
    table.columns = [column for column in table.columns if column.key in PUBLIC_COLUMNS]
    for row in table.rows:
        row["figures"] = {
            key: row["figures"].get(key) for key in PUBLIC_COLUMNS if key in row["figures"]
        }
    return table


def disclosure_department_choices() -> list[tuple[int, str]]:
    """Departments that have cases (one EXISTS per department, on the case list's index)."""
    has_cases = Exists(Case.objects.filter(department_id=OuterRef("pk")))
    return list(Department.objects.filter(has_cases).order_by("name").values_list("pk", "name"))


def stats_trend(*, actor: Any, period: Period) -> list[dict[str, Any]]:
    """Cases received and completed per week (weeks start on Monday): two grouped queries."""
    scope = figure_scope(actor)
    cases = Case.objects.filter(scope.q("case")).order_by()
    received = (
        cases.filter(period.within("received_at"))
        .annotate(week=TruncWeek("received_at"))
        .values("week")
        .annotate(n=Count("id"))
    )
    completed = (
        cases.filter(period.within("closed_at"), status=Case.Status.COMPLETED)
        .annotate(week=TruncWeek("closed_at"))
        .values("week")
        .annotate(n=Count("id"))
    )
    weeks: dict[Any, dict[str, int]] = {}
    for name, rows in (("received", received), ("completed", completed)):
        for row in rows:
            day = row["week"].date() if hasattr(row["week"], "date") else row["week"]
            weeks.setdefault(day, {"received": 0, "completed": 0})[name] = row["n"]
    return [{"week": week, **counts} for week, counts in sorted(weeks.items())]

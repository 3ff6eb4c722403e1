"""Reads of supervision, always scoped to the actor (``permissions.visibility``): what the actor
may not see answers 404 exactly like what does not exist."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govhall.core import errors
from govhall.supervision import permissions
from govhall.supervision.models import Accountability, Alert, AlertComment

OPEN_STATES = (Alert.State.OPEN, Alert.State.ACKNOWLEDGED, Alert.State.ESCALATED)


@dataclass(frozen=True)
class AlertFilters:
    level: str = ""
    state: str = ""  # "" = every state still open (open, acknowledged, escalated); "all"
    department: int | None = None
    item: int | None = None
    post: str = ""
    source: str = ""
    region: str = ""


def _scope(actor: Any) -> Q:
    scope = permissions.visibility(actor)
    if scope is None:
        raise errors.NotFound()
    return scope


def _region_filter(actor: Any, region: str) -> Q:
    if not region:
        return Q()
    if not (region.isdigit() and len(region) == 12) or not permissions.can_read_region(
        actor, region
    ):
        raise errors.NotFound(_("无权查看该区划的监察信息。"), code="region_not_visible")
    from govhall.core.identifiers import region_prefix

    return Q(region_code__startswith=region_prefix(region))


def alert_filter(actor: Any, filters: AlertFilters) -> QuerySet[Alert]:
    queryset = Alert.objects.filter(_scope(actor)).filter(_region_filter(actor, filters.region))
    if filters.state == "all":
        pass
    elif filters.state in Alert.State.values:
        queryset = queryset.filter(state=filters.state)
    else:
        queryset = queryset.filter(state__in=OPEN_STATES)
    if filters.level in Alert.Level.values:
        queryset = queryset.filter(level=filters.level)
    if filters.department:
        queryset = queryset.filter(department_id=filters.department)
    if filters.item:
        queryset = queryset.filter(item_id=filters.item)
    if filters.post:
        queryset = queryset.filter(post_id=filters.post)
    if filters.source:
        queryset = queryset.filter(source=filters.source)
    return queryset


def alert_list(*, actor: Any, filters: AlertFilters | None = None) -> QuerySet[Alert]:
    """The actor's alerts, newest first."""
    return (
        alert_filter(actor, filters or AlertFilters())
        .select_related("case", "item", "department", "post", "handler")
        .order_by("-raised_at", "-id")
    )


# what an alert without that attribute is: the whole case, a rectification, an enquiry ...
UNGROUPED = {
    "department": gettext_lazy("未指定部门"),
    "item": gettext_lazy("不涉及事项(咨询投诉等)"),
    "post": gettext_lazy("不分岗位(整件时限、差评整改、咨询投诉)"),
}


def board_counts(*, actor: Any, filters: AlertFilters | None = None) -> dict[str, list[dict]]:
    """Open alerts counted by level, grouped by department, item and post (three GROUP BYs)."""
    queryset = alert_filter(actor, filters or AlertFilters()).order_by()
    levels = {level: Count("id", filter=Q(level=level)) for level in Alert.Level.values}
    groups = {
        "department": ("department_id", "department__name"),
        "item": ("item_id", "item__published_version__name"),
        "post": ("post_id", "post__name"),
    }
    counts = {}
    for key, (field, label) in groups.items():
        rows = queryset.values(field, label).annotate(total=Count("id"), **levels)
        counts[key] = sorted(
            (
                {
                    "id": row[field],
                    "name": row[label] or UNGROUPED[key],
                    "total": row["total"],
                    **{level: row[level] for level in Alert.Level.values},
                }
                for row in rows
            ),
            key=lambda row: (-row["red"], -row["yellow"], -row["total"]),
        )[:50]
    return counts


def level_totals(*, actor: Any, filters: AlertFilters | None = None) -> dict[str, int]:
    queryset = alert_filter(actor, filters or AlertFilters()).order_by()
    rows = queryset.values("level").annotate(n=Count("id"))
    totals = {level: 0 for level in Alert.Level.values}
    totals.update({row["level"]: row["n"] for row in rows})
    return totals


def alert_get(*, actor: Any, alert_id: int) -> Alert:
    alert = (
        Alert.objects.filter(_scope(actor))
        .select_related("case", "item", "department", "post", "handler")
        .filter(pk=alert_id)
        .first()
    )
    if alert is None:
        raise errors.NotFound()
    return alert


def alert_comments(*, alert: Alert) -> QuerySet[AlertComment]:
    """The history of an alert already fetched through :func:`alert_get`."""
    return alert.comments.select_related("actor").order_by("at", "id")


def accountability_list(*, actor: Any, state: str = "") -> QuerySet[Accountability]:
    queryset = Accountability.objects.filter(_scope(actor))
    if state in Accountability.State.values:
        queryset = queryset.filter(state=state)
    return queryset.select_related(
        "alert", "case", "department", "responsibility", "decided_by"
    ).order_by("-opened_at", "-id")


def accountability_get(*, actor: Any, accountability_id: int) -> Accountability:
    record = (
        Accountability.objects.filter(_scope(actor))
        .select_related("alert", "case", "department", "responsibility", "decided_by")
        .filter(pk=accountability_id)
        .first()
    )
    if record is None:
        raise errors.NotFound()
    return record

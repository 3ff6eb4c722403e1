"""Catalog figures: the metrics the provinces report (REFERENCE.md), from the published catalog.

Counted over the published version of every active item (``selectors.public_versions``: drafts,
items still in review and cancelled items are not counted), city-wide or for one department,
with one grouped query: conditional counts and sums per department, the city-wide totals being
the sums of the department rows.

Definitions (all counts are items, all time limits working days):

- 网上可办率 ``online_rate``: items that can be applied for online (网上办理深度 III or IV)
  ÷ application-based items. *Application-based* (依申请) items are every item type except
  02 行政处罚, 03 行政强制 and 06 行政检查, which the government starts on its own and nobody
  applies for.
- 全程网办率 ``full_online_rate``: items at depth IV ÷ all items.
- 即办件比例 ``instant_rate``: items of case type 1 (即办件) ÷ all items.
- 承诺时限压缩比 ``time_compression``: (Σ statutory − Σ promised limits) ÷ Σ statutory limits.
- 平均跑动次数 ``mean_visits``: Σ visits ÷ all items; 最多跑一次率 ``one_visit_rate``: items
  with at most one visit ÷ all items; 零跑动率 ``zero_visit_rate``: items with no visit ÷ all
  items (the same denominators as the 最多跑一次 and 不见面 lists).

Rates are fractions (0.8765 = 87.65%), unrounded: the page and the API round for display. A
rate over no items is 0. ``lists`` counts the items on each list of ``lists.LISTS`` by the list's
own rule.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from govhall.catalog.lists import LISTS, list_filter
from govhall.catalog.models import ItemVersion
from govhall.catalog.selectors import public_versions
from govhall.core import errors
from govhall.organizations.models import Department

NON_APPLICATION_TYPES = ("02", "03", "06")  # 行政处罚, 行政强制, 行政检查

COUNTS = [
    "items",
    "application_items",
    "online_items",
    "full_online_items",
    "instant_items",
    "statutory_days",
    "promised_days",
    "visits",
    "one_visit_items",
    "zero_visit_items",
]
_DEPARTMENT_FIELDS = {
    "item__department_id": "id",
    "item__department__name": "name",
    "item__department__short_name": "short_name",
    "item__department__region_id": "region",
    "item__department__region__name": "region_name",
}


def _aggregates() -> dict[str, Any]:
    application = ~Q(item_type__in=NON_APPLICATION_TYPES)
    aggregates: dict[str, Any] = {
        "items": Count("pk"),
        "application_items": Count("pk", filter=application),
        "online_items": Count("pk", filter=application & Q(online_depth__gte=3)),
        "full_online_items": Count("pk", filter=Q(online_depth=4)),
        "instant_items": Count("pk", filter=Q(case_type="1")),
        "statutory_days": Coalesce(Sum("statutory_limit_days"), 0),
        "promised_days": Coalesce(Sum("promised_limit_days"), 0),
        "visits": Coalesce(Sum("visits"), 0),
        "one_visit_items": Count("pk", filter=Q(visits__lte=1)),
        "zero_visit_items": Count("pk", filter=Q(visits=0)),
    }
    # A list's rule may join materials or responsibilities: matched by id, so that no version
    # is counted twice and the sums above stay exact.
    for key in LISTS:
        members = ItemVersion.objects.filter(list_filter(key)).values("pk")
        aggregates[f"list_{key}"] = Count("pk", filter=Q(pk__in=members))
    # prefixed: an annotation may not take the name of a field (``visits``)
    return {f"n_{name}": expression for name, expression in aggregates.items()}


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _metrics(counts: dict[str, int]) -> dict[str, Any]:
    items, statutory = counts["items"], counts["statutory_days"]
    return {
        **{key: counts[key] for key in COUNTS},
        "online_rate": _ratio(counts["online_items"], counts["application_items"]),
        "full_online_rate": _ratio(counts["full_online_items"], items),
        "instant_rate": _ratio(counts["instant_items"], items),
        "time_compression": _ratio(statutory - counts["promised_days"], statutory),
        "mean_visits": _ratio(counts["visits"], items),
        "one_visit_rate": _ratio(counts["one_visit_items"], items),
        "zero_visit_rate": _ratio(counts["zero_visit_items"], items),
        "lists": {key: counts[f"list_{key}"] for key in LISTS},
    }


def catalog_figures(*, department_id: int | None = None) -> dict[str, Any]:
    """The figures city-wide (``totals``) and per department (``departments``, city departments
    first, then each county's), or for one department only.

    ``department`` describes the department asked for (None city-wide); NotFound for a
    department that does not exist. A department without published items has zero figures.
    """
    queryset = public_versions()
    department = None
    if department_id is not None:
        department = (
            Department.objects.filter(pk=department_id).values("id", "name", "short_name").first()
        )
        if department is None:
            raise errors.NotFound(_("没有该部门。"))
        queryset = queryset.filter(item__department_id=department_id)
    rows = list(
        queryset.order_by()
        .values(*_DEPARTMENT_FIELDS)
        .annotate(**_aggregates())
        .order_by("item__department__region_id", "item__department_id")
    )
    keys = [*COUNTS, *(f"list_{key}" for key in LISTS)]
    counts = [{key: row[f"n_{key}"] for key in keys} for row in rows]
    totals = {key: sum(row[key] for row in counts) for key in keys}
    return {
        "department": department,
        "totals": _metrics(totals),
        "departments": [
            {
                "department": {name: row[field] for field, name in _DEPARTMENT_FIELDS.items()},
                **_metrics(row_counts),
            }
            for row, row_counts in zip(rows, counts, strict=True)
        ],
    }

"""The five lists and the derived lists: which published items belong to each.

Derived from the item data, never kept by hand. ``lists_of`` answers for one version (used by the
change log); ``list_filter`` gives the same rule as a query over versions.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from govhall.catalog.rules import POWER_TYPES

LISTS: dict[str, Any] = {
    "power": _("权力清单"),
    "responsibility": _("责任清单"),
    "fee": _("收费清单"),
    "public_service": _("公共服务清单"),
    "intermediary": _("中介服务清单"),
    "certificate": _("证明材料清单"),
    "one_visit": _("最多跑一次清单"),
    "zero_visit": _("不见面审批清单"),
    "negative": _("最多跑一次负面清单"),
}


def list_filter(key: str, prefix: str = "") -> Q:
    """A filter on ItemVersion (or, with ``prefix="published_version__"``, on Item)."""
    p = prefix
    rules = {
        "power": Q(**{f"{p}item_type__in": sorted(POWER_TYPES)}),
        "responsibility": Q(**{f"{p}item_type__in": sorted(POWER_TYPES)})
        & Q(**{f"{p}responsibilities__isnull": False}),
        "fee": Q(**{f"{p}fee_charged": True}),
        "public_service": Q(**{f"{p}item_type": "20"}),
        "intermediary": ~Q(**{f"{p}intermediary_services": []}),
        # certificates still asked of applicants: issued by government, not fetched from shared data
        "certificate": Q(**{f"{p}materials__source_channel": "2"}),
        "one_visit": Q(**{f"{p}visits__lte": 1}),
        "zero_visit": Q(**{f"{p}visits": 0}),
        "negative": Q(**{f"{p}visits__gte": 2}),
    }
    return rules[key]


def lists_of(version: Any) -> list[str]:
    """The keys of the lists ``version`` belongs to."""
    if version is None:
        return []
    keys = []
    if version.item_type in POWER_TYPES:
        keys.append("power")
        if version.pk and version.responsibilities.exists():
            keys.append("responsibility")
    if version.fee_charged:
        keys.append("fee")
    if version.item_type == "20":
        keys.append("public_service")
    if version.intermediary_services:
        keys.append("intermediary")
    if version.pk and version.materials.filter(source_channel="2").exists():
        keys.append("certificate")
    if version.visits <= 1:
        keys.append("one_visit")
    if version.visits == 0:
        keys.append("zero_visit")
    if version.visits >= 2:
        keys.append("negative")
    return keys

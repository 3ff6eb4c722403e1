"""Public catalog reads: what an anonymous visitor may see.

Only the published version of an active item is public. A draft-only item, an item whose every
version is still in review, and a cancelled item answer ``NotFound`` exactly like a code that
does not exist: one rule, applied by :func:`public_versions` to every page, list, count and the
guide API alike.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.fields.files import FieldFile
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext as _

from govhall.catalog.lists import LISTS, list_filter
from govhall.catalog.models import CatalogChange, Item, ItemVersion, Material, Responsibility
from govhall.core import errors
from govhall.organizations.models import Department, Post, Region

MAX_QUERY_LENGTH = 100


def public_versions() -> QuerySet[ItemVersion]:
    """The current published version of every active item."""
    return ItemVersion.objects.filter(
        state=ItemVersion.State.PUBLISHED, item__status=Item.Status.ACTIVE
    )


def _with_guide(queryset: QuerySet[ItemVersion]) -> QuerySet[ItemVersion]:
    return queryset.select_related("item", "item__department", "region").prefetch_related(
        Prefetch("materials", queryset=Material.objects.order_by("order", "id")),
        Prefetch("responsibilities", queryset=Responsibility.objects.order_by("order", "id")),
    )


def item_get_public(*, code: str) -> Item:
    """The active item with implementation code ``code`` and its published guide
    (``item.published_version`` with materials and responsibilities prefetched)."""
    code = (code or "").strip().upper()
    version = (
        _with_guide(public_versions()).filter(item__implementation_code=code).first()
        if code
        else None
    )
    if version is None:
        raise errors.NotFound(_("未找到该事项,或该事项尚未发布、已取消。"))
    item = version.item
    item.published_version = version
    return item


def version_list_public(
    *,
    q: str = "",
    department: int | None = None,
    theme: str = "",
    list_key: str = "",
    region: str = "",
    level: str = "",
) -> QuerySet[ItemVersion]:
    """Published versions by plain filters (name and search text contain ``q``)."""
    queryset = public_versions().select_related("item", "item__department", "region")
    q = " ".join((q or "").split())[:MAX_QUERY_LENGTH].lower()
    for word in q.split():
        queryset = queryset.filter(Q(name__icontains=word) | Q(search_text__icontains=word))
    if department:
        queryset = queryset.filter(item__department_id=department)
    if theme:
        # Themes are short JSON lists, stored with escaped non-ASCII characters: matched
        # whole, in Python (SQLite has no JSON containment lookup).
        ids = [
            pk
            for pk, person, legal in queryset.values_list("pk", "themes_person", "themes_legal")
            if theme in (person or []) or theme in (legal or [])
        ]
        queryset = queryset.filter(pk__in=ids)
    if list_key:
        if list_key not in LISTS:
            raise errors.NotFound(_("没有该清单。"))
        queryset = queryset.filter(list_filter(list_key))
    if region:
        queryset = queryset.filter(region_id=region)
    if level:
        queryset = queryset.filter(exercise_level=level)
    return queryset.distinct().order_by("item__department__name", "name", "pk")


def list_items(*, key: str, department: int | None = None) -> QuerySet[ItemVersion]:
    """The published versions on list ``key`` (see ``lists.LISTS``)."""
    if key not in LISTS:
        raise errors.NotFound(_("没有该清单。"))
    queryset = public_versions().filter(list_filter(key))
    if department:
        queryset = queryset.filter(item__department_id=department)
    ids = queryset.values("pk")
    result = ItemVersion.objects.filter(pk__in=ids).select_related(
        "item", "item__department", "region"
    )
    if key == "responsibility":
        result = result.prefetch_related(
            Prefetch("responsibilities", queryset=Responsibility.objects.order_by("order", "id"))
        )
    if key == "certificate":
        result = result.prefetch_related(
            Prefetch(
                "materials",
                queryset=Material.objects.filter(
                    source_channel=Material.SourceChannel.GOVERNMENT_ISSUED
                ).order_by("order", "id"),
                to_attr="certificates",
            )
        )
    return result.order_by("item__department__name", "name", "pk")


def list_counts() -> dict[str, int]:
    """The number of published items on each of the lists, in the order of ``LISTS``."""
    base = public_versions()
    return {key: base.filter(list_filter(key)).values("pk").distinct().count() for key in LISTS}


def change_log(
    *, year: int | None = None, list_key: str | None = None, code: str | None = None
) -> QuerySet[CatalogChange]:
    """Changes of the published catalog, newest first, by year, list and item."""
    queryset = CatalogChange.objects.select_related(
        "item", "item__department", "item__published_version", "version"
    )
    if year:
        queryset = queryset.filter(happened_at__year=year)
    if list_key:
        if list_key not in LISTS:
            raise errors.NotFound(_("没有该清单。"))
        queryset = queryset.filter(lists__icontains=f'"{list_key}"')
    if code:
        queryset = queryset.filter(item__implementation_code=code.strip().upper())
    return queryset.order_by("-happened_at", "-id")


def change_years() -> list[int]:
    """The years that have changes, newest first."""
    years = (
        CatalogChange.objects.annotate(year=ExtractYear("happened_at"))
        .values_list("year", flat=True)
        .distinct()
    )
    return sorted({y for y in years if y}, reverse=True)


def change_summary(queryset: QuerySet[CatalogChange]) -> dict[str, int]:
    counts = dict(queryset.order_by().values_list("kind").annotate(n=Count("id")))
    return {kind: counts.get(kind, 0) for kind in CatalogChange.Kind.values}


@dataclass
class CatalogOverview:
    """What the catalog home page offers to browse, with counts."""

    total: int = 0
    themes_person: list[tuple[str, int]] = field(default_factory=list)
    themes_legal: list[tuple[str, int]] = field(default_factory=list)
    departments: list[dict[str, Any]] = field(default_factory=list)
    lists: dict[str, int] = field(default_factory=dict)
    regions: list[dict[str, Any]] = field(default_factory=list)
    zero_visit: int = 0
    one_visit: int = 0

    def rate(self, count: int) -> float:
        return round(100 * count / self.total, 1) if self.total else 0.0

    @property
    def zero_visit_rate(self) -> float:
        return self.rate(self.zero_visit)

    @property
    def one_visit_rate(self) -> float:
        return self.rate(self.one_visit)


def _theme_counts(rows: list[list[str]]) -> list[tuple[str, int]]:
    counter: Counter[str] = Counter()
    for themes in rows:
        counter.update({str(t) for t in themes or [] if str(t).strip()})
    return sorted(counter.items(), key=lambda pair: (-pair[1], pair[0]))


def catalog_overview() -> CatalogOverview:
    base = public_versions()
    rows = list(base.values_list("themes_person", "themes_legal"))
    departments = list(
        base.values("item__department_id", "item__department__name")
        .annotate(count=Count("id"))
        .order_by("item__department__region_id", "item__department__name")
    )
    regions = list(
        base.values("region_id", "region__name", "region__level")
        .annotate(count=Count("id"))
        .order_by("region__level", "region_id")
    )
    lists = list_counts()
    return CatalogOverview(
        total=base.count(),
        themes_person=_theme_counts([r[0] for r in rows]),
        themes_legal=_theme_counts([r[1] for r in rows]),
        departments=[
            {
                "id": d["item__department_id"],
                "name": d["item__department__name"],
                "count": d["count"],
            }
            for d in departments
        ],
        lists=lists,
        regions=[
            {
                "code": r["region_id"],
                "name": r["region__name"],
                "level": r["region__level"],
                "nearby": r["region__level"] >= Region.Level.TOWNSHIP,
                "count": r["count"],
            }
            for r in regions
        ],
        zero_visit=lists["zero_visit"],
        one_visit=lists["one_visit"],
    )


def material_file_public(*, material_id: int, kind: str) -> FieldFile:
    """The blank form (``kind="blank"``) or sample of a material of a public guide."""
    attribute = {"blank": "blank_form", "sample": "sample"}.get(kind)
    material = (
        Material.objects.filter(pk=material_id, version__in=public_versions()).first()
        if attribute
        else None
    )
    file = getattr(material, attribute, None) if material else None
    if not file or not file.name or not file.storage.exists(file.name):
        raise errors.NotFound(_("该材料没有可下载的文件。"))
    return file


def filter_names(
    *, department: int | None = None, region: str | None = None
) -> tuple[str | None, str | None]:
    """The names of a department and a region chosen as filters (None when unknown)."""
    department_name = (
        Department.objects.filter(pk=department).values_list("name", flat=True).first()
        if department
        else None
    )
    region_name = (
        Region.objects.filter(pk=region).values_list("name", flat=True).first() if region else None
    )
    return department_name, region_name


def post_names() -> dict[str, str]:
    """Post codes (``acceptance``) and their names (受理), for the process of a guide."""
    return dict(Post.objects.values_list("code", "name"))

"""What a department may read: the fields its current grants name, per resource (deny by default).

A provider reads every field of its own resources; any other department reads exactly the union of
the fields of its approved grants whose period covers the day; a ``不予共享`` resource is read by
its provider only, whatever grants say.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext as _

from govhall.core import errors
from govhall.exchange.models import Grant, Resource, ResourceField


@dataclass(frozen=True)
class ResourceView:
    """A resource as one department may see it: its definition and the fields it may read."""

    id: int
    code: str
    name: str
    provider: str
    subject_kind: str
    record_key_field: str
    group_field: str
    labels: dict[str, str]
    types: dict[str, str]
    personal: frozenset[str]
    allowed: tuple[str, ...] = field(default=())

    @property
    def readable(self) -> bool:
        return bool(self.allowed)

    def visible(self, data: dict) -> dict:
        """The record's data cut down to the allowed fields, in the resource's field order."""
        return {name: data.get(name) for name in self.allowed if name in data}


# The resource catalog changes rarely and is read by every query: each process keeps it for
# CATALOG_TTL seconds (and drops it at once when this process saves a resource or a field).
CATALOG_TTL = 60.0
_catalog: dict[str, Any] = {"expires": 0.0, "resources": {}}


def catalog_cache_clear(*args: Any, **kwargs: Any) -> None:
    _catalog["expires"] = 0.0
    _catalog["resources"] = {}


def _active_resources() -> dict[str, Resource]:
    now = time.monotonic()
    if now >= _catalog["expires"]:
        queryset = (
            Resource.objects.filter(is_active=True)
            .select_related("provider")
            .prefetch_related(
                Prefetch("fields", queryset=ResourceField.objects.order_by("position"))
            )
            .order_by("code")
        )
        _catalog["resources"] = {resource.code: resource for resource in queryset}
        _catalog["expires"] = now + CATALOG_TTL
    return _catalog["resources"]


for _model in (Resource, ResourceField):
    post_save.connect(catalog_cache_clear, sender=_model, dispatch_uid=f"catalog-{_model.__name__}")
    post_delete.connect(
        catalog_cache_clear, sender=_model, dispatch_uid=f"catalog-del-{_model.__name__}"
    )


def resources_for(codes: list[str] | None = None) -> list[Resource]:
    """Active resources (all, or the named ones) with their fields; unknown codes raise 422."""
    active = _active_resources()
    if codes is None:
        return list(active.values())
    found = {code: active[code] for code in codes if code in active}
    unknown = [code for code in codes if code not in found]
    if unknown:
        message = _("没有这些信息资源:%(codes)s。") % {"codes": "、".join(unknown)}
        raise errors.ValidationError(
            message, code="unknown_resource", fields={"resources": [message]}
        )
    return [found[code] for code in codes]


def resource_views(
    *, department_id: int | None, resources: list[Resource], on: dt.date
) -> list[ResourceView]:
    """Each resource with the fields ``department_id`` may read on ``on`` (one grant query)."""
    granted: dict[int, set[str]] = {}
    if department_id is not None and resources:
        rows = Grant.objects.filter(
            consumer_id=department_id,
            resource_id__in=[resource.pk for resource in resources],
            status=Grant.Status.APPROVED,
            valid_from__lte=on,
            valid_to__gte=on,
        ).values_list("resource_id", "fields")
        for resource_id, names in rows:
            granted.setdefault(resource_id, set()).update(names or [])
    views = []
    for resource in resources:
        fields = list(resource.fields.all())
        if department_id is not None and resource.provider_id == department_id:
            allowed_names = {f.name for f in fields}
        elif resource.sharing_type == Resource.SharingType.NONE:
            allowed_names = set()
        else:
            allowed_names = granted.get(resource.pk, set())
        views.append(
            ResourceView(
                id=resource.pk,
                code=resource.code,
                name=resource.name,
                provider=resource.provider.name,
                subject_kind=resource.subject_kind,
                record_key_field=resource.record_key_field,
                group_field=resource.group_field,
                labels={f.name: f.label for f in fields},
                types={f.name: f.type for f in fields},
                personal=frozenset(f.name for f in fields if f.personal),
                allowed=tuple(f.name for f in fields if f.name in allowed_names),
            )
        )
    return views

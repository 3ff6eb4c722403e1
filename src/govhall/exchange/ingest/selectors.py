"""Reads of ingestion, scoped by the actor: loadable resources, load history, one load.

Who sees what: a department's data officer sees the resources their department provides and
their loads; a system administrator sees every resource's loads (and loads none). Anyone else
staff or citizen is refused with 403; a data officer asking for another department's resource
or load gets 404, exactly as if it did not exist.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _

from govhall.accounts.permissions import holds_post, is_department_staff, is_system_admin
from govhall.core import errors
from govhall.exchange.ingest.report import rejections_csv_bytes
from govhall.exchange.models import Load, Resource
from govhall.exchange.permissions import DATA_OFFICER


def _scope(actor: Any) -> dict[str, Any]:
    """The filter of the resources whose loads the actor may see (403 for nobody's)."""
    if is_system_admin(actor):
        return {}
    if is_department_staff(actor) and holds_post(actor, DATA_OFFICER):
        return {"provider_id": actor.department_id}
    raise errors.PermissionDenied(_("数据归集仅限资源提供部门的数据专员。"))


def loadable_resources(*, actor: Any) -> QuerySet[Resource]:
    """The resources of the actor's department (every resource for administrators), each with
    its latest load (``last_load_id``, ``last_load_status``, ``last_load_at``)."""
    latest = Load.objects.filter(resource=OuterRef("pk")).order_by("-created_at", "-id")
    return (
        Resource.objects.filter(**_scope(actor))
        .select_related("provider")
        .annotate(
            last_load_id=Subquery(latest.values("id")[:1]),
            last_load_status=Subquery(latest.values("status")[:1]),
            last_load_at=Subquery(latest.values("created_at")[:1]),
        )
        .order_by("code")
    )


def loadable_resource_get(*, actor: Any, code: str) -> Resource:
    """One resource whose loads the actor may see, with ``field_list``; 404 otherwise."""
    resource = Resource.objects.filter(**_scope(actor), code=code).select_related("provider")
    found = resource.first()
    if found is None:
        raise errors.NotFound()
    found.field_list = list(found.fields.order_by("position", "id"))
    return found


def load_list(*, actor: Any, resource: Resource) -> QuerySet[Load]:
    """The history of a resource's loads, newest first."""
    if not Resource.objects.filter(**_scope(actor), pk=resource.pk).exists():
        raise errors.NotFound()
    return resource.loads.select_related("loaded_by").order_by("-created_at", "-id")


def load_get(*, actor: Any, load_id: int) -> Load:
    scope = {f"resource__{key}": value for key, value in _scope(actor).items()}
    load = (
        Load.objects.filter(**scope, pk=load_id)
        .select_related("resource", "resource__provider", "loaded_by")
        .first()
    )
    if load is None:
        raise errors.NotFound()
    return load


def load_rejections_csv(*, load: Load) -> Iterator[bytes]:
    """Every rejection of a load as CSV: the kept report file, or the stored ones."""
    if load.rejections_file:
        with load.rejections_file.open("rb") as handle:
            while chunk := handle.read(1 << 16):
                yield chunk
        return
    yield rejections_csv_bytes(load.rejections)

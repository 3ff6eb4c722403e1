"""Catalog reads for catalog administrators: drafts and review queues, scoped to the actor."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from govhall.accounts import permissions as account_permissions
from govhall.catalog.models import Item, ItemVersion
from govhall.catalog.permissions import is_catalog_manager
from govhall.core import errors
from govhall.organizations.models import Post

OPEN_STATES = [
    ItemVersion.State.DRAFT,
    ItemVersion.State.IN_REVIEW,
    ItemVersion.State.REJECTED,
    ItemVersion.State.SCHEDULED,
]


def _department_scope(actor: Any) -> Q | None:
    """None: sees everything (system administrator); a Q on the department otherwise."""
    if account_permissions.is_system_admin(actor):
        return None
    if account_permissions.is_department_staff(actor) and account_permissions.holds_post(
        actor, Post.CATALOG_ADMIN
    ):
        return Q(item__department_id=actor.department_id)
    raise errors.NotFound()


def can_manage_catalog(actor: Any) -> bool:
    return is_catalog_manager(actor) and account_permissions.is_authenticated_user(actor)


def managed_versions(
    *, actor: Any, state: str | None = None, q: str | None = None
) -> QuerySet[ItemVersion]:
    """The newest version of every item the actor manages (open drafts first)."""
    scope = _department_scope(actor)
    queryset = ItemVersion.objects.select_related("item", "item__department", "created_by")
    if scope is not None:
        queryset = queryset.filter(scope)
    if state:
        queryset = queryset.filter(state=state)
    else:
        queryset = queryset.filter(Q(state__in=OPEN_STATES) | Q(state=ItemVersion.State.PUBLISHED))
    if q:
        queryset = queryset.filter(
            Q(name__contains=q.strip()[:50]) | Q(item__implementation_code__contains=q.strip()[:40])
        )
    return queryset.order_by("item__department_id", "item__implementation_code", "-number")


def review_queue(*, actor: Any) -> QuerySet[ItemVersion]:
    """Versions waiting for review that the actor may review (never their own)."""
    queryset = managed_versions(actor=actor, state=ItemVersion.State.IN_REVIEW)
    if account_permissions.is_authenticated_user(actor):
        queryset = queryset.exclude(created_by=actor)
    return queryset


def version_get_managed(*, actor: Any, version_id: int) -> ItemVersion:
    scope = _department_scope(actor)
    queryset = ItemVersion.objects.select_related("item", "item__department", "region")
    if scope is not None:
        queryset = queryset.filter(scope)
    version = queryset.filter(pk=version_id).first()
    if version is None:
        raise errors.NotFound()
    return version


def item_get_managed(*, actor: Any, code: str) -> Item:
    scope = _department_scope(actor)
    queryset = Item.objects.select_related("department", "published_version")
    if scope is not None:
        queryset = queryset.filter(department_id=actor.department_id)
    item = queryset.filter(implementation_code=code).first()
    if item is None:
        raise errors.NotFound()
    return item

"""Reads of the resource catalog, grants and purposes, scoped by the actor.

The catalog (政务信息资源目录) is shared among government departments: every department's staff
and system administrators read it; citizens and anonymous visitors do not. Grants are seen by the
data officers of the two departments concerned (consumer and provider) and by administrators;
purposes by the data officers of their department and by administrators. What an actor may not see
answers 404 exactly like what does not exist.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govhall.accounts.permissions import is_system_admin
from govhall.core import errors
from govhall.exchange import permissions
from govhall.exchange.models import Grant, Purpose, Resource

GRANT_ROLES = ("consumer", "provider")

# What a grant is on a given day: its stored status, with an approved one split by its period.
EFFECTIVE_STATUS_LABELS = {
    "requested": _("待审批"),
    "upcoming": _("未生效"),
    "current": _("有效"),
    "expired": _("已过期"),
    "refused": _("已拒绝"),
    "revoked": _("已撤销"),
}


def effective_status(grant: Grant, on: dt.date | None = None) -> str:
    on = on or timezone.localdate()
    if grant.status != Grant.Status.APPROVED:
        return grant.status
    if on < grant.valid_from:
        return "upcoming"
    return "current" if on <= grant.valid_to else "expired"


def effective_status_label(grant: Grant, on: dt.date | None = None) -> str:
    return str(EFFECTIVE_STATUS_LABELS[effective_status(grant, on)])


def _effective_status_q(value: str, on: dt.date) -> Q | None:
    approved = Q(status=Grant.Status.APPROVED)
    return {
        "requested": Q(status=Grant.Status.REQUESTED),
        "refused": Q(status=Grant.Status.REFUSED),
        "revoked": Q(status=Grant.Status.REVOKED),
        "approved": approved,  # every approved grant, whatever its period
        "upcoming": approved & Q(valid_from__gt=on),
        "current": approved & Q(valid_from__lte=on, valid_to__gte=on),
        "expired": approved & Q(valid_to__lt=on),
    }.get(value)


GRANT_STATUS_FILTERS = (
    "requested",
    "approved",
    "upcoming",
    "current",
    "expired",
    "refused",
    "revoked",
)


# --- resources -------------------------------------------------------------------------------


def _resource_scope(actor: Any) -> Q:
    """Active resources; a provider and administrators also see their inactive ones."""
    if is_system_admin(actor):
        return Q()
    return Q(is_active=True) | Q(provider_id=actor.department_id)


def resource_list(*, actor: Any, filters: dict[str, Any] | None = None) -> QuerySet[Resource]:
    """The catalog, filtered by ``provider`` (id), ``sharing_type``, ``subject_kind`` and ``q``."""
    if not permissions.can_view_resource_catalog(actor):
        raise errors.PermissionDenied(_("资源目录仅供政府部门工作人员查阅。"))
    filters = filters or {}
    queryset = Resource.objects.filter(_resource_scope(actor)).select_related("provider")
    if filters.get("provider"):
        queryset = queryset.filter(provider_id=filters["provider"])
    if filters.get("sharing_type"):
        queryset = queryset.filter(sharing_type=filters["sharing_type"])
    if filters.get("subject_kind"):
        queryset = queryset.filter(subject_kind=filters["subject_kind"])
    q = (filters.get("q") or "").strip()[:50]
    if q:
        queryset = queryset.filter(
            Q(name__contains=q) | Q(code__contains=q) | Q(catalog_number__contains=q)
        )
    return queryset.annotate(field_count=Count("fields")).order_by("code")


def resource_get(*, actor: Any, code: str) -> Resource:
    """One resource with its fields (``resource.field_list``); 404 when not visible."""
    if not permissions.can_view_resource_catalog(actor):
        raise errors.NotFound()
    resource = (
        Resource.objects.filter(_resource_scope(actor), code=code)
        .select_related("provider")
        .first()
    )
    if resource is None:
        raise errors.NotFound()
    resource.field_list = list(resource.fields.order_by("position", "id"))
    return resource


# --- grants ----------------------------------------------------------------------------------


def _is_data_officer_anywhere(actor: Any) -> bool:
    """A data officer of some department (grants and purposes are their business)."""
    return permissions.can_request_grant(actor)


def grant_list(*, actor: Any, role: str = "consumer", status: str | None = None) -> QuerySet[Grant]:
    """Grants of the actor's department as consumer, or on the resources it provides.

    Administrators see every grant (``role`` does not apply to them). ``status`` is a stored
    status or ``upcoming`` / ``current`` / ``expired`` (an approved grant by its period).
    """
    if is_system_admin(actor):
        scope = Q()
    elif _is_data_officer_anywhere(actor):
        if role not in GRANT_ROLES:
            raise errors.ValidationError(_("未知的角色:%(role)s") % {"role": role})
        if role == "consumer":
            scope = Q(consumer_id=actor.department_id)
        else:
            scope = Q(resource__provider_id=actor.department_id)
    else:
        raise errors.PermissionDenied(_("只有数据专员可以查看共享授权。"))
    queryset = Grant.objects.filter(scope).select_related(
        "resource", "resource__provider", "consumer", "requested_by", "decided_by", "revoked_by"
    )
    if status:
        condition = _effective_status_q(status, timezone.localdate())
        if condition is None:
            raise errors.ValidationError(_("未知的状态:%(status)s") % {"status": status})
        queryset = queryset.filter(condition)
    return queryset.order_by("-created_at", "-id")


def _grant_scope(actor: Any) -> Q | None:
    if is_system_admin(actor):
        return Q()
    if _is_data_officer_anywhere(actor):
        return Q(consumer_id=actor.department_id) | Q(resource__provider_id=actor.department_id)
    return None


def grant_get(*, actor: Any, grant_id: int) -> Grant:
    """One grant; 404 unless the actor's department is its consumer or provider (or admin)."""
    scope = _grant_scope(actor)
    if scope is None:
        raise errors.NotFound()
    grant = (
        Grant.objects.filter(scope, pk=grant_id)
        .select_related(
            "resource",
            "resource__provider",
            "consumer",
            "requested_by",
            "decided_by",
            "revoked_by",
        )
        .first()
    )
    if grant is None:
        raise errors.NotFound()
    return grant


def grant_field_labels(grant: Grant) -> list[str]:
    """The labels of the granted fields, in the grant's order (a name that has gone stays)."""
    labels = dict(grant.resource.fields.values_list("name", "label"))
    return [labels.get(name, name) for name in grant.fields]


# --- purposes --------------------------------------------------------------------------------


def _purpose_scope(actor: Any) -> Q | None:
    if is_system_admin(actor):
        return Q()
    if _is_data_officer_anywhere(actor):
        return Q(department_id=actor.department_id)
    return None


def purpose_list(*, actor: Any) -> QuerySet[Purpose]:
    """The purposes of the actor's department (every department's for administrators)."""
    scope = _purpose_scope(actor)
    if scope is None:
        raise errors.PermissionDenied(_("只有数据专员可以查看和登记用途。"))
    return (
        Purpose.objects.filter(scope)
        .select_related("department", "registered_by")
        .order_by("-created_at", "-id")
    )


def purpose_get(*, actor: Any, reference: str) -> Purpose:
    scope = _purpose_scope(actor)
    if scope is None:
        raise errors.NotFound()
    purpose = (
        Purpose.objects.filter(scope, reference=reference).select_related("department").first()
    )
    if purpose is None:
        raise errors.NotFound()
    return purpose


def purpose_is_current(purpose: Purpose, on: dt.date | None = None) -> bool:
    on = on or timezone.localdate()
    return purpose.is_active and purpose.valid_from <= on <= purpose.valid_to

"""Reads of the data access log: "我的数据被谁用了" for citizens and enterprises, "谁读了我的数据"
for the providing department.

Citizens and enterprises see every entry whose subjects include their own key (身份证号 or
统一社会信用代码), found through the ``(subject_key, entry)`` index of
:class:`~govhall.exchange.models.AccessLogSubject`. Refused attempts are listed as well, labelled
as refused: nothing was read, but someone tried to read the person's data and they have a right to
know that. The refusal's reason is internal and is not shown to them.

Providers (the providing department's data officer, or a system administrator) see every entry
that read, or tried to read, one of their resources; the subjects are masked, and for a batch
only their number is given.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.accounts import permissions as account_permissions
from govhall.accounts.models import User
from govhall.core import errors
from govhall.core.identifiers import mask_id_number
from govhall.exchange.models import AccessLogEntry, AccessLogSubject, Resource, ResourceField
from govhall.exchange.permissions import can_view_resource_access
from govhall.organizations.models import Department

# Entries of at most this many subjects list them (masked) on the provider's pages; larger ones
# (batches) give their number only.
SUBJECTS_SHOWN = 5


@dataclass(frozen=True)
class AccessFilters:
    """Optional narrowing of an access list; dates are local calendar days, both inclusive."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    department_id: int | None = None
    outcome: str | None = None


@dataclass(frozen=True)
class ResourceRead:
    """One resource an entry read, with the labels of the fields it read."""

    code: str
    name: str
    labels: list[str]


@dataclass(frozen=True)
class AccessItem:
    """One access log entry as the pages and the API show it."""

    entry: AccessLogEntry
    reads: list[ResourceRead]
    subjects: list[str] = field(default_factory=list)  # masked; empty for large entries

    @property
    def field_reads(self) -> list[ResourceRead]:
        """The resources of which fields were read (a refusal may have read none)."""
        return [read for read in self.reads if read.labels]

    @property
    def seq(self) -> int:
        return self.entry.seq

    @property
    def time(self) -> dt.datetime:
        return self.entry.created_at

    @property
    def department_name(self) -> str:
        return self.entry.department.name if self.entry.department_id else ""

    @property
    def actor_name(self) -> str:
        """The person who read (their real name), else the system's label."""
        actor = self.entry.actor
        return (actor.name or actor.username) if actor is not None else self.entry.actor_label

    @property
    def way_label(self) -> str:
        """方式: 批量 for a batch verification, else the channel (页面/接口/系统)."""
        if self.entry.kind == AccessLogEntry.Kind.BATCH:
            return _("批量")
        return str(self.entry.get_channel_display())

    @property
    def granted(self) -> bool:
        return self.entry.outcome == AccessLogEntry.Outcome.GRANTED


def public_subject_key(actor: Any) -> str | None:
    """The key under which the registries hold the actor's own data, or None for non-public
    users: a citizen's 身份证号, an enterprise's 统一社会信用代码."""
    if not account_permissions.is_authenticated_user(actor):
        return None
    if actor.kind == User.Kind.CITIZEN:
        return actor.id_number or None
    if actor.kind == User.Kind.ENTERPRISE:
        return actor.uscc or None
    return None


def can_view_my_data_access(actor: Any) -> bool:
    return public_subject_key(actor) is not None


def _my_key(actor: Any) -> str:
    if not account_permissions.is_authenticated_user(actor):
        raise errors.AuthenticationFailed()
    key = public_subject_key(actor)
    if key is None:
        raise errors.PermissionDenied(_("只有自然人和法人用户可以查看本人数据的使用记录。"))
    return key


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _apply_filters(queryset: QuerySet, filters: AccessFilters | None) -> QuerySet:
    if filters is None:
        return queryset
    if filters.date_from:
        queryset = queryset.filter(created_at__gte=_day_start(filters.date_from))
    if filters.date_to:
        queryset = queryset.filter(created_at__lt=_day_start(filters.date_to + dt.timedelta(1)))
    if filters.department_id:
        queryset = queryset.filter(department_id=filters.department_id)
    if filters.outcome:
        queryset = queryset.filter(outcome=filters.outcome)
    return queryset


def _entries() -> QuerySet[AccessLogEntry]:
    return AccessLogEntry.objects.select_related("department", "actor").order_by("-seq")


def my_data_access(*, actor: Any, filters: AccessFilters | None = None) -> QuerySet[AccessLogEntry]:
    """Every entry that read (or tried to read) the actor's own data, newest first.

    401 for anonymous visitors, 403 for staff, agents and administrators: they have no data of
    their own in the registries.
    """
    key = _my_key(actor)
    mine = AccessLogSubject.objects.filter(subject_key=key).values("entry_id")
    return _apply_filters(_entries().filter(pk__in=mine), filters)


def my_data_access_departments(*, actor: Any) -> QuerySet[Department]:
    """The departments that appear in the actor's access list (for its filter)."""
    key = _my_key(actor)
    mine = AccessLogSubject.objects.filter(subject_key=key).values("entry_id")
    used = AccessLogEntry.objects.filter(pk__in=mine).values("department_id")
    return Department.objects.filter(pk__in=used).order_by("name")


def resource_for_access(*, actor: Any, resource_code: str) -> Resource:
    """The resource whose access log the actor may read: 404 for anyone but its provider's
    data officer and system administrators, exactly as for a resource that does not exist."""
    resource = Resource.objects.select_related("provider").filter(code=resource_code).first()
    if resource is None or not can_view_resource_access(actor, resource):
        raise errors.NotFound()
    return resource


def _reads_resource(code: str) -> Q:
    """Entries whose ``resources`` list names ``code``.

    PostgreSQL: JSON containment (``@>``). SQLite's JSONField has no containment lookup; resource
    codes are slugs (no quotes), so the quoted code found in the list's JSON text is an element
    (matched without regard to case: codes are lower-case slugs such as ``real_estate``).
    """
    if connection.vendor == "postgresql":
        return Q(resources__contains=[code])
    return Q(resources__icontains=f'"{code}"')


def resource_access_list(
    *, actor: Any, resource_code: str, filters: AccessFilters | None = None
) -> QuerySet[AccessLogEntry]:
    """Every entry that read (or tried to read) the resource, newest first (provider view)."""
    resource = resource_for_access(actor=actor, resource_code=resource_code)
    return _apply_filters(_entries().filter(_reads_resource(resource.code)), filters)


def access_log_summary(
    *, actor: Any, resource_code: str, filters: AccessFilters | None = None
) -> list[dict[str, Any]]:
    """Per consumer department: entries granted and refused, and subjects read."""
    resource = resource_for_access(actor=actor, resource_code=resource_code)
    queryset = _apply_filters(
        AccessLogEntry.objects.filter(_reads_resource(resource.code)), filters
    )
    granted = Q(outcome=AccessLogEntry.Outcome.GRANTED)
    rows = (
        queryset.values("department_id", "department__name")
        .annotate(
            granted=Count("id", filter=granted),
            refused=Count("id", filter=~granted),
            subjects=Sum("subject_count", filter=granted),
        )
        .order_by("-granted", "department__name")
    )
    return [
        {
            "department_id": row["department_id"],
            "department": row["department__name"] or _("(系统调用)"),
            "granted": row["granted"],
            "refused": row["refused"],
            "subjects": row["subjects"] or 0,
        }
        for row in rows
    ]


_Labels = dict[tuple[str, str], tuple[int, str]]


def _labels(codes: set[str]) -> tuple[dict[str, str], _Labels]:
    """Resource names by code; (position, label) by (resource code, field name)."""
    names = dict(Resource.objects.filter(code__in=codes).values_list("code", "name"))
    fields = ResourceField.objects.filter(resource__code__in=codes).values_list(
        "resource__code", "name", "position", "label"
    )
    return names, {(code, name): (position, label) for code, name, position, label in fields}


def _field_labels(code: str, field_names: list[str], labels: _Labels) -> list[str]:
    known = [labels.get((code, name), (10**6, name)) for name in field_names]
    return [label for _position, label in sorted(known)]


def _masked_subjects(entries: Sequence[AccessLogEntry]) -> dict[int, list[str]]:
    small = [entry.pk for entry in entries if 0 < entry.subject_count <= SUBJECTS_SHOWN]
    subjects: dict[int, list[str]] = {}
    if not small:
        return subjects
    rows = AccessLogSubject.objects.filter(entry_id__in=small).order_by("subject_key")
    for entry_id, key in rows.values_list("entry_id", "subject_key"):
        subjects.setdefault(entry_id, []).append(mask_id_number(key))
    return subjects


def access_items(
    entries: Sequence[AccessLogEntry], *, with_subjects: bool = False
) -> list[AccessItem]:
    """Describe a page of entries (already scoped by one of the selectors above): resource names
    and field labels in two queries, masked subjects (provider views) in one more."""
    codes = {code for entry in entries for code in [*entry.resources, *entry.fields]}
    names, labels = _labels(codes) if codes else ({}, {})
    subjects = _masked_subjects(entries) if with_subjects else {}
    items = []
    for entry in entries:
        reads = [
            ResourceRead(
                code=code,
                name=names.get(code, code),
                labels=_field_labels(code, entry.fields.get(code, []), labels),
            )
            for code in sorted({*entry.resources, *entry.fields})
        ]
        items.append(AccessItem(entry=entry, reads=reads, subjects=subjects.get(entry.pk, [])))
    return items

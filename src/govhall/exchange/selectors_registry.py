"""Raw reads of the registries. Nothing here checks grants or writes the access log: only the
logged services in :mod:`govhall.exchange.services_query` call these.

One subject's records across any number of resources are one range of the
``(subject_key, resource, record_key)`` index: one query, one round trip. A cohort is read with the
same index by chunks of keys, and aggregated in the database (set-based), never per subject.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, FloatField, Max, Min, Q, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import Cast

from govhall.exchange.models import Record

# Keys per query: below SQLite's 32,766 host parameters and small enough for PostgreSQL's planner.
KEY_CHUNK = 10_000

RECORD_COLUMNS = (
    "subject_key",
    "resource_id",
    "record_key",
    "data",
    "valid_from",
    "valid_to",
    "load_id",
    "updated_at",
)


@dataclass(frozen=True)
class RecordRow:
    subject_key: str
    resource_id: int
    record_key: str
    data: dict[str, Any]
    valid_from: dt.date | None
    valid_to: dt.date | None
    load_id: int
    updated_at: dt.datetime


def _valid_on(on: dt.date) -> Q:
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=on)) & (
        Q(valid_to__isnull=True) | Q(valid_to__gte=on)
    )


def records_of(
    *, subject_keys: Sequence[str], resource_ids: Sequence[int], on: dt.date
) -> list[RecordRow]:
    """The records in force on ``on`` of these subjects in these resources: one query per
    ``KEY_CHUNK`` keys (one round trip for a single subject)."""
    rows: list[RecordRow] = []
    for start in range(0, len(subject_keys), KEY_CHUNK):
        chunk = subject_keys[start : start + KEY_CHUNK]
        queryset = Record.objects.filter(
            _valid_on(on),
            subject_key__in=chunk,
            resource_id__in=list(resource_ids),
        ).order_by("subject_key", "resource_id", "record_key")
        rows.extend(RecordRow(*values) for values in queryset.values_list(*RECORD_COLUMNS))
    return rows


def group_members(*, resource_id: int, subject_key: str, on: dt.date) -> list[str]:
    """The subjects sharing ``subject_key``'s group (household) in a resource, the subject first."""
    group = (
        Record.objects.filter(_valid_on(on), resource_id=resource_id, subject_key=subject_key)
        .exclude(group_key="")
        .values_list("group_key", flat=True)
        .first()
    )
    if not group:
        return [subject_key]
    members = (
        Record.objects.filter(_valid_on(on), resource_id=resource_id, group_key=group)
        .order_by("subject_key")
        .values_list("subject_key", flat=True)
    )
    return [subject_key, *(key for key in members if key != subject_key)]


@dataclass(frozen=True)
class Measure:
    """One per-subject aggregate: over a resource's records, of a field (or of the records)."""

    name: str
    resource_id: int
    aggregate: str  # count | sum | max | min
    field: str = ""
    numeric: bool = True


def _aggregate(measure: Measure):
    condition = Q(resource_id=measure.resource_id)
    if measure.aggregate == "count":
        return Count("id", filter=condition)
    value = KT(f"data__{measure.field}")
    if measure.numeric:
        value = Cast(value, FloatField())
    function = {"sum": Sum, "max": Max, "min": Min}[measure.aggregate]
    return function(value, filter=condition)


def cohort_measures(
    *, subject_keys: Sequence[str], measures: Sequence[Measure], on: dt.date
) -> dict[str, dict[str, Any]]:
    """``{subject_key: {measure name: value}}`` for the subjects that have any record in the
    measured resources: one ``GROUP BY subject_key`` query per chunk of keys, every measure an
    aggregate with a ``FILTER`` on its resource."""
    resource_ids = sorted({measure.resource_id for measure in measures})
    annotations = {measure.name: _aggregate(measure) for measure in measures}
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(subject_keys), KEY_CHUNK):
        chunk = subject_keys[start : start + KEY_CHUNK]
        rows = (
            Record.objects.filter(
                _valid_on(on), subject_key__in=chunk, resource_id__in=resource_ids
            )
            .values(key=F("subject_key"))
            .annotate(**annotations)
            .order_by()
        )
        for row in rows:
            found[row.pop("key")] = row
    return found

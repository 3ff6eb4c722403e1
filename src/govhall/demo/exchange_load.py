"""The demo city's data exchange: its resource catalog, demo grants and purposes, its registries.

- :func:`resources_load` upserts the resources of ``data/resources.json`` (and their fields) by
  code; :func:`demo_grants_load` and :func:`demo_purposes_load` create the demo grants and
  purposes that do not exist yet. These write the exchange models directly, as a demo loader
  (like :mod:`govhall.demo.catalog_load`); the caller audits the stage. All three are idempotent
  and return ``(created, changed)``.
- :func:`registries_load` fills every resource's registry from the synthetic population through
  the ingestion service (``records_ingest``), one streamed CSV per resource. A registry already
  loaded for the same seed and population size is skipped, so a second run changes nothing.

On PostgreSQL the ingestion service holds the connection (COPY) while it reads the stream, so
the population is read through a second connection of its own; when that connection cannot see
the population yet (it is not committed, e.g. inside a test transaction), each registry is first
spooled to a temporary file.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from functools import cache
from itertools import chain
from typing import Any, BinaryIO

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.utils import timezone

from govhall.accounts.models import User
from govhall.core.identifiers import uscc_with_check
from govhall.demo import citydata
from govhall.demo.generator import DEFAULT_SEED
from govhall.demo.models import Person
from govhall.demo.registries import FILLED, Registries, registry_stream, resource_specs
from govhall.demo.registries_sources import DatabaseSource
from govhall.exchange.models import Grant, Load, Purpose, Resource, ResourceField
from govhall.organizations.models import Department

Progress = Callable[[str, int, float], None]  # resource code, rows so far, seconds
SPOOL_IN_MEMORY = 32 << 20  # bytes a spooled registry keeps in memory before using a file
RESOURCE_FIELDS = (
    "catalog_number",
    "name",
    "subject_kind",
    "sharing_type",
    "sharing_conditions",
    "update_cycle",
    "legal_basis",
    "data_format",
    "description",
    "record_key_field",
    "group_field",
)


class RegistryLoadError(Exception):
    """The ingestion service did not accept a demo registry (a bug of the generator)."""


@cache
def _catalog() -> dict[str, Any]:
    with (citydata.DATA_DIR / "resources.json").open(encoding="utf-8") as handle:
        return json.load(handle)


def _departments() -> dict[str, Department]:
    """The demo city's departments by key (``gaj``, ``zjj``); raises if they are not loaded."""
    specs = {uscc_with_check(spec.uscc_body): spec.key for spec in citydata.city().departments}
    found = {specs[d.uscc]: d for d in Department.objects.filter(uscc__in=specs)}
    if len(found) < len(specs):
        raise LookupError("the demo departments are not loaded (run demo_load first)")
    return found


# --- resource catalog ------------------------------------------------------------------------


def resources_load() -> tuple[int, int]:
    """Create or update every demo resource and its fields. Returns (created, changed)."""
    departments = _departments()
    created = changed = 0
    for spec in resource_specs():
        values = {name: spec[name] for name in RESOURCE_FIELDS}
        values["provider"] = departments[spec["provider"]]
        resource = Resource.objects.filter(code=spec["code"]).first()
        if resource is None:
            resource = Resource.objects.create(code=spec["code"], **values)
            created += 1
        else:
            stale = [k for k, v in values.items() if getattr(resource, k) != v]
            for name in stale:
                setattr(resource, name, values[name])
            if stale:
                resource.save(update_fields=[*stale, "updated_at"])
                changed += 1
        fields_created, fields_changed = _fields_load(resource, spec["fields"])
        created += fields_created
        changed += fields_changed
    return created, changed


def _fields_load(resource: Resource, specs: list[dict[str, Any]]) -> tuple[int, int]:
    existing = {f.name: f for f in resource.fields.all()}
    created = changed = 0
    for position, spec in enumerate(specs):
        values = {
            "label": spec["label"],
            "type": spec["type"],
            "personal": spec["personal"],
            "required": spec["required"],
            "position": position,
            "description": spec.get("description", ""),
        }
        field = existing.pop(spec["name"], None)
        if field is None:
            ResourceField.objects.create(resource=resource, name=spec["name"], **values)
            created += 1
        elif any(getattr(field, k) != v for k, v in values.items()):
            ResourceField.objects.filter(pk=field.pk).update(**values)
            changed += 1
    if existing:  # fields the catalog no longer lists
        ResourceField.objects.filter(pk__in=[f.pk for f in existing.values()]).delete()
        changed += len(existing)
    return created, changed


# --- grants and purposes -------------------------------------------------------------------------


def _data_officer(department_key: str) -> User:
    username = f"{department_key}_{citydata.POST_LOGIN_SUFFIX['data_officer']}"
    user = User.objects.filter(username=username).first()
    if user is None:
        raise LookupError(f"the demo account {username} is not loaded")
    return user


def _grant_period() -> tuple[date, date]:
    """From 1 January of this year to 31 December two years later (three years at most)."""
    year = timezone.localdate().year
    return date(year, 1, 1), date(year + 2, 12, 31)


def demo_grants_load() -> tuple[int, int]:
    """Create the demo grants that do not exist yet (by resource, consumer and purpose)."""
    departments = _departments()
    resources = {r.code: r for r in Resource.objects.select_related("provider")}
    valid_from, valid_to = _grant_period()
    created = 0
    for spec in _catalog()["grants"]:
        consumer = departments[spec["consumer"]]
        for code, fields in spec["resources"].items():
            resource = resources[code]
            if Grant.objects.filter(
                resource=resource, consumer=consumer, purpose=spec["purpose"]
            ).exists():
                continue
            grant = Grant(
                resource=resource,
                consumer=consumer,
                fields=fields,
                purpose=spec["purpose"],
                legal_basis=spec["legal_basis"],
                valid_from=valid_from,
                valid_to=valid_to,
                status=Grant.Status.REQUESTED,
                requested_by=_data_officer(spec["consumer"]),
            )
            if spec["status"] in (Grant.Status.APPROVED, Grant.Status.REVOKED):
                provider_key = _key_of(departments, resource.provider_id)
                grant.status = Grant.Status.APPROVED
                grant.decided_by = _data_officer(provider_key)
                grant.decided_at = timezone.now()
                grant.decision_note = spec.get("decision_note", "")
                if spec["status"] == Grant.Status.REVOKED:
                    grant.status = Grant.Status.REVOKED
                    grant.revoked_by = grant.decided_by
                    grant.revoked_at = timezone.now()
                    grant.revoke_reason = spec["revoke_reason"]
            grant.save()
            created += 1
    return created, 0


def _key_of(departments: dict[str, Department], department_id: int) -> str:
    return next(key for key, d in departments.items() if d.pk == department_id)


def demo_purposes_load() -> tuple[int, int]:
    """Register this year's demo purposes (``YT-<year>-ZJJ-0001`` …) that do not exist yet."""
    departments = _departments()
    year = timezone.localdate().year
    created = 0
    for spec in _catalog()["purposes"]:
        reference = spec["reference"].format(year=year)
        if Purpose.objects.filter(reference=reference).exists():
            continue
        Purpose.objects.create(
            reference=reference,
            title=spec["title"].format(year=year),
            department=departments[spec["department"]],
            legal_basis=spec["legal_basis"],
            valid_from=date(year, 1, 1),
            valid_to=date(year, 12, 31),
            registered_by=_data_officer(spec["department"]),
        )
        created += 1
    return created, 0


def exchange_demo_load() -> tuple[int, int]:
    """Resources, then grants and purposes (these need the demo data officers' accounts)."""
    totals = [resources_load(), demo_grants_load(), demo_purposes_load()]
    return sum(t[0] for t in totals), sum(t[1] for t in totals)


# --- registries -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegistryReport:
    code: str
    seconds: float
    load: Load | None  # None: skipped, ``note`` says why
    note: str = ""

    @property
    def rows(self) -> int:
        return self.load.rows_total if self.load else 0

    @property
    def inserted(self) -> int:
        return self.load.rows_inserted if self.load else 0

    def summary(self) -> str:
        if self.load is None:
            return f"{self.code}: {self.note}"
        rate = self.rows / self.seconds if self.seconds > 0 else 0.0
        load = self.load
        return (
            f"{self.code}: {self.rows:,} rows in {self.seconds:.1f} s ({rate:,.0f} rows/s; "
            f"{load.rows_inserted:,} new, {load.rows_updated:,} updated, "
            f"{load.rows_unchanged:,} unchanged)"
        )


def registries_load(
    *,
    seed: int = DEFAULT_SEED,
    codes: Iterable[str] | None = None,
    progress: Progress | None = None,
    workers: int = 1,
) -> list[RegistryReport]:
    """Fill the demo registries from the population in ``demo_person`` / ``demo_legalperson``.

    ``workers`` processes make the registries' text when the population can be read through
    connections of their own (PostgreSQL, committed); otherwise this process makes it alone.
    """
    from govhall.exchange.services_ingest import records_ingest

    codes = list(codes or FILLED)
    resources = {r.code: r for r in Resource.objects.filter(code__in=codes)}
    reports = []
    with _population_reader() as reader:
        separate = reader is not None and reader is not connection
        source = DatabaseSource(
            seed, reader=reader or connection, workers=workers if separate else 1
        )
        tag = f"seed{seed}-p{source.persons}-l{source.legal_persons}"
        for code in codes:
            resource = resources[code]
            file_name = f"demo-{code}-{tag}.csv"
            started = time.perf_counter()
            if _already_loaded(resource, file_name):
                reports.append(
                    RegistryReport(code, 0.0, None, "already loaded for this population")
                )
                continue
            lines = Registries(source).lines(code)
            header, first = next(lines), next((piece for piece in lines if piece), None)
            if first is None:  # nothing to load (a small population without any 特困 person)
                reports.append(RegistryReport(code, 0.0, None, "no records"))
                continue
            lines = _counted(chain([header, first], lines), code, started, progress)
            with _stream(lines, spool=reader is None) as stream:
                load = records_ingest(
                    actor=None,
                    resource=resource,
                    stream=stream,
                    file_format="csv",
                    mode=Load.Mode.ALL_OR_NOTHING,
                    source=Load.Source.SEED,
                    file_name=file_name,
                )
            if load.status != Load.Status.LOADED:
                raise RegistryLoadError(
                    f"{code}: {load.get_status_display()} {load.error} {load.rejections[:3]}"
                )
            reports.append(RegistryReport(code, time.perf_counter() - started, load))
    return reports


def _already_loaded(resource: Resource, file_name: str) -> bool:
    return Load.objects.filter(
        resource=resource,
        source=Load.Source.SEED,
        status=Load.Status.LOADED,
        file_name=file_name,
    ).exists()


def _counted(
    pieces: Iterator[str], code: str, started: float, progress: Progress | None
) -> Iterator[str]:
    if progress is None:
        yield from pieces
        return
    rows, reported = -1, 0  # the header is no row
    for piece in pieces:
        rows += piece.count("\n")
        if rows - reported >= 200_000:
            progress(code, rows, time.perf_counter() - started)
            reported = rows
        yield piece


@contextmanager
def _stream(lines: Iterator[str], *, spool: bool) -> Iterator[BinaryIO]:
    if not spool:
        yield registry_stream(lines)
        return
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY) as handle:
        for line in lines:
            handle.write(line.encode("utf-8"))
        handle.seek(0)
        yield handle


@contextmanager
def _population_reader() -> Iterator[Any]:
    """The connection that reads the population while the ingestion service loads a registry.

    PostgreSQL: a second connection (the service's COPY holds the main one while it pulls the
    stream), or ``None`` when only the main connection sees the population (not committed yet):
    the caller then spools each registry before loading it. SQLite: the main connection, which
    the service leaves free between its statements."""
    if connection.vendor != "postgresql":
        yield connection
        return
    reader = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with reader.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM demo_person")
            visible = cursor.fetchone()[0]
        yield reader if visible == Person.objects.count() else None
    finally:
        reader.close()

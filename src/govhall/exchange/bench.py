"""Benchmarks of the exchange (DESIGN.md §8), each beside the naive way on the same data.

Run by ``govhall exchange_bench`` against the registries that ``govhall seed`` filled. Everything
happens inside one transaction that is rolled back at the end: the bench department, its grants and
purpose, the access log entries its reads write, and the scratch resource of the ingestion run
leave no trace.

- profile: one subject across the nine most used resources, one SQL round trip (``raw``), the
  whole logged service (purpose, grants, access log entry: ``service``), and the naive way, one
  ORM query per resource (``naive``);
- batch: 27,169 subjects × nine resources with checks, the whole service (``service``: one
  GROUP BY per 10,000 keys, one access log entry with every subject, the result file) and the
  naive way, one ORM query per subject per resource, aggregated in Python;
- ingestion: a CSV file of population rows loaded into a scratch resource through the real
  ingestion service (validated, merged), and the naive way, per row: python-stdnum, then
  ``Record.objects.create``.
"""

from __future__ import annotations

import csv
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection
from django.utils import timezone

from govhall.accounts.models import User
from govhall.core.identifiers import normalize_id_number, uscc_with_check
from govhall.demo.models import Person
from govhall.exchange.access_log import AccessContext
from govhall.exchange.models import Grant, Load, Purpose, Record, Resource, ResourceField
from govhall.exchange.selectors_registry import Measure, cohort_measures, records_of
from govhall.organizations.models import Department, Region

NINE = [
    "population",
    "household",
    "real_estate",
    "vehicle",
    "housing_fund",
    "social_security",
    "income_tax",
    "subsistence_allowance",
    "disability",
]
NUMERIC = {ResourceField.Type.INTEGER, ResourceField.Type.DECIMAL}


class BenchError(Exception):
    pass


@dataclass
class Figure:
    name: str
    unit: str
    values: list[float] = field(default_factory=list)
    note: str = ""

    def pct(self, q: float) -> float:
        ordered = sorted(self.values)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0

    def line(self) -> str:
        if len(self.values) == 1:
            return f"{self.name:<28} {self.values[0]:>12,.3f} {self.unit}  {self.note}"
        return (
            f"{self.name:<28} p50 {self.pct(0.5):8.3f}  p99 {self.pct(0.99):8.3f}  "
            f"mean {statistics.fmean(self.values):8.3f} {self.unit}  (n={len(self.values)}) "
            f"{self.note}"
        )


@dataclass
class Setup:
    actor: User
    purpose: Purpose
    resources: list[Resource]


def setup(codes: list[str]) -> Setup:
    """A consumer department with approved grants on every field of the resources, a purpose."""
    resources = list(Resource.objects.filter(code__in=codes).prefetch_related("fields"))
    if not resources:
        raise BenchError("no registries: run `govhall seed --persons N` first")
    region = Region.objects.order_by("code").first()
    department = Department.objects.create(
        name="性能测试部门(基准测试)",
        short_name="基准测试",
        uscc=uscc_with_check("11341600BENCH0000"[:17]),
        region=region,
    )
    actor = User.objects.create(
        username="bench-consumer", kind=User.Kind.STAFF, name="基准测试", department=department
    )
    today = timezone.localdate()
    for resource in resources:
        Grant.objects.create(
            resource=resource,
            consumer=department,
            fields=[f.name for f in resource.fields.all()],
            purpose="性能基准测试",
            legal_basis="DESIGN.md §8",
            valid_from=today,
            valid_to=today,
            status=Grant.Status.APPROVED,
            requested_by=actor,
        )
    purpose = Purpose.objects.create(
        reference="BENCH",
        title="性能基准测试",
        department=department,
        legal_basis="DESIGN.md §8",
        valid_from=today,
        valid_to=today,
        registered_by=actor,
    )
    return Setup(actor, purpose, resources)


def sample_subjects(count: int, rng: random.Random) -> list[str]:
    total = Person.objects.count()
    if not total:
        raise BenchError("no population: run `govhall seed --persons N` first")
    ids = rng.sample(range(total), min(count, total))
    keys: list[str] = []
    for start in range(0, len(ids), 10_000):
        chunk = ids[start : start + 10_000]
        keys.extend(Person.objects.filter(id__in=chunk).values_list("id_number", flat=True))
    rng.shuffle(keys)
    return keys


def _timed(function: Callable[[], Any]) -> float:
    started = time.perf_counter()
    function()
    return (time.perf_counter() - started) * 1000


def bench_profile(state: Setup, keys: list[str], naive_count: int) -> list[Figure]:
    from govhall.exchange.services_query import profile_read

    ids = [resource.pk for resource in state.resources]
    codes = [resource.code for resource in state.resources]
    today = timezone.localdate()
    context = AccessContext(actor=state.actor, channel="system", client="exchange_bench")
    for key in keys[:50]:  # warm the plan cache and the buffers of the index root pages
        records_of(subject_keys=[key], resource_ids=ids, on=today)
    raw = Figure(f"profile raw ({len(ids)} resources)", "ms")
    raw.values = [
        _timed(lambda k=key: records_of(subject_keys=[k], resource_ids=ids, on=today))
        for key in keys
    ]
    service = Figure("profile service (+grants,log)", "ms")
    service.values = [
        _timed(
            lambda k=key: profile_read(
                context=context, subject_key=k, purpose_reference="BENCH", resource_codes=codes
            )
        )
        for key in keys
    ]

    def naive_one(key: str) -> None:
        for resource_id in ids:
            list(Record.objects.filter(resource_id=resource_id, subject_key=key).values())

    naive = Figure("profile naive (ORM/resource)", "ms")
    naive.values = [_timed(lambda k=key: naive_one(k)) for key in keys[:naive_count]]
    naive.note = f"ratio p50 naive/raw {naive.pct(0.5) / max(raw.pct(0.5), 1e-9):.1f}x"
    return [raw, service, naive]


def _checks(resources: list[Resource]) -> list[dict[str, Any]]:
    checks = []
    for resource in resources:
        numeric = next((f for f in resource.fields.all() if f.type in NUMERIC), None)
        if numeric is not None:
            checks.append(
                {
                    "id": f"{resource.code}_{numeric.name}",
                    "resource": resource.code,
                    "aggregate": "sum",
                    "field": numeric.name,
                    "op": "lte",
                    "value": 1_000_000,
                }
            )
        else:
            checks.append(
                {"id": f"{resource.code}_exists", "resource": resource.code, "aggregate": "exists"}
            )
    return checks


def bench_batch(state: Setup, keys: list[str], naive_count: int) -> list[Figure]:
    from govhall.exchange.services_batch import verifications_run

    codes = [resource.code for resource in state.resources]
    checks = _checks(state.resources)
    context = AccessContext(actor=state.actor, channel="system", client="exchange_bench")
    result: dict[str, Any] = {}

    def run() -> None:
        result["batch"] = verifications_run(
            context=context,
            purpose_reference="BENCH",
            subjects=keys,
            resource_codes=codes,
            checks=checks,
        ).batch

    cold = Figure(f"batch service, cold ({len(keys):,}×{len(codes)})", "s")
    cold.values = [_timed(run) / 1000]
    cold.note = "first read of these subjects' pages"
    service = Figure(f"batch service, warm ({len(keys):,}×{len(codes)})", "s")
    service.values = [_timed(run) / 1000]
    batch = result["batch"]
    service.note = (
        f"passed {batch.passed_count:,} failed {batch.failed_count:,} "
        f"not found {batch.not_found_count:,}"
    )
    today = timezone.localdate()
    measures = [Measure(f"n{i}", r.pk, "count") for i, r in enumerate(state.resources)]
    raw = Figure("batch raw (GROUP BY only)", "s")
    raw.values = [
        _timed(lambda: cohort_measures(subject_keys=keys, measures=measures, on=today)) / 1000
    ]

    def naive_run() -> None:
        for key in keys[:naive_count]:
            for resource in state.resources:
                rows = list(
                    Record.objects.filter(resource_id=resource.pk, subject_key=key).values_list(
                        "data", flat=True
                    )
                )
                len(rows)

    naive = Figure(f"batch naive ({naive_count:,} subjects)", "s")
    naive.values = [_timed(naive_run) / 1000]
    scaled = naive.values[0] * len(keys) / max(naive_count, 1)
    naive.note = (
        f"scaled to {len(keys):,}: {scaled:,.1f} s; ratio naive/service "
        f"{scaled / max(service.values[0], 1e-9):.1f}x"
    )
    return [cold, service, raw, naive]


def _population_csv(rows: int, directory: Path) -> tuple[Path, int]:
    path = directory / "population.csv"
    written = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["subject_key", "name", "sex", "birth_date", "address", "household_number", "relation"]
        )
        queryset = Person.objects.order_by("id").values_list(
            "id_number", "name", "sex", "birth_date", "address", "household_id", "relation"
        )[:rows]
        for row in queryset.iterator(chunk_size=20_000):
            writer.writerow(row)
            written += 1
    return path, written


def _scratch_resource(department: Department) -> Resource:
    resource = Resource.objects.create(
        code="bench_population",
        name="基准测试人口",
        provider=department,
        subject_kind=Resource.SubjectKind.ID_NUMBER,
        sharing_type=Resource.SharingType.CONDITIONAL,
        update_cycle=Resource.UpdateCycle.DAILY,
        group_field="household_number",
    )
    specs = [
        ("name", "姓名", ResourceField.Type.TEXT, True),
        ("sex", "性别", ResourceField.Type.TEXT, False),
        ("birth_date", "出生日期", ResourceField.Type.DATE, False),
        ("address", "户籍地址", ResourceField.Type.TEXT, False),
        ("household_number", "户号", ResourceField.Type.TEXT, False),
        ("relation", "与户主关系", ResourceField.Type.TEXT, False),
    ]
    ResourceField.objects.bulk_create(
        ResourceField(resource=resource, name=n, label=label, type=t, required=r, position=i)
        for i, (n, label, t, r) in enumerate(specs)
    )
    return resource


def bench_ingest(state: Setup, rows: int, naive_rows: int) -> list[Figure]:
    from govhall.exchange.services_ingest import records_ingest

    resource = _scratch_resource(state.actor.department)
    with tempfile.TemporaryDirectory() as directory:
        path, written = _population_csv(rows, Path(directory))
        started = time.perf_counter()
        with path.open("rb") as stream:
            load = records_ingest(
                actor=None,
                resource=resource,
                stream=stream,
                file_format="csv",
                mode=Load.Mode.ALL_OR_NOTHING,
                source=Load.Source.SEED,
                file_name=path.name,
            )
        seconds = time.perf_counter() - started
        ingest = Figure(f"ingest ({written:,} rows)", "rows/s", [written / seconds])
        ingest.note = (
            f"{seconds:.1f} s; inserted {load.rows_inserted:,}, rejected {load.rows_rejected:,}"
        )
        naive = Figure(f"ingest naive ({naive_rows:,} rows)", "rows/s")
        naive.values = [_naive_ingest(path, resource, naive_rows, load)]
        naive.note = f"ratio {ingest.values[0] / max(naive.values[0], 1e-9):.1f}x"
    return [ingest, naive]


def _naive_ingest(path: Path, resource: Resource, rows: int, load: Load) -> float:
    """Per row: check the ID number with python-stdnum, parse the date, one INSERT."""
    import datetime as dt

    Record.objects.filter(resource=resource).delete()
    started = time.perf_counter()
    done = 0
    with path.open(encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        for row in reader:
            if done >= rows:
                break
            values = dict(zip(header, row, strict=True))
            key = normalize_id_number(values.pop("subject_key"))
            dt.date.fromisoformat(values["birth_date"])
            Record.objects.create(
                subject_key=key,
                resource=resource,
                group_key=values["household_number"],
                data=values,
                load=load,
                row_hash="0" * 32,
            )
            done += 1
    return done / (time.perf_counter() - started)


def database_label() -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]}"
    return f"SQLite {connection.Database.sqlite_version}"

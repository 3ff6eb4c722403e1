"""Benchmarks of cases (DESIGN.md §8), run by ``govhall cases_bench``.

- **Staff case list**: ``--cases`` synthetic cases (bulk SQL, tagged ``BENCH`` in their number)
  spread over the city's departments, statuses and a year of dates; a staff member of a random
  department lists one status, page of 20 with the count, through ``selectors.case_list`` exactly
  as the API does. Timed alone and with 16 concurrent users (2 processes of threads, each user
  its own connection, as a server with 2 gthread workers), against a naive way (model
  instances, the department looked up per row).
- **Submission over HTTP**: ``--submissions`` complete drafts of a benchmark item (the required
  uploads recorded in bulk), submitted concurrently through
  ``POST /api/v1/applications/{id}/submit`` of a real ``govhall serve`` (gunicorn) with bearer
  tokens; the rate, the errors, and a count check that exactly one case exists per draft.

Everything the benchmark created is deleted at the end unless ``--keep``.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import random
import statistics
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from govhall.accounts.models import User
from govhall.cases import selectors
from govhall.cases.models import Application, Case, CaseEvent, Notice, Task, Upload
from govhall.catalog.models import ItemVersion
from govhall.organizations.models import Department

STATUSES = ["submitted", "processing", "completed", "approved", "refused", "withdrawn", "denied"]
STATUS_WEIGHTS = [5, 20, 60, 5, 4, 3, 3]
MARK = "BENCH"


@dataclass(frozen=True)
class Figure:
    name: str
    value: str
    note: str = ""


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def bench_version() -> ItemVersion:
    version = (
        ItemVersion.objects.filter(state="published", online_depth__gte=3, item__status="active")
        .select_related("item__department")
        .order_by("id")
        .first()
    )
    if version is None:
        raise RuntimeError("no published online item: run `govhall seed` (or demo_load) first")
    return version


def cases_generate(count: int, *, seed: int = 7) -> int:
    """Insert ``count`` synthetic cases (and their applications) across the departments."""
    version = bench_version()
    departments = list(Department.objects.values_list("id", "region_id"))
    applicant = User.objects.filter(kind="citizen").order_by("id").first()
    if applicant is None:
        raise RuntimeError("no citizen account: run `govhall seed` first")
    rng = random.Random(seed)
    now = timezone.now()
    batch = 20_000
    made = 0
    first = Case.objects.filter(number__startswith=MARK).count()
    while made < count:
        size = min(batch, count - made)
        with transaction.atomic():
            applications = Application.objects.bulk_create(
                [
                    Application(
                        item_id=version.item_id,
                        version=version,
                        applicant=applicant,
                        created_by=applicant,
                        state="submitted",
                        form={},
                    )
                    for _ in range(size)
                ]
            )
            cases = []
            for offset, application in enumerate(applications):
                department_id, region = rng.choice(departments)
                status = rng.choices(STATUSES, STATUS_WEIGHTS)[0]
                received = now - dt.timedelta(minutes=rng.randrange(525_600))
                cases.append(
                    Case(
                        number=f"{MARK}{first + made + offset:012d}",
                        query_password="000000",  # noqa: S106 (synthetic)
                        application=application,
                        item_id=version.item_id,
                        version=version,
                        item_name=version.name,
                        department_id=department_id,
                        region_code=region,
                        applicant=applicant,
                        applicant_name=applicant.name,
                        applicant_key=applicant.id_number or "",
                        status=status,
                        received_at=received,
                        correction_due=received.date(),
                        promised_days=version.promised_limit_days,
                        statutory_days=version.statutory_limit_days,
                        due_date=received.date() + dt.timedelta(days=14),
                        closed_at=received
                        if status in {"completed", "refused", "denied"}
                        else None,
                    )
                )
            Case.objects.bulk_create(cases, batch_size=5000)
        made += size
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE cases_case")
    return made


def cases_cleanup() -> int:
    bench = Case.objects.filter(number__startswith=MARK)
    application_ids = list(bench.values_list("application_id", flat=True))
    for model in (Notice, CaseEvent, Task):
        model.objects.filter(case__number__startswith=MARK).delete()
    deleted, _rows = bench.delete()
    for start in range(0, len(application_ids), 50_000):
        Application.objects.filter(pk__in=application_ids[start : start + 50_000]).delete()
    return deleted


def _staff_by_department() -> dict[int, User]:
    staff = {}
    for user in User.objects.filter(kind="staff", is_active=True).exclude(
        posts__code="supervision"
    ):
        staff.setdefault(user.department_id, user)
    return staff


def _page(actor: User, status: str) -> int:
    queryset = selectors.case_list(actor=actor, filters=selectors.CaseFilters(status=status))
    total = queryset.count()
    rows = list(queryset.values(*selectors.CASE_LIST_FIELDS)[:20])
    return total + len(rows)


def _naive_page(actor: User, status: str) -> int:
    """The way without the list's one query: model instances, each row's department fetched."""
    queryset = Case.objects.filter(department_id=actor.department_id, status=status)
    total = len(list(queryset.values_list("pk", flat=True)))
    rows = sorted(queryset, key=lambda case: case.received_at, reverse=True)[:20]
    return total + len([Department.objects.get(pk=case.department_id).name for case in rows])


def _timings(
    call: Callable[[User, str], int], staff: list[User], runs: int, rng: random.Random
) -> list[float]:
    timings = []
    for _ in range(runs):
        actor, status = rng.choice(staff), rng.choice(STATUSES)
        started = time.perf_counter()
        call(actor, status)
        timings.append(time.perf_counter() - started)
    return timings


def bench_case_list(
    *, runs: int, users: int, seconds: float, naive_runs: int, seed: int
) -> list[Figure]:
    staff = list(_staff_by_department().values())
    if not staff:
        raise RuntimeError("no staff accounts: run `govhall seed` first")
    rng = random.Random(seed)
    _timings(_page, staff, 20, rng)  # warm the caches
    alone = _timings(_page, staff, runs, rng)
    figures = [
        Figure("case list, 1 user, p50", _ms(statistics.median(alone))),
        Figure("case list, 1 user, p99", _ms(percentile(alone, 0.99))),
    ]
    together = _concurrently(staff, users=users, seconds=seconds, seed=seed)
    figures += [
        Figure(f"case list, {users} users in 2 processes, p50", _ms(statistics.median(together))),
        Figure(f"case list, {users} users in 2 processes, p99", _ms(percentile(together, 0.99))),
        Figure(f"case list, {users} users, pages/s", f"{len(together) / seconds:.0f}"),
    ]
    naive = _timings(_naive_page, staff, naive_runs, rng)
    ratio = statistics.median(naive) / statistics.median(alone)
    figures.append(
        Figure(
            "naive case list, 1 user, p50", _ms(statistics.median(naive)), f"{ratio:.0f}x slower"
        )
    )
    return figures


def _threads(staff: list[User], *, users: int, seconds: float, seed: int) -> list[float]:
    """``users`` threads listing at once, each with its own connection."""
    together: list[float] = []
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def user(index: int) -> None:
        rng = random.Random(seed + index)
        mine: list[float] = []
        try:
            while time.perf_counter() < deadline:
                mine += _timings(_page, staff, 1, rng)
        finally:
            close_old_connections()
            with lock:
                together.extend(mine)

    threads = [threading.Thread(target=user, args=(i,)) for i in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return together


def _process(args: tuple[list[int], int, float, int]) -> list[float]:
    staff_ids, users, seconds, seed = args
    connection.close()  # never share the parent's connection
    staff = list(User.objects.filter(pk__in=staff_ids))
    return _threads(staff, users=users, seconds=seconds, seed=seed)


def _concurrently(
    staff: list[User], *, users: int, seconds: float, seed: int, processes: int = 2
) -> list[float]:
    """``users`` users at once, spread over ``processes`` processes of threads, as a web server
    with that many gthread workers serves them; the timings of every page they listed."""
    import multiprocessing

    connection.close()
    ids = [user.pk for user in staff]
    share = [users // processes + (1 if i < users % processes else 0) for i in range(processes)]
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        results = pool.map(
            _process, [(ids, n, seconds, seed + 100 * i) for i, n in enumerate(share)]
        )
    return [timing for result in results for timing in result]


# --- submissions over HTTP ---------------------------------------------------------------


def drafts_prepare(count: int) -> tuple[list[int], dict[int, str]]:
    """``count`` complete drafts of a benchmark item spread over citizens, and a token each."""
    from govhall.accounts.services import token_issue
    from govhall.cases.services_apply import form_definition

    version = bench_version()
    citizens = list(User.objects.filter(kind="citizen", is_active=True).order_by("id")[:200])
    tokens = {user.pk: token_issue(actor=user, name="bench").token for user in citizens}
    form_definition(version)  # the generic form: FORM fills it
    drafts = []
    for index in range(count):
        user = citizens[index % len(citizens)]
        form = {
            "applicant": {
                "name": user.name,
                "id_number": user.id_number,
                "phone": "13800000000",
                "address": "亳州市谯城区魏武大道1号",
            },
            "request": {"description": "性能基准申请"},
            "delivery": {"method": "pickup"},
        }
        drafts.append(
            Application(
                item_id=version.item_id,
                version=version,
                applicant=user,
                created_by=user,
                form=form,
                channel="api",
            )
        )
    materials = list(version.materials.all())
    shared = {
        str(m.pk): {"kind": "resource", "resource": m.resource_code, "records": 1, "note": "bench"}
        for m in materials
        if m.resource_code
    }
    for draft in drafts:
        draft.satisfied = shared
    letter = _bench_letter()
    with transaction.atomic():
        created = Application.objects.bulk_create(drafts)
        Upload.objects.bulk_create(
            [
                Upload(
                    application=application,
                    material=material,
                    file=letter,
                    original_name="承诺书.pdf",
                    kind="pdf",
                    content_type="application/pdf",
                    size=1000,
                    pages=1,
                    sha256="0" * 64,
                    uploaded_by_id=application.applicant_id,
                )
                for application in created
                for material in materials
                if not material.resource_code
                and material.source_channel != "4"
                and material.necessity == "1"
            ],
            batch_size=5000,
        )
    return [a.pk for a in created], {a.pk: tokens[a.applicant_id] for a in created}


def _bench_letter() -> str:
    """One stored PDF that every benchmark draft's required uploads point at."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    return default_storage.save("bench/letter.pdf", ContentFile(b"%PDF-1.4 bench"))


def submissions_over_http(
    *, host: str, port: int, drafts: list[int], tokens: dict[int, str], clients: int
) -> list[Figure]:
    errors: list[str] = []
    latencies: list[float] = []
    lock = threading.Lock()
    local = threading.local()

    def submit(application_id: int) -> None:
        if not hasattr(local, "conn"):
            local.conn = http.client.HTTPConnection(host, port, timeout=60)
        started = time.perf_counter()
        try:
            local.conn.request(
                "POST",
                f"/api/v1/applications/{application_id}/submit",
                headers={
                    "Authorization": f"Bearer {tokens[application_id]}",
                    "Idempotency-Key": f"bench-{application_id}",
                },
            )
            response = local.conn.getresponse()
            body = response.read()
            ok = response.status == 201 and json.loads(body).get("case_number")
        except (OSError, http.client.HTTPException, ValueError) as error:
            local.conn = http.client.HTTPConnection(host, port, timeout=60)
            ok, body = False, str(error).encode()
        with lock:
            latencies.append(time.perf_counter() - started)
            if not ok:
                errors.append(body[:200].decode(errors="replace"))

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(submit, drafts))
    elapsed = time.perf_counter() - started
    made = Case.objects.filter(application_id__in=drafts).count()
    return [
        Figure(
            "submissions over HTTP",
            f"{len(drafts)} in {elapsed:.1f} s",
            f"{len(drafts) / elapsed:.0f}/s with {clients} clients",
        ),
        Figure(
            "submission latency p50 / p99",
            f"{_ms(statistics.median(latencies))} / {_ms(percentile(latencies, 0.99))}",
        ),
        Figure("errors", str(len(errors)), errors[0] if errors else ""),
        Figure(
            "cases created",
            str(made),
            "exactly one per draft" if made == len(drafts) else "MISMATCH",
        ),
    ]


def submissions_cleanup(drafts: list[int]) -> None:
    cases = Case.objects.filter(application_id__in=drafts)
    for model in (Notice, CaseEvent, Task):
        model.objects.filter(case__in=cases).delete()
    cases.delete()
    Application.objects.filter(pk__in=drafts).delete()


def database_label() -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]}"
        return f"SQLite {connection.Database.sqlite_version}"


def as_rows(figures: list[Figure]) -> list[dict[str, Any]]:
    return [{"name": f.name, "value": f.value, "note": f.note} for f in figures]

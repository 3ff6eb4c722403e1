"""Benchmark of the supervision sweep (DESIGN.md §8: ≤ 10 s over 10^6 open steps), run by
``govhall supervision_bench``.

Each step commits as the worker's sweeps do, with ``VACUUM ANALYZE`` where autovacuum would run
after a bulk change; at the end everything the benchmark made is deleted (``--keep`` keeps it):

1. ``--tasks`` open review tasks on ``tasks / 2`` synthetic cases (two parallel tasks each),
   spread over the city's departments, opened over the last 30 days with limits of 10 to 49
   calendar days, so that most are within their time, some half-way, some due tomorrow and
   about one in six overdue. PostgreSQL:
   ``INSERT ... SELECT`` over ``generate_series``; SQLite: bulk inserts, at most 20,000 tasks;
2. the **naive** way on a sample (``--naive-sample`` tasks): per task, working days by
   ``add_working_days``, one existence check and one insert per level, as a loop would do it;
   the per-task time extrapolated to all tasks;
3. the sweep **cold** (every alert new, with accountability records and notifications), **warm**
   (nothing new: the steady state every 15 minutes), and after **10 % of the tasks close**
   (resolution).
"""

# ruff: noqa: S608 (SQL from our table names and constants; values are parameters)

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from govhall.accounts.models import User
from govhall.cases.models import Application, Case, Task
from govhall.catalog.models import ItemVersion
from govhall.core.calendar import add_working_days, working_days_between
from govhall.notifications.models import Notification
from govhall.organizations.models import Department
from govhall.supervision.models import Accountability, Alert
from govhall.supervision.sweep import supervision_sweep, threshold_defaults

MARK = "SVBENCH"
SQLITE_MAX = 20_000


@dataclass(frozen=True)
class Figure:
    name: str
    value: str
    note: str = ""


class _Rollback(Exception):
    pass


def _base() -> tuple[ItemVersion, list[tuple[int, str]], User]:
    version = (
        ItemVersion.objects.filter(state="published", item__status="active")
        .select_related("item")
        .order_by("id")
        .first()
    )
    applicant = User.objects.filter(kind="citizen").order_by("id").first()
    departments = list(Department.objects.values_list("id", "region_id"))
    if version is None or applicant is None or not departments:
        raise RuntimeError("no published item, citizen or department: run `govhall demo_load`")
    return version, departments, applicant


def _generate_postgres(tasks: int) -> int:
    version, departments, applicant = _base()
    cases = max(tasks // 2, 1)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM cases_application")
        first_app = cursor.fetchone()[0]
        cursor.execute(
            """INSERT INTO cases_application (created_at, updated_at, uuid, item_id, version_id,
                applicant_id, created_by_id, channel, state, form, prefill, satisfied,
                prereview_opinion)
            SELECT now(), now(), md5(random()::text || g::text)::uuid, %s, %s, %s, %s, 'pc',
                'submitted', '{}'::jsonb, '{}'::jsonb, '{}'::jsonb, ''
            FROM generate_series(1, %s) g""",
            [version.item_id, version.pk, applicant.pk, applicant.pk, cases],
        )
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM cases_case")
        first_case = cursor.fetchone()[0]
        cursor.execute(
            """INSERT INTO cases_case (created_at, updated_at, number, query_password,
                application_id, item_id, version_id, item_name, department_id, region_code,
                applicant_id, applicant_name, applicant_key, channel, status, step, revision,
                instant, received_at, correction_due, correction_requested, deemed_accepted,
                clock_start, promised_days, statutory_days, extension_days, stopped_days,
                due_date, result_name, delivery_method, delivery_address, residence_code)
            SELECT now(), now(), %s || lpad(a.id::text, 12, '0'), '000000', a.id, a.item_id,
                a.version_id, %s, d.id, d.region, a.applicant_id, %s, '', 'pc', 'processing',
                'review', 1, false, now() - (a.id %% 60) * interval '1 day',
                current_date, false, false, current_date - (a.id %% 60)::int, 20, 20, 0, 0,
                current_date - (a.id %% 60)::int + 28, '', 'pickup', '', ''
            FROM cases_application a
            JOIN (SELECT u.id, u.region, u.n - 1 AS slot
                  FROM unnest(%s::bigint[], %s::varchar[]) WITH ORDINALITY AS u(id, region, n)) d
              ON d.slot = a.id %% %s
            WHERE a.id > %s""",
            [
                MARK,
                version.name,
                applicant.name,
                [d for d, _r in departments],
                [r for _d, r in departments],
                len(departments),
                first_app,
            ],
        )
        cursor.execute(
            """INSERT INTO cases_task (case_id, step, step_name, kind, department_id, post_id,
                lead, state, opened_at, due_date, days, outcome, opinion)
            SELECT c.id, 'review', '审核', 'review', c.department_id, 'review', g = 1, 'open',
                now() - ((c.id * 7 + g) %% 30) * interval '1 day',
                (now() - ((c.id * 7 + g) %% 30) * interval '1 day')::date
                    + 10 + ((c.id + g) %% 40)::int,
                10, '', ''
            FROM (SELECT id, department_id, row_number() OVER (ORDER BY id) AS rn
                  FROM cases_case WHERE id > %s) c
            CROSS JOIN generate_series(1, 2) g
            WHERE g = 1 OR c.rn <= %s""",
            [first_case, tasks - cases],
        )
        made = cursor.rowcount
        cursor.execute("ANALYZE cases_application")
        cursor.execute("ANALYZE cases_case")
        cursor.execute("ANALYZE cases_task")
        cursor.execute("ANALYZE supervision_alert")
    return made


def _generate_sqlite(tasks: int) -> int:
    version, departments, applicant = _base()
    now, today = timezone.now(), timezone.localdate()
    made = 0
    for n in range(max(tasks // 2, 1)):
        department_id, region = departments[n % len(departments)]
        application = Application.objects.create(
            item_id=version.item_id,
            version=version,
            applicant=applicant,
            created_by=applicant,
            state="submitted",
        )
        case = Case.objects.create(
            number=f"{MARK}{application.pk:012d}",
            query_password="000000",  # noqa: S106
            application=application,
            item_id=version.item_id,
            version=version,
            item_name=version.name,
            department_id=department_id,
            region_code=region,
            applicant=applicant,
            applicant_name=applicant.name,
            status="processing",
            received_at=now,
            correction_due=today,
            promised_days=20,
            statutory_days=20,
            clock_start=today - dt.timedelta(days=n % 60),
            due_date=today - dt.timedelta(days=n % 60) + dt.timedelta(days=28),
        )
        rows = []
        for g in (1, 2):
            if g == 2 and made + 1 >= tasks:
                break
            opened = now - dt.timedelta(days=(case.pk * 7 + g) % 30)
            rows.append(
                Task(
                    case=case,
                    step="review",
                    step_name="审核",
                    kind="review",
                    department_id=department_id,
                    post_id="review",
                    lead=g == 1,
                    opened_at=opened,
                    due_date=opened.date() + dt.timedelta(days=10 + (case.pk + g) % 40),
                    days=10,
                )
            )
        made += len(Task.objects.bulk_create(rows))
    return made


def naive_sweep(task_ids: list[int], today: dt.date) -> int:
    """The per-row way: model instances, calendar arithmetic per task, a query per level."""
    defaults = threshold_defaults()
    raised = 0
    for task in Task.objects.filter(pk__in=task_ids).select_related("case"):
        opened = timezone.localtime(task.opened_at).date()
        total = working_days_between(opened, task.due_date)
        used = working_days_between(opened, today)
        levels = []
        if used > 0 and used >= float(defaults.reminder_fraction) * total:
            levels.append("reminder")
        if today >= add_working_days(task.due_date, -defaults.yellow_days):
            levels.append("yellow")
        if today > task.due_date:
            levels.append("red")
        for level in levels:
            exists = Alert.objects.filter(
                source="task", source_id=task.pk, kind="deadline", rule_code="", level=level
            ).exists()
            if not exists:
                Alert.objects.create(
                    level=level,
                    kind="deadline",
                    source="task",
                    source_id=task.pk,
                    case=task.case,
                    item_id=task.case.item_id,
                    department_id=task.department_id,
                    region_code=task.case.region_code,
                    post_id=task.post_id,
                    handler_id=task.assignee_id,
                    due_date=task.due_date,
                    raised_at=timezone.now(),
                )
                raised += 1
    return raised


def _sweep_figure(label: str, started: float, result) -> Figure:
    seconds = time.perf_counter() - started
    note = (
        f"raised {result.raised or {}}, rules {result.rules or {}}, resolved {result.resolved}, "
        f"accountability {result.accountabilities}, notifications {result.notifications}"
    )
    return Figure(label, f"{seconds:.2f} s", note)


def _vacuum() -> None:
    """What autovacuum does after a bulk change (statistics, visibility map), done at once."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute(
                "VACUUM ANALYZE cases_task, cases_case, supervision_alert, "
                "supervision_accountability"
            )


def cleanup(started_at: dt.datetime) -> None:
    """Delete what the benchmark made: its cases with their tasks, alerts and accountability
    records, and the notifications its sweeps enqueued (raw deletes: millions of rows)."""
    bench_cases = "SELECT id FROM cases_case WHERE number LIKE %s"
    mark = [f"{MARK}%"]
    statements = [
        (f"DELETE FROM supervision_accountability WHERE case_id IN ({bench_cases})", mark),
        (
            "DELETE FROM supervision_alertcomment WHERE alert_id IN (SELECT id FROM "
            f"supervision_alert WHERE case_id IN ({bench_cases}))",
            mark,
        ),
        (f"DELETE FROM supervision_alert WHERE case_id IN ({bench_cases})", mark),
        (f"DELETE FROM cases_task WHERE case_id IN ({bench_cases})", mark),
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        application_ids = list(
            Case.objects.filter(number__startswith=MARK).values_list("application_id", flat=True)
        )
        for sql, params in statements:
            cursor.execute(sql, params)
        cursor.execute("DELETE FROM cases_case WHERE number LIKE %s", mark)
        for start in range(0, len(application_ids), 50_000):
            Application.objects.filter(pk__in=application_ids[start : start + 50_000]).delete()
        Notification.objects.filter(
            created_at__gte=started_at, event__startswith="supervision."
        ).delete()


def _timed_sweep(label: str) -> Figure:
    started = time.perf_counter()
    result = supervision_sweep()
    return _sweep_figure(label, started, result)


def bench_sweep(*, tasks: int, naive_sample: int, keep: bool = False) -> list[Figure]:
    """Each step commits, as the worker's sweeps do; everything is deleted at the end."""
    figures: list[Figure] = []
    if connection.vendor != "postgresql" and tasks > SQLITE_MAX:
        figures.append(Figure("tasks reduced on SQLite", str(SQLITE_MAX), f"asked {tasks}"))
        tasks = SQLITE_MAX
    started_at = timezone.now()
    try:
        started = time.perf_counter()
        with transaction.atomic():
            generate = _generate_postgres if connection.vendor == "postgresql" else _generate_sqlite
            made = generate(tasks)
        _vacuum()
        open_tasks = Task.objects.filter(state="open").count()
        figures.append(
            Figure(
                "generated open tasks",
                f"{made:,}",
                f"{time.perf_counter() - started:.1f} s; {open_tasks:,} open in all",
            )
        )
        figures.append(_naive_figure(naive_sample, open_tasks))
        figures.append(_timed_sweep("sweep, cold (all new)"))
        figures.append(
            Figure(
                "alerts / accountability rows",
                f"{Alert.objects.count():,}",
                f"{Accountability.objects.count():,} accountability",
            )
        )
        _vacuum()
        figures.append(_timed_sweep("sweep, warm (nothing new)"))
        figures.append(_timed_sweep("sweep, warm again"))
        closed = Task.objects.filter(
            pk__in=Task.objects.filter(case__number__startswith=MARK, state="open")
            .order_by()
            .values("pk")[: max(made // 10, 1)]
        ).update(state="done", closed_at=timezone.now())
        figures.append(_timed_sweep(f"sweep, after {closed:,} tasks closed"))
    finally:
        if not keep:
            started = time.perf_counter()
            cleanup(started_at)
            figures.append(Figure("cleaned up", f"{time.perf_counter() - started:.1f} s"))
    return figures


def _naive_figure(naive_sample: int, open_tasks: int) -> Figure:
    """The per-row way on a sample, inside a transaction that is rolled back."""
    sample = list(
        Task.objects.filter(state="open", case__number__startswith=MARK)
        .order_by("?")
        .values_list("pk", flat=True)[:naive_sample]
    )
    try:
        with transaction.atomic():
            started = time.perf_counter()
            naive_sweep(sample, timezone.localdate())
            per_row = (time.perf_counter() - started) / max(len(sample), 1)
            raise _Rollback
    except _Rollback:
        pass
    return Figure(
        f"naive per-row sweep, {len(sample)} tasks",
        f"{per_row * 1000:.2f} ms/task",
        f"≈ {per_row * open_tasks:.0f} s for {open_tasks:,} open tasks",
    )

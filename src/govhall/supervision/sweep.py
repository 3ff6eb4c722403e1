"""The supervision sweep: raise deadline alerts, resolve closed ones, check the rules.

One sweep walks every deadline source; each source is one transaction that

1. resolves, in one UPDATE, the deadline alerts whose row is no longer open;
2. raises, in one ``INSERT ... SELECT ... ON CONFLICT DO NOTHING``, every level whose threshold
   the row has passed and that it does not have yet. The unique constraint on
   (source, source_id, kind, rule_code, level) makes a rerun — after a crash, or twice in a row —
   raise nothing twice. A lower level stays when a higher one comes (a row past due has its
   reminder, yellow and red card);
3. opens the accountability records of its new red cards and enqueues the notifications of its new
   alerts (``followups``), all in the same transaction as the alerts themselves.

Then the rules (``rules.py``) run the same way. Working days are never computed per row: the
sweep numbers every day in the range of the rows' dates once in Python (``ordinal`` = working days
since an epoch) and joins that small table in SQL, so that "working days used" and "working days
left" are subtractions. Thresholds come from ``Threshold`` (city default, per item override)
joined by item.
"""

# ruff: noqa: S608 (SQL built from our table names, querysets' own SQL and constants we
# generate from dates and ids; every value that comes from a row or a user is a parameter)

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from govhall.core.calendar import is_working_day
from govhall.supervision import followups, rules
from govhall.supervision.models import Accountability, Alert, Threshold
from govhall.supervision.sources import DeadlineSource, deadline_sources

# the levels a row has reached, as a bit mask (reminder 1, yellow 2, red 4), and each mask's levels:
# joining this small table on the mask turns one row into its levels with a hash join.
LEVEL_BITS = {"reminder": 1, "yellow": 2, "red": 4}
MASK_LEVELS = [
    (mask, level) for mask in range(1, 8) for level, bit in LEVEL_BITS.items() if mask & bit
]
WINDOW_DAYS = 366 * 3


@dataclass
class SweepResult:
    raised: dict[str, int] = field(default_factory=dict)  # level -> new deadline alerts
    rules: dict[str, int] = field(default_factory=dict)  # rule code -> new rule alerts
    resolved: int = 0
    accountabilities: int = 0
    notifications: int = 0
    seconds: float = 0.0

    @property
    def total_raised(self) -> int:
        return sum(self.raised.values()) + sum(self.rules.values())


def _as_date(value: object) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def db_datetime(value: dt.datetime) -> object:
    """A datetime as the backend stores it (raw SQL bypasses the ORM's adaptation)."""
    return connection.ops.adapt_datetimefield_value(value)


def db_date(value: dt.date) -> object:
    return connection.ops.adapt_datefield_value(value)


def date_literal(day: dt.date) -> str:
    """A date constant in SQL (generated from a date object, never from input)."""
    text = day.isoformat()
    return f"DATE '{text}'" if connection.vendor == "postgresql" else f"'{text}'"


def values_table(rows: Iterable[tuple], types: tuple[str, ...]) -> str:
    """An inline table ``(c1, c2, ...)`` of constants; empty rows give an empty table."""
    names = [f"c{i + 1}" for i in range(len(types))]
    rows = list(rows)
    if not rows:
        cols = ", ".join(f"CAST(NULL AS {t}) AS {n}" for t, n in zip(types, names, strict=True))
        return f"SELECT {cols} WHERE 1 = 0"
    picks = ", ".join(f"v.column{i + 1} AS {n}" for i, n in enumerate(names))
    body = ", ".join("(" + ", ".join(row) + ")" for row in rows)
    return f"SELECT {picks} FROM (VALUES {body}) AS v"


def day_ordinals(first: dt.date, last: dt.date) -> list[tuple[dt.date, int]]:
    """Every day of [first, last] with the number of working days in (first - 1 day, day]."""
    rows, ordinal, day = [], 0, first
    while day <= last:
        if is_working_day(day):
            ordinal += 1
        rows.append((day, ordinal))
        day += dt.timedelta(days=1)
    return rows


@dataclass(frozen=True)
class Defaults:
    reminder_fraction: Decimal
    yellow_days: int


def threshold_defaults() -> Defaults:
    row = Threshold.objects.filter(item__isnull=True).first() or Threshold()
    return Defaults(Decimal(row.reminder_fraction), int(row.yellow_days))


def source_sql(queryset: QuerySet) -> tuple[str, tuple]:
    """A source queryset's SQL, without its model's default ordering (a subquery needs none)."""
    return queryset.order_by().query.sql_with_params()


def resolve_closed(source: DeadlineSource, now: dt.datetime) -> int:
    """Resolve, in one UPDATE, the deadline alerts of rows no longer open (an anti-join of the
    source's unresolved alerts against its open rows)."""
    src_sql, src_params = source_sql(source.open_rows())
    table = Alert._meta.db_table
    with batch_plan(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET state = %s, resolved_at = %s WHERE id IN ("
            f" SELECT a.id FROM {table} a LEFT JOIN ({src_sql}) s ON s.id = a.source_id"
            f" WHERE a.source = %s AND a.kind = %s AND a.state <> %s AND s.id IS NULL)",
            (
                Alert.State.RESOLVED,
                db_datetime(now),
                *src_params,
                source.name,
                Alert.Kind.DEADLINE,
                Alert.State.RESOLVED,
            ),
        )
        return cursor.rowcount


def raise_deadlines(
    source: DeadlineSource, *, today: dt.date, now: dt.datetime, defaults: Defaults
) -> int:
    """Insert every level each open row has reached and does not have yet (one statement)."""
    src_sql, src_params = source_sql(source.open_rows())
    # the day table covers a window around today; a date outside it counts from the window's
    # edge (opened earlier: from the first day; due later: far beyond the last)
    first = today - dt.timedelta(days=WINDOW_DAYS)
    last = today + dt.timedelta(days=WINDOW_DAYS)
    ordinals = day_ordinals(first, last)
    today_ord = dict(ordinals)[today]
    beyond = ordinals[-1][1] + 100_000
    days = values_table(((date_literal(d), str(o)) for d, o in ordinals), ("DATE", "INTEGER"))
    levels = values_table(
        ((str(mask), f"'{level}'") for mask, level in MASK_LEVELS), ("INTEGER", "VARCHAR(10)")
    )
    quiet = _quiet_ids(source)
    table, thresholds = Alert._meta.db_table, Threshold._meta.db_table
    opened = "COALESCE(od.c2, 0)"
    due = f"COALESCE(dd.c2, CASE WHEN s.due_date < {date_literal(first)} THEN 0 ELSE {beyond} END)"
    # f: each open row with the mask of the levels it has reached (computed once per row); then
    # one output row per reached level (hash join on the mask) that the row does not have yet.
    sql = f"""
        INSERT INTO {table} (level, kind, rule_code, source, source_id, case_id, item_id,
            department_id, region_code, post_id, handler_id, due_date, detail, raised_at, state)
        SELECT lv.c2, %s, '', %s, f.id, f.case_id, f.item_id, f.department_id, f.region_code,
            f.post_id, f.handler_id, f.due_date, '', %s, %s
        FROM (
            SELECT s.id, {_cast("case")} AS case_id, {_cast("item")} AS item_id,
                {_cast("department")} AS department_id, s.region_code,
                {_cast("post")} AS post_id, {_cast("handler")} AS handler_id, s.due_date,
                CASE WHEN s.due_date < %s THEN 4 ELSE 0 END
                + CASE WHEN {due} - %s <= COALESCE(th.yellow_days, %s) THEN 2 ELSE 0 END
                + CASE WHEN %s > {opened} AND (%s - {opened})
                    >= COALESCE(th.reminder_fraction, %s) * ({due} - {opened})
                    THEN 1 ELSE 0 END AS mask
            FROM ({src_sql}) s
            LEFT JOIN ({days}) od ON od.c1 = s.opened_on
            LEFT JOIN ({days}) dd ON dd.c1 = s.due_date
            LEFT JOIN {thresholds} th ON th.item_id = s.item_id
            {"WHERE s.id NOT IN (" + ", ".join(["%s"] * len(quiet)) + ")" if quiet else ""}
            {"OFFSET 0" if connection.vendor == "postgresql" else ""}
        ) f
        JOIN ({levels}) lv ON lv.c1 = f.mask
        WHERE NOT EXISTS (SELECT 1 FROM {table} a WHERE a.source = %s AND a.source_id = f.id
            AND a.kind = %s AND a.rule_code = '' AND a.level = lv.c2)
        ON CONFLICT DO NOTHING
    """
    params = (
        Alert.Kind.DEADLINE,
        source.name,
        db_datetime(now),
        Alert.State.OPEN,
        db_date(today),
        today_ord,
        defaults.yellow_days,
        today_ord,
        today_ord,
        defaults.reminder_fraction,
        *src_params,
        *quiet,
        source.name,
        Alert.Kind.DEADLINE,
    )
    with batch_plan(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _quiet_ids(source: DeadlineSource) -> list[int]:
    """The ids of the source's rows that raise nothing now (a small set: stopped clocks)."""
    if source.quiet_rows is None:
        return []
    return list(source.quiet_rows().order_by().values_list("id", flat=True))


def _cast(name: str) -> str:
    """``s.<name>_id`` cast to the alert column's type (a source's NULL constants are untyped)."""
    target = Alert._meta.get_field(name).target_field
    return f"CAST(s.{name}_id AS {target.rel_db_type(connection)})"


def _checkpoint(stage: str) -> None:
    """Called after each committed stage (tests inject a crash here)."""


def _new_levels(source: str, now: dt.datetime) -> dict[str, int]:
    from django.db.models import Count

    rows = (
        Alert.objects.filter(source=source, raised_at=now, kind=Alert.Kind.DEADLINE)
        .values("level")
        .annotate(n=Count("id"))
    )
    return {row["level"]: row["n"] for row in rows}


ANALYZE_AFTER = 10_000


@contextmanager
def batch_plan() -> Iterator[None]:
    """PostgreSQL, around one big statement: hash joins over whole tables (the planner's row
    estimates after the anti-join are far too low and would pick nested loops over the day
    tables) and no JIT (its compile time exceeds what it saves here)."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_nestloop = off")
        cursor.execute("SET LOCAL jit = off")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_nestloop = on")


def _analyze_after_bulk(result: SweepResult) -> None:
    """Refresh PostgreSQL's statistics after a large change (a first sweep over a big backlog),
    so that the next sweep's anti-joins are planned as hash joins, not nested loops."""
    if connection.vendor == "postgresql" and result.total_raised + result.resolved > ANALYZE_AFTER:
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Alert._meta.db_table}")
            cursor.execute(f"ANALYZE {Accountability._meta.db_table}")


def supervision_sweep(*, today: dt.date | None = None, notify: bool = True) -> SweepResult:
    """Run the sweep over every deadline source and the rules; see the module doc."""
    started = time.perf_counter()
    today = today or timezone.localdate()
    now = timezone.now()
    defaults = threshold_defaults()
    result = SweepResult()
    for source in deadline_sources():
        with transaction.atomic():
            result.resolved += resolve_closed(source, now)
            if raise_deadlines(source, today=today, now=now, defaults=defaults):
                for level, n in _new_levels(source.name, now).items():
                    result.raised[level] = result.raised.get(level, 0) + n
                done = followups.alerts_followup(
                    Alert.objects.filter(source=source.name, raised_at=now), now, notify=notify
                )
                result.accountabilities += done.accountabilities
                result.notifications += done.notifications
        _checkpoint(source.name)
    with transaction.atomic():
        result.rules = rules.rules_raise(today=today, now=now)
        if result.rules:
            done = followups.alerts_followup(
                Alert.objects.filter(kind=Alert.Kind.RULE, raised_at=now), now, notify=notify
            )
            result.accountabilities += done.accountabilities
            result.notifications += done.notifications
    _checkpoint("rules")
    _analyze_after_bulk(result)
    result.seconds = time.perf_counter() - started
    return result

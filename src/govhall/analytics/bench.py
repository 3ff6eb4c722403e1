"""Benchmark of the performance figures, run by ``govhall analytics_bench``.

Synthetic cases come from ``cases.bench.cases_generate`` (tagged ``BENCH``, a year of dates
over the city's departments); the closed ones get a clock start so that the working-day figures
have work to do. The department table over the whole year (the heaviest read: every case of the
year, six counts, the working days of every closed case) is timed through
``selectors.stats_table`` as the API calls it, against a naive way: one COUNT per department and
figure and the working days read from model instances.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from collections.abc import Callable
from typing import Any

from django.db.models import F
from django.utils import timezone

from govhall.accounts.models import User
from govhall.analytics import selectors
from govhall.analytics.figures import CLOSED_STATUSES, Period
from govhall.cases.bench import MARK, Figure
from govhall.cases.models import Case
from govhall.core.calendar import working_days_between
from govhall.organizations.models import Department


def prepare_clock() -> int:
    """Closed benchmark cases: clock started on the day received, closed on time."""
    return Case.objects.filter(number__startswith=MARK, status__in=CLOSED_STATUSES).update(
        clock_start=F("correction_due"), on_time=True
    )


def _admin() -> User:
    return User(kind=User.Kind.ADMIN, is_active=True, username="bench-admin")


def year() -> Period:
    today = timezone.localdate()
    return Period(today - dt.timedelta(days=365), today)


def naive_departments(period: Period) -> int:
    """One COUNT per department and figure, days from model instances."""
    found = 0
    for department in Department.objects.all():
        cases = Case.objects.filter(department=department)
        received = cases.filter(period.within("received_at"))
        closed = cases.filter(period.within("closed_at"), status__in=CLOSED_STATUSES)
        figures = [
            received.count(),
            cases.filter(period.within("accepted_at")).count(),
            closed.filter(status=Case.Status.COMPLETED).count(),
            closed.count(),
            closed.filter(on_time=True).count(),
            received.filter(correction_requested=True).count(),
            cases.filter(period.within("closed_at"), status=Case.Status.REFUSED).count(),
        ]
        used = [
            working_days_between(case.clock_start, timezone.localtime(case.closed_at).date())
            for case in closed.filter(clock_start__isnull=False)
        ]
        found += bool(sum(figures) or used)
    return found


def _timed(call: Callable[[], Any], runs: int) -> list[float]:
    timings = []
    for _run in range(runs):
        started = time.perf_counter()
        call()
        timings.append(time.perf_counter() - started)
    return timings


def bench_figures(*, runs: int, naive_runs: int) -> list[Figure]:
    period, admin = year(), _admin()
    cases = Case.objects.filter(period.within("received_at")).count()
    closed = Case.objects.filter(period.within("closed_at"), status__in=CLOSED_STATUSES).count()

    def ours() -> Any:
        return selectors.stats_table(actor=admin, dimension="department", period=period)

    def items() -> Any:
        return selectors.stats_table(actor=admin, dimension="item", period=period)

    fast = _timed(ours, runs)
    by_item = _timed(items, max(1, runs // 2))
    naive = _timed(lambda: naive_departments(period), naive_runs)
    ratio = statistics.median(naive) / statistics.median(fast)
    return [
        Figure("cases received in the year", f"{cases:,}", f"{closed:,} closed"),
        Figure(
            "department table, one year (median)",
            f"{statistics.median(fast):.3f} s",
            f"max {max(fast):.3f} s over {runs} runs",
        ),
        Figure("item table, one year (median)", f"{statistics.median(by_item):.3f} s"),
        Figure(
            "naive (COUNT per department and figure)",
            f"{statistics.median(naive):.3f} s",
            f"{ratio:.1f}x slower",
        ),
    ]

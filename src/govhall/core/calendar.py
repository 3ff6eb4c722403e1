"""The working-day calendar (工作日历): China's official calendar of working days.

Time limits of cases are counted in working days: Monday to Friday, minus public holidays, plus
the weekend days swapped into working days (调休上班). Where the calendar of a year comes from,
in order of authority:

1. ``admin``: an administrator loaded the year (:class:`~govhall.core.models.CalendarYear`);
   its days override everything else for that year;
2. ``package``: the ``chinese_calendar`` package knows the year (it stops at 2026);
3. ``weekends_only``: nobody knows the year; weekends are the only days off, a warning is logged
   and :func:`missing_years` reports the year so that administrators are told.

Each year's special days are read in one query and kept per process for
``GOVHALL_CALENDAR_CACHE_SECONDS`` (default 60) so that a year loaded in the web process is seen
by the worker soon; the process that imports clears its cache at once. Arithmetic over long spans
never queries per day.

Writes (import, parsing files) live in :mod:`govhall.core.calendar_services`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any, Final

import chinese_calendar
from chinese_calendar.constants import Holiday
from django.conf import settings
from django.utils import timezone

from govhall.core.models import CalendarDay, CalendarYear

logger = logging.getLogger("govhall.calendar")

SOURCE_ADMIN: Final = "admin"
SOURCE_PACKAGE: Final = "package"
SOURCE_WEEKENDS_ONLY: Final = "weekends_only"

HOLIDAY: Final = CalendarDay.Kind.HOLIDAY.value
WORKDAY: Final = CalendarDay.Kind.WORKDAY.value

SpecialDay = tuple[date, str, str]
"""One special day of a year: ``(date, kind, name)``, kind ``"holiday"`` or ``"workday"``."""

_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class YearCalendar:
    """The special days of one year and where they come from.

    ``days_off`` are Monday–Friday dates that are not worked; ``days_on`` are Saturday/Sunday
    dates that are worked. Holidays that fall on a weekend change nothing and are not kept here.
    """

    year: int
    source: str
    days_off: frozenset[date] = frozenset()
    days_on: frozenset[date] = frozenset()

    @classmethod
    def from_days(cls, year: int, source: str, days: Iterable[tuple[date, str]]) -> YearCalendar:
        """Build from ``(date, kind)`` pairs with the rule: a date is a working day iff it is a
        ``workday``, or it is Monday–Friday and not a ``holiday``."""
        holidays: set[date] = set()
        workdays: set[date] = set()
        for day, kind in days:
            (workdays if kind == WORKDAY else holidays).add(day)
        days_off = {d for d in holidays - workdays if d.weekday() < 5}
        days_on = {d for d in workdays if d.weekday() >= 5}
        return cls(year, source, frozenset(days_off), frozenset(days_on))

    def is_working_day(self, day: date) -> bool:
        if day.weekday() < 5:
            return day not in self.days_off
        return day in self.days_on

    def count_working_days(self, first: date, last: date) -> int:
        """Working days in ``[first, last]``, both inside this year; 0 when ``last < first``."""
        if last < first:
            return 0
        count = _weekdays_in(first, last)
        count -= sum(1 for d in self.days_off if first <= d <= last)
        count += sum(1 for d in self.days_on if first <= d <= last)
        return count


def _weekdays_in(first: date, last: date) -> int:
    """Monday–Friday dates in ``[first, last]``, without walking the days."""
    length = (last - first).days + 1
    weeks, rest = divmod(length, 7)
    start = first.weekday()
    return weeks * 5 + sum(1 for i in range(rest) if (start + i) % 7 < 5)


class WorkingDayCalculator:
    """Working-day arithmetic over any source of :class:`YearCalendar` objects.

    The module-level functions use the database-backed source; tests and simulations may build
    a calculator over calendars held in memory.
    """

    def __init__(self, calendar_for: Callable[[int], YearCalendar]) -> None:
        self._calendar_for = calendar_for

    def is_working_day(self, day: date) -> bool:
        day = _as_date(day)
        return self._calendar_for(day.year).is_working_day(day)

    def add_working_days(self, start: date, days: int) -> date:
        """The ``days``-th working day strictly after ``start`` (before it when negative)."""
        day = _as_date(start)
        step = _ONE_DAY if days > 0 else -_ONE_DAY
        remaining = abs(days)
        calendar: YearCalendar | None = None
        while remaining:
            day += step
            if calendar is None or calendar.year != day.year:
                calendar = self._calendar_for(day.year)
            if calendar.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in ``(start, end]``; minus those in ``(end, start]`` when end < start."""
        start, end = _as_date(start), _as_date(end)
        if end < start:
            return -self.working_days_between(end, start)
        count = 0
        first = start + _ONE_DAY
        for year in range(first.year, end.year + 1):
            segment_first = max(first, date(year, 1, 1))
            segment_last = min(end, date(year, 12, 31))
            if segment_first <= segment_last:
                count += self._calendar_for(year).count_working_days(segment_first, segment_last)
        return count


def _as_date(value: date) -> date:
    """Accept a date; a datetime is taken as its local date (aware) or its date (naive)."""
    if isinstance(value, datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    if not isinstance(value, date):
        raise TypeError(f"expected a date, got {type(value).__name__}")
    return value


# --- sources of year calendars --------------------------------------------------------------

_PACKAGE_NAMES_ZH: Final = {holiday.value: holiday.chinese for holiday in Holiday}


@cache
def _package_years() -> tuple[int, int]:
    """The first and last year chinese_calendar knows (the range its own functions accept)."""
    years = [d.year for d in chinese_calendar.holidays]
    return min(years), max(years)


def package_knows(year: int) -> bool:
    first, last = _package_years()
    return first <= year <= last


def package_special_days(year: int) -> list[SpecialDay]:
    """The package's special days of ``year`` (empty if it does not know the year), with
    Chinese names, sorted by date."""
    if not package_knows(year):
        return []
    rows = [
        (day, HOLIDAY, _PACKAGE_NAMES_ZH.get(name, name))
        for day, name in chinese_calendar.holidays.items()
        if day.year == year
    ]
    rows += [
        (day, WORKDAY, _PACKAGE_NAMES_ZH.get(name, name))
        for day, name in chinese_calendar.workdays.items()
        if day.year == year
    ]
    return sorted(rows)


def _load_year(year: int) -> YearCalendar:
    """One query: the administrator's days of ``year`` if loaded, else the package, else none.

    The LEFT JOIN from the year to its days tells "loaded with no days" from "not loaded".
    """
    rows = list(CalendarYear.objects.filter(year=year).values_list("days__date", "days__kind"))
    if rows:
        days = [(day, kind) for day, kind in rows if day is not None]
        return YearCalendar.from_days(year, SOURCE_ADMIN, days)
    if package_knows(year):
        days = [(day, kind) for day, kind, _name in package_special_days(year)]
        return YearCalendar.from_days(year, SOURCE_PACKAGE, days)
    return YearCalendar(year, SOURCE_WEEKENDS_ONLY)


_cache: dict[int, tuple[float, YearCalendar]] = {}
_warned_years: set[int] = set()
_warn_lock = threading.Lock()


def _ttl_seconds() -> float:
    return float(getattr(settings, "GOVHALL_CALENDAR_CACHE_SECONDS", 60))


def year_calendar(year: int) -> YearCalendar:
    """The calendar of ``year``, from the per-process cache or one query."""
    now = time.monotonic()
    cached = _cache.get(year)
    if cached is not None and cached[0] > now:
        return cached[1]
    calendar = _load_year(year)
    _cache[year] = (now + _ttl_seconds(), calendar)
    return calendar


def calendar_cache_clear() -> None:
    """Forget every cached year in this process (other processes follow within the TTL)."""
    _cache.clear()


def _calendar_for_computing(year: int) -> YearCalendar:
    calendar = year_calendar(year)
    if calendar.source == SOURCE_WEEKENDS_ONLY and year not in _warned_years:
        with _warn_lock:
            if year not in _warned_years:
                _warned_years.add(year)
                logger.warning(
                    "working-day calendar: no calendar for %s, counting weekends only; "
                    "load the year (govhall calendar import FILE --year %s --source ...)",
                    year,
                    year,
                )
    return calendar


_default = WorkingDayCalculator(_calendar_for_computing)


# --- public API -----------------------------------------------------------------------------


def is_working_day(day: date) -> bool:
    """Whether ``day`` is a working day (工作日) of the official calendar."""
    return _default.is_working_day(day)


def add_working_days(start: date, days: int) -> date:
    """The ``days``-th working day strictly after ``start``; ``start`` itself when ``days`` is 0;
    for negative ``days`` the ``|days|``-th working day strictly before ``start``.

    A limit of 20 working days from acceptance on D ends on ``add_working_days(D, 20)``.
    """
    return _default.add_working_days(start, days)


def working_days_between(start: date, end: date) -> int:
    """The number of working days in ``(start, end]``; negative (minus the count in
    ``(end, start]``) when ``end < start``, so ``between(a, b) == -between(b, a)``.

    ``working_days_between(d, add_working_days(d, n)) == n`` for every ``n >= 0``, and for
    ``n < 0`` when ``d`` is a working day. When ``d`` is not a working day and ``n < 0`` it is
    ``n + 1``: ``(end, d]`` then holds only ``|n| - 1`` working days (end itself is excluded).
    """
    return _default.working_days_between(start, end)


def year_source(year: int) -> str:
    """Where the calendar of ``year`` comes from: ``"admin"``, ``"package"`` or
    ``"weekends_only"``."""
    return year_calendar(year).source


def missing_years(years: Iterable[int] | None = None) -> list[int]:
    """Of ``years`` (default: this year and next year), those without a calendar: neither loaded
    by an administrator nor known to the package. Used for administrators' warnings."""
    if years is None:
        today = timezone.localdate()
        years = [today.year, today.year + 1]
    result: list[int] = []
    for year in years:
        if year not in result and year_source(year) == SOURCE_WEEKENDS_ONLY:
            result.append(year)
    return result


def year_special_days(year: int) -> list[SpecialDay]:
    """The special days of ``year`` from its effective source, sorted by date: the
    administrator's rows, else the package's; empty for a year without a calendar."""
    if CalendarYear.objects.filter(year=year).exists():
        rows = CalendarDay.objects.filter(calendar_year__year=year).order_by("date")
        return [(row.date, row.kind, row.name) for row in rows]
    return package_special_days(year)


def can_manage_calendar(actor: Any) -> bool:
    """Only a system administrator, or the system itself (``None``), loads or edits calendars."""
    if actor is None:
        return True
    return bool(getattr(actor, "is_active", False)) and getattr(actor, "kind", None) == "admin"

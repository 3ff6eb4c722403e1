"""The working-day calendar: facts of the official calendar, sources, cache, and arithmetic
properties (hypothesis) across the 2026 → 2027 boundary."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta

import chinese_calendar
import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govhall.core import calendar
from govhall.core.calendar import (
    SOURCE_ADMIN,
    SOURCE_PACKAGE,
    SOURCE_WEEKENDS_ONLY,
    WorkingDayCalculator,
    YearCalendar,
    add_working_days,
    is_working_day,
    missing_years,
    package_special_days,
    working_days_between,
    year_source,
)
from govhall.core.calendar_services import calendar_year_import
from govhall.core.models import CalendarDay, CalendarYear

# A 2027 calendar as an administrator would load it (the dates are for tests, not the notice).
DAYS_2027: list[tuple[date, str, str]] = [
    (date(2027, 1, 1), "holiday", "元旦"),
    (date(2027, 1, 2), "holiday", "元旦"),
    (date(2027, 1, 3), "holiday", "元旦"),
    *[(date(2027, 2, d), "holiday", "春节") for d in range(6, 15)],
    (date(2027, 2, 20), "workday", "春节"),
    (date(2027, 9, 26), "workday", "国庆节"),
    *[(date(2027, 10, d), "holiday", "国庆节") for d in range(1, 8)],
    (date(2027, 10, 9), "workday", "国庆节"),
]
SOURCE_2027 = "国务院办公厅关于2027年部分节假日安排的通知"


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    calendar.calendar_cache_clear()
    calendar._warned_years.clear()
    yield
    calendar.calendar_cache_clear()


@pytest.fixture
def today_2026(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: date(2026, 11, 20))


@pytest.fixture
def calendar_2027(db):
    return calendar_year_import(actor=None, year=2027, source=SOURCE_2027, days=DAYS_2027)


def _days(first: date, last: date):
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


# --- facts ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_national_day_2026_is_a_holiday():
    assert not is_working_day(date(2026, 10, 1))
    assert year_source(2026) == SOURCE_PACKAGE


@pytest.mark.django_db
def test_swapped_weekend_days_of_2026_are_working_days():
    swapped = [d for d in chinese_calendar.workdays if d.year == 2026]
    assert date(2026, 10, 10) in swapped  # Saturday after National Day
    for day in swapped:
        assert day.weekday() >= 5
        assert is_working_day(day)


@pytest.mark.django_db
def test_every_day_of_2026_agrees_with_the_package():
    for day in _days(date(2026, 1, 1), date(2026, 12, 31)):
        assert is_working_day(day) == chinese_calendar.is_workday(day), day


@pytest.mark.django_db
def test_add_working_days_skips_national_day():
    assert add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert add_working_days(date(2026, 10, 8), -1) == date(2026, 9, 30)
    assert add_working_days(date(2026, 10, 1), 0) == date(2026, 10, 1)
    assert working_days_between(date(2026, 9, 30), date(2026, 10, 10)) == 3  # 8th, 9th, 10th


@pytest.mark.django_db
def test_unloaded_2030_counts_weekends_only_and_is_reported(caplog):
    with caplog.at_level(logging.WARNING, logger="govhall.calendar"):
        assert not is_working_day(date(2030, 1, 5))  # Saturday
        assert not is_working_day(date(2030, 1, 6))  # Sunday
        assert is_working_day(date(2030, 1, 1))  # a weekday: nobody told us it is a holiday
        assert add_working_days(date(2030, 1, 4), 1) == date(2030, 1, 7)
    assert year_source(2030) == SOURCE_WEEKENDS_ONLY
    assert missing_years([2026, 2030]) == [2030]
    warnings = [r for r in caplog.records if r.name == "govhall.calendar"]
    assert len(warnings) == 1 and "2030" in warnings[0].getMessage()


@pytest.mark.django_db
def test_missing_years_defaults_to_this_year_and_next(today_2026):
    assert missing_years() == [2027]
    calendar_year_import(actor=None, year=2027, source=SOURCE_2027, days=DAYS_2027)
    assert missing_years() == []


@pytest.mark.django_db
def test_admin_loaded_2027_overrides_weekends_only(calendar_2027):
    assert year_source(2027) == SOURCE_ADMIN
    assert not is_working_day(date(2027, 1, 1))  # Friday, 元旦
    assert is_working_day(date(2027, 2, 20))  # Saturday, 调休上班
    assert not is_working_day(date(2027, 2, 8))  # Monday, 春节
    assert add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 4)
    assert missing_years([2026, 2027]) == []


@pytest.mark.django_db
def test_admin_loaded_year_overrides_the_package():
    # An administrator corrects 2026: 10-09 (Friday) becomes a holiday, nothing else special.
    calendar_year_import(
        actor=None, year=2026, source="更正", days=[(date(2026, 10, 9), "holiday", "测试")]
    )
    assert year_source(2026) == SOURCE_ADMIN
    assert not is_working_day(date(2026, 10, 9))
    assert is_working_day(date(2026, 10, 1))  # the package's holiday no longer applies
    assert not is_working_day(date(2026, 10, 10))  # nor its 调休 Saturday


@pytest.mark.django_db
def test_a_late_2026_case_gets_its_deadline_in_2027(calendar_2027):
    accepted = date(2026, 12, 15)
    deadline = add_working_days(accepted, 20)
    assert deadline.year == 2027 and is_working_day(deadline)
    assert working_days_between(accepted, deadline) == 20


def test_datetimes_are_taken_as_their_local_date():
    calculator = WorkingDayCalculator(lambda year: YearCalendar(year, SOURCE_WEEKENDS_ONLY))
    late_friday_utc = datetime(2030, 1, 4, 17, 0, tzinfo=UTC)
    assert not calculator.is_working_day(late_friday_utc)  # Saturday 01:00 in Shanghai
    with pytest.raises(TypeError):
        calculator.is_working_day("2030-01-04")  # type: ignore[arg-type]


# --- cache and queries ----------------------------------------------------------------------


@pytest.mark.django_db
def test_long_spans_query_once_per_year_and_then_not_at_all(
    calendar_2027, django_assert_max_num_queries, django_assert_num_queries
):
    calendar.calendar_cache_clear()
    with django_assert_max_num_queries(3):  # 2026, 2027, 2028
        end = add_working_days(date(2026, 3, 1), 500)
        assert working_days_between(date(2026, 3, 1), end) == 500
    with django_assert_num_queries(0):
        assert add_working_days(date(2026, 3, 1), 500) == end
        assert working_days_between(end, date(2026, 3, 1)) == -500


@pytest.mark.django_db
def test_other_processes_see_a_loaded_year_after_the_ttl(monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(calendar.time, "monotonic", lambda: clock[0])
    assert is_working_day(date(2027, 1, 1))
    # Another process loads 2027: this process's cache is not cleared.
    year = CalendarYear.objects.create(year=2027, source=SOURCE_2027)
    CalendarDay.objects.create(calendar_year=year, date=date(2027, 1, 1), kind="holiday")
    assert is_working_day(date(2027, 1, 1))
    clock[0] += 61
    assert not is_working_day(date(2027, 1, 1))


@pytest.mark.django_db
def test_importing_clears_the_cache_at_once():
    assert year_source(2027) == SOURCE_WEEKENDS_ONLY
    calendar_year_import(actor=None, year=2027, source=SOURCE_2027, days=DAYS_2027)
    assert year_source(2027) == SOURCE_ADMIN


def test_package_special_days_have_chinese_names():
    days = package_special_days(2026)
    assert (date(2026, 10, 1), "holiday", "国庆节") in days
    assert (date(2026, 10, 10), "workday", "国庆节") in days
    assert package_special_days(2030) == []


# --- properties of the arithmetic over calendars held in memory ----------------------------

_MEMORY_YEARS = {
    2025: YearCalendar.from_days(
        2025, SOURCE_PACKAGE, [(d, k) for d, k, _n in package_special_days(2025)]
    ),
    2026: YearCalendar.from_days(
        2026, SOURCE_PACKAGE, [(d, k) for d, k, _n in package_special_days(2026)]
    ),
    2027: YearCalendar.from_days(2027, SOURCE_ADMIN, [(d, k) for d, k, _n in DAYS_2027]),
}


def _memory_calendar(year: int) -> YearCalendar:
    return _MEMORY_YEARS.get(year) or YearCalendar(year, SOURCE_WEEKENDS_ONLY)


MEMORY = WorkingDayCalculator(_memory_calendar)
starts = st.dates(min_value=date(2025, 1, 1), max_value=date(2028, 12, 31))
spans = st.integers(min_value=-400, max_value=400)
FAST = settings(max_examples=300, deadline=None)


def _expected_between(calculator: WorkingDayCalculator, start: date, n: int) -> int:
    """between(d, add(d, n)) is n, except going backwards from a day that is not worked:
    (end, d] then excludes end and holds one working day fewer (see working_days_between)."""
    return n + 1 if n < 0 and not calculator.is_working_day(start) else n


@FAST
@given(start=starts, n=spans)
def test_between_inverts_add(start, n):
    end = MEMORY.add_working_days(start, n)
    assert MEMORY.working_days_between(start, end) == _expected_between(MEMORY, start, n)
    if n >= 0 or MEMORY.is_working_day(start):
        assert MEMORY.working_days_between(start, end) == n


@FAST
@given(a=starts, b=starts)
def test_between_is_antisymmetric(a, b):
    assert MEMORY.working_days_between(a, b) == -MEMORY.working_days_between(b, a)


@FAST
@given(start=starts, n=st.integers(min_value=-400, max_value=399))
def test_more_days_end_later(start, n):
    assert MEMORY.add_working_days(start, n) < MEMORY.add_working_days(start, n + 1)


@FAST
@given(start=starts, n=spans)
def test_adding_then_subtracting_returns_no_later_than_start(start, n):
    back = MEMORY.add_working_days(MEMORY.add_working_days(start, n), -n)
    assert back <= start if n >= 0 else back >= start
    if MEMORY.is_working_day(start):
        assert back == start


@FAST
@given(start=starts, n=spans.filter(lambda n: n != 0))
def test_results_are_working_days(start, n):
    assert MEMORY.is_working_day(MEMORY.add_working_days(start, n))


@FAST
@given(a=starts, b=starts)
def test_between_counts_what_walking_the_days_counts(a, b):
    first, last = min(a, b), max(a, b)
    walked = sum(1 for d in _days(first + timedelta(days=1), last) if MEMORY.is_working_day(d))
    assert MEMORY.working_days_between(first, last) == walked
    assert MEMORY.working_days_between(last, first) == -walked


# --- the same properties through the public, database-backed functions --------------------

_boundary_starts = st.dates(min_value=date(2026, 10, 1), max_value=date(2027, 3, 31))
_DB = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _check_public_properties(start: date, n: int) -> None:
    end = add_working_days(start, n)
    assert working_days_between(start, end) == _expected_between(calendar._default, start, n)
    assert n == 0 or is_working_day(end)
    assert end < add_working_days(start, n + 1)
    back = add_working_days(end, -n)
    assert back <= start if n >= 0 else back >= start


@pytest.mark.django_db
@_DB
@given(start=_boundary_starts, n=st.integers(min_value=-150, max_value=150))
def test_properties_across_2027_without_a_calendar(start, n):
    assert year_source(2027) == SOURCE_WEEKENDS_ONLY
    _check_public_properties(start, n)


@pytest.mark.django_db
@_DB
@given(start=_boundary_starts, n=st.integers(min_value=-150, max_value=150))
def test_properties_across_2027_with_an_admin_calendar(calendar_2027, start, n):
    assert year_source(2027) == SOURCE_ADMIN
    _check_public_properties(start, n)
    if start.year == 2027 and n > 0:
        assert add_working_days(start, n) not in {d for d, k, _n in DAYS_2027 if k == "holiday"}

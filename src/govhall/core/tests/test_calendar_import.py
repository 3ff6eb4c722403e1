"""Loading a year's calendar: the import service, calendar files, the ``calendar`` command and
the start-up check."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta

import chinese_calendar
import pytest
from django.core.checks import Warning as CheckWarning
from django.core.checks import run_checks
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import OperationalError
from django.utils import timezone
from hypothesis import example, given, settings
from hypothesis import strategies as st

from govhall.core import calendar, checks, errors
from govhall.core.calendar import (
    SOURCE_ADMIN,
    is_working_day,
    package_special_days,
    year_source,
    year_special_days,
)
from govhall.core.calendar_services import (
    calendar_file_parse,
    calendar_file_render_csv,
    calendar_year_import,
)
from govhall.core.models import AuditEntry, CalendarDay, CalendarYear
from govhall.core.tests.test_calendar import DAYS_2027, SOURCE_2027


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    calendar.calendar_cache_clear()
    yield
    calendar.calendar_cache_clear()


@pytest.fixture
def today_2026(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: date(2026, 11, 20))


# --- the import service ---------------------------------------------------------------------


@pytest.mark.django_db
def test_admin_imports_a_year_with_an_audit_row(admin_user):
    calendar_year = calendar_year_import(
        actor=admin_user, year=2027, source=SOURCE_2027, days=DAYS_2027
    )
    assert calendar_year.loaded_by == admin_user and calendar_year.source == SOURCE_2027
    assert calendar_year.days.count() == len(DAYS_2027)
    entry = AuditEntry.objects.filter(action="core.calendar_year_import").get()
    assert entry.actor == admin_user
    assert entry.object_type == "core.calendaryear" and entry.object_id == str(calendar_year.pk)
    assert entry.summary["after"] == {
        "year": 2027,
        "holidays": 19,
        "workdays": 3,
        "source": SOURCE_2027,
    }


@pytest.mark.django_db
def test_reimport_replaces_the_days_and_is_idempotent(admin_user):
    calendar_year_import(actor=admin_user, year=2027, source="第一版", days=DAYS_2027)
    calendar_year_import(actor=admin_user, year=2027, source=SOURCE_2027, days=DAYS_2027)
    assert CalendarYear.objects.get().source == SOURCE_2027
    rows = list(CalendarDay.objects.order_by("date").values_list("date", "kind", "name"))
    assert rows == sorted(DAYS_2027)
    calendar_year_import(
        actor=admin_user, year=2027, source="更正", days=[(date(2027, 1, 1), "holiday", "元旦")]
    )
    assert list(CalendarDay.objects.values_list("date", flat=True)) == [date(2027, 1, 1)]
    assert is_working_day(date(2027, 10, 1))
    last = AuditEntry.objects.filter(action="core.calendar_year_import").order_by("-seq").first()
    assert last.summary["before"]["holidays"] == 19


@pytest.mark.django_db
def test_the_system_may_import_without_a_user():
    calendar_year = calendar_year_import(actor=None, year=2027, source=SOURCE_2027, days=DAYS_2027)
    assert calendar_year.loaded_by is None
    assert AuditEntry.objects.get(action="core.calendar_year_import").actor_label == "system"


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["clerk", "supervisor", "applicant"])
def test_only_system_administrators_may_import(persona, request):
    actor = request.getfixturevalue(persona)
    with pytest.raises(errors.PermissionDenied):
        calendar_year_import(actor=actor, year=2027, source=SOURCE_2027, days=DAYS_2027)
    assert not CalendarYear.objects.exists() and not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_import_reports_every_problem_and_imports_nothing(admin_user):
    days = [
        (date(2027, 1, 1), "holiday", "元旦"),
        (date(2026, 12, 31), "holiday", "跨年"),  # 2: not in 2027
        (date(2027, 1, 4), "workday", "元旦"),  # 3: a Monday cannot be a swapped working day
        (date(2027, 1, 1), "holiday", "元旦"),  # 4: duplicate of row 1
        (date(2027, 5, 1), "rest", "劳动节"),  # 5: unknown kind
        (date(2027, 5, 2), "holiday", "劳" * 51),  # 6: name too long
    ]
    with pytest.raises(errors.ValidationError) as raised:
        calendar_year_import(actor=admin_user, year=2027, source="  ", days=days)
    problems = raised.value.fields["days"]
    assert [p.split("(")[0] for p in problems] == [
        "第 2 条",
        "第 3 条",
        "第 4 条",
        "第 5 条",
        "第 6 条",
    ]
    assert "调休上班日应为周六或周日" in problems[1] and "与第 1 条重复" in problems[2]
    assert raised.value.fields["source"]
    assert not CalendarYear.objects.exists() and not CalendarDay.objects.exists()
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_a_failed_reimport_keeps_the_previous_days(admin_user):
    calendar_year_import(actor=admin_user, year=2027, source=SOURCE_2027, days=DAYS_2027)
    with pytest.raises(errors.ValidationError):
        calendar_year_import(
            actor=admin_user, year=2027, source="x", days=[(date(2027, 3, 1), "workday", "")]
        )
    assert CalendarDay.objects.count() == len(DAYS_2027)


@pytest.mark.django_db
def test_empty_years_and_years_out_of_range_are_refused(admin_user):
    with pytest.raises(errors.ValidationError) as raised:
        calendar_year_import(actor=admin_user, year=2027, source=SOURCE_2027, days=[])
    assert raised.value.fields["days"]
    with pytest.raises(errors.ValidationError) as raised:
        calendar_year_import(actor=admin_user, year=1999, source=SOURCE_2027, days=DAYS_2027)
    assert raised.value.fields["year"]


# --- files ----------------------------------------------------------------------------------

CSV_2027_ZH = "日期,类型,名称\n2027-01-01,休,元旦\n2027/2/20,班,春节\n2027-10-01,节假日,国庆节\n"


def test_csv_in_gbk_with_chinese_kinds_parses():
    rows = calendar_file_parse(CSV_2027_ZH.encode("gbk"), "2027年节假日.csv")
    assert rows == [
        (date(2027, 1, 1), "holiday", "元旦"),
        (date(2027, 2, 20), "workday", "春节"),
        (date(2027, 10, 1), "holiday", "国庆节"),
    ]


def test_csv_in_utf8_with_and_without_bom_parses():
    text = "date,kind,name\n2027-10-09,调休上班,国庆节\n2027-10-01,holiday,国庆节\n"
    expected = [(date(2027, 10, 9), "workday", "国庆节"), (date(2027, 10, 1), "holiday", "国庆节")]
    assert calendar_file_parse(text.encode("utf-8-sig"), "a.csv") == expected
    assert calendar_file_parse(text.encode(), "a.csv") == expected


def test_json_parses():
    content = json.dumps(
        [
            {"date": "2027-01-01", "kind": "holiday", "name": "元旦"},
            {"date": "2027-02-20", "kind": "班"},
        ],
        ensure_ascii=False,
    ).encode()
    assert calendar_file_parse(content, "2027.json") == [
        (date(2027, 1, 1), "holiday", "元旦"),
        (date(2027, 2, 20), "workday", ""),
    ]


def test_bad_csv_rows_are_reported_by_line():
    content = "date,kind,name\n2027-01-01,holiday,元旦\n2027-13-01,holiday,x\n\n2027-02-20,上课,y\n"
    with pytest.raises(errors.ValidationError) as raised:
        calendar_file_parse(content.encode(), "a.csv")
    problems = raised.value.fields["days"]
    assert len(problems) == 2
    assert problems[0].startswith("第 3 行") and "2027-13-01" in problems[0]
    assert problems[1].startswith("第 5 行") and "上课" in problems[1]


@pytest.mark.parametrize(
    ("content", "filename"),
    [
        (b"", "a.csv"),
        (b"when,what\n2027-01-01,holiday\n", "a.csv"),
        (b'[{"date": ', "a.json"),
        (b'{"date": "2027-01-01"}', "a.json"),
        (b"[1, 2]", "a.json"),
        (bytes(range(128, 256)), "a.csv"),
    ],
)
def test_bad_files_raise_validation_errors(content, filename):
    with pytest.raises(errors.ValidationError) as raised:
        calendar_file_parse(content, filename)
    assert raised.value.fields["days"]


@settings(max_examples=200, deadline=None)
@given(content=st.binary(max_size=300), filename=st.sampled_from(["a.csv", "a.json", "a.txt"]))
@example(content=b"\x00\r\x00", filename="a.csv")  # once a csv.Error escaped
@example(content='date,kind\n"2027-01-01\r,休'.encode(), filename="a.csv")
def test_any_bytes_parse_or_raise_a_validation_error(content, filename):
    try:
        rows = calendar_file_parse(content, filename)
    except errors.ValidationError:
        return
    assert all(isinstance(day, date) and kind in ("holiday", "workday") for day, kind, _n in rows)


@settings(max_examples=100, deadline=None)
@given(
    days=st.lists(
        st.tuples(
            st.dates(min_value=date(2027, 1, 1), max_value=date(2027, 12, 31)),
            st.sampled_from(["holiday", "workday"]),
            st.text(
                alphabet=st.characters(codec="gbk", exclude_categories=["Cs", "Cc"]), max_size=8
            ),
        ),
        max_size=20,
    )
)
def test_rendered_csv_parses_back(days):
    days = [(d, k, n.strip()) for d, k, n in days]
    assert calendar_file_parse(calendar_file_render_csv(days).encode(), "x.csv") == days


@pytest.mark.django_db
def test_export_then_import_round_trips(admin_user):
    out = io.StringIO()
    call_command("calendar", "export", "--year", "2026", stdout=out)
    exported = out.getvalue()
    assert exported.splitlines()[0] == "date,kind,name"
    assert "2026-10-01,holiday,国庆节" in exported
    days = calendar_file_parse(exported.encode(), "2026.csv")
    assert days == package_special_days(2026)
    calendar_year_import(actor=admin_user, year=2026, source="导出再导入", days=days)
    assert year_source(2026) == SOURCE_ADMIN
    assert year_special_days(2026) == package_special_days(2026)
    for day in (date(2026, 1, 1) + timedelta(days=i) for i in range(365)):
        assert is_working_day(day) == chinese_calendar.is_workday(day), day
    again = io.StringIO()
    call_command("calendar", "export", "--year", "2026", stdout=again)
    assert again.getvalue() == exported


# --- the command ----------------------------------------------------------------------------


def _run(*argv: str) -> int:
    """Run ``calendar ...`` and return the exit code the console would see (``run_from_argv``
    exits with a CommandError's ``returncode``; it also closes connections, hence not used)."""
    try:
        call_command("calendar", *argv)
    except CommandError as exc:
        return exc.returncode
    return 0


@pytest.mark.django_db
def test_status_exits_1_while_next_year_is_missing_and_0_once_loaded(today_2026, capsys):
    assert _run("status") == 1
    captured = capsys.readouterr()
    assert "2026: chinese_calendar" in captured.out and "2027: 缺失" in captured.out
    assert "2027 年没有工作日历" in captured.err
    calendar_year_import(actor=None, year=2027, source=SOURCE_2027, days=DAYS_2027)
    assert _run("status") == 0
    assert f"2027: 管理员导入({SOURCE_2027})" in capsys.readouterr().out


@pytest.mark.django_db
def test_status_of_other_years_warns_but_exits_on_this_and_next_year(today_2026, capsys):
    calendar_year_import(actor=None, year=2027, source=SOURCE_2027, days=DAYS_2027)
    assert _run("status", "--years", "2026", "2030") == 0
    captured = capsys.readouterr()
    assert "2030: 缺失" in captured.out and "2030 年没有工作日历" in captured.err
    call_command("calendar", "status", "--years", "2028")  # no CommandError: exit code 0


@pytest.mark.django_db
def test_import_command_loads_a_file(tmp_path, capsys):
    path = tmp_path / "2027.csv"
    path.write_bytes(calendar_file_render_csv(DAYS_2027).encode("gbk"))
    assert _run("import", str(path), "--year", "2027", "--source", SOURCE_2027) == 0
    assert "节假日 19 天,调休上班 3 天" in capsys.readouterr().out
    assert year_source(2027) == SOURCE_ADMIN
    assert CalendarYear.objects.get().loaded_by is None


@pytest.mark.django_db
def test_import_command_lists_problems_and_exits_1(tmp_path, capsys):
    path = tmp_path / "2027.csv"
    path.write_text("date,kind,name\n2027-01-04,workday,x\n2028-01-01,holiday,y\n")
    assert _run("import", str(path), "--year", "2027", "--source", SOURCE_2027) == 1
    err = capsys.readouterr().err
    assert "第 1 条" in err and "第 2 条" in err
    assert not CalendarYear.objects.exists()


@pytest.mark.django_db
def test_export_of_a_year_without_a_calendar_fails():
    with pytest.raises(CommandError):
        call_command("calendar", "export", "--year", "2030")


# --- the system check -----------------------------------------------------------------------


@pytest.mark.django_db
def test_check_warns_about_the_missing_next_year(today_2026):
    messages = run_checks(tags=["govhall"])
    warnings = [m for m in messages if m.id == "govhall.W001"]
    assert len(warnings) == 1 and isinstance(warnings[0], CheckWarning)
    assert "2027" in warnings[0].msg and "calendar import" in warnings[0].hint
    calendar_year_import(actor=None, year=2027, source=SOURCE_2027, days=DAYS_2027)
    assert [m for m in run_checks(tags=["govhall"]) if m.id == "govhall.W001"] == []


def test_check_is_silent_before_the_database_is_migrated(monkeypatch):
    def not_migrated(*args, **kwargs):
        raise OperationalError("no such table: core_calendaryear")

    monkeypatch.setattr(checks, "missing_years", not_migrated)
    assert checks.calendar_years_check(None) == []

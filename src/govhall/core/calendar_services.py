"""Writes of the working-day calendar: importing a year, and reading/writing calendar files.

Pages, the admin and the ``calendar`` command all call :func:`calendar_year_import`; no rule
about what a valid year looks like lives anywhere else (:func:`calendar_rows_validate`).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import PurePath
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from govhall.core import errors
from govhall.core.audit import audit_record
from govhall.core.calendar import (
    HOLIDAY,
    WORKDAY,
    SpecialDay,
    calendar_cache_clear,
    can_manage_calendar,
)
from govhall.core.models import CalendarDay, CalendarYear

MIN_YEAR = 2000
MAX_YEAR = 2100
_NAME_MAX = CalendarDay._meta.get_field("name").max_length
_SOURCE_MAX = CalendarYear._meta.get_field("source").max_length

CSV_HEADER = ("date", "kind", "name")
_HEADER_ALIASES = {
    "date": "date",
    "日期": "date",
    "kind": "kind",
    "type": "kind",
    "类型": "kind",
    "name": "name",
    "名称": "name",
    "节日": "name",
}
_KIND_ALIASES = {
    "holiday": HOLIDAY,
    "休": HOLIDAY,
    "休息": HOLIDAY,
    "节假日": HOLIDAY,
    "法定节假日": HOLIDAY,
    "workday": WORKDAY,
    "班": WORKDAY,
    "上班": WORKDAY,
    "补班": WORKDAY,
    "调休上班": WORKDAY,
    "调休上班日": WORKDAY,
}
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


# --- validation -----------------------------------------------------------------------------


def _row_problems(year: int, day: Any, kind: Any, name: Any) -> list[str]:
    if not isinstance(day, date) or isinstance(day, datetime):
        return [_("日期无效。")]
    problems = []
    if day.year != year:
        problems.append(_("日期不在 %(year)s 年内。") % {"year": year})
    if kind not in (HOLIDAY, WORKDAY):
        problems.append(_("类型应为“holiday”(节假日)或“workday”(调休上班)。"))
    elif kind == WORKDAY and day.weekday() < 5:
        problems.append(_("调休上班日应为周六或周日。"))
    if not isinstance(name, str) or len(name) > _NAME_MAX:
        problems.append(_("名称不能超过 %(max)s 个字。") % {"max": _NAME_MAX})
    return problems


def calendar_rows_validate(year: int, days: Iterable[SpecialDay]) -> list[str]:
    """Every problem of a year's special days, each message naming its row (1-based)."""
    problems: list[str] = []
    first_row: dict[date, int] = {}
    count = 0
    for number, row in enumerate(days, start=1):
        count += 1
        if not isinstance(row, tuple | list) or len(row) != 3:
            problems.append(_("第 %(row)s 条:应包含日期、类型和名称。") % {"row": number})
            continue
        day, kind, name = row
        label = day.isoformat() if isinstance(day, date) else str(day)
        for problem in _row_problems(year, day, kind, name):
            problems.append(
                _("第 %(row)s 条(%(date)s):%(problem)s")
                % {"row": number, "date": label, "problem": problem}
            )
        if isinstance(day, date) and day in first_row:
            problems.append(
                _("第 %(row)s 条(%(date)s):日期与第 %(first)s 条重复。")
                % {"row": number, "date": label, "first": first_row[day]}
            )
        elif isinstance(day, date):
            first_row[day] = number
    if count == 0:
        problems.append(_("没有任何节假日或调休安排。"))
    return problems


def _validate_import(year: int, source: str, days: list[SpecialDay]) -> None:
    fields: dict[str, list[str]] = {}
    if not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR:
        bounds = {"min": MIN_YEAR, "max": MAX_YEAR}
        fields["year"] = [_("年份应在 %(min)s 至 %(max)s 之间。") % bounds]
    if not source.strip():
        fields["source"] = [_("请填写依据(如国务院办公厅的节假日安排通知)。")]
    elif len(source.strip()) > _SOURCE_MAX:
        fields["source"] = [_("依据不能超过 %(max)s 个字。") % {"max": _SOURCE_MAX}]
    if "year" not in fields:
        problems = calendar_rows_validate(year, days)
        if problems:
            fields["days"] = problems
    if fields:
        raise errors.ValidationError(
            _("年度日历有误,未导入任何数据。"), code="invalid_calendar", fields=fields
        )


# --- the import service ---------------------------------------------------------------------


def _counts(days: Iterable[tuple[date, str, str]]) -> dict[str, int]:
    kinds = [kind for _day, kind, _name in days]
    return {"holidays": kinds.count(HOLIDAY), "workdays": kinds.count(WORKDAY)}


def calendar_year_summary(calendar_year: CalendarYear) -> dict[str, Any]:
    """What the audit trail records about a loaded year."""
    counts = calendar_year.days.values("kind").annotate(n=models.Count("id"))
    by_kind = {row["kind"]: row["n"] for row in counts}
    return {
        "year": calendar_year.year,
        "holidays": by_kind.get(HOLIDAY, 0),
        "workdays": by_kind.get(WORKDAY, 0),
        "source": calendar_year.source,
    }


def calendar_caches_reset() -> None:
    """Clear the calendar cache now and again when the transaction commits, so that no reader
    keeps what it cached in between."""
    calendar_cache_clear()
    transaction.on_commit(calendar_cache_clear)


def calendar_year_import(
    *, actor: Any, year: int, source: str, days: list[SpecialDay]
) -> CalendarYear:
    """Load (or replace) the official calendar of ``year``; its days become authoritative.

    Only a system administrator or the system (``actor=None``) may import. Every row is
    checked first and all problems are reported together; nothing is written when any fails.
    Importing the same days again changes nothing but the audit trail.
    """
    if not can_manage_calendar(actor):
        raise errors.PermissionDenied(_("只有系统管理员可以导入工作日历。"))
    days = list(days)
    _validate_import(year, source, days)
    with transaction.atomic():
        calendar_year = CalendarYear.objects.select_for_update().filter(year=year).first()
        before = calendar_year_summary(calendar_year) if calendar_year else None
        if calendar_year is None:
            calendar_year = CalendarYear(year=year)
        calendar_year.source = source.strip()
        calendar_year.loaded_by = actor if isinstance(actor, models.Model) else None
        calendar_year.save()
        CalendarDay.objects.filter(
            models.Q(calendar_year=calendar_year) | models.Q(date__year=year)
        ).delete()
        CalendarDay.objects.bulk_create(
            CalendarDay(calendar_year=calendar_year, date=day, kind=kind, name=name.strip())
            for day, kind, name in sorted(days)
        )
        after = {"year": year, **_counts(days), "source": calendar_year.source}
        audit_record(
            actor=actor,
            action="core.calendar_year_import",
            obj=calendar_year,
            before=before,
            after=after,
        )
        calendar_caches_reset()
    return calendar_year


# --- files ----------------------------------------------------------------------------------


def _decode(content: bytes) -> str:
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    for encoding in ("utf-8", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _file_error([_("文件编码无法识别,请保存为 UTF-8 或 GBK 编码。")])


def _file_error(problems: list[str]) -> errors.ValidationError:
    return errors.ValidationError(
        _("日历文件有误,请修改后重新上传。"),
        code="invalid_calendar_file",
        fields={"days": problems},
    )


def _parse_date(value: Any) -> date | None:
    match = _DATE.match(str(value or "").strip())
    if not match:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def _parse_row(
    date_value: Any, kind_value: Any, name_value: Any
) -> tuple[SpecialDay | None, list[str]]:
    problems: list[str] = []
    day = _parse_date(date_value)
    if day is None:
        problems.append(_("日期“%(value)s”无效,应为 YYYY-MM-DD。") % {"value": date_value or ""})
    kind = _KIND_ALIASES.get(str(kind_value or "").strip().lower())
    if kind is None:
        problems.append(
            _("类型“%(value)s”无效,应为 holiday/休/节假日 或 workday/班/调休上班。")
            % {"value": kind_value or ""}
        )
    name = "" if name_value is None else str(name_value).strip()
    if problems or day is None or kind is None:
        return None, problems
    return (day, kind, name), []


def _parse_csv(text: str) -> list[SpecialDay]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        return _parse_csv_rows(reader)
    except csv.Error as exc:
        problem = _("第 %(row)s 行:无法按 CSV 读取(%(error)s)。")
        raise _file_error([problem % {"row": reader.line_num, "error": exc}]) from exc


def _parse_csv_rows(reader: Any) -> list[SpecialDay]:
    header = next(reader, None)
    columns = [_HEADER_ALIASES.get(cell.strip().lower(), "") for cell in header or []]
    if "date" not in columns or "kind" not in columns:
        raise _file_error([_("第 1 行应为表头 date,kind,name(日期,类型,名称)。")])
    rows: list[SpecialDay] = []
    problems: list[str] = []
    for line_number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        values = dict(zip(columns, cells, strict=False))
        row, row_problems = _parse_row(values.get("date"), values.get("kind"), values.get("name"))
        problems += [
            _("第 %(row)s 行:%(problem)s") % {"row": line_number, "problem": p}
            for p in row_problems
        ]
        if row is not None:
            rows.append(row)
    if problems:
        raise _file_error(problems)
    return rows


def _parse_json(text: str) -> list[SpecialDay]:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise _file_error([_("JSON 格式错误:%(error)s") % {"error": exc}]) from exc
    if not isinstance(data, list):
        raise _file_error([_("JSON 文件应为数组,每项包含 date、kind、name。")])
    rows: list[SpecialDay] = []
    problems: list[str] = []
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            problems.append(_("第 %(row)s 条:应为包含 date、kind、name 的对象。") % {"row": number})
            continue
        row, row_problems = _parse_row(item.get("date"), item.get("kind"), item.get("name"))
        problems += [
            _("第 %(row)s 条:%(problem)s") % {"row": number, "problem": p} for p in row_problems
        ]
        if row is not None:
            rows.append(row)
    if problems:
        raise _file_error(problems)
    return rows


def calendar_file_parse(content: bytes, filename: str) -> list[SpecialDay]:
    """Read a calendar file into ``(date, kind, name)`` rows.

    CSV (header ``date,kind,name``; UTF-8 with or without BOM, or GBK; kind also 休/班 or
    节假日/调休上班) or JSON (``[{"date": "2027-01-01", "kind": "holiday", "name": "元旦"}]``),
    chosen by extension, else by content. Any problem raises
    :class:`govhall.core.errors.ValidationError` listing every bad row.
    """
    text = _decode(content).strip()
    if not text:
        raise _file_error([_("文件为空。")])
    suffix = PurePath(filename or "").suffix.lower()
    is_json = suffix == ".json" or (suffix != ".csv" and text[0] in "[{")
    return _parse_json(text) if is_json else _parse_csv(text)


def calendar_file_render_csv(days: Iterable[SpecialDay]) -> str:
    """The CSV form of special days (header ``date,kind,name``), as read by
    :func:`calendar_file_parse`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for day, kind, name in days:
        writer.writerow([day.isoformat(), kind, name])
    return buffer.getvalue()

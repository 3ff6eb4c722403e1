"""``calendar``: the working-day calendar from the command line.

    calendar status [--years 2026 2027]     where each year's calendar comes from
    calendar import FILE --year 2027 --source "国务院办公厅关于2027年部分节假日安排的通知"
    calendar export --year 2026             the year's special days as CSV, to start a file from

``status`` exits with code 1 when this year or next year has no calendar, so that monitoring
can alert administrators; 0 otherwise.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.core import errors
from govhall.core.calendar import (
    HOLIDAY,
    SOURCE_ADMIN,
    SOURCE_PACKAGE,
    missing_years,
    year_source,
    year_special_days,
)
from govhall.core.calendar_services import (
    calendar_file_parse,
    calendar_file_render_csv,
    calendar_year_import,
)
from govhall.core.models import CalendarYear


def _source_label(year: int, source: str) -> str:
    if source == SOURCE_ADMIN:
        loaded = CalendarYear.objects.filter(year=year).values_list("source", flat=True).first()
        return _("管理员导入(%(source)s)") % {"source": loaded or ""}
    if source == SOURCE_PACKAGE:
        return _("chinese_calendar 软件包内置")
    return _("缺失:仅按周末计算")


class Command(BaseCommand):
    help = "Working-day calendar: status, import FILE --year --source, export --year."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        status = sub.add_parser("status", help="show where each year's calendar comes from")
        status.add_argument("--years", nargs="+", type=int, help="default: this year and next")
        load = sub.add_parser("import", help="load a year's official calendar from CSV or JSON")
        load.add_argument("file", help="CSV (date,kind,name) or JSON file")
        load.add_argument("--year", type=int, required=True)
        load.add_argument("--source", required=True, help="the notice the days come from")
        export = sub.add_parser("export", help="print a year's special days as CSV")
        export.add_argument("--year", type=int, required=True)

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "status":
            self._status(options["years"])
        elif action == "import":
            self._import(options["file"], options["year"], options["source"])
        elif action == "export":
            self._export(options["year"])
        else:  # pragma: no cover - argparse rejects other actions
            raise CommandError(f"unknown action {action}")

    def _status(self, years: list[int] | None) -> None:
        today = timezone.localdate()
        required = [today.year, today.year + 1]
        shown = years or required
        for year in shown:
            line = f"{year}: {_source_label(year, year_source(year))}"
            self.stdout.write(self.style.WARNING(line) if missing_years([year]) else line)
        for year in missing_years([*shown, *required]):
            self.stderr.write(self._missing_message(year))
        missing_required = missing_years(required)
        if missing_required:
            raise CommandError(
                _("缺少 %(years)s 年的工作日历。")
                % {"years": "、".join(str(y) for y in missing_required)},
                returncode=1,
            )

    def _missing_message(self, year: int) -> str:
        return _(
            "警告:%(year)s 年没有工作日历,办理时限仅按周末计算。请导入国务院办公厅公布的"
            "节假日安排:govhall calendar import 文件 --year %(year)s --source 通知名称"
        ) % {"year": year}

    def _import(self, file: str, year: int, source: str) -> None:
        path = Path(file)
        try:
            content = path.read_bytes()
        except OSError as exc:
            message = _("无法读取文件 %(file)s:%(error)s") % {"file": file, "error": exc}
            raise CommandError(message) from exc
        try:
            days = calendar_file_parse(content, path.name)
            calendar_year = calendar_year_import(actor=None, year=year, source=source, days=days)
        except errors.ApplicationError as exc:
            for problems in exc.fields.values():
                for problem in problems:
                    self.stderr.write(problem)
            raise CommandError(exc.message, returncode=1) from exc
        holidays = sum(1 for _day, kind, _name in days if kind == HOLIDAY)
        self.stdout.write(
            _("已导入 %(year)s 年工作日历:节假日 %(holidays)s 天,调休上班 %(workdays)s 天。")
            % {"year": calendar_year.year, "holidays": holidays, "workdays": len(days) - holidays}
        )

    def _export(self, year: int) -> None:
        days = year_special_days(year)
        if not days:
            raise CommandError(_("%(year)s 年没有可导出的工作日历。") % {"year": year})
        self.stdout.write(calendar_file_render_csv(days), ending="")

"""``catalog_import FILE --reason "..." [--department USCC]``: import the lists as the system.

Every row is checked first; with any error nothing is imported, the errors are printed (sheet,
row, column, message) and the command exits with code 1. Imported rows become drafts to be
reviewed in the workbench; nothing is published.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from govhall.catalog.importexport import ImportInvalid, catalog_import
from govhall.core import errors
from govhall.organizations.models import Department

SYSTEM_ACTOR = "catalog_import"  # the audit label of the command line


class Command(BaseCommand):
    help = "Import service items (xlsx, csv, zip of CSVs, json) as drafts; all rows or none."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the file to import")
        parser.add_argument("--reason", required=True, help="why (the change reason of revisions)")
        parser.add_argument("--department", help="USCC: accept only this department's rows")

    def handle(self, *args: Any, file: str, reason: str, department: str | None, **options: Any):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"no such file: {file}")
        only = None
        if department:
            only = Department.objects.filter(uscc=department.strip().upper()).first()
            if only is None:
                raise CommandError(f"unknown department USCC: {department}")
        try:
            report = catalog_import(
                actor=SYSTEM_ACTOR,
                department_or_none=only,
                file_bytes=path.read_bytes(),
                filename=path.name,
                reason=reason,
            )
        except ImportInvalid as exc:
            for problem in exc.problems:
                row = "-" if problem.row is None else str(problem.row)
                self.stderr.write(f"{problem.sheet}\t{row}\t{problem.column}\t{problem.message}")
            raise CommandError(exc.message) from exc
        except errors.ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"created {report.created}, updated {report.updated}, unchanged {report.unchanged}"
        )
        for version in report.drafts:
            self.stdout.write(
                f"  {version.item.implementation_code} v{version.number} {version.name}"
            )

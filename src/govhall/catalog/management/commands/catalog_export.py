"""``catalog_export --format xlsx|csv|json|gbt39046 --output FILE [--department USCC]
[--include published|latest]``: write the catalog to a file (``--output -``: standard output).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from govhall.catalog.importexport import FORMATS, catalog_export
from govhall.core import errors
from govhall.organizations.models import Department


class Command(BaseCommand):
    help = "Export the published catalog (or the latest versions): xlsx, csv (zip), json, gbt39046."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=FORMATS, default="xlsx")
        parser.add_argument("--output", required=True, help="file to write, or - for stdout")
        parser.add_argument("--department", help="USCC: only this department's items")
        parser.add_argument("--include", choices=["published", "latest"], default="published")

    def handle(self, *args: Any, **options: Any) -> None:
        department = None
        if options["department"]:
            department = Department.objects.filter(
                uscc=options["department"].strip().upper()
            ).first()
            if department is None:
                raise CommandError(f"unknown department USCC: {options['department']}")
        try:
            content = catalog_export(
                fmt=options["format"],
                department=department,
                include=options["include"],
                actor="catalog_export",
            )
        except errors.ApplicationError as exc:
            raise CommandError(exc.message) from exc
        if options["output"] == "-":
            sys.stdout.buffer.write(content)
            return
        Path(options["output"]).write_bytes(content)
        self.stderr.write(f"wrote {len(content)} bytes to {options['output']}")

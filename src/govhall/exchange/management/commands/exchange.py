"""``govhall exchange <action>``: data exchange tools.

``verify-log``: walk the data access log's hash chain and compare it with the last recorded good
check; prints ``OK: N entries, head seq S hash H`` (exit 0) or names the first problem (exit 1).
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from govhall.exchange.tasks import access_log_check


class Command(BaseCommand):
    help = "Data exchange tools. `exchange verify-log`: check the data access log for tampering."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify-log", help="verify the data access log's hash chain")
        verify.add_argument(
            "--no-record",
            action="store_true",
            help="do not record the outcome in the audit trail",
        )
        verify.add_argument("--json", action="store_true", help="print the report as JSON")

    def handle(self, *args, action: str, **options):
        if action == "verify-log":
            return self._verify_log(record=not options["no_record"], as_json=options["json"])
        raise CommandError(f"unknown action {action}")

    def _verify_log(self, *, record: bool, as_json: bool) -> None:
        report = access_log_check(actor="cli", record=record)
        if as_json:
            self.stdout.write(
                json.dumps(
                    {
                        "ok": report.ok,
                        "entries_checked": report.rows_checked,
                        "head_seq": report.head_seq,
                        "head_hash": report.head_hash,
                        "problem": report.problem,
                    }
                )
            )
        if not report.ok:
            raise CommandError(
                f"access log BROKEN after {report.rows_checked} good entries: {report.problem}"
            )
        if not as_json:
            self.stdout.write(
                f"OK: {report.rows_checked} entries, head seq {report.head_seq or '-'} "
                f"hash {report.head_hash or '-'}"
            )

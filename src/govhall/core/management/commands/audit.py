from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from govhall.core.audit import audit_chain_verify
from govhall.core.models import AuditCheck


class Command(BaseCommand):
    help = "Audit trail tools. `audit verify`: walk the hash chain, report the first broken row."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="verify the audit hash chain")
        verify.add_argument(
            "--no-record", action="store_true", help="do not store the outcome as an AuditCheck"
        )

    def handle(self, *args, action: str, **options):
        if action != "verify":
            raise CommandError(f"unknown action {action}")
        report = audit_chain_verify()
        if not options["no_record"]:
            AuditCheck.objects.create(
                ok=report.ok,
                rows_checked=report.rows_checked,
                head_seq=report.head_seq,
                head_hash=report.head_hash,
                problem=report.problem,
            )
        if not report.ok:
            raise CommandError(
                f"audit chain BROKEN after {report.rows_checked} good rows: {report.problem}"
            )
        self.stdout.write(
            f"audit chain OK: {report.rows_checked} rows, head seq {report.head_seq}, "
            f"head hash {report.head_hash or '-'}"
        )

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count

from govhall.notifications.dispatch import dispatch_run
from govhall.notifications.models import Notification


class Command(BaseCommand):
    help = (
        "Notification outbox tools. `notifications dispatch`: deliver everything due now; "
        "`notifications status`: rows per channel and status."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        dispatch = sub.add_parser("dispatch", help="deliver every due notification now")
        dispatch.add_argument("--limit", type=int, default=100_000, help="at most this many rows")
        sub.add_parser("status", help="count notifications per channel and status")

    def handle(self, *args, action: str, **options):
        if action == "dispatch":
            run = dispatch_run(limit=options["limit"])
            self.stdout.write(
                f"handled {run.handled} notifications: {run.sent} sent, "
                f"{run.handled - run.sent} failed or rescheduled"
            )
        elif action == "status":
            rows = (
                Notification.objects.values("channel", "status")
                .annotate(n=Count("id"))
                .order_by("channel", "status")
            )
            for row in rows:
                self.stdout.write(f"{row['channel']:6} {row['status']:8} {row['n']}")
        else:  # pragma: no cover - argparse refuses other actions
            raise CommandError(f"unknown action {action}")

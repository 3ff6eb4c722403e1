from __future__ import annotations

import signal
from threading import Event

from django.conf import settings
from django.core.management.base import BaseCommand

from govhall.core import jobs


class Command(BaseCommand):
    help = "Run the background worker: notifications, sweeps, imports, periodic checks."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run due jobs, then exit")
        parser.add_argument("--worker-id", default=None)

    def handle(self, *args, once: bool, worker_id: str | None, **options):
        if once:
            jobs.discover()
            jobs.schedule_periodic()
            ran = jobs.run_pending(worker_id=worker_id)
            self.stdout.write(f"ran {ran} jobs")
            return
        stop = Event()

        def request_stop(signum, frame):
            # Finish the job in hand, then leave; an unfinished lease is reclaimed anyway.
            stop.set()

        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)
        jobs.worker_loop(
            stop=stop, worker_id=worker_id, poll_seconds=settings.GOVHALL_WORKER_POLL_SECONDS
        )

"""Background jobs of the notifications app: the outbox dispatcher."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from govhall.core.jobs import job
from govhall.notifications.dispatch import DISPATCH_JOB, dispatch_run, dispatch_soon

# One job handles at most this many rows or this many seconds, then hands over to a fresh job so
# that other kinds of jobs get their turn on the worker.
JOB_LIMIT = 5000
JOB_TIME_BUDGET_SECONDS = 60.0


@job(DISPATCH_JOB, every=timedelta(seconds=30))
def notifications_dispatch_job(payload: dict[str, Any]) -> None:
    """Deliver due notifications; scheduled on commit by enqueue and every 30 s as a sweep."""
    run = dispatch_run(limit=JOB_LIMIT, time_budget=JOB_TIME_BUDGET_SECONDS)
    if not run.drained:
        dispatch_soon()

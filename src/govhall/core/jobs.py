"""Background jobs stored as database rows, run by ``govhall worker``.

- ``job_enqueue`` writes a row (usually from ``transaction.on_commit`` or inside the caller's
  transaction, so a job exists exactly when the change that needs it committed).
- A worker claims one due job at a time under a lease: ``SELECT ... FOR UPDATE SKIP LOCKED`` on
  PostgreSQL; on SQLite the claim transaction holds the database write lock (IMMEDIATE mode).
- A worker killed halfway leaves its lease to expire; the job is then claimed again. Handlers are
  therefore idempotent and receive ids, never objects.
- Failures are retried with exponential backoff up to ``max_attempts``; the last error is kept.
- Periodic jobs are registered with ``every=`` and enqueued once per period (dedupe key).
"""

from __future__ import annotations

import logging
import os
import socket
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from threading import Event
from typing import Any

from django.db import IntegrityError, close_old_connections, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from govhall.core.models import Job

logger = logging.getLogger("govhall.worker")

Handler = Callable[[dict[str, Any]], None]


@dataclass(frozen=True)
class JobSpec:
    kind: str
    handler: Handler
    every: timedelta | None
    max_attempts: int


_registry: dict[str, JobSpec] = {}


def job(kind: str, *, every: timedelta | None = None, max_attempts: int = 8):
    """Register ``handler(payload)`` for ``kind``. With ``every``, the worker also runs it
    periodically (once per period across all workers)."""

    def register(handler: Handler) -> Handler:
        _registry[kind] = JobSpec(kind, handler, every, max_attempts)
        return handler

    return register


def registered() -> dict[str, JobSpec]:
    return dict(_registry)


def discover() -> None:
    """Import every installed app's ``tasks`` module, which registers its handlers."""
    autodiscover_modules("tasks")


def job_enqueue(
    *,
    kind: str,
    payload: dict[str, Any] | None = None,
    dedupe_key: str | None = None,
    run_after: datetime | None = None,
    max_attempts: int | None = None,
) -> Job:
    """Store a job. With ``dedupe_key``, enqueueing the same key again returns the first job."""
    spec = _registry.get(kind)
    attempts = max_attempts or (spec.max_attempts if spec else 8)
    fields = {
        "kind": kind,
        "payload": payload or {},
        "run_after": run_after or timezone.now(),
        "max_attempts": attempts,
    }
    if dedupe_key is None:
        return Job.objects.create(**fields)
    existing = Job.objects.filter(dedupe_key=dedupe_key).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            return Job.objects.create(dedupe_key=dedupe_key, **fields)
    except IntegrityError:
        return Job.objects.get(dedupe_key=dedupe_key)


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def job_claim(*, worker_id: str, lease: timedelta = timedelta(minutes=5)) -> Job | None:
    """Claim the next due job (or one whose previous worker's lease ran out)."""
    now = timezone.now()
    with transaction.atomic():
        due = Q(status=Job.Status.PENDING, run_after__lte=now) | Q(
            status=Job.Status.RUNNING, locked_until__lt=now
        )
        claimed = (
            Job.objects.select_for_update(skip_locked=True)
            .filter(due)
            .order_by("run_after", "id")
            .first()
        )
        if claimed is None:
            return None
        if claimed.attempts >= claimed.max_attempts:
            # Its last worker died on the final attempt: give up visibly instead of looping.
            claimed.status = Job.Status.FAILED
            claimed.finished_at = now
            claimed.last_error = claimed.last_error or "lease expired on the final attempt"
            claimed.save(update_fields=["status", "finished_at", "last_error"])
            return None
        claimed.status = Job.Status.RUNNING
        claimed.attempts += 1
        claimed.locked_by = worker_id
        claimed.locked_until = now + lease
        claimed.save(update_fields=["status", "attempts", "locked_by", "locked_until"])
        return claimed


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(5 * 2 ** (attempts - 1), 3600))


def job_execute(claimed: Job) -> bool:
    """Run a claimed job's handler and record the outcome. Returns True on success."""
    spec = _registry.get(claimed.kind)
    mine = Job.objects.filter(pk=claimed.pk, locked_by=claimed.locked_by, status=Job.Status.RUNNING)
    try:
        if spec is None:
            raise LookupError(f"no handler registered for job kind {claimed.kind!r}")
        spec.handler(claimed.payload)
    except Exception:
        error = traceback.format_exc(limit=8)
        logger.warning("job %s#%s failed (attempt %s)", claimed.kind, claimed.pk, claimed.attempts)
        final = claimed.attempts >= claimed.max_attempts
        mine.update(
            status=Job.Status.FAILED if final else Job.Status.PENDING,
            run_after=timezone.now() + _backoff(claimed.attempts),
            locked_until=None,
            last_error=error[-4000:],
            finished_at=timezone.now() if final else None,
        )
        return False
    mine.update(
        status=Job.Status.DONE, finished_at=timezone.now(), locked_until=None, last_error=""
    )
    return True


def schedule_periodic(now: datetime | None = None) -> int:
    """Enqueue each periodic job once for the current period. Cheap enough to call every loop."""
    now = now or timezone.now()
    created = 0
    for spec in _registry.values():
        if spec.every is None:
            continue
        period = int(spec.every.total_seconds())
        slot = int(now.timestamp()) // period
        before = Job.objects.filter(dedupe_key=f"{spec.kind}@{slot}").exists()
        if not before:
            job_enqueue(kind=spec.kind, dedupe_key=f"{spec.kind}@{slot}")
            created += 1
    return created


def run_pending(*, worker_id: str | None = None, limit: int = 1000) -> int:
    """Run due jobs until none is left (or ``limit``); returns how many ran. For tests and
    ``govhall worker --once``."""
    worker_id = worker_id or default_worker_id()
    ran = 0
    while ran < limit:
        claimed = job_claim(worker_id=worker_id)
        if claimed is None:
            break
        job_execute(claimed)
        ran += 1
    return ran


def worker_loop(*, stop: Event, worker_id: str | None = None, poll_seconds: float = 1.0) -> None:
    """The worker's main loop: schedule periodic jobs, run due jobs, sleep when idle."""
    discover()
    worker_id = worker_id or default_worker_id()
    logger.info("worker %s started with %d job kinds", worker_id, len(_registry))
    last_schedule = 0.0
    while not stop.is_set():
        close_old_connections()
        try:
            if time.monotonic() - last_schedule > 30:
                schedule_periodic()
                last_schedule = time.monotonic()
            claimed = job_claim(worker_id=worker_id)
        except Exception:
            logger.exception("worker could not reach the database; retrying")
            stop.wait(poll_seconds * 5)
            continue
        if claimed is None:
            stop.wait(poll_seconds)
            continue
        job_execute(claimed)
    logger.info("worker %s stopped", worker_id)

"""Ingestion (数据归集): a provider department's data officer loads a resource's registry.

A load reads a CSV, Excel or JSON file (or rows pushed through the API), checks every row
against the resource's field types and the subject key's check character, and merges the valid
rows into :class:`~govhall.exchange.models.Record` by key (subject key, record key): a new key
is inserted, a changed row updated, an identical row left alone; loading the same file twice
changes nothing. ``mode`` decides what happens when rows are rejected: ``all_or_nothing``
writes nothing and reports every rejection; ``valid_only`` merges the valid rows and reports the
others. See ``ingest/`` for the formats, the rules and the two database paths.

Every load leaves a :class:`~govhall.exchange.models.Load` row, its history:

- created (``running``) in its own transaction before the file is read;
- the merge, the final counts and the audit record commit together, in one transaction;
  nothing of a load is visible before it commits, and a load that fails halfway leaves nothing;
- a file that cannot be loaded at all (unreadable, wrong columns, too large, no rows) is
  recorded ``rejected`` with the reason and answers 422; an unexpected failure is recorded
  ``failed`` with the error, in a transaction of its own, and raised.

A ``running`` load whose process died is never finished: it stays ``running``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, BinaryIO

from django.core.files import File
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.core import errors
from govhall.core.audit import audit_record
from govhall.exchange import permissions
from govhall.exchange.ingest import pg, portable
from govhall.exchange.ingest.columns import plan_columns, schema_for
from govhall.exchange.ingest.reading import (
    FORMATS,
    CsvInput,
    RowsInput,
    csv_open,
    json_open,
    push_open,
    upload_max_bytes,
    xlsx_open,
)
from govhall.exchange.ingest.report import Outcome
from govhall.exchange.models import Load, Resource

logger = logging.getLogger(__name__)
Progress = Callable[[str, int, int, float], None]  # stage, done, to do (0: unknown), seconds
MAX_PUSH_ROWS = 10_000
ERROR_MAX_CHARS = 2000
SYSTEM_SOURCES = {Load.Source.SEED, Load.Source.SYSTEM}


def load_allowed_check(*, actor: Any, resource: Resource) -> None:
    """403 unless the actor may load this resource (the provider's data officer)."""
    if not permissions.can_load_resource(actor, resource):
        raise errors.PermissionDenied(_("只有资源提供部门的数据专员可以归集该资源。"))


def _require_loader(actor: Any, resource: Resource, source: str) -> None:
    if actor is None:  # the system itself: demo seeding, or another app's own writes
        if source not in SYSTEM_SOURCES:
            raise errors.PermissionDenied()
        return
    load_allowed_check(actor=actor, resource=resource)


def _require_choice(value: str, choices: Any, field: str, message: str) -> None:
    if value not in choices:
        raise errors.ValidationError(message, fields={field: [message]})


def _open(stream: BinaryIO, file_format: str, limit: int | None) -> CsvInput | RowsInput:
    if file_format == "csv":
        return csv_open(stream, limit=limit)
    if file_format == "xlsx":
        return xlsx_open(stream, limit=limit)
    return json_open(stream, limit=limit)


def records_ingest(
    *,
    actor: Any,
    resource: Resource,
    stream: BinaryIO,
    file_format: str = "csv",
    mode: str = Load.Mode.ALL_OR_NOTHING,
    source: str = Load.Source.UPLOAD,
    file_name: str = "",
    progress: Progress | None = None,
) -> Load:
    """Load a file into the resource's registry; returns the finished Load with its counts.

    ``stream`` is read once, in pieces (a huge generated CSV is never held in memory on
    PostgreSQL; its header is the first line). ``actor`` None is the system, allowed for
    ``source=seed`` and ``source=system`` only; the size limit
    (``GOVHALL_EXCHANGE_UPLOAD_MAX_BYTES``) does not apply to seed loads.
    ``progress(stage, done, total, seconds)`` is called with ``"reading"`` (bytes read, total 0)
    while a CSV streams into PostgreSQL, ``"validating"`` and ``"merging"`` (rows; on SQLite rows
    merged so far) and ``"done"``.
    """
    _require_loader(actor, resource, source)
    _require_choice(file_format, FORMATS, "format", _("文件格式应为 CSV、Excel(.xlsx)或 JSON。"))
    _require_choice(mode, Load.Mode.values, "mode", _("未知的入库方式。"))
    limit = None if source == Load.Source.SEED else upload_max_bytes()
    return _ingest(
        actor=actor,
        resource=resource,
        opener=lambda: _open(stream, file_format, limit),
        file_format=file_format,
        mode=mode,
        source=source,
        file_name=file_name[:200],
        progress=progress,
    )


def records_push(*, actor: Any, resource: Resource, rows: list[dict], mode: str) -> Load:
    """Rows pushed through the API (at most ``MAX_PUSH_ROWS``): a load with ``source=api``."""
    _require_loader(actor, resource, Load.Source.API)
    _require_choice(mode, Load.Mode.values, "mode", _("未知的入库方式。"))
    if not rows:
        raise errors.ValidationError(_("没有要入库的数据行。"), fields={"rows": [_("不能为空。")]})
    if len(rows) > MAX_PUSH_ROWS:
        message = _("一次最多推送 %(n)s 行,请分批推送或上传文件。") % {"n": MAX_PUSH_ROWS}
        raise errors.ValidationError(message, code="too_many_rows", fields={"rows": [message]})
    return _ingest(
        actor=actor,
        resource=resource,
        opener=lambda: push_open(rows),
        file_format="json",
        mode=mode,
        source=Load.Source.API,
        file_name="",
        progress=None,
    )


def _ingest(
    *,
    actor: Any,
    resource: Resource,
    opener: Callable[[], CsvInput | RowsInput],
    file_format: str,
    mode: str,
    source: str,
    file_name: str,
    progress: Progress | None,
) -> Load:
    with transaction.atomic():
        load = Load.objects.create(
            resource=resource,
            loaded_by=actor,
            source=source,
            mode=mode,
            file_name=file_name,
            file_format=file_format,
        )
    started = time.perf_counter()
    try:
        with transaction.atomic():
            Resource.objects.select_for_update().filter(pk=resource.pk).first()  # one at a time
            outcome, digest = _validate_and_merge(resource, load, opener, mode, progress)
            _load_finish(load, outcome, digest, time.perf_counter() - started)
            audit_record(actor=actor, action="exchange.load", obj=load, after=_summary(load))
    except errors.ApplicationError as exc:
        _load_end_badly(load, actor, Load.Status.REJECTED, exc.message, started)
        raise
    except Exception as exc:
        _load_end_badly(load, actor, Load.Status.FAILED, f"{type(exc).__name__}: {exc}", started)
        raise
    if progress:
        progress("done", load.rows_total, load.rows_total, load.seconds)
    return load


def _validate_and_merge(
    resource: Resource,
    load: Load,
    opener: Callable[[], CsvInput | RowsInput],
    mode: str,
    progress: Progress | None,
) -> tuple[Outcome, str]:
    source = opener()
    schema = schema_for(resource)
    plan = plan_columns(resource, schema, source.header)
    engine = pg if connection.vendor == "postgresql" else portable
    outcome = engine.ingest(
        resource_id=resource.pk,
        load_id=load.pk,
        schema=schema,
        plan=plan,
        source=source,
        mode=mode,
        today=timezone.localdate().strftime("%Y%m%d"),
        now=timezone.now(),
        progress=progress,
    )
    if not outcome.total:
        raise errors.ValidationError(
            _("文件中没有数据行。"), code="invalid_file", fields={"file": [_("没有数据行。")]}
        )
    return outcome, source.sha256


def _load_finish(load: Load, outcome: Outcome, digest: str, seconds: float) -> None:
    loaded = outcome.merged and outcome.valid > 0
    load.status = Load.Status.LOADED if loaded else Load.Status.REJECTED
    load.content_sha256 = digest
    load.rows_total = outcome.total
    load.rows_valid = outcome.valid
    load.rows_rejected = outcome.rejected
    load.rows_inserted = outcome.inserted
    load.rows_updated = outcome.updated
    load.rows_unchanged = outcome.unchanged
    load.rejections = outcome.stored
    load.method = outcome.method
    load.seconds = round(seconds, 3)
    load.finished_at = timezone.now()
    if outcome.rejections_csv is not None:
        with outcome.rejections_csv as handle:
            load.rejections_file.save(f"load-{load.pk}-rejections.csv", File(handle), save=False)
    load.save()


def _summary(load: Load) -> dict[str, Any]:
    return {
        "resource": load.resource.code,
        "status": load.status,
        "mode": load.mode,
        "source": load.source,
        "file_name": load.file_name,
        "content_sha256": load.content_sha256,
        "rows_total": load.rows_total,
        "rows_rejected": load.rows_rejected,
        "rows_inserted": load.rows_inserted,
        "rows_updated": load.rows_updated,
        "rows_unchanged": load.rows_unchanged,
        "error": load.error[:500],
    }


def _load_end_badly(load: Load, actor: Any, status: str, error: str, started: float) -> None:
    """Record a refused or failed load, in a transaction of its own, so that history keeps it.
    If even that fails (the database is gone), the load stays ``running``; the caller raises
    the original error either way."""
    try:
        with transaction.atomic():
            load.status = status
            load.error = error[:ERROR_MAX_CHARS]
            load.seconds = round(time.perf_counter() - started, 3)
            load.finished_at = timezone.now()
            load.save(update_fields=["status", "error", "seconds", "finished_at", "updated_at"])
            audit_record(actor=actor, action="exchange.load", obj=load, after=_summary(load))
    except Exception:
        logger.exception("could not record the end of load %s", load.pk)

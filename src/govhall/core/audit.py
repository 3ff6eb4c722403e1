"""The audit trail: an append-only, hash-chained log written in the caller's transaction.

Every service that changes state calls :func:`audit_record` inside its ``transaction.atomic``
block, so the change and its audit row commit or roll back together.

Chain: ``hash = SM3(canonical(row) + prev_hash)``. Appends are serialized so that concurrent
writers (several web processes, the worker) never fork the chain:

- PostgreSQL: a transaction-scoped advisory lock taken just before the head is read; it is held
  until the caller's transaction ends. Services therefore write their audit row last.
- SQLite: every transaction already holds the database write lock from its start
  (``transaction_mode=IMMEDIATE`` in settings).

Unique constraints on ``seq`` and ``prev_hash`` make a fork impossible even if the lock were
bypassed: the second writer fails instead of branching.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from govhall.core.context import current_request_id
from govhall.core.models import AuditCheck, AuditEntry

GENESIS_HASH = "0" * 64
_ADVISORY_LOCK_KEY = 0x60A0D17  # "govhall audit" lock id, any constant unique to this use


def sm3_hex(data: bytes) -> str:
    """SM3 digest (GB/T 32905). OpenSSL's implementation when the build has it, else gmssl."""
    try:
        return hashlib.new("sm3", data).hexdigest()
    except ValueError:  # OpenSSL without SM3
        from gmssl import func, sm3

        return sm3.sm3_hash(func.bytes_to_list(data))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal | float):
        # floats are kept as text so that the canonical form survives the database round trip
        return str(value)
    if isinstance(value, models.Model):
        return str(value.pk)
    return value


def _canonical(entry: AuditEntry) -> bytes:
    body = {
        "seq": entry.seq,
        "created_at": entry.created_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor_id": entry.actor_id,
        "actor_label": entry.actor_label,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "summary": entry.summary,
        "request_id": entry.request_id,
        "prev_hash": entry.prev_hash,
    }
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def compute_hash(entry: AuditEntry) -> str:
    return sm3_hex(_canonical(entry))


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK_KEY])


def actor_label(actor: Any) -> str:
    if actor is None:
        return "system"
    if isinstance(actor, str):
        return actor
    return getattr(actor, "username", "") or f"user:{actor.pk}"


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one audit row. Must run inside the transaction of the change it records.

    ``actor`` is a user, ``None`` for the system, or a string label such as ``"worker"``.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("audit_record must be called inside transaction.atomic()")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    summary: dict[str, Any] = {}
    if before is not None:
        summary["before"] = _jsonable(before)
    if after is not None:
        summary["after"] = _jsonable(after)
    if extra:
        summary["extra"] = _jsonable(extra)
    # The JSON round trip makes the stored form equal to what was hashed on every database.
    summary = json.loads(json.dumps(summary, ensure_ascii=False))

    _lock_chain()
    head = AuditEntry.objects.order_by("-seq").values_list("seq", "hash").first()
    seq, prev_hash = (head[0] + 1, head[1]) if head else (1, GENESIS_HASH)
    user = actor if isinstance(actor, models.Model) else None
    entry = AuditEntry(
        seq=seq,
        created_at=timezone.now(),
        actor=user,
        actor_label=actor_label(actor),
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        summary=summary,
        request_id=current_request_id(),
        prev_hash=prev_hash,
    )
    entry.hash = compute_hash(entry)
    entry.save(force_insert=True)
    return entry


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    rows_checked: int
    head_seq: int | None
    head_hash: str
    problem: str


def audit_chain_verify(*, chunk_size: int = 5000) -> ChainReport:
    """Walk the whole chain in order; report the first row that was changed, removed or
    inserted out of chain. Reads in chunks so that it runs in constant memory."""
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    last_hash = ""
    fields = [
        "seq",
        "created_at",
        "actor_id",
        "actor_label",
        "action",
        "object_type",
        "object_id",
        "summary",
        "request_id",
        "prev_hash",
        "hash",
    ]
    queryset = AuditEntry.objects.order_by("seq").only(*fields)
    for entry in queryset.iterator(chunk_size=chunk_size):
        if entry.seq != expected_seq:
            problem = (
                f"row seq {expected_seq} is missing (next present row is seq {entry.seq})"
                if entry.seq > expected_seq
                else f"row seq {entry.seq} is out of order"
            )
            return ChainReport(False, checked, entry.seq, entry.hash, problem)
        if entry.prev_hash != expected_prev:
            problem = (
                f"row seq {entry.seq}: prev_hash does not match the hash of row {entry.seq - 1}"
            )
            return ChainReport(False, checked, entry.seq, entry.hash, problem)
        if compute_hash(entry) != entry.hash:
            problem = f"row seq {entry.seq}: content does not match its hash (row was changed)"
            return ChainReport(False, checked, entry.seq, entry.hash, problem)
        checked += 1
        expected_prev = entry.hash
        expected_seq += 1
        last_hash = entry.hash
    head_seq = expected_seq - 1 if checked else None
    return ChainReport(True, checked, head_seq, last_hash, "")


def audit_check_run() -> AuditCheck:
    """Verify the chain and store the outcome, for administrators' pages and the worker."""
    report = audit_chain_verify()
    with transaction.atomic():
        return AuditCheck.objects.create(
            ok=report.ok,
            rows_checked=report.rows_checked,
            head_seq=report.head_seq,
            head_hash=report.head_hash,
            problem=report.problem,
        )

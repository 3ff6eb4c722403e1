"""The data access log (数据访问日志): every read of registry data, and every refused attempt.

Each entry is chained to the previous one like the audit trail:
``hash = SM3(canonical(entry) + prev_hash)``, where the canonical form includes an SM3 digest of
the sorted subject keys, so that removing, adding or editing a subject row is detected as well.
Appends are serialized by a transaction-scoped advisory lock on PostgreSQL (and by the IMMEDIATE
write lock on SQLite); unique ``seq`` and ``prev_hash`` make a fork impossible.

Refusals are logged too: a refused query must leave a trace even though its transaction is the
one being refused, so callers log the refusal in its own transaction before raising.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from govhall.core.audit import GENESIS_HASH, actor_label, sm3_hex
from govhall.core.context import current_request_id
from govhall.exchange.models import AccessLogEntry, AccessLogSubject

_ADVISORY_LOCK_KEY = 0x60A0D18  # "govhall access log"; the audit chain uses 0x60A0D17
_SUBJECT_BATCH = 5000


def subjects_digest(subject_keys: Iterable[str]) -> str:
    """SM3 over the sorted, distinct subject keys, one per line."""
    keys = sorted(set(subject_keys))
    return sm3_hex("\n".join(keys).encode())


def _canonical(entry: AccessLogEntry) -> bytes:
    body = {
        "seq": entry.seq,
        "created_at": entry.created_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor_id": entry.actor_id,
        "actor_label": entry.actor_label,
        "department_id": entry.department_id,
        "client": entry.client,
        "channel": entry.channel,
        "kind": entry.kind,
        "outcome": entry.outcome,
        "reason": entry.reason,
        "purpose_reference": entry.purpose_reference,
        "purpose_title": entry.purpose_title,
        "resources": entry.resources,
        "fields": entry.fields,
        "subject_count": entry.subject_count,
        "subjects_digest": entry.subjects_digest,
        "request_id": entry.request_id,
        "prev_hash": entry.prev_hash,
    }
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def compute_hash(entry: AccessLogEntry) -> str:
    return sm3_hex(_canonical(entry))


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK_KEY])


@dataclass(frozen=True)
class AccessContext:
    """Who reads and how: built once per request by the view (user, channel, system client)."""

    actor: Any
    channel: str
    client: str = ""

    @property
    def department_id(self) -> int | None:
        return getattr(self.actor, "department_id", None)


def _anonymous_label(context: AccessContext) -> str:
    return "system" if context.channel == AccessLogEntry.Channel.SYSTEM else "anonymous"


def access_log_append(
    *,
    context: AccessContext,
    kind: str,
    outcome: str,
    subject_keys: Iterable[str],
    resources: list[str] | None = None,
    fields: dict[str, list[str]] | None = None,
    purpose_reference: str = "",
    purpose_title: str = "",
    reason: str = "",
) -> AccessLogEntry:
    """Append one entry (and its subject rows). Runs in the caller's transaction if there is
    one, else in its own; the lock is held until that transaction ends, so write it last."""
    keys = sorted({key for key in subject_keys if key})
    fields = {name: sorted(set(values)) for name, values in (fields or {}).items()}
    with transaction.atomic():
        _lock_chain()
        head = AccessLogEntry.objects.order_by("-seq").values_list("seq", "hash").first()
        seq, prev_hash = (head[0] + 1, head[1]) if head else (1, GENESIS_HASH)
        actor = context.actor if getattr(context.actor, "pk", None) else None
        entry = AccessLogEntry(
            seq=seq,
            created_at=timezone.now(),
            actor=actor,
            actor_label=actor_label(actor) if actor else _anonymous_label(context),
            department_id=context.department_id,
            client=context.client[:100],
            channel=context.channel,
            kind=kind,
            outcome=outcome,
            reason=reason,
            purpose_reference=purpose_reference[:64],
            purpose_title=purpose_title[:200],
            resources=sorted(set(resources or [])),
            fields=fields,
            subject_count=len(keys),
            subjects_digest=subjects_digest(keys),
            request_id=current_request_id(),
            prev_hash=prev_hash,
        )
        entry.hash = compute_hash(entry)
        entry.save(force_insert=True)
        _subjects_insert(entry, keys)
    return entry


def _subjects_insert(entry: AccessLogEntry, keys: list[str]) -> None:
    if connection.vendor == "postgresql" and len(keys) > 1:
        # One statement for a whole batch (27,169 subjects: ~50 ms instead of ~1 s).
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {AccessLogSubject._meta.db_table} (entry_id, subject_key) "
                "SELECT %s, unnest(%s::text[])",
                [entry.pk, keys],
            )
        return
    for start in range(0, len(keys), _SUBJECT_BATCH):
        AccessLogSubject.objects.bulk_create(
            [
                AccessLogSubject(entry=entry, subject_key=key)
                for key in keys[start : start + _SUBJECT_BATCH]
            ]
        )


@dataclass(frozen=True)
class LogReport:
    ok: bool
    rows_checked: int
    head_seq: int | None
    head_hash: str
    problem: str


def _subject_digests(first_seq: int, last_seq: int) -> dict[int, str]:
    """Digest of the stored subject keys of every entry in a seq range, in one query."""
    keys: dict[int, list[str]] = {}
    rows = (
        AccessLogSubject.objects.filter(entry__seq__gte=first_seq, entry__seq__lte=last_seq)
        .values_list("entry__seq", "subject_key")
        .iterator(chunk_size=20_000)
    )
    for seq, key in rows:
        keys.setdefault(seq, []).append(key)
    return {seq: subjects_digest(values) for seq, values in keys.items()}


def _chunks(chunk_size: int) -> Iterator[list[AccessLogEntry]]:
    last = 0
    while True:
        chunk = list(AccessLogEntry.objects.filter(seq__gt=last).order_by("seq")[:chunk_size])
        if not chunk:
            return
        yield chunk
        last = chunk[-1].seq


def access_log_verify(*, chunk_size: int = 2000) -> LogReport:
    """Walk the whole log in order; report the first entry that was changed, removed, inserted
    out of chain, or whose subject rows no longer match its digest."""
    expected_prev, expected_seq, checked, last_hash = GENESIS_HASH, 1, 0, ""
    empty_digest = subjects_digest([])
    for chunk in _chunks(chunk_size):
        digests = _subject_digests(chunk[0].seq, chunk[-1].seq)
        for entry in chunk:
            problem = ""
            if entry.seq != expected_seq:
                problem = (
                    f"entry seq {expected_seq} is missing (next present entry is seq {entry.seq})"
                )
            elif entry.prev_hash != expected_prev:
                problem = f"entry seq {entry.seq}: prev_hash does not match entry {entry.seq - 1}"
            elif compute_hash(entry) != entry.hash:
                problem = f"entry seq {entry.seq}: content does not match its hash (edited)"
            elif digests.get(entry.seq, empty_digest) != entry.subjects_digest:
                problem = f"entry seq {entry.seq}: its subject rows were changed"
            if problem:
                return LogReport(False, checked, entry.seq, entry.hash, problem)
            checked += 1
            expected_prev, expected_seq, last_hash = entry.hash, expected_seq + 1, entry.hash
    return LogReport(True, checked, expected_seq - 1 if checked else None, last_hash, "")

"""Background jobs of the exchange: the periodic tamper check of the data access log.

Each check walks the access log's hash chain (:func:`access_log_verify`) and records its outcome
in the audit trail (``exchange.log_verified`` / ``exchange.log_broken``), with the head it saw.
The audit chain thereby anchors the access log: a later check also finds that the head seen
before is gone or different, which a walk of the chain alone cannot tell (entries cut from the
end, or the whole log rewritten with recomputed hashes).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.db import transaction

from govhall.core.audit import audit_record
from govhall.core.jobs import job
from govhall.core.models import AuditEntry
from govhall.exchange.access_log import LogReport, access_log_verify
from govhall.exchange.models import AccessLogEntry

logger = logging.getLogger("govhall.audit")

ACTION_VERIFIED = "exchange.log_verified"
ACTION_BROKEN = "exchange.log_broken"


def _check_anchor(report: LogReport) -> LogReport:
    """A good chain must still contain the head that the last good check recorded."""
    last = (
        AuditEntry.objects.filter(action=ACTION_VERIFIED)
        .order_by("-seq")
        .values_list("summary", "created_at")
        .first()
    )
    if last is None:
        return report
    summary, checked_at = last
    seen = (summary or {}).get("extra", {})
    seq, head_hash = seen.get("head_seq"), seen.get("head_hash")
    if not seq or AccessLogEntry.objects.filter(seq=seq, hash=head_hash).exists():
        return report
    problem = (
        f"entry seq {seq}, the head of the log at the check of {checked_at:%Y-%m-%d %H:%M}, "
        "is missing or differs: entries were removed from the end or the log was rewritten"
    )
    return LogReport(False, report.rows_checked, report.head_seq, report.head_hash, problem)


def access_log_check(*, actor: Any = "worker", record: bool = True) -> LogReport:
    """Verify the access log, compare it with the last good check, and (unless ``record`` is
    False) record the outcome in the audit trail."""
    report = access_log_verify()
    if report.ok:
        report = _check_anchor(report)
    if record:
        with transaction.atomic():
            audit_record(
                actor=actor,
                action=ACTION_VERIFIED if report.ok else ACTION_BROKEN,
                object_type="exchange.accesslogentry",
                object_id=str(report.head_seq or ""),
                extra={
                    "rows_checked": report.rows_checked,
                    "head_seq": report.head_seq,
                    "head_hash": report.head_hash,
                    "problem": report.problem,
                },
            )
    return report


@job("exchange.access_log_check", every=timedelta(hours=6), max_attempts=3)
def access_log_check_job(payload: dict) -> None:
    """Re-check the access log; a broken log is logged as an error (and audited)."""
    report = access_log_check(actor="worker")
    if not report.ok:
        logger.error("data access log broken: %s", report.problem)

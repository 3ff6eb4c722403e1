from __future__ import annotations

import itertools
import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from govhall.core.audit import GENESIS_HASH, audit_chain_verify, audit_record
from govhall.core.models import AuditEntry
from govhall.core.models.audit import AuditImmutableError


def _write(n: int, actor=None) -> None:
    for i in range(n):
        with transaction.atomic():
            audit_record(
                actor=actor,
                action="test.write",
                object_type="test",
                object_id=str(i),
                after={"i": i},
            )


def _tamper(sql: str, params: list) -> None:
    """Change rows behind the application's back, as a DBA with a SQL console could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # What a superuser would do to get past the append-only trigger.
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = origin")


@pytest.mark.django_db
def test_audit_rows_form_a_chain_from_genesis(applicant):
    _write(3, actor=applicant)
    rows = list(AuditEntry.objects.order_by("seq"))
    assert [r.seq for r in rows][-3:] == [rows[-3].seq, rows[-3].seq + 1, rows[-3].seq + 2]
    assert rows[0].prev_hash == GENESIS_HASH
    for previous, current in itertools.pairwise(rows):
        assert current.prev_hash == previous.hash
    assert rows[-1].actor == applicant and rows[-1].actor_label == applicant.username
    report = audit_chain_verify()
    assert report.ok and report.rows_checked == len(rows)


@pytest.mark.django_db(transaction=True)
def test_audit_record_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError):
        audit_record(actor=None, action="test.write", object_type="t", object_id="1")


@pytest.mark.django_db
def test_audit_rows_cannot_be_changed_or_deleted_through_the_application():
    _write(1)
    entry = AuditEntry.objects.get()
    entry.action = "forged"
    with pytest.raises(AuditImmutableError):
        entry.save()
    with pytest.raises(AuditImmutableError):
        entry.delete()
    with pytest.raises(AuditImmutableError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="forged")
    with pytest.raises(AuditImmutableError):
        AuditEntry.objects.all().delete()


@pytest.mark.django_db
def test_postgresql_refuses_raw_update_of_audit_rows():
    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger exists on PostgreSQL only")
    from django.db import DatabaseError

    _write(1)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditentry SET action = 'forged'")


@pytest.mark.django_db
def test_verify_finds_a_row_changed_by_hand():
    _write(5)
    target = AuditEntry.objects.order_by("seq")[2]
    _tamper(
        "UPDATE core_auditentry SET summary = %s WHERE seq = %s",
        ['{"after": {"i": 99}}', target.seq],
    )
    report = audit_chain_verify()
    assert not report.ok
    assert f"row seq {target.seq}" in report.problem and "changed" in report.problem
    assert report.rows_checked == target.seq - 1


@pytest.mark.django_db
def test_verify_finds_a_row_deleted_by_hand():
    _write(5)
    target = AuditEntry.objects.order_by("seq")[1]
    _tamper("DELETE FROM core_auditentry WHERE seq = %s", [target.seq])
    report = audit_chain_verify()
    assert not report.ok and f"row seq {target.seq} is missing" in report.problem


@pytest.mark.django_db
def test_verify_finds_a_row_whose_hash_was_recomputed_but_not_its_successors():
    _write(4)
    rows = list(AuditEntry.objects.order_by("seq"))
    forged = rows[1]
    forged.action = "forged"
    from govhall.core.audit import compute_hash

    new_hash = compute_hash(forged)
    _tamper(
        "UPDATE core_auditentry SET action = %s, hash = %s WHERE seq = %s",
        ["forged", new_hash, forged.seq],
    )
    report = audit_chain_verify()
    assert not report.ok and f"row seq {rows[2].seq}: prev_hash" in report.problem


@pytest.mark.django_db
def test_audit_verify_command_exits_non_zero_on_tampering(capsys):
    _write(3)
    call_command("audit", "verify")
    assert "audit chain OK: 3 rows" in capsys.readouterr().out
    _tamper("UPDATE core_auditentry SET actor_label = %s WHERE seq = %s", ["mallory", 2])
    with pytest.raises(CommandError, match="row seq 2"):
        call_command("audit", "verify")


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain():
    errors: list[BaseException] = []

    def writer(worker: int) -> None:
        try:
            for i in range(10):
                with transaction.atomic():
                    audit_record(
                        actor=f"worker{worker}",
                        action="test.concurrent",
                        object_type="t",
                        object_id=str(i),
                    )
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert AuditEntry.objects.count() == 40
    report = audit_chain_verify()
    assert report.ok and report.rows_checked == 40

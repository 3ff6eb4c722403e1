"""``govhall exchange verify-log`` and the worker's periodic re-check of the access log."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from govhall import cli
from govhall.accounts.tests.factories import StaffFactory
from govhall.core import jobs
from govhall.core.models import AuditEntry
from govhall.exchange.access_log import AccessContext, access_log_append, compute_hash
from govhall.exchange.models import AccessLogEntry, AccessLogSubject
from govhall.exchange.tasks import access_log_check

ENTRY = AccessLogEntry._meta.db_table
SUBJECT = AccessLogSubject._meta.db_table


@pytest.fixture
def reader(housing_department):
    return StaffFactory(username="zjj_reader", department=housing_department, posts=["review"])


def _write(reader, subject_key: str, count: int) -> list[AccessLogEntry]:
    return [
        access_log_append(
            context=AccessContext(actor=reader, channel="page"),
            kind="profile",
            outcome="granted",
            subject_keys=[subject_key],
            resources=["population"],
            fields={"population": ["name", "address"]},
            purpose_reference=f"YT-2026-{n:04d}",
            purpose_title="公租房资格审核",
        )
        for n in range(count)
    ]


def _sql(statement: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _run(*argv: str) -> int:
    """The exit code the console would see (``run_from_argv`` exits with a CommandError's
    ``returncode``; it also closes connections, hence not used here)."""
    try:
        call_command("exchange", *argv)
    except CommandError as exc:
        return exc.returncode
    return 0


@pytest.mark.django_db
def test_verify_log_prints_ok_with_the_head_and_exits_0(reader, applicant, capsys):
    entries = _write(reader, applicant.id_number, 3)
    assert _run("verify-log") == 0
    out = capsys.readouterr().out.strip()
    assert out == f"OK: 3 entries, head seq 3 hash {entries[-1].hash}"


@pytest.mark.django_db
def test_verify_log_on_an_empty_log(capsys):
    assert _run("verify-log") == 0
    assert capsys.readouterr().out.strip() == "OK: 0 entries, head seq - hash -"


@pytest.mark.django_db
def test_verify_log_names_the_edited_entry_and_exits_1(reader, applicant):
    _write(reader, applicant.id_number, 3)
    _sql(f"UPDATE {ENTRY} SET actor_label = %s WHERE seq = %s", ["mallory", 2])
    with pytest.raises(CommandError, match="entry seq 2") as raised:
        call_command("exchange", "verify-log")
    assert raised.value.returncode == 1
    assert "BROKEN after 1 good entries" in str(raised.value)


@pytest.mark.django_db
def test_verify_log_json_reports_the_problem(reader, applicant, capsys):
    entries = _write(reader, applicant.id_number, 2)
    _sql(f"DELETE FROM {SUBJECT} WHERE entry_id = %s", [entries[0].pk])
    assert _run("verify-log", "--json") == 1
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False
    assert report["problem"] == "entry seq 1: its subject rows were changed"


@pytest.mark.django_db
def test_verify_log_records_the_outcome_in_the_audit_trail(reader, applicant):
    entries = _write(reader, applicant.id_number, 2)
    _run("verify-log")
    audit = AuditEntry.objects.get(action="exchange.log_verified")
    assert audit.actor_label == "cli"
    assert audit.summary["extra"]["head_seq"] == 2
    assert audit.summary["extra"]["head_hash"] == entries[-1].hash
    _sql(f"UPDATE {ENTRY} SET purpose_title = %s WHERE seq = %s", ["x", 1])
    _run("verify-log")
    broken = AuditEntry.objects.get(action="exchange.log_broken")
    assert "entry seq 1" in broken.summary["extra"]["problem"]


@pytest.mark.django_db
def test_verify_log_no_record_leaves_the_audit_trail_alone(reader, applicant):
    _write(reader, applicant.id_number, 1)
    assert _run("verify-log", "--no-record") == 0
    assert not AuditEntry.objects.filter(action__startswith="exchange.log_").exists()


@pytest.mark.django_db
def test_entries_cut_from_the_end_are_found_against_the_last_check(reader, applicant):
    entries = _write(reader, applicant.id_number, 3)
    assert access_log_check().ok
    _sql(f"DELETE FROM {SUBJECT} WHERE entry_id = %s", [entries[-1].pk])
    _sql(f"DELETE FROM {ENTRY} WHERE seq = %s", [3])
    with pytest.raises(CommandError, match="entry seq 3, the head of the log"):
        call_command("exchange", "verify-log")


@pytest.mark.django_db
def test_a_rewritten_head_with_a_recomputed_hash_is_found(reader, applicant):
    entries = _write(reader, applicant.id_number, 2)
    assert access_log_check().ok
    head = entries[-1]
    head.purpose_title = "随便看看"
    _sql(
        f"UPDATE {ENTRY} SET purpose_title = %s, hash = %s WHERE seq = %s",
        [head.purpose_title, compute_hash(head), head.seq],
    )
    report = access_log_check()
    assert not report.ok and "entry seq 2, the head of the log" in report.problem


@pytest.mark.django_db
def test_a_log_that_grew_since_the_last_check_is_fine(reader, applicant):
    _write(reader, applicant.id_number, 2)
    assert access_log_check().ok
    _write(reader, applicant.id_number, 2)
    report = access_log_check()
    assert report.ok and report.head_seq == 4


@pytest.mark.django_db
def test_the_worker_rechecks_the_log_periodically(reader, applicant, caplog):
    jobs.discover()
    spec = jobs.registered()["exchange.access_log_check"]
    assert spec.every is not None and spec.every.total_seconds() == 6 * 3600
    _write(reader, applicant.id_number, 2)
    spec.handler({})
    assert AuditEntry.objects.get(action="exchange.log_verified").actor_label == "worker"
    _sql(f"UPDATE {ENTRY} SET reason = %s WHERE seq = %s", ["x", 2])
    spec.handler({})
    assert AuditEntry.objects.filter(action="exchange.log_broken").exists()
    assert "data access log broken: entry seq 2" in caplog.text


def test_the_console_passes_exchange_to_the_management_command(monkeypatch):
    seen: list[list[str]] = []
    monkeypatch.setattr(cli, "_django", seen.append)
    assert cli.main(["exchange", "verify-log", "--json"]) == 0
    assert seen == [["exchange", "verify-log", "--json"]]

"""The access log's hash chain: appends verify, and edits made behind the application's back
(SQL that bypasses the models) are found and named by the entry's seq."""

from __future__ import annotations

import pytest
from django.db import connection

from govhall.accounts.tests.factories import StaffFactory
from govhall.exchange.access_log import (
    AccessContext,
    access_log_append,
    access_log_verify,
    compute_hash,
)
from govhall.exchange.models import AccessLogEntry, AccessLogSubject

ENTRY = AccessLogEntry._meta.db_table
SUBJECT = AccessLogSubject._meta.db_table


@pytest.fixture
def reader(housing_department):
    return StaffFactory(username="zjj_reader", department=housing_department, posts=["review"])


def _append(reader, keys: list[str], **overrides) -> AccessLogEntry:
    arguments = {
        "context": AccessContext(actor=reader, channel="api"),
        "kind": "profile",
        "outcome": "granted",
        "subject_keys": keys,
        "resources": ["population"],
        "fields": {"population": ["name"]},
        "purpose_reference": "YT-2026-0001",
        "purpose_title": "公租房资格审核",
    }
    return access_log_append(**{**arguments, **overrides})


def _log(reader, applicant, other_applicant) -> list[AccessLogEntry]:
    return [
        _append(reader, [applicant.id_number]),
        _append(reader, [applicant.id_number, other_applicant.id_number], kind="verification"),
        _append(reader, [other_applicant.id_number], outcome="refused", reason="无授权"),
    ]


def _sql(statement: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


@pytest.mark.django_db
def test_appended_entries_verify(reader, applicant, other_applicant):
    entries = _log(reader, applicant, other_applicant)
    report = access_log_verify()
    assert report.ok, report.problem
    assert report.rows_checked == 3
    assert report.head_seq == entries[-1].seq == 3
    assert report.head_hash == entries[-1].hash
    assert entries[1].prev_hash == entries[0].hash


@pytest.mark.django_db
def test_empty_log_verifies():
    report = access_log_verify()
    assert report.ok and report.rows_checked == 0 and report.head_seq is None


@pytest.mark.django_db
def test_verify_walks_several_chunks(reader, applicant):
    for _ in range(5):
        _append(reader, [applicant.id_number])
    report = access_log_verify(chunk_size=2)
    assert report.ok and report.rows_checked == 5


@pytest.mark.django_db
def test_an_entry_edited_by_sql_is_found_with_its_seq(reader, applicant, other_applicant):
    _log(reader, applicant, other_applicant)
    _sql(f"UPDATE {ENTRY} SET purpose_title = %s WHERE seq = %s", ["随便看看", 2])
    report = access_log_verify()
    assert not report.ok
    assert report.rows_checked == 1
    assert report.head_seq == 2
    assert "entry seq 2" in report.problem and "edited" in report.problem


@pytest.mark.django_db
def test_a_changed_department_is_found(reader, applicant, other_applicant, police_department):
    _log(reader, applicant, other_applicant)
    _sql(
        f"UPDATE {ENTRY} SET department_id = %s WHERE seq = %s",
        [police_department.pk, 1],
    )
    report = access_log_verify()
    assert not report.ok and "entry seq 1" in report.problem


@pytest.mark.django_db
def test_a_forged_hash_breaks_the_link_to_the_next_entry(reader, applicant, other_applicant):
    entries = _log(reader, applicant, other_applicant)
    forged = entries[0]
    forged.purpose_title = "随便看看"
    _sql(
        f"UPDATE {ENTRY} SET purpose_title = %s, hash = %s WHERE seq = %s",
        ["随便看看", compute_hash(forged), 1],
    )
    report = access_log_verify()
    assert not report.ok and "entry seq 2: prev_hash" in report.problem


@pytest.mark.django_db
def test_a_deleted_entry_is_found(reader, applicant, other_applicant):
    entries = _log(reader, applicant, other_applicant)
    _sql(f"DELETE FROM {SUBJECT} WHERE entry_id = %s", [entries[1].pk])
    _sql(f"DELETE FROM {ENTRY} WHERE seq = %s", [2])
    report = access_log_verify()
    assert not report.ok
    assert "entry seq 2 is missing" in report.problem


@pytest.mark.django_db
def test_a_changed_subject_row_is_found(reader, applicant, other_applicant, enterprise):
    entries = _log(reader, applicant, other_applicant)
    _sql(
        f"UPDATE {SUBJECT} SET subject_key = %s WHERE entry_id = %s AND subject_key = %s",
        [enterprise.uscc, entries[1].pk, other_applicant.id_number],
    )
    report = access_log_verify()
    assert not report.ok
    assert report.problem == "entry seq 2: its subject rows were changed"


@pytest.mark.django_db
def test_an_inserted_subject_row_is_found(reader, applicant, other_applicant):
    entries = _log(reader, applicant, other_applicant)
    _sql(
        f"INSERT INTO {SUBJECT} (entry_id, subject_key) VALUES (%s, %s)",
        [entries[0].pk, other_applicant.id_number],
    )
    report = access_log_verify()
    assert not report.ok
    assert report.problem == "entry seq 1: its subject rows were changed"


@pytest.mark.django_db
def test_a_removed_subject_row_is_found(reader, applicant, other_applicant):
    entries = _log(reader, applicant, other_applicant)
    _sql(
        f"DELETE FROM {SUBJECT} WHERE entry_id = %s AND subject_key = %s",
        [entries[1].pk, applicant.id_number],
    )
    report = access_log_verify()
    assert not report.ok
    assert report.problem == "entry seq 2: its subject rows were changed"


@pytest.mark.django_db
def test_subject_rows_of_an_entry_that_read_nobody_must_stay_absent(reader, applicant):
    entry = _append(reader, [], outcome="refused", reason="未说明用途")
    _sql(
        f"INSERT INTO {SUBJECT} (entry_id, subject_key) VALUES (%s, %s)",
        [entry.pk, applicant.id_number],
    )
    report = access_log_verify()
    assert not report.ok and "entry seq 1" in report.problem

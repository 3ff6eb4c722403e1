"""The bulk path of PostgreSQL: a large first load rebuilds the record table's constraints once.

The threshold is lowered so that a few rows take the path. PostgreSQL only.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection

from govhall.accounts.tests.factories import StaffFactory
from govhall.core.identifiers import id_number_with_check
from govhall.exchange.ingest import pg
from govhall.exchange.models import Load, Record
from govhall.exchange.services_ingest import records_ingest
from govhall.exchange.tests.factories import population_resource

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the bulk path is PostgreSQL's"),
]
HEADER = ["subject_key", "name", "sex", "birth_date", "address", "household_number", "relation"]


def rows(count: int, start: int = 0) -> list[list[str]]:
    return [
        [id_number_with_check(f"34160219900101{n:03d}"), f"人{n}", "男", "1990-01-01", "", "H", ""]
        for n in range(start, start + count)
    ]


def content(table: list[list[str]]) -> io.BytesIO:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(table)
    return io.BytesIO(out.getvalue().encode())


def constraints() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE conrelid = 'exchange_record'::regclass "
            "UNION SELECT indexrelid::regclass::text FROM pg_index "
            "WHERE indrelid = 'exchange_record'::regclass"
        )
        return {row[0] for row in cursor.fetchall()}


@pytest.fixture(autouse=True)
def small_threshold(monkeypatch):
    monkeypatch.setattr(pg, "BULK_MIN_ROWS", 2)


@pytest.fixture
def population(police_department):
    return population_resource(provider=police_department)


@pytest.fixture
def officer(police_department):
    return StaffFactory(department=police_department, posts=["data_officer"])


def test_a_large_first_load_rebuilds_the_constraints_once(officer, population):
    before = constraints()
    load = records_ingest(actor=officer, resource=population, stream=content(rows(5)))
    assert load.method == "copy-bulk" and load.rows_inserted == 5
    assert constraints() == before
    record = Record.objects.get(resource=population, subject_key=rows(1)[0][0])
    assert record.load_id == load.pk and record.group_key == "H"
    again = records_ingest(actor=officer, resource=population, stream=content(rows(6)))
    assert again.method == "copy"
    assert (again.rows_inserted, again.rows_unchanged) == (1, 5)


def test_twins_in_a_bulk_load_are_rejected_and_the_rest_loaded(officer, population):
    table = rows(4)
    table.append(list(table[1]))
    load = records_ingest(
        actor=officer, resource=population, stream=content(table), mode=Load.Mode.VALID_ONLY
    )
    assert load.method == "copy-bulk"
    assert (load.rows_inserted, load.rows_rejected) == (3, 2)
    assert [item["line"] for item in load.rejections] == [3, 6]
    assert Record.objects.filter(resource=population).count() == 3


def test_a_bulk_load_meeting_stored_records_merges_instead(officer, population):
    earlier = Load.objects.create(
        resource=population, source="seed", mode="all_or_nothing", status=Load.Status.FAILED
    )
    key = rows(1)[0][0]
    Record.objects.create(
        subject_key=key, resource=population, data={}, load=earlier, row_hash="0" * 32
    )
    load = records_ingest(actor=officer, resource=population, stream=content(rows(3)))
    assert load.method == "copy"
    assert (load.rows_inserted, load.rows_updated) == (2, 1)
    assert Record.objects.get(resource=population, subject_key=key).load_id == load.pk

"""Registries read from ``demo_person`` / ``demo_legalperson`` are exactly those the generators
make (PostgreSQL reads packed strings, SQLite rows: both must agree with the generators)."""

from __future__ import annotations

import pytest
from django.db import connection

from govhall.demo import registries_sources
from govhall.demo.registries import FILLED, DatabaseSource, GeneratorSource, Registries
from govhall.demo.seeding import population_seed

pytestmark = pytest.mark.django_db

PERSONS = 700


def test_the_database_source_yields_the_generated_registries():
    population_seed(persons=PERSONS)
    stored = Registries(DatabaseSource())
    generated = Registries(GeneratorSource(persons=PERSONS))
    assert stored.source.persons == PERSONS and stored.source.legal_persons == PERSONS // 20
    for code in FILLED:
        assert list(stored.lines(code)) == list(generated.lines(code)), code


def test_an_empty_population_has_empty_registries():
    registries = Registries(DatabaseSource())
    for code in ("population", "income_tax", "legal_person"):
        assert list(registries.lines(code)) == [registries.header(code)]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the packed read is PostgreSQL's")
def test_rows_that_do_not_pack_are_read_one_by_one(monkeypatch):
    population_seed(persons=300)
    with connection.cursor() as cursor:  # a region code of another width
        cursor.execute("UPDATE demo_person SET region_code = '3416' WHERE id = 250")
    calls = []
    read_rows = registries_sources._read_rows

    def spy(*args):
        calls.append(args[1])
        return read_rows(*args)

    monkeypatch.setattr(registries_sources, "_read_rows", spy)
    records = list(Registries(DatabaseSource()).rows("population"))
    assert calls == [0] and len(records) == 300
    assert records[250]["region_code"] == "3416"

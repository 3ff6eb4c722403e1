"""The ``seed`` command and the bulk loaders behind it, on SQLite and on PostgreSQL."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from stdnum.cn import ric, uscc

from govhall.core.models import AuditEntry
from govhall.demo import seeding
from govhall.demo.generator import PopulationGenerator
from govhall.demo.models import LegalPerson, Person
from govhall.demo.seeding import SeedError, persons_seed, population_seed

pytestmark = pytest.mark.django_db

RATE = re.compile(r"seeded ([\d,]+) persons in [\d.]+ s \(([\d,]+) rows/s")


def _seed(**options) -> str:
    out = StringIO()
    call_command("seed", stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


def _stored_persons() -> list[tuple]:
    rows = Person.objects.order_by("id").values_list(*seeding.PERSON_COLUMNS)
    return [(*row[:4], row[4].isoformat(), *row[5:]) for row in rows]


def test_seed_loads_n_persons_and_reports_the_rate():
    output = _seed(persons=500)
    match = RATE.search(output)
    assert match, output
    assert match.group(1) == "500" and int(match.group(2).replace(",", "")) > 0
    assert Person.objects.count() == 500
    assert LegalPerson.objects.count() == 25  # N // 20 by default
    assert _stored_persons() == list(PopulationGenerator().persons(0, 500))
    assert all(ric.is_valid(n) for n in Person.objects.values_list("id_number", flat=True))
    assert all(uscc.is_valid(c) for c in LegalPerson.objects.values_list("uscc", flat=True))
    representatives = set(LegalPerson.objects.values_list("legal_representative_id_number"))
    assert representatives <= set(Person.objects.values_list("id_number"))
    assert AuditEntry.objects.filter(action="demo.seed").count() == 1


def test_seed_extends_an_existing_population_and_never_shrinks_it():
    _seed(persons=300, batch=64)
    _seed(persons=700, batch=64, legal_persons=20)
    assert _stored_persons() == list(PopulationGenerator().persons(0, 700))
    assert LegalPerson.objects.count() == 20
    output = _seed(persons=400)
    assert "nothing to seed" in output
    assert Person.objects.count() == 700
    assert AuditEntry.objects.filter(action="demo.seed").count() == 2


def test_legal_persons_are_capped_by_the_population():
    err = StringIO()
    call_command("seed", persons=200, legal_persons=50, stdout=StringIO(), stderr=err)
    assert LegalPerson.objects.count() == 10
    assert "need 1,000 persons" in err.getvalue()


def test_seed_refuses_a_population_made_with_another_seed():
    persons_seed(persons=200, seed=1)
    with pytest.raises(SeedError, match="another seed"):
        persons_seed(persons=300, seed=2)
    with pytest.raises(CommandError, match="another seed"):
        _seed(persons=300, seed=3)


def test_seed_refuses_a_population_with_gaps():
    persons_seed(persons=200)
    Person.objects.filter(pk=100).delete()
    with pytest.raises(SeedError, match="contiguous"):
        persons_seed(persons=300)


def test_seed_validates_its_arguments():
    with pytest.raises(CommandError):
        _seed(persons=-1)
    with pytest.raises(CommandError):
        _seed(persons=10, batch=0)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the COPY path needs PostgreSQL (run with DATABASE_URL=postgres://...)",
)
def test_postgresql_loads_with_copy_and_rebuilds_indexes(monkeypatch):
    monkeypatch.setattr(seeding, "INDEX_REBUILD_THRESHOLD", 100)
    persons, legal = population_seed(persons=400, batch=150)
    assert (persons.method, legal.method) == ("copy", "copy")
    assert _stored_persons() == list(PopulationGenerator().persons(0, 400))
    assert LegalPerson.objects.count() == 20
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'demo_person' ORDER BY 1"
        )
        indexes = [row[0] for row in cursor.fetchall()]
    # dropped for the load and recreated under their migration names
    assert indexes == ["demo_person_household_idx", "demo_person_id_number_key", "demo_person_pkey"]
    more, _ = population_seed(persons=450)  # an extension keeps the indexes in place
    assert more.added == 50 and more.method == "copy"
    assert _stored_persons() == list(PopulationGenerator().persons(0, 450))

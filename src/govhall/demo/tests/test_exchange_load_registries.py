"""The demo registries in the exchange: loaded through the ingestion service by ``demo_load``
and ``seed``, once per population, with the personas' documented facts."""

from __future__ import annotations

import re
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count

from govhall.core.models import AuditEntry
from govhall.demo import exchange_load, registries
from govhall.demo.exchange_load import RegistryLoadError, registries_load
from govhall.demo.generator import PopulationGenerator
from govhall.demo.registries import FILLED, GeneratorSource, Registries
from govhall.demo.seeding import population_seed
from govhall.demo.services import demo_city_load, demo_registries_load
from govhall.exchange.models import Load, Record
from govhall.licenses.models import License

pytestmark = pytest.mark.django_db

PERSONS = 300
SUMMARY = re.compile(r"^(\w+): ([\d,]+) rows in [\d.]+ s \(([\d,]+) rows/s", re.M)


def _counts() -> dict[str, int]:
    rows = Record.objects.values_list("resource__code").annotate(n=Count("id"))
    return dict(rows)


def _expected(persons: int) -> dict[str, int]:
    registries = Registries(GeneratorSource(persons=persons))
    counts = {code: sum(1 for _ in registries.rows(code)) for code in FILLED}
    return {code: n for code, n in counts.items() if n}


def _persona(name: str) -> str:
    return next(row[1] for row in PopulationGenerator().persons(0, 17) if row[2] == name)


def test_the_demo_city_loads_every_registry_once():
    first = demo_city_load(persons=PERSONS)
    # the e-license stage indexes the licenses it issues to the personas (persons by ID number,
    # legal persons by USCC) beside the registries' own index rows
    issued = dict(License.objects.values_list("holder_key_type").annotate(n=Count("id")).order_by())
    assert issued[License.HolderKeyType.ID_NUMBER] and issued[License.HolderKeyType.USCC]
    expected = _expected(PERSONS)
    expected["license_index"] += issued[License.HolderKeyType.ID_NUMBER]
    expected["enterprise_license_index"] = issued[License.HolderKeyType.USCC]
    assert _counts() == expected
    assert first.created["registries"] == sum(_expected(PERSONS).values())
    loads = Load.objects.count()
    audits = AuditEntry.objects.count()
    second = demo_city_load(persons=PERSONS)
    assert second.created["registries"] == 0 and second.created["exchange"] == 0
    assert (Load.objects.count(), AuditEntry.objects.count()) == (loads, audits)
    # the registries are seeded; the e-license indexes are written by issuing licenses
    assert set(Load.objects.values_list("status", "source").distinct()) == {
        ("loaded", "seed"),
        ("loaded", "system"),
    }
    assert not Load.objects.filter(source="system").exclude(
        resource__code__in=["license_index", "enterprise_license_index"]
    )
    stage = AuditEntry.objects.get(action="demo.load", object_id="registries")
    assert stage.summary["after"]["created"] == first.created["registries"]


def test_the_personas_records_are_in_the_exchange():
    demo_city_load(persons=PERSONS)
    zhang = _persona("张伟")
    flat = Record.objects.get(resource__code="real_estate", subject_key=zhang)
    assert Decimal(str(flat.data["area"])) == Decimal("138.50")
    assert flat.record_key == flat.data["certificate_number"]
    household = Record.objects.get(resource__code="population", subject_key=zhang).group_key
    members = Record.objects.filter(resource__code="population", group_key=household)
    assert members.count() == 4
    sun = _persona("孙桂英")
    assert Record.objects.filter(resource__code="disability", subject_key=sun).exists()
    allowance = Record.objects.get(resource__code="subsistence_allowance", subject_key=sun)
    assert allowance.valid_from is not None and allowance.valid_to is not None
    car = Record.objects.get(resource__code="vehicle", subject_key=_persona("刘洋"))
    assert Decimal(str(car.data["purchase_price"])) == Decimal("289800.00")


def test_a_larger_population_reloads_and_keeps_unchanged_records():
    population_seed(persons=PERSONS)
    demo_registries_load()
    before = {
        (r.resource_id, r.subject_key, r.record_key): r.row_hash for r in Record.objects.all()
    }
    population_seed(persons=PERSONS + 200)
    reports = {r.code: r for r in demo_registries_load()}
    assert _counts() == _expected(PERSONS + 200)
    assert reports["population"].load.rows_unchanged >= PERSONS - 6
    after = {(r.resource_id, r.subject_key, r.record_key): r.row_hash for r in Record.objects.all()}
    changed = [key for key, digest in before.items() if after.get(key) != digest]
    assert len(changed) <= 10  # only the household cut at the old end of the population


def test_empty_and_loaded_registries_are_skipped_not_refused():
    population_seed(persons=200)
    demo_registries_load()  # the catalog and departments come first
    reports = {r.code: r for r in registries_load(codes=["criminal_record", "population"])}
    assert reports["criminal_record"].note == "no records"  # 不予共享: the demo has none
    assert reports["population"].note == "already loaded for this population"


def test_seed_loads_the_registries_after_the_population():
    out = StringIO()
    call_command("seed", persons=PERSONS, stdout=out, stderr=StringIO())
    output = out.getvalue()
    summaries = {m.group(1): int(m.group(2).replace(",", "")) for m in SUMMARY.finditer(output)}
    total = summaries.pop("registries")
    assert summaries == _expected(PERSONS) and total == sum(summaries.values())
    assert re.search(r"^registries: [\d,]+ rows in [\d.]+ s \([\d,]+ rows/s\)", output, re.M)
    assert _counts() == _expected(PERSONS)
    again = StringIO()
    call_command("seed", persons=PERSONS, stdout=again, stderr=StringIO())
    assert "already loaded for this population" in again.getvalue()


def test_seed_without_registries_loads_only_the_population():
    call_command("seed", persons=PERSONS, no_registries=True, stdout=StringIO())
    assert not Record.objects.exists() and not Load.objects.exists()


def test_a_refused_registry_stops_the_load(monkeypatch):
    population_seed(persons=PERSONS)

    def broken(row):
        yield f"not-a-uscc,{row[2]},企业,{row[4]},{row[5]},1.00,2020-01-01,{row[8]},{row[9]}\n"

    monkeypatch.setitem(registries.LEGAL_BUILDERS, "legal_person", broken)
    with pytest.raises(RegistryLoadError, match="legal_person"):
        demo_registries_load()
    assert Load.objects.filter(status=Load.Status.REJECTED).count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a second connection reads on PostgreSQL only"
)
def test_postgresql_streams_through_a_connection_of_its_own_and_workers(monkeypatch):
    population_seed(persons=PERSONS)  # committed: visible to other connections
    spooled = []
    monkeypatch.setattr(exchange_load, "SPOOL_IN_MEMORY", 1)
    original = exchange_load._stream

    def spy(lines, *, spool):
        spooled.append(spool)
        return original(lines, spool=spool)

    monkeypatch.setattr(exchange_load, "_stream", spy)
    demo_registries_load(workers=2)
    assert spooled and not any(spooled)
    assert _counts() == _expected(PERSONS)

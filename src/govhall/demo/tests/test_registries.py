"""The registry generators: deterministic, well-formed, and consistent with the population and
with each other (households, incomes, homes, cars, relief).

No database: the population comes straight from the generators (``GeneratorSource``).
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal

import pytest
from stdnum.cn import uscc
from stdnum.iso7064 import mod_37_36

from govhall.core.identifiers import is_valid_id_number
from govhall.demo.generator import PopulationGenerator, age_on_reference
from govhall.demo.registries import (
    FILLED,
    GeneratorSource,
    Registries,
    license_identifier,
    registry_stream,
    resource_spec,
)
from govhall.demo.registries_facts import DIBAO_STANDARD

N = 12_000


@pytest.fixture(scope="module")
def registries() -> Registries:
    return Registries(GeneratorSource(persons=N))


@pytest.fixture(scope="module")
def rows(registries) -> dict[str, list[dict[str, str]]]:
    return {code: list(registries.rows(code)) for code in FILLED}


@pytest.fixture(scope="module")
def persons() -> dict[str, tuple]:
    """Generated persons by ID number."""
    return {row[1]: row for row in PopulationGenerator().persons(0, N)}


def _by_subject(records: list[dict[str, str]]) -> dict[str, list[dict[str, str]]]:
    out: dict[str, list[dict[str, str]]] = defaultdict(list)
    for record in records:
        out[record["subject_key"]].append(record)
    return out


def _age(person: tuple) -> int:
    return age_on_reference(date.fromisoformat(person[4]))


def test_the_csv_is_well_formed_and_typed(registries):
    checks = {
        "date": date.fromisoformat,
        "decimal": Decimal,
        "integer": int,
        "id_number": lambda v: is_valid_id_number(v) or pytest.fail(v),
        "uscc": lambda v: uscc.is_valid(v) or pytest.fail(v),
        "region_code": lambda v: (len(v) == 12 and v.isdigit()) or pytest.fail(v),
    }
    for code in FILLED:
        spec = resource_spec(code)
        text = "".join(registries.lines(code))
        table = list(csv.reader(io.StringIO(text)))
        header, body = table[0], table[1:]
        assert header[0] == "subject_key" and body, code
        assert header[1 : 1 + len(spec["fields"])] == [f["name"] for f in spec["fields"]]
        types = {f["name"]: f["type"] for f in spec["fields"]}
        required = {f["name"] for f in spec["fields"] if f["required"]}
        for line in body:
            assert len(line) == len(header), (code, line)
            record = dict(zip(header, line, strict=True))
            for name, value in record.items():
                if name in required:
                    assert value, (code, name, line)
                if value and types.get(name) in checks:
                    checks[types[name]](value)
                if value and name in ("valid_from", "valid_to"):
                    date.fromisoformat(value)
        keyed = spec["record_key_field"]
        keys = [(r[0], r[header.index(keyed)] if keyed else "") for r in body]
        assert len(set(keys)) == len(keys), f"{code}: one record per subject and record key"


def test_registries_are_deterministic_and_depend_on_the_seed(registries):
    again = Registries(GeneratorSource(persons=N))
    for code in ("income_tax", "real_estate", "license_index", "marriage"):
        assert list(again.lines(code)) == list(registries.lines(code))
    other = Registries(GeneratorSource(seed=7, persons=3000))
    ours = Registries(GeneratorSource(persons=3000))
    assert list(other.lines("vehicle")) != list(ours.lines("vehicle"))


def test_a_person_keeps_their_records_when_the_population_grows():
    small = Registries(GeneratorSource(persons=5000))
    large = Registries(GeneratorSource(persons=9000))
    for code in ("income_tax", "real_estate", "disability", "education"):
        before = set(small.lines(code))
        after = set(large.lines(code))
        # all but the last (cut) household of the smaller population are unchanged
        assert len(before - after) <= 8, code


def test_population_and_household_agree_with_the_generator(rows, persons):
    population = rows["population"]
    assert len(population) == N
    generated_households: dict[int, set[str]] = defaultdict(set)
    for number, person in persons.items():
        generated_households[person[6]].add(number)
    by_number: dict[str, set[str]] = defaultdict(set)
    for record in population:
        person = persons[record["subject_key"]]
        assert (record["name"], record["sex"], record["birth_date"]) == person[2:5]
        assert (record["region_code"], record["address"], record["relation"]) == (
            person[5],
            person[8],
            person[7],
        )
        by_number[record["household_number"]].add(record["subject_key"])
    assert sorted(map(sorted, by_number.values())) == sorted(
        map(sorted, generated_households.values())
    )
    household = _by_subject(rows["household"])
    for number, members in by_number.items():
        heads = {household[m][0]["head_id_number"] for m in members}
        assert len(heads) == 1 and heads <= members
        assert {household[m][0]["household_number"] for m in members} == {number}
        assert {int(household[m][0]["member_count"]) for m in members} == {len(members)}
    kinds = Counter(r["household_type"] for r in rows["household"])
    assert set(kinds) == {"城镇", "农村"}


def test_incomes_pensions_and_funds_belong_to_adults(rows, persons):
    for code in ("income_tax", "social_security", "housing_fund", "vehicle", "education"):
        for record in rows[code]:
            assert _age(persons[record["subject_key"]]) >= 18, (code, record)
    earners = {r["subject_key"]: Decimal(r["annual_income"]) for r in rows["income_tax"]}
    assert 0.30 < len(earners) / N < 0.55
    insured = _by_subject(rows["social_security"])
    for subject, income in earners.items():
        person = persons[subject]
        record = insured[subject][0]
        if record["insured_status"] == "参保缴费" and record["insurance_type"].startswith("城镇"):
            assert Decimal(record["contribution_base"]) == min(
                max(income / 12, Decimal(4500)), Decimal(22500)
            ).quantize(Decimal("0.01"))
        assert income > 0 and _age(person) >= 18
    for record in rows["housing_fund"]:
        if record["account_status"] == "正常":
            assert record["subject_key"] in earners
            assert insured[record["subject_key"]][0]["employer"] == record["employer"]


def _households(rows) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for record in rows["population"]:
        out[record["household_number"]].append(record["subject_key"])
    return out


def test_subsistence_households_are_poor_and_own_nothing(rows):
    households = _households(rows)
    earners = {r["subject_key"]: Decimal(r["annual_income"]) for r in rows["income_tax"]}
    owners = {r["subject_key"] for r in rows["real_estate"]} | {
        r["subject_key"] for r in rows["vehicle"]
    }
    # no company; a persona (赵建国) runs a family farm, an individual business
    business = {
        r["subject_key"] for r in rows["business_registration"] if r["entity_kind"] == "企业"
    }
    relief = _by_subject(rows["subsistence_allowance"])
    numbers = {records[0]["household_number"] for records in relief.values()}
    assert 0.008 < len(numbers) / len(households) < 0.025  # about 1–2 % of households
    for number in numbers:
        members = households[number]
        assert set(members) <= set(relief), "every member is covered"
        income = sum(earners.get(m, 0) for m in members)
        assert income / len(members) < Decimal(DIBAO_STANDARD[False] * 12)
        assert not set(members) & owners and not set(members) & business
        record = relief[members[0]][0]
        assert int(record["covered_members"]) == len(members)
        assert record["category"] in ("城市低保", "农村低保")


def test_five_guarantee_supports_only_elderly_persons_living_alone(rows, persons):
    households = _households(rows)
    size = {m: len(members) for members in households.values() for m in members}
    supported = [r["subject_key"] for r in rows["five_guarantee"]]
    assert supported
    relief = {r["subject_key"] for r in rows["subsistence_allowance"]}
    for subject in supported:
        assert size[subject] == 1 and _age(persons[subject]) >= 60
        assert subject not in relief


def test_homes_belong_to_persons_of_one_household(rows, persons):
    households = _households(rows)
    household_of = {m: n for n, members in households.items() for m in members}
    certificates: dict[str, list[dict[str, str]]] = defaultdict(list)
    for record in rows["real_estate"]:
        assert record["subject_key"] in persons
        certificates[record["certificate_number"]].append(record)
    for certificate, records in certificates.items():
        assert len({household_of[r["subject_key"]] for r in records}) == 1
        assert len({(r["area"], r["location"]) for r in records}) == 1
        joint = records[0]["ownership"] == "共同共有"
        assert joint == (len(records) > 1), certificate
        assert 40 <= Decimal(records[0]["area"]) <= 230
    owning = {household_of[r["subject_key"]] for r in rows["real_estate"]}
    assert 0.35 < len(owning) / len(households) < 0.8
    plates = [r["plate_number"] for r in rows["vehicle"]]
    assert len(set(plates)) == len(plates) and all(p.startswith("皖S") for p in plates)


def test_about_six_percent_hold_a_disability_certificate(rows, persons):
    share = len(rows["disability"]) / N
    assert 0.045 < share < 0.075
    for record in rows["disability"]:
        assert record["certificate_number"][:18] == record["subject_key"]
        assert 1 <= int(record["grade"]) <= 4


def test_marriages_are_mutual(rows):
    married = {r["subject_key"]: r for r in rows["marriage"] if r["marital_status"] == "已婚"}
    for subject, record in married.items():
        spouse = married[record["spouse_id_number"]]
        assert spouse["spouse_id_number"] == subject
        assert spouse["registered_on"] == record["registered_on"]


def test_business_registrations_are_the_legal_persons_representatives(rows, persons):
    legal = {r["subject_key"]: r for r in rows["legal_person"]}
    assert len(legal) == N // 20
    for record in rows["business_registration"]:
        entity = legal[record["uscc"]]
        assert entity["legal_representative_id_number"] == record["subject_key"]
        assert record["subject_key"] in persons
        assert entity["kind"] == record["entity_kind"] != "社会组织"


def test_the_license_index_points_at_real_certificates(rows):
    estates = {(r["subject_key"], r["certificate_number"]) for r in rows["real_estate"]}
    disability = {(r["subject_key"], r["certificate_number"]) for r in rows["disability"]}
    relief = {(r["subject_key"], r["certificate_number"]) for r in rows["subsistence_allowance"]}
    kinds = Counter()
    for record in rows["license_index"]:
        kinds[record["license_type"]] += 1
        pair = (record["subject_key"], record["license_number"])
        expected = {
            "real_estate_certificate": estates,
            "disability_card": disability,
            "subsistence_certificate": relief,
        }.get(record["license_type"])
        if expected is not None:
            assert pair in expected, record
        parts = record["license_identifier"].split(".")
        assert parts[:5] == ["1", "2", "156", "3005", "2"] and uscc.is_valid(parts[6])
        assert mod_37_36.is_valid("".join(parts[5:10]))
    assert {"real_estate_certificate", "disability_card", "subsistence_certificate"} <= set(kinds)


def test_license_identifiers_carry_the_stdnum_check_character():
    for kind in ("real_estate_certificate", "disability_card", "support_certificate"):
        for serial in (0, 7, 123_456, 9_999_999_999):
            parts = license_identifier(kind, serial).split(".")
            assert parts[9] == mod_37_36.calc_check_digit("".join(parts[5:9]))


def test_the_stream_yields_the_lines_as_utf8_bytes(registries):
    text = "".join(registries.lines("household"))
    stream = registry_stream(registries.lines("household"))
    pieces = []
    while piece := stream.read(4099):
        pieces.append(piece)
    assert b"".join(pieces).decode("utf-8") == text
    assert registry_stream(iter(["a,b\n", "1,2\n"])).read() == b"a,b\n1,2\n"


def test_row_counts_per_person_stay_near_the_planned_volume(rows):
    total = sum(len(records) for records in rows.values())
    assert 3.5 < total / N < 5.5

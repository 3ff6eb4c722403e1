"""The population generator: valid and unique identifiers, realistic households, determinism.

Pure Python: no database.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import date

import pytest
from stdnum.cn import ric, uscc

from govhall.demo import citydata
from govhall.demo.generator import (
    BLOCK_SIZE,
    CAPACITY,
    FIRST_BIRTH,
    LAST_BIRTH,
    PopulationGenerator,
    age_on_reference,
)
from govhall.demo.legal import LegalPersonGenerator, Representative, representative_index

N = 3000
MOBILE = re.compile(r"^1[3-9]\d{9}$")


@pytest.fixture(scope="module")
def rows() -> list[tuple]:
    return list(PopulationGenerator().persons(0, N))


def _birth(row: tuple) -> date:
    return date.fromisoformat(row[4])


def _years_between(older: date, younger: date) -> float:
    return (younger - older).days / 365.2425


def test_every_id_number_is_valid_and_unique(rows):
    numbers = [row[1] for row in rows]
    assert all(ric.is_valid(number) for number in numbers)
    assert len(set(numbers)) == len(numbers) == N
    assert [row[0] for row in rows] == list(range(N))


def test_sex_and_birth_date_agree_with_the_id_number(rows):
    for _, number, _, sex, birth, *_ in rows:
        assert int(number[16]) % 2 == (1 if sex == "1" else 0)
        assert ric.get_birth_date(number).isoformat() == birth
        assert FIRST_BIRTH <= date.fromisoformat(birth) <= LAST_BIRTH


def test_id_numbers_use_the_county_code_valid_in_the_birth_year(rows):
    # 341602 (谯城区) exists since 2000; older residents carry 亳县/亳州市 codes of 阜阳.
    for row in rows:
        region, number = row[5], row[1]
        if region.startswith("341602"):
            expected = {1985: "342126", 1995: "342102", 1999: "341281"}
            year = _birth(row).year
            prefix = next((code for last, code in expected.items() if year <= last), "341602")
            assert number[:6] == prefix


def test_regions_are_villages_of_the_four_counties(rows):
    villages = {v.code for v in citydata.city().villages}
    counts = Counter(row[5][:6] for row in rows)
    assert {row[5] for row in rows} <= villages
    assert set(counts) == {"341602", "341621", "341622", "341623"}
    assert min(counts.values()) > N * 0.15


def test_households_are_realistic(rows):
    households = defaultdict(list)
    for row in rows:
        households[row[6]].append(row)
    sizes = Counter(len(members) for members in households.values())
    assert set(sizes) <= set(range(1, 7)) and len(sizes) == 6
    assert 2.3 < N / len(households) < 3.4  # mean household size
    for household_id, members in households.items():
        head = members[0]
        assert head[0] == household_id and head[7] == "head"
        assert [m[7] for m in members].count("head") == 1
        assert len({(m[5], m[8]) for m in members}) == 1  # one region, one address
        assert age_on_reference(_birth(head)) >= 18
        spouses = [m for m in members if m[7] == "spouse"]
        for spouse in spouses:
            assert spouse[3] != head[3]
            assert abs(_years_between(_birth(head), _birth(spouse))) <= 6
        parents_of_children = [head, *spouses]
        for child in (m for m in members if m[7] == "child"):
            for parent in parents_of_children:
                assert 20 <= _years_between(_birth(parent), _birth(child)) <= 40
        for parent in (m for m in members if m[7] == "parent"):
            assert 20 <= _years_between(_birth(parent), _birth(head)) <= 40


def test_ages_span_0_to_95_and_adults_have_mobile_numbers(rows):
    ages = [age_on_reference(_birth(row)) for row in rows]
    assert min(ages) <= 2 and max(ages) >= 85 and max(ages) <= 95
    for row, age in zip(rows, ages, strict=True):
        if age >= 18:
            assert MOBILE.match(row[9]), row
        else:
            assert row[9] == ""


def test_names_are_chinese_names(rows):
    surnames = {s for s, _ in citydata.names()["surnames"]}
    for row in rows:
        assert 2 <= len(row[2]) <= 4
        assert row[2][:1] in surnames or row[2][:2] in surnames


def test_personas_come_first(rows):
    index = citydata.persona_index()
    for name, i in index.items():
        assert rows[i][2] == name
    zhang = rows[index["张伟"]]
    assert zhang[1] == "342102198603153474"  # the same for every seed
    assert PopulationGenerator(seed=1).persons(0, 1).__next__()[1] == zhang[1]


def test_the_ith_person_depends_only_on_seed_and_i():
    generator = PopulationGenerator()
    longer = list(generator.persons(0, BLOCK_SIZE + 500))
    assert list(PopulationGenerator().persons(0, 1200)) == longer[:1200]
    # resuming anywhere, also across the block boundary, continues the same population
    start = BLOCK_SIZE - 300
    assert list(generator.persons(start, BLOCK_SIZE + 500)) == longer[start:]
    numbers = [row[1] for row in longer]
    assert len(set(numbers)) == len(numbers)


def test_another_seed_gives_another_population(rows):
    other = list(PopulationGenerator(seed=7).persons(0, 200))
    personas = len(citydata.persona_index())
    assert other[:personas] == rows[:personas]
    assert [r[1] for r in other[personas:]] != [r[1] for r in rows[personas:200]]


def test_capacity_is_enforced():
    with pytest.raises(ValueError, match="at most"):
        next(PopulationGenerator().persons(CAPACITY - 1, CAPACITY + 1))


def test_legal_persons_are_valid_unique_and_represented_by_adults(rows):
    by_index = {row[0]: Representative.from_row(row) for row in rows}
    ids = {row[1] for row in rows}

    def lookup(indexes):
        return {i: by_index[i] for i in indexes if i in by_index}

    legal = list(LegalPersonGenerator().legal_persons(0, N // 20, lookup, chunk=37))
    codes = [row[1] for row in legal]
    assert all(uscc.is_valid(code) for code in codes)
    assert len(set(codes)) == len(codes) == N // 20
    kinds = Counter(row[3] for row in legal)
    assert set(kinds) == {"enterprise", "individual", "social"}
    for row in legal:
        assert row[5] in ids
        representative = next(r for r in by_index.values() if r.id_number == row[5])
        assert representative.name == row[4]
        assert age_on_reference(representative.birth_date) >= 18
        assert date.fromisoformat(row[7]) >= date(representative.birth_date.year + 18, 1, 1)
    scripted = citydata.persona_legal_persons()
    assert [row[2] for row in legal[: len(scripted)]] == [s["name"] for s in scripted]
    # legal person k depends only on (seed, k) and its representative
    again = list(LegalPersonGenerator().legal_persons(50, N // 20, lookup))
    assert again == legal[50:]


def test_representatives_are_drawn_from_their_own_twenty_persons():
    scripted = len(citydata.persona_legal_persons())
    for k in range(scripted, 500):
        assert 20 * k <= representative_index(20260101, k) < 20 * (k + 1)


def test_missing_representatives_are_reported():
    with pytest.raises(ValueError, match="not in the population"):
        list(LegalPersonGenerator().legal_persons(0, 10, lambda indexes: {}))

"""The synthetic population: deterministic, streaming, valid identifiers.

Persons are generated in blocks of :data:`BLOCK_SIZE`. Block ``b`` is generated from its own random
stream ``(seed, b)`` and households never span blocks, so person ``i`` depends only on ``seed`` and
``i``: generating N persons yields the first M of them exactly as generating M does, and a load can
resume at any index by regenerating that index's block.

Uniqueness of 身份证号 is structural, not checked against what was generated before:

- within a block, no two persons share (county, birth date, sex); a rare clash moves the birth date
  by a day or two (every sampled date keeps a margin, so household constraints still hold);
- the 3-digit sequence is ``2 * ((b + h) mod 500) + (1 if male else 0)`` with ``h`` a hash of
  (county, birth date, sex), so two blocks below 500 never produce the same sequence for the same
  (county, birth date, sex).

Hence at most 500 blocks: :data:`CAPACITY` persons. The sequence parity is the sex (odd = male),
the first six digits are the county's code *valid in the birth year* (the Bozhou counties belonged
to 阜阳 until 2000), and the check character comes from python-stdnum.

Legal persons: legal person ``k`` depends on ``(seed, k)`` and on its representative, an adult
of the population found by :func:`representative_index` (person ``20k .. 20k+19``, or that person's
household head when they are not of working age).
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import islice

from govhall.core.identifiers import id_number_with_check
from govhall.demo import citydata

BLOCK_SIZE = 50_000
MAX_BLOCKS = 500
CAPACITY = BLOCK_SIZE * MAX_BLOCKS
DEFAULT_SEED = 20260101
PERSONS_PER_LEGAL_PERSON = 20

REFERENCE_DATE = date(2026, 1, 1)  # ages are ages on this day; nobody is born on or after it
FIRST_BIRTH = date(1930, 1, 2)  # age 95 on the reference date
LAST_BIRTH = REFERENCE_DATE - timedelta(days=1)
NDAYS = (LAST_BIRTH - FIRST_BIRTH).days + 1
YEAR = 365.2425
MARGIN = 30  # days kept free at the edges of every constrained date range

PERSON_COLUMNS = (
    "id",
    "id_number",
    "name",
    "sex",
    "birth_date",
    "region_code",
    "household_id",
    "relation",
    "address",
    "phone",
)
LEGAL_PERSON_COLUMNS = (
    "id",
    "uscc",
    "name",
    "kind",
    "legal_representative",
    "legal_representative_id_number",
    "registered_capital",
    "established_on",
    "region_code",
    "address",
    "phone",
)

HEAD, SPOUSE, CHILD, PARENT = "head", "spouse", "child", "parent"

# weight, has spouse, children, parents, head age range, share of male heads
HOUSEHOLD_TYPES = (
    (7, False, 0, 0, 60, 95, 0.40),  # elderly living alone
    (9, False, 0, 0, 18, 59, 0.55),  # living alone
    (12, True, 0, 0, 22, 40, 0.82),  # young couple
    (12, True, 0, 0, 50, 90, 0.82),  # couple whose children have left
    (5, False, 1, 0, 25, 65, 0.30),  # single parent
    (18, True, 1, 0, 24, 70, 0.82),
    (13, True, 2, 0, 28, 65, 0.82),
    (5, True, 1, 1, 26, 55, 0.82),
    (4, True, 3, 0, 30, 60, 0.82),
    (5, True, 2, 1, 28, 55, 0.82),
    (2, True, 1, 2, 26, 50, 0.82),
    (3, True, 2, 2, 28, 52, 0.82),
    (2, True, 3, 1, 30, 55, 0.82),
    (3, False, 0, 1, 20, 50, 0.60),  # adult living with a parent
)


def _day(d: date) -> int:
    return (d - FIRST_BIRTH).days


LAST_DAY = NDAYS - 1
ADULT_DAY = _day(date(REFERENCE_DATE.year - 18, REFERENCE_DATE.month, REFERENCE_DATE.day))
_Y20 = int(20 * YEAR)
_Y40 = int(40 * YEAR)


def age_on_reference(birth: date) -> int:
    years = REFERENCE_DATE.year - birth.year
    return years - ((REFERENCE_DATE.month, REFERENCE_DATE.day) < (birth.month, birth.day))


def _cumulative(weights: Iterable[float]) -> list[float]:
    total, out = 0.0, []
    for w in weights:
        total += w
        out.append(total)
    return out


@dataclass(frozen=True)
class _Tables:
    day_iso: list[str]
    day_year: list[int]
    pre14: list[list[str]]  # per county, per day: ID prefix (6) + birth date (8)
    seq3: list[str]
    village_cum: list[float]
    village_codes: list[str]
    village_county: list[int]
    village_prefix: list[str]
    village_community: list[bool]
    surnames: list[str]
    surname_cum: list[float]
    # per (male, day): (share of one-character names, one-character names, two-character names)
    given: list[list[tuple[float, list[str], list[str]]]]
    mobile_prefixes: list[str]
    type_cum: list[float]


_TABLES: _Tables | None = None


def _era(year: int) -> int:
    return 0 if year < 1965 else (1 if year < 1990 else 2)


def _tables() -> _Tables:
    """Lookup tables shared by every generator (about 15 MB, built once per process)."""
    global _TABLES
    if _TABLES is None:
        city = citydata.city()
        names = citydata.names()
        days = [FIRST_BIRTH + timedelta(days=d) for d in range(NDAYS)]
        ymd = [d.strftime("%Y%m%d") for d in days]
        pre14 = [
            [county.id_prefix(d.year) + ymd[i] for i, d in enumerate(days)]
            for county in city.counties
        ]
        given = []
        for sex in ("2", "1"):  # index 0 = female, 1 = male
            pools = []
            for era_name in ("old", "mid", "young"):
                pool = names["given"][sex][era_name]
                pools.append(
                    (names["single_given_share"][era_name], pool["single"], pool["double"])
                )
            given.append([pools[_era(d.year)] for d in days])
        _TABLES = _Tables(
            day_iso=[d.isoformat() for d in days],
            day_year=[d.year for d in days],
            pre14=pre14,
            seq3=[f"{n:03d}" for n in range(1000)],
            village_cum=_cumulative(v.weight for v in city.villages),
            village_codes=[v.code for v in city.villages],
            village_county=[v.county_index for v in city.villages],
            village_prefix=[v.address_prefix for v in city.villages],
            village_community=[v.is_community for v in city.villages],
            surnames=[s for s, _ in names["surnames"]],
            surname_cum=_cumulative(w for _, w in names["surnames"]),
            given=given,
            mobile_prefixes=names["mobile_prefixes"],
            type_cum=_cumulative(t[0] for t in HOUSEHOLD_TYPES),
        )
    return _TABLES


class PopulationGenerator:
    """``PopulationGenerator(seed).persons(start, stop)`` yields person rows in PERSON_COLUMNS
    order: ``(id, id_number, name, sex, birth_date ISO, region_code, household_id, relation,
    address, phone)``."""

    def __init__(self, seed: int = DEFAULT_SEED) -> None:
        self.seed = seed
        self.t = _tables()

    def persons(self, start: int, stop: int) -> Iterator[tuple]:
        if stop > CAPACITY:
            raise ValueError(f"the generator makes at most {CAPACITY:,} unique persons")
        if start >= stop:
            return
        first_block, last_block = start // BLOCK_SIZE, (stop - 1) // BLOCK_SIZE
        for b in range(first_block, last_block + 1):
            lo = start - b * BLOCK_SIZE if b == first_block else 0
            hi = stop - b * BLOCK_SIZE if b == last_block else BLOCK_SIZE
            yield from islice(self._block(b), lo, hi)

    # --- one block ---------------------------------------------------------------------------

    def _block(self, b: int) -> Iterator[tuple]:
        """The BLOCK_SIZE persons of block ``b``. The hot loop: everything is a local."""
        t = self.t
        rand = random.Random(self.seed * 1_000_003 + b).random
        taken: set[int] = set()
        end = (b + 1) * BLOCK_SIZE
        i = b * BLOCK_SIZE
        if b == 0:
            for row in self._persona_rows(taken):
                yield row
                i += 1
        village_cum, vtotal = t.village_cum, t.village_cum[-1]
        type_cum, ttotal = t.type_cum, t.type_cum[-1]
        prefixes, nprefixes = t.mobile_prefixes, len(t.mobile_prefixes)
        pre14, seq3, day_iso = t.pre14, t.seq3, t.day_iso
        community, village_prefix = t.village_community, t.village_prefix
        household_of = self._household
        adult_day = ADULT_DAY
        while i < end:
            v = bisect(village_cum, rand() * vtotal)
            members = household_of(rand, HOUSEHOLD_TYPES[bisect(type_cum, rand() * ttotal)])
            if community[v]:
                address = (
                    f"{village_prefix[v]}{1 + int(rand() * 30)}栋{1 + int(rand() * 4)}单元"
                    f"{1 + int(rand() * 18)}{1 + int(rand() * 4):02d}室"
                )
            else:
                address = f"{village_prefix[v]}{1 + int(rand() * 12)}组{1 + int(rand() * 99)}号"
            county, region = t.village_county[v], t.village_codes[v]
            county_days = county * NDAYS
            county_pre14 = pre14[county]
            household = i
            for relation, male, day, name in members[: end - i]:
                key = ((county_days + day) << 1) | male
                if key in taken:
                    day = _free_day(taken, county, day, male)
                    key = ((county_days + day) << 1) | male
                taken.add(key)
                seq = 2 * ((b + ((key * 2654435761) >> 16)) % 500) + male
                yield (
                    i,
                    id_number_with_check(county_pre14[day] + seq3[seq]),
                    name,
                    "1" if male else "2",
                    day_iso[day],
                    region,
                    household,
                    relation,
                    address,
                    f"{prefixes[int(rand() * nprefixes)]}{int(rand() * 100_000_000):08d}"
                    if day <= adult_day
                    else "",
                )
                i += 1

    def _persona_rows(self, taken: set[int]) -> Iterator[tuple]:
        """The scripted demo households (data/personas.json), through the same ID rules."""
        t = self.t
        city = citydata.city()
        i = 0
        for household in citydata.persona_households():
            village = city.village(household.region_code)
            county = village.county_index
            address = village.address_prefix + household.address
            head = i
            for m in household.members:
                male = 1 if m.sex == "1" else 0
                day = _day(m.birth_date)
                key = ((county * NDAYS + day) << 1) | male
                if key in taken:
                    raise ValueError(f"two personas share county, birth date and sex: {m.name}")
                taken.add(key)
                seq = 2 * (((key * 2654435761) >> 16) % 500) + male
                yield (
                    i,
                    id_number_with_check(t.pre14[county][day] + t.seq3[seq]),
                    m.name,
                    m.sex,
                    t.day_iso[day],
                    village.code,
                    head,
                    m.relation,
                    address,
                    m.phone,
                )
                i += 1

    def _name(self, rand: Callable[[], float], surname: str, male: int, day: int) -> str:
        share, singles, doubles = self.t.given[male][day]
        pool = singles if rand() < share else doubles
        return surname + pool[int(rand() * len(pool))]

    def _surname(self, rand: Callable[[], float]) -> str:
        t = self.t
        return t.surnames[bisect(t.surname_cum, rand() * t.surname_cum[-1])]

    def _household(self, rand: Callable[[], float], kind: tuple) -> list[tuple[str, int, int, str]]:
        """Members as (relation, male 1/0, birth day index, name): head first."""
        _, has_spouse, n_children, n_parents, age_lo, age_hi, male_share = kind
        name_of = self._name
        head_male = 1 if rand() < male_share else 0
        age_days = age_lo * YEAR + rand() * (age_hi - age_lo + 1) * YEAR
        head_day = min(max(int(LAST_DAY + 1 - age_days), 0), LAST_DAY)
        if n_parents:  # room for the head's parents, 20–40 years older and at most 95
            head_day = max(head_day, _Y20 + 2 * MARGIN)
        surname = self._surname(rand)
        members = [(HEAD, head_male, head_day, name_of(rand, surname, head_male, head_day))]
        oldest = youngest = head_day  # of the head and spouse, as day indexes (small = old)
        father_surname = surname if head_male else ""
        if has_spouse:
            spouse_male = 1 - head_male
            # The husband is usually the older one, by up to five years.
            offset = int((rand() * 6 - 1) * YEAR)
            spouse_day = head_day + offset if head_male else head_day - offset
            latest = LAST_DAY - int((21 if n_children else 20) * YEAR)
            spouse_day = min(max(spouse_day, 0), latest)
            spouse_surname = self._surname(rand)
            if spouse_male:
                father_surname = spouse_surname
            members.append(
                (
                    SPOUSE,
                    spouse_male,
                    spouse_day,
                    name_of(rand, spouse_surname, spouse_male, spouse_day),
                )
            )
            oldest, youngest = min(head_day, spouse_day), max(head_day, spouse_day)
        if n_children:
            child_surname = father_surname or self._surname(rand)
            lo = youngest + _Y20 + MARGIN  # 20 years younger than the younger parent
            hi = oldest + _Y40 - MARGIN  # 40 years younger than the older one
            for _ in range(n_children):
                day = lo + int((rand() + rand()) * 0.4 * (hi - lo))
                if day > LAST_DAY - MARGIN:
                    day = lo + int(rand() * max(LAST_DAY - MARGIN - lo, 1))
                male = 1 if rand() < 0.52 else 0
                members.append((CHILD, male, day, name_of(rand, child_surname, male, day)))
        if n_parents:
            lo = max(head_day - _Y40 + MARGIN, MARGIN)
            hi = head_day - _Y20 - MARGIN
            father_day = lo + int(rand() * (hi - lo))
            mother_day = min(max(father_day + int((rand() * 4 - 1) * YEAR), lo), hi)
            parents = [(1, father_day), (0, mother_day)]
            if n_parents == 1:
                parents = [parents[1] if rand() < 0.65 else parents[0]]
            for male, day in parents:
                parent_surname = surname if male else self._surname(rand)
                members.append((PARENT, male, day, name_of(rand, parent_surname, male, day)))
        return members


def _free_day(taken: set[int], county: int, day: int, male: int) -> int:
    """The nearest day to ``day`` on which (county, day, sex) is still free in this block."""
    for step in range(1, NDAYS):
        for candidate in (day + step, day - step):
            if (
                0 <= candidate <= LAST_DAY
                and (((county * NDAYS + candidate) << 1) | male) not in taken
            ):
                return candidate
    raise RuntimeError("no free birth date in this block")  # unreachable below BLOCK_SIZE

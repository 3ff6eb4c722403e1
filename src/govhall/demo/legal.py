"""Synthetic legal persons (法人): enterprises, individual businesses, social organizations.

Legal person ``k`` depends on ``(seed, k)`` and on its legal representative, a person of the
population. The representative's data comes from a ``lookup`` callable (the database when seeding,
the generator itself in tests), so legal persons can be generated after, and independently of, the
persons they refer to.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from govhall.core.identifiers import uscc_with_check
from govhall.demo import citydata
from govhall.demo.generator import (
    DEFAULT_SEED,
    LAST_BIRTH,
    PERSONS_PER_LEGAL_PERSON,
    age_on_reference,
)

ENTERPRISE, INDIVIDUAL, SOCIAL = "enterprise", "individual", "social"
_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100 characters, for the organization code
_ORG_SPACE = 31**7


@dataclass(frozen=True)
class Representative:
    index: int
    id_number: str
    name: str
    birth_date: date
    region_code: str
    household_id: int
    phone: str

    @classmethod
    def from_row(cls, row: Sequence) -> Representative:
        """From a row in PERSON_COLUMNS order (generator or database)."""
        birth = row[4] if isinstance(row[4], date) else date.fromisoformat(row[4])
        return cls(row[0], row[1], row[2], birth, row[5], row[6], row[9])


Lookup = Callable[[Sequence[int]], Mapping[int, Representative]]


def persons_needed(legal_persons: int) -> int:
    """How many persons a population needs for ``legal_persons`` representatives."""
    return legal_persons * PERSONS_PER_LEGAL_PERSON


def representative_index(seed: int, k: int) -> int:
    """The person legal person ``k`` is drawn from: one of persons ``20k .. 20k+19``.

    Demo legal persons (personas.json) have a fixed representative instead.
    """
    scripted = citydata.persona_legal_persons()
    if k < len(scripted):
        return citydata.persona_index()[scripted[k]["representative"]]
    mixed = (seed * 0x9E3779B1 + k * 0x85EBCA77) & 0xFFFFFFFF
    return k * PERSONS_PER_LEGAL_PERSON + (mixed >> 8) % PERSONS_PER_LEGAL_PERSON


def _org_code(k: int, social: bool) -> str:
    """Nine characters ``MA…``/``MJ…`` unique per ``k`` (a bijection of 0 .. 31^7-1).

    Real codes end with a GB 11714 check character; ours are only unique and well-formed.
    """
    x = (k * 1_000_003 + 7_777_777) % _ORG_SPACE
    chars = []
    for _ in range(7):
        x, r = divmod(x, 31)
        chars.append(_ALPHABET[r])
    return ("MJ" if social else "MA") + "".join(reversed(chars))


class LegalPersonGenerator:
    """``LegalPersonGenerator(seed).legal_persons(start, stop, lookup)`` yields rows in
    LEGAL_PERSON_COLUMNS order."""

    def __init__(self, seed: int = DEFAULT_SEED) -> None:
        self.seed = seed
        self.city = citydata.city()
        self.names = citydata.names()
        self.place_names = {c.code: c.name for c in self.city.counties}
        self.place_names[self.city.code[:6]] = self.city.name

    def legal_persons(
        self, start: int, stop: int, lookup: Lookup, *, chunk: int = 5000
    ) -> Iterator[tuple]:
        for a in range(start, stop, chunk):
            ks = range(a, min(a + chunk, stop))
            wanted = {k: representative_index(self.seed, k) for k in ks}
            found = lookup(sorted(set(wanted.values())))
            missing = [i for i in wanted.values() if i not in found]
            if missing:
                raise ValueError(
                    f"person {missing[0]} is not in the population: seed at least "
                    f"{persons_needed(stop):,} persons for {stop:,} legal persons"
                )
            # Below working age or past it: the household head represents instead.
            heads = {
                r.household_id
                for r in found.values()
                if not 20 <= age_on_reference(r.birth_date) <= 70
            }
            found_heads = lookup(sorted(heads)) if heads else {}
            scripted = len(citydata.persona_legal_persons())
            for k in ks:
                rep = found[wanted[k]]
                if k >= scripted and not 20 <= age_on_reference(rep.birth_date) <= 70:
                    rep = found_heads[rep.household_id]
                yield self.row(k, rep)

    def row(self, k: int, rep: Representative) -> tuple:
        scripted = citydata.persona_legal_persons()
        if k < len(scripted):
            return self._scripted_row(k, scripted[k], rep)
        rand = random.Random((self.seed * 2 + 1) * 10**12 + k).random
        names = self.names
        county = rep.region_code[:6]
        r = rand()
        if r < 0.40:
            kind, category = ENTERPRISE, "91"
            registration = self.city.code[:6] if rand() < 0.3 else county
            suffixes = names["company_suffixes"]
            suffix = suffixes[0][0] if rand() < 0.85 else suffixes[1 + int(rand() * 2)][0]
            name = (
                f"{self.place_names[registration]}{_pick(rand, names['firm_words'])}"
                f"{_pick(rand, names['industries'])}{suffix}"
            )
            capital = round(10 ** (1 + rand() * 2.7))
            first_year = 1995
        elif r < 0.97:
            kind, category, registration = INDIVIDUAL, "92", county
            word = rep.name if rand() < 0.5 else _pick(rand, names["firm_words"])
            name = f"{self.place_names[county]}{word}{_pick(rand, names['shop_kinds'])}"
            capital = 1 + int(rand() * 50)
            first_year = 2000
        else:
            kind = SOCIAL
            registration = self.city.code[:6] if rand() < 0.5 else county
            place = self.place_names[registration]
            if rand() < 0.7:
                category = "51"  # 社会团体
                name = f"{place}{_pick(rand, names['association_topics'])}协会"
            else:
                category = "52"  # 民办非企业单位
                name = (
                    f"{place}{_pick(rand, names['firm_words'])}"
                    f"{_pick(rand, names['private_nonprofit_kinds'])}"
                )
            capital = 3 + int(rand() * 50)
            first_year = 1990
        adult = date(rep.birth_date.year + 18, 1, 1)
        lo = max(adult, date(first_year, 1, 1)).toordinal()
        established = date.fromordinal(lo + int(rand() * (LAST_BIRTH.toordinal() - lo)))
        village = self.city.village(rep.region_code)
        if village.is_community:
            address = f"{village.address_prefix}商业街{1 + int(rand() * 300)}号"
        else:
            address = f"{village.address_prefix}{1 + int(rand() * 12)}组{1 + int(rand() * 99)}号"
        uscc = uscc_with_check(f"{category}{registration}{_org_code(k, kind == SOCIAL)}")
        return (
            k,
            uscc,
            name,
            kind,
            rep.name,
            rep.id_number,
            f"{capital}.00",
            established.isoformat(),
            rep.region_code,
            address,
            rep.phone or "",
        )

    def _scripted_row(self, k: int, spec: dict, rep: Representative) -> tuple:
        if rep.name != spec["representative"]:
            raise ValueError(
                f"person {rep.index} is {rep.name}, not {spec['representative']}: the population "
                "was not generated by this generator"
            )
        kind = spec["kind"]
        category = {ENTERPRISE: "91", INDIVIDUAL: "92", SOCIAL: "51"}[kind]
        uscc = uscc_with_check(
            f"{category}{spec['registration_region']}{_org_code(k, kind == SOCIAL)}"
        )
        village = self.city.village(spec["region"])
        return (
            k,
            uscc,
            spec["name"],
            kind,
            rep.name,
            rep.id_number,
            spec["registered_capital"],
            spec["established_on"],
            village.code,
            village.address_prefix + spec["address"],
            spec["phone"],
        )


def _pick(rand: Callable[[], float], items: Sequence[str]) -> str:
    return items[int(rand() * len(items))]

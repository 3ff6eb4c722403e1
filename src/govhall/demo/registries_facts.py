"""What the departments know about one block of the synthetic population: jobs, incomes,
pensions, housing funds, homes, cars, relief, disabilities, degrees, marriages.

A :class:`Chunk` holds the persons of one generator block (households never span blocks) and the
legal persons they represent. Every fact is a pure function of ``(seed, block)`` and of those
persons: each kind of decision draws from its own random stream of the block (one number per
person, or per household, whether used or not), so computing one fact never shifts another, and
every registry pass over the block sees the same facts. Facts are computed lazily, only those a
registry needs.

Consistency rules (the ground truth of the demo city):

- a household-level wealth draw correlates income, homes and cars within a household;
- children (under 18) and students have no income, no car, no home of their own; an earner's
  social-security base is their monthly income within the legal floor and cap, and their housing
  fund deposit follows from that base;
- about 1–2 % of households live on 低保 (subsistence allowance): the poorest ones, at most one
  low earner, no home, no car, nobody representing a business; 特困 (five-guarantee) support only
  for elderly persons living alone;
- homes are owned by the head (jointly with the spouse, usually); per-capita area follows;
- about 6 % of persons hold a disability certificate, more of the elderly.

The personas' facts come from ``personas.json`` instead (:mod:`registries_personas`). Homes,
cars, disability certificates and degrees are computed in :mod:`registries_assets`, the static
tables are in :mod:`registries_tables`.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from functools import cached_property
from typing import Any

from govhall.demo.generator import BLOCK_SIZE
from govhall.demo.registries_assets import degrees_of, disabilities_of, estates_of, vehicles_of
from govhall.demo.registries_personas import month_of, persona_facts
from govhall.demo.registries_tables import (
    TAX_YEAR,
    ages_by_birth_date,
    employer_pools,
    urban_regions,
)

LAST_MONTH = TAX_YEAR * 12 + 11  # December of the tax year, as year * 12 + month - 1
SS_FLOOR, SS_CAP = 4500.0, 22500.0  # monthly contribution base, 元 (demo figures)
FUND_RATES = (0.05, 0.08, 0.10, 0.12)  # employer and employee each
DIBAO_STANDARD = {True: 790.0, False: 640.0}  # 元 per person and month, urban / rural
SUPPORT_STANDARD = {True: 1030.0, False: 840.0}  # 特困 basic support, 元 per month
NONE, DIBAO, WUBAO = 0, 1, 2
WORKER, RESIDENT = "城镇职工基本养老保险", "城乡居民基本养老保险"
PAYING, PAUSED, RETIRED = "参保缴费", "暂停缴费", "领取待遇"


def contribution_base(income: float) -> float:
    """An employee's monthly contribution base: the monthly wage within the floor and cap."""
    base = income / 12
    return SS_FLOOR if base < SS_FLOOR else SS_CAP if base > SS_CAP else base


def _first_job_month(birth: int, u: float, v: float) -> int:
    """The month an employee was first insured: aged 18 to 24, not before 1995."""
    first = birth + (18 + int(u * 7)) * 12 + int(v * 12)
    return 23940 if first < 23940 else LAST_MONTH if first > LAST_MONTH else first


def _working_age_pension(
    birth: int, u: float, v: float, job: tuple[str, float] | None, helped: int
) -> tuple | None:
    """The pension insurance of someone below retirement age (months as year * 12 + month - 1):
    an employee pays on their wage since their first job; others are insured as residents
    (those on relief always: the government pays), a few pausing or not insured."""
    if job:
        first = _first_job_month(birth, u, v)
        paid = int((LAST_MONTH - first + 1) * (0.75 + 0.25 * v))
        return (WORKER, PAYING, contribution_base(job[1]), job[0], first, paid if paid > 1 else 1)
    if not helped and u >= 0.95:
        return None
    first = birth + 216 if birth + 216 > 24120 else 24120  # from 18, 2010 on
    months = LAST_MONTH - first + 1
    if helped or u < 0.88:
        return (RESIDENT, PAYING, None, "", first, months // 12 * 12)
    return (RESIDENT, PAUSED, None, "", first, int(months * v) // 12 * 12)


def ym_iso(ym: int, day: int = 1) -> str:
    """A month index (year * 12 + month - 1) as an ISO date."""
    return f"{ym // 12}-{ym % 12 + 1:02d}-{day:02d}"


class Chunk:
    """One block of persons (positions ``0 .. n-1`` are persons ``start .. start+n-1``).

    ``relations`` is a string of one letter per person: ``h`` head, ``s`` spouse, ``c`` child,
    ``p`` parent (the first letter of ``Person.relation``). ``legal`` returns (representative's
    ID number, kind, name) of the legal persons these persons may represent.
    """

    def __init__(
        self,
        *,
        seed: int,
        start: int,
        id_numbers: Sequence[str],
        regions: Sequence[str],
        relations: str,
        names: Sequence[str] | None = None,
        addresses: Sequence[str] | None = None,
        legal: Callable[[], Iterable[tuple[str, str, str]]] | None = None,
    ) -> None:
        if start % BLOCK_SIZE:
            raise ValueError("a chunk starts at a block boundary")
        self.seed, self.start, self.n = seed, start, len(id_numbers)
        self.id_numbers, self.regions, self.relations = id_numbers, regions, relations
        self.names, self.addresses = names, addresses
        self._legal = legal or (lambda: ())
        self.personas = persona_facts().count if start == 0 else 0

    # --- structure ----------------------------------------------------------------------------

    def draws(self, salt: str) -> list[float]:
        """One uniform draw per person from the block's stream for ``salt``."""
        cache_ = self.__dict__.setdefault("_streams", {})
        if salt not in cache_:
            rand = random.Random(f"registries:{self.seed}:{self.start}:{salt}").random
            cache_[salt] = [rand() for _ in range(self.n)]
        return cache_[salt]

    def household_draws(self, salt: str) -> list[float]:
        """One uniform draw per household (in order) from the block's stream for ``salt``."""
        cache_ = self.__dict__.setdefault("_household_streams", {})
        if salt not in cache_:
            rand = random.Random(f"registries:{self.seed}:{self.start}:h:{salt}").random
            cache_[salt] = [rand() for _ in range(len(self.households))]
        return cache_[salt]

    @cached_property
    def wealth(self) -> list[float]:
        """Per household: a uniform rank of its means, shared by income, homes and cars."""
        return self.household_draws("wealth")

    @cached_property
    def households(self) -> list[tuple[int, int]]:
        """(first, end) positions of each household; the head comes first."""
        relations, starts, i = self.relations, [], self.relations.find("h")
        while i >= 0:
            starts.append(i)
            i = relations.find("h", i + 1)
        if not starts or starts[0] != 0:
            starts.insert(0, 0)
        return list(zip(starts, [*starts[1:], self.n], strict=True))

    @cached_property
    def ages(self) -> list[int]:
        """Age on 2026-01-01, from the birth date inside the ID number."""
        table = ages_by_birth_date()
        return [table[n[6:14]] for n in self.id_numbers]

    @cached_property
    def males(self) -> list[bool]:
        return [n[16] in "13579" for n in self.id_numbers]

    @cached_property
    def urban(self) -> list[bool]:
        """Per household: registered in an urban community (城镇户) rather than a village."""
        urban = urban_regions()
        return [urban.get(self.regions[s], False) for s, _ in self.households]

    @cached_property
    def spouses(self) -> list[int | None]:
        """Per household: position of the head's spouse."""
        relations = self.relations
        out: list[int | None] = []
        for s, e in self.households:
            i = relations.find("s", s + 1, e)
            out.append(i if i >= 0 else None)
        return out

    @cached_property
    def businesses(self) -> dict[int, list[tuple[str, str]]]:
        """Position → (name, kind) of the enterprises and individual businesses that person
        represents."""
        position = {number: i for i, number in enumerate(self.id_numbers)}
        out: dict[int, list[tuple[str, str]]] = {}
        for number, kind, name in self._legal():
            i = position.get(number)
            if i is not None and kind != "social":
                out.setdefault(i, []).append((name, kind))
        return out

    @cached_property
    def business_households(self) -> set[int]:
        """Households with a member who represents a business."""
        starts = [s for s, _ in self.households]
        return {bisect_right(starts, i) - 1 for i in self.businesses}

    @cached_property
    def students(self) -> list[bool]:
        u = self.draws("job")
        return [18 <= age < 22 and u[i] < 0.55 for i, age in enumerate(self.ages)]

    # --- relief and work ------------------------------------------------------------------------

    @cached_property
    def relief(self) -> list[int]:
        """Per household: NONE, DIBAO (低保) or WUBAO (特困供养)."""
        wealth, ages, with_business = self.wealth, self.ages, self.business_households
        out = []
        for h, (s, e) in enumerate(self.households):
            w, urban = wealth[h], self.urban[h]
            if s < self.personas:
                facts = persona_facts().households.get(s, {})
                out.append(DIBAO if facts.get("subsistence") else NONE)
            elif h in with_business:
                out.append(NONE)
            elif e - s == 1 and ages[s] >= 60 and w < (0.05 if urban else 0.16):
                out.append(WUBAO)
            elif w < (0.010 if urban else 0.022):
                out.append(DIBAO)
            else:
                out.append(NONE)
        return out

    @cached_property
    def jobs(self) -> list[tuple[str, float] | None]:
        """Per person: (employer, annual income of the tax year) or None."""
        out: list[tuple[str, float] | None] = [None] * self.n
        u_job, u_pay, u_employer = self.draws("job"), self.draws("pay"), self.draws("employer")
        wealth, ages, males, students = self.wealth, self.ages, self.males, self.students
        businesses, pools = self.businesses, employer_pools()
        for h, (s, e) in enumerate(self.households):
            kind = self.relief[h]
            if kind == WUBAO or s < self.personas:
                continue
            urban, w = self.urban[h], wealth[h]
            base = 52_000.0 if urban else 38_000.0
            pool = pools[self.regions[s][:6]]
            earners_left = 1 if kind == DIBAO else e - s
            for i in range(s, e):
                age = ages[i]
                if age < 18 or students[i]:
                    continue
                owned = businesses.get(i)
                if owned:
                    pay = base * (1.0 + 1.6 * w) * (0.7 + 0.8 * u_pay[i])
                    out[i] = (owned[0][0], round(pay, -2))
                    continue
                retire = 60 if males[i] else 55
                share = (0.80 if urban else 0.58) if age < retire else 0.12
                if age >= retire + 5 or u_job[i] >= share or not earners_left:
                    continue
                earners_left -= 1
                if kind == DIBAO:
                    pay = 2_400.0 + 3_000.0 * u_pay[i]  # below a year of the allowance
                else:
                    pay = base * (0.45 + 1.3 * w) * (0.55 + 0.9 * u_pay[i])
                out[i] = (pool[int(u_employer[i] * len(pool))], round(pay, -2))
        for i, facts in persona_facts().persons.items():
            if i < self.personas and "job" in facts:
                job = facts["job"]
                out[i] = (job["employer"], float(job["annual_income"]))
        return out

    @cached_property
    def birth_years(self) -> list[int]:
        return [int(n[6:10]) for n in self.id_numbers]

    @cached_property
    def social(self) -> list[tuple | None]:
        """Per person: (insurance type, status, monthly base or None, employer, first month,
        paid months) of the basic pension insurance."""
        out: list[tuple | None] = [None] * self.n
        u_ss, u_more = self.draws("social"), self.draws("social2")
        jobs, ages, students, males = self.jobs, self.ages, self.students, self.males
        years, relief, urban, first_person = (
            self.birth_years,
            self.relief,
            self.urban,
            self.personas,
        )
        for h, (s, e) in enumerate(self.households):
            town, helped = urban[h], relief[h]
            for i in range(s if s >= first_person else first_person, e):
                age = ages[i]
                if age < 18 or students[i]:
                    continue
                birth, u = years[i] * 12, u_ss[i]
                if age < (60 if males[i] else 55):
                    out[i] = _working_age_pension(birth, u, u_more[i], jobs[i], helped)
                elif town and u < 0.55:
                    first = birth + 264 if birth + 264 > 23904 else 23904  # from 22, 1992 on
                    paid = int(((60 if males[i] else 55) * 12 + birth - first) * (0.8 + 0.2 * u))
                    out[i] = (WORKER, RETIRED, None, "", first, paid if paid > 180 else 180)
                else:
                    first = birth + 540 if birth + 540 > 24120 else 24120  # from 45, 2010 on
                    last = birth + 720 if birth + 720 < LAST_MONTH else LAST_MONTH
                    paid = (last - first) // 12 * 12
                    out[i] = (RESIDENT, RETIRED, None, "", first, paid if paid > 0 else 0)
        self._persona_social(out)
        return out

    def _persona_social(self, out: list[tuple | None]) -> None:
        jobs = self.jobs
        for i in range(self.personas):
            facts = persona_facts().person(i).get("social_security")
            if not facts:
                continue
            first = month_of(facts["first_insured_on"])
            paying = facts["insured_status"] == "参保缴费"
            worker = facts["insurance_type"].startswith("城镇职工")
            base = contribution_base(jobs[i][1]) if jobs[i] and worker else None
            employer = facts.get("employer", jobs[i][0] if jobs[i] else "")
            paid = facts.get("paid_months", LAST_MONTH - first + 1 if paying else 0)
            out[i] = (
                facts["insurance_type"],
                facts["insured_status"],
                base if paying else None,
                employer,
                first,
                paid,
            )

    @cached_property
    def funds(self) -> list[tuple | None]:
        """Per person: (status, employer, rate, monthly deposit, balance, opening month)."""
        out: list[tuple | None] = [None] * self.n
        u_fund, u_more = self.draws("fund"), self.draws("fund2")
        u_ss, u_ss2 = self.draws("social"), self.draws("social2")
        jobs, ages, males, years = self.jobs, self.ages, self.males, self.birth_years
        businesses, pools, first_person = self.businesses, employer_pools(), self.personas
        for h, (s, e) in enumerate(self.households):
            if self.relief[h]:
                continue
            town = self.urban[h]
            for i in range(s if s >= first_person else first_person, e):
                u, v, job = u_fund[i], u_more[i], jobs[i]
                if job and ages[i] < (60 if males[i] else 55):
                    share = 0.6 if i in businesses else 0.55 if town else 0.2
                    if u >= share:
                        continue
                    rate = FUND_RATES[int(u / share * 4)]
                    opened = _first_job_month(years[i] * 12, u_ss[i], u_ss2[i]) + int(v * 36)
                    opened = (
                        23988 if opened < 23988 else LAST_MONTH if opened > LAST_MONTH else opened
                    )
                    deposit = float(round(contribution_base(job[1]) * rate * 2))
                    balance = deposit * (LAST_MONTH - opened + 1) * (0.2 + 0.6 * v)
                    out[i] = ("正常", job[0], rate, deposit, round(balance, 2), opened)
                elif town and not job and 25 <= ages[i] < 55 and u < 0.08:
                    opened = years[i] * 12 + 276 + int(v * 60)  # from 23
                    opened = (
                        23988 if opened < 23988 else LAST_MONTH if opened > LAST_MONTH else opened
                    )
                    pool = pools[self.regions[s][:6]]
                    employer = pool[int(v * len(pool))]
                    out[i] = ("封存", employer, 0.0, 0.0, round(2_000 + 30_000 * v, 2), opened)
        for i in range(self.personas):
            facts = persona_facts().person(i).get("housing_fund")
            if facts:
                rate = float(facts["rate"])
                deposit = float(round(contribution_base(jobs[i][1]) * rate * 2))
                opened = month_of(facts["opened_on"])
                out[i] = ("正常", jobs[i][0], rate, deposit, float(facts["balance"]), opened)
        return out

    # --- what they own and hold (registries_assets) ---------------------------------------------

    @cached_property
    def estates(self) -> list[list[dict[str, Any]]]:
        """Per household: homes, each {serial, area, usage, owners, registered, home}."""
        return estates_of(self)

    @cached_property
    def vehicles(self) -> list[list[dict[str, Any]]]:
        """Per household: cars, each {serial, model, type, price, registered, owner}."""
        return vehicles_of(self)

    @cached_property
    def disabilities(self) -> list[tuple[int, int, str] | None]:
        """Per person: (category index, grade 1-4, issue date) of a disability certificate."""
        return disabilities_of(self)

    @cached_property
    def degrees(self) -> list[tuple | None]:
        """Per person: (degree index, school, school code, major, graduation year)."""
        return degrees_of(self)

"""What the demo population owns and holds: homes, cars, disability certificates, degrees.

Functions of one :class:`~govhall.demo.registries_facts.Chunk` (its cached properties call
them); the same rules as there: every draw from the block's streams, personas from
``personas.json``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from govhall.demo.registries_personas import persona_facts
from govhall.demo.registries_tables import (
    CATEGORY_CUM,
    DEGREE_CUM,
    DEGREES,
    DISABILITY_CATEGORIES,
    GRADE_CUM,
    MAJORS,
    SCHOOLS,
    TAX_YEAR,
    VEHICLE_MODELS,
    pick,
)

if TYPE_CHECKING:
    from govhall.demo.registries_facts import Chunk


def _home(
    serial: int, area: float, usage: str, owners: list, first_year: int, u: float, home: bool
) -> dict[str, Any]:
    year = first_year + int(u * (TAX_YEAR + 1 - first_year))
    day = 1 + int((u * 1000) % 1 * 28)
    month = 1 + int((u * 100) % 1 * 12)
    return {
        "serial": serial,
        "area": round(area, 2),
        "usage": usage,
        "owners": owners,
        "registered": f"{year}-{month:02d}-{day:02d}",
        "home": home,
    }


def _car(serial: int, w: float, u: float, d: float, k: int, drivers: list[int]) -> dict[str, Any]:
    """The k-th car of a household of wealth ``w``: dearer models for richer households."""
    v = (u * (7 if k else 1)) % 1
    top = len(VEHICLE_MODELS)
    model, kind, price = VEHICLE_MODELS[min(top - 1, int(top * (0.7 * w + 0.3 * v)))]
    d = (d * (3 if k else 1)) % 1
    return {
        "serial": serial,
        "model": model,
        "type": kind,
        "price": round(price * (0.92 + 0.16 * ((v * 13) % 1)), -2),
        "registered": f"{2010 + int(d * 16)}-{1 + int((d * 97) % 1 * 12):02d}-"
        f"{1 + int((d * 997) % 1 * 28):02d}",
        "owner": drivers[k % len(drivers)],
    }


def estates_of(c: Chunk) -> list[list[dict[str, Any]]]:
    """Per household: homes, each {serial, area, usage, owners, registered, home}."""
    out: list[list[dict[str, Any]]] = []
    u_own, u_second, u_area = (
        c.household_draws("estate"),
        c.household_draws("estate2"),
        c.household_draws("area"),
    )
    u_joint, u_date = c.household_draws("joint"), c.household_draws("estate_date")
    wealth, relief, urban, spouses = c.wealth, c.relief, c.urban, c.spouses
    years, base = c.birth_years, c.start * 2
    for h, (s, _e) in enumerate(c.households):
        homes: list[dict[str, Any]] = []
        out.append(homes)
        if relief[h] or s < c.personas:
            if s < c.personas:
                _persona_estates(c, s, homes)
            continue
        town, w, u, spouse = urban[h], wealth[h], u_own[h], spouses[h]
        owners = [s] if spouse is None or u_joint[h] >= 0.75 else [s, spouse]
        first_year = years[s] + 24
        first_year = (
            1998 if first_year < 1998 else TAX_YEAR if first_year > TAX_YEAR else first_year
        )
        if town and u < 0.35 + 0.5 * w:
            area = 50 + 100 * (0.6 * w + 0.4 * u_area[h])
            homes.append(_home(base + 2 * s, area, "住宅", owners, first_year, u_date[h], True))
        elif not town and u < 0.30:
            area = 90 + 120 * u_area[h]
            usage = "农村宅基地住宅"
            homes.append(_home(base + 2 * s, area, usage, owners, first_year, u_date[h], True))
        if u_second[h] < (0.03 + 0.3 * w * w if town else 0.05 + 0.3 * w):
            area = 60 + 70 * ((u_area[h] * 7) % 1)
            later = (u_date[h] * 5) % 1
            homes.append(_home(base + 2 * s + 1, area, "住宅", owners, first_year, later, False))
    return out


def _persona_estates(c: Chunk, s: int, homes: list[dict[str, Any]]) -> None:
    facts = persona_facts().households.get(s, {})
    for k, estate in enumerate(facts.get("real_estate", [])):
        homes.append(
            {
                "serial": (c.start + s) * 2 + k,
                "area": float(estate["area"]),
                "usage": estate.get("usage", "住宅"),
                "owners": estate["owners"],
                "registered": estate["registered_on"],
                "home": True,
            }
        )


def vehicles_of(c: Chunk) -> list[list[dict[str, Any]]]:
    """Per household: cars, each {serial, model, type, price, registered, owner}."""
    out: list[list[dict[str, Any]]] = []
    u_car, u_model = c.household_draws("car"), c.household_draws("car_model")
    u_date, wealth, ages = c.household_draws("car_date"), c.wealth, c.ages
    relief, urban, spouses, base = c.relief, c.urban, c.spouses, c.start * 2
    for h, (s, _e) in enumerate(c.households):
        cars: list[dict[str, Any]] = []
        out.append(cars)
        if relief[h] or s < c.personas:
            if s < c.personas:
                _persona_vehicles(c, s, cars)
            continue
        w, u = wealth[h], u_car[h]
        if u >= (0.12 + 0.5 * w if urban[h] else 0.08 + 0.4 * w):
            continue
        spouse = spouses[h]
        drivers = [i for i in (s, spouse) if i is not None and 18 <= ages[i] < 75]
        if not drivers:
            continue
        for k in range(2 if (u * 10) % 1 < 0.3 * w * w else 1):
            cars.append(_car(base + 2 * s + k, w, u_model[h], u_date[h], k, drivers))
    return out


def _persona_vehicles(c: Chunk, s: int, cars: list[dict[str, Any]]) -> None:
    facts = persona_facts().households.get(s, {})
    for k, car in enumerate(facts.get("vehicles", [])):
        cars.append(
            {
                "serial": (c.start + s) * 2 + k,
                "model": car["brand_model"],
                "type": car["vehicle_type"],
                "price": float(car["purchase_price"]),
                "registered": car["registered_on"],
                "owner": car["owner"],
            }
        )


def disabilities_of(c: Chunk) -> list[tuple[int, int, str] | None]:
    """Per person: (category index, grade 1-4, issue date) of a disability certificate."""
    out: list[tuple[int, int, str] | None] = [None] * c.n
    u_dis, u_kind, ages = c.draws("disability"), c.draws("disability_kind"), c.ages
    for i in range(c.personas, c.n):
        age = ages[i]
        share = 0.015 if age < 18 else 0.03 if age < 45 else 0.06 if age < 60 else 0.11
        if age >= 75:
            share = 0.20
        if u_dis[i] >= share:
            continue
        u = u_kind[i]
        birth_year = int(c.id_numbers[i][6:10])
        first = min(max(2008, birth_year + 1), TAX_YEAR)
        year = first + int(((u * 31) % 1) * (TAX_YEAR + 1 - first))
        issued = f"{year}-{1 + int((u * 101) % 1 * 12):02d}-{1 + int((u * 1009) % 1 * 28):02d}"
        out[i] = (pick(CATEGORY_CUM, u), 1 + pick(GRADE_CUM, (u * 7) % 1), issued)
    categories = [c[1] for c in DISABILITY_CATEGORIES]
    for i in range(c.personas):
        facts = persona_facts().person(i).get("disability")
        if facts:
            out[i] = (categories.index(facts["category"]), facts["grade"], facts["issued_on"])
    return out


def degrees_of(c: Chunk) -> list[tuple | None]:
    """Per person: (degree index, school, school code, major, graduation year)."""
    out: list[tuple | None] = [None] * c.n
    u_edu, u_more, ages = c.draws("education"), c.draws("education2"), c.ages
    for h, (s, e) in enumerate(c.households):
        urban = c.urban[h]
        for i in range(max(s, c.personas), e):
            age = ages[i]
            if age < 22 or age > 64:
                continue
            share = (0.45 if urban else 0.25) if age < 36 else (0.25 if urban else 0.08)
            if age >= 51:
                share = 0.08 if urban else 0.02
            if u_edu[i] >= share:
                continue
            v = u_more[i]
            degree = pick(DEGREE_CUM, v)
            name, years = DEGREES[degree][0], DEGREES[degree][1]
            if age < years:
                degree, name, years = 0, DEGREES[0][0], DEGREES[0][1]
            school, code = SCHOOLS[name][int((v * 17) % 1 * len(SCHOOLS[name]))]
            major = MAJORS[int((v * 131) % 1 * len(MAJORS))]
            year = int(c.id_numbers[i][6:10]) + years
            out[i] = (degree, school, code, major, min(year, TAX_YEAR))
    for i in range(c.personas):
        facts = persona_facts().person(i).get("education")
        if facts:
            degree = [d[0] for d in DEGREES].index(facts["education_level"])
            codes = dict(SCHOOLS[facts["education_level"]])
            code = codes.get(facts["school"], "14062")
            year = int(facts["graduated_on"][:4])
            out[i] = (degree, facts["school"], code, facts["major"], year)
    return out

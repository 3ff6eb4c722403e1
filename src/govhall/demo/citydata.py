"""The demo city as data: regions, departments, service centers, names and personas.

Everything is read from the JSON files in ``data/`` (each states its sources) and exposed as small
frozen dataclasses. Nothing here touches the database.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"

# Suffix of a staff login per post code: ``zjj_accept``, ``zjj_review`` ...
POST_LOGIN_SUFFIX = {
    "acceptance": "accept",
    "review": "review",
    "approval": "approve",
    "supervision": "supervise",
    "data_officer": "data",
    "catalog_admin": "catalog",
}


@cache
def _json(name: str) -> dict[str, Any]:
    with (DATA_DIR / name).open(encoding="utf-8") as handle:
        return json.load(handle)


@dataclass(frozen=True)
class Village:
    code: str  # 12 digits
    name: str
    township: Township
    county_index: int
    weight: float
    is_community: bool

    @property
    def address_prefix(self) -> str:
        """``安徽省亳州市利辛县阚疃镇赵庙村``: the part of an address every household shares."""
        county = self.township.county
        return f"安徽省亳州市{county.name}{self.township.name}{self.name}"


@dataclass(frozen=True)
class Township:
    code: str  # 12 digits
    name: str
    county: County
    agency_village: str  # 3-digit village code of the agency point, or ""


@dataclass(frozen=True)
class County:
    code: str  # 6 digits
    name: str
    abbr: str
    weight: float
    id_prefixes: tuple[tuple[int, str], ...]  # (last birth year, 6-digit code), ascending

    @property
    def code12(self) -> str:
        return self.code + "000000"

    def id_prefix(self, birth_year: int) -> str:
        """The 6-digit code an ID number of someone born in ``birth_year`` starts with.

        python-stdnum (and GB 11643 practice) requires a code that existed in the birth year; the
        Bozhou counties belonged to 阜阳 until 2000, so older residents carry 3412xx / 3421xx codes.
        """
        for last_year, code in self.id_prefixes:
            if birth_year <= last_year:
                return code
        return self.id_prefixes[-1][1]


@dataclass(frozen=True)
class DepartmentSpec:
    key: str  # login prefix: ``zjj``, or ``wy_zjj`` for a county department
    name: str
    short_name: str
    uscc_body: str  # 17 characters; the loader appends the check character
    nature: str
    phone: str
    address: str
    region_code: str
    posts: tuple[str, ...]
    # a street office or a community committee: a step of a review chain, no items of its own
    grassroots: bool = False


@dataclass(frozen=True)
class CenterSpec:
    key: str
    name: str
    region_code: str
    address: str
    hours: str
    phone: str
    latitude: str | None
    longitude: str | None
    is_agency_point: bool
    windows: tuple[tuple[str, str, tuple[str, ...]], ...]  # number, name, department keys


@dataclass(frozen=True)
class City:
    province_code: str
    province_name: str
    code: str
    name: str
    counties: tuple[County, ...]
    townships: tuple[Township, ...]
    villages: tuple[Village, ...]
    departments: tuple[DepartmentSpec, ...]
    centers: tuple[CenterSpec, ...]
    _village_by_code: dict[str, Village] = field(default_factory=dict, repr=False)

    def village(self, code: str) -> Village:
        return self._village_by_code[code]


@cache
def city() -> City:
    raw = _json("bozhou.json")
    counties: list[County] = []
    townships: list[Township] = []
    villages: list[Village] = []
    for county_index, c in enumerate(raw["counties"]):
        county = County(
            code=c["code"],
            name=c["name"],
            abbr=c["abbr"],
            weight=float(c["weight"]),
            id_prefixes=tuple((int(y), code) for y, code in c["id_prefixes"]),
        )
        counties.append(county)
        county_villages = []
        for t in c["townships"]:
            township = Township(
                code=f"{county.code}{t['code']}000",
                name=t["name"],
                county=county,
                agency_village=t.get("agency", ""),
            )
            townships.append(township)
            for v_code, v_name in t["villages"]:
                community = v_name.endswith("社区")
                county_villages.append((township, v_code, v_name, community))
        # Communities (towns, streets) are denser than villages; the county keeps its share.
        raw_weights = [1.6 if community else 1.0 for *_, community in county_villages]
        scale = county.weight / sum(raw_weights)
        for (township, v_code, v_name, community), w in zip(
            county_villages, raw_weights, strict=True
        ):
            villages.append(
                Village(
                    code=township.code[:9] + v_code,
                    name=v_name,
                    township=township,
                    county_index=county_index,
                    weight=w * scale,
                    is_community=community,
                )
            )
    city_code = raw["city"]["code"]
    departments = (
        _city_departments(raw, city_code)
        + _county_departments(raw, counties)
        + _grassroots_departments(counties, townships, villages)
    )
    result = City(
        province_code=raw["province"]["code"],
        province_name=raw["province"]["name"],
        code=city_code,
        name=raw["city"]["name"],
        counties=tuple(counties),
        townships=tuple(townships),
        villages=tuple(villages),
        departments=tuple(departments),
        centers=tuple(_centers(raw, city_code, counties, townships, villages)),
    )
    result._village_by_code.update({v.code: v for v in villages})
    return result


def _city_departments(raw: dict[str, Any], city_code: str) -> list[DepartmentSpec]:
    default_posts = tuple(raw["service_posts"])
    return [
        DepartmentSpec(
            key=d["key"],
            name=d["name"],
            short_name=d["short_name"],
            uscc_body=f"{d['category']}{city_code[:6]}{d['org_code']}",
            nature=d["nature"],
            phone=d["phone"],
            address=d["address"],
            region_code=city_code,
            posts=tuple(d.get("posts", default_posts)),
        )
        for d in raw["departments"]
    ]


def _county_departments(raw: dict[str, Any], counties: list[County]) -> list[DepartmentSpec]:
    specs = []
    for county_index, county in enumerate(counties):
        # 谯城区 is a district of the city: its bodies are named 亳州市谯城区…
        full_prefix = ("亳州市" if county.code == "341602" else "") + county.name
        for d in raw["county_departments"]:
            org_code = f"0030{county_index + 1}{d['org_base']:02d}0{county_index}"
            specs.append(
                DepartmentSpec(
                    key=f"{county.abbr}_{d['key']}",
                    name=f"{full_prefix}{d['full']}",
                    short_name=f"{county.name}{d['short']}",
                    uscc_body=f"11{county.code}{org_code}",
                    nature="1",
                    phone="",
                    address=f"{full_prefix}人民政府院内",
                    region_code=county.code12,
                    # the 住建局 of a district approves 公租房 (区级审核, 公示, 决定)
                    posts=tuple(d.get("posts", ["acceptance"])),
                )
            )
    return specs


def _grassroots_departments(
    counties: list[County], townships: list[Township], villages: list[Village]
) -> list[DepartmentSpec]:
    """Street offices / township governments (review post) and community / village committees
    (acceptance post): the first two levels of the 公租房 review chain (社区受理 → 街道审核). A
    process step with ``"department": "@village"`` or ``"@township"`` reaches them by the
    applicant's residence."""
    specs = []
    county_index = {county.code: index for index, county in enumerate(counties)}
    for township in townships:
        county = township.county
        number = township.code[6:9]
        street = township.name.endswith("街道")
        full = f"{county.name}{township.name}{'办事处' if street else '人民政府'}"
        specs.append(
            DepartmentSpec(
                key=f"{county.abbr}_t{number}",
                name=full,
                short_name=township.name,
                uscc_body=f"11{county.code}T{county_index[county.code]}{number}0000",
                nature="1",
                phone="",
                address=f"{county.name}{township.name}",
                region_code=township.code,
                posts=("review",),
                grassroots=True,
            )
        )
    for village in villages:
        county = village.township.county
        number = village.code[6:12]
        committee = "居民委员会" if village.is_community else "村民委员会"
        specs.append(
            DepartmentSpec(
                key=f"{county.abbr}_v{number}",
                name=f"{county.name}{village.township.name}{village.name}{committee}",
                short_name=village.name,
                uscc_body=f"54{county.code}W{county_index[county.code]}{number}0",
                nature="2",
                phone="",
                address=village.address_prefix,
                region_code=village.code,
                posts=("acceptance",),
                grassroots=True,
            )
        )
    return specs


def _windows(rows: list[list[Any]], prefix: str = "") -> tuple:
    return tuple(
        (row[0], row[1], tuple(f"{prefix}{k}" for k in (row[2] if len(row) > 2 else [])))
        for row in rows
    )


def _centers(
    raw: dict[str, Any],
    city_code: str,
    counties: list[County],
    townships: list[Township],
    villages: list[Village],
) -> list[CenterSpec]:
    cc = raw["city_center"]
    centers = [
        CenterSpec(
            key="city",
            name=cc["name"],
            region_code=city_code,
            address=cc["address"],
            hours=cc["hours"],
            phone=cc["phone"],
            latitude=cc["latitude"],
            longitude=cc["longitude"],
            is_agency_point=False,
            windows=_windows(cc["windows"]),
        )
    ]
    by_code = {c.code: c for c in counties}
    for c in raw["county_centers"]:
        county = by_code[c["county"]]
        centers.append(
            CenterSpec(
                key=county.abbr,
                name=f"{county.name}政务服务中心",
                region_code=county.code12,
                address=c["address"],
                hours=raw["county_center_hours"],
                phone=c["phone"],
                latitude=c["latitude"],
                longitude=c["longitude"],
                is_agency_point=False,
                windows=_windows(raw["county_windows"], prefix=f"{county.abbr}_"),
            )
        )
    village_by_code = {v.code: v for v in villages}
    for township in townships:
        county = township.county
        centers.append(
            CenterSpec(
                key=township.code,
                name=f"{county.name}{township.name}便民服务中心",
                region_code=township.code,
                address=f"{county.name}{township.name}人民政府一楼",
                hours=raw["township_hours"],
                phone="",
                latitude=None,
                longitude=None,
                is_agency_point=False,
                windows=_windows(raw["township_windows"]),
            )
        )
        if township.agency_village:
            village = village_by_code[township.code[:9] + township.agency_village]
            centers.append(
                CenterSpec(
                    key=village.code,
                    name=f"{township.name}{village.name}便民服务代办点",
                    region_code=village.code,
                    address=f"{county.name}{township.name}{village.name}村民委员会",
                    hours=raw["agency_hours"],
                    phone="",
                    latitude=None,
                    longitude=None,
                    is_agency_point=True,
                    windows=_windows(raw["agency_windows"]),
                )
            )
    return centers


@dataclass(frozen=True)
class PersonaMember:
    relation: str
    name: str
    sex: str
    birth_date: date
    phone: str
    account: bool


@dataclass(frozen=True)
class PersonaHousehold:
    region_code: str
    address: str  # after the village's address prefix
    members: tuple[PersonaMember, ...]


@cache
def persona_households() -> tuple[PersonaHousehold, ...]:
    return tuple(
        PersonaHousehold(
            region_code=h["region"],
            address=h["address"],
            members=tuple(
                PersonaMember(
                    relation=m["relation"],
                    name=m["name"],
                    sex=m["sex"],
                    birth_date=date.fromisoformat(m["birth_date"]),
                    phone=m["phone"],
                    account=bool(m.get("account")),
                )
                for m in h["members"]
            ),
        )
        for h in _json("personas.json")["households"]
    )


@cache
def persona_index() -> dict[str, int]:
    """Person index (= ``Person.id``) of each persona, by name: personas come first."""
    index = {}
    for household in persona_households():
        for member in household.members:
            index[member.name] = len(index)
    return index


def persona_legal_persons() -> list[dict[str, Any]]:
    return _json("personas.json")["legal_persons"]


def persona_agent() -> dict[str, str]:
    return _json("personas.json")["agent"]


def persona_admin() -> dict[str, str]:
    return _json("personas.json")["admin"]


def names() -> dict[str, Any]:
    return _json("names.json")

"""Loading the demo city: regions, departments, service centers, population and demo accounts.

``demo_city_load`` is idempotent: every stage looks its rows up by their natural key (region
code, USCC, center name, window number, login) and creates only what is missing, so a second run
creates nothing. Each stage runs in its own transaction and, when it changed something, writes one
audit row ``demo.load`` (actor ``demo``) in that transaction. The last stage, the registries, is
not one transaction: the exchange's ingestion service loads each registry in its own
(:mod:`govhall.demo.exchange_load`).

All demo accounts share :data:`DEMO_PASSWORD`; the list of them (``accounts``) is what
``write_demo_accounts`` puts in the accounts file.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from govhall.accounts.models import User
from govhall.accounts.services import (
    agent_create,
    staff_create,
    user_register_citizen,
    user_register_enterprise,
)
from govhall.analytics.services_eligibility import rules_demo_load
from govhall.analytics.services_push import push_demo_round
from govhall.core.audit import audit_record
from govhall.core.identifiers import uscc_with_check
from govhall.demo import citydata
from govhall.demo.cases_load import demo_cases_load
from govhall.demo.catalog_load import catalog_load
from govhall.demo.exchange_load import (
    Progress,
    RegistryReport,
    exchange_demo_load,
    registries_load,
    resources_load,
)
from govhall.demo.generator import DEFAULT_SEED
from govhall.demo.models import LegalPerson, Person
from govhall.demo.seeding import population_seed
from govhall.housing.demo import housing_demo_load
from govhall.interaction.demo import interaction_demo_load
from govhall.licenses.demo import licenses_demo_load
from govhall.organizations.models import Department, Region, ServiceCenter, Window
from govhall.organizations.services import posts_ensure
from govhall.supervision.demo import supervision_demo_load

# The documented password of every demo account (published in the accounts file, demo only):
# 8+ characters, four character classes, no identifier in it.
DEMO_PASSWORD = "Demo#2026"  # noqa: S105
MIN_PERSONS = 200  # the personas and the demo legal persons' representatives come first
AUDIT_ACTOR = "demo"


@dataclass
class DemoLoadResult:
    accounts: list[dict[str, Any]]
    created: dict[str, int] = field(default_factory=dict)  # rows created per stage
    persons: int = 0
    legal_persons: int = 0


def demo_city_load(*, persons: int = 2000, seed: int = DEFAULT_SEED) -> DemoLoadResult:
    """Load (or complete) the demo city and return its demo accounts."""
    if persons < MIN_PERSONS:
        raise ValueError(f"the demo city needs at least {MIN_PERSONS} persons")
    result = DemoLoadResult(accounts=[])
    result.created["regions"] = _stage("regions", _load_regions)
    result.created["departments"] = _stage("departments", _load_departments)
    result.created["service_centers"] = _stage("service_centers", _load_centers)
    result.created["catalog"] = _stage("catalog", catalog_load)
    result.created["population"] = _stage(
        "population", lambda: _load_population(persons=persons, seed=seed)
    )
    result.created["staff"] = _stage("staff", lambda: _load_staff(result.accounts))
    result.created["citizens"] = _stage("citizens", lambda: _load_citizens(result.accounts))
    result.created["enterprises"] = _stage(
        "enterprises", lambda: _load_enterprises(result.accounts)
    )
    result.created["agents"] = _stage("agents", lambda: _load_agent(result.accounts))
    result.created["admin"] = _stage("admin", lambda: _load_admin(result.accounts))
    # resources, then grants and purposes (requested and decided by the data officers above)
    result.created["exchange"] = _stage("exchange", exchange_demo_load)
    # e-license types, departments' keys, personas' licenses (before the cases, which issue more)
    result.created["licenses"] = _stage("licenses", licenses_demo_load)
    result.created["registries"] = sum(r.inserted for r in _load_registries(seed=seed))
    # the 公租房 eligibility parameters in force (rules as code, analytics)
    result.created["eligibility"] = _stage("eligibility", lambda: (rules_demo_load()[0], 0))
    result.created["cases"] = _stage("cases", demo_cases_load)  # the case history, last
    # estates and units, the waiting list of the completed 公租房 cases, a round, leases and rent
    result.created["housing"] = _stage("housing", housing_demo_load)
    # 精准推送: invite the households that qualify today and have not applied (one round)
    result.created["push"] = _stage(
        "push",
        lambda: push_demo_round(purpose=f"YT-{timezone.localdate().year}-ZJJ-0002"),
    )
    # ratings, rectifications, enquiries and complaints on that history
    result.created["interaction"] = _stage("interaction", interaction_demo_load)
    # thresholds, then one supervision sweep over that history (cards, accountability records)
    result.created["supervision"] = _stage("supervision", supervision_demo_load)
    result.persons = Person.objects.count()
    result.legal_persons = LegalPerson.objects.count()
    return result


def demo_registries_load(
    *, seed: int = DEFAULT_SEED, progress: Progress | None = None, workers: int = 1
) -> list[RegistryReport]:
    """The registries of the population in the database (``seed``): the departments and the
    resource catalog first, if missing. Skips what is already loaded for this population;
    ``workers`` processes generate the rows where they can (see ``registries_load``)."""
    _stage("regions", _load_regions)
    _stage("departments", _load_departments)
    _stage("exchange_resources", resources_load)
    return _load_registries(seed=seed, progress=progress, workers=workers)


def write_demo_accounts(path: Path, accounts: list[dict[str, Any]]) -> None:
    """Write the demo accounts as UTF-8 JSON (readable Chinese, indented)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(accounts, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


# --- stages ----------------------------------------------------------------------------------


def _stage(name: str, load) -> int:
    """Run one stage atomically; audit it when it created or changed anything."""
    with transaction.atomic():
        created, changed = load()
        if created or changed:
            audit_record(
                actor=AUDIT_ACTOR,
                action="demo.load",
                object_type="demo.stage",
                object_id=name,
                after={"created": created, "changed": changed},
            )
    return created


def _upsert(model: type[models.Model], lookup: dict[str, Any], values: dict[str, Any]):
    """Get by ``lookup``; create with ``values``, or update the fields that differ.

    Returns (object, created, changed).
    """
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values), True, False
    stale = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in stale:
        setattr(obj, name, values[name])
    if stale:
        obj.save(update_fields=[*stale, *(["updated_at"] if hasattr(obj, "updated_at") else [])])
    return obj, False, bool(stale)


def _load_regions() -> tuple[int, int]:
    city = citydata.city()
    rows = [
        (city.province_code, city.province_name, Region.Level.PROVINCE, None),
        (city.code, city.name, Region.Level.CITY, city.province_code),
    ]
    rows += [(c.code12, c.name, Region.Level.COUNTY, city.code) for c in city.counties]
    rows += [(t.code, t.name, Region.Level.TOWNSHIP, t.county.code12) for t in city.townships]
    rows += [(v.code, v.name, Region.Level.VILLAGE, v.township.code) for v in city.villages]
    created = changed = 0
    for code, name, level, parent in rows:
        _, is_new, is_changed = _upsert(
            Region, {"code": code}, {"name": name, "level": level, "parent_id": parent}
        )
        created += is_new
        changed += is_changed
    return created, changed


def _load_departments() -> tuple[int, int]:
    city = citydata.city()
    by_key: dict[str, Department] = {}
    created = changed = 0
    for spec in city.departments:
        parent_key = spec.key.split("_", 1)[1] if "_" in spec.key else None
        department, is_new, is_changed = _upsert(
            Department,
            {"uscc": uscc_with_check(spec.uscc_body)},
            {
                "name": spec.name,
                "short_name": spec.short_name,
                "region_id": spec.region_code,
                "parent": by_key.get(parent_key) if parent_key else None,
                "nature": spec.nature,
                "phone": spec.phone,
                "address": spec.address,
            },
        )
        by_key[spec.key] = department
        created += is_new
        changed += is_changed
    return created, changed


def _departments_by_key() -> dict[str, Department]:
    specs = citydata.city().departments
    usccs = {uscc_with_check(s.uscc_body): s.key for s in specs}
    return {usccs[d.uscc]: d for d in Department.objects.filter(uscc__in=usccs)}


def _load_centers() -> tuple[int, int]:
    departments = _departments_by_key()
    created = changed = 0
    for spec in citydata.city().centers:
        center, is_new, is_changed = _upsert(
            ServiceCenter,
            {"region_id": spec.region_code, "name": spec.name},
            {
                "address": spec.address,
                "hours": spec.hours,
                "phone": spec.phone,
                "latitude": Decimal(spec.latitude) if spec.latitude else None,
                "longitude": Decimal(spec.longitude) if spec.longitude else None,
                "is_agency_point": spec.is_agency_point,
            },
        )
        created += is_new
        changed += is_changed
        for number, name, keys in spec.windows:
            window, is_new, is_changed = _upsert(
                Window, {"center": center, "number": number}, {"name": name}
            )
            created += is_new
            changed += is_changed
            wanted = {departments[k].pk for k in keys}
            if set(window.departments.values_list("pk", flat=True)) != wanted:
                window.departments.set(wanted)
                changed += not is_new
    return created, changed


def _load_registries(
    *, seed: int, progress: Progress | None = None, workers: int = 1
) -> list[RegistryReport]:
    """Every demo registry through the ingestion service (which audits each load); one audit row
    for the stage when anything was loaded."""
    reports = registries_load(seed=seed, progress=progress, workers=workers)
    loaded = [r for r in reports if r.load is not None]
    if loaded:
        with transaction.atomic():
            audit_record(
                actor=AUDIT_ACTOR,
                action="demo.load",
                object_type="demo.stage",
                object_id="registries",
                after={
                    "created": sum(r.inserted for r in loaded),
                    "changed": sum(r.load.rows_updated for r in loaded),
                    "loads": {r.code: r.load.pk for r in loaded},
                },
            )
    return reports


def _load_population(*, persons: int, seed: int) -> tuple[int, int]:
    person_report, legal_report = population_seed(persons=persons, seed=seed)
    return person_report.added + legal_report.added, 0


def _staff_name_and_phone(username: str) -> tuple[str, str]:
    """A plausible name and mobile number for a staff login, the same on every load."""
    names = citydata.names()
    rng = random.Random(f"staff:{username}")
    surnames = [s for s, _ in names["surnames"]]
    surname = rng.choices(surnames, weights=[w for _, w in names["surnames"]])[0]
    sex = rng.choice(["1", "2"])
    pool = names["given"][sex][rng.choice(["mid", "young"])]["double"]
    return surname + rng.choice(pool), f"139{rng.randrange(100_000_000):08d}"


def _load_staff(accounts: list[dict[str, Any]]) -> tuple[int, int]:
    posts_ensure()
    departments = _departments_by_key()
    created = 0
    for spec in citydata.city().departments:
        department = departments[spec.key]
        for post in spec.posts:
            username = f"{spec.key}_{citydata.POST_LOGIN_SUFFIX[post]}"
            name, phone = _staff_name_and_phone(username)
            user = User.objects.filter(username=username).first()
            if user is None:
                user = staff_create(
                    actor=None,
                    username=username,
                    name=name,
                    department=department,
                    posts=[post],
                    password=DEMO_PASSWORD,
                    phone=phone,
                )
                created += 1
            accounts.append(_account(user, department=department.name, posts=[post]))
    return created, 0


def _persona_person(name: str) -> Person:
    person = Person.objects.filter(pk=citydata.persona_index()[name]).first()
    if person is None or person.name != name:
        raise ValueError(
            f"persona {name} is not person {citydata.persona_index()[name]} of the population: "
            "it was not generated by the demo generator"
        )
    return person


def _load_citizens(accounts: list[dict[str, Any]]) -> tuple[int, int]:
    created = 0
    for household in citydata.persona_households():
        for member in household.members:
            if not member.account:
                continue
            person = _persona_person(member.name)
            user = User.objects.filter(username=person.id_number).first()
            if user is None:
                user = user_register_citizen(
                    name=person.name,
                    id_number=person.id_number,
                    phone=person.phone,
                    password=DEMO_PASSWORD,
                )
                created += 1
            accounts.append(_account(user))
    return created, 0


def _load_enterprises(accounts: list[dict[str, Any]]) -> tuple[int, int]:
    created = 0
    for k, spec in enumerate(citydata.persona_legal_persons()):
        if not spec.get("account"):
            continue
        legal = LegalPerson.objects.get(pk=k)
        user = User.objects.filter(username=legal.uscc).first()
        if user is None:
            representative = Person.objects.get(id_number=legal.legal_representative_id_number)
            user = user_register_enterprise(
                name=legal.name,
                uscc=legal.uscc,
                legal_representative=legal.legal_representative,
                phone=representative.phone,
                password=DEMO_PASSWORD,
            )
            created += 1
        accounts.append(_account(user))
    return created, 0


def _load_agent(accounts: list[dict[str, Any]]) -> tuple[int, int]:
    spec = citydata.persona_agent()
    user = User.objects.filter(username=spec["username"]).first()
    created = 0
    if user is None:
        person = _persona_person(spec["person"])
        center = ServiceCenter.objects.get(region_id=spec["village"], is_agency_point=True)
        user = agent_create(
            actor=AUDIT_ACTOR,
            username=spec["username"],
            name=person.name,
            id_number=person.id_number,
            phone=person.phone,
            service_center=center,
            password=DEMO_PASSWORD,
        )
        created = 1
    accounts.append(_account(user))
    return created, 0


def _load_admin(accounts: list[dict[str, Any]]) -> tuple[int, int]:
    spec = citydata.persona_admin()
    user = User.objects.filter(username=spec["username"]).first()
    created = 0
    if user is None:
        user = User.objects.create_superuser(
            spec["username"], DEMO_PASSWORD, name=spec["name"], kind=User.Kind.ADMIN
        )
        audit_record(
            actor=AUDIT_ACTOR, action="demo.admin_create", obj=user, after={"kind": user.kind}
        )
        created = 1
    accounts.append(_account(user))
    return created, 0


def _account(user: User, *, department: str = "", posts: list[str] | None = None) -> dict:
    return {
        "username": user.username,
        "password": DEMO_PASSWORD,
        "kind": user.kind,
        "name": user.name,
        "department": department,
        "posts": posts or [],
    }

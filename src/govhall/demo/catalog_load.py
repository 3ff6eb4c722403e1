"""The demo catalog: service items of the demo city's departments (``data/catalog.json``).

The JSON is compact: shared defaults, shared material rows (``materials``), fee sets (``fees``),
responsibility templates per kind of power (``responsibilities``) and process templates
(``steps``); each item says only what is its own. :func:`catalog_specs` expands it into the
arguments of ``catalog.services.item_create`` without touching the database;
:func:`catalog_load` creates, submits and approves (actor ``demo``, a system actor) every item
whose implementation code does not exist yet, so a second run creates nothing.

Item keys: ``no`` (5-digit main item), ``sub`` (3-digit sub-item, default ``000``), ``origin``
(2-digit catalogue origin, default ``00``; basic code = origin + type + no + sub), ``type``
(事项类型), ``dept`` (department key of ``bozhou.json``), ``name``, ``basis`` ([law, doc_no,
article, text]), ``cond`` / ``deny`` (eligibility / prohibitive conditions), ``days`` ([statutory,
promised] working days), ``snote`` / ``pnote``, ``instant`` (即办件), ``depth`` (1-4), ``visits``
and ``why``, ``mat`` (a shared material key, ``"@name"`` for a form filled online, a plain name
for a document the applicant brings, or an object with an optional ``ref`` to a shared row),
``result`` ([type, name, e-license type]), ``tp`` / ``tl`` (person / legal-person themes), ``to``
(service targets), ``fee`` (a fee set), ``special`` ([code, name, days, note]), ``inter``
([name, basis, note]), ``review`` (what the review step checks), ``office``, ``scope``
(通办范围), ``kiosk``, ``qty``, ``faq`` ([question, answer]), ``errors``, ``resp`` (template
override), ``joint`` (department keys that countersign in parallel after the review: the item's
process gets a 并联审批 step), ``prereview`` (网上预审 before submission), ``counties`` (also
implemented by each county's department of the same kind, at exercise level 4).
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from govhall.cases.workflow import process_from_steps
from govhall.catalog.codes import implementation_code
from govhall.catalog.models import Item
from govhall.catalog.rules import POWER_TYPES
from govhall.catalog.services import item_create, version_review, version_submit
from govhall.core.identifiers import uscc_with_check
from govhall.demo import citydata
from govhall.organizations.models import Department

ACTOR = "demo"  # a system actor (catalog.permissions): loaders need no catalog administrator
COUNTY_LEVEL = "4"
ENFORCEMENT_TYPES = {"02": "penalty", "03": "enforce", "06": "inspect"}  # not applied for
RELIEF_TEMPLATE = "relief"


@dataclass(frozen=True)
class ItemSpec:
    """One item of the demo catalog, ready for ``item_create``."""

    department_key: str
    uscc: str
    basic_code: str
    data: dict[str, Any]
    materials: list[dict[str, Any]]
    responsibilities: list[dict[str, Any]]

    @property
    def implementation_code(self) -> str:
        return implementation_code(
            uscc=self.uscc, exercise_level=self.data["exercise_level"], basic_code=self.basic_code
        )


@dataclass(frozen=True)
class _Place:
    """Where and by whom an item is implemented: the department and its hall window."""

    key: str
    uscc: str
    department_name: str
    level: str
    supervisor: str  # 追责主体: the supervision commission of the department's government
    place: str
    office_address: str
    hours: str
    phone: str


@cache
def _raw() -> dict[str, Any]:
    with (citydata.DATA_DIR / "catalog.json").open(encoding="utf-8") as handle:
        return json.load(handle)


def _window_name(center: citydata.CenterSpec, department_key: str) -> str:
    for number, name, keys in center.windows:
        if department_key in keys:
            return f"{center.name}{number}{name}窗口"
    return center.name


@cache
def _places() -> dict[str, _Place]:
    """Every department of the demo city, by key (``zjj``, ``wy_zjj``)."""
    city = citydata.city()
    centers = {c.region_code: c for c in city.centers if not c.is_agency_point}
    counties = {c.code12: c for c in city.counties}
    places = {}
    for spec in city.departments:
        if spec.grassroots:
            continue
        center = centers[spec.region_code]
        county = counties.get(spec.region_code)
        if county is None:
            level, government = "3", city.name
        else:  # 谯城区 bodies are named 亳州市谯城区…: keep the name's own prefix
            level = COUNTY_LEVEL
            government = spec.name[: spec.name.index(county.name) + len(county.name)]
        places[spec.key] = _Place(
            key=spec.key,
            uscc=uscc_with_check(spec.uscc_body),
            department_name=spec.name,
            level=level,
            supervisor=f"{government}监察委员会",
            place=_window_name(center, spec.key),
            office_address=f"{spec.address}({spec.name})",
            hours=center.hours,
            phone=spec.phone or center.phone,
        )
    return places


def _material(entry: str | dict[str, Any]) -> dict[str, Any]:
    raw = _raw()
    shared, row = raw["materials"], dict(raw["material_defaults"])
    if isinstance(entry, str):
        if entry in shared:
            row.update(shared[entry])
        elif entry.startswith("@"):  # a form the applicant fills in online
            row.update(name=entry[1:], source_channel="4", original_count=0)
        else:
            row["name"] = entry
        return row
    if "ref" in entry:
        row.update(shared[entry["ref"]])
    row.update({k: v for k, v in entry.items() if k != "ref"})
    return row


def _split_days(promised: int) -> dict[str, int]:
    """Working days of the acceptance, review and decision steps, summing to ``promised``."""
    if promised >= 3:
        accept, decide = 1, max(1, round(promised / 4))
    else:
        accept, decide = 0, min(promised, 1)
    return {"accept": accept, "decide": decide, "review": promised - accept - decide, "none": 0}


def _steps(item: dict[str, Any], words: dict[str, str]) -> list[dict[str, Any]]:
    templates = _raw()["steps"]
    kind = ENFORCEMENT_TYPES.get(item["type"]) or ("instant" if item.get("instant") else "apply")
    days = _split_days(item["days"][1])
    steps = [
        {
            "name": name,
            "post": post,
            "days": days[role],
            "criteria": criteria.format(**words),
            "outcome": outcome.format(**words),
        }
        for name, post, role, criteria, outcome in templates[kind]
    ]
    if kind == "apply":  # special procedures (site checks, expert reviews) follow the review
        for _code, name, _days, note in item.get("special", []):
            step = {"name": name, "post": "review", "days": 0, "criteria": note}
            steps.insert(-1, {**step, "outcome": templates["special_outcome"].format(name=name)})
    return steps


def _guide_steps(item: dict[str, Any], words: dict[str, str]) -> list[dict[str, Any]]:
    """An item's own guide steps (its review chain), texts formatted like the templates'."""
    return [
        {
            **step,
            "criteria": step["criteria"].format(**words),
            "outcome": step["outcome"].format(**words),
        }
        for step in item["guide_steps"]
    ]


def _responsibilities(item: dict[str, Any], place: _Place) -> list[dict[str, Any]]:
    if item["type"] not in POWER_TYPES:
        return []
    key = item.get("resp") or ENFORCEMENT_TYPES.get(item["type"])
    key = key or ("licence" if item["type"] == "01" else "general")
    body = f"{place.supervisor}、{place.department_name}"
    return [
        {
            "matter": matter,
            "situations": situations,
            "accountable_body": body,
            "basis": basis,
            "liability": liability,
        }
        for matter, situations, basis, liability in _raw()["responsibilities"][key]
    ]


def _fees(item: dict[str, Any], depth: int) -> dict[str, Any]:
    if "fee" not in item:
        return {"fee_charged": False, "fee_basis": "", "fees": [], "online_payment": False}
    fee = _raw()["fees"][item["fee"]]
    return {
        "fee_charged": True,
        "fee_basis": fee["basis"],
        "fees": copy.deepcopy(fee["items"]),
        "online_payment": depth >= 2,  # paid through the city's unified payment platform
    }


def _targets(item: dict[str, Any]) -> list[str]:
    if "to" in item:
        return list(item["to"])
    if item.get("tl") and item.get("tp"):
        return ["1", "2"]
    return ["2"] if item.get("tl") else ["1"]


@cache
def _forms() -> dict[str, Any]:
    """Application forms of the demo items (``data/forms.json``), by item number."""
    path = Path(__file__).parent / "data" / "forms.json"
    return json.loads(path.read_text(encoding="utf-8"))["forms"] if path.exists() else {}


def _process(item: dict[str, Any], steps: list[dict[str, Any]]) -> dict[str, Any]:
    """The guide's process with a parallel approval (并联审批) after the review."""
    places = _places()
    process = process_from_steps(steps, instant=bool(item.get("instant")))
    joint = {
        "code": "joint",
        "kind": "countersign",
        "name": "并联审批",
        "post": "review",
        "days": 3,
        "departments": [places[key].uscc for key in item["joint"]],
    }
    at = next(i for i, s in enumerate(process["steps"]) if s["kind"] == "decide")
    process["steps"].insert(at, joint)
    return process


def _item_data(item: dict[str, Any], place: _Place, basic_code: str) -> dict[str, Any]:
    raw = _raw()
    depth, visits = int(item["depth"]), int(item["visits"])
    statutory, promised = item["days"]
    result = item["result"]
    enforcement = item["type"] in ENFORCEMENT_TYPES
    code = implementation_code(uscc=place.uscc, exercise_level=place.level, basic_code=basic_code)
    words = {
        "review": item.get("review") or raw["review_default"],
        "law": item["basis"][0][0],
        "result": result[1],
    }
    steps = _guide_steps(item, words) if item.get("guide_steps") else _steps(item, words)
    data = {
        **copy.deepcopy(raw["defaults"]),
        "name": item["name"],
        "item_type": item["type"],
        "exercise_level": place.level,
        "service_targets": _targets(item),
        "themes_person": list(item.get("tp", [])),
        "themes_legal": list(item.get("tl", [])),
        "undertaking_office": item.get("office", ""),
        "legal_basis": [
            {"law": law, "doc_no": doc_no, "article": article, "text": text}
            for law, doc_no, article, text in item["basis"]
        ],
        "conditions": [{"type": "1", "text": t} for t in item.get("cond", [])]
        + [{"type": "2", "text": t} for t in item.get("deny", [])],
        "quantity_limit": item.get("qty", ""),
        "intermediary_services": [
            {"name": name, "basis": basis, "note": note}
            for name, basis, note in item.get("inter", [])
        ],
        "special_procedures": [
            {"code": c, "name": name, "days": days, "note": note}
            for c, name, days, note in item.get("special", [])
        ],
        "statutory_limit_days": statutory,
        "statutory_limit_note": item.get("snote", ""),
        "promised_limit_days": promised,
        "promised_limit_note": item.get("pnote", ""),
        "case_type": "1" if item.get("instant") else "2",
        "steps": steps,
        "channels": list(raw["depth_channels"][str(depth)]),
        "visits": visits,
        "visit_reason": item.get("why", ""),
        "online_depth": depth,
        "online_url": f"/cases/apply/?item={code}" if depth >= 3 else "",
        "appointment": not enforcement,
        "self_service": bool(item.get("kiosk")),
        "in_hall": not enforcement,
        "cross_area_scope": item.get("scope", ""),
        **_fees(item, depth),
        # an item's own process (the 公租房 chain: 社区 → 街道 → 区 → 公示 → 决定), else the
        # guide's, with a parallel approval for the joint items
        "process": item.get("process") or (_process(item, steps) if item.get("joint") else {}),
        "form": _forms().get(item["no"], {}),
        "prereview": bool(item.get("prereview")),
        "result_type": result[0],
        "result_name": result[1],
        "license_type_code": result[2] if len(result) > 2 else "",
        "place": place.office_address if enforcement else place.place,
        "hours": place.hours,
        "enquiry_phone": place.phone,
        "faq": [{"question": q, "answer": a} for q, a in item.get("faq", [])],
        "common_errors": list(item.get("errors", [])),
    }
    return data


def _spec(item: dict[str, Any], place: _Place) -> ItemSpec:
    origin, sub = item.get("origin", "00"), item.get("sub", "000")
    basic_code = f"{origin}{item['type']}{item['no']}{sub}"
    return ItemSpec(
        department_key=place.key,
        uscc=place.uscc,
        basic_code=basic_code,
        data=_item_data(item, place, basic_code),
        materials=[_material(entry) for entry in item.get("mat", [])],
        responsibilities=_responsibilities(item, place),
    )


def catalog_specs() -> list[ItemSpec]:
    """Every item of the demo catalog, the county copies after the city's (no database)."""
    places = _places()
    counties = citydata.city().counties
    specs = [_spec(item, places[item["dept"]]) for item in _raw()["items"]]
    for item in _raw()["items"]:
        if item.get("counties"):
            specs += [_spec(item, places[f"{c.abbr}_{item['dept']}"]) for c in counties]
    return specs


def catalog_load() -> tuple[int, int]:
    """Create and publish the demo items that do not exist yet. Returns (created, changed)."""
    specs = catalog_specs()
    existing = set(
        Item.objects.filter(
            implementation_code__in=[s.implementation_code for s in specs]
        ).values_list("implementation_code", flat=True)
    )
    departments = {d.uscc: d for d in Department.objects.filter(uscc__in={s.uscc for s in specs})}
    opinion = _raw()["review_opinion"]
    created = 0
    for spec in specs:
        if spec.implementation_code in existing:
            continue
        department = departments.get(spec.uscc)
        if department is None:
            raise LookupError(f"demo department {spec.department_key} is not loaded")
        version = item_create(
            actor=ACTOR,
            department=department,
            basic_code=spec.basic_code,
            data=spec.data,
            materials=spec.materials,
            responsibilities=spec.responsibilities,
        )
        version = version_submit(actor=ACTOR, version=version)
        version_review(actor=ACTOR, version=version, approve=True, opinion=opinion)
        created += 1
    return created, 0

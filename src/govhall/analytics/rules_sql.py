"""The registries' facts for many households at once, set-based: per chunk of up to 10,000
applicants, one query finds their households, one their members, and three grouped queries (one
``GROUP BY`` member with ``FILTER``ed aggregates per resource, one per member and tax year, one
per home certificate) give every member's facts; nothing is read per household. Also the same
facts from records already read (one household through the exchange's profile read)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection
from django.db.models import Count, F, FloatField, Max, Min, Q, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import Cast

from govhall.analytics.rules import POPULATION, Household, MemberFacts, RuleSet
from govhall.exchange.models import Record
from govhall.exchange.selectors_registry import KEY_CHUNK, RecordRow, _valid_on


def _num(field: str):
    return Cast(KT(f"data__{field}"), FloatField())


def _triple(resource_id: int | None, field: str, extra: Q | None = None) -> dict[str, Any]:
    condition = Q(resource_id=resource_id or -1) & (extra or Q())
    return {
        f"{field}_max": Max(_num(field), filter=condition),
        f"{field}_n": Count("id", filter=condition),
        f"{field}_vals": Count(KT(f"data__{field}"), filter=condition),
    }


def _members(pop_id: int, applicants: Sequence[str], on: dt.date) -> dict[str, list[str]]:
    """applicant -> household members (applicant first); applicants absent from the population
    registry are left out."""
    own = dict(
        Record.objects.filter(_valid_on(on), resource_id=pop_id, subject_key__in=applicants)
        .values_list("subject_key", "group_key")
        .order_by()
    )
    groups = {key for key in own.values() if key}
    by_group: dict[str, list[str]] = {}
    rows = (
        Record.objects.filter(_valid_on(on), resource_id=pop_id, group_key__in=groups)
        .values_list("group_key", "subject_key")
        .order_by("group_key", "subject_key")
    )
    for group, key in rows:
        by_group.setdefault(group, []).append(key)
    out = {}
    for applicant, group in own.items():
        others = [k for k in by_group.get(group, []) if k != applicant] if group else []
        out[applicant] = [applicant, *others]
    return out


def _member_chunk() -> int:
    """Members per fact query: a household chunk's members in one query on PostgreSQL (an
    array parameter); SQLite's host-parameter limit keeps ``KEY_CHUNK``."""
    return KEY_CHUNK * 4 if connection.vendor == "postgresql" else KEY_CHUNK


def households_facts(
    *, rule_set: RuleSet, ids: dict[str, int], applicants: Sequence[str], on: dt.date
) -> dict[str, Household]:
    """applicant -> :class:`Household` with its members' facts, by chunks of ``KEY_CHUNK``."""
    pop_id = ids.get(POPULATION)
    if pop_id is None:
        return {}
    out: dict[str, Household] = {}
    for start in range(0, len(applicants), KEY_CHUNK):
        chunk = list(applicants[start : start + KEY_CHUNK])
        members = _members(pop_id, chunk, on)
        keys_all = list(dict.fromkeys(k for keys in members.values() for k in keys))
        facts: dict[str, MemberFacts] = {}
        certificates: dict[str, tuple[str, float | None]] = {}
        step = _member_chunk()
        for first in range(0, len(keys_all), step):
            part = Q(subject_key__in=keys_all[first : first + step])
            more_facts, more_certificates = _facts(rule_set, ids, part, on)
            facts.update(more_facts)
            for certificate, (owner, area) in more_certificates.items():
                known = certificates.get(certificate, (owner, 0.0))[1] is not None
                certificates[certificate] = (owner, area if known and area is not None else None)
        owner_of = {m: a for a, keys in members.items() for m in keys}
        household_certs: dict[str, dict[str, float | None]] = {}
        for certificate, (owner, area) in certificates.items():
            if owner in owner_of:
                household_certs.setdefault(owner_of[owner], {})[certificate] = area
        for applicant, keys in members.items():
            out[applicant] = Household(
                applicant,
                keys,
                {k: facts.get(k, MemberFacts(registered=True)) for k in keys},
                household_certs.get(applicant, {}),
            )
    return out


def _facts(rule_set: RuleSet, ids: dict[str, int], members: Q, on: dt.date):
    kinds = Q(data__entity_kind__in=list(rule_set.company_kinds))
    annotations = {
        "region": Max(KT("data__region_code"), filter=Q(resource_id=ids[POPULATION])),
        **_triple(ids.get("vehicle"), "purchase_price"),
        **_triple(ids.get("business_registration"), "registered_capital", kinds),
        **_triple(ids.get("social_security"), "paid_months"),
    }
    wanted = [
        ids[code] for code in ("population", "vehicle", "business_registration") if code in ids
    ]
    wanted += [ids["social_security"]] if "social_security" in ids else []
    facts: dict[str, MemberFacts] = {}
    rows = (
        Record.objects.filter(_valid_on(on), members, resource_id__in=wanted)
        .values(key=F("subject_key"))
        .annotate(**annotations)
        .order_by()
    )
    for row in rows:
        facts[row["key"]] = MemberFacts(
            registered=True,
            region=row["region"],
            vehicle=_t(row, "purchase_price"),
            company=_t(row, "registered_capital"),
            months=_t(row, "paid_months"),
        )
    if "income_tax" in ids:
        rows = (
            Record.objects.filter(_valid_on(on), members, resource_id=ids["income_tax"])
            .values(key=F("subject_key"), year=Cast(KT("data__year"), FloatField()))
            .annotate(
                total=Sum(_num("annual_income")),
                n=Count("id"),
                vals=Count(KT("data__annual_income")),
            )
            .order_by()
        )
        for row in rows:
            member = facts.setdefault(row["key"], MemberFacts(registered=True))
            member.income[int(row["year"] or 0)] = (row["total"], row["n"], row["vals"])
    certificates: dict[str, tuple[str, float | None]] = {}
    if "real_estate" in ids:
        rows = (
            Record.objects.filter(_valid_on(on), members, resource_id=ids["real_estate"])
            .values("record_key")
            .annotate(
                owner=Min("subject_key"),
                area=Max(_num("area")),
                n=Count("id"),
                vals=Count(KT("data__area")),
            )
            .order_by()
        )
        for row in rows:
            area = row["area"] if row["n"] == row["vals"] else None
            certificates[row["record_key"]] = (row["owner"], area)
    return facts, certificates


def _t(row: dict[str, Any], field: str) -> tuple[float | None, int, int]:
    return (row[f"{field}_max"], row[f"{field}_n"], row[f"{field}_vals"])


def _float(value: Any) -> float | None:
    try:
        return None if value in (None, "") else float(value)
    except (TypeError, ValueError):
        return None


def _triple_of(rows: Iterable[RecordRow], field: str) -> tuple[float | None, int, int]:
    values = [_float(row.data.get(field)) for row in rows]
    found = [v for v in values if v is not None]
    return (max(found) if found else None, len(values), len(found))


def household_from_records(
    *, rule_set: RuleSet, applicant: str, records: dict[str, dict[str, list[RecordRow]]]
) -> Household | None:
    """The same facts from records read through the exchange: ``{member: {resource: rows}}``
    (the applicant first). ``None`` when the applicant is not in the population registry."""
    if not records.get(applicant, {}).get(POPULATION):
        return None
    facts: dict[str, MemberFacts] = {}
    certificates: dict[str, float | None] = {}
    for key, by_code in records.items():
        population = by_code.get(POPULATION, [])
        companies = [
            r
            for r in by_code.get("business_registration", [])
            if r.data.get("entity_kind") in rule_set.company_kinds
        ]
        member = MemberFacts(
            registered=bool(population),
            region=max(
                (
                    str(r.data.get("region_code"))
                    for r in population
                    if r.data.get("region_code") is not None
                ),
                default=None,
            ),
            vehicle=_triple_of(by_code.get("vehicle", []), "purchase_price"),
            company=_triple_of(companies, "registered_capital"),
            months=_triple_of(by_code.get("social_security", []), "paid_months"),
        )
        years: dict[int, list[RecordRow]] = {}
        for row in by_code.get("income_tax", []):
            years.setdefault(int(_float(row.data.get("year")) or 0), []).append(row)
        for year, rows in years.items():
            values = [_float(r.data.get("annual_income")) for r in rows]
            found = [v for v in values if v is not None]
            member.income[year] = (sum(found) if found else None, len(values), len(found))
        for row in by_code.get("real_estate", []):
            area = _float(row.data.get("area"))
            known = certificates.get(row.record_key, 0.0) is not None
            certificates[row.record_key] = area if known and area is not None else None
        facts[key] = member
    return Household(applicant, list(records), facts, certificates)

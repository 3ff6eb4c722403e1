"""Prefill: the values that the applicant's account, the shared registries and the e-licenses
already answer, each marked with its source; and, after submission, which of them the applicant
changed (:func:`form_merge`). The format of ``source`` is in :mod:`govhall.cases.formdef`.

This module reads nothing itself: the caller (the cases services) fetches the applicant's
records through the exchange (purpose-bound and logged) and passes them in
:class:`PrefillSources`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.cases.formdef_fields import FieldInvalid, field_clean

LICENSE_INDEX = "license_index"
LICENSE_VALID = "有效"
SUBJECT_KEY = "subject_key"  # pseudo-field: the ID number / USCC whose record it is
RECORD_KEY = "record_key"  # pseudo-field: the record's own key (certificate number, plate...)


@dataclass(frozen=True)
class SourceRecord:
    """One record of a registry or of the e-license index, as the exchange returned it."""

    data: Mapping[str, Any]
    resource_name: str = ""
    provider: str = ""  # the providing department's name
    updated_at: dt.date | dt.datetime | None = None
    record_key: str = ""


@dataclass(frozen=True)
class HouseholdMember:
    """One member of the applicant's household (the applicant included)."""

    subject_key: str
    records: Mapping[str, list[SourceRecord]] = field(default_factory=dict)


@dataclass(frozen=True)
class ResourceLabel:
    """How to name a resource that answered with no record (a count of 0, "no disability")."""

    name: str
    provider: str = ""


@dataclass
class PrefillSources:
    """What is known about the applicant. A resource code missing from ``records`` was not
    read (no grant, not asked): nothing is prefilled from it. A code present with an empty list
    was read and holds nothing: aggregates then answer 0 or false."""

    account: dict[str, Any] = field(default_factory=dict)
    records: dict[str, list[SourceRecord]] = field(default_factory=dict)
    household: list[HouseholdMember] = field(default_factory=list)
    resources: dict[str, ResourceLabel] = field(default_factory=dict)


@dataclass
class Prefill:
    values: dict[str, Any] = field(default_factory=dict)  # shaped like form data
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)  # path -> source

    def as_dict(self) -> dict[str, Any]:
        return {"values": self.values, "sources": self.sources}


@dataclass(frozen=True)
class _Subject:
    key: str
    records: Mapping[str, list[SourceRecord]]


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    if isinstance(value, dt.datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).isoformat()
    return value.isoformat() if isinstance(value, dt.date) else None


def source_label(meta: Mapping[str, Any]) -> str:
    """The badge of a prefilled value: ``来自 亳州市公安局·人口基础信息 2026-10-01``."""
    if meta.get("kind") == "account":
        return _("来自 实名认证信息")
    name = "·".join(part for part in (meta.get("provider"), meta.get("resource_name")) if part)
    date = (meta.get("updated_at") or "")[:10]
    return " ".join(part for part in (_("来自"), name, date) if part)


def _meta(kind: str, source: Mapping[str, Any], records: list[SourceRecord], sources: Any) -> dict:
    first = records[0] if records else None
    code = source.get("resource") or LICENSE_INDEX
    label = sources.resources.get(code)
    meta = {
        "kind": kind,
        "resource": code,
        "license": source.get("license"),
        "resource_name": first.resource_name if first else (label.name if label else ""),
        "provider": first.provider if first else (label.provider if label else ""),
        "updated_at": max((d for r in records if (d := _iso(r.updated_at))), default=None),
        "record_key": first.record_key if first and not source.get("aggregate") else None,
        "field": source.get("field"),
        "aggregate": source.get("aggregate"),
    }
    if kind == "license" and first:
        meta["resource_name"] = str(first.data.get("license_name") or meta["resource_name"])
        meta["provider"] = str(first.data.get("issuer") or meta["provider"])
    meta["label"] = source_label(meta)
    return meta


def _pool(source: Mapping[str, Any], subject: _Subject) -> list[SourceRecord] | None:
    if "license" not in source:
        return subject.records.get(source["resource"])
    index = subject.records.get(LICENSE_INDEX)
    if index is None:
        return None
    held = [r for r in index if r.data.get("license_type") == source["license"]]
    return sorted(held, key=lambda r: r.data.get("status", LICENSE_VALID) != LICENSE_VALID)


def _aggregate(source: Mapping[str, Any], records: list[SourceRecord]) -> Any:
    how = source["aggregate"]
    if how == "count":
        return len(records)
    if how == "exists":
        return bool(records)
    total = Decimal(0)
    for record in records:
        try:
            total += Decimal(str(record.data.get(source["field"])))
        except (InvalidOperation, ValueError):
            continue
    return total if total.is_finite() else None


def _read(source: Mapping[str, Any], subject: _Subject, sources: PrefillSources) -> Any:
    """(value, meta) from one source for one subject, or None when it does not answer."""
    if "account" in source:
        value = sources.account.get(source["account"])
        meta = {
            "kind": "account",
            "resource": None,
            "license": None,
            "resource_name": _("实名认证信息"),
            "provider": "",
            "updated_at": None,
            "record_key": None,
            "field": source["account"],
            "aggregate": None,
        }
        meta["label"] = source_label(meta)
        return None if value in (None, "") else (value, meta)
    records = _pool(source, subject)
    if records is None:
        return None
    meta = _meta("license" if "license" in source else "resource", source, records, sources)
    if source.get("aggregate"):
        return _aggregate(source, records), meta
    if not records:
        return None
    wanted = source["field"]
    if wanted == SUBJECT_KEY:
        value = subject.key
    elif wanted == RECORD_KEY:
        value = records[0].record_key
    else:
        value = records[0].data.get(wanted)
    if "map" in source:
        value = source["map"].get(str(value))
    return value, meta


def _fill(
    fields: list[Mapping[str, Any]], subject: _Subject, sources: PrefillSources, path: str
) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    block: dict[str, Any] = {}
    metas: dict[str, dict[str, Any]] = {}
    for spec in fields:
        if "source" not in spec:
            continue
        answer = _read(spec["source"], subject, sources)
        if answer is None:
            continue
        try:
            value = field_clean(spec, answer[0])
        except FieldInvalid:
            continue  # the registry's value does not fit this form: the applicant types it
        if value is None or value == []:
            continue
        block[spec["key"]] = value
        metas[f"{path}.{spec['key']}"] = answer[1]
    return block, metas


def _members(sources: PrefillSources, applicant: _Subject) -> list[_Subject]:
    members = sorted(sources.household, key=lambda m: m.subject_key != applicant.key)
    return [_Subject(m.subject_key, m.records) for m in members]


def _rows(section: Mapping[str, Any], sources: PrefillSources, applicant: _Subject) -> Any:
    """The subjects of a repeat group's prefilled rows; None when its source did not answer."""
    group = section.get("source")
    if not group:
        return None
    members = _members(sources, applicant)
    if "resource" not in group:
        return members or None
    code = group["resource"]
    holders = (members or [applicant]) if group.get("household") else [applicant]
    if all(code not in holder.records for holder in holders):
        return None
    rows, seen = [], set()
    for holder in holders:
        for record in holder.records.get(code) or []:
            if record.record_key and record.record_key in seen:
                continue  # a home owned jointly appears under each owner
            seen.add(record.record_key)
            rows.append(_Subject(holder.key, {code: [record]}))
    return rows


def prefill_values(definition: Mapping[str, Any], sources: PrefillSources) -> Prefill:
    """Every field that the account, a registry or an e-license answers, with its source."""
    account = sources.account
    subject_key = str(account.get("id_number") or account.get("uscc") or "")
    applicant = _Subject(subject_key, sources.records)
    prefill = Prefill()
    for section in definition["sections"]:
        key = section["key"]
        if "repeat" not in section:
            block, metas = _fill(section["fields"], applicant, sources, key)
            if block:
                prefill.values[key] = block
                prefill.sources.update(metas)
            continue
        subjects = _rows(section, sources, applicant)
        if subjects is None:
            continue
        rows = prefill.values.setdefault(key, [])
        for i, subject in enumerate(subjects[: section["repeat"]["max"]]):
            block, metas = _fill(section["fields"], subject, sources, f"{key}.{i}")
            rows.append(block)
            prefill.sources.update(metas)
    return prefill


# --- what the applicant changed ---------------------------------------------------------------


def _identity(section: Mapping[str, Any]) -> str | None:
    """The field that tells the rows of a repeat group apart (``repeat.key``, else the first
    ID number or USCC field); None: rows are matched by position."""
    if section["repeat"].get("key"):
        return section["repeat"]["key"]
    return next((f["key"] for f in section["fields"] if f["type"] in ("id_number", "uscc")), None)


def row_pairs(section: Mapping[str, Any], before: list[Any], after: list[Any]) -> dict[int, int]:
    """Submitted row index -> prefilled row index, for the rows that are the same."""
    ident = _identity(section)
    if ident is None:
        return {j: j for j in range(min(len(before), len(after)))}
    where: dict[Any, int] = {}
    for i, row in enumerate(before):
        if isinstance(row, Mapping) and isinstance(row.get(ident), str | int) and row[ident] != "":
            where.setdefault(row[ident], i)
    pairs: dict[int, int] = {}
    for j, row in enumerate(after):
        value = row.get(ident) if isinstance(row, Mapping) else None
        i = where.pop(value, None) if isinstance(value, str | int) else None
        if i is not None:
            pairs[j] = i
    return pairs


def _entry(value: Any, prefilled: Any, meta: Mapping[str, Any] | None) -> dict[str, Any]:
    if meta is None:
        origin = "empty" if value in (None, "", []) else "typed"
    else:
        origin = "prefill" if value == prefilled else "changed"
    return {"value": value, "prefilled": prefilled, "origin": origin, "source": meta}


def _compare_block(
    fields: list[Mapping[str, Any]],
    before: Mapping[str, Any],
    after: Mapping[str, Any] | None,
    paths: tuple[str | None, str],
    sources: Mapping[str, Any],
    result: dict[str, Any],
) -> None:
    old, new = paths  # the row's path in the prefill (None: a row the applicant added), now
    for spec in fields:
        key = spec["key"]
        meta = sources.get(f"{old}.{key}") if old is not None else None
        if after is not None and key in after:
            result["fields"][f"{new}.{key}"] = _entry(after[key], before.get(key), meta)
        elif meta is not None:
            result["dropped"].append(
                {"path": f"{old}.{key}", "prefilled": before.get(key), "source": meta}
            )


def form_merge(
    definition: Mapping[str, Any], prefill: Prefill | Mapping[str, Any], submitted: Mapping
) -> dict[str, Any]:
    """Which submitted values came from the registries unchanged, which the applicant changed
    and which they typed: ``{"fields": {path: {"value", "prefilled", "origin", "source"}},
    "dropped": [{"path", "prefilled", "source"}], "changed": [path, ...]}``.

    ``origin`` is ``prefill`` (confirmed), ``changed``, ``typed`` or ``empty``. ``dropped`` lists
    prefilled values that are not in the submission (a household member's row removed, a field
    hidden by the answers), at their path in the prefill.
    """
    if isinstance(prefill, Prefill):
        prefill = prefill.as_dict()
    values, sources = prefill.get("values") or {}, prefill.get("sources") or {}
    result: dict[str, Any] = {"fields": {}, "dropped": []}
    for section in definition["sections"]:
        key = section["key"]
        if "repeat" not in section:
            after = submitted.get(key)
            after = after if isinstance(after, Mapping) else None
            before = values.get(key) or {}
            _compare_block(section["fields"], before, after, (key, key), sources, result)
            continue
        before_rows, after_rows = values.get(key) or [], submitted.get(key) or []
        pairs = row_pairs(section, before_rows, after_rows)
        for j, row in enumerate(after_rows):
            i = pairs.get(j)
            before = before_rows[i] if i is not None else {}
            old = f"{key}.{i}" if i is not None else None
            _compare_block(section["fields"], before, row, (old, f"{key}.{j}"), sources, result)
        for i in sorted(set(range(len(before_rows))) - set(pairs.values())):
            paths = (f"{key}.{i}", "")
            _compare_block(section["fields"], before_rows[i], None, paths, sources, result)
    result["changed"] = [p for p, e in result["fields"].items() if e["origin"] == "changed"]
    return result

"""The registries' facts for many households at once, in the database: one SQL statement per
50,000 applicants (or one for the whole population) computes every household's measures (sums,
maxima, counts of records lacking a value) with the members' records read once, by index for a
batch; nothing is read per household or per member. PostgreSQL and SQLite share the statement
(:class:`_Sql` spells the few differences). Also the same facts from records already read (one
household through the exchange's profile read), for :func:`eligibility_explain`."""

from __future__ import annotations

# ruff: noqa: S608 (SQL built from our table name, field names of the rule vocabulary and
# constants; every value is a parameter)
import datetime as dt
import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction

from govhall.analytics.rules import POPULATION, TENANCY, Household, MemberFacts, RuleSet
from govhall.exchange.models import Record
from govhall.exchange.selectors_registry import RecordRow
from govhall.exchange.services_query import MAX_HOUSEHOLD

RECORDS = Record._meta.db_table
# Applicants per statement: the keys travel as one array (PostgreSQL) or one JSON text (SQLite).
APPLICANT_CHUNK = 50_000


@dataclass(frozen=True)
class _Sql:
    """The few places where PostgreSQL and SQLite spell things differently."""

    postgresql: bool

    def text(self, field: str, alias: str = "r") -> str:
        if self.postgresql:
            return f"({alias}.data ->> '{field}')"
        return f"json_extract({alias}.data, '$.{field}')"

    def num(self, field: str, alias: str = "r") -> str:
        if self.postgresql:
            return f"({alias}.data ->> '{field}')::float8"
        return f"CAST(json_extract({alias}.data, '$.{field}') AS REAL)"

    def keys(self) -> str:
        """A table ``k(key)`` of the keys given as one parameter."""
        if self.postgresql:
            return "unnest(%s::text[]) AS k(key)"
        return "(SELECT value AS key FROM json_each(%s)) AS k"

    def keys_param(self, keys: Sequence[str]) -> Any:
        return list(keys) if self.postgresql else json.dumps(list(keys))

    def household_join(self) -> str:
        """``r``: the population records of household ``a.grp``, by the partial ``(resource,
        group_key)`` index. PostgreSQL misjudges how many members a household has (the column
        is mostly empty in other resources) and would scan the whole population: a ``LATERAL``
        lookup per household keeps it to the index (a household is capped like the single
        path's)."""
        where = (
            "r.resource_id = %(pop)s AND r.group_key = a.grp AND r.group_key <> '' AND "
            + _valid("r")
        )
        if self.postgresql:
            return (
                f"JOIN LATERAL (SELECT r.subject_key FROM {RECORDS} r WHERE {where} "
                f"LIMIT {MAX_HOUSEHOLD}) r ON TRUE"
            )
        return f"JOIN {RECORDS} r ON {where}"

    def joined(self, column: str) -> str:
        return f"string_agg({column}, ',')" if self.postgresql else f"group_concat({column}, ',')"


def _valid(alias: str) -> str:
    return (
        f"({alias}.valid_from IS NULL OR {alias}.valid_from <= %(on)s) AND "
        f"({alias}.valid_to IS NULL OR {alias}.valid_to >= %(on)s)"
    )


def _members_sql(sql: _Sql, population: bool) -> str:
    """``mem(applicant, member, region)``: every applicant's household in the population
    registry (the applicant is a member; ``region`` is the member's household register). The
    population analysis takes every household, its applicant the smallest ID number; a batch
    the given applicants' households (index lookups: the ``(subject_key, resource, …)`` key,
    then the ``(resource, group_key)`` index)."""
    region = sql.text("region_code")
    if population:
        return f"""
        pop AS (
          SELECT r.subject_key, r.group_key, {region} AS region FROM {RECORDS} r
          WHERE r.resource_id = %(pop)s AND {_valid("r")}
        ),
        heads AS (
          SELECT group_key, MIN(subject_key) AS applicant FROM pop
          WHERE group_key <> '' GROUP BY group_key
        ),
        mem AS (
          SELECT COALESCE(h.applicant, p.subject_key) AS applicant, p.subject_key AS member,
            p.region
          FROM pop p LEFT JOIN heads h ON h.group_key = p.group_key AND p.group_key <> ''
        ),"""
    return f"""
        app AS (
          SELECT DISTINCT k.key AS applicant, r.group_key AS grp, {region} AS region
          FROM {sql.keys()}
          JOIN {RECORDS} r ON r.subject_key = k.key AND r.resource_id = %(pop)s AND {_valid("r")}
        ),
        mem AS (
          SELECT applicant, applicant AS member, region FROM app
          UNION ALL
          SELECT a.applicant, r.subject_key AS member, NULL AS region FROM app a
          {sql.household_join()}
          WHERE a.grp <> '' AND r.subject_key <> a.applicant
        ),"""


# resource parameter -> the field whose value each of its records contributes
RESOURCE_PARAMS = {
    "vehicle": "purchase_price",
    "business": "registered_capital",
    "social": "paid_months",
    "tenancy": "",
    "income": "annual_income",
    "estate": "area",
}


def _reads(sql: _Sql, kinds: str, population: bool) -> str:
    """The members' records of the rule set's resources, narrowed to what the measures need
    (``amount``, the tax ``yr``, whether a business ``counted``): for a batch one lookup of the
    ``(subject_key, …)`` key per member, for the population one scan of those resources (every
    record of them concerns the population)."""
    amounts = " ".join(
        f"WHEN %({name})s THEN CASE WHEN {sql.text(field)} IS NULL THEN NULL "
        f"ELSE {sql.num(field)} END"
        for name, field in RESOURCE_PARAMS.items()
        if field
    )
    ids = ", ".join(f"%({name})s" for name in RESOURCE_PARAMS)
    return f"""
          SELECT r.subject_key AS member, r.resource_id AS res, r.record_key,
            CASE r.resource_id {amounts} END AS amount,
            CASE WHEN r.resource_id = %(income)s THEN COALESCE({sql.num("year")}, 0) END AS yr,
            CASE WHEN r.resource_id = %(business)s
              THEN {sql.text("entity_kind")} IN ({kinds}) END AS counted
          FROM {RECORDS} r {"" if population else "JOIN mk ON mk.member = r.subject_key"}
          WHERE r.resource_id IN ({ids}) AND {_valid("r")}"""


def _statement(sql: _Sql, rule_set: RuleSet, population: bool) -> str:
    """One statement. The members' records of the rule set's resources are read once (by the
    ``(subject_key, resource)`` key for a batch, one scan for the population) into a narrow
    table of the values the measures need; from it, per member the ``FILTER``ed maxima, the
    latest tax year's income, each home certificate once per household; then one row per
    household with its sums, maxima and counts of records lacking a value (unknown)."""
    kinds = ", ".join(f"%(kind{i})s" for i in range(len(rule_set.company_kinds))) or "NULL"
    materialized = "MATERIALIZED" if sql.postgresql else ""

    def triple(name: str, resource: str, value: str, extra: str = "") -> str:
        where = f"res = %({resource})s{extra}"
        return (
            f"MAX({value}) FILTER (WHERE {where}) AS {name}_max, "
            f"COUNT(*) FILTER (WHERE {where}) AS {name}_n, "
            f"COUNT({value}) FILTER (WHERE {where}) AS {name}_vals"
        )

    return f"""
        WITH {_members_sql(sql, population)}
        mk AS (SELECT DISTINCT member FROM mem ORDER BY member),  -- lookups in key order
        rec AS {materialized} (
          {_reads(sql, kinds, population)}
        ),
        fact AS (
          SELECT member,
            {triple("veh", "vehicle", "amount")},
            {triple("com", "business", "amount", " AND counted")},
            {triple("mon", "social", "amount")},
            COUNT(*) FILTER (WHERE res = %(tenancy)s) AS housed
          FROM rec WHERE res <> %(income)s AND res <> %(estate)s
          GROUP BY member
        ),
        inc_year AS (
          SELECT member, yr, SUM(amount) AS total, COUNT(*) AS n, COUNT(amount) AS vals
          FROM rec WHERE res = %(income)s
          GROUP BY member, yr
        ),
        inc AS (
          SELECT member, total, n, vals FROM (
            SELECT member, total, n, vals,
              ROW_NUMBER() OVER (PARTITION BY member ORDER BY yr DESC) AS latest
            FROM inc_year
          ) y WHERE latest = 1
        ),
        cert AS (
          SELECT m.applicant, c.record_key, MAX(c.amount) AS area, COUNT(*) AS n,
            COUNT(c.amount) AS vals
          FROM mem m JOIN rec c ON c.member = m.member AND c.res = %(estate)s
          GROUP BY m.applicant, c.record_key
        ),
        est AS (
          SELECT applicant, SUM(area) AS area,
            SUM(CASE WHEN n <> vals THEN 1 ELSE 0 END) AS area_unknown
          FROM cert GROUP BY applicant
        )
        SELECT m.applicant, {sql.joined("m.member")} AS members, COUNT(*) AS size,
          MAX(CASE WHEN m.member = m.applicant THEN m.region END) AS region,
          SUM(COALESCE(i.total, 0)) AS income,
          SUM(CASE WHEN i.n <> i.vals THEN 1 ELSE 0 END) AS income_unknown,
          MAX(e.area) AS area, MAX(e.area_unknown) AS area_unknown,
          MAX(f.veh_max) AS veh, SUM(COALESCE(f.veh_n - f.veh_vals, 0)) AS veh_unknown,
          MAX(f.com_max) AS com, SUM(COALESCE(f.com_n - f.com_vals, 0)) AS com_unknown,
          MAX(f.mon_max) AS mon, SUM(COALESCE(f.mon_n - f.mon_vals, 0)) AS mon_unknown,
          SUM(COALESCE(f.housed, 0)) AS housed
        FROM mem m
        LEFT JOIN fact f ON f.member = m.member
        LEFT JOIN inc i ON i.member = m.member
        LEFT JOIN est e ON e.applicant = m.applicant
        GROUP BY m.applicant
    """


def _maximum(value: Any, unknown: int) -> float | None:
    return None if unknown else float(value) if value is not None else 0.0


def _values(row: tuple) -> tuple[str, list[str], dict[str, Any]]:
    applicant, joined, size, region = row[0], row[1], row[2], row[3]
    others = sorted(key for key in joined.split(",") if key != applicant)
    values = {
        "per_capita_income": None if row[5] else round(float(row[4]) / size, 2),
        "per_capita_area": None if row[7] else round(float(row[6] or 0) / size, 2),
        "max_vehicle_price": _maximum(row[8], row[9]),
        "max_company_capital": _maximum(row[10], row[11]),
        "max_paid_months": _maximum(row[12], row[13]),
        "register_region": None if region is None else str(region),
        "housed": bool(row[14]),
    }
    return applicant, [applicant, *others], values


# Settings of the one statement on PostgreSQL (set locally, restored afterwards): memory for its
# hash tables and sorts (at the default 4 MB a batch of 27,169 households spills to disk; the
# population's last GROUP BY holds every household); no JIT (the misjudged CTE sizes make the
# planner compile and optimize for ~1 s, more than it saves); and a streamed statement planned
# for all its rows (a cursor is otherwise planned for its first 10 %, with nested loops).
BATCH_SETTINGS = {"work_mem": "256MB", "jit": "off"}
POPULATION_SETTINGS = {"work_mem": "1GB", "jit": "off", "cursor_tuple_fraction": "1.0"}


def _set(cursor: Any, settings: dict[str, Any]) -> dict[str, str]:
    names = list(settings)
    current = ", ".join("current_setting(%s)" for _ in names)
    cursor.execute(f"SELECT {current}", names)
    previous = dict(zip(names, cursor.fetchone(), strict=True))
    for name, value in settings.items():
        cursor.execute("SELECT set_config(%s, %s, true)", [name, str(value)])
    return previous


@contextmanager
def _statement_cursor(sql: _Sql, *, streamed: bool) -> Iterator[Any]:
    """A cursor for one statement (a server-side one when ``streamed``), in a transaction, with
    the settings above on PostgreSQL."""
    with transaction.atomic():
        if not sql.postgresql:
            with connection.cursor() as cursor:
                yield cursor
            return
        with connection.cursor() as cursor:
            previous = _set(cursor, POPULATION_SETTINGS if streamed else BATCH_SETTINGS)
        try:
            with connection.chunked_cursor() if streamed else connection.cursor() as cursor:
                yield cursor
        finally:
            with connection.cursor() as cursor:
                _set(cursor, previous)


def households_measures(
    *,
    rule_set: RuleSet,
    ids: dict[str, int],
    on: dt.date,
    applicants: Sequence[str] | None = None,
) -> list[tuple[str, list[str], dict[str, Any]]]:
    """(applicant, members, measure values) per household, computed in the database: for the
    given applicants (one statement per ``APPLICANT_CHUNK``) or, with ``applicants=None``, for
    every household of the population registry (one statement, its rows streamed). Applicants
    absent from the population registry are left out. Values of resources missing from ``ids``
    are meaningless: the caller judges only the readable measures."""
    if POPULATION not in ids:
        return []
    sql = _Sql(connection.vendor == "postgresql")
    params: dict[str, Any] = {
        "on": on,
        "pop": ids[POPULATION],
        "vehicle": ids.get("vehicle", -1),
        "business": ids.get("business_registration", -1),
        "social": ids.get("social_security", -1),
        "tenancy": ids.get(TENANCY, -1),
        "income": ids.get("income_tax", -1),
        "estate": ids.get("real_estate", -1),
        **{f"kind{i}": kind for i, kind in enumerate(rule_set.company_kinds)},
    }
    out: list[tuple[str, list[str], dict[str, Any]]] = []
    if applicants is None:
        with _statement_cursor(sql, streamed=True) as cursor:
            cursor.execute(_statement(sql, rule_set, population=True), params)
            while rows := cursor.fetchmany(10_000):
                out.extend(map(_values, rows))
        return out
    statement = _statement(sql, rule_set, population=False).replace("%s", "%(keys)s")
    for start in range(0, len(applicants), APPLICANT_CHUNK):
        chunk = sorted(applicants[start : start + APPLICANT_CHUNK])  # index lookups in order
        with _statement_cursor(sql, streamed=False) as cursor:
            cursor.execute(statement, {**params, "keys": sql.keys_param(chunk)})
            out.extend(map(_values, cursor.fetchall()))
    return out


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
            tenancies=len(by_code.get(TENANCY, [])),
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

"""The SQL of the PostgreSQL path, built per resource from its schema and the file's columns.

Each rule of ``values.py`` has its expression here (over the normalized value ``tN`` of target
N); the identifier checks are the functions of migration 0002. A check yields ``NULL`` or the
problem ``'<target index>:<code>'``; ``COALESCE`` over all checks in order gives a row's first
problem, evaluating no further than needed.

``row_hash``: two 64-bit ``jsonb_hash_extended`` of ``data`` (seeded by a hash of the validity
dates, 0 when there are none), as 32 hex characters. It is computed in SQL, the same way for
every file format, so that the same content always has the same hash; it only detects change.
"""

# ruff: noqa: S608 (SQL built from our table names, target indexes and slugs; values are
# escaped literals or bound parameters)
from __future__ import annotations

from govhall.exchange.ingest import values as V
from govhall.exchange.ingest.columns import VALID_FROM, VALID_TO, ColumnPlan, Schema, Target

RECORD_COLUMNS = (
    "(subject_key, resource_id, record_key, group_key, data, valid_from, valid_to, load_id, "
    "row_hash, updated_at)"
)
TRUE_LIST = ", ".join(f"'{word}'" for word in V.TRUE_WORDS)
BOOLEAN_LIST = ", ".join(f"'{word}'" for word in V.TRUE_WORDS + V.FALSE_WORDS)


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def type_check(value: str, value_type: str, today: str) -> str:
    """An expression that is NULL for a valid (or NULL) value, else the problem code."""
    if value_type == V.ID_NUMBER:
        return f"govhall_ric_problem({value}, {literal(today)})"
    if value_type == V.USCC:
        return f"govhall_uscc_problem({value})"
    bad = {
        V.TEXT: None,
        V.INTEGER: f"{value} !~ '^[+-]?[0-9]{{1,18}}$'",
        V.DECIMAL: (
            f"length({value}) > {V.DECIMAL_MAX_LENGTH} OR {value} !~ '^[+-]?[0-9]+(\\.[0-9]+)?$'"
        ),
        V.DATE: f"NOT govhall_date_ok({value})",
        V.BOOLEAN: f"lower({value}) NOT IN ({BOOLEAN_LIST})",
        V.REGION_CODE: (
            f"NOT (length({value}) IN (6, 12) AND ltrim({value}, '0123456789') = '' "
            f"AND left({value}, 2) <> '00')"
        ),
    }[value_type]
    return "NULL" if bad is None else f"CASE WHEN {bad} THEN {literal(value_type)} END"


def stored_value(value: str, value_type: str) -> str:
    """The value as stored in ``data`` (NULL stays NULL)."""
    return {
        V.INTEGER: f"{value}::bigint",
        V.DECIMAL: f"trim_scale({value}::numeric)",
        V.BOOLEAN: f"lower({value}) IN ({TRUE_LIST})",
        V.REGION_CODE: f"rpad({value}, 12, '0')",
    }.get(value_type, value)


def canonical_text(value: str, value_type: str) -> str:
    """The stored value as text: a record key or a group key."""
    if value_type == V.BOOLEAN:
        return f"CASE WHEN {stored_value(value, value_type)} THEN 'true' ELSE 'false' END"
    if value_type in (V.INTEGER, V.DECIMAL):
        return f"({stored_value(value, value_type)})::text"
    return stored_value(value, value_type)


def _checks(index: int, target: Target, today: str) -> list[str]:
    value = f"t{index}"
    prefix = f"'{index}:' || "
    checks = []
    if target.required:
        checks.append(f"CASE WHEN {value} IS NULL THEN '{index}:{V.REQUIRED}' END")
    if target.type != V.TEXT:
        checks.append(prefix + type_check(value, target.type, today))
    if target.max_length:
        checks.append(
            f"CASE WHEN char_length({value}) > {int(target.max_length)} "
            f"THEN '{index}:{V.TOO_LONG}' END"
        )
    if target.key_max:
        checks.append(
            f"CASE WHEN char_length({value}) > {int(target.key_max)} "
            f"THEN '{index}:{V.KEY_TOO_LONG}' END"
        )
    return checks


class Queries:
    """The statements of one load."""

    def __init__(
        self, schema: Schema, plan: ColumnPlan, stage: str, rejected: str, today: str
    ) -> None:
        self.schema = schema
        self.plan = plan
        self.stage = stage
        self.rejected = rejected
        self.today = today
        self.keys_end = sum(1 for target in schema.targets if target.is_key)

    def normalized(self, needed: set[int] | None = None) -> str:
        """One row per staged line with ``tN`` = target N trimmed, NULL if empty (a fence: each
        is computed once). Only the ``needed`` targets are computed (default: all)."""
        columns = ["line"]
        for index, target in enumerate(self.schema.targets):
            position = self.plan.column_of(index)
            if needed is not None and index not in needed:
                continue
            if position is None:
                columns.append(f"NULL::text AS t{index}")
                continue
            value = f"nullif(btrim(c{position}), '')"
            if target.type in (V.ID_NUMBER, V.USCC):
                value = f"upper({value})"
            columns.append(f"{value} AS t{index}")
        return f"SELECT {', '.join(columns)} FROM {self.stage} OFFSET 0"

    def _index(self, name: str) -> int:
        return self.schema.index(name)

    def _checked(self) -> set[int]:
        """The targets that have a rule (a plain optional text has none)."""
        checked = {self._index(VALID_FROM), self._index(VALID_TO)}
        for index, target in enumerate(self.schema.targets):
            if target.required or target.type != V.TEXT or target.max_length or target.key_max:
                checked.add(index)
        return checked

    def validate(self, into: str) -> str:
        checks = []
        for index, target in enumerate(self.schema.targets):
            checks.extend(_checks(index, target, self.today))
        start, end = self._index(VALID_FROM), self._index(VALID_TO)
        checks.append(f"CASE WHEN t{end} COLLATE \"C\" < t{start} THEN '{end}:{V.VALID_RANGE}' END")
        return (
            f"CREATE TEMP TABLE {into} ON COMMIT DROP AS "
            f"SELECT line, problem FROM (SELECT line, COALESCE({', '.join(checks)}) AS problem "
            f"FROM ({self.normalized(self._checked())}) n) v WHERE problem IS NOT NULL"
        )

    def _key_columns(self) -> list[str]:
        keys = []
        for index in range(self.keys_end):
            keys.append(canonical_text(f"n.t{index}", self.schema.targets[index].type))
        return keys

    def twins(self, into: str) -> str:
        """Rows sharing their keys with another row (whose keys are valid), and the other line."""
        window = (
            f"PARTITION BY {', '.join(self._key_columns())} ORDER BY n.line "
            "ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING"
        )
        return (
            f"CREATE TEMP TABLE {into} ON COMMIT DROP AS "
            "SELECT line, CASE WHEN line = first THEN second ELSE first END AS other FROM ("
            "SELECT n.line, count(*) OVER w AS copies, first_value(n.line) OVER w AS first, "
            "nth_value(n.line, 2) OVER w AS second "
            f"FROM ({self.normalized(set(range(self.keys_end)))}) n "
            f"LEFT JOIN {self.rejected} r ON r.line = n.line "
            f"WHERE r.line IS NULL OR split_part(r.problem, ':', 1)::int >= {self.keys_end} "
            f"WINDOW w AS ({window})) d WHERE copies > 1"
        )

    def _key(self, name: str) -> str:
        if not name:
            return "''"
        index = self._index(name)
        return f"coalesce({canonical_text(f'n.t{index}', self.schema.targets[index].type)}, '')"

    def _data(self) -> str:
        """``data``: jsonb_object over the values stored as strings (twice as fast as
        jsonb_build_object), and jsonb_build_object for numbers and booleans."""
        names, texts, typed = [], [], []
        for name in self.schema.field_names:
            index = self._index(name)
            value_type = self.schema.targets[index].type
            value = stored_value(f"n.t{index}", value_type)
            if value_type in (V.INTEGER, V.DECIMAL, V.BOOLEAN):
                typed.append(f"{literal(name)}, {value}")
            else:
                names.append(literal(name))
                texts.append(value)
        parts = []
        if names:
            parts.append(f"jsonb_object(ARRAY[{', '.join(names)}], ARRAY[{', '.join(texts)}])")
        if typed:
            parts.append(f"jsonb_build_object({', '.join(typed)})")
        return " || ".join(parts) or "'{}'::jsonb"

    def _rows(self, exclude_rejected: bool) -> str:
        """The registry rows of the valid lines (the merge's input), hashed."""
        start, end = self._index(VALID_FROM), self._index(VALID_TO)
        dated = self.plan.column_of(start) is not None or self.plan.column_of(end) is not None
        seed = "0::bigint"
        if dated:
            seed = (
                f"CASE WHEN n.t{start} IS NULL AND n.t{end} IS NULL THEN 0::bigint ELSE "
                f"hashtextextended(coalesce(n.t{start}, '') || '/' || coalesce(n.t{end}, ''), 0) "
                "END"
            )
        where = ""
        if exclude_rejected:
            where = f"WHERE NOT EXISTS (SELECT 1 FROM {self.rejected} x WHERE x.line = n.line)"
        rows = (
            f"SELECT n.t0 AS k, {self._key(self.schema.record_key_field)} AS rk, "
            f"{self._key(self.schema.group_field)} AS gk, {self._data()} AS data, "
            f"n.t{start}::date AS vf, n.t{end}::date AS vt, {seed} AS h "
            f"FROM ({self.normalized()}) n {where} OFFSET 0"
        )
        return (
            "SELECT k, %(resource)s AS resource, rk, gk, data, vf, vt, %(load)s AS load, "
            "lpad(to_hex(jsonb_hash_extended(data, h)), 16, '0') "
            "|| lpad(to_hex(jsonb_hash_extended(data, ~h)), 16, '0') AS hash, %(now)s AS now "
            f"FROM ({rows}) s"
        )

    def merge(self, *, exclude_rejected: bool) -> str:
        """The upsert; its result row is (inserted, updated). Parameters: resource, load, now."""
        unchanged = (
            "WHERE NOT EXISTS (SELECT 1 FROM exchange_record o WHERE o.subject_key = u.k "
            "AND o.resource_id = %(resource)s AND o.record_key = u.rk AND o.row_hash = u.hash)"
        )
        return (
            f"WITH merged AS (INSERT INTO exchange_record AS r {RECORD_COLUMNS} "
            f"SELECT * FROM ({self._rows(exclude_rejected)}) u {unchanged} "
            # In index order: the unique index is then extended page by page, not at random.
            "ORDER BY u.k, u.rk "
            "ON CONFLICT (subject_key, resource_id, record_key) DO UPDATE SET "
            "group_key = EXCLUDED.group_key, data = EXCLUDED.data, "
            "valid_from = EXCLUDED.valid_from, valid_to = EXCLUDED.valid_to, "
            "load_id = EXCLUDED.load_id, row_hash = EXCLUDED.row_hash, "
            "updated_at = EXCLUDED.updated_at "
            "WHERE r.row_hash IS DISTINCT FROM EXCLUDED.row_hash "
            "RETURNING (r.xmax = 0) AS inserted) "
            "SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) "
            "FROM merged"
        )

    def insert(self, *, exclude_rejected: bool) -> str:
        """A plain insert (the bulk path: the resource has no records yet)."""
        return f"INSERT INTO exchange_record {RECORD_COLUMNS} {self._rows(exclude_rejected)}"

"""The portable path (SQLite): rows checked in Python, merged with batched upserts.

``check_rows`` is also the reference validator: the PostgreSQL path must reach the same decision
(and the same reason) for every row of the same file, which the tests verify.

Per row, the first problem wins, in this order: the keys (subject key, then the record-key
field), then duplicates, then the other fields in position order, then the validity dates.
Duplicates are looked for among the rows whose keys are valid: two rows with the same subject
key and record key are both rejected, each naming the other's line.

The merge classifies each batch of valid rows against the stored hashes in one query (new,
changed, unchanged), then writes the new and changed ones with one ``executemany`` upsert.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection

from govhall.exchange.ingest import values as V
from govhall.exchange.ingest.columns import VALID_FROM, VALID_TO, ColumnPlan, Schema
from govhall.exchange.ingest.reading import CsvInput, RowsInput, csv_rows
from govhall.exchange.ingest.report import (
    STORED_REJECTIONS,
    Outcome,
    Rejection,
    RejectionsCsv,
    rejection,
)

BATCH = 500


@dataclass
class Prepared:
    """A valid row, ready for the registry table."""

    line: int
    subject_key: str
    record_key: str
    group_key: str
    data: str  # canonical JSON text
    valid_from: str | None
    valid_to: str | None
    row_hash: str


@dataclass
class Checked:
    total: int
    rejections: list[Rejection]
    rows: list[Prepared]


def _json_text(data: dict[str, Any]) -> str:
    parts = []
    for name in sorted(data):
        value = data[name]
        text = (
            format(value, "f")
            if isinstance(value, Decimal)
            else json.dumps(value, ensure_ascii=False)
        )
        parts.append(f"{json.dumps(name, ensure_ascii=False)}:{text}")
    return "{" + ",".join(parts) + "}"


def _problems(
    schema: Schema, cells: list[str | None], indexes: range, today: dt.date
) -> str | None:
    for index in indexes:
        target = schema.targets[index]
        value = cells[index]
        if value is None:
            if target.required:
                return f"{index}:{V.REQUIRED}"
            continue
        code = V.type_problem(value, target.type, today)
        if code is None and target.max_length and len(value) > target.max_length:
            code = V.TOO_LONG
        if code is None and target.key_max and len(value) > target.key_max:
            code = V.KEY_TOO_LONG
        if code:
            return f"{index}:{code}"
    return None


def _range_problem(schema: Schema, cells: list[str | None]) -> str | None:
    start, end = cells[schema.index(VALID_FROM)], cells[schema.index(VALID_TO)]
    if start and end and end < start:
        return f"{schema.index(VALID_TO)}:{V.VALID_RANGE}"
    return None


def _prepare(schema: Schema, line: int, cells: list[str | None]) -> Prepared:
    by_name = {target.name: (target, cells[i]) for i, target in enumerate(schema.targets)}
    data = {}
    for name in schema.field_names:
        target, value = by_name[name]
        data[name] = None if value is None else V.typed(value, target.type)

    def key(name: str) -> str:
        if not name or by_name[name][1] is None:
            return ""
        target, value = by_name[name]
        return V.canonical_text(value, target.type)

    text = _json_text(data)
    start, end = cells[schema.index(VALID_FROM)], cells[schema.index(VALID_TO)]
    digest = hashlib.md5(f"{text}|{start or ''}|{end or ''}".encode(), usedforsecurity=False)
    return Prepared(
        line=line,
        subject_key=cells[0] or "",
        record_key=key(schema.record_key_field),
        group_key=key(schema.group_field),
        data=text,
        valid_from=start,
        valid_to=end,
        row_hash=digest.hexdigest(),
    )


def _normalized(schema: Schema, plan: ColumnPlan, raw: list[str | None]) -> list[str | None]:
    cells: list[str | None] = [None] * len(schema.targets)
    for position, index in enumerate(plan.columns):
        if index is not None:
            cells[index] = V.normalize(raw[position], schema.targets[index].type)
    return cells


def _key(schema: Schema, cells: list[str | None], keys_end: int) -> tuple[str, ...]:
    """The keys as stored (``007`` and ``7`` are the same integer record key)."""
    return tuple(V.canonical_text(cells[i] or "", schema.targets[i].type) for i in range(keys_end))


def check_rows(
    schema: Schema,
    plan: ColumnPlan,
    rows: Iterable[tuple[int, list[str | None]]],
    today: dt.date,
) -> Checked:
    """Every row's first problem (or its prepared form), duplicates included."""
    keys_end = sum(1 for target in schema.targets if target.is_key)
    all_targets = range(len(schema.targets))
    problems: dict[int, str] = {}
    raws: dict[int, list[str | None]] = {}
    candidates: list[tuple[int, tuple[str, ...], str | None, list[str | None]]] = []
    by_key: dict[tuple[str, ...], list[int]] = {}
    total = 0
    for line, raw in rows:
        total += 1
        cells = _normalized(schema, plan, raw)
        problem = _problems(schema, cells, range(keys_end), today)
        if problem:
            problems[line], raws[line] = problem, raw
            continue
        rest = _problems(schema, cells, all_targets[keys_end:], today)
        key = _key(schema, cells, keys_end)
        candidates.append((line, key, rest or _range_problem(schema, cells), cells))
        by_key.setdefault(key, []).append(line)
        raws[line] = raw
    prepared = []
    for line, key, problem, cells in candidates:
        lines = by_key[key]
        if len(lines) > 1:
            other = lines[0] if lines[0] != line else lines[1]
            problems[line] = f"0:{V.DUPLICATE}:{other}"
        elif problem:
            problems[line] = problem
        else:
            prepared.append(_prepare(schema, line, cells))
            raws.pop(line)
    rejections = []
    for line in sorted(problems):
        raw = _raw_value(plan, raws[line], problems[line])
        rejections.append(rejection(schema, line, problems[line], raw))
    return Checked(total=total, rejections=rejections, rows=prepared)


def _raw_value(plan: ColumnPlan, raw: list[str | None], problem: str) -> str:
    column = plan.column_of(int(problem.split(":")[0]))
    return "" if column is None else raw[column] or ""


# --- merge -----------------------------------------------------------------------------------

_UPSERT = """
INSERT INTO exchange_record
    (subject_key, resource_id, record_key, group_key, data, valid_from, valid_to, load_id,
     row_hash, updated_at)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
ON CONFLICT (subject_key, resource_id, record_key) DO UPDATE SET
    group_key = excluded.group_key, data = excluded.data, valid_from = excluded.valid_from,
    valid_to = excluded.valid_to, load_id = excluded.load_id, row_hash = excluded.row_hash,
    updated_at = excluded.updated_at
WHERE exchange_record.row_hash <> excluded.row_hash
"""


def _stored_hashes(resource_id: int, batch: list[Prepared]) -> dict[tuple[str, str], str]:
    subjects = sorted({row.subject_key for row in batch})
    marks = ", ".join(["%s"] * len(subjects))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT subject_key, record_key, row_hash FROM exchange_record "  # noqa: S608
            f"WHERE resource_id = %s AND subject_key IN ({marks})",
            [resource_id, *subjects],
        )
        return {(subject, record): digest for subject, record, digest in cursor.fetchall()}


def _writes(
    batch: list[Prepared],
    stored: dict[tuple[str, str], str],
    resource_id: int,
    load_id: int,
    stamp: Any,
) -> tuple[list[tuple], int]:
    """The rows to write (new or changed) and how many of them are new."""
    writes, new = [], 0
    for row in batch:
        digest = stored.get((row.subject_key, row.record_key))
        if digest == row.row_hash:
            continue
        new += digest is None
        writes.append(
            (row.subject_key, resource_id, row.record_key, row.group_key, row.data,
             row.valid_from, row.valid_to, load_id, row.row_hash, stamp)
        )  # fmt: skip
    return writes, new


def merge_rows(
    *,
    resource_id: int,
    load_id: int,
    rows: list[Prepared],
    now: dt.datetime,
    progress: Callable[[int], None] | None = None,
) -> tuple[int, int, int]:
    """Upsert the rows in batches; returns (inserted, updated, unchanged)."""
    inserted = written = 0
    stamp = connection.ops.adapt_datetimefield_value(now)
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        writes, new = _writes(
            batch, _stored_hashes(resource_id, batch), resource_id, load_id, stamp
        )
        if writes:
            with connection.cursor() as cursor:
                cursor.executemany(_UPSERT, writes)
        inserted, written = inserted + new, written + len(writes)
        if progress:
            progress(start + len(batch))
    return inserted, written - inserted, len(rows) - written


def ingest(
    *,
    resource_id: int,
    load_id: int,
    schema: Schema,
    plan: ColumnPlan,
    source: CsvInput | RowsInput,
    mode: str,
    today: str,
    now: dt.datetime,
    progress: Callable[[str, int, int, float], None] | None = None,
) -> Outcome:
    """Check every row in Python, then (unless refused) merge the valid ones."""
    started = time.perf_counter()
    rows = csv_rows(source) if isinstance(source, CsvInput) else source.rows
    day = dt.datetime.strptime(today, "%Y%m%d").date()
    checked = check_rows(schema, plan, rows, day)
    outcome = Outcome(total=checked.total, rejected=len(checked.rejections), method="executemany")
    if checked.total and not (outcome.rejected and mode == "all_or_nothing"):
        total = len(checked.rows)

        def merged(done: int) -> None:
            if progress:
                progress("merging", done, total, time.perf_counter() - started)

        outcome.inserted, outcome.updated, outcome.unchanged = merge_rows(
            resource_id=resource_id, load_id=load_id, rows=checked.rows, now=now, progress=merged
        )
        outcome.merged = True
    outcome.stored = [item.as_dict() for item in checked.rejections[:STORED_REJECTIONS]]
    if len(checked.rejections) > STORED_REJECTIONS:
        report = RejectionsCsv()
        report.write(checked.rejections)
        outcome.rejections_csv = report.finish()
    return outcome

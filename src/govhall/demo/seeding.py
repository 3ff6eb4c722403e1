"""Bulk loading of the synthetic population into ``demo_person`` and ``demo_legalperson``.

Rows stream from the generators in batches and are never all held in memory. PostgreSQL loads
with COPY (psycopg 3), SQLite with ``executemany``; each batch is one transaction, so the tables
always hold a contiguous prefix ``0 .. M-1`` of the generated rows and a later run resumes at M.
Running with a smaller or equal target changes nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from itertools import islice

from django.db import connection, transaction
from django.db.models import Count, Max

from govhall.demo.generator import (
    DEFAULT_SEED,
    LEGAL_PERSON_COLUMNS,
    PERSON_COLUMNS,
    PERSONS_PER_LEGAL_PERSON,
    PopulationGenerator,
)
from govhall.demo.legal import LegalPersonGenerator, Representative
from govhall.demo.models import LegalPerson, Person

Progress = Callable[[str, int, int, float], None]  # what, rows done, rows to do, seconds

# On PostgreSQL a fresh load of at least this many rows drops the secondary indexes and builds
# them once at the end, which is several times faster than maintaining them row by row.
INDEX_REBUILD_THRESHOLD = 500_000

# Legal-person batches are held in memory before COPY (see ``streaming``): keep them small.
LEGAL_BATCH_LIMIT = 10_000

_PERSON_LINE = "%d\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\n"
_LEGAL_LINE = "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n"


class SeedError(Exception):
    """The existing population cannot be extended (different seed, gaps)."""


@dataclass(frozen=True)
class SeedReport:
    what: str  # "persons" or "legal persons"
    before: int
    after: int
    seconds: float
    method: str  # "copy", "executemany" or "none"

    @property
    def added(self) -> int:
        return self.after - self.before

    @property
    def rate(self) -> float:
        return self.added / self.seconds if self.seconds > 0 else 0.0

    def summary(self) -> str:
        if not self.added:
            return f"{self.what}: {self.after:,} already present, nothing to seed"
        return (
            f"seeded {self.added:,} {self.what} in {self.seconds:.1f} s "
            f"({self.rate:,.0f} rows/s, {self.method}; {self.after:,} in total)"
        )


def _existing(model: type[Person] | type[LegalPerson]) -> int:
    stats = model.objects.aggregate(n=Count("id"), top=Max("id"))
    count, top = stats["n"], stats["top"]
    if count and top != count - 1:
        raise SeedError(
            f"{model._meta.db_table} holds {count:,} rows but its highest id is {top:,}: only a "
            "contiguous population made by the generator can be extended"
        )
    return count


def _write(
    *,
    model: type[Person] | type[LegalPerson],
    columns: Sequence[str],
    line: str,
    rows: Iterable[tuple],
    total: int,
    batch: int,
    what: str,
    progress: Progress | None,
    rebuild_indexes: bool,
    streaming: bool,
) -> str:
    table = model._meta.db_table
    started = time.perf_counter()
    done = 0
    postgres = connection.vendor == "postgresql"
    with ExitStack() as stack:
        dropped: list[str] = []
        if postgres and rebuild_indexes:
            # One transaction: if the load fails or is killed, the indexes come back with the
            # rollback instead of staying dropped.
            stack.enter_context(transaction.atomic())
            dropped = _drop_secondary_indexes(model)
        rows = iter(rows)
        while done < total:
            with transaction.atomic(), connection.cursor() as cursor:
                if postgres:
                    # A generator that reads the database (legal persons look up their
                    # representatives) must finish the batch before COPY takes the connection.
                    source = islice(rows, batch) if streaming else list(islice(rows, batch))
                    added = _copy_batch(cursor, table, columns, line, source)
                else:
                    chunk = list(islice(rows, batch))
                    # Table and column names are constants of this module, never input.
                    placeholders = ", ".join(["%s"] * len(columns))
                    insert_sql = (
                        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})"  # noqa: S608
                    )
                    cursor.executemany(insert_sql, chunk)
                    added = len(chunk)
            if not added:
                break
            done += added
            if progress:
                progress(what, done, total, time.perf_counter() - started)
        if dropped:
            if progress:
                progress(f"{what} (indexes)", done, total, time.perf_counter() - started)
            _create_indexes(dropped)
    return "copy" if postgres else "executemany"


def _copy_batch(
    cursor, table: str, columns: Sequence[str], line: str, rows: Iterable[tuple]
) -> int:
    """One COPY statement fed in small pieces, so that the server parses and stores rows while
    the generator makes the next ones (two cores busy instead of one)."""
    count = 0
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        write = copy.write
        buffer: list[str] = []
        for row in rows:
            buffer.append(line % row)
            if len(buffer) == 2000:
                write("".join(buffer))
                count += 2000
                buffer.clear()
        if buffer:
            write("".join(buffer))
            count += len(buffer)
    return count


def _drop_secondary_indexes(model: type[Person] | type[LegalPerson]) -> list[str]:
    """Drop every index but the primary key; return the statements that recreate them.

    A unique constraint is dropped and re-added as a constraint (``ALTER TABLE … ADD CONSTRAINT
    … UNIQUE``) so that Django's migration state still matches the database.
    """
    table = model._meta.db_table
    statements: list[str] = []
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'u'",
            [table],
        )
        for name, definition in cursor.fetchall():
            statements.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        cursor.execute(
            "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
            "JOIN pg_class i ON i.oid = x.indexrelid "
            "WHERE x.indrelid = %s::regclass AND NOT x.indisprimary AND NOT x.indisunique",
            [table],
        )
        for name, definition in cursor.fetchall():
            statements.append(definition)
            cursor.execute(f'DROP INDEX "{name}"')
    return statements


def _create_indexes(statements: list[str]) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for statement in statements:
            cursor.execute(statement)


def persons_seed(
    *,
    persons: int,
    seed: int = DEFAULT_SEED,
    batch: int = 50_000,
    progress: Progress | None = None,
) -> SeedReport:
    """Make ``demo_person`` hold persons ``0 .. persons-1`` of the generator for ``seed``."""
    before = _existing(Person)
    if persons <= before:
        return SeedReport("persons", before, before, 0.0, "none")
    generator = PopulationGenerator(seed)
    started = time.perf_counter()
    rows = generator.persons(max(before - 1, 0), persons)
    if before:
        _check_last(Person, "id_number", next(rows), seed)
    method = _write(
        model=Person,
        columns=PERSON_COLUMNS,
        line=_PERSON_LINE,
        rows=rows,
        total=persons - before,
        batch=batch,
        what="persons",
        progress=progress,
        rebuild_indexes=before == 0 and persons >= INDEX_REBUILD_THRESHOLD,
        streaming=True,
    )
    return SeedReport("persons", before, persons, time.perf_counter() - started, method)


def legal_persons_seed(
    *,
    legal_persons: int,
    seed: int = DEFAULT_SEED,
    batch: int = 50_000,
    progress: Progress | None = None,
) -> SeedReport:
    """Make ``demo_legalperson`` hold legal persons ``0 .. legal_persons-1``; their
    representatives are read from ``demo_person``, which must be seeded first."""
    before = _existing(LegalPerson)
    if legal_persons <= before:
        return SeedReport("legal persons", before, before, 0.0, "none")
    generator = LegalPersonGenerator(seed)
    started = time.perf_counter()
    rows = generator.legal_persons(max(before - 1, 0), legal_persons, person_lookup)
    if before:
        _check_last(LegalPerson, "uscc", next(rows), seed)
    method = _write(
        model=LegalPerson,
        columns=LEGAL_PERSON_COLUMNS,
        line=_LEGAL_LINE,
        rows=rows,
        total=legal_persons - before,
        batch=min(batch, LEGAL_BATCH_LIMIT),
        what="legal persons",
        progress=progress,
        rebuild_indexes=before == 0 and legal_persons >= INDEX_REBUILD_THRESHOLD,
        streaming=False,
    )
    return SeedReport("legal persons", before, legal_persons, time.perf_counter() - started, method)


def population_seed(
    *,
    persons: int,
    legal_persons: int | None = None,
    seed: int = DEFAULT_SEED,
    batch: int = 50_000,
    progress: Progress | None = None,
) -> tuple[SeedReport, SeedReport]:
    """Persons, then legal persons (default ``persons // 20``; never more than the population
    has representatives for)."""
    person_report = persons_seed(persons=persons, seed=seed, batch=batch, progress=progress)
    if legal_persons is None:
        legal_persons = persons // PERSONS_PER_LEGAL_PERSON
    legal_persons = min(legal_persons, person_report.after // PERSONS_PER_LEGAL_PERSON)
    legal_report = legal_persons_seed(
        legal_persons=legal_persons, seed=seed, batch=batch, progress=progress
    )
    return person_report, legal_report


def person_lookup(indexes: Sequence[int]) -> dict[int, Representative]:
    """Persons by generator index, from the database (the legal-person generator's lookup)."""
    found: dict[int, Representative] = {}
    if connection.vendor == "postgresql":
        # One round trip for the whole list: ``= ANY(array)`` rather than thousands of params.
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {', '.join(PERSON_COLUMNS)} FROM {Person._meta.db_table} "  # noqa: S608
                "WHERE id = ANY(%s)",
                [list(indexes)],
            )
            for row in cursor.fetchall():
                found[row[0]] = Representative.from_row(row)
        return found
    for start in range(0, len(indexes), 900):  # below SQLite's host parameter limit
        part = indexes[start : start + 900]
        for row in Person.objects.filter(id__in=part).values_list(*PERSON_COLUMNS):
            found[row[0]] = Representative.from_row(row)
    return found


def _check_last(model: type[Person] | type[LegalPerson], field: str, row: tuple, seed: int) -> None:
    """The last stored row must be the one the generator makes for ``seed``: else extending
    would mix two populations."""
    stored = model.objects.filter(pk=row[0]).values_list(field, flat=True).first()
    if stored != row[1]:
        raise SeedError(
            f"{model._meta.db_table} row {row[0]} is {stored}, but seed {seed} generates "
            f"{row[1]}: the existing population was generated with another seed"
        )

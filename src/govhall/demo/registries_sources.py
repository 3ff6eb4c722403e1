"""Where the registry generators read the population: the database or the generators.

Both sources hand out one :class:`~govhall.demo.registries_facts.Chunk` per generator block of
50,000 persons (households never span blocks, and a legal person's representative is in the
block of persons ``20k .. 20k+19``), so nothing larger than a block is ever held.

:class:`DatabaseSource` can also make a registry's text in worker processes (``workers > 1``),
each reading its blocks through a connection of its own: only for a population that other
connections can see (committed), which the caller checks.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterator
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections

from govhall.demo.generator import (
    BLOCK_SIZE,
    DEFAULT_SEED,
    LEGAL_PERSON_COLUMNS,
    PERSONS_PER_LEGAL_PERSON,
    PopulationGenerator,
)
from govhall.demo.legal import LegalPersonGenerator, Representative
from govhall.demo.registries_facts import Chunk

LegalRow = tuple  # LEGAL_PERSON_COLUMNS order, values as text
_Block = tuple[list[str], list[str], str, list[str] | None, list[str] | None]


class DatabaseSource:
    """The population as stored in ``demo_person`` and ``demo_legalperson``, read through
    ``reader`` (a database connection; the default one unless told otherwise)."""

    def __init__(
        self,
        seed: int = DEFAULT_SEED,
        *,
        reader: Any = None,
        workers: int = 1,
        counts: tuple[int, int] | None = None,
    ) -> None:
        self.seed, self.workers = seed, workers
        self.reader = reader or connection
        self.persons, self.legal_persons = counts or (
            self._count("demo_person"),
            self._count("demo_legalperson"),
        )

    def _count(self, table: str) -> int:
        with self.reader.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 (constant names)
            return cursor.fetchone()[0]

    def chunk(self, start: int, *, names: bool = False, addresses: bool = False) -> Chunk:
        """The block of persons that begins at ``start``."""
        stop = min(start + BLOCK_SIZE, self.persons)
        read = _read_packed if self.reader.vendor == "postgresql" else _read_rows
        with self.reader.cursor() as cursor:
            numbers, regions, relations, name_list, address_list = read(
                cursor, start, stop, names, addresses
            )
        first, last = _legal_range(start, stop, self.legal_persons)
        return Chunk(
            seed=self.seed,
            start=start,
            id_numbers=numbers,
            regions=regions,
            relations=relations,
            names=name_list,
            addresses=address_list,
            legal=lambda: self._businesses(first, last),
        )

    def person_chunks(self, *, names: bool = False, addresses: bool = False) -> Iterator[Chunk]:
        for start in range(0, self.persons, BLOCK_SIZE):
            yield self.chunk(start, names=names, addresses=addresses)

    def _businesses(self, first: int, last: int) -> list[tuple[str, str, str]]:
        with self.reader.cursor() as cursor:
            cursor.execute(
                "SELECT legal_representative_id_number, kind, name FROM demo_legalperson "
                "WHERE id >= %s AND id < %s",
                [first, last],
            )
            return cursor.fetchall()

    def legal_rows(self) -> Iterator[LegalRow]:
        sql = (
            f"SELECT {', '.join(LEGAL_PERSON_COLUMNS)} FROM demo_legalperson "  # noqa: S608
            "WHERE id >= %s AND id < %s ORDER BY id"
        )
        for a in range(0, self.legal_persons, BLOCK_SIZE):
            with self.reader.cursor() as cursor:
                cursor.execute(sql, [a, min(a + BLOCK_SIZE, self.legal_persons)])
                rows = cursor.fetchall()
            for row in rows:
                yield (*row[:6], f"{float(row[6]):.2f}", str(row[7]), *row[8:])

    def block_texts(self, code: str) -> Iterator[str]:
        """Registry ``code`` as one text per block, made by ``workers`` processes (forked: they
        share the parent's code and settings, never its connection) and returned in order; at
        most two blocks per worker wait in memory."""
        context = multiprocessing.get_context("fork")
        starts = iter(range(0, self.persons, BLOCK_SIZE))
        counts = (self.persons, self.legal_persons)
        with context.Pool(self.workers) as pool:
            pending: deque = deque()
            for start in starts:
                pending.append(pool.apply_async(_block_text, (code, self.seed, start, counts)))
                if len(pending) >= 2 * self.workers:
                    yield pending.popleft().get()
            while pending:
                yield pending.popleft().get()


def _block_text(code: str, seed: int, start: int, counts: tuple[int, int]) -> str:
    """In a worker process: one block of a registry, read through a connection of its own."""
    from govhall.demo.registries import PERSON_BUILDERS

    build, names, addresses = PERSON_BUILDERS[code]
    reader = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        source = DatabaseSource(seed, reader=reader, counts=counts)
        return "".join(build(source.chunk(start, names=names, addresses=addresses)))
    finally:
        reader.close()


class GeneratorSource:
    """The population straight from the generators (no database): for tests and previews.

    Keeps the generated persons and legal persons of the blocks it has made (small populations
    only), so that every registry pass sees them without generating them again."""

    workers = 1

    def __init__(self, seed: int = DEFAULT_SEED, *, persons: int) -> None:
        self.seed, self.persons = seed, persons
        self.legal_persons = persons // PERSONS_PER_LEGAL_PERSON
        self._blocks: dict[int, tuple[list[tuple], list[LegalRow]]] = {}

    def _block(self, start: int) -> tuple[list[tuple], list[LegalRow]]:
        if start not in self._blocks:
            stop = min(start + BLOCK_SIZE, self.persons)
            rows = list(PopulationGenerator(self.seed).persons(start, stop))
            by_index = {row[0]: Representative.from_row(row) for row in rows}
            first, last = _legal_range(start, stop, self.legal_persons)
            lookup = lambda indexes: {i: by_index[i] for i in indexes if i in by_index}  # noqa: E731
            legal = list(LegalPersonGenerator(self.seed).legal_persons(first, last, lookup))
            self._blocks[start] = rows, legal
        return self._blocks[start]

    def person_chunks(self, *, names: bool = False, addresses: bool = False) -> Iterator[Chunk]:
        for start in range(0, self.persons, BLOCK_SIZE):
            rows, legal = self._block(start)
            columns = list(zip(*rows, strict=True))
            yield Chunk(
                seed=self.seed,
                start=start,
                id_numbers=columns[1],
                regions=columns[5],
                relations="".join(relation[0] for relation in columns[7]),
                names=columns[2],
                addresses=columns[8],
                legal=lambda legal=legal: [(row[5], row[3], row[2]) for row in legal],
            )

    def legal_rows(self) -> Iterator[LegalRow]:
        for start in range(0, self.persons, BLOCK_SIZE):
            yield from self._block(start)[1]


def _read_rows(cursor: Any, start: int, stop: int, names: bool, addresses: bool) -> _Block:
    """Persons ``start .. stop-1``: ID numbers, regions, relation letters, names, addresses."""
    columns = ["id_number", "region_code", "relation"] + ["name", "address"] * (names or addresses)
    cursor.execute(
        f"SELECT {', '.join(columns)} FROM demo_person "  # noqa: S608 (constant names)
        "WHERE id >= %s AND id < %s ORDER BY id",
        [start, stop],
    )
    values = list(zip(*cursor.fetchall(), strict=True)) or [()] * len(columns)
    return (
        list(values[0]),
        list(values[1]),
        "".join(relation[0] for relation in values[2]),
        list(values[3]) if names else None,
        list(values[4]) if addresses else None,
    )


def _read_packed(cursor: Any, start: int, stop: int, names: bool, addresses: bool) -> _Block:
    """PostgreSQL: the same as :func:`_read_rows`, packed server-side into a few long strings
    (ID number 18 + region 12 + relation letter 1 per person), which Python slices far faster
    than it builds one row tuple per person."""
    extra = ", string_agg(name, '|' ORDER BY id)" * names
    extra += ", string_agg(address, '|' ORDER BY id)" * addresses
    cursor.execute(
        "SELECT string_agg(id_number || region_code || left(relation, 1), '' ORDER BY id)"  # noqa: S608
        f"{extra} FROM demo_person WHERE id >= %s AND id < %s",
        [start, stop],
    )
    row = cursor.fetchone()
    packed = row[0] or ""
    if len(packed) != 31 * (stop - start):  # not all 18 + 12 characters: read row by row
        return _read_rows(cursor, start, stop, names, addresses)
    offsets = range(0, len(packed), 31)
    return (
        [packed[k : k + 18] for k in offsets],
        [packed[k + 18 : k + 30] for k in offsets],
        packed[30::31],
        row[1].split("|") if names else None,
        row[-1].split("|") if addresses else None,
    )


def _legal_range(start: int, stop: int, legal_persons: int) -> tuple[int, int]:
    """Legal persons whose representatives are among persons ``start .. stop-1``: those drawn
    from persons 20k .. 20k+19 (or their household heads, in the same block)."""
    first = start // PERSONS_PER_LEGAL_PERSON
    last = -(-stop // PERSONS_PER_LEGAL_PERSON)
    return min(first, legal_persons), min(last, legal_persons)

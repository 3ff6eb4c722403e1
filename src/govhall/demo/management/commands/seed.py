"""``seed --persons N``: load (or extend) the synthetic population of the demo city.

Persons 0 .. N-1 of the deterministic generator, then legal persons (default N // 20, whose legal
representatives are persons of the population). Existing rows are kept: a larger N adds the missing
persons, a smaller or equal N changes nothing. PostgreSQL loads with COPY, SQLite with batched
inserts; memory use does not grow with N.

Then the departments' registries (the exchange's resources: population, real estate, income …)
are derived from the population and loaded through the ingestion service, with the resource
catalog (and the departments) created first if missing; ``--no-registries`` skips them.
Registries already loaded for the same seed and population are skipped.
"""

from __future__ import annotations

import os
import time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from govhall.core.audit import audit_record
from govhall.demo.exchange_load import RegistryLoadError
from govhall.demo.generator import CAPACITY, DEFAULT_SEED, PERSONS_PER_LEGAL_PERSON
from govhall.demo.seeding import SeedError, legal_persons_seed, persons_seed
from govhall.demo.services import demo_registries_load


class Command(BaseCommand):
    help = "生成示范城市的合成人口和法人数据(可重复执行,只补充缺少的部分)。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--persons", type=int, required=True, help="人口总数 N")
        parser.add_argument("--legal-persons", type=int, default=None, help="法人总数,默认 N // 20")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="随机种子")
        parser.add_argument("--batch", type=int, default=50_000, help="每批行数")
        parser.add_argument(
            "--workers",
            type=int,
            default=min(os.cpu_count() or 1, 4),
            help="生成登记库数据的进程数(PostgreSQL),默认为CPU核数,最多4",
        )
        parser.add_argument(
            "--no-registries",
            action="store_true",
            help="不生成各部门登记库(共享交换数据),只生成人口和法人",
        )

    def handle(self, *args, **options) -> None:
        persons, batch, seed = options["persons"], options["batch"], options["seed"]
        if not 0 <= persons <= CAPACITY:
            raise CommandError(f"--persons must be between 0 and {CAPACITY:,}")
        if batch < 1:
            raise CommandError("--batch must be positive")
        self._last_report = -1.0
        try:
            person_report = persons_seed(
                persons=persons, seed=seed, batch=batch, progress=self._progress
            )
            population = person_report.after
            legal_persons = options["legal_persons"]
            if legal_persons is None:
                legal_persons = persons // PERSONS_PER_LEGAL_PERSON
            elif legal_persons > population // PERSONS_PER_LEGAL_PERSON:
                self.stderr.write(
                    f"{legal_persons:,} legal persons need "
                    f"{legal_persons * PERSONS_PER_LEGAL_PERSON:,} persons; "
                    f"seeding {population // PERSONS_PER_LEGAL_PERSON:,}"
                )
                legal_persons = population // PERSONS_PER_LEGAL_PERSON
            legal_report = legal_persons_seed(
                legal_persons=legal_persons, seed=seed, batch=batch, progress=self._progress
            )
        except SeedError as exc:
            raise CommandError(str(exc)) from exc
        for report in (person_report, legal_report):
            self.stdout.write(report.summary())
        if person_report.added or legal_report.added:
            with transaction.atomic():
                audit_record(
                    actor="demo",
                    action="demo.seed",
                    object_type="demo.population",
                    object_id=str(seed),
                    after={
                        "persons": person_report.after,
                        "legal_persons": legal_report.after,
                        "added": [person_report.added, legal_report.added],
                    },
                )
        if not options["no_registries"]:
            self._registries(seed, max(options["workers"], 1))

    def _registries(self, seed: int, workers: int) -> None:
        started = time.perf_counter()
        self._last_report = -1.0
        try:
            reports = demo_registries_load(
                seed=seed, progress=self._registry_progress, workers=workers
            )
        except (RegistryLoadError, LookupError) as exc:
            raise CommandError(str(exc)) from exc
        for report in reports:
            self.stdout.write(report.summary())
        rows = sum(report.rows for report in reports)
        seconds = time.perf_counter() - started
        if rows:
            self.stdout.write(
                f"registries: {rows:,} rows in {seconds:.1f} s ({rows / seconds:,.0f} rows/s)"
            )

    def _registry_progress(self, code: str, rows: int, seconds: float) -> None:
        if seconds - self._last_report < 2.0 and self._last_report >= 0:
            return
        self._last_report = seconds
        rate = rows / seconds if seconds > 0 else 0.0
        self.stdout.write(f"  {code}: {rows:,} rows ({rate:,.0f} rows/s)")

    def _progress(self, what: str, done: int, total: int, seconds: float) -> None:
        # At most one line every two seconds, and always the last one.
        if done < total and seconds - self._last_report < 2.0:
            return
        self._last_report = seconds
        rate = done / seconds if seconds > 0 else 0.0
        self.stdout.write(f"  {what}: {done:,} / {total:,} ({rate:,.0f} rows/s)")

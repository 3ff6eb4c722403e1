"""``govhall exchange_bench``: the exchange's benchmarks with figures (DESIGN.md §8).

Needs the registries: ``govhall seed --persons 10000000`` first (on PostgreSQL for the targets).
Everything runs in one transaction that is rolled back: nothing is left behind.
"""

from __future__ import annotations

import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from govhall.demo.models import Person
from govhall.exchange import bench
from govhall.exchange.models import Record


class _Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "数据共享交换性能基准:单主体查询、批量核验、数据归集,并与逐条查询的做法对比。"

    def add_arguments(self, parser):
        parser.add_argument("--subjects", type=int, default=2000, help="单主体查询的抽样人数")
        parser.add_argument("--batch", type=int, default=27_169, help="批量核验人数")
        parser.add_argument("--naive-subjects", type=int, default=2000, help="逐条方式的抽样人数")
        parser.add_argument("--ingest-rows", type=int, default=1_000_000, help="归集基准的行数")
        parser.add_argument("--naive-rows", type=int, default=20_000, help="逐行归集的行数")
        parser.add_argument(
            "--only", choices=["profile", "batch", "ingest"], action="append", help="只运行某几项"
        )
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, **options):
        only = set(options["only"] or ["profile", "batch", "ingest"])
        rng = random.Random(options["seed"])
        self.stdout.write(
            f"{bench.database_label()}; persons {Person.objects.count():,}; "
            f"registry records {Record.objects.count():,}"
        )
        try:
            with transaction.atomic():
                self._run(only, rng, options)
                raise _Rollback
        except _Rollback:
            pass
        except bench.BenchError as exc:
            raise CommandError(str(exc)) from exc

    def _run(self, only, rng, options) -> None:
        state = bench.setup(bench.NINE)
        self.stdout.write(f"resources: {', '.join(r.code for r in state.resources)}")
        if "profile" in only:
            keys = bench.sample_subjects(options["subjects"], rng)
            self._show(bench.bench_profile(state, keys, min(options["naive_subjects"], len(keys))))
        if "batch" in only:
            keys = bench.sample_subjects(options["batch"], rng)
            naive = min(options["naive_subjects"], len(keys))
            self._show(bench.bench_batch(state, keys, naive))
        if "ingest" in only:
            started = time.perf_counter()
            figures = bench.bench_ingest(state, options["ingest_rows"], options["naive_rows"])
            self._show(figures)
            self.stdout.write(f"(ingestion section {time.perf_counter() - started:.1f} s)")

    def _show(self, figures) -> None:
        for figure in figures:
            self.stdout.write(figure.line())

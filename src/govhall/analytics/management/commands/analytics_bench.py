"""``govhall analytics_bench``: the performance-figures benchmark with figures (DESIGN.md §8).

Needs a seeded city (``govhall seed``); run on PostgreSQL. Generated cases are tagged ``BENCH``
and deleted at the end (``--keep`` leaves them for another run; ``--cases 0`` reuses them).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from govhall.analytics import bench
from govhall.cases import bench as cases_bench


class Command(BaseCommand):
    help = "绩效统计性能基准:一年的部门/事项指标表,对比逐部门逐指标计数的朴素做法。"

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=1_000_000, help="生成的办件数")
        parser.add_argument("--runs", type=int, default=10)
        parser.add_argument("--naive-runs", type=int, default=2)
        parser.add_argument("--keep", action="store_true", help="保留生成的办件")

    def handle(self, *args, **options):
        self.stdout.write(cases_bench.database_label())
        try:
            if options["cases"]:
                made = cases_bench.cases_generate(options["cases"])
                self.stdout.write(f"  generated {made:,} cases")
            bench.prepare_clock()
            figures = bench.bench_figures(runs=options["runs"], naive_runs=options["naive_runs"])
        except RuntimeError as error:
            raise CommandError(str(error)) from error
        finally:
            if not options["keep"]:
                cases_bench.cases_cleanup()
        for figure in figures:
            note = f"  ({figure.note})" if figure.note else ""
            self.stdout.write(f"  {figure.name:<44} {figure.value}{note}")

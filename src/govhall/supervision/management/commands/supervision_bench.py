"""``govhall supervision_bench``: the supervision sweep over many open tasks, with figures
(DESIGN.md §8). Needs a loaded city (``govhall demo_load``); PostgreSQL for the 10^6 target.
Everything it creates is deleted at the end unless ``--keep``."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from govhall.cases.bench import database_label
from govhall.supervision import bench


class Command(BaseCommand):
    help = "电子监察扫描性能基准:10^6 在办环节的冷扫描、热扫描和解除,对比逐行方式。"

    def add_arguments(self, parser):
        parser.add_argument("--tasks", type=int, default=1_000_000, help="生成的在办环节数")
        parser.add_argument("--naive-sample", type=int, default=2000, help="逐行方式的样本数")
        parser.add_argument("--keep", action="store_true", help="保留生成的数据")

    def handle(self, *args, **options):
        self.stdout.write(database_label())
        try:
            figures = bench.bench_sweep(
                tasks=options["tasks"], naive_sample=options["naive_sample"], keep=options["keep"]
            )
        except RuntimeError as error:
            raise CommandError(str(error)) from error
        for figure in figures:
            note = f"  ({figure.note})" if figure.note else ""
            self.stdout.write(f"  {figure.name:<36} {figure.value}{note}")

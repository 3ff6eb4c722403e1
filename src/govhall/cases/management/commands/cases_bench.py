"""``govhall cases_bench``: the cases benchmarks with figures (DESIGN.md §8).

Needs a seeded city (``govhall seed``); run on PostgreSQL for the targets. Generated cases are
tagged ``BENCH`` and deleted at the end (``--keep`` leaves them for another run).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

from django.core.management.base import BaseCommand, CommandError

from govhall.cases import bench
from govhall.cases.models import Case


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Command(BaseCommand):
    help = "办件性能基准:10^6 办件下的工作人员办件列表(16 并发),HTTP 提交申请的吞吐。"

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=1_000_000, help="列表基准的办件数")
        parser.add_argument("--runs", type=int, default=500, help="单用户列表查询次数")
        parser.add_argument("--users", type=int, default=16, help="并发用户数")
        parser.add_argument("--seconds", type=float, default=10.0, help="并发测试时长")
        parser.add_argument("--naive-runs", type=int, default=30)
        parser.add_argument("--submissions", type=int, default=3000, help="HTTP 提交的申请数")
        parser.add_argument("--workers", type=int, default=4, help="gunicorn 进程数")
        parser.add_argument("--threads", type=int, default=4, help="每个 gunicorn 进程的线程数")
        parser.add_argument("--clients", type=int, default=32, help="并发客户端数")
        parser.add_argument("--only", choices=["list", "submit"], action="append")
        parser.add_argument("--keep", action="store_true", help="保留生成的办件")
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, **options):
        only = set(options["only"] or ["list", "submit"])
        self.stdout.write(f"{bench.database_label()}")
        try:
            if "list" in only:
                self._list(options)
            if "submit" in only:
                self._submit(options)
        except RuntimeError as error:
            raise CommandError(str(error)) from error

    def _show(self, figures) -> None:
        for figure in figures:
            note = f"  ({figure.note})" if figure.note else ""
            self.stdout.write(f"  {figure.name:<40} {figure.value}{note}")

    def _list(self, options) -> None:
        present = Case.objects.filter(number__startswith=bench.MARK).count()
        wanted = options["cases"] - present
        if wanted > 0:
            started = time.perf_counter()
            bench.cases_generate(wanted, seed=options["seed"])
            self.stdout.write(
                f"generated {wanted:,} cases in {time.perf_counter() - started:.0f} s"
            )
        self.stdout.write(f"cases: {Case.objects.count():,}")
        try:
            self._show(
                bench.bench_case_list(
                    runs=options["runs"],
                    users=options["users"],
                    seconds=options["seconds"],
                    naive_runs=options["naive_runs"],
                    seed=options["seed"],
                )
            )
        finally:
            if not options["keep"]:
                bench.cases_cleanup()

    def _submit(self, options) -> None:
        drafts, tokens = bench.drafts_prepare(options["submissions"])
        port = _free_port()
        server = subprocess.Popen(  # noqa: S603 (our own server, fixed arguments)
            [
                sys.executable,
                "-m",
                "gunicorn",
                "govhall.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(options["workers"]),
                "--threads",
                str(options["threads"]),
                "--no-control-socket",
                "--log-level",
                "warning",
            ],
            env=dict(os.environ),
        )
        try:
            self._wait(port)
            self._show(
                bench.submissions_over_http(
                    host="127.0.0.1",
                    port=port,
                    drafts=drafts,
                    tokens=tokens,
                    clients=options["clients"],
                )
            )
        finally:
            server.terminate()
            server.wait(timeout=30)
            if not options["keep"]:
                bench.submissions_cleanup(drafts)

    @staticmethod
    def _wait(port: int) -> None:
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("the server did not start")

"""``demo_load [--persons N] [--accounts-file PATH]``: load the demo city and its demo accounts.

Idempotent: running it again creates nothing and prints the same accounts. The accounts file
(default ``<GOVHALL_DATA_DIR>/demo-accounts.json``) lists every demo login with the shared
password.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from govhall.demo.generator import DEFAULT_SEED
from govhall.demo.seeding import SeedError
from govhall.demo.services import MIN_PERSONS, demo_city_load, write_demo_accounts


class Command(BaseCommand):
    help = "载入示范城市(亳州市):区划、部门、服务中心、合成人口和演示账号。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--persons", type=int, default=2000, help="人口数,默认 2000")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="随机种子")
        parser.add_argument(
            "--accounts-file",
            type=Path,
            default=None,
            help="演示账号清单(JSON)的保存位置,默认 数据目录/demo-accounts.json",
        )

    def handle(self, *args, **options) -> None:
        if options["persons"] < MIN_PERSONS:
            raise CommandError(f"--persons must be at least {MIN_PERSONS}")
        try:
            result = demo_city_load(persons=options["persons"], seed=options["seed"])
        except SeedError as exc:
            raise CommandError(str(exc)) from exc
        path = options["accounts_file"] or Path(settings.DATA_DIR) / "demo-accounts.json"
        write_demo_accounts(path, result.accounts)
        created = ", ".join(f"{stage} {count:,}" for stage, count in result.created.items())
        self.stdout.write(f"created: {created}")
        self.stdout.write(
            f"population: {result.persons:,} persons, {result.legal_persons:,} legal persons"
        )
        self.stdout.write(f"{len(result.accounts)} demo accounts written to {path}")
        if result.accounts:
            self.stdout.write(f"password of every demo account: {result.accounts[0]['password']}")

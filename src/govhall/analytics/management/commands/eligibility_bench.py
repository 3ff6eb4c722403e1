"""``govhall eligibility_bench``: eligibility as rules-as-code against the seeded registries
(DESIGN.md §8): a batch of N applicants' households and the whole population (who would qualify
today), each beside the naive way (one logged explanation per applicant, timed on a sample and
extrapolated) on the same data. One transaction, rolled back: nothing is left behind.

Needs the registries: ``govhall seed --persons N`` first (PostgreSQL for the targets).
"""

from __future__ import annotations

import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from govhall.analytics.rules import rule_set_get
from govhall.analytics.services_eligibility import (
    eligibility_batch,
    eligibility_explain,
    eligibility_population,
    rules_demo_load,
)
from govhall.demo.models import Person
from govhall.exchange import bench
from govhall.exchange.models import Record

RULE_SET = "public_rental_housing"


class _Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "公租房资格规则性能基准:批量核验与全量人口分析,并与逐户核验的做法对比。"

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=27_169, help="批量核验的申请人数")
        parser.add_argument("--naive", type=int, default=300, help="逐户方式的抽样户数")
        parser.add_argument("--no-population", action="store_true", help="不做全量人口分析")
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, **options):
        self.stdout.write(
            f"{bench.database_label()}; persons {Person.objects.count():,}; "
            f"registry records {Record.objects.count():,}"
        )
        try:
            with transaction.atomic():
                self._run(options)
                raise _Rollback
        except _Rollback:
            pass
        except bench.BenchError as exc:
            raise CommandError(str(exc)) from exc

    def _run(self, options) -> None:
        rules_demo_load()
        state = bench.setup(rule_set_get(RULE_SET).resources)
        actor, purpose = state.actor, state.purpose.reference
        rng = random.Random(options["seed"])
        keys = bench.sample_subjects(options["batch"], rng)
        started = time.perf_counter()
        result = eligibility_batch(
            actor=actor, purpose=purpose, subject_keys=keys, rule_set=RULE_SET
        )
        batch_s = time.perf_counter() - started
        naive_s = self._naive(actor, purpose, keys[: options["naive"]])
        self._line("batch (set-based)", batch_s, len(keys), _outcomes(result.results))
        self._line("batch (naive, extrapolated)", naive_s * len(keys), len(keys), "")
        if options["no_population"]:
            return
        started = time.perf_counter()
        result = eligibility_population(actor=actor, purpose=purpose, rule_set=RULE_SET)
        population_s = time.perf_counter() - started
        households = len(result.results)
        self._line("population (set-based)", population_s, households, _outcomes(result.results))
        self._line("population (naive, extrapolated)", naive_s * households, households, "")

    def _naive(self, actor, purpose: str, keys: list[str]) -> float:
        """Seconds per applicant: one logged explanation (profile read of the household)."""
        if not keys:
            return 0.0
        started = time.perf_counter()
        for key in keys:
            eligibility_explain(actor=actor, purpose=purpose, subject_key=key, rule_set=RULE_SET)
        per = (time.perf_counter() - started) / len(keys)
        self.stdout.write(f"naive: {len(keys)} households, {per * 1000:.2f} ms each")
        return per

    def _line(self, name: str, seconds: float, count: int, note: str) -> None:
        rate = count / seconds if seconds else 0
        self.stdout.write(
            f"{name:<34} {seconds:10.3f} s  {count:>10,} households  {rate:>10,.0f}/s  {note}"
        )


def _outcomes(results) -> str:
    counts: dict[str, int] = {}
    for row in results:
        counts[row["outcome"]] = counts.get(row["outcome"], 0) + 1
    return ", ".join(f"{k} {v:,}" for k, v in sorted(counts.items()))

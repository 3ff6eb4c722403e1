"""``govhall eligibility_bench``: eligibility as rules-as-code against the seeded registries
(DESIGN.md §8), on the same data: a batch of N applicants' households (set-based, one statement
per 50,000 applicants), the whole population (who would qualify today, one statement), and the
naive way (one logged explanation per applicant, :func:`eligibility_explain`), timed on a sample
and extrapolated. One transaction, rolled back: nothing is left behind.

Needs the registries: ``govhall seed --persons N`` first (PostgreSQL for the targets). When the
exchange has no ``public_housing_tenancy`` resource (the housing app publishes it), the bench
defines one inside its transaction with the members of 1 % of the households, so that the "not
already housed" condition is read like the others; it says so.
"""

from __future__ import annotations

import hashlib
import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from govhall.analytics.rules import POPULATION, TENANCY, rule_set_get
from govhall.analytics.services_eligibility import (
    eligibility_batch,
    eligibility_explain,
    eligibility_population,
    rules_demo_load,
)
from govhall.demo.models import Person
from govhall.exchange import bench
from govhall.exchange.access import catalog_cache_clear
from govhall.exchange.models import Load, Record, Resource, ResourceField
from govhall.organizations.models import Department

RULE_SET = "public_rental_housing"
TENANCY_SHARE = 0.01


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
        try:
            with transaction.atomic():
                self._run(options)
                raise _Rollback
        except _Rollback:
            pass
        except bench.BenchError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            catalog_cache_clear()

    def _run(self, options) -> None:
        rules_demo_load()
        rng = random.Random(options["seed"])
        self._tenancy(rng)
        state = bench.setup(rule_set_get(RULE_SET).resources)
        actor, purpose = state.actor, state.purpose.reference
        self._size()
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

    def _size(self) -> None:
        population = Resource.objects.get(code=POPULATION)
        households = (
            Record.objects.filter(resource=population)
            .exclude(group_key="")
            .values("group_key")
            .distinct()
            .count()
        )
        self.stdout.write(
            f"{bench.database_label()}; persons {Person.objects.count():,}; "
            f"registry records {Record.objects.count():,}; "
            f"households in the population registry {households:,}"
        )

    def _tenancy(self, rng: random.Random) -> None:
        """The housing app's resource, for this run only, when the exchange lacks it."""
        if Resource.objects.filter(code=TENANCY).exists():
            return
        population = Resource.objects.filter(code=POPULATION).first()
        if population is None:
            raise bench.BenchError("no registries: run `govhall seed --persons N` first")
        provider = Department.objects.filter(name__contains="住房").first() or population.provider
        resource = Resource.objects.create(
            code=TENANCY,
            name="公共租赁住房保障信息(基准测试)",
            provider=provider,
            subject_kind=Resource.SubjectKind.ID_NUMBER,
            sharing_type=Resource.SharingType.CONDITIONAL,
            update_cycle=Resource.UpdateCycle.DAILY,
            record_key_field="entry",
        )
        F = ResourceField.Type
        for position, (name, kind) in enumerate(
            [("status", F.TEXT), ("entry", F.TEXT), ("since", F.DATE)]
        ):
            ResourceField.objects.create(
                resource=resource, name=name, label=name, type=kind, position=position
            )
        load = Load.objects.create(
            resource=resource,
            source=Load.Source.SEED,
            mode=Load.Mode.ALL_OR_NOTHING,
            status=Load.Status.LOADED,
            file_name="eligibility_bench",
            finished_at=timezone.now(),
        )
        groups = list(
            Record.objects.filter(resource=population)
            .exclude(group_key="")
            .values_list("group_key", flat=True)
            .distinct()
        )
        chosen = rng.sample(groups, int(len(groups) * TENANCY_SHARE))
        members = Record.objects.filter(resource=population, group_key__in=chosen).values_list(
            "subject_key", "group_key"
        )
        rows = []
        for key, group in members.iterator(chunk_size=10_000):
            data = {"status": "leased", "entry": group, "since": "2025-01-01"}
            rows.append(
                Record(
                    subject_key=key,
                    resource=resource,
                    record_key=group,
                    data=data,
                    load=load,
                    row_hash=hashlib.md5(f"{key}{group}".encode()).hexdigest(),  # noqa: S324
                )
            )
        Record.objects.bulk_create(rows, batch_size=5_000)
        catalog_cache_clear()
        self.stdout.write(
            f"{TENANCY} is not in the exchange: defined for this run with "
            f"{len(rows):,} members of {len(chosen):,} households ({TENANCY_SHARE:.0%})"
        )

    def _naive(self, actor, purpose: str, keys: list[str]) -> float:
        """Seconds per applicant: one logged explanation (profile read of the household)."""
        if not keys:
            return 0.0
        started = time.perf_counter()
        for key in keys:
            eligibility_explain(actor=actor, purpose=purpose, subject_key=key, rule_set=RULE_SET)
        per = (time.perf_counter() - started) / len(keys)
        self.stdout.write(
            f"naive: eligibility_explain per applicant, timed on a sample of {len(keys)} "
            f"households ({per * 1000:.2f} ms each) and extrapolated below"
        )
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

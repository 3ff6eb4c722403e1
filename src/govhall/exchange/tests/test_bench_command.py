"""``govhall exchange_bench`` runs end to end on a small city and leaves nothing behind.

Figures are not asserted (benchmarks report them; tests must not depend on timing)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from govhall.exchange.models import AccessLogEntry, Grant, Load, Record, Resource

pytestmark = pytest.mark.django_db


def test_bench_reports_every_figure_and_rolls_back():
    call_command("seed", persons=400, stdout=io.StringIO())
    before = (Record.objects.count(), Load.objects.count(), Grant.objects.count())
    out = io.StringIO()
    call_command(
        "exchange_bench",
        subjects=20,
        batch=60,
        naive_subjects=10,
        ingest_rows=300,
        naive_rows=50,
        stdout=out,
    )
    text = out.getvalue()
    for figure in (
        "profile raw",
        "profile service",
        "profile naive",
        "batch service, cold",
        "batch service, warm",
        "batch naive",
        "ingest (300 rows)",
        "ingest naive",
    ):
        assert figure in text, text
    assert (Record.objects.count(), Load.objects.count(), Grant.objects.count()) == before
    assert not AccessLogEntry.objects.exists()
    assert not Resource.objects.filter(code="bench_population").exists()


def test_bench_without_population_says_what_to_do():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="seed"):
        call_command("exchange_bench", stdout=io.StringIO())

"""The demo stage and the benchmark's naive baseline."""

from __future__ import annotations

import datetime as dt

import pytest

from govhall.cases.models import Task
from govhall.supervision.bench import naive_sweep
from govhall.supervision.demo import supervision_demo_load
from govhall.supervision.models import Alert, Threshold
from govhall.supervision.sweep import supervision_sweep
from govhall.supervision.tests.conftest import shift

pytestmark = pytest.mark.django_db


def test_demo_load_sets_the_city_threshold_and_sweeps(task):
    shift(task, opened=dt.date(2026, 3, 2), due=dt.date(2026, 3, 16))
    created, changed = supervision_demo_load()
    assert Threshold.objects.filter(item__isnull=True).count() == 1
    assert created == 1 + Alert.objects.count() and changed == 0
    assert Alert.objects.filter(source="task", level="red").exists()
    assert supervision_demo_load() == (0, 0)


def test_naive_baseline_agrees_with_the_sweep(task):
    shift(task, opened=dt.date(2026, 3, 2), due=dt.date(2026, 3, 16))
    today = dt.date(2026, 3, 13)  # one working day before due: reminder and yellow
    naive_sweep([task.pk], today)
    naive = set(Alert.objects.values_list("source", "source_id", "level"))
    Alert.objects.all().delete()
    supervision_sweep(today=today)
    swept = set(Alert.objects.filter(source="task").values_list("source", "source_id", "level"))
    assert naive == swept == {("task", task.pk, "reminder"), ("task", task.pk, "yellow")}


def test_sweep_job_is_registered_every_quarter_hour(task):
    from govhall.core.jobs import discover, registered

    discover()
    spec = registered()["supervision.sweep"]
    assert spec.every == dt.timedelta(minutes=15)
    shift(task, opened=dt.date(2026, 3, 2), due=dt.date(2026, 3, 16))
    spec.handler({})
    spec.handler({})  # a second run (a retried job) changes nothing
    assert Alert.objects.filter(source="task", source_id=task.pk).count() == 3


def test_bench_command_runs_and_cleans_up(task, applicant):
    from io import StringIO

    from django.core.management import call_command

    from govhall.cases.models import Case

    before = (Case.objects.count(), Task.objects.count())
    out = StringIO()
    call_command("supervision_bench", tasks=40, naive_sample=5, stdout=out)
    text = out.getvalue()
    assert "sweep, warm (nothing new)" in text and "cleaned up" in text
    assert (Case.objects.count(), Task.objects.count()) == before
    assert not Alert.objects.filter(case__number__startswith="SVBENCH").exists()

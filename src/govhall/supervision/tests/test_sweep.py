"""The sweep: each level once, reruns and crashes without duplicates, resolution, stopped clocks,
per-item thresholds."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from govhall.cases import services_actions
from govhall.cases.models import Task
from govhall.core.calendar import add_working_days
from govhall.supervision import sweep as sweep_module
from govhall.supervision.models import Alert, Threshold
from govhall.supervision.sweep import supervision_sweep
from govhall.supervision.tests.conftest import shift

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 3, 2)  # a plain working week in the official calendar


def task_levels(task: Task) -> list[str]:
    return sorted(
        Alert.objects.filter(source="task", source_id=task.pk, kind="deadline").values_list(
            "level", flat=True
        )
    )


def ten_day_task(task: Task) -> Task:
    return shift(task, opened=MONDAY, due=add_working_days(MONDAY, 10))


def test_levels_rise_one_by_one_and_only_once(task):
    task = ten_day_task(task)
    supervision_sweep(today=add_working_days(MONDAY, 2))
    assert task_levels(task) == []
    supervision_sweep(today=add_working_days(MONDAY, 5))  # half the time used
    assert task_levels(task) == ["reminder"]
    supervision_sweep(today=add_working_days(MONDAY, 9))  # one working day before due
    assert task_levels(task) == ["reminder", "yellow"]
    supervision_sweep(today=add_working_days(MONDAY, 10))  # due today: still yellow
    assert task_levels(task) == ["reminder", "yellow"]
    result = supervision_sweep(today=add_working_days(MONDAY, 11))
    assert task_levels(task) == ["red", "reminder", "yellow"]
    assert result.raised.get("red", 0) >= 1
    again = supervision_sweep(today=add_working_days(MONDAY, 11))
    assert again.total_raised == 0
    assert task_levels(task) == ["red", "reminder", "yellow"]
    assert Alert.objects.filter(source="task", level="yellow").get().state == "open"


def test_first_sweep_past_due_raises_every_level_at_once(task):
    task = ten_day_task(task)
    supervision_sweep(today=add_working_days(MONDAY, 20))
    assert task_levels(task) == ["red", "reminder", "yellow"]


def test_sweep_killed_after_first_source_then_rerun_has_no_duplicates(task, monkeypatch):
    task = ten_day_task(task)
    today = add_working_days(MONDAY, 20)

    def crash(stage: str) -> None:
        raise RuntimeError(f"killed after {stage}")

    monkeypatch.setattr(sweep_module, "_checkpoint", crash)
    with pytest.raises(RuntimeError):
        supervision_sweep(today=today)
    assert task_levels(task) == ["red", "reminder", "yellow"]  # the first source committed
    assert not Alert.objects.filter(source="case").exists()  # the second never ran
    monkeypatch.setattr(sweep_module, "_checkpoint", lambda stage: None)
    supervision_sweep(today=today)
    supervision_sweep(today=today)
    assert task_levels(task) == ["red", "reminder", "yellow"]
    case_levels = Alert.objects.filter(source="case", source_id=task.case_id)
    assert sorted(case_levels.values_list("level", flat=True)) == ["red", "reminder", "yellow"]


def test_alerts_resolve_when_the_task_closes(task, reviewer):
    task = ten_day_task(task)
    supervision_sweep(today=add_working_days(MONDAY, 9))
    assert set(Alert.objects.filter(source="task").values_list("state", flat=True)) == {"open"}
    services_actions.perform_action(
        actor=reviewer, case=task.case, action="approve", opinion="审核通过"
    )
    result = supervision_sweep(today=add_working_days(MONDAY, 9))
    assert result.resolved >= 2
    alerts = Alert.objects.filter(source="task", source_id=task.pk, kind="deadline")
    assert {(a.state, a.resolved_at is not None) for a in alerts} == {("resolved", True)}


def test_suspended_case_raises_nothing_new_and_keeps_its_alerts(task, reviewer):
    task = ten_day_task(task)
    supervision_sweep(today=add_working_days(MONDAY, 5))
    assert task_levels(task) == ["reminder"]
    services_actions.case_suspend(
        actor=reviewer, case=task.case, kind="inspection", reason="现场勘查"
    )
    supervision_sweep(today=add_working_days(MONDAY, 20))
    assert task_levels(task) == ["reminder"]
    assert Alert.objects.get(source="task", source_id=task.pk).state == "open"
    assert not Alert.objects.filter(source="case", level="red").exists()


def test_item_threshold_overrides_the_city_default(task):
    task = ten_day_task(task)
    Threshold.objects.create(item=None, reminder_fraction=Decimal("0.30"), yellow_days=1)
    Threshold.objects.create(item=task.case.item, reminder_fraction=Decimal("0.80"), yellow_days=3)
    supervision_sweep(today=add_working_days(MONDAY, 5))  # 50 %: the city would remind
    assert task_levels(task) == []
    supervision_sweep(today=add_working_days(MONDAY, 7))  # three days before due: yellow
    assert task_levels(task) == ["yellow"]
    supervision_sweep(today=add_working_days(MONDAY, 8))  # 80 %
    assert task_levels(task) == ["reminder", "yellow"]


def test_city_default_threshold_applies_without_override(task):
    task = ten_day_task(task)
    Threshold.objects.create(item=None, reminder_fraction=Decimal("0.30"), yellow_days=1)
    supervision_sweep(today=add_working_days(MONDAY, 3))
    assert task_levels(task) == ["reminder"]

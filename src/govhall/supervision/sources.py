"""Deadline sources: the kinds of open rows the supervision sweep watches.

A source names a values() queryset of the rows still open, each with the keys ``id``,
``department_id``, ``region_code``, ``item_id``, ``case_id``, ``post_id``, ``handler_id``,
``opened_on`` (date) and ``due_date`` (date) — None where not applicable. The sweep raises a
reminder, a yellow and a red card per row from these keys alone (set-based SQL over the
queryset), and resolves a row's alerts once it no longer appears.

Built in: ``task`` (办件环节: open workflow tasks) and ``case`` (办件: the promised due date of
the whole case). The interaction app registers ``rectification``, ``enquiry`` and
``complaint`` with :func:`register_deadline_source` from its ``AppConfig.ready``.

``quiet_rows`` (optional) names the ids of rows that are open but must not raise new alerts now:
the tasks and cases of a case whose clock is stopped (特别程序: an open ``ClockStop``). Their
alerts stay as they are — neither raised nor resolved — until the clock runs again (the cases app
then moves the due dates by the stopped working days).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import CharField, F, IntegerField, QuerySet, Value
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

SOURCE_KEYS = (
    "id",
    "department_id",
    "region_code",
    "item_id",
    "case_id",
    "post_id",
    "handler_id",
    "opened_on",
    "due_date",
)


@dataclass(frozen=True)
class DeadlineSource:
    name: str
    label: str
    open_rows: Callable[[], QuerySet]
    url: Callable[[int], str] | None = None
    quiet_rows: Callable[[], QuerySet] | None = None


_registry: dict[str, DeadlineSource] = {}


def register_deadline_source(source: DeadlineSource) -> DeadlineSource:
    """Register (or replace) a source by its name; returns it."""
    if not source.name or len(source.name) > 30:
        raise ValueError("a deadline source needs a name of at most 30 characters")
    _registry[source.name] = source
    return source


def deadline_sources() -> list[DeadlineSource]:
    return list(_registry.values())


def deadline_source(name: str) -> DeadlineSource | None:
    return _registry.get(name)


# ---- built-in sources ------------------------------------------------------------------------


def _stopped_case_ids() -> QuerySet:
    """Cases whose clock is stopped: those with a special procedure not yet ended (the cases app
    opens a ``ClockStop`` with every suspension). A small set, read through its own table so
    that the sweep never scans all open cases for it."""
    from govhall.cases.models import ClockStop

    return ClockStop.objects.filter(ended_on__isnull=True).values("case_id")


def task_open_rows() -> QuerySet:
    from govhall.cases.models import Task

    return Task.objects.filter(state=Task.State.OPEN).values(
        "id",
        "department_id",
        "case_id",
        "post_id",
        "due_date",
        region_code=F("case__region_code"),
        item_id=F("case__item_id"),
        handler_id=F("assignee_id"),
        opened_on=TruncDate("opened_at"),
    )


def task_quiet_rows() -> QuerySet:
    from govhall.cases.models import Task

    return Task.objects.filter(state=Task.State.OPEN, case_id__in=_stopped_case_ids()).values("id")


def case_open_rows() -> QuerySet:
    from govhall.cases.models import Case

    return Case.objects.filter(
        status__in=[Case.Status.PROCESSING, Case.Status.SUSPENDED, Case.Status.APPROVED],
        due_date__isnull=False,
        clock_start__isnull=False,
    ).values(
        "id",
        "department_id",
        "region_code",
        "item_id",
        "due_date",
        case_id=F("id"),
        post_id=Value(None, output_field=CharField()),
        handler_id=Value(None, output_field=IntegerField()),
        opened_on=F("clock_start"),
    )


def case_quiet_rows() -> QuerySet:
    from govhall.cases.models import Case

    return Case.objects.filter(pk__in=_stopped_case_ids()).values("id")


def _task_url(task_id: int) -> str:
    from govhall.cases.models import Task

    number = Task.objects.filter(pk=task_id).values_list("case__number", flat=True).first()
    return reverse("cases:case_detail", args=[number]) if number else ""


def _case_url(case_id: int) -> str:
    from govhall.cases.models import Case

    number = Case.objects.filter(pk=case_id).values_list("number", flat=True).first()
    return reverse("cases:case_detail", args=[number]) if number else ""


TASK = register_deadline_source(
    DeadlineSource(
        name="task",
        label=_("办件环节"),
        open_rows=task_open_rows,
        url=_task_url,
        quiet_rows=task_quiet_rows,
    )
)
CASE = register_deadline_source(
    DeadlineSource(
        name="case",
        label=_("办件时限"),
        open_rows=case_open_rows,
        url=_case_url,
        quiet_rows=case_quiet_rows,
    )
)

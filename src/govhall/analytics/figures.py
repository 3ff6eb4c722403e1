"""Performance figures (绩效指标) from SQL aggregates: one GROUP BY query per figure family.

Definitions (DESIGN.md §2.6, REFERENCE.md "Metrics the provinces report"), for a period
``[start, end]`` of whole days in the city's time zone:

- received: cases received (收件) in the period; accepted: cases accepted in the period;
- completed: cases completed (办结) in the period; closed: completed or denied (不予许可) in the
  period: the cases whose clock ended with a decision;
- on-time rate (按时办结率): closed with ``on_time`` ÷ closed;
- working days used: working days from the clock start to the closing day minus stopped days
  (特别程序), against the promised limit: mean and 90th percentile (nearest rank) over the closed
  cases, computed in Python over the one fetched column (portable across SQLite and PostgreSQL);
- correction rate: received cases that were told to correct (一次性告知) ÷ received;
- refusals: cases refused (不予受理) in the period;
- overdue: cases still open at the end of the period past their due date + closed late in it;
- fully-online share (全程网办): received online (PC, mobile, API) for a level IV item ÷ received;
- yellow / red cards: supervision alerts of that level raised in the period;
- satisfaction / bad-review rate: GOOD / BAD evaluations given in the period ÷ all of them;
- rectification rate: rectifications opened in the period and closed ÷ opened.

Per post and person the figures come from the tasks (``cases.Task``): tasks opened, handled
(closed by the person), on time, overdue and working days against the step's limit.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db.models import Count, F, Model, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govhall.analytics.permissions import FigureScope
from govhall.cases.models import Case, Task
from govhall.core import errors
from govhall.core.calendar import working_days_between

MAX_PERIOD_DAYS = 3 * 366
ONLINE_CHANNELS = ("pc", "mobile", "api")
FULLY_ONLINE_DEPTH = 4
CLOSED_STATUSES = (Case.Status.COMPLETED, Case.Status.DENIED)

# The group key of each dimension on each source model (None: the source has no such key).
DIMENSIONS: dict[str, dict[str, str | None]] = {
    "department": {
        "case": "department_id",
        "alert": "department_id",
        "evaluation": "department_id",
        "rectification": "department_id",
    },
    "item": {
        "case": "item_id",
        "alert": "item_id",
        "evaluation": "item_id",
        "rectification": "evaluation__item_id",
    },
    "post": {"task": "post_id", "alert": "post_id"},
    "person": {"task": "closed_by_id", "task_open": "assignee_id", "alert": "handler_id"},
}


@dataclass(frozen=True)
class Column:
    key: str
    label: Any
    kind: str  # count / rate / days


CASE_COLUMNS = [
    Column("received", gettext_lazy("收件"), "count"),
    Column("accepted", gettext_lazy("受理"), "count"),
    Column("completed", gettext_lazy("办结"), "count"),
    Column("on_time_rate", gettext_lazy("按时办结率"), "rate"),
    Column("days_mean", gettext_lazy("平均用时(工作日)"), "days"),
    Column("days_p90", gettext_lazy("90%用时(工作日)"), "days"),
    Column("promised_mean", gettext_lazy("平均承诺时限"), "days"),
    Column("correction_rate", gettext_lazy("补正率"), "rate"),
    Column("refused", gettext_lazy("不予受理"), "count"),
    Column("overdue", gettext_lazy("超期"), "count"),
    Column("yellow_cards", gettext_lazy("黄牌"), "count"),
    Column("red_cards", gettext_lazy("红牌"), "count"),
    Column("satisfaction_rate", gettext_lazy("满意率"), "rate"),
    Column("bad_review_rate", gettext_lazy("差评率"), "rate"),
    Column("rectification_rate", gettext_lazy("整改率"), "rate"),
    Column("online_share", gettext_lazy("全程网办占比"), "rate"),
]
TASK_COLUMNS = [
    Column("tasks_opened", gettext_lazy("接收任务"), "count"),
    Column("tasks_done", gettext_lazy("完成任务"), "count"),
    Column("on_time_rate", gettext_lazy("按时完成率"), "rate"),
    Column("days_mean", gettext_lazy("平均用时(工作日)"), "days"),
    Column("days_p90", gettext_lazy("90%用时(工作日)"), "days"),
    Column("limit_mean", gettext_lazy("平均环节时限"), "days"),
    Column("overdue", gettext_lazy("超期"), "count"),
    Column("yellow_cards", gettext_lazy("黄牌"), "count"),
    Column("red_cards", gettext_lazy("红牌"), "count"),
]


@dataclass(frozen=True)
class Period:
    """Whole days ``start``..``end`` (both included) in the city's time zone."""

    start: dt.date
    end: dt.date

    @classmethod
    def of(cls, start: dt.date | None, end: dt.date | None) -> Period:
        """The given period; by default the current month up to today. 422 when reversed or
        longer than three years."""
        today = timezone.localdate()
        end = end or today
        start = start or end.replace(day=1)
        if start > end:
            message = _("开始日期不能晚于结束日期。")
            raise errors.ValidationError(message, code="bad_period", fields={"from": [message]})
        if (end - start).days > MAX_PERIOD_DAYS:
            message = _("统计区间最长三年。")
            raise errors.ValidationError(message, code="bad_period", fields={"from": [message]})
        return cls(start=start, end=end)

    @property
    def start_at(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.start, dt.time.min))

    @property
    def end_before(self) -> dt.datetime:
        """The first instant after the period."""
        return timezone.make_aware(
            dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min)
        )

    def within(self, field: str) -> Q:
        return Q(**{f"{field}__gte": self.start_at, f"{field}__lt": self.end_before})

    def within_days(self, field: str) -> Q:
        return Q(**{f"{field}__gte": self.start, f"{field}__lte": self.end})

    @property
    def reference_day(self) -> dt.date:
        """The day "overdue" is judged on: the period's end, or today while it runs."""
        return min(self.end, timezone.localdate())


def ratio(part: int | None, whole: int | None) -> float | None:
    if not whole:
        return None
    return round((part or 0) / whole, 4)


def percentile(values: list[int], share: float = 0.9) -> int | None:
    """Nearest-rank percentile: the smallest value with at least ``share`` of the values at or
    below it."""
    return weighted_percentile([(value, 1) for value in values], share)


def weighted_percentile(counted: list[tuple[int, int]], share: float = 0.9) -> int | None:
    """The nearest-rank percentile of values given as ``(value, how many)``."""
    total = sum(count for _value, count in counted)
    if not total:
        return None
    rank, seen = max(1, math.ceil(share * total)), 0
    for value, count in sorted(counted):
        seen += count
        if seen >= rank:
            return value
    return None  # unreachable


def mean(values: list[int]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


def weighted_mean(counted: list[tuple[int, int]]) -> float | None:
    total = sum(count for _value, count in counted)
    return round(sum(value * count for value, count in counted) / total, 2) if total else None


def _model(label: str) -> type[Model] | None:
    """A model of a sibling app, or None while that app has not built it yet."""
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def _grouped(queryset: Any, key: str, **aggregates: Any) -> dict[Any, dict[str, Any]]:
    rows = queryset.values(group=F(key)).order_by().annotate(**aggregates)
    return {row.pop("group"): row for row in rows if row["group"] is not None}


def _merge(target: dict[Any, dict[str, Any]], part: dict[Any, dict[str, Any]]) -> None:
    for key, values in part.items():
        target[key].update(values)


# ---- figure families -------------------------------------------------------------------------


def _case_counts(key: str, scope: FigureScope, period: Period) -> dict[Any, dict[str, Any]]:
    received = period.within("received_at")
    closed = period.within("closed_at") & Q(status__in=CLOSED_STATUSES)
    day = period.reference_day
    after_day = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))
    # still open at the end of the reference day and past its due date then
    open_late = Q(due_date__lt=day, received_at__lt=period.end_before) & (
        Q(closed_at__isnull=True) | Q(closed_at__gte=after_day)
    )
    closed_late = closed & Q(on_time=False)
    online = received & Q(channel__in=ONLINE_CHANNELS, version__online_depth=FULLY_ONLINE_DEPTH)
    queryset = Case.objects.filter(scope.q("case")).filter(
        received | period.within("accepted_at") | period.within("closed_at") | open_late
    )
    return _grouped(
        queryset,
        key,
        received=Count("id", filter=received),
        accepted=Count("id", filter=period.within("accepted_at")),
        completed=Count("id", filter=closed & Q(status=Case.Status.COMPLETED)),
        closed=Count("id", filter=closed),
        closed_on_time=Count("id", filter=closed & Q(on_time=True)),
        corrected=Count("id", filter=received & Q(correction_requested=True)),
        refused=Count("id", filter=period.within("closed_at") & Q(status=Case.Status.REFUSED)),
        overdue=Count("id", filter=open_late | closed_late),
        online=Count("id", filter=online),
    )


def _between() -> Any:
    """``working_days_between`` memoised for one computation: many rows share their dates."""
    return functools.lru_cache(maxsize=200_000)(working_days_between)


def _days_summary(
    used: dict[Any, list[tuple[int, int]]], limits: dict[Any, list[tuple[int, int]]], limit_key: str
) -> dict[Any, dict[str, Any]]:
    return {
        group: {
            "days_mean": weighted_mean(counted),
            "days_p90": weighted_percentile(counted),
            limit_key: weighted_mean(limits[group]),
        }
        for group, counted in used.items()
        if group is not None
    }


def _case_days(key: str, scope: FigureScope, period: Period) -> dict[Any, dict[str, Any]]:
    """Working days used by the cases closed in the period. One query, grouped by the dates (the
    closing day in the city's time zone) so that it returns a row per distinct (clock start,
    closing day, stopped days, limit), not per case; the calendar arithmetic runs in Python."""
    between = _between()
    rows = (
        Case.objects.filter(scope.q("case"), period.within("closed_at"))
        .filter(status__in=CLOSED_STATUSES, clock_start__isnull=False)
        .values_list(key, "clock_start", TruncDate("closed_at"), "stopped_days", "promised_days")
        .annotate(n=Count("id"))
        .order_by()
    )
    used: dict[Any, list[tuple[int, int]]] = defaultdict(list)
    promised: dict[Any, list[tuple[int, int]]] = defaultdict(list)
    for group, start, closed_on, stopped, limit, count in rows:
        used[group].append((max(0, between(start, closed_on) - stopped), count))
        promised[group].append((limit, count))
    return _days_summary(used, promised, "promised_mean")


def _cards(source_key: str | None, scope: FigureScope, period: Period) -> dict[Any, dict[str, Any]]:
    alert = _model("supervision.Alert")
    if alert is None or source_key is None:
        return {}
    queryset = alert.objects.filter(scope.q("alert"), period.within("raised_at"))
    return _grouped(
        queryset,
        source_key,
        yellow_cards=Count("id", filter=Q(level="yellow")),
        red_cards=Count("id", filter=Q(level="red")),
    )


def _evaluations(key: str | None, scope: FigureScope, period: Period) -> dict[Any, dict[str, Any]]:
    evaluation = _model("interaction.Evaluation")
    if evaluation is None or key is None:
        return {}
    from govhall.interaction.satisfaction import BAD, GOOD

    queryset = evaluation.objects.filter(scope.q("evaluation"), period.within("created_at"))
    return _grouped(
        queryset,
        key,
        rated=Count("id"),
        good=Count("id", filter=Q(grade__in=list(GOOD))),
        bad=Count("id", filter=Q(grade__in=list(BAD))),
    )


def _rectifications(
    key: str | None, scope: FigureScope, period: Period
) -> dict[Any, dict[str, Any]]:
    rectification = _model("interaction.Rectification")
    if rectification is None or key is None:
        return {}
    queryset = rectification.objects.filter(
        scope.q("rectification"), period.within_days("opened_on")
    )
    return _grouped(
        queryset,
        key,
        rect_opened=Count("id"),
        rect_closed=Count("id", filter=Q(state="closed")),
    )


def _finish_case_row(values: dict[str, Any], sources: set[str]) -> dict[str, Any]:
    received = values.get("received", 0)
    row = {
        "received": received,
        "accepted": values.get("accepted", 0),
        "completed": values.get("completed", 0),
        "closed": values.get("closed", 0),
        "on_time_rate": ratio(values.get("closed_on_time"), values.get("closed")),
        "days_mean": values.get("days_mean"),
        "days_p90": values.get("days_p90"),
        "promised_mean": values.get("promised_mean"),
        "correction_rate": ratio(values.get("corrected"), received),
        "refused": values.get("refused", 0),
        "overdue": values.get("overdue", 0),
        "online_share": ratio(values.get("online"), received),
    }
    if "alert" in sources:
        row["yellow_cards"] = values.get("yellow_cards", 0)
        row["red_cards"] = values.get("red_cards", 0)
    if "evaluation" in sources:
        row["satisfaction_rate"] = ratio(values.get("good"), values.get("rated"))
        row["bad_review_rate"] = ratio(values.get("bad"), values.get("rated"))
    if "rectification" in sources:
        row["rectification_rate"] = ratio(values.get("rect_closed"), values.get("rect_opened"))
    return row


def available_sources() -> set[str]:
    """The optional sources whose models exist (supervision and interaction are built later)."""
    found = {"case", "task"}
    if _model("supervision.Alert") is not None:
        found.add("alert")
    if _model("interaction.Evaluation") is not None:
        found.add("evaluation")
    if _model("interaction.Rectification") is not None:
        found.add("rectification")
    return found


def case_figures(dimension: str, scope: FigureScope, period: Period) -> dict[Any, dict[str, Any]]:
    """Figures per department or item: ``{group id: {figure: value}}``."""
    keys = DIMENSIONS[dimension]
    raw: dict[Any, dict[str, Any]] = defaultdict(dict)
    _merge(raw, _case_counts(keys["case"], scope, period))
    _merge(raw, _case_days(keys["case"], scope, period))
    _merge(raw, _cards(keys.get("alert"), scope, period))
    _merge(raw, _evaluations(keys.get("evaluation"), scope, period))
    _merge(raw, _rectifications(keys.get("rectification"), scope, period))
    sources = available_sources()
    return {group: _finish_case_row(values, sources) for group, values in raw.items()}


# ---- posts and persons (tasks) -----------------------------------------------------------------


def _task_counts(dimension: str, scope: FigureScope, period: Period) -> dict[Any, dict[str, Any]]:
    key = DIMENSIONS[dimension]["task"]
    day = period.reference_day
    done = period.within("closed_at") & Q(state=Task.State.DONE)
    on_time = done & Q(closed_at__date__lte=F("due_date"))
    late = done & Q(closed_at__date__gt=F("due_date"))
    base = Task.objects.filter(scope.q("task")).exclude(state=Task.State.CANCELLED)
    figures = _grouped(
        base.filter(period.within("opened_at") | done),
        key,
        tasks_opened=Count("id", filter=period.within("opened_at")),
        tasks_done=Count("id", filter=done),
        tasks_on_time=Count("id", filter=on_time),
        tasks_late=Count("id", filter=late),
    )
    # Tasks still open past their limit: a post's queue; a person's when assigned to them.
    open_key = DIMENSIONS[dimension].get("task_open", key)
    still_open = _grouped(
        base.filter(state=Task.State.OPEN, due_date__lt=day, opened_at__lt=period.end_before),
        open_key,
        tasks_open_late=Count("id"),
    )
    merged: dict[Any, dict[str, Any]] = defaultdict(dict)
    _merge(merged, figures)
    _merge(merged, still_open)
    return merged


def _task_days(dimension: str, scope: FigureScope, period: Period) -> dict[Any, dict[str, Any]]:
    """Working days from a task's opening day to its closing day against the step's limit."""
    key = DIMENSIONS[dimension]["task"]
    rows = (
        Task.objects.filter(scope.q("task"), period.within("closed_at"), state=Task.State.DONE)
        .values_list(key, TruncDate("opened_at"), TruncDate("closed_at"), "days")
        .annotate(n=Count("id"))
        .order_by()
    )
    between = _between()
    used: dict[Any, list[tuple[int, int]]] = defaultdict(list)
    limits: dict[Any, list[tuple[int, int]]] = defaultdict(list)
    for group, opened_on, closed_on, limit, count in rows:
        used[group].append((max(0, between(opened_on, closed_on)), count))
        limits[group].append((limit, count))
    return _days_summary(used, limits, "limit_mean")


def task_figures(dimension: str, scope: FigureScope, period: Period) -> dict[Any, dict[str, Any]]:
    """Figures per post or person: ``{post code | user id: {figure: value}}``."""
    raw: dict[Any, dict[str, Any]] = defaultdict(dict)
    _merge(raw, _task_counts(dimension, scope, period))
    _merge(raw, _task_days(dimension, scope, period))
    _merge(raw, _cards(DIMENSIONS[dimension].get("alert"), scope, period))
    has_cards = "alert" in available_sources()
    result = {}
    for group, values in raw.items():
        row = {
            "tasks_opened": values.get("tasks_opened", 0),
            "tasks_done": values.get("tasks_done", 0),
            "on_time_rate": ratio(values.get("tasks_on_time"), values.get("tasks_done")),
            "days_mean": values.get("days_mean"),
            "days_p90": values.get("days_p90"),
            "limit_mean": values.get("limit_mean"),
            "overdue": values.get("tasks_late", 0) + values.get("tasks_open_late", 0),
        }
        if has_cards:
            row["yellow_cards"] = values.get("yellow_cards", 0)
            row["red_cards"] = values.get("red_cards", 0)
        result[group] = row
    return result


def columns_for(dimension: str, sources: Iterable[str] | None = None) -> list[Column]:
    """The columns a table of ``dimension`` shows: only figures whose source exists."""
    sources = set(sources if sources is not None else available_sources())
    optional = {
        "yellow_cards": "alert",
        "red_cards": "alert",
        "satisfaction_rate": "evaluation",
        "bad_review_rate": "evaluation",
        "rectification_rate": "rectification",
    }
    base = TASK_COLUMNS if dimension in {"post", "person"} else CASE_COLUMNS
    return [c for c in base if optional.get(c.key, "case") in sources]

"""Housing figures (公租房统计): a few aggregate queries, no per-row loops.

For a period ``[start, end]`` of whole days in the city's time zone (``analytics.figures.Period``)
and the department that handles the 公租房 item (``GOVHALL_HOUSING_ITEM_NAME``; cases are matched
by item name and department, as ``services_list.waiting_entry_add_from_case`` does):

- applications: received (收件) in the period; closed (办结) = approved (completed) + denied
  (不予许可) in the period; refused (不予受理); approval rate = approved ÷ closed;
- working days from the day of receipt to the day of closing (what the applicant waited,
  special procedures included): mean and 90th percentile (nearest rank). One query grouped by
  (receipt day, closing day); the calendar arithmetic runs in Python over those rows;
- waiting list (now): households waiting and the mean of today − qualification date in days;
- allocation: rounds opened in the period, the households seated in them and those who passed;
  units chosen and leases signed (units let) in the period;
- occupancy (now): units let ÷ all units, per estate and in total;
- arrears (now): leases with unpaid bills past due, those months and their amount; and of the
  bills due in the period, the share paid (collection rate);
- re-verification (动态核查): runs started in the period, households checked / still eligible /
  flagged / unknown, and the flags of those runs still open, kept or terminated;
- satisfaction: the ratings (好差评, follow-ups included) of the item's cases given in the
  period: count, mean score (1 非常不满意 … 5 非常满意, the evaluation interfaces' scale) and
  the share of good ones (好评: the three upper grades).

The stock, list, lease and rent figures are the housing office's as a whole (the stock has no
department: one city office runs it); applications and ratings are the department's.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from govhall.analytics.figures import Period, ratio, weighted_mean, weighted_percentile
from govhall.cases.models import Case
from govhall.core import errors
from govhall.core.calendar import working_days_between
from govhall.housing import permissions
from govhall.housing.models import (
    AllocationRound,
    Choice,
    Lease,
    RentBill,
    ReverificationFlag,
    ReverificationRun,
    RoundSeat,
    Unit,
    WaitingEntry,
)

CLOSED = (Case.Status.COMPLETED, Case.Status.DENIED)


def _day(value: Any) -> dt.date:
    """A truncated date or datetime (databases differ) as a date."""
    return value.date() if isinstance(value, dt.datetime) else value


def _department_id(department: Any) -> int | None:
    if department is None:
        return permissions.housing_department_id()
    return getattr(department, "pk", department)


def _cases(department_id: int | None) -> Any:
    return Case.objects.filter(
        item_name=permissions.housing_item_name(), department_id=department_id
    ).order_by()


# ---- applications -------------------------------------------------------------------------------


def application_figures(department_id: int | None, period: Period) -> dict[str, Any]:
    """Counts in one conditional aggregate, working days in one grouped query."""
    received = period.within("received_at")
    closed = period.within("closed_at") & Q(status__in=CLOSED)
    counts = _cases(department_id).aggregate(
        received=Count("id", filter=received),
        closed=Count("id", filter=closed),
        approved=Count("id", filter=closed & Q(status=Case.Status.COMPLETED)),
        denied=Count("id", filter=closed & Q(status=Case.Status.DENIED)),
        refused=Count("id", filter=period.within("closed_at") & Q(status=Case.Status.REFUSED)),
        on_time=Count("id", filter=closed & Q(on_time=True)),
    )
    rows = (
        _cases(department_id)
        .filter(closed)
        .values_list(TruncDate("received_at"), TruncDate("closed_at"))
        .annotate(n=Count("id"))
    )
    between = functools.lru_cache(maxsize=20_000)(working_days_between)
    used = [(max(0, between(_day(got), _day(done))), n) for got, done, n in rows]
    on_time = counts.pop("on_time")
    return {
        **counts,
        "approval_rate": ratio(counts["approved"], counts["closed"]),
        "on_time_rate": ratio(on_time, counts["closed"]),
        "days_mean": weighted_mean(used),
        "days_p90": weighted_percentile(used),
    }


# ---- waiting list, allocation, occupancy, arrears -----------------------------------------------


def waiting_figures(today: dt.date) -> dict[str, Any]:
    """Households waiting now and how long they have waited (one query grouped by the day)."""
    rows = (
        WaitingEntry.objects.filter(state=WaitingEntry.State.WAITING)
        .order_by()
        .values_list("qualified_on")
        .annotate(n=Count("id"))
    )
    waited = [((today - qualified).days, n) for qualified, n in rows]
    return {
        "waiting": sum(n for _days, n in waited),
        "mean_wait_days": weighted_mean(waited),
        "longest_wait_days": max((days for days, _n in waited), default=None),
    }


def allocation_figures(period: Period) -> dict[str, Any]:
    rounds = AllocationRound.objects.filter(period.within("opens_at")).order_by()
    opened = rounds.aggregate(rounds=Count("id"))
    seats = RoundSeat.objects.filter(round__in=rounds).aggregate(
        seated=Count("id"),
        passed=Count("id", filter=Q(state=RoundSeat.State.PASSED)),
    )
    chosen = Choice.objects.filter(period.within("chosen_at")).aggregate(chosen=Count("id"))
    let = Lease.objects.filter(period.within("signed_at")).aggregate(leases_signed=Count("id"))
    return {**opened, **seats, **chosen, **let}


def occupancy_figures() -> dict[str, Any]:
    """Per estate: units by state and let ÷ all; one grouped query."""
    rows = (
        Unit.objects.order_by()
        .values("building__estate_id", "building__estate__name")
        .annotate(
            units=Count("id"),
            let=Count("id", filter=Q(state=Unit.State.LET)),
            reserved=Count("id", filter=Q(state=Unit.State.RESERVED)),
            available=Count("id", filter=Q(state=Unit.State.AVAILABLE)),
            maintenance=Count("id", filter=Q(state=Unit.State.MAINTENANCE)),
        )
    )
    estates = sorted(
        (
            {
                "estate": row["building__estate_id"],
                "name": row["building__estate__name"],
                "units": row["units"],
                "let": row["let"],
                "reserved": row["reserved"],
                "available": row["available"],
                "maintenance": row["maintenance"],
                "occupancy_rate": ratio(row["let"], row["units"]),
            }
            for row in rows
        ),
        key=lambda estate: estate["name"],
    )
    units = sum(estate["units"] for estate in estates)
    let = sum(estate["let"] for estate in estates)
    return {"units": units, "let": let, "occupancy_rate": ratio(let, units), "estates": estates}


def arrears_figures(period: Period, today: dt.date) -> dict[str, Any]:
    """Arrears now (unpaid past due) and the bills due in the period: one aggregate."""
    overdue = Q(state=RentBill.State.UNPAID, due_date__lt=today)
    due = period.within_days("due_date")
    values = RentBill.objects.aggregate(
        leases=Count("lease", filter=overdue, distinct=True),
        months=Count("id", filter=overdue),
        amount=Sum("amount", filter=overdue),
        bills_due=Count("id", filter=due & ~Q(state=RentBill.State.WAIVED)),
        bills_paid=Count("id", filter=due & Q(state=RentBill.State.PAID)),
    )
    values["amount"] = values["amount"] or Decimal("0.00")
    values["collection_rate"] = ratio(values["bills_paid"], values["bills_due"])
    return values


def reverification_figures(period: Period) -> dict[str, Any]:
    """The re-verification runs (动态核查) started in the period: households checked, still
    eligible, flagged, unknown (run totals, one aggregate), and what became of their flags: still
    open, kept, terminated (one aggregate)."""
    runs = ReverificationRun.objects.filter(period.within("started_at")).order_by()
    totals = runs.aggregate(
        runs=Count("id"),
        checked=Sum("checked"),
        eligible=Sum("eligible"),
        flagged=Sum("flagged"),
        unknown=Sum("unknown"),
    )
    states = ReverificationFlag.State
    outcomes = ReverificationFlag.objects.filter(run__in=runs).aggregate(
        open=Count("id", filter=Q(state=states.OPEN)),
        kept=Count("id", filter=Q(state=states.KEPT)),
        terminated=Count("id", filter=Q(state=states.TERMINATED)),
    )
    return {key: value or 0 for key, value in {**totals, **outcomes}.items()}


# ---- satisfaction -------------------------------------------------------------------------------


def satisfaction_figures(department_id: int | None, period: Period) -> dict[str, Any]:
    """Ratings of the item's cases given in the period, one query grouped by grade."""
    from govhall.interaction.models import Evaluation
    from govhall.interaction.satisfaction import GOOD, to_interface

    rows = (
        Evaluation.objects.filter(
            period.within("created_at"),
            department_id=department_id,
            case__item_name=permissions.housing_item_name(),
        )
        .order_by()
        .values_list("grade")
        .annotate(n=Count("id"))
    )
    grades = dict(rows)
    rated = sum(grades.values())
    good = sum(n for grade, n in grades.items() if grade in GOOD)
    return {
        "rated": rated,
        "good": good,
        "good_rate": ratio(good, rated),
        "mean_score": weighted_mean([(to_interface(grade), n) for grade, n in grades.items()]),
        "grades": grades,
    }


# ---- monthly series -----------------------------------------------------------------------------


def _months(period: Period) -> list[dt.date]:
    month, months = period.start.replace(day=1), []
    while month <= period.end:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


def _per_month(queryset: Any, field: str, **aggregates: Any) -> dict[dt.date, dict[str, int]]:
    rows = queryset.annotate(month=TruncMonth(field)).values("month").annotate(**aggregates)
    return {_day(row.pop("month")): row for row in rows}


def monthly_figures(department_id: int | None, period: Period) -> list[dict[str, Any]]:
    """Per month of the period: received, closed, approved, units chosen, leases signed (four
    grouped queries)."""
    cases = _cases(department_id)
    parts = [
        _per_month(cases.filter(period.within("received_at")), "received_at", received=Count("id")),
        _per_month(
            cases.filter(period.within("closed_at"), status__in=CLOSED),
            "closed_at",
            closed=Count("id"),
            approved=Count("id", filter=Q(status=Case.Status.COMPLETED)),
        ),
        _per_month(
            Choice.objects.filter(period.within("chosen_at")).order_by(),
            "chosen_at",
            chosen=Count("id"),
        ),
        _per_month(
            Lease.objects.filter(period.within("signed_at")).order_by(),
            "signed_at",
            leases_signed=Count("id"),
        ),
    ]
    keys = ("received", "closed", "approved", "chosen", "leases_signed")
    result = []
    for month in _months(period):
        row: dict[str, Any] = dict.fromkeys(keys, 0)
        for part in parts:
            row.update(part.get(month, {}))
        result.append({"month": month, **row})
    return result


# ---- the whole set ------------------------------------------------------------------------------


def housing_figures(
    *, department: Any = None, start: dt.date | None, end: dt.date | None
) -> dict[str, Any]:
    """Every housing figure for ``[start, end]`` (defaults: this month to today; 422 when the
    period is reversed or longer than three years). ``department``: a Department or its id, by
    default the department of the 公租房 item."""
    period = Period.of(start, end)
    department_id = _department_id(department)
    today = timezone.localdate()
    return {
        "period": period,
        "applications": application_figures(department_id, period),
        "waiting": waiting_figures(today),
        "allocation": allocation_figures(period),
        "occupancy": occupancy_figures(),
        "arrears": arrears_figures(period, today),
        "reverification": reverification_figures(period),
        "satisfaction": satisfaction_figures(department_id, period),
        "months": monthly_figures(department_id, period),
    }


def housing_figures_read(
    *, actor: Any, start: dt.date | None = None, end: dt.date | None = None
) -> dict[str, Any]:
    """The department dashboard's figures: staff of the housing department only (403)."""
    if not permissions.can_manage(actor):
        raise errors.PermissionDenied()
    return housing_figures(department=actor.department_id, start=start, end=end)


# ---- public summary -----------------------------------------------------------------------------

PUBLIC_APPLICATION_KEYS = ("received", "closed", "approved", "approval_rate", "days_mean")


def public_period() -> Period:
    """The public page's period: the last twelve months (this one included) up to today."""
    today = timezone.localdate()
    first = today.replace(day=1)
    for _month in range(11):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return Period.of(first, today)


def housing_public_summary(
    *, start: dt.date | None = None, end: dt.date | None = None
) -> dict[str, Any]:
    """Aggregates only, for anyone: no names, ID numbers, cases, leases or amounts owed by
    anybody. The same for everyone, so cached for ``GOVHALL_DISCLOSURE_CACHE_SECONDS``."""
    period = public_period() if start is None and end is None else Period.of(start, end)
    key = f"housing:figures:public:{period.start}:{period.end}"
    return cache.get_or_set(
        key, lambda: _public_summary(period), settings.GOVHALL_DISCLOSURE_CACHE_SECONDS
    )


def _public_summary(period: Period) -> dict[str, Any]:
    figures = housing_figures(department=None, start=period.start, end=period.end)
    occupancy = figures["occupancy"]
    satisfaction = figures["satisfaction"]
    return {
        "period": period,
        "applications": {key: figures["applications"][key] for key in PUBLIC_APPLICATION_KEYS},
        "waiting": {
            "waiting": figures["waiting"]["waiting"],
            "mean_wait_days": figures["waiting"]["mean_wait_days"],
        },
        "allocation": {
            "rounds": figures["allocation"]["rounds"],
            "leases_signed": figures["allocation"]["leases_signed"],
        },
        "occupancy": {
            "units": occupancy["units"],
            "let": occupancy["let"],
            "occupancy_rate": occupancy["occupancy_rate"],
            "estates": [
                {key: estate[key] for key in ("name", "units", "let", "occupancy_rate")}
                for estate in occupancy["estates"]
            ],
        },
        "satisfaction": {key: satisfaction[key] for key in ("rated", "good_rate", "mean_score")},
        "months": [
            {key: month[key] for key in ("month", "received", "closed", "leases_signed")}
            for month in figures["months"]
        ],
    }


def months_by_key(months: list[dict[str, Any]]) -> dict[str, list[Any]]:
    """The monthly rows as columns (for charts)."""
    columns: dict[str, list[Any]] = defaultdict(list)
    for row in months:
        for key, value in row.items():
            columns[key].append(value)
    return dict(columns)

"""Rule-based alerts (REFERENCE.md: refusing without reasons, illegal fees, a step overrunning).

Each rule reads the recent cases data (``SUPERVISION_RULE_LOOKBACK_DAYS``, default 30) with one
query that leaves out what already has its alert, and inserts the breaches with one bulk INSERT
guarded by the unique constraint. Rule alerts are facts: they are never resolved automatically.

- ``refusal_without_reason`` (red): a refuse or deny event whose opinion is shorter than
  ``SUPERVISION_MIN_REASON_LENGTH`` characters (default 5) once trimmed;
- ``fee_not_listed`` (red): a payment order with an item whose name is not among the item version's
  fee items, or whose amount exceeds the listed standard;
- ``step_overrun`` (yellow): a task closed after its due date that never had a red card (the red
  card already covers a step that was overdue while the sweep ran).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db.models import Exists, F, OuterRef
from django.db.models.functions import Length, Trim
from django.utils.translation import gettext as _

from govhall.cases.models import CaseEvent, PaymentOrder, Task
from govhall.cases.services_payment import fee_amount
from govhall.supervision.models import Alert

RULE_LEVELS = {
    "refusal_without_reason": Alert.Level.RED,
    "fee_not_listed": Alert.Level.RED,
    "step_overrun": Alert.Level.YELLOW,
}


CASE_KEYS = {
    "item": F("case__item_id"),
    "region": F("case__region_code"),
    "dept": F("case__department_id"),
}


def lookback_days() -> int:
    return int(getattr(settings, "SUPERVISION_RULE_LOOKBACK_DAYS", 30))


def min_reason_length() -> int:
    return int(getattr(settings, "SUPERVISION_MIN_REASON_LENGTH", 5))


def _existing(source: str, rule: str) -> Exists:
    return Exists(
        Alert.objects.filter(
            source=source, source_id=OuterRef("pk"), kind=Alert.Kind.RULE, rule_code=rule
        )
    )


def _alert(rule: str, source: str, row: dict, now: dt.datetime, **fields) -> Alert:
    return Alert(
        level=RULE_LEVELS[rule],
        kind=Alert.Kind.RULE,
        rule_code=rule,
        source=source,
        source_id=row["id"],
        case_id=row["case_id"],
        item_id=row["item"],
        department_id=row["dept"],
        region_code=row["region"],
        raised_at=now,
        state=Alert.State.OPEN,
        **fields,
    )


def refusals(since: dt.datetime, now: dt.datetime) -> list[Alert]:
    rule = "refusal_without_reason"
    rows = (
        CaseEvent.objects.filter(action__in=("refuse", "deny"), at__gte=since)
        .annotate(reason_length=Length(Trim("opinion")))
        .filter(reason_length__lt=min_reason_length())
        .exclude(_existing("case_event", rule))
        .values("id", "case_id", "actor_id", "opinion", **CASE_KEYS)
    )
    return [
        _alert(
            rule,
            "case_event",
            row,
            now,
            handler_id=row["actor_id"],
            detail=_("意见:%(opinion)s") % {"opinion": row["opinion"].strip()[:100] or "—"},
        )
        for row in rows
    ]


def _unlisted(items: list, fees: list) -> list[str]:
    listed = {str(fee.get("name", "")): fee_amount(fee.get("standard", "")) for fee in fees or []}
    bad = []
    for entry in items or []:
        name = str(entry.get("name", ""))
        try:
            amount = Decimal(str(entry.get("amount", "0")))
        except InvalidOperation:
            amount = Decimal("0")
        if name not in listed or (listed[name] and amount > listed[name]):
            bad.append(name or "—")
    return bad


def fees(since: dt.datetime, now: dt.datetime) -> list[Alert]:
    rule = "fee_not_listed"
    rows = (
        PaymentOrder.objects.filter(created_at__gte=since)
        .exclude(state=PaymentOrder.State.CANCELLED)
        .exclude(_existing("payment", rule))
        .values("id", "case_id", "items", "case__version__fees", **CASE_KEYS)
    )
    found = []
    for row in rows:
        bad = _unlisted(row["items"], row["case__version__fees"])
        if bad:
            detail = _("清单外收费:%(names)s") % {"names": "、".join(bad)[:200]}
            found.append(_alert(rule, "payment", row, now, detail=detail))
    return found


def overruns(since: dt.datetime, now: dt.datetime) -> list[Alert]:
    rule = "step_overrun"
    red = Alert.objects.filter(
        source="task", source_id=OuterRef("pk"), kind=Alert.Kind.DEADLINE, level=Alert.Level.RED
    )
    rows = (
        Task.objects.filter(
            state=Task.State.DONE, closed_at__gte=since, closed_at__date__gt=F("due_date")
        )
        .exclude(_existing("task", rule))
        .exclude(Exists(red))
        .values(
            "id",
            "case_id",
            "post_id",
            "closed_by_id",
            "due_date",
            "step_name",
            item=F("case__item_id"),
            region=F("case__region_code"),
            dept=F("department_id"),
        )
    )
    return [
        _alert(
            rule,
            "task",
            row,
            now,
            post_id=row["post_id"],
            handler_id=row["closed_by_id"],
            due_date=row["due_date"],
            detail=_("环节「%(step)s」超期办结") % {"step": row["step_name"]},
        )
        for row in rows
    ]


def rules_raise(*, today: dt.date, now: dt.datetime) -> dict[str, int]:
    """Insert the new rule breaches; returns the count per rule code."""
    since = now - dt.timedelta(days=lookback_days())
    found = [*refusals(since, now), *fees(since, now), *overruns(since, now)]
    if not found:
        return {}
    Alert.objects.bulk_create(found, batch_size=1000, ignore_conflicts=True)
    return dict(
        Counter(
            Alert.objects.filter(kind=Alert.Kind.RULE, raised_at=now).values_list(
                "rule_code", flat=True
            )
        )
    )

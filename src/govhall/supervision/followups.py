"""What new alerts set off, in the transaction that raised them: accountability records for red
cards and rule breaches, and the notifications.

Who is told (decided here, documented in docs/architecture.md):

- the **handler** of each new alert (the task's assignee; the rule breach's actor): one SMS and
  in-site message per alert (dedupe key ``supervision.alert:<id>``);
- for alerts without a handler, the **post holders** of the department (staff of the department
  holding the task's post), one digest per person and sweep stage;
- for cards (yellow, red, rule breaches), the **department head** — the staff of the department
  holding the approval post (审批 / 负责人, the post that approves extensions and waivers in the
  cases app) — and the **supervisors** whose department's region contains the alert's region;
  one digest per person and sweep stage.

Everything is computed with a few grouped queries whatever the number of alerts; the notifications
go out in one ``notification_enqueue_many`` call.
"""

# ruff: noqa: S608 (SQL built from our table names, querysets' own SQL and constants we
# generate from dates and ids; every value that comes from a row or a user is a parameter)

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Min, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govhall.accounts.models import User
from govhall.cases.models import Case
from govhall.catalog.models import Responsibility
from govhall.core.identifiers import region_prefix
from govhall.notifications.services import NotificationSpec, notification_enqueue_many
from govhall.organizations.models import Post
from govhall.supervision.models import Accountability, Alert

SITUATIONS = {
    "": gettext_lazy("办理超期(红牌)"),
    "refusal_without_reason": gettext_lazy("不予受理或不予许可未说明理由"),
    "fee_not_listed": gettext_lazy("收取收费清单以外的费用"),
    "step_overrun": gettext_lazy("办理环节超过时限"),
    "escalated": gettext_lazy("监察人员升级督办"),
}
KEYWORDS = {
    "": ("超期", "逾期", "时限", "期限"),
    "step_overrun": ("超期", "逾期", "时限", "期限"),
    "refusal_without_reason": ("理由", "说明", "不予受理", "拒绝"),
    "fee_not_listed": ("收费", "费用", "乱收费"),
    "escalated": ("超期", "逾期", "不作为"),
}
CARD_LEVELS = (Alert.Level.YELLOW, Alert.Level.RED)


@dataclass
class Followup:
    accountabilities: int = 0
    notifications: int = 0


def responsibility_pick(entries: list[dict], situation: str) -> int | None:
    """The entry whose 追责情形 names the situation's keywords, else the first one."""
    for entry in entries:
        if any(word in entry["situations"] for word in KEYWORDS.get(situation, ())):
            return entry["id"]
    return entries[0]["id"] if entries else None


def responsibility_map(pairs: set[tuple[int, str]]) -> dict[tuple[int, str], int]:
    """(item version, situation code) -> responsibility entry id, in one query."""
    by_version: dict[int, list[dict]] = defaultdict(list)
    versions = {version for version, _code in pairs}
    for entry in Responsibility.objects.filter(version_id__in=versions).values(
        "id", "version_id", "situations"
    ):
        by_version[entry["version_id"]].append(entry)
    picked = {}
    for version, code in pairs:
        choice = responsibility_pick(by_version.get(version, []), code)
        if choice is not None:
            picked[(version, code)] = choice
    return picked


def accountabilities_open(candidates: QuerySet, now: dt.datetime) -> int:
    """Open one accountability record per alert of ``candidates`` without one (one INSERT).

    An overdue case is one breach per department: the red card of its task and that of the whole
    case (raised by the next source, in a later transaction) open one record, not two."""
    from govhall.supervision.sweep import db_datetime, values_table

    pairs = set(
        candidates.filter(case__isnull=False)
        .values_list("case__version_id", "rule_code")
        .distinct()
    )
    mapping = values_table(
        ((str(v), f"'{code}'", str(r)) for (v, code), r in responsibility_map(pairs).items()),
        ("BIGINT", "VARCHAR(40)", "BIGINT"),
    )
    ids_sql, ids_params = candidates.order_by().values("id").query.sql_with_params()
    whens = " ".join("WHEN %s THEN %s" for _code in SITUATIONS)
    when_params = [x for code, label in SITUATIONS.items() for x in (code, str(label))]
    acc, alert = Accountability._meta.db_table, Alert._meta.db_table
    sql = f"""
        INSERT INTO {acc} (alert_id, case_id, responsibility_id, department_id, region_code,
            state, situation, findings, reason, opened_at)
        SELECT a.id, a.case_id, m.c3, a.department_id, a.region_code, %s,
            CASE a.rule_code {whens} ELSE a.rule_code END, '', '', %s
        FROM {alert} a
        LEFT JOIN {Case._meta.db_table} c ON c.id = a.case_id
        LEFT JOIN ({mapping}) m ON m.c1 = c.version_id AND m.c2 = a.rule_code
        WHERE a.id IN ({ids_sql})
        AND NOT EXISTS (SELECT 1 FROM {acc} x WHERE x.alert_id = a.id)
        AND NOT (a.rule_code = '' AND a.case_id IS NOT NULL AND EXISTS (
            SELECT 1 FROM {acc} x JOIN {alert} y ON y.id = x.alert_id
            WHERE x.case_id = a.case_id AND x.department_id = a.department_id
            AND y.rule_code = ''))
        ON CONFLICT DO NOTHING
    """
    with connection.cursor() as cursor:
        cursor.execute(
            sql, (Accountability.State.OPEN, *when_params, db_datetime(now), *ids_params)
        )
        return cursor.rowcount


def _alert_text(alert: Alert) -> tuple[str, str]:
    what = alert.get_level_display() if alert.kind == Alert.Kind.DEADLINE else _("违规预警")
    item = alert.case.item_name if alert.case_id else ""
    number = alert.case.number if alert.case_id else ""
    subject = _("电子监察%(what)s") % {"what": what}
    body = _("【电子监察】您办理的%(item)s(办件编号%(number)s)收到%(what)s,办理期限%(due)s。") % {
        "item": item,
        "number": number,
        "what": what,
        "due": alert.due_date or "—",
    }
    return subject, body


def _handler_specs(new: QuerySet) -> list[NotificationSpec]:
    specs = []
    for alert in new.filter(handler__isnull=False).select_related("handler", "case"):
        subject, body = _alert_text(alert)
        specs.append(
            NotificationSpec(
                event="supervision.alert",
                recipient=alert.handler,
                subject=subject,
                body=body,
                link=reverse("supervision:alert_detail", args=[alert.pk]),
                related=f"alert:{alert.pk}",
                dedupe_key=f"supervision.alert:{alert.pk}",
            )
        )
    return specs


def _digest_counts(new: QuerySet) -> dict[int, Counter]:
    """recipient id -> Counter of levels, for post holders, department heads and supervisors."""
    groups = list(
        new.values("department_id", "post_id", "region_code", "level", "kind")
        .annotate(n=Count("id"), unassigned=Count("id", filter=Q(handler__isnull=True)))
        .order_by()
    )
    departments = {g["department_id"] for g in groups}
    staff = User.objects.filter(
        kind=User.Kind.STAFF, is_active=True, department_id__in=departments
    ).values_list("id", "department_id", "posts__code")
    holders: dict[tuple[int, str], set[int]] = defaultdict(set)
    for user_id, department_id, post in staff:
        holders[(department_id, post)].add(user_id)
    supervisors = [
        (user_id, region_prefix(region))
        for user_id, region in User.objects.filter(
            kind=User.Kind.STAFF, is_active=True, posts__code=Post.SUPERVISION
        ).values_list("id", "department__region_id")
        if region
    ]
    counts: dict[int, Counter] = defaultdict(Counter)
    for g in groups:
        label = g["level"] if g["kind"] == Alert.Kind.DEADLINE else "rule"
        if g["unassigned"] and g["post_id"]:
            for user_id in holders.get((g["department_id"], g["post_id"]), ()):
                counts[user_id][label] += g["unassigned"]
        if g["level"] in CARD_LEVELS or g["kind"] == Alert.Kind.RULE:
            for user_id in holders.get((g["department_id"], Post.APPROVAL), ()):
                counts[user_id][label] += g["n"]
            for user_id, prefix in supervisors:
                if g["region_code"].startswith(prefix):
                    counts[user_id][label] += g["n"]
    return counts


LABELS = {
    "reminder": gettext_lazy("提醒"),
    "yellow": gettext_lazy("黄牌"),
    "red": gettext_lazy("红牌"),
    "rule": gettext_lazy("违规预警"),
}


def _digest_specs(new: QuerySet, tag: str) -> list[NotificationSpec]:
    counts = _digest_counts(new)
    users = User.objects.in_bulk(list(counts))
    link = reverse("supervision:alerts")
    specs = []
    for user_id, counter in counts.items():
        parts = "、".join(
            f"{LABELS[key]}{counter[key]}"
            for key in ("red", "yellow", "rule", "reminder")
            if counter[key]
        )
        specs.append(
            NotificationSpec(
                event="supervision.digest",
                recipient=users[user_id],
                subject=_("电子监察新增预警"),
                body=_("【电子监察】新增预警:%(parts)s。请登录工作台查看。") % {"parts": parts},
                link=link,
                related="supervision",
                dedupe_key=f"supervision.digest:{tag}:{user_id}",
            )
        )
    return specs


def alerts_notify(new: QuerySet, now: dt.datetime) -> int:
    first = new.aggregate(first=Min("id"))["first"]
    if first is None:
        return 0
    tag = f"{now:%Y%m%d%H%M%S%f}:{first}"
    return notification_enqueue_many([*_handler_specs(new), *_digest_specs(new, tag)])


def alerts_followup(new: QuerySet, now: dt.datetime, *, notify: bool = True) -> Followup:
    """Accountability for the new red cards and rule breaches; notifications for all."""
    done = Followup()
    done.accountabilities = accountabilities_open(
        new.filter(Q(level=Alert.Level.RED) | Q(kind=Alert.Kind.RULE)), now
    )
    if notify:
        done.notifications = alerts_notify(new, now)
    return done

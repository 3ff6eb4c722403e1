"""Yearly re-verification (动态核查): the whole tenant population against today's registries.

``reverification_run`` takes every household on the waiting list or with an active lease (the
applicant's ID number of each), checks them in ONE batch with the eligibility rules
(``analytics.services_eligibility.eligibility_batch``: set-based, authorized and logged once by
the exchange under a registered purpose of the housing department whose title names 动态核查),
and for each household that no longer qualifies writes a :class:`ReverificationFlag` with the
failed conditions (value, threshold) and the reason, and notifies the household (SMS and an
in-site message, once per run). The flag is the review: it stays open on the housing workbench
until a person decides (``reverification_decide``): keep (the flag closes), or terminate (the
lease ends through ``lease_end``, or a waiting entry is removed), both audited. Nobody leaves
without that decision.

- A household with an open flag is checked again but not flagged twice (one open flag per
  entry, a partial unique constraint); running twice is therefore harmless.
- Unknown outcomes (data missing or not granted) are counted and listed on the run, never
  flagged: missing data is not evidence.
- Conditions that read the tenancy resource itself ("not already housed") are left out: a
  tenant is housed by definition.
- The yearly job runs as the system; its registry read is made in the name of the member of
  staff who registered the 动态核查 purpose (the exchange needs a department's person).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.core import errors
from govhall.core.audit import audit_record
from govhall.core.calendar import add_working_days
from govhall.exchange.models import AccessLogEntry, Purpose
from govhall.housing import permissions
from govhall.housing.models import (
    Choice,
    HouseholdMember,
    Lease,
    ReverificationFlag,
    ReverificationRun,
    RoundSeat,
    Unit,
    WaitingEntry,
)
from govhall.housing.services_lease import household_member_ids, lease_end
from govhall.housing.tenancy import TENANCY_RESOURCE, WAITING, tenancy_push

logger = logging.getLogger(__name__)

PURPOSE_MARK = "动态核查"
REVIEW_DAYS = 15  # working days to decide a flag (GOVHALL_HOUSING_REVIEW_DAYS)
KEEP, TERMINATE = "keep", "terminate"
OP_TEXT = {
    "lt": "低于",
    "lte": "不超过",
    "gt": "高于",
    "gte": "不低于",
    "eq": "等于",
    "startswith": "属于",
}


def rule_set_code() -> str:
    return getattr(settings, "GOVHALL_HOUSING_RULE_SET", "public_rental_housing")


def yearly_day(year: int) -> dt.date:
    """The day of the year from which the yearly job runs (``GOVHALL_HOUSING_REVERIFY_DAY``,
    ``MM-DD``, default 03-01)."""
    text = str(getattr(settings, "GOVHALL_HOUSING_REVERIFY_DAY", "03-01"))
    month, day = (int(part) for part in text.split("-", 1))
    return dt.date(year, month, min(day, 28) if month == 2 else day)


def _require(allowed: bool) -> None:
    if not allowed:
        raise errors.PermissionDenied()


def reverification_purpose(*, reference: str | None = None) -> Purpose:
    """The registered purpose the run reads the registries under: ``reference`` if given, else
    ``GOVHALL_HOUSING_REVERIFY_PURPOSE``, else the housing department's current purpose whose
    title names 动态核查 (the latest)."""
    department_id = permissions.housing_department_id()
    today = timezone.localdate()
    purposes = Purpose.objects.filter(
        department_id=department_id,
        is_active=True,
        valid_from__lte=today,
        valid_to__gte=today,
    ).select_related("registered_by")
    reference = reference or getattr(settings, "GOVHALL_HOUSING_REVERIFY_PURPOSE", "")
    if reference:
        purpose = purposes.filter(reference=reference).first()
    else:
        purpose = purposes.filter(title__contains=PURPOSE_MARK).order_by("-valid_from", "-pk")
        purpose = purpose.first()
    if purpose is None:
        raise errors.ValidationError(
            _(
                "没有有效的“动态核查”查询用途。请由本部门数据专员在数据共享交换中登记"
                "本年度公租房动态核查用途后再运行。"
            ),
            code="no_reverification_purpose",
        )
    return purpose


def _ignored_conditions(rule_set: Any) -> list[str]:
    return [c.code for c in rule_set.conditions if TENANCY_RESOURCE in c.resources]


def _verdict(row: dict[str, Any], ignored: set[str]) -> tuple[str, dict[str, Any]]:
    """(eligible / ineligible / unknown, the conditions that count)."""
    conditions = {
        code: value for code, value in (row.get("conditions") or {}).items() if code not in ignored
    }
    statuses = {value["status"] for value in conditions.values()}
    if not conditions or row.get("outcome") == "invalid":
        return "unknown", conditions
    if "fail" in statuses:
        return "ineligible", conditions
    return ("unknown" if "unknown" in statuses else "eligible"), conditions


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def reason_text(failed: dict[str, Any]) -> str:
    """One line per failed condition: label, the household's value and the threshold."""
    parts = []
    for condition in failed.values():
        clauses = [c for c in condition.get("clauses", []) if c.get("status") == "fail"]
        detail = ";".join(
            _("核查值 %(value)s,标准为%(op)s %(threshold)s")
            % {
                "value": _number(c.get("value")),
                "op": OP_TEXT.get(c.get("op"), c.get("op")),
                "threshold": _number(c.get("threshold")),
            }
            for c in clauses
        )
        parts.append(f"{condition.get('label')}:{_('不符合')}({detail})")
    return "\n".join(parts)


def _population() -> list[dict[str, Any]]:
    """Every household on the waiting list or with an active lease, locked for the run."""
    active = dict(Lease.objects.filter(state=Lease.State.ACTIVE).values_list("entry_id", "pk"))
    rows = (
        WaitingEntry.objects.select_for_update(of=("self",))
        .filter(
            Q(state=WaitingEntry.State.WAITING)
            | Q(pk__in=Lease.objects.filter(state=Lease.State.ACTIVE).values("entry_id"))
        )
        .order_by("pk")
        .values_list("pk", "case__applicant_key", "applicant_id")
    )
    return [
        {"entry": pk, "key": (key or "").upper(), "applicant": user, "lease": active.get(pk)}
        for pk, key, user in rows
    ]


def _check(*, reader: Any, purpose: str, keys: list[str], on: dt.date, channel: str) -> Any:
    """The eligibility of ``keys`` in as few batches as the exchange allows (one normally)."""
    from govhall.analytics.services_eligibility import eligibility_batch
    from govhall.exchange.services_batch import batch_limit

    results: dict[str, dict[str, Any]] = {}
    outcome = None
    size = max(1, batch_limit())
    for start in range(0, len(keys), size):
        outcome = eligibility_batch(
            actor=reader,
            purpose=purpose,
            subject_keys=keys[start : start + size],
            rule_set=rule_set_code(),
            on=on,
            channel=channel,
        )
        for row in outcome.results:
            results[str(row.get("subject_key") or "").upper()] = row
    return results, outcome


def _notify_flagged(
    run: ReverificationRun, flags: list[ReverificationFlag], applicant_of: dict[int, int]
) -> int:
    from govhall.accounts.models import User
    from govhall.notifications.services import NotificationSpec, notification_enqueue_many

    users = User.objects.in_bulk([applicant_of[flag.entry_id] for flag in flags])
    specs = [
        NotificationSpec(
            event="housing.reverification_flagged",
            recipient=users.get(applicant_of[flag.entry_id]),
            subject=_("公租房保障资格年度复核提示"),
            body=_(
                "您家庭的公租房保障资格年度动态核查发现以下情况:%(reason)s。住建部门将进行复核,"
                "复核决定前您的轮候和租住不受影响;如有异议或情况已变化,请登录查看并联系住建部门。"
            )
            % {"reason": flag.reason.replace("\n", ";")},
            link="/housing/mine/",
            related=f"housing.flag:{flag.pk}",
            dedupe_key=f"housing.reverify:{run.pk}:{flag.entry_id}",
        )
        for flag in flags
    ]
    return notification_enqueue_many(specs)


def _classify(
    run: ReverificationRun,
    population: list[dict[str, Any]],
    results: dict[str, dict[str, Any]],
    ignored: set[str],
) -> tuple[list[ReverificationFlag], list[int], dict[str, int]]:
    """The new flags (not yet saved), the entries whose outcome is unknown, and the counts of
    households still eligible and of those already under review."""
    open_entries = set(
        ReverificationFlag.objects.filter(
            state=ReverificationFlag.State.OPEN, entry_id__in=[row["entry"] for row in population]
        ).values_list("entry_id", flat=True)
    )
    flags: list[ReverificationFlag] = []
    unknown: list[int] = []
    counts = {"eligible": 0, "already_open": 0}
    due = add_working_days(
        timezone.localdate(), getattr(settings, "GOVHALL_HOUSING_REVIEW_DAYS", REVIEW_DAYS)
    )
    for row in population:
        verdict, conditions = _verdict(results.get(row["key"], {}), ignored)
        if verdict == "eligible":
            counts["eligible"] += 1
        elif verdict == "unknown":
            unknown.append(row["entry"])
        elif row["entry"] in open_entries:
            counts["already_open"] += 1
        else:
            failed = {code: c for code, c in conditions.items() if c["status"] == "fail"}
            flags.append(
                ReverificationFlag(
                    run=run,
                    entry_id=row["entry"],
                    lease_id=row["lease"],
                    subject_key=row["key"][:18],
                    failed=failed,
                    conditions=conditions,
                    reason=reason_text(failed),
                    due_date=due,
                )
            )
    return flags, unknown, counts


@transaction.atomic
def reverification_run(
    *,
    actor: Any,
    on: dt.date | None = None,
    purpose: str | None = None,
    channel: str = AccessLogEntry.Channel.PAGE,
) -> ReverificationRun:
    """Check every tenant household in one batch; flag and notify those that no longer qualify.
    ``actor`` None is the yearly job."""
    from govhall.analytics.rules import rule_set_get

    if actor is not None:
        _require(permissions.can_decide(actor))
    else:
        channel = AccessLogEntry.Channel.SYSTEM
    registered = reverification_purpose(reference=purpose)
    reader = actor if actor is not None else registered.registered_by
    on = on or timezone.localdate()
    definition = rule_set_get(rule_set_code())
    ignored = _ignored_conditions(definition)
    run = ReverificationRun.objects.create(
        started_at=timezone.now(), by=actor, on=on, purpose=registered.reference
    )
    population = _population()
    keys = [row["key"] for row in population if row["key"]]
    results, outcome = (
        _check(reader=reader, purpose=registered.reference, keys=keys, on=on, channel=channel)
        if keys
        else ({}, None)
    )
    flags, unknown, counts = _classify(run, population, results, set(ignored))
    flags = ReverificationFlag.objects.bulk_create(flags, batch_size=500)
    applicant_of = {row["entry"]: row["applicant"] for row in population}
    notified = _notify_flagged(run, flags, applicant_of) if flags else 0
    parameters = outcome.parameters if outcome is not None else None
    run.parameters = {
        "rule_set": definition.code,
        "purpose_title": registered.title,
        "effective_from": parameters.effective_from.isoformat() if parameters else None,
        "values": parameters.values if parameters else {},
        "ignored_conditions": ignored,
    }
    _run_finish(run, population=population, flags=flags, unknown=unknown, counts=counts)
    audit_record(
        actor=actor,
        action="housing.reverification_run",
        obj=run,
        extra={
            "on": on.isoformat(),
            "purpose": registered.reference,
            "checked": run.checked,
            "eligible": run.eligible,
            "flagged": run.flagged,
            "unknown": run.unknown,
            "already_open": run.already_open,
            "notifications": notified,
        },
    )
    return run


def _run_finish(
    run: ReverificationRun,
    *,
    population: list[dict[str, Any]],
    flags: list[ReverificationFlag],
    unknown: list[int],
    counts: dict[str, int],
) -> None:
    run.checked = len(population)
    run.eligible = counts["eligible"]
    run.flagged = len(flags)
    run.already_open = counts["already_open"]
    run.unknown = len(unknown)
    run.unknown_entries = unknown
    run.finished_at = timezone.now()
    run.save()


def reverification_yearly(*, today: dt.date | None = None) -> ReverificationRun | None:
    """The yearly job: once per calendar year, from ``GOVHALL_HOUSING_REVERIFY_DAY`` on."""
    today = today or timezone.localdate()
    if today < yearly_day(today.year):
        return None
    if ReverificationRun.objects.filter(by__isnull=True, on__year=today.year).exists():
        return None
    return reverification_run(actor=None, on=today)


def _entry_remove(*, actor: Any, entry: WaitingEntry, reason: str) -> None:
    """A household without a lease leaves the list: seats passed, a unit it chose but has no
    lease for given back, its members free to apply again, the tenancy record ended."""
    entry = WaitingEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.state in (WaitingEntry.State.REMOVED, WaitingEntry.State.WITHDRAWN):
        return
    WaitingEntry.objects.filter(pk=entry.pk).update(state=WaitingEntry.State.REMOVED, rank=None)
    RoundSeat.objects.filter(entry=entry, state=RoundSeat.State.PENDING).update(
        state=RoundSeat.State.PASSED
    )
    Unit.objects.filter(
        pk__in=Choice.objects.filter(entry=entry).values("unit_id"), state=Unit.State.RESERVED
    ).update(state=Unit.State.AVAILABLE)
    members = household_member_ids(entry.pk)
    HouseholdMember.objects.filter(entry=entry).delete()
    tenancy_push(
        entry_id=entry.pk,
        member_ids=members,
        status=WAITING,
        since=timezone.localdate(entry.created_at),
        ended=True,
    )
    audit_record(actor=actor, action="housing.entry_remove", obj=entry, extra={"reason": reason})


def _household_end(*, actor: Any, entry: WaitingEntry, reason: str) -> None:
    lease = (
        Lease.objects.filter(entry=entry, state__in=[Lease.State.DRAFT, Lease.State.ACTIVE])
        .order_by("-pk")
        .first()
    )
    if lease is not None:
        lease_end(actor=actor, lease=lease, reason=reason)
    else:
        _entry_remove(actor=actor, entry=entry, reason=reason)


def _notify_decision(flag: ReverificationFlag) -> None:
    from govhall.notifications.services import notification_enqueue

    kept = flag.state == ReverificationFlag.State.KEPT
    notification_enqueue(
        event="housing.reverification_decided",
        recipient=flag.entry.applicant,
        subject=_("公租房保障资格年度复核结果"),
        body=(
            _("经复核,您家庭继续保留公租房保障资格。")
            if kept
            else _("经复核,您家庭已不再符合公租房保障条件,保障资格终止。复核意见:%(opinion)s")
            % {"opinion": flag.opinion}
        ),
        link="/housing/mine/",
        related=f"housing.flag:{flag.pk}",
        dedupe_key=f"housing.reverify.decision:{flag.pk}",
    )


@transaction.atomic
def reverification_decide(
    *, actor: Any, flag: ReverificationFlag, decision: str, opinion: str
) -> ReverificationFlag:
    """The human decision on a flagged household: keep it (the flag closes) or terminate (the
    lease ends / the entry is removed)."""
    _require(permissions.can_decide(actor))
    if decision not in (KEEP, TERMINATE):
        raise errors.ValidationError(_("复核决定无效。"), code="bad_decision")
    opinion = (opinion or "").strip()
    if not opinion:
        raise errors.ValidationError(
            _("请填写复核意见。"), code="no_opinion", fields={"opinion": [_("必填")]}
        )
    flag = (
        ReverificationFlag.objects.select_for_update()
        .select_related("entry__applicant")
        .get(pk=flag.pk)
    )
    if flag.state != ReverificationFlag.State.OPEN:
        raise errors.Conflict(_("该预警已作出复核决定。"), code="flag_decided")
    if decision == TERMINATE:
        reason = _("年度动态核查不再符合保障条件:%(opinion)s") % {"opinion": opinion}
        _household_end(actor=actor, entry=flag.entry, reason=reason[:200])
        flag.state = ReverificationFlag.State.TERMINATED
    else:
        flag.state = ReverificationFlag.State.KEPT
    flag.decided_by = actor
    flag.decided_at = timezone.now()
    flag.opinion = opinion[:2000]
    flag.save(update_fields=["state", "decided_by", "decided_at", "opinion"])
    _notify_decision(flag)
    audit_record(
        actor=actor,
        action="housing.reverification_decide",
        obj=flag,
        after={"decision": decision, "state": flag.state, "opinion": flag.opinion},
    )
    return flag

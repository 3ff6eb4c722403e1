"""Precise push (精准推送): invite the households that qualify today but have not applied.

A round (:class:`~govhall.analytics.models.PushRound`) runs the population analysis
(:func:`~govhall.analytics.services_eligibility.eligibility_population`, under the department's
registered purpose and grants, logged in the data access log), then, set-based over the
qualifying households' members:

- excludes households with a member who applied (an open or completed case of the item, or an
  application in progress) or is on the housing list / housed (``housing.HouseholdMember``);
- excludes households already invited in this campaign (rule set, item, year of ``on``);
- invites each remaining household through one registered member who has not opted out
  (the applicant of the analysis first, then by ID number): an in-site message linking to the
  item's application page (prefilled from the registries) and an SMS when the user has a phone.
  A household none of whose members is registered is *unreachable* (the registries hold no
  phone numbers); one whose registered members all opted out is *opted out*.

Invitations, notifications, counts and the audit row commit in one transaction; the unique
(campaign, household) constraint and the notifications' dedupe keys make a rerun, a retried job
or two rounds at once invite and notify each household once.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.accounts import permissions as account_permissions
from govhall.accounts.models import User
from govhall.analytics.models import PushInvitation, PushOptOut, PushRound
from govhall.analytics.rules import ELIGIBLE, RULES_DIR, parameters_in_force, rule_set_get
from govhall.analytics.selectors_push import PUSH_POSTS, can_start_push
from govhall.analytics.services_eligibility import eligibility_population
from govhall.cases.models import OPEN_STATUSES, Application, Case
from govhall.catalog.models import Item
from govhall.core import errors
from govhall.core.audit import audit_record
from govhall.core.jobs import job_enqueue
from govhall.notifications.models import Notification
from govhall.notifications.services import NotificationSpec, notification_enqueue_many
from govhall.organizations.models import Post

JOB_KIND = "analytics.push_round_run"
EVENT = "analytics.push"
APPLIED_STATUSES = [*OPEN_STATUSES, Case.Status.COMPLETED]
IN_PROGRESS = [
    Application.State.DRAFT,
    Application.State.PREREVIEW,
    Application.State.RETURNED,
]
CHUNK = 5000  # keys per query: two IN lists stay under SQLite's 32766 parameters
MESSAGE_MAX = 300
# The item each rule set invites to, by the name of its published guide.
PUSH_ITEMS = {"public_rental_housing": ("GOVHALL_HOUSING_ITEM_NAME", "公共租赁住房保障资格申请")}


def push_item_default(rule_set: str) -> Item | None:
    """The item a rule set invites to (its published guide's name, see ``PUSH_ITEMS``)."""
    setting, default = PUSH_ITEMS.get(rule_set, ("", ""))
    name = getattr(settings, setting, default) if setting else ""
    if not name:
        return None
    return (
        Item.objects.filter(
            status=Item.Status.ACTIVE, published_version__isnull=False, published_version__name=name
        )
        .select_related("department", "published_version")
        .order_by("pk")
        .first()
    )


def apply_path(item: Item) -> str:
    return reverse("cases:apply_item", args=[item.implementation_code])


def preferences_path() -> str:
    return reverse("analytics:push_preferences")


def default_message(rule_set: str) -> str:
    return _(
        "经大数据比对,您的家庭可能符合%(name)s条件,目前尚未申请。现可在线申请,家庭、住房、"
        "收入等信息已为您预填,一般只需上传签字的承诺书。"
    ) % {"name": rule_set_get(rule_set).name}


# --- starting a round ----------------------------------------------------------------------------


def _item(rule_set: str, item: Item | str | None) -> Item:
    if isinstance(item, Item):
        return item
    if item:
        from govhall.catalog.selectors import item_get_public

        return item_get_public(code=item)
    found = push_item_default(rule_set)
    if found is None:
        raise errors.ValidationError(
            _("未找到该规则集对应的申请事项,请指定事项实施编码。"), code="no_item"
        )
    return found


def _round_create(
    *,
    actor: Any,
    rule_set: str,
    item: Item | str | None,
    purpose: str,
    on: dt.date | None,
    message: str,
) -> PushRound:
    from govhall.exchange.purposes import purpose_resolve

    refused = errors.PermissionDenied(
        _("只有事项主管部门审核、审批岗位的工作人员可以发起精准推送。"), code="not_push_staff"
    )
    if not account_permissions.post_codes(actor) & PUSH_POSTS:
        raise refused
    definition = rule_set_get(rule_set)
    item = _item(rule_set, item)
    if not can_start_push(actor, item):
        raise refused
    resolved = purpose_resolve(actor=actor, reference=purpose)
    if resolved.kind != "registered":
        raise errors.ValidationError(
            _("精准推送须使用本部门已登记的用途编号(办件编号只涵盖一户)。"),
            code="purpose_not_registered",
        )
    on = on or timezone.localdate()
    parameters_in_force(rule_set=definition, on=on)  # 422 when none
    message = " ".join((message or "").split()) or default_message(rule_set)
    if len(message) > MESSAGE_MAX:
        raise errors.ValidationError(
            _("推送内容不能超过 %(n)d 个字。") % {"n": MESSAGE_MAX}, code="message_too_long"
        )
    busy = PushRound.objects.filter(
        rule_set=rule_set, item=item, state__in=[PushRound.State.PENDING, PushRound.State.RUNNING]
    )
    if busy.exists():
        raise errors.Conflict(_("该事项已有一个推送批次正在进行,请等待其完成。"))
    row = PushRound.objects.create(
        rule_set=rule_set,
        item=item,
        department_id=item.department_id,
        purpose_reference=resolved.reference,
        on=on,
        campaign_year=on.year,
        message=message,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="analytics.push_round_start",
        obj=row,
        extra={"rule_set": rule_set, "item": item.implementation_code, "on": on.isoformat()},
    )
    return row


def job_key(round_id: int) -> str:
    return f"{JOB_KIND}:{round_id}"


@transaction.atomic
def push_round_start(
    *,
    actor: Any,
    rule_set: str,
    item: Item | str | None,
    purpose: str,
    on: dt.date | None = None,
    message: str = "",
) -> PushRound:
    """Create a round and leave it to the worker (``analytics.push_round_run``): the page and
    the API answer at once and show the round's progress. ``item``: the item, its
    implementation code, or None for the rule set's item (``PUSH_ITEMS``)."""
    row = _round_create(
        actor=actor, rule_set=rule_set, item=item, purpose=purpose, on=on, message=message
    )
    job_enqueue(kind=JOB_KIND, payload={"round": row.pk}, dedupe_key=job_key(row.pk))
    return row


def push_round_run(
    *,
    actor: Any,
    rule_set: str,
    item: Item | str | None,
    purpose: str,
    on: dt.date | None = None,
    message: str = "",
) -> PushRound:
    """Create a round and run it now (the demo, a command, a small population)."""
    with transaction.atomic():
        row = _round_create(
            actor=actor, rule_set=rule_set, item=item, purpose=purpose, on=on, message=message
        )
    return push_round_execute(round_id=row.pk)


# --- running a round -----------------------------------------------------------------------------


@dataclass
class Plan:
    applied: int = 0
    invited_before: int = 0
    opted_out: int = 0
    unreachable: int = 0
    # household -> (person, user id, phone)
    invite: dict[str, tuple[str, int, str]] = field(default_factory=dict)


def _chunks(keys: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(keys), CHUNK):
        yield keys[start : start + CHUNK]


def _housed_model() -> Any:
    try:
        return apps.get_model("housing", "HouseholdMember")
    except LookupError:
        return None


def _facts(row: PushRound, members: list[str]) -> dict[str, Any]:
    """What the exclusions need to know about the members, a few queries per chunk."""
    applied: set[str] = set()
    invited: set[str] = set()
    opted: set[str] = set()
    users: dict[str, tuple[int, str]] = {}
    housed = _housed_model()
    campaign = PushInvitation.objects.filter(
        rule_set=row.rule_set, item_id=row.item_id, campaign_year=row.campaign_year
    )
    for chunk in _chunks(members):
        applied.update(
            Case.objects.filter(
                item_id=row.item_id, status__in=APPLIED_STATUSES, applicant_key__in=chunk
            ).values_list("applicant_key", flat=True)
        )
        applied.update(
            Application.objects.filter(
                item_id=row.item_id, state__in=IN_PROGRESS, applicant__id_number__in=chunk
            ).values_list("applicant__id_number", flat=True)
        )
        if housed is not None:
            applied.update(
                housed.objects.filter(id_number__in=chunk).values_list("id_number", flat=True)
            )
        for household, person in campaign.filter(
            Q(household_key__in=chunk) | Q(person_key__in=chunk)
        ).values_list("household_key", "person_key"):
            invited.update((household, person))
        opted.update(
            PushOptOut.objects.filter(
                topic__in=[row.rule_set, PushOptOut.ALL], id_number__in=chunk
            ).values_list("id_number", flat=True)
        )
        for key, pk, phone in User.objects.filter(
            kind=User.Kind.CITIZEN, is_active=True, id_number__in=chunk
        ).values_list("id_number", "pk", "phone"):
            users[key] = (pk, phone)
    return {"applied": applied, "invited": invited, "opted": opted, "users": users}


def _plan(row: PushRound, households: dict[str, list[str]]) -> Plan:
    facts = _facts(row, sorted({m for members in households.values() for m in members}))
    plan = Plan()
    for household, members in households.items():
        if any(m in facts["applied"] for m in members):
            plan.applied += 1
            continue
        if household in facts["invited"] or any(m in facts["invited"] for m in members):
            plan.invited_before += 1
            continue
        registered = [m for m in dict.fromkeys([household, *members]) if m in facts["users"]]
        if not registered:
            plan.unreachable += 1
            continue
        reachable = [m for m in registered if m not in facts["opted"]]
        if not reachable:
            plan.opted_out += 1
            continue
        pk, phone = facts["users"][reachable[0]]
        plan.invite[household] = (reachable[0], pk, phone)
    return plan


def _spec(row: PushRound, household: str, user_id: int, phone: str) -> NotificationSpec:
    link = apply_path(row.item)
    public = settings.GOVHALL_PUBLIC_URL
    name = rule_set_get(row.rule_set).name
    return NotificationSpec(
        event=EVENT,
        subject=_("政策提醒:您的家庭可能符合%(name)s条件") % {"name": name},
        body=_(
            "%(message)s\n点击“查看详情”进入申请页面。如不希望再收到此类推送,可在 %(url)s 退订。"
        )
        % {"message": row.message, "url": public + preferences_path()},
        recipient=User(pk=user_id, phone=phone or ""),
        link=link,
        related=f"push:{row.pk}",
        dedupe_key=f"{EVENT}:{row.rule_set}:{row.item_id}:{row.campaign_year}:{household}",
    )


def _sms_spec(spec: NotificationSpec, row: PushRound) -> NotificationSpec:
    public = settings.GOVHALL_PUBLIC_URL
    body = _("%(message)s 申请:%(apply)s 退订:%(opt_out)s") % {
        "message": row.message,
        "apply": public + spec.link,
        "opt_out": public + preferences_path(),
    }
    return replace(spec, body=body, channels=(Notification.Channel.SMS,))


def _commit(row: PushRound, plan: Plan, *, analysed: int, qualifying: int, seconds: float):
    with transaction.atomic():
        row = PushRound.objects.select_for_update().select_related("item").get(pk=row.pk)
        if row.finished:
            return row
        now = timezone.now()
        PushInvitation.objects.bulk_create(
            [
                PushInvitation(
                    round=row,
                    rule_set=row.rule_set,
                    item_id=row.item_id,
                    campaign_year=row.campaign_year,
                    household_key=household,
                    person_key=person,
                    user_id=user_id,
                    channels=[Notification.Channel.SITE]
                    + ([Notification.Channel.SMS] if phone else []),
                    notified_at=now,
                )
                for household, (person, user_id, phone) in plan.invite.items()
            ],
            batch_size=1000,
            ignore_conflicts=True,  # a concurrent round invited the household first
        )
        mine = list(
            PushInvitation.objects.filter(round=row).values_list(
                "household_key", "user_id", "channels"
            )
        )
        specs = []
        for household, user_id, _channels in mine:
            if household not in plan.invite:
                continue  # invited by an earlier run of this round: notified then
            spec = _spec(row, household, user_id, plan.invite[household][2])
            specs.append(replace(spec, channels=(Notification.Channel.SITE,)))
            specs.append(_sms_spec(spec, row))
        notification_enqueue_many(specs)
        kept = sum(1 for household, *_rest in mine if household in plan.invite)
        earlier = len(mine) - kept  # counted as "already invited" by the plan
        lost = len(plan.invite) - kept  # a concurrent round invited them first
        row.analysed, row.qualifying = analysed, qualifying
        row.excluded_applied = plan.applied
        row.excluded_invited = plan.invited_before - earlier + lost
        row.excluded_opted_out = plan.opted_out
        row.unreachable = plan.unreachable
        row.invited = len(mine)
        row.site = sum(1 for *_rest, channels in mine if Notification.Channel.SITE in channels)
        row.sms = sum(1 for *_rest, channels in mine if Notification.Channel.SMS in channels)
        row.seconds = seconds
        row.state, row.finished_at = PushRound.State.DONE, now
        row.save()
        audit_record(
            actor=row.created_by,
            action="analytics.push_round_done",
            obj=row,
            extra=push_round_counts(row),
        )
    return row


def push_round_counts(row: PushRound) -> dict[str, int]:
    return {
        "analysed": row.analysed,
        "qualifying": row.qualifying,
        "excluded_applied": row.excluded_applied,
        "excluded_invited": row.excluded_invited,
        "excluded_opted_out": row.excluded_opted_out,
        "unreachable": row.unreachable,
        "invited": row.invited,
        "sms": row.sms,
        "site": row.site,
    }


def push_round_fail(*, round_id: int, reason: str) -> PushRound | None:
    """Record that a round could not run (no grants, purpose expired, the job gave up)."""
    with transaction.atomic():
        row = PushRound.objects.select_for_update().filter(pk=round_id).first()
        if row is None or row.finished:
            return row
        row.state, row.error, row.finished_at = PushRound.State.FAILED, reason, timezone.now()
        row.save(update_fields=["state", "error", "finished_at", "updated_at"])
        audit_record(
            actor=row.created_by,
            action="analytics.push_round_failed",
            obj=row,
            extra={"reason": reason},
        )
    return row


def push_round_execute(*, round_id: int) -> PushRound | None:
    """Run a pending (or interrupted) round; a finished round is left as it is. The job's body:
    safe to run twice."""
    with transaction.atomic():
        row = (
            PushRound.objects.select_for_update()
            .select_related("created_by", "item")
            .filter(pk=round_id)
            .first()
        )
        if row is None or row.finished:
            return row
        row.state, row.started_at = PushRound.State.RUNNING, timezone.now()
        row.save(update_fields=["state", "started_at", "updated_at"])
    started = time.perf_counter()
    try:
        result = eligibility_population(
            actor=row.created_by, purpose=row.purpose_reference, rule_set=row.rule_set, on=row.on
        )
    except errors.ApplicationError as exc:
        return push_round_fail(round_id=row.pk, reason=exc.message)
    households = {
        r["subject_key"]: sorted(r["members"]) for r in result.results if r["outcome"] == ELIGIBLE
    }
    plan = _plan(row, households)
    return _commit(
        row,
        plan,
        analysed=len(result.results),
        qualifying=len(households),
        seconds=round(time.perf_counter() - started, 3),
    )


# --- opting out ----------------------------------------------------------------------------------


def push_topics() -> list[tuple[str, str]]:
    """What a person may opt out of: everything, or one rule set's invitations."""
    topics = [(PushOptOut.ALL, _("全部精准推送"))]
    for path in sorted(RULES_DIR.glob("*.json")):
        topics.append((path.stem, rule_set_get(path.stem).name))
    return topics


def _person(actor: Any) -> str:
    if not (
        account_permissions.is_authenticated_user(actor)
        and actor.kind == User.Kind.CITIZEN
        and actor.id_number
    ):
        raise errors.PermissionDenied(_("只有实名注册的个人用户可以设置精准推送。"))
    return actor.id_number


def push_preferences(*, actor: Any) -> list[dict[str, Any]]:
    """The actor's own choices, one row per topic."""
    person = _person(actor)
    out = set(PushOptOut.objects.filter(id_number=person).values_list("topic", flat=True))
    return [
        {"topic": code, "label": label, "opted_out": code in out} for code, label in push_topics()
    ]


@transaction.atomic
def push_opt_out_set(*, actor: Any, topic: str, opted_out: bool) -> list[dict[str, Any]]:
    """Opt the actor out of (or back into) ``topic``; answers the actor's choices after it.
    Only ever the actor's own ID number: nobody can opt another person out or in."""
    person = _person(actor)
    if topic not in dict(push_topics()):
        raise errors.ValidationError(_("没有这类推送。"), code="unknown_topic")
    rows = PushOptOut.objects.filter(id_number=person, topic=topic)
    if opted_out:
        _row, changed = PushOptOut.objects.get_or_create(
            id_number=person, topic=topic, defaults={"user": actor}
        )
    else:
        changed = rows.delete()[0] > 0
    if changed:
        audit_record(
            actor=actor,
            action="analytics.push_opt_out" if opted_out else "analytics.push_opt_in",
            object_type="analytics.pushoptout",
            object_id=f"{actor.pk}:{topic or '*'}",
            extra={"topic": topic},
        )
    return push_preferences(actor=actor)


def push_demo_round(*, purpose: str, rule_set: str = "public_rental_housing") -> tuple[int, int]:
    """The demo city's first round, run by an approver of the item's department under
    ``purpose``: (rounds created, 0), the demo stages' (created, changed). Idempotent: (0, 0)
    when a round of the rule set exists (or the item or an approver is missing)."""
    item = push_item_default(rule_set)
    if item is None or PushRound.objects.filter(rule_set=rule_set).exists():
        return 0, 0
    officer = (
        User.objects.filter(
            kind=User.Kind.STAFF,
            is_active=True,
            department_id=item.department_id,
            posts__code=Post.APPROVAL,
        )
        .order_by("username")
        .first()
    )
    if officer is None:
        return 0, 0
    push_round_run(actor=officer, rule_set=rule_set, item=item, purpose=purpose)
    return 1, 0

"""The waiting list and allocation rounds (选房): add, rank, open a round, choose, pass, close.

Turn rule: the seats of a round are the best-ranked waiting households, one per offered unit, in
rank order. A seat may choose while fewer than ``GOVHALL_HOUSING_CHOICE_WINDOW`` (default 1:
strict rank order) better-placed seats are still pending; a city may open a wider window to call
households in groups. Two households choosing one unit at once: the conditional update of the
unit row (a row lock on PostgreSQL, the IMMEDIATE write lock on SQLite) lets one win and the
unique (round, unit) constraint backs it; the other gets 409.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.cases.models import Case
from govhall.core import errors
from govhall.core.audit import audit_record
from govhall.housing import permissions, scoring
from govhall.housing.household import household_from_form
from govhall.housing.models import (
    AllocationRound,
    Choice,
    Estate,
    HouseholdMember,
    RoundSeat,
    Unit,
    WaitingEntry,
)
from govhall.housing.tenancy import WAITING, tenancy_push

logger = logging.getLogger("govhall.housing")


def choice_window() -> int:
    return max(1, int(getattr(settings, "GOVHALL_HOUSING_CHOICE_WINDOW", 1)))


def _require(allowed: bool) -> None:
    if not allowed:
        raise errors.PermissionDenied()


@transaction.atomic
def waiting_entry_add_from_case(*, actor: Any, case: Case) -> WaitingEntry:
    """Put the household of a completed 公租房 case on the list, once per household."""
    _require(permissions.can_manage(actor))
    case = Case.objects.select_for_update().select_related("application").get(pk=case.pk)
    if case.item_name != permissions.housing_item_name() or case.department_id != (
        actor.department_id
    ):
        raise errors.ValidationError(_("该办件不是公租房保障资格申请。"), code="not_housing_case")
    if case.status != Case.Status.COMPLETED:
        raise errors.Conflict(_("办件尚未办结,不能登记轮候。"), code="case_not_completed")
    if WaitingEntry.objects.filter(case=case).exists():
        raise errors.Conflict(_("该办件已登记轮候。"), code="already_listed")
    today = timezone.localdate()
    household = household_from_form(case.application.form or {}, case.applicant_key, today)
    if HouseholdMember.objects.filter(id_number__in=household.member_ids).exists():
        raise errors.Conflict(
            _("家庭成员已在轮候名单中或已配租公租房。"), code="household_already_listed"
        )
    qualified = timezone.localdate(case.closed_at) if case.closed_at else today
    entry = WaitingEntry.objects.create(
        case=case,
        applicant_id=case.applicant_id,
        household_size=household.size,
        income_per_capita=household.income_per_capita,
        area_per_capita=household.area_per_capita,
        disability=household.disability,
        elderly=household.elderly,
        subsistence=household.subsistence,
        qualified_on=qualified,
    )
    try:
        with transaction.atomic():
            HouseholdMember.objects.bulk_create(
                [HouseholdMember(entry=entry, id_number=value) for value in household.member_ids]
            )
    except IntegrityError:
        raise errors.Conflict(
            _("家庭成员已在轮候名单中或已配租公租房。"), code="household_already_listed"
        ) from None
    tenancy_push(entry_id=entry.pk, member_ids=household.member_ids, status=WAITING, since=today)
    audit_record(actor=actor, action="housing.entry_add", obj=entry, extra={"case": case.number})
    return entry


def waiting_entry_on_completion(case: Case, *, actor: Any) -> WaitingEntry | None:
    """The cases app's completion hook: a 公租房 case completed by the housing department puts
    its household on the waiting list in the completing transaction. A household that cannot be
    listed (already listed, a case of another department) does not stop the completion: the
    case is completed and the reason logged; staff can still list it by the case number."""
    if case.item_name != permissions.housing_item_name() or not permissions.can_manage(actor):
        return None
    if case.department_id != getattr(actor, "department_id", None):
        return None
    try:
        with transaction.atomic():
            return waiting_entry_add_from_case(actor=actor, case=case)
    except errors.ApplicationError as refused:
        logger.warning("case %s not put on the waiting list: %s", case.number, refused.message)
        return None


def _needs() -> list[scoring.Need]:
    rows = WaitingEntry.objects.filter(state=WaitingEntry.State.WAITING).values_list(
        "pk",
        "household_size",
        "income_per_capita",
        "area_per_capita",
        "disability",
        "elderly",
        "subsistence",
        "qualified_on",
    )
    return [scoring.Need(*row) for row in rows]


def rank_entries(*, method: str, seed: str, today: dt.date) -> int:
    """Score every waiting entry and write the ranks in one bulk update."""
    needs = _needs()
    w = scoring.weights()
    scored = [(need, scoring.score(need, today=today, w=w)) for need in needs]
    if method == AllocationRound.Method.LOTTERY:
        order = scoring.order_by_lottery(seed, [need.entry_id for need in needs])
    else:
        order = scoring.order_by_score(scored)
    rank_of = {entry_id: position for position, entry_id in enumerate(order, start=1)}
    entries = [
        WaitingEntry(
            pk=need.entry_id,
            score=points,
            rank=rank_of[need.entry_id],
            lottery_key=scoring.lottery_key(seed, need.entry_id) if seed else "",
        )
        for need, points in scored
    ]
    WaitingEntry.objects.bulk_update(entries, ["score", "rank", "lottery_key"], batch_size=500)
    WaitingEntry.objects.exclude(state=WaitingEntry.State.WAITING).update(rank=None)
    return len(entries)


@transaction.atomic
def waiting_list_rank(*, actor: Any, method: str = "score", seed: str = "") -> int:
    _require(permissions.can_decide(actor))
    if method not in AllocationRound.Method.values:
        raise errors.ValidationError(_("排序方式无效。"), code="bad_method")
    if method == AllocationRound.Method.LOTTERY and not seed:
        seed = secrets.token_hex(16)
    count = rank_entries(method=method, seed=seed, today=timezone.localdate())
    audit_record(
        actor=actor,
        action="housing.list_rank",
        object_type="housing.waitingentry",
        extra={
            "method": method,
            "seed": seed,
            "count": count,
            "weights": {k: str(v) for k, v in scoring.weights().items()},
        },
    )
    return count


@transaction.atomic
def round_open(
    *,
    actor: Any,
    name: str,
    estate: Estate,
    unit_ids: list[int],
    method: str = "score",
    seed: str = "",
    opens_at: dt.datetime | None = None,
    closes_at: dt.datetime | None = None,
) -> AllocationRound:
    """Offer units of one estate to the best-ranked waiting households, one seat per unit."""
    _require(permissions.can_decide(actor))
    if method not in AllocationRound.Method.values:
        raise errors.ValidationError(_("排序方式无效。"), code="bad_method")
    units = list(
        Unit.objects.select_for_update().filter(
            pk__in=unit_ids, building__estate=estate, state=Unit.State.AVAILABLE
        )
    )
    if not units or len(units) != len(set(unit_ids)):
        raise errors.ValidationError(_("所选房源不可分配。"), code="units_unavailable")
    if method == AllocationRound.Method.LOTTERY and not seed:
        seed = secrets.token_hex(16)
    now = timezone.now()
    opens_at = opens_at or now
    closes_at = closes_at or opens_at + dt.timedelta(days=7)
    if closes_at <= opens_at:
        raise errors.ValidationError(_("结束时间须晚于开始时间。"), code="bad_window")
    rank_entries(method=method, seed=seed, today=timezone.localdate())
    seated = RoundSeat.objects.filter(
        round__state=AllocationRound.State.OPEN, state=RoundSeat.State.PENDING
    ).values("entry_id")
    invited = list(
        WaitingEntry.objects.filter(state=WaitingEntry.State.WAITING)
        .exclude(pk__in=seated)
        .order_by("rank", "pk")
        .values_list("pk", flat=True)[: len(units)]
    )
    if not invited:
        raise errors.Conflict(_("没有待选房的轮候家庭。"), code="nobody_waiting")
    allocation = AllocationRound.objects.create(
        name=name,
        estate=estate,
        method=method,
        seed=seed,
        opens_at=opens_at,
        closes_at=closes_at,
        opened_by=actor,
    )
    allocation.units.set(units)
    RoundSeat.objects.bulk_create(
        [
            RoundSeat(round=allocation, entry_id=entry_id, position=position)
            for position, entry_id in enumerate(invited, start=1)
        ]
    )
    audit_record(
        actor=actor,
        action="housing.round_open",
        obj=allocation,
        extra={"units": sorted(u.pk for u in units), "seats": invited, "seed": seed},
    )
    return allocation


def _my_seat(actor: Any, allocation: AllocationRound) -> RoundSeat:
    seat = (
        RoundSeat.objects.select_for_update()
        .select_related("entry")
        .filter(round=allocation, entry__applicant_id=getattr(actor, "pk", None))
        .first()
    )
    if seat is None:
        raise errors.NotFound()
    if seat.state != RoundSeat.State.PENDING:
        raise errors.Conflict(_("您在本批次已选房或已放弃。"), code="seat_done")
    return seat


def _open_round(allocation: AllocationRound) -> AllocationRound:
    allocation = AllocationRound.objects.get(pk=allocation.pk)
    now = timezone.now()
    if allocation.state != AllocationRound.State.OPEN or not (
        allocation.opens_at <= now < allocation.closes_at
    ):
        raise errors.Conflict(_("选房批次不在选房时间内。"), code="round_closed")
    return allocation


def seat_turn_come(seat: RoundSeat) -> bool:
    ahead = RoundSeat.objects.filter(
        round_id=seat.round_id, position__lt=seat.position, state=RoundSeat.State.PENDING
    ).count()
    return ahead < choice_window()


@transaction.atomic
def unit_choose(*, actor: Any, allocation: AllocationRound, unit_id: int) -> Choice:
    """The tenant takes one offered unit when their turn has come."""
    _require(permissions.is_tenant(actor))
    allocation = _open_round(allocation)
    seat = _my_seat(actor, allocation)
    if not seat_turn_come(seat):
        raise errors.Conflict(_("尚未轮到您选房,请等待排名在前的家庭。"), code="not_your_turn")
    if not allocation.units.filter(pk=unit_id).exists():
        raise errors.NotFound()
    taken = Unit.objects.filter(pk=unit_id, state=Unit.State.AVAILABLE).update(
        state=Unit.State.RESERVED
    )
    if not taken:
        raise errors.Conflict(_("该房源已被选定,请选择其他房源。"), code="unit_taken")
    try:
        with transaction.atomic():
            choice = Choice.objects.create(
                round=allocation, entry=seat.entry, unit_id=unit_id, chosen_at=timezone.now()
            )
    except IntegrityError:
        raise errors.Conflict(_("该房源已被选定,请选择其他房源。"), code="unit_taken") from None
    RoundSeat.objects.filter(pk=seat.pk).update(state=RoundSeat.State.CHOSEN)
    WaitingEntry.objects.filter(pk=seat.entry_id).update(
        state=WaitingEntry.State.ALLOCATED, rank=None
    )
    audit_record(actor=actor, action="housing.unit_choose", obj=choice, extra={"unit": unit_id})
    return choice


@transaction.atomic
def seat_pass(*, actor: Any, allocation: AllocationRound) -> RoundSeat:
    """The tenant passes this round and keeps their place on the list."""
    _require(permissions.is_tenant(actor))
    allocation = _open_round(allocation)
    seat = _my_seat(actor, allocation)
    seat.state = RoundSeat.State.PASSED
    seat.save(update_fields=["state"])
    audit_record(actor=actor, action="housing.seat_pass", obj=seat)
    return seat


@transaction.atomic
def round_close(*, actor: Any, allocation: AllocationRound) -> AllocationRound:
    _require(permissions.can_decide(actor))
    allocation = AllocationRound.objects.select_for_update().get(pk=allocation.pk)
    if allocation.state != AllocationRound.State.OPEN:
        raise errors.Conflict(_("选房批次已结束。"), code="round_closed")
    allocation.state = AllocationRound.State.CLOSED
    allocation.save(update_fields=["state", "updated_at"])
    passed = RoundSeat.objects.filter(round=allocation, state=RoundSeat.State.PENDING).update(
        state=RoundSeat.State.PASSED
    )
    audit_record(
        actor=actor, action="housing.round_close", obj=allocation, extra={"passed": passed}
    )
    return allocation

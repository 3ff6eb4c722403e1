"""Reads scoped by the actor: housing staff see everything of housing; a tenant only their own
entry, seats, lease and bills; anybody else nothing (404 on a detail)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet, Sum

from govhall.core import errors
from govhall.housing import permissions
from govhall.housing.models import (
    AllocationRound,
    Inspection,
    Lease,
    RentBill,
    ReverificationFlag,
    ReverificationRun,
    RoundSeat,
    Unit,
    WaitingEntry,
)
from govhall.housing.services_lease import unpaid_past_due


def _staff(actor: Any) -> bool:
    return permissions.can_manage(actor)


def _require_staff(actor: Any) -> None:
    if not _staff(actor):
        raise errors.PermissionDenied()


def unit_list(*, actor: Any, state: str = "") -> QuerySet[Unit]:
    _require_staff(actor)
    units = Unit.objects.select_related("building__estate").order_by(
        "building__estate__name", "building__name", "number"
    )
    return units.filter(state=state) if state else units


def entry_list(*, actor: Any, state: str = "") -> QuerySet[WaitingEntry]:
    _require_staff(actor)
    entries = WaitingEntry.objects.select_related("applicant", "case").order_by("rank", "pk")
    return entries.filter(state=state) if state else entries


def my_entries(*, actor: Any) -> QuerySet[WaitingEntry]:
    if not permissions.is_tenant(actor):
        raise errors.PermissionDenied()
    return WaitingEntry.objects.filter(applicant_id=actor.pk).select_related("case")


def round_list(*, actor: Any) -> QuerySet[AllocationRound]:
    _require_staff(actor)
    return (
        AllocationRound.objects.select_related("estate")
        .annotate(chosen=Count("choices", distinct=True), seat_count=Count("seats", distinct=True))
        .order_by("-opens_at", "-pk")
    )


def round_get(*, actor: Any, pk: int) -> AllocationRound:
    """Staff see every round; a tenant only a round they hold a seat in."""
    rounds = AllocationRound.objects.select_related("estate")
    if not _staff(actor):
        if not permissions.is_tenant(actor):
            raise errors.NotFound()
        rounds = rounds.filter(seats__entry__applicant_id=actor.pk).distinct()
    allocation = rounds.filter(pk=pk).first()
    if allocation is None:
        raise errors.NotFound()
    return allocation


def my_seats(*, actor: Any) -> QuerySet[RoundSeat]:
    if not permissions.is_tenant(actor):
        raise errors.PermissionDenied()
    return RoundSeat.objects.filter(entry__applicant_id=actor.pk).select_related(
        "round__estate", "entry"
    )


def round_units(*, allocation: AllocationRound) -> QuerySet[Unit]:
    return allocation.units.select_related("building__estate").order_by("building__name", "number")


def lease_list(*, actor: Any) -> QuerySet[Lease]:
    leases = Lease.objects.select_related("unit__building__estate", "tenant", "entry")
    if _staff(actor):
        return leases
    if permissions.is_tenant(actor):
        return leases.filter(tenant_id=actor.pk)
    raise errors.PermissionDenied()


def lease_get(*, actor: Any, pk: int) -> Lease:
    try:
        leases = lease_list(actor=actor)
    except errors.PermissionDenied:
        raise errors.NotFound() from None
    lease = leases.filter(pk=pk).first()
    if lease is None:
        raise errors.NotFound()
    return lease


def bill_list(*, actor: Any) -> QuerySet[RentBill]:
    bills = RentBill.objects.select_related("lease__unit__building__estate", "lease__tenant")
    if _staff(actor):
        return bills
    if permissions.is_tenant(actor):
        return bills.filter(lease__tenant_id=actor.pk)
    raise errors.PermissionDenied()


def bill_get(*, actor: Any, pk: int) -> RentBill:
    try:
        bill = bill_list(actor=actor).filter(pk=pk).first()
    except errors.PermissionDenied:
        raise errors.NotFound() from None
    if bill is None:
        raise errors.NotFound()
    return bill


def arrears(*, actor: Any) -> QuerySet:
    """Per lease: unpaid months past due and their amount, the largest first."""
    _require_staff(actor)
    return (
        RentBill.objects.filter(unpaid_past_due())
        .values("lease_id", "lease__number", "lease__tenant__name")
        .annotate(months=Count("pk"), amount=Sum("amount"))
        .order_by("-amount", "lease_id")
    )


def inspection_list(*, actor: Any) -> QuerySet[Inspection]:
    _require_staff(actor)
    return Inspection.objects.select_related("lease", "inspector")


# --- re-verification (动态核查) -----------------------------------------------------------------


def reverification_run_list(*, actor: Any) -> QuerySet[ReverificationRun]:
    _require_staff(actor)
    return ReverificationRun.objects.select_related("by").order_by("-started_at", "-pk")


def reverification_run_get(*, actor: Any, pk: int) -> ReverificationRun:
    run = reverification_run_list(actor=actor).filter(pk=pk).first()
    if run is None:
        raise errors.NotFound()
    return run


def reverification_flag_list(
    *, actor: Any, run: ReverificationRun | None = None, state: str = ""
) -> QuerySet[ReverificationFlag]:
    """Staff: every flag (of one run, in one state); a tenant: the flags of their own
    household; anybody else: refused."""
    flags = ReverificationFlag.objects.select_related(
        "run", "entry__applicant", "entry__case", "lease", "decided_by"
    ).order_by("-run_id", "pk")
    if not _staff(actor):
        if not permissions.is_tenant(actor):
            raise errors.PermissionDenied()
        flags = flags.filter(entry__applicant_id=actor.pk)
    if run is not None:
        flags = flags.filter(run=run)
    if state in ReverificationFlag.State.values:
        flags = flags.filter(state=state)
    return flags


def reverification_flag_get(*, actor: Any, pk: int) -> ReverificationFlag:
    try:
        flag = reverification_flag_list(actor=actor).filter(pk=pk).first()
    except errors.PermissionDenied:
        raise errors.NotFound() from None
    if flag is None:
        raise errors.NotFound()
    return flag

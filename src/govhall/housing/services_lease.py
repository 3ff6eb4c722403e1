"""Leases, rent and exit: create and sign a lease, issue the month's bills for every active
lease at once, pay a bill (idempotent by the provider's reference), record inspections, end a
lease and give the unit back."""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.core import errors
from govhall.core.audit import audit_record
from govhall.housing import permissions
from govhall.housing.models import (
    Choice,
    HouseholdMember,
    Inspection,
    Lease,
    Payment,
    RentBill,
    Unit,
    WaitingEntry,
)
from govhall.housing.tenancy import LEASED, WAITING, tenancy_push

DEFAULT_TERMS = (
    "一、承租人应按月缴纳租金,逾期未缴的按规定处理。\n"
    "二、承租人不得转租、转借、擅自调换或改变房屋用途。\n"
    "三、承租人应配合入住巡查,爱护房屋及附属设施。\n"
    "四、承租人家庭不再符合保障条件的,应按规定退出。"
)


def _require(allowed: bool) -> None:
    if not allowed:
        raise errors.PermissionDenied()


def lease_months() -> int:
    return int(getattr(settings, "GOVHALL_HOUSING_LEASE_MONTHS", 36))


def rent_due_day() -> int:
    return min(28, max(1, int(getattr(settings, "GOVHALL_HOUSING_RENT_DUE_DAY", 15))))


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, 28))


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


@transaction.atomic
def lease_create(
    *, actor: Any, choice: Choice, start: dt.date, terms: str = "", months: int | None = None
) -> Lease:
    """Draw up the lease for a chosen unit; the tenant signs it."""
    _require(permissions.can_manage(actor))
    choice = Choice.objects.select_related("unit", "entry").get(pk=choice.pk)
    unit = Unit.objects.select_for_update().get(pk=choice.unit_id)
    if (
        unit.state != Unit.State.RESERVED
        or Lease.objects.filter(
            entry=choice.entry, state__in=[Lease.State.DRAFT, Lease.State.ACTIVE]
        ).exists()
    ):
        raise errors.Conflict(_("该选房结果已签订合同或房源状态已变更。"), code="lease_exists")
    end = add_months(start, months or lease_months()) - dt.timedelta(days=1)
    lease = Lease.objects.create(
        entry=choice.entry,
        tenant_id=choice.entry.applicant_id,
        unit=unit,
        number=f"GZF{start:%Y}{secrets.token_hex(4).upper()}",
        start=start,
        end=end,
        monthly_rent=unit.monthly_rent,
        terms=terms or DEFAULT_TERMS,
    )
    audit_record(actor=actor, action="housing.lease_create", obj=lease)
    return lease


@transaction.atomic
def lease_sign(*, actor: Any, lease: Lease) -> Lease:
    lease = Lease.objects.select_for_update().get(pk=lease.pk)
    if lease.tenant_id != getattr(actor, "pk", None):
        raise errors.NotFound()
    if lease.state != Lease.State.DRAFT:
        raise errors.Conflict(_("合同已签订。"), code="lease_signed")
    lease.state = Lease.State.ACTIVE
    lease.signed_at = timezone.now()
    lease.save(update_fields=["state", "signed_at", "updated_at"])
    Unit.objects.filter(pk=lease.unit_id).update(state=Unit.State.LET)
    tenancy_push(
        entry_id=lease.entry_id,
        member_ids=household_member_ids(lease.entry_id),
        status=LEASED,
        since=lease.start,
    )
    audit_record(actor=actor, action="housing.lease_sign", obj=lease)
    return lease


@transaction.atomic
def rent_bills_issue(*, actor: Any, month: dt.date) -> int:
    """One bill per active lease running in ``month``; a second run creates nothing."""
    if actor is not None:
        _require(permissions.can_manage(actor))
    first = month_start(month)
    last = add_months(first, 1) - dt.timedelta(days=1)
    leases = (
        Lease.objects.filter(state=Lease.State.ACTIVE, start__lte=last, end__gte=first)
        .exclude(bills__month=first)
        .values_list("pk", "monthly_rent")
    )
    due = first.replace(day=rent_due_day())
    bills = [RentBill(lease_id=pk, month=first, amount=rent, due_date=due) for pk, rent in leases]
    if not bills:
        return 0
    RentBill.objects.bulk_create(bills, ignore_conflicts=True, batch_size=1000)
    audit_record(
        actor=actor,
        action="housing.rent_bills_issue",
        object_type="housing.rentbill",
        extra={"month": first.isoformat(), "count": len(bills)},
    )
    return len(bills)


def bill_order_number(bill: RentBill) -> str:
    """The order number a payment provider sees for a rent bill."""
    return f"RENT{bill.pk}"


def _payment_record(
    bill: RentBill, *, actor: Any, reference: str, amount: Decimal | None, provider: str
) -> Payment:
    """Apply one payment to a locked bill, once per reference."""
    reference = (reference or "").strip()
    if not reference or len(reference) > 64:
        raise errors.ValidationError(_("支付流水号无效。"), code="bad_reference")
    existing = Payment.objects.filter(reference=reference).first()
    if existing is not None:
        if existing.bill_id != bill.pk:
            raise errors.Conflict(_("支付流水号已用于其他账单。"), code="reference_used")
        return existing  # the same payment reported again
    if bill.state != RentBill.State.UNPAID:
        raise errors.Conflict(_("该账单已缴清,请勿重复缴费。"), code="bill_paid")
    if amount is not None and Decimal(amount) != bill.amount:
        raise errors.ValidationError(_("缴费金额与账单金额不符。"), code="bad_amount")
    now = timezone.now()
    try:
        with transaction.atomic():
            payment = Payment.objects.create(
                bill=bill, provider=provider, reference=reference, amount=bill.amount, paid_at=now
            )
    except IntegrityError:
        raise errors.Conflict(_("支付流水号已使用。"), code="reference_used") from None
    bill.state = RentBill.State.PAID
    bill.paid_at = now
    bill.payment_reference = reference
    bill.save(update_fields=["state", "paid_at", "payment_reference"])
    audit_record(
        actor=actor,
        action="housing.rent_pay",
        obj=bill,
        after={"reference": reference, "amount": f"{bill.amount}", "provider": provider},
    )
    return payment


@transaction.atomic
def rent_pay(
    *,
    actor: Any,
    bill: RentBill,
    reference: str,
    amount: Decimal | None = None,
    provider: str = "simulated",
) -> Payment:
    """The tenant pays their bill. The same reference again returns the same payment; another
    payment of a bill already paid is a conflict."""
    bill = RentBill.objects.select_for_update().select_related("lease").get(pk=bill.pk)
    if bill.lease.tenant_id != getattr(actor, "pk", None):
        raise errors.NotFound()
    return _payment_record(bill, actor=actor, reference=reference, amount=amount, provider=provider)


@transaction.atomic
def rent_payment_confirm(*, provider_name: str, data: dict[str, Any]) -> Payment:
    """A payment provider's signed callback for a rent bill (order ``RENT<bill id>``); repeated
    callbacks change nothing (the cases app's provider plugins verify the signature)."""
    from govhall.cases.contrib.payments import provider_get

    callback = provider_get(provider_name).verify(data)
    bill_id = callback.order_number.removeprefix("RENT")
    bill = (
        RentBill.objects.select_for_update().filter(pk=int(bill_id)).first()
        if callback.order_number.startswith("RENT") and bill_id.isdigit()
        else None
    )
    if bill is None:
        raise errors.NotFound(_("账单不存在。"), code="bill_not_found")
    return _payment_record(
        bill,
        actor="payment:" + provider_name,
        reference=callback.provider_ref,
        amount=callback.amount,
        provider=provider_name,
    )


@transaction.atomic
def inspection_record(
    *, actor: Any, lease: Lease, date: dt.date, findings: str, outcome: str
) -> Inspection:
    _require(permissions.can_manage(actor))
    if outcome not in Inspection.Outcome.values:
        raise errors.ValidationError(_("巡查结论无效。"), code="bad_outcome")
    if not findings.strip():
        raise errors.ValidationError(_("请填写巡查情况。"), code="no_findings")
    lease = Lease.objects.get(pk=lease.pk)
    if lease.state != Lease.State.ACTIVE:
        raise errors.Conflict(_("只能巡查履约中的合同。"), code="lease_not_active")
    inspection = Inspection.objects.create(
        lease=lease, date=date, inspector=actor, findings=findings.strip(), outcome=outcome
    )
    audit_record(actor=actor, action="housing.inspection_record", obj=inspection)
    return inspection


@transaction.atomic
def lease_end(*, actor: Any, lease: Lease, reason: str, ended_on: dt.date | None = None) -> Lease:
    """Exit: the lease ends, the household leaves the list, the unit is available again."""
    _require(permissions.can_manage(actor))
    if not reason.strip():
        raise errors.ValidationError(_("请填写退租原因。"), code="no_reason")
    lease = Lease.objects.select_for_update().get(pk=lease.pk)
    if lease.state == Lease.State.ENDED:
        raise errors.Conflict(_("合同已终止。"), code="lease_ended")
    was_active = lease.state == Lease.State.ACTIVE
    lease.state = Lease.State.ENDED
    lease.ended_on = ended_on or timezone.localdate()
    lease.end_reason = reason.strip()[:200]
    lease.save(update_fields=["state", "ended_on", "end_reason", "updated_at"])
    Unit.objects.filter(pk=lease.unit_id).update(state=Unit.State.AVAILABLE)
    WaitingEntry.objects.filter(pk=lease.entry_id).update(
        state=WaitingEntry.State.REMOVED, rank=None
    )
    members = household_member_ids(lease.entry_id)
    HouseholdMember.objects.filter(entry_id=lease.entry_id).delete()
    tenancy_push(
        entry_id=lease.entry_id,
        member_ids=members,
        status=LEASED if was_active else WAITING,
        since=lease.start if was_active else timezone.localdate(lease.entry.created_at),
        ended=True,
    )
    audit_record(actor=actor, action="housing.lease_end", obj=lease, extra={"reason": reason})
    return lease


def household_member_ids(entry_id: int) -> list[str]:
    return list(
        HouseholdMember.objects.filter(entry_id=entry_id)
        .order_by("pk")
        .values_list("id_number", flat=True)
    )


def unpaid_past_due() -> Q:
    return Q(state=RentBill.State.UNPAID, due_date__lt=timezone.localdate())

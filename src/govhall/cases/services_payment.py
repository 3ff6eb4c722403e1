"""Fees: the payment order a case waits for, paid through a provider plugin or waived.

An order is created when the process's fee step approves (``workflow.Process.fee_step``), from the
item version's fee items (the amount is the first figure in yuan of each item's standard); the case
cannot be completed while an order is pending. A provider's callback may arrive any number of times:
the first marks the order paid, the others change nothing; a second, different payment of a paid
order is refused (409) so that the payer can be refunded.
"""

from __future__ import annotations

import re
import secrets
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.cases import permissions
from govhall.cases.contrib.payments import PaymentStart, provider_get
from govhall.cases.models import Case, PaymentOrder
from govhall.core import errors
from govhall.core.audit import audit_record

YUAN = re.compile(r"(\d+(?:\.\d{1,2})?)\s*元")


def fee_amount(standard: str) -> Decimal:
    match = YUAN.search(standard or "")
    try:
        return Decimal(match.group(1)) if match else Decimal("0")
    except InvalidOperation:
        return Decimal("0")


def payment_order_create(case: Case) -> PaymentOrder | None:
    """The case's payment order (inside the approving transaction); None when nothing is due."""
    version = case.version
    if not version.fee_charged:
        return None
    items = [
        {
            "name": fee.get("name", ""),
            "standard": fee.get("standard", ""),
            "amount": f"{fee_amount(fee.get('standard', ''))}",
            "waivable": bool(fee.get("waivable")),
        }
        for fee in version.fees or []
    ]
    amount = sum((Decimal(item["amount"]) for item in items), Decimal("0"))
    if amount <= 0 or case.payments.exclude(state=PaymentOrder.State.CANCELLED).exists():
        return None
    return PaymentOrder.objects.create(
        case=case,
        number=f"JF{case.number[-14:]}{secrets.randbelow(10**4):04d}",
        amount=amount,
        items=items,
    )


def payment_outstanding(case: Case) -> bool:
    return case.payments.filter(state=PaymentOrder.State.PENDING).exists()


def _order_of(actor: Any, case: Case, order_number: str) -> PaymentOrder:
    order = case.payments.filter(number=order_number).first()
    if order is None:
        raise errors.NotFound(_("缴费单不存在。"), code="payment_not_found")
    return order


@transaction.atomic
def payment_start(*, actor: Any, case: Case, order_number: str) -> PaymentStart:
    """The applicant starts paying: the provider answers where to go."""
    if not permissions.can_withdraw(actor, case):
        raise errors.NotFound(_("缴费单不存在。"), code="payment_not_found")
    order = PaymentOrder.objects.select_for_update().get(pk=_order_of(actor, case, order_number).pk)
    if order.state != PaymentOrder.State.PENDING:
        raise errors.Conflict(
            _("该缴费单已%(state)s。") % {"state": order.get_state_display()},
            code="payment_not_pending",
        )
    provider = provider_get()
    start = provider.start(order)
    order.provider = provider.name
    order.save(update_fields=["provider"])
    audit_record(
        actor=actor,
        action="cases.payment_start",
        obj=order,
        after={"provider": provider.name, "reference": start.provider_ref},
    )
    return start


@transaction.atomic
def payment_confirm(*, provider_name: str, data: dict[str, Any]) -> PaymentOrder:
    """A provider's callback: verified, then applied exactly once."""
    callback = provider_get(provider_name).verify(data)
    order = (
        PaymentOrder.objects.select_for_update()
        .select_related("case")
        .filter(number=callback.order_number)
        .first()
    )
    if order is None:
        raise errors.NotFound(_("缴费单不存在。"), code="payment_not_found")
    if order.provider and order.provider != provider_name:
        raise errors.ValidationError(_("支付渠道与缴费单不符。"), code="payment_provider_mismatch")
    if order.state == PaymentOrder.State.PAID:
        if order.provider_ref == callback.provider_ref:
            return order  # the same payment reported again
        raise errors.Conflict(_("该缴费单已缴费,重复支付将原路退回。"), code="payment_duplicate")
    if order.state != PaymentOrder.State.PENDING:
        raise errors.Conflict(
            _("该缴费单已%(state)s。") % {"state": order.get_state_display()},
            code="payment_not_pending",
        )
    if callback.amount != order.amount:
        raise errors.ValidationError(_("支付金额与缴费单不符。"), code="payment_amount")
    order.state = PaymentOrder.State.PAID
    order.provider = provider_name
    order.provider_ref = callback.provider_ref
    order.paid_at = timezone.now()
    order.save(update_fields=["state", "provider", "provider_ref", "paid_at"])
    audit_record(
        actor="payment:" + provider_name,
        action="cases.payment_confirm",
        obj=order,
        after={"reference": callback.provider_ref, "amount": f"{order.amount}"},
    )
    from govhall.cases.notify import notify_case

    case = Case.objects.get(pk=order.case_id)
    notify_case(case, "paid", amount=f"{order.amount}")
    return order


@transaction.atomic
def payment_waive(*, actor: Any, case: Case, order_number: str, reason: str) -> PaymentOrder:
    """Waive a fee (减免) where every fee item may be waived, with the legal reason recorded."""
    if not permissions.can_waive(actor, case):
        raise errors.PermissionDenied(_("减免须由主办部门审批岗批准。"), code="not_approver")
    order = PaymentOrder.objects.select_for_update().get(pk=_order_of(actor, case, order_number).pk)
    if order.state != PaymentOrder.State.PENDING:
        raise errors.Conflict(
            _("该缴费单已%(state)s。") % {"state": order.get_state_display()},
            code="payment_not_pending",
        )
    reason = (reason or "").strip()
    if not reason:
        raise errors.ValidationError(
            _("请填写减免依据。"), code="reason_required", fields={"reason": [_("必填")]}
        )
    if not all(item.get("waivable") for item in order.items):
        raise errors.ValidationError(_("该收费项目依法不可减免。"), code="not_waivable")
    order.state = PaymentOrder.State.WAIVED
    order.waiver_reason = reason[:300]
    order.waived_by = actor
    order.save(update_fields=["state", "waiver_reason", "waived_by"])
    audit_record(actor=actor, action="cases.payment_waive", obj=order, after={"reason": reason})
    return order

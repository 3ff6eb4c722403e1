"""Delivery of the result (and of paper materials): window pickup or express mail both ways."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.cases import permissions
from govhall.cases.contrib.carriers import carrier_get
from govhall.cases.engine import case_lock, transition
from govhall.cases.models import Case, Delivery
from govhall.cases.notify import notify_case
from govhall.core import errors
from govhall.core.audit import audit_record


def _outbound(case: Case) -> Delivery:
    delivery = (
        Delivery.objects.select_for_update()
        .filter(case=case, direction=Delivery.Direction.OUTBOUND)
        .order_by("-id")
        .first()
    )
    if delivery is None:
        raise errors.Conflict(_("办件尚未办结,没有待送达的结果。"), code="nothing_to_deliver")
    return delivery


@transaction.atomic
def delivery_ship(*, actor: Any, case: Case, tracking_number: str) -> Delivery:
    """Express mail: the result handed to the carrier with its tracking number."""
    case = case_lock(case)
    if not permissions.can_record_delivery(actor, case):
        raise errors.PermissionDenied(_("只有主办部门可以登记寄递。"), code="not_handler")
    delivery = _outbound(case)
    if delivery.method != Delivery.Method.EXPRESS:
        raise errors.Conflict(_("申请人选择窗口领取,无需寄递。"), code="not_express")
    if delivery.state != Delivery.State.WAITING:
        raise errors.Conflict(_("办理结果已寄出。"), code="already_shipped")
    carrier = carrier_get()
    delivery.tracking_number = carrier.tracking_number(tracking_number)
    delivery.carrier = carrier.name
    delivery.state = Delivery.State.SHIPPED
    delivery.shipped_at = timezone.now()
    delivery.recorded_by = actor
    delivery.save()
    transition(
        case,
        action="ship",
        actor=actor,
        data={"carrier": carrier.label, "tracking_number": delivery.tracking_number},
    )
    audit_record(
        actor=actor,
        action="cases.delivery_ship",
        obj=delivery,
        after={"tracking_number": delivery.tracking_number},
    )
    notify_case(case, "shipped", carrier=carrier.label, tracking=delivery.tracking_number)
    return delivery


@transaction.atomic
def delivery_confirm(*, actor: Any, case: Case) -> Delivery:
    """The result reached the applicant: collected at the window, or delivered by the carrier."""
    case = case_lock(case)
    if not permissions.can_record_delivery(actor, case):
        raise errors.PermissionDenied(_("只有主办部门可以登记送达。"), code="not_handler")
    delivery = _outbound(case)
    if delivery.state == Delivery.State.DELIVERED:
        raise errors.Conflict(_("办理结果已送达。"), code="already_delivered")
    if delivery.method == Delivery.Method.EXPRESS and delivery.state != Delivery.State.SHIPPED:
        raise errors.Conflict(_("请先登记寄出的运单号。"), code="not_shipped")
    delivery.state = Delivery.State.DELIVERED
    delivery.delivered_at = timezone.now()
    delivery.recorded_by = actor
    delivery.save()
    transition(case, action="deliver", actor=actor, data={"method": delivery.method})
    audit_record(actor=actor, action="cases.delivery_confirm", obj=delivery)
    notify_case(case, "delivered")
    return delivery


@transaction.atomic
def delivery_inbound_register(*, actor: Any, case: Case, tracking_number: str) -> Delivery:
    """The applicant mails paper materials (免费寄递) and records the tracking number."""
    case = case_lock(case)
    if not permissions.can_withdraw(actor, case):
        raise errors.NotFound(_("办件不存在。"), code="case_not_found")
    if not case.is_open:
        raise errors.Conflict(_("办件已办结。"), code="case_closed")
    carrier = carrier_get()
    delivery = Delivery.objects.create(
        case=case,
        direction=Delivery.Direction.INBOUND,
        method=Delivery.Method.EXPRESS,
        state=Delivery.State.SHIPPED,
        carrier=carrier.name,
        tracking_number=carrier.tracking_number(tracking_number),
        shipped_at=timezone.now(),
        recorded_by=actor,
    )
    transition(
        case,
        action="mail-materials",
        actor=actor,
        data={"tracking_number": delivery.tracking_number},
    )
    audit_record(actor=actor, action="cases.delivery_inbound", obj=delivery)
    return delivery

"""State changes of supervision: what supervisors do with alerts and accountability records,
and the thresholds. Each service is atomic, checks permissions, and writes its audit row last."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.catalog.models import Item
from govhall.core import errors
from govhall.core.audit import audit_record
from govhall.supervision import followups, permissions
from govhall.supervision.models import Accountability, Alert, AlertComment, Threshold

MAX_TEXT = 2000
MIN_REASON = 2


def _text(value: str, *, field: str, required: bool) -> str:
    text = (value or "").strip()
    if required and not text:
        message = _("请填写内容。")
        raise errors.ValidationError(message, code="required", fields={field: [message]})
    if len(text) > MAX_TEXT:
        message = _("内容不能超过 %(n)s 个字。") % {"n": MAX_TEXT}
        raise errors.ValidationError(message, code="too_long", fields={field: [message]})
    return text


def _require_supervisor(actor: Any) -> None:
    if not permissions.can_supervise(actor):
        raise errors.PermissionDenied(_("只有监察人员可以执行此操作。"), code="not_supervisor")


def _locked(alert: Alert) -> Alert:
    return Alert.objects.select_for_update().get(pk=alert.pk)


def _comment(alert: Alert, actor: Any, action: str, text: str) -> AlertComment:
    return AlertComment.objects.create(
        alert=alert, action=action, text=text, actor=actor, actor_name=actor.name or str(actor)
    )


@transaction.atomic
def alert_acknowledge(*, actor: Any, alert: Alert, text: str = "") -> Alert:
    """签收: the supervisor has seen the alert (open → acknowledged)."""
    _require_supervisor(actor)
    text = _text(text, field="text", required=False)
    alert = _locked(alert)
    if alert.state != Alert.State.OPEN:
        raise errors.Conflict(_("只有待处理的预警可以签收。"), code="invalid_state")
    alert.state = Alert.State.ACKNOWLEDGED
    alert.save(update_fields=["state"])
    _comment(alert, actor, AlertComment.Action.ACKNOWLEDGE, text)
    audit_record(actor=actor, action="supervision.alert_acknowledge", obj=alert)
    return alert


@transaction.atomic
def alert_comment(*, actor: Any, alert: Alert, text: str) -> AlertComment:
    """批注: a note on the alert's history (any state)."""
    _require_supervisor(actor)
    text = _text(text, field="text", required=True)
    comment = _comment(_locked(alert), actor, AlertComment.Action.COMMENT, text)
    audit_record(actor=actor, action="supervision.alert_comment", obj=alert)
    return comment


@transaction.atomic
def alert_escalate(*, actor: Any, alert: Alert, text: str) -> Alert:
    """升级督办: the alert becomes escalated and an accountability record opens for it (if it has
    none yet); the department head and the region's supervisors are told."""
    _require_supervisor(actor)
    text = _text(text, field="text", required=True)
    alert = _locked(alert)
    if alert.state == Alert.State.ESCALATED:
        raise errors.Conflict(_("该预警已升级督办。"), code="invalid_state")
    alert.state = Alert.State.ESCALATED
    alert.save(update_fields=["state"])
    _comment(alert, actor, AlertComment.Action.ESCALATE, text)
    now = timezone.now()
    if not Accountability.objects.filter(alert=alert).exists():
        _open(alert, actor=actor, findings=text, situation_code="escalated", now=now)
    followups.alerts_notify(Alert.objects.filter(pk=alert.pk), now)
    audit_record(actor=actor, action="supervision.alert_escalate", obj=alert)
    return alert


def _open(
    alert: Alert, *, actor: Any, findings: str, situation_code: str, now: Any
) -> Accountability:
    responsibility_id = None
    if alert.case_id:
        version_id = alert.case.version_id
        responsibility_id = followups.responsibility_map({(version_id, situation_code)}).get(
            (version_id, situation_code)
        )
    return Accountability.objects.create(
        alert=alert,
        case_id=alert.case_id,
        responsibility_id=responsibility_id,
        department_id=alert.department_id,
        region_code=alert.region_code,
        situation=str(followups.SITUATIONS.get(situation_code, situation_code)),
        findings=findings,
        opened_at=now,
        opened_by=actor,
    )


@transaction.atomic
def accountability_open(*, actor: Any, alert: Alert, findings: str) -> Accountability:
    """立案: open an accountability record for an alert (409 when it has one)."""
    _require_supervisor(actor)
    findings = _text(findings, field="findings", required=True)
    alert = _locked(alert)
    if Accountability.objects.filter(alert=alert).exists():
        raise errors.Conflict(_("该预警已有追责记录。"), code="already_open")
    code = alert.rule_code if alert.kind == Alert.Kind.RULE else ""
    record = _open(alert, actor=actor, findings=findings, situation_code=code, now=timezone.now())
    audit_record(actor=actor, action="supervision.accountability_open", obj=record)
    return record


@transaction.atomic
def accountability_decide(
    *, actor: Any, accountability: Accountability, decision: str, reason: str, findings: str = ""
) -> Accountability:
    """认定: confirmed (追责) or dismissed (不予追责, with a reason)."""
    _require_supervisor(actor)
    if decision not in (Accountability.State.CONFIRMED, Accountability.State.DISMISSED):
        message = _("请选择认定结果。")
        raise errors.ValidationError(message, code="invalid", fields={"decision": [message]})
    reason = _text(reason, field="reason", required=decision == Accountability.State.DISMISSED)
    findings = _text(findings, field="findings", required=False)
    record = Accountability.objects.select_for_update().get(pk=accountability.pk)
    if record.state != Accountability.State.OPEN:
        raise errors.Conflict(_("该追责记录已认定。"), code="invalid_state")
    record.state = decision
    record.reason = reason
    if findings:
        record.findings = findings
    record.decided_at = timezone.now()
    record.decided_by = actor
    record.save(update_fields=["state", "reason", "findings", "decided_at", "decided_by"])
    audit_record(
        actor=actor,
        action="supervision.accountability_decide",
        obj=record,
        after={"state": record.state},
    )
    return record


@transaction.atomic
def threshold_set(
    *,
    actor: Any,
    item: Item | None,
    reminder_fraction: Decimal,
    yellow_days: int,
) -> Threshold:
    """Set the city default (``item=None``) or one item's override (``actor=None``: the system,
    e.g. the demo loader)."""
    if actor is not None and not permissions.can_manage_thresholds(actor):
        raise errors.PermissionDenied()
    if not (Decimal("0.01") <= Decimal(reminder_fraction) <= Decimal("1")) or not (
        0 <= int(yellow_days) <= 60
    ):
        raise errors.ValidationError(_("阈值超出范围。"), code="invalid_threshold")
    threshold, _created = Threshold.objects.update_or_create(
        item=item,
        defaults={"reminder_fraction": reminder_fraction, "yellow_days": yellow_days},
    )
    audit_record(
        actor=actor,
        action="supervision.threshold_set",
        obj=threshold,
        after={"reminder_fraction": str(reminder_fraction), "yellow_days": yellow_days},
    )
    return threshold

"""Alerts and accountability records as plain dicts, for the API and the pages alike. The
applicant is always masked here: supervision never needs the full name or ID number."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy

from govhall.core.identifiers import mask_id_number, mask_name
from govhall.supervision.followups import SITUATIONS
from govhall.supervision.models import Accountability, Alert, AlertComment
from govhall.supervision.sources import deadline_source

RULE_LABELS = {code: label for code, label in SITUATIONS.items() if code}
RULE_SOURCES = {"case_event": gettext_lazy("办理意见"), "payment": gettext_lazy("收费")}


def source_label(name: str) -> str:
    source = deadline_source(name)
    return str(source.label if source else RULE_SOURCES.get(name, name))


def _case_fields(case: Any) -> dict[str, Any]:
    if case is None:
        return {"case_number": "", "item_name": "", "applicant": "", "applicant_key": ""}
    return {
        "case_number": case.number,
        "item_name": case.item_name,
        "applicant": mask_name(case.applicant_name),
        "applicant_key": mask_id_number(case.applicant_key),
    }


def alert_row(alert: Alert) -> dict[str, Any]:
    return {
        "id": alert.pk,
        "level": alert.level,
        "level_label": alert.get_level_display(),
        "kind": alert.kind,
        "rule_code": alert.rule_code,
        "rule_label": str(RULE_LABELS.get(alert.rule_code, alert.rule_code)),
        "source": alert.source,
        "source_id": alert.source_id,
        "source_label": source_label(alert.source),
        "state": alert.state,
        "state_label": alert.get_state_display(),
        **_case_fields(alert.case),
        "department": alert.department.name if alert.department_id else "",
        "department_id": alert.department_id,
        "item_id": alert.item_id,
        "region_code": alert.region_code,
        "post": alert.post.name if alert.post_id else "",
        "post_id": alert.post_id,
        "handler": alert.handler.name if alert.handler_id else "",
        "due_date": alert.due_date,
        "detail": alert.detail,
        "raised_at": alert.raised_at,
        "resolved_at": alert.resolved_at,
    }


def case_url(alert: Alert) -> str:
    if alert.case_id:
        return reverse("cases:case_detail", args=[alert.case.number])
    source = deadline_source(alert.source)
    return source.url(alert.source_id) if source and source.url else ""


def comment_row(comment: AlertComment) -> dict[str, Any]:
    return {
        "action": comment.action,
        "action_label": comment.get_action_display(),
        "text": comment.text,
        "actor": comment.actor_name,
        "at": comment.at,
    }


def accountability_row(record: Accountability) -> dict[str, Any]:
    responsibility = record.responsibility
    return {
        "id": record.pk,
        "state": record.state,
        "state_label": record.get_state_display(),
        "alert_id": record.alert_id,
        **_case_fields(record.case),
        "department": record.department.name,
        "department_id": record.department_id,
        "region_code": record.region_code,
        "situation": record.situation,
        "findings": record.findings,
        "reason": record.reason,
        "opened_at": record.opened_at,
        "decided_at": record.decided_at,
        "decided_by": record.decided_by.name if record.decided_by_id else "",
        "responsibility": {
            "id": responsibility.pk,
            "matter": responsibility.matter,
            "situations": responsibility.situations,
            "accountable_body": responsibility.accountable_body,
            "basis": responsibility.basis,
            "liability": responsibility.liability,
        }
        if responsibility
        else None,
    }

"""Plain dicts of applications, cases, tasks and history for the API and the pages (one place,
so both show the same facts and mask the same way)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from govhall.cases import permissions
from govhall.cases.engine import action_label
from govhall.cases.models import Application, Case, Task
from govhall.cases.selectors import case_timeline
from govhall.cases.selectors_publicity import case_publicity
from govhall.cases.services_apply import material_states
from govhall.core.identifiers import mask_id_number


def application_payload(application: Application, *, brief: bool = False) -> dict[str, Any]:
    case = getattr(application, "case", None) if application.state == "submitted" else None
    data: dict[str, Any] = {
        "id": application.pk,
        "item": application.item.implementation_code,
        "item_name": application.version.name,
        "state": application.state,
        "applicant": application.applicant.name,
        "created_at": application.created_at,
        "updated_at": application.updated_at,
        "case_number": case.number if case else None,
    }
    if brief:
        return data
    data.update(
        {
            "form": application.form,
            "sources": application.prefill.get("sources", {}),
            "prereview_opinion": application.prereview_opinion,
            "materials": [
                {
                    "id": state.material.pk,
                    "name": state.material.name,
                    "necessity": state.material.necessity,
                    "satisfied": state.satisfied,
                    "by_form": state.by_form,
                    "missing": state.missing,
                    "uploads": [
                        {
                            "id": u.pk,
                            "name": u.original_name,
                            "kind": u.kind,
                            "size": u.size,
                            "pages": u.pages,
                            "round": u.round,
                        }
                        for u in state.uploads
                    ],
                }
                for state in material_states(application)
            ],
        }
    )
    return data


def _days_left(due: Any) -> int | None:
    if due is None:
        return None
    return (due - timezone.localdate()).days


def deadline_colour(due: Any, *, open_: bool = True) -> str:
    """green (on track), yellow (due within a day), red (overdue), grey (closed)."""
    if not open_ or due is None:
        return "grey"
    left = _days_left(due)
    if left < 0:
        return "red"
    return "yellow" if left <= 1 else "green"


def case_row(row: dict[str, Any]) -> dict[str, Any]:
    """One line of a case list (from ``.values(*CASE_LIST_FIELDS)``)."""
    status = row["status"]
    return {
        "number": row["number"],
        "item_name": row["item_name"],
        "applicant": row["applicant_name"],
        "department": row["department__name"],
        "status": status,
        "status_label": str(Case.Status(status).label),
        "step": row["step"],
        "received_at": row["received_at"],
        "due_date": row["due_date"],
        "closed_at": row["closed_at"],
        "deadline": deadline_colour(row["due_date"], open_=row["closed_at"] is None),
    }


def task_row(task: Task) -> dict[str, Any]:
    return {
        "id": task.pk,
        "case_number": task.case.number,
        "item_name": task.case.item_name,
        "applicant": task.case.applicant_name,
        "step": task.step,
        "step_name": task.step_name,
        "kind": task.kind,
        "department": task.department.name,
        "post": task.post_id,
        "state": task.state,
        "opened_at": task.opened_at,
        "due_date": task.due_date,
        "closed_at": task.closed_at,
        "outcome": task.outcome,
        "deadline": deadline_colour(task.due_date, open_=task.state == Task.State.OPEN),
    }


def timeline_rows(case: Case) -> list[dict[str, Any]]:
    return [
        {
            "seq": event.seq,
            "at": event.at,
            "action": event.action,
            "action_label": action_label(event.action),
            "actor": event.actor_name,
            "department": event.department.name if event.department else "",
            "step": event.step,
            "step_name": event.step_name,
            "status": event.status_after,
            "opinion": event.opinion,
            "due_date": event.due_date,
            "data": event.data,
        }
        for event in case_timeline(case=case)
    ]


def case_detail_payload(case: Case, *, actor: Any) -> dict[str, Any]:
    full = permissions.can_view_applicant_data(actor, case)
    return {
        "number": case.number,
        "item": case.item.implementation_code,
        "item_name": case.item_name,
        "department": case.department.name,
        "applicant": case.applicant_name,
        "applicant_key": case.applicant_key if full else mask_id_number(case.applicant_key),
        "query_password": case.query_password if actor.pk == case.applicant_id else None,
        "status": case.status,
        "status_label": case.get_status_display(),
        "step": case.step,
        "revision": case.revision,
        "instant": case.instant,
        "received_at": case.received_at,
        "correction_due": case.correction_due,
        "accepted_at": case.accepted_at,
        "deemed_accepted": case.deemed_accepted,
        "promised_days": case.promised_days,
        "extension_days": case.extension_days,
        "stopped_days": case.stopped_days,
        "due_date": case.due_date,
        "statutory_due_date": case.statutory_due_date,
        "closed_at": case.closed_at,
        "on_time": case.on_time,
        "deadline": deadline_colour(case.due_date, open_=case.is_open),
        "delivery_method": case.delivery_method,
        "tasks": [task_row(task) for task in case.tasks.select_related("case", "department")],
        "notices": [
            {
                "id": n.pk,
                "kind": n.kind,
                "title": n.content.get("title", ""),
                "number": n.number,
                "issued_at": n.issued_at,
                "url": reverse(
                    "api:case-notice", kwargs={"number": case.number, "notice_id": n.pk}
                ),
            }
            for n in case.notices.all()
        ],
        "payments": [
            {
                "number": p.number,
                "amount": f"{p.amount}",
                "state": p.state,
                "items": p.items,
                "paid_at": p.paid_at,
                "waiver_reason": p.waiver_reason,
            }
            for p in case.payments.all()
        ],
        "deliveries": [
            {
                "direction": d.direction,
                "method": d.method,
                "state": d.state,
                "carrier": d.carrier,
                "tracking_number": d.tracking_number,
                "shipped_at": d.shipped_at,
                "delivered_at": d.delivered_at,
            }
            for d in case.deliveries.all()
        ],
        "stops": [
            {
                "kind": s.kind,
                "reason": s.reason,
                "started_on": s.started_on,
                "ended_on": s.ended_on,
                "result": s.result,
                "working_days": s.working_days,
            }
            for s in case.stops.all()
        ],
        # 公示: period, state, outcome; staff also the objections
        "publicity": case_publicity(actor=actor, case=case),
    }

"""Reads of public notices (公示) and their objections.

The public list shows what a notice board would: item, masked applicant, department, period and
text; never the case number, ID numbers or the form. Objections are seen by whoever sees the case
as staff (the handlers act on them), by their own authors, and counted for the applicant.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.accounts import permissions as account_permissions
from govhall.cases import permissions
from govhall.cases.models import Case, Objection, PublicityNotice
from govhall.core import errors
from govhall.core.identifiers import mask_name, mask_phone


def publicity_current(*, today: dt.date | None = None) -> QuerySet[PublicityNotice]:
    """Notices running today, the ones ending soonest first."""
    today = today or timezone.localdate()
    return (
        PublicityNotice.objects.filter(
            state=PublicityNotice.State.OPEN, starts_on__lte=today, ends_on__gte=today
        )
        .select_related("department")
        .order_by("ends_on", "id")
    )


def publicity_get_public(*, notice_id: int) -> PublicityNotice:
    notice = publicity_current().filter(pk=notice_id).first()
    if notice is None:
        raise errors.NotFound(_("公示不存在或已结束。"), code="publicity_not_found")
    return notice


def notice_row(notice: PublicityNotice) -> dict[str, Any]:
    return {
        "id": notice.pk,
        "item_name": notice.item_name,
        "applicant": notice.applicant_masked,
        "department": notice.department.name,
        "step_name": notice.step_name,
        "starts_on": notice.starts_on,
        "ends_on": notice.ends_on,
        "text": notice.text,
    }


def my_objections(*, actor: Any) -> QuerySet[Objection]:
    if not account_permissions.is_authenticated_user(actor):
        return Objection.objects.none()
    return (
        Objection.objects.filter(author_id=actor.pk)
        .select_related("notice")
        .order_by("-created_at", "-id")
    )


def objection_row(objection: Objection, *, full: bool) -> dict[str, Any]:
    """``full``: the handlers see who objected (to call back); others the masked name."""
    return {
        "id": objection.pk,
        "name": objection.name if full else mask_name(objection.name),
        "phone": objection.phone if full else mask_phone(objection.phone),
        "text": objection.text,
        "created_at": objection.created_at,
        "state": objection.state,
        "state_label": objection.get_state_display(),
        "reply": objection.reply,
        "handled_at": objection.handled_at,
        "handled_by": objection.handled_by.name if objection.handled_by_id else "",
    }


def case_publicity(*, actor: Any, case: Case) -> list[dict[str, Any]]:
    """The case's notices for its page (the case is visible to ``actor`` already). Staff see
    the objections; the applicant and agent see the period, state and counts only."""
    notices = (
        case.publicity.select_related("department")
        .annotate(
            objection_count=Count("objections"),
            upheld_count=Count("objections", filter=Q(objections__state=Objection.State.UPHELD)),
        )
        .order_by("id")
    )
    staff = account_permissions.is_department_staff(actor) or account_permissions.is_system_admin(
        actor
    )
    rows = []
    for notice in notices:
        handler = permissions.can_handle_objections(actor, notice)
        row = {
            **notice_row(notice),
            "state": notice.state,
            "state_label": notice.get_state_display(),
            "outcome": notice.outcome,
            "closed_at": notice.closed_at,
            "objection_count": notice.objection_count,
            "upheld_count": notice.upheld_count,
            "can_handle": handler and notice.state == PublicityNotice.State.OPEN,
            "objections": [],
        }
        if staff:
            full = permissions.can_view_applicant_data(actor, case)
            row["objections"] = [
                objection_row(o, full=full)
                for o in notice.objections.select_related("handled_by").order_by("created_at")
            ]
        rows.append(row)
    return rows

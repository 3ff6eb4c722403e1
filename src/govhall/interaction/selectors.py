"""Reads of evaluations, rectifications, tickets and FAQ entries, each scoped to the actor.

What the actor may not see answers 404, exactly like what does not exist.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from govhall.accounts import permissions as account_permissions
from govhall.cases.models import Case
from govhall.core import errors
from govhall.interaction import permissions
from govhall.interaction.models import Evaluation, Faq, Rectification, Satisfaction, Ticket
from govhall.interaction.satisfaction import BAD, GOOD
from govhall.interaction.services_evaluation import RATEABLE


def evaluation_case_get(*, actor: Any, number: str) -> Case:
    """The applicant's own case, for rating (404 for anyone else's)."""
    if not permissions.is_public_person(actor):
        raise errors.NotFound(_("办件不存在。"), code="case_not_found")
    case = Case.objects.filter(number=number, applicant_id=actor.pk).first()
    if case is None:
        raise errors.NotFound(_("办件不存在。"), code="case_not_found")
    return case


def case_by_password(*, number: str, password: str) -> Case:
    """The QR-code rating page: the case number and its query password identify the case."""
    case = Case.objects.select_related("applicant").filter(number=number).first()
    if case is None or not password or case.query_password != password:
        raise errors.NotFound(_("办件编号或查询密码不正确。"), code="case_not_found")
    return case


def evaluations_of_case(case: Case) -> list[Evaluation]:
    return list(Evaluation.objects.filter(case=case).order_by("created_at", "id"))


def evaluation_state(case: Case) -> dict[str, bool]:
    """What the applicant may do next on the completion stage."""
    done = set(
        Evaluation.objects.filter(case=case, stage=Evaluation.Stage.COMPLETION).values_list(
            "is_followup", flat=True
        )
    )
    rateable = case.status in RATEABLE
    return {
        "can_rate": rateable and False not in done,
        "can_follow_up": rateable and False in done and True not in done,
    }


def my_evaluations(*, actor: Any) -> QuerySet[Evaluation]:
    if not permissions.is_public_person(actor):
        return Evaluation.objects.none()
    return Evaluation.objects.filter(applicant_id=actor.pk).select_related("case", "department")


def rectification_queryset(*, actor: Any) -> QuerySet[Rectification]:
    visible = permissions.rectification_visibility(actor)
    if visible is None:
        return Rectification.objects.none()
    return Rectification.objects.filter(visible).select_related("department", "case", "evaluation")


def rectification_get(*, actor: Any, rectification_id: int) -> Rectification:
    rectification = rectification_queryset(actor=actor).filter(pk=rectification_id).first()
    if rectification is None:
        raise errors.NotFound(_("整改记录不存在。"), code="rectification_not_found")
    return rectification


def ticket_queryset(*, actor: Any) -> QuerySet[Ticket]:
    visible = permissions.ticket_visibility(actor)
    if visible is None:
        return Ticket.objects.none()
    return Ticket.objects.filter(visible).select_related("department", "item", "case")


def ticket_get(*, actor: Any, ticket_id: int) -> Ticket:
    ticket = ticket_queryset(actor=actor).filter(pk=ticket_id).first()
    if ticket is None:
        raise errors.NotFound(_("咨询投诉不存在。"), code="ticket_not_found")
    return ticket


def ticket_list(*, actor: Any, kind: str = "", state: str = "") -> QuerySet[Ticket]:
    queryset = ticket_queryset(actor=actor)
    if kind:
        queryset = queryset.filter(kind=kind)
    if state:
        queryset = queryset.filter(state=state)
    return queryset


def faq_list(*, department_id: int | None = None, item_code: str = "") -> QuerySet[Faq]:
    """Public: published entries, optionally of one department or item."""
    queryset = Faq.objects.filter(is_published=True).select_related("department", "item")
    if department_id:
        queryset = queryset.filter(department_id=department_id)
    if item_code:
        queryset = queryset.filter(item__implementation_code=item_code)
    return queryset


def faq_get_for_staff(*, actor: Any, faq_id: int) -> Faq:
    faq = Faq.objects.filter(pk=faq_id).first()
    if faq is None or not account_permissions.acts_for_department(actor, faq.department_id):
        raise errors.NotFound(_("常见问题不存在。"), code="faq_not_found")
    return faq


def department_ratings() -> list[dict[str, Any]]:
    """Published rates per department, one aggregate query: ratings, good rate, bad count and
    the share of bad reviews whose rectification is closed (整改率)."""
    rows = (
        Evaluation.objects.values("department_id", "department__name")
        .annotate(
            total=Count("id"),
            good=Count("id", filter=Q(grade__in=list(GOOD))),
            bad=Count("id", filter=Q(grade__in=list(BAD))),
            very_satisfied=Count("id", filter=Q(grade=Satisfaction.VERY_SATISFIED)),
            rectified=Count(
                "rectification", filter=Q(rectification__state=Rectification.State.CLOSED)
            ),
        )
        .order_by("department__name")
    )
    return [
        {
            "department_id": row["department_id"],
            "department": row["department__name"],
            "count": row["total"],
            "good_rate": round(row["good"] / row["total"], 4) if row["total"] else None,
            "bad_count": row["bad"],
            "rectified_rate": round(row["rectified"] / row["bad"], 4) if row["bad"] else None,
        }
        for row in rows
    ]

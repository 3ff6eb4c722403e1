"""Who may do what with evaluations, rectifications, tickets and FAQ entries.

- Rating: only the case's applicant (not the agent who submitted it: the rating is the served
  person's voice).
- Rectifications: any staff member of the rated department works them; an appeal (申诉复核) is
  decided by a supervisor (监察岗) whose region covers the department, or an administrator.
- Tickets: the person who asked; staff of the department the ticket is routed to; the 12345
  hotline desk (staff holding the acceptance post in one of ``GOVHALL_HOTLINE_DEPARTMENTS``),
  who enter tickets on someone's behalf and route them; administrators read all.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Q

from govhall.accounts import permissions as account_permissions
from govhall.accounts.models import User
from govhall.cases.permissions import department_rows_visibility
from govhall.core.identifiers import region_prefix
from govhall.organizations.models import Post


def is_public_person(actor: Any) -> bool:
    return account_permissions.is_authenticated_user(actor) and actor.kind in {
        User.Kind.CITIZEN,
        User.Kind.ENTERPRISE,
    }


def is_hotline_staff(actor: Any) -> bool:
    if not account_permissions.holds_post(actor, Post.ACCEPTANCE):
        return False
    return actor.department.name in set(settings.GOVHALL_HOTLINE_DEPARTMENTS)


def is_supervisor(actor: Any) -> bool:
    return account_permissions.holds_post(actor, Post.SUPERVISION)


def can_rate(actor: Any, case: Any) -> bool:
    return is_public_person(actor) and case.applicant_id == actor.pk


def can_work_rectification(actor: Any, rectification: Any) -> bool:
    return account_permissions.acts_for_department(actor, rectification.department_id)


def can_review_appeal(actor: Any, rectification: Any) -> bool:
    if account_permissions.is_system_admin(actor):
        return True
    if not is_supervisor(actor):
        return False
    region = rectification.department.region_id
    return region.startswith(region_prefix(actor.department.region_id))


def rectification_visibility(actor: Any) -> Q | None:
    """Filter on Rectification; None = nothing."""
    return department_rows_visibility(actor)


def ticket_visibility(actor: Any) -> Q | None:
    """Filter on Ticket; None = nothing."""
    if not account_permissions.is_authenticated_user(actor):
        return None
    if account_permissions.is_system_admin(actor):
        return Q()
    if is_public_person(actor):
        return Q(person_id=actor.pk)
    if not account_permissions.is_department_staff(actor):
        return None
    if is_hotline_staff(actor):
        return Q()
    return Q(department_id=actor.department_id)


def can_answer_ticket(actor: Any, ticket: Any) -> bool:
    return account_permissions.acts_for_department(actor, ticket.department_id)


def can_route_ticket(actor: Any, ticket: Any) -> bool:
    """The hotline desk routes any ticket; a department hands on one routed to it by mistake."""
    return is_hotline_staff(actor) or can_answer_ticket(actor, ticket)


def can_publish_faq(actor: Any, department_id: int | None) -> bool:
    return account_permissions.acts_for_department(actor, department_id)


def can_use_manage_page(actor: Any) -> bool:
    return account_permissions.is_department_staff(actor) or account_permissions.is_system_admin(
        actor
    )

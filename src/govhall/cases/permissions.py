"""Who may do what with applications and cases. Every rule that depends on the actor is here."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from govhall.accounts import permissions as account_permissions
from govhall.accounts.models import User
from govhall.core.identifiers import region_prefix
from govhall.organizations.models import Post


def is_public_applicant(actor: Any) -> bool:
    return account_permissions.is_authenticated_user(actor) and actor.kind in {
        User.Kind.CITIZEN,
        User.Kind.ENTERPRISE,
    }


def is_agent(actor: Any) -> bool:
    return account_permissions.is_authenticated_user(actor) and actor.kind == User.Kind.AGENT


def can_apply(actor: Any) -> bool:
    return is_public_applicant(actor) or is_agent(actor)


def is_supervisor(actor: Any) -> bool:
    return account_permissions.holds_post(actor, Post.SUPERVISION)


def department_rows_visibility(actor: Any, *, posts: set[str] | None = None) -> Q | None:
    """A filter on rows that carry a ``department``: administrators all, supervisors their
    region's, other staff their own department's (only those holding one of ``posts`` when
    given); None for everybody else."""
    if account_permissions.is_system_admin(actor):
        return Q()
    if not account_permissions.is_department_staff(actor):
        return None
    if is_supervisor(actor):
        return Q(department__region__code__startswith=region_prefix(actor.department.region_id))
    if posts is None or account_permissions.post_codes(actor) & posts:
        return Q(department_id=actor.department_id)
    return None


def case_visibility(actor: Any) -> Q | None:
    """A filter on Case for what the actor may see; None = nothing at all.

    Applicants see their own cases and agents the ones they submitted; staff see the cases of
    their department and those where their department holds a task (parallel approval);
    supervisors see every case in their department's region; system administrators all.
    """
    from govhall.cases.models import Task

    if not account_permissions.is_authenticated_user(actor):
        return None
    if account_permissions.is_system_admin(actor):
        return Q()
    if is_public_applicant(actor):
        return Q(applicant_id=actor.pk)
    if is_agent(actor):
        return Q(agent_id=actor.pk)
    if not account_permissions.is_department_staff(actor):
        return None
    if is_supervisor(actor):
        return Q(region_code__startswith=region_prefix(actor.department.region_id))
    shared = Task.objects.filter(case=OuterRef("pk"), department_id=actor.department_id)
    return Q(department_id=actor.department_id) | Q(Exists(shared))


def can_view_applicant_data(actor: Any, case: Any) -> bool:
    """Unmasked ID numbers and phones: the applicant, their agent, and the handling staff."""
    if not account_permissions.is_authenticated_user(actor):
        return False
    if actor.pk in {case.applicant_id, case.agent_id}:
        return True
    return account_permissions.is_department_staff(actor) and not is_supervisor(actor)


def can_withdraw(actor: Any, case: Any) -> bool:
    return account_permissions.is_authenticated_user(actor) and actor.pk in {
        case.applicant_id,
        case.agent_id,
    }


def can_extend(actor: Any, case: Any) -> bool:
    """The one extension is approved by the handling department's approver (负责人)."""
    return account_permissions.acts_for_department(
        actor, case.department_id
    ) and account_permissions.holds_post(actor, Post.APPROVAL)


def can_waive(actor: Any, case: Any) -> bool:
    return account_permissions.acts_for_department(
        actor, case.department_id
    ) and account_permissions.holds_post(actor, Post.APPROVAL)


def can_record_delivery(actor: Any, case: Any) -> bool:
    return account_permissions.acts_for_department(actor, case.department_id)


def authorization_valid(authorization: Any) -> bool:
    return authorization.revoked_at is None and authorization.valid_until >= timezone.localdate()


def can_object(actor: Any) -> bool:
    """公示异议 are filed by signed-in, real-name persons and enterprises (not staff, not
    agents: an agent's objection would be someone else's)."""
    return is_public_applicant(actor)


def can_handle_objections(actor: Any, notice: Any) -> bool:
    """The staff of the notice's department holding the publicity step's post."""
    return account_permissions.acts_for_department(
        actor, notice.department_id
    ) and account_permissions.holds_post(actor, notice.post_id)


def can_prereview_any(actor: Any) -> bool:
    """Window clerks (受理) pre-review their department's applications."""
    return account_permissions.is_department_staff(actor) and account_permissions.holds_post(
        actor, Post.ACCEPTANCE
    )

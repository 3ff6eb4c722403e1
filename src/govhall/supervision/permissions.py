"""Who may see and do what in supervision. Every rule that depends on the actor is here.

- system administrators: every alert and accountability record, every action;
- supervisors (post ``supervision``): what lies in their department's region (a district's
  supervisors see that district, the city's the whole city), every action there;
- other department staff: their own department's alerts and accountability records, read-only;
- citizens, enterprises, agents, anonymous visitors: nothing.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from govhall.accounts import permissions as account_permissions
from govhall.cases.permissions import is_supervisor
from govhall.core.identifiers import region_prefix


def supervisor_prefix(actor: Any) -> str | None:
    """The region prefix a supervisor watches; None for anyone else."""
    if not is_supervisor(actor) or actor.department is None:
        return None
    return region_prefix(actor.department.region_id)


def visibility(actor: Any) -> Q | None:
    """A filter on Alert or Accountability (department, region_code); None = nothing."""
    if account_permissions.is_system_admin(actor):
        return Q()
    prefix = supervisor_prefix(actor)
    if prefix is not None:
        return Q(region_code__startswith=prefix)
    if account_permissions.is_department_staff(actor):
        return Q(department_id=actor.department_id)
    return None


def can_supervise(actor: Any) -> bool:
    """Acknowledge, comment, escalate, open and decide accountability (within visibility)."""
    return account_permissions.is_system_admin(actor) or supervisor_prefix(actor) is not None


def can_read_region(actor: Any, region_code: str) -> bool:
    """Whether the actor may read the board of ``region_code`` (a 12-digit code)."""
    if account_permissions.is_system_admin(actor):
        return True
    prefix = supervisor_prefix(actor)
    if prefix is None:
        return False
    return region_code.startswith(prefix)


def can_manage_thresholds(actor: Any) -> bool:
    return account_permissions.is_system_admin(actor)

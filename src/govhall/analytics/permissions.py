"""Who may read which performance figures. Every rule that depends on the actor is here.

System administrators read every department; supervisors (监察 post) every case, task, alert and
evaluation of their department's region (as ``cases.permissions.case_visibility``); other
department staff their own department only; citizens, enterprises, agents and anonymous visitors
nothing (the public disclosure pages are separate and masked).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from govhall.accounts import permissions as account_permissions
from govhall.cases.permissions import is_supervisor
from govhall.core import errors
from govhall.core.identifiers import region_prefix

# How each source model reaches the case's region and the handling department.
_REGION_PATH = {
    "case": "region_code",
    "task": "case__region_code",
    "alert": "region_code",
    "evaluation": "case__region_code",
    "rectification": "case__region_code",
}


@dataclass(frozen=True)
class FigureScope:
    """What part of the city an actor's figures cover: all, one region, or one department."""

    region_prefix: str | None = None
    department_id: int | None = None

    def q(self, source: str) -> Q:
        """The filter on ``source`` (case / task / alert / evaluation / rectification)."""
        if self.department_id is not None:
            return Q(department_id=self.department_id)
        if self.region_prefix is not None:
            return Q(**{f"{_REGION_PATH[source]}__startswith": self.region_prefix})
        return Q()

    def department_q(self) -> Q:
        """The filter on Department (which departments may be listed)."""
        if self.department_id is not None:
            return Q(pk=self.department_id)
        if self.region_prefix is not None:
            return Q(region_id__startswith=self.region_prefix)
        return Q()


def can_read_figures(actor: Any) -> bool:
    return account_permissions.is_system_admin(actor) or account_permissions.is_department_staff(
        actor
    )


def figure_scope(actor: Any) -> FigureScope:
    """The actor's scope; 403 for anyone who is not staff or an administrator."""
    if account_permissions.is_system_admin(actor):
        return FigureScope()
    if not account_permissions.is_department_staff(actor):
        raise errors.PermissionDenied(_("只有工作人员可以查看绩效统计。"), code="not_staff")
    if is_supervisor(actor):
        return FigureScope(region_prefix=region_prefix(actor.department.region_id))
    return FigureScope(department_id=actor.department_id)


def can_manage_ranking(actor: Any) -> bool:
    """Ranking formulas are set by system administrators."""
    return account_permissions.is_system_admin(actor)

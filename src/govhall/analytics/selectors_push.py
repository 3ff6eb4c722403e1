"""Who may see and start precise push rounds (精准推送), and the actor-scoped reads of rounds:
administrators all rounds, supervisors their region's, the review and approval staff of an
item's department their department's; everybody else is refused."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from govhall.accounts import permissions as account_permissions
from govhall.analytics.models import PushRound
from govhall.cases.permissions import department_rows_visibility
from govhall.catalog.models import Item
from govhall.core import errors
from govhall.organizations.models import Post

PUSH_POSTS = {Post.REVIEW, Post.APPROVAL}


# --- who -----------------------------------------------------------------------------------------


def can_start_push(actor: Any, item: Item) -> bool:
    """Staff of the item's department holding the review or approval post."""
    return account_permissions.acts_for_department(actor, item.department_id) and bool(
        account_permissions.post_codes(actor) & PUSH_POSTS
    )


def push_round_visibility(actor: Any) -> Q | None:
    """Rounds the actor may read: administrators all, supervisors their region's, review and
    approval staff their department's; None for everybody else."""
    return department_rows_visibility(actor, posts=PUSH_POSTS)


def can_view_push(actor: Any) -> bool:
    return push_round_visibility(actor) is not None


# --- reads ---------------------------------------------------------------------------------------


def push_round_list(*, actor: Any) -> QuerySet[PushRound]:
    scope = push_round_visibility(actor)
    if scope is None:
        raise errors.PermissionDenied(
            _("只有事项主管部门审核、审批岗位的工作人员和监察人员可以查看精准推送。"),
            code="not_push_staff",
        )
    return PushRound.objects.filter(scope).select_related("item", "department", "created_by")


def push_round_get(*, actor: Any, round_id: int) -> PushRound:
    """One round; 404 when missing or outside the actor's scope."""
    found = push_round_list(actor=actor).filter(pk=round_id).first()
    if found is None:
        raise errors.NotFound(_("未找到该推送批次。"))
    return found

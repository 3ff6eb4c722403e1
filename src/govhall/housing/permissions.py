"""Who may do what with housing: the staff of the department that handles the 公租房 item, and
tenants on their own entry, lease and bills."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from govhall.accounts import permissions as account_permissions
from govhall.organizations.models import Post

# Posts of the housing department that manage the stock, the list, leases and rent.
MANAGING_POSTS = {Post.ACCEPTANCE, Post.REVIEW, Post.APPROVAL}
# Ranking the list and opening allocation rounds are decisions: review or approval.
DECIDING_POSTS = {Post.REVIEW, Post.APPROVAL}


def housing_item_name() -> str:
    return getattr(settings, "GOVHALL_HOUSING_ITEM_NAME", "公共租赁住房保障资格申请")


def housing_department_id() -> int | None:
    """The department of the 公租房 item: the city's (county copies of the item come later)."""
    from govhall.catalog.models import ItemVersion

    return (
        ItemVersion.objects.filter(name=housing_item_name())
        .order_by("item_id", "pk")
        .values_list("item__department_id", flat=True)
        .first()
    )


def is_housing_staff(actor: Any, posts: set[str] | None = None) -> bool:
    if not account_permissions.is_department_staff(actor):
        return False
    if not account_permissions.acts_for_department(actor, housing_department_id()):
        return False
    held = account_permissions.post_codes(actor)
    return bool(held & (posts or MANAGING_POSTS))


def can_manage(actor: Any) -> bool:
    return is_housing_staff(actor)


def can_decide(actor: Any) -> bool:
    return is_housing_staff(actor, DECIDING_POSTS)


def is_tenant(actor: Any) -> bool:
    from govhall.cases.permissions import is_public_applicant

    return is_public_applicant(actor)

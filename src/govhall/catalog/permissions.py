"""Who may edit and review the catalog: catalog administrators (清单管理) of the item's
department edit; another catalog administrator of that department, or a system administrator,
reviews (four eyes)."""

from __future__ import annotations

from typing import Any

from govhall.accounts import permissions as account_permissions
from govhall.core import errors
from govhall.organizations.models import Post


def _is_system(actor: Any) -> bool:
    return actor is None or isinstance(actor, str)  # the system itself: loaders, the worker


def is_catalog_manager(actor: Any) -> bool:
    """Manages some part of the catalog: a catalog administrator (清单管理) of a department, a
    system administrator, or the system itself. What exactly they may touch is per department."""
    if _is_system(actor) or account_permissions.is_system_admin(actor):
        return True
    return account_permissions.is_department_staff(actor) and account_permissions.holds_post(
        actor, Post.CATALOG_ADMIN
    )


def can_edit_catalog(actor: Any, department_id: int) -> bool:
    if _is_system(actor) or account_permissions.is_system_admin(actor):
        return True
    return account_permissions.acts_for_department(
        actor, department_id
    ) and account_permissions.holds_post(actor, Post.CATALOG_ADMIN)


def require_catalog_editor(actor: Any, department_id: int) -> None:
    if not can_edit_catalog(actor, department_id):
        raise errors.PermissionDenied()


def require_catalog_reviewer(actor: Any, version: Any) -> None:
    if _is_system(actor) or account_permissions.is_system_admin(actor):
        return
    if not can_edit_catalog(actor, version.item.department_id):
        raise errors.PermissionDenied()
    if version.created_by_id and version.created_by_id == actor.pk:
        raise errors.PermissionDenied(message_for_own_review())


def message_for_own_review() -> str:
    from django.utils.translation import gettext as _

    return _("不能审核自己编制的版本,请由本部门其他清单管理员审核。")

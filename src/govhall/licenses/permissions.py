"""Who may do what with licenses."""

from __future__ import annotations

from typing import Any

from govhall.accounts import permissions as account_permissions
from govhall.accounts.models import User


def holder_keys(actor: Any) -> set[str]:
    """The subject codes a citizen or enterprise holds licenses under."""
    if not account_permissions.is_authenticated_user(actor):
        return set()
    if actor.kind not in (User.Kind.CITIZEN, User.Kind.ENTERPRISE):
        return set()
    return {key for key in (actor.id_number, actor.uscc) if key}


def is_holder(actor: Any, license: Any) -> bool:
    return license.holder_key in holder_keys(actor)


def can_manage(actor: Any, department_id: int | None) -> bool:
    """Staff of the issuing department change, renew, revoke and inspect its licenses."""
    return account_permissions.acts_for_department(actor, department_id)


def can_rotate_keys(actor: Any, department_id: int) -> bool:
    return account_permissions.is_system_admin(actor) or can_manage(actor, department_id)


def is_issuing_staff(actor: Any) -> bool:
    """Staff of a department that issues a license type (the workbench's 电子证照 entry): they
    manage what their department issued."""
    if not account_permissions.is_department_staff(actor):
        return False
    from govhall.licenses.models import LicenseType

    return LicenseType.objects.filter(department_id=actor.department_id).exists()

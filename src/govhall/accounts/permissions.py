"""Predicates about what an actor may do. Every rule that depends on who the actor is lives here."""

from __future__ import annotations

from typing import Any

from govhall.accounts.models import User


def is_authenticated_user(actor: Any) -> bool:
    return isinstance(actor, User) and actor.is_active


def is_system_admin(actor: Any) -> bool:
    return is_authenticated_user(actor) and actor.kind == User.Kind.ADMIN


def is_department_staff(actor: Any) -> bool:
    return (
        is_authenticated_user(actor) and actor.kind == User.Kind.STAFF and bool(actor.department_id)
    )


def post_codes(actor: Any) -> set[str]:
    """The posts the actor holds, cached on the instance for the request."""
    if not is_department_staff(actor):
        return set()
    cached = getattr(actor, "_post_codes", None)
    if cached is None:
        cached = set(actor.posts.values_list("code", flat=True))
        actor._post_codes = cached
    return cached


def holds_post(actor: Any, post_code: str) -> bool:
    return post_code in post_codes(actor)


def acts_for_department(actor: Any, department_id: int | None) -> bool:
    """Staff act only for their own department; a clerk of 住建局 cannot act on 公安局's work."""
    return (
        is_department_staff(actor)
        and department_id is not None
        and actor.department_id == department_id
    )


def can_use_workbench(actor: Any) -> bool:
    return is_department_staff(actor) or is_system_admin(actor)


def can_view_department_staff(actor: Any, department_id: int) -> bool:
    return is_system_admin(actor) or acts_for_department(actor, department_id)

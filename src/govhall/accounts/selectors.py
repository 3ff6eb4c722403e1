"""Account reads, always scoped to the actor."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from govhall.accounts import permissions
from govhall.accounts.models import ApiToken, User
from govhall.core import errors
from govhall.organizations.models import Department, Post


def department_staff_list(*, actor: User, department_id: int) -> QuerySet[User]:
    """Staff of one department with their posts. Others' departments answer 404."""
    if not permissions.can_view_department_staff(actor, department_id):
        raise errors.NotFound()
    if not Department.objects.filter(pk=department_id).exists():
        raise errors.NotFound()
    return (
        User.objects.filter(kind=User.Kind.STAFF, department_id=department_id)
        .prefetch_related(Prefetch("posts", queryset=Post.objects.order_by("sort_order")))
        .order_by("username")
    )


def token_list(*, actor: User) -> QuerySet[ApiToken]:
    """The actor's own tokens (never anyone else's)."""
    return ApiToken.objects.filter(user=actor).order_by("-created_at")


def token_get(*, actor: User, token_id: int) -> ApiToken:
    token = token_list(actor=actor).filter(pk=token_id).first()
    if token is None:
        raise errors.NotFound()
    return token

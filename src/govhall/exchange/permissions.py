"""Who may do what in the exchange. Every rule that depends on the actor lives here."""

from __future__ import annotations

from typing import Any

from govhall.accounts.permissions import (
    acts_for_department,
    holds_post,
    is_department_staff,
    is_system_admin,
)
from govhall.exchange.models import Grant, Resource

DATA_OFFICER = "data_officer"


def is_data_officer(actor: Any, department_id: int | None) -> bool:
    """The data officer (数据专员) of that department."""
    return acts_for_department(actor, department_id) and holds_post(actor, DATA_OFFICER)


def holds_data_officer_post(actor: Any) -> bool:
    """A data officer of some department: loads, grants and purposes appear in the workbench."""
    return is_department_staff(actor) and holds_post(actor, DATA_OFFICER)


def can_view_resource_catalog(actor: Any) -> bool:
    """The resource catalog is shared among government departments, not published."""
    return is_department_staff(actor) or is_system_admin(actor)


def can_load_resource(actor: Any, resource: Resource) -> bool:
    """Only the provider's data officer loads its registry."""
    return is_data_officer(actor, resource.provider_id)


def can_request_grant(actor: Any) -> bool:
    """A consumer department's data officer asks for access on its department's behalf."""
    return is_department_staff(actor) and holds_post(actor, DATA_OFFICER)


def can_decide_grant(actor: Any, grant: Grant) -> bool:
    """The provider's data officer approves, refuses or revokes; never for their own request."""
    return is_data_officer(actor, grant.resource.provider_id)


def can_register_purpose(actor: Any) -> bool:
    return is_department_staff(actor) and holds_post(actor, DATA_OFFICER)


def can_query_registries(actor: Any) -> bool:
    """Staff query for their department; what they get is then limited by grants and purpose."""
    return is_department_staff(actor)


def can_view_resource_access(actor: Any, resource: Resource) -> bool:
    """Providers see who read their data."""
    return is_data_officer(actor, resource.provider_id) or is_system_admin(actor)

"""Case numbers as purposes (用途) of registry queries: a department may read the registries for a
case it is handling, about the case's applicant and their household only."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from govhall.exchange.purposes import PurposeRefused, ResolvedPurpose, register_purpose_resolver
from govhall.exchange.selectors_registry import group_members


def _household(subject_key: str) -> frozenset[str]:
    from django.utils import timezone

    from govhall.exchange.models import Resource

    population = Resource.objects.filter(code="population", is_active=True).first()
    if population is None or not subject_key:
        return frozenset({subject_key})
    members = group_members(
        resource_id=population.pk, subject_key=subject_key, on=timezone.localdate()
    )
    return frozenset(members) | {subject_key}


@register_purpose_resolver
def case_purpose(actor: Any, reference: str) -> ResolvedPurpose | None:
    from govhall.cases.models import Case, Task

    case = (
        Case.objects.filter(number=reference)
        .only("pk", "number", "item_name", "department_id", "applicant_key", "status")
        .first()
    )
    if case is None:
        return None
    department_id = getattr(actor, "department_id", None)
    tasks = Task.objects.filter(case_id=case.pk, department_id=department_id)
    own = department_id == case.department_id
    if not department_id or not (own or tasks.exists()):
        raise PurposeRefused(_("该办件不由本部门办理,不能以其名义查询。"))
    if not case.is_open:
        raise PurposeRefused(_("该办件已办结,不能再以其名义查询。"))
    return ResolvedPurpose(
        reference=case.number,
        title=case.item_name,
        department_id=department_id,
        kind="case",
        subjects=_household(case.applicant_key),
        # A department that holds a step of the case's own procedure (not a countersign of its
        # own) acts for the case's department and reads under that department's grants.
        grant_department_id=(
            case.department_id
            if not own and tasks.filter(lead=True).exclude(kind="countersign").exists()
            else None
        ),
    )

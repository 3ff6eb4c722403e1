"""Which department a step goes to, and where the applicant lives.

A step's ``department`` is the item's department (empty), a USCC, or a level of the applicant's
residence (``@village`` 村/社区, ``@township`` 乡镇/街道, ``@county`` 县/区; ``workflow.ROUTES``).
A routed step goes to the active department whose region is the ancestor of the case's
``residence_code`` at that level: the item department's branch there (whose ``parent`` is the
item's department), else, in a street or community, the one created first; in a county only
the branch will do. Where there is none — no
residence known, a region the city has not loaded, no department there — the step falls back to
the item's department and the history says so (``Route.data``); a case never stops for it.

The residence (``Case.residence_code``) is decided at submission (:func:`residence_code_for`):

1. the application form's residence: the first ``region`` field whose key is one of
   ``RESIDENCE_KEYS`` or whose source is the population registry's ``region_code`` (the
   applicant may correct a prefilled value; staff see it on the form);
2. else, only when the process routes a step, the applicant's record in the population
   registry (``population.region_code``), read by the system under the case number as purpose
   and written to the exchange's access log, so the person sees who read it and why.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case as DbCase
from django.db.models import When
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.cases.workflow import ROUTES, Process, Step
from govhall.core import errors
from govhall.core.identifiers import normalize_region_code
from govhall.organizations.models import Department, Region

RESIDENCE_KEYS = ("residence_region", "register_region", "residence_code")
POPULATION = "population"
REGION_FIELD = "region_code"
COUNTY = 4


@dataclass
class Route:
    """The departments a step's tasks go to (with the lead flag) and what the history records."""

    targets: list[tuple[Department, bool]]
    data: dict[str, Any] = field(default_factory=dict)


def _by_uscc(uscc: str, fallback: Department) -> Department:
    if not uscc:
        return fallback
    department = Department.objects.filter(uscc=uscc).first()
    if department is None:
        raise errors.ValidationError(
            _("流程定义中的部门 %(uscc)s 不存在。") % {"uscc": uscc}, code="process_department"
        )
    return department


def region_ancestor(code: str, level: int) -> Region | None:
    """The region at ``level`` that contains ``code`` (itself at that level), following
    ``Region.parent``: one query for up to three levels up."""
    if not code:
        return None
    region = Region.objects.select_related("parent__parent__parent").filter(code=code).first()
    while region is not None and region.level > level:
        region = region.parent
    return region if region is not None and region.level == level else None


def residence_department(code: str, level: int, *, line: Department) -> Department | None:
    """The active department of the residence's region at ``level``: the branch of ``line``
    (the item's department) there when it has one (谯城区住建局 under 亳州市住建局), else, for a
    street or community only, the first created (its office or committee). A county without a
    branch of the item's department has none (the item's department then handles the step)."""
    region = region_ancestor(code, level)
    if region is None:
        return None
    candidates = Department.objects.filter(region=region, is_active=True)
    if level <= COUNTY:  # a county has many departments: only the item department's branch
        candidates = candidates.filter(parent_id=line.pk)
    return (
        candidates.annotate(branch=DbCase(When(parent_id=line.pk, then=0), default=1))
        .order_by("branch", "id")
        .first()
    )


def step_route(case: Any, step: Step) -> Route:
    """Where ``step``'s tasks go for ``case`` (see the module doc)."""
    if step.kind == "countersign":
        return Route([(_by_uscc(u, case.department), False) for u in step.departments])
    level = ROUTES.get(step.department)
    if level is None:
        return Route([(_by_uscc(step.department, case.department), True)])
    department = residence_department(case.residence_code, level, line=case.department)
    data: dict[str, Any] = {"route": step.department, "residence": case.residence_code}
    if department is None:
        data.update(fallback=True, department=case.department.name)
        return Route([(case.department, True)], data)
    data.update(fallback=False, department=department.name)
    return Route([(department, True)], data)


def _fields(definition: Mapping[str, Any]) -> Iterator[tuple[str | None, Mapping[str, Any]]]:
    for section in definition.get("sections") or []:
        if not isinstance(section, Mapping) or section.get("repeat"):
            continue  # a household member's region is not the applicant's residence
        for spec in section.get("fields") or []:
            if isinstance(spec, Mapping):
                yield section.get("key"), spec


def _is_residence(spec: Mapping[str, Any]) -> bool:
    source = spec.get("source") or {}
    from_registry = (
        isinstance(source, Mapping)
        and source.get("resource") == POPULATION
        and source.get("field") == REGION_FIELD
    )
    return spec.get("type") == "region" and (spec.get("key") in RESIDENCE_KEYS or from_registry)


def residence_from_form(definition: Mapping[str, Any], cleaned: Mapping[str, Any]) -> str:
    """The residence the validated form gives, or ''."""
    for section, spec in _fields(definition):
        if not _is_residence(spec):
            continue
        values = cleaned.get(section) if section else cleaned
        value = values.get(spec.get("key")) if isinstance(values, Mapping) else None
        if value:
            try:
                return normalize_region_code(str(value))
            except errors.ValidationError:
                continue
    return ""


def residence_from_registry(*, subject_key: str, purpose: str, title: str) -> str:
    """The applicant's village code in the population registry, read by the system for the
    case ``purpose`` and logged; '' when the city has no such registry or record."""
    from govhall.exchange.access_log import AccessContext, access_log_append
    from govhall.exchange.models import AccessLogEntry, Resource
    from govhall.exchange.selectors_registry import records_of

    population = Resource.objects.filter(code=POPULATION, is_active=True).first()
    if population is None or not subject_key:
        return ""
    rows = records_of(
        subject_keys=[subject_key], resource_ids=[population.pk], on=timezone.localdate()
    )
    access_log_append(
        context=AccessContext(
            actor=None, channel=AccessLogEntry.Channel.SYSTEM, client=_("办件属地分派")
        ),
        kind=AccessLogEntry.Kind.PROFILE,
        outcome=AccessLogEntry.Outcome.GRANTED,
        subject_keys=[subject_key],
        resources=[POPULATION],
        fields={POPULATION: [REGION_FIELD]},
        purpose_reference=purpose,
        purpose_title=title,
    )
    for row in rows:
        try:
            return normalize_region_code(str(row.data.get(REGION_FIELD) or ""))
        except errors.ValidationError:
            continue
    return ""


def routes_by_residence(process: Process) -> bool:
    return any(step.department in ROUTES for step in process.steps)

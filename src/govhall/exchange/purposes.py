"""Purposes (用途) that a registry query must name, and how a reference is resolved.

A reference is either a purpose registered in this app (:class:`~govhall.exchange.models.Purpose`,
e.g. a yearly re-verification campaign) or something another app vouches for, first of all a case
number that the caller's department is handling. Apps add resolvers with
:func:`register_purpose_resolver` (the cases app registers one for case numbers), so that this app
does not depend on them.

A resolver gets the actor and the reference and answers ``None`` when the reference is not its
kind, or a :class:`ResolvedPurpose`; it raises :class:`PurposeRefused` when the reference is its
kind but the actor's department may not use it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govhall.core import errors
from govhall.exchange.models import Purpose


class PurposeRefused(errors.PermissionDenied):
    code = "purpose_refused"
    default_message = _("查询必须说明用途:本部门正在办理的办件编号或已登记的用途编号。")


@dataclass(frozen=True)
class ResolvedPurpose:
    reference: str
    title: str
    department_id: int
    kind: str  # "case" or "registered"
    # The subjects the purpose covers (a case: its applicant and household); None = any subject.
    subjects: frozenset[str] | None = None
    # The department whose grants the query reads under: the actor's own by default; a step of
    # another department's procedure (a 社区 accepting, a 街道 reviewing a 公租房 case of the
    # district's 住建局) reads under the grants of the department that runs the procedure.
    grant_department_id: int | None = None

    @property
    def grants_of(self) -> int:
        return self.grant_department_id or self.department_id

    def covers(self, subject_key: str) -> bool:
        return self.subjects is None or subject_key in self.subjects


Resolver = Callable[[Any, str], ResolvedPurpose | None]
_resolvers: list[Resolver] = []


def register_purpose_resolver(resolver: Resolver) -> Resolver:
    if resolver not in _resolvers:
        _resolvers.append(resolver)
    return resolver


def _registered_purpose(actor: Any, reference: str) -> ResolvedPurpose | None:
    purpose = Purpose.objects.filter(reference=reference).first()
    if purpose is None:
        return None
    today = timezone.localdate()
    # Another department's purpose answers exactly like an unknown one.
    if purpose.department_id != getattr(actor, "department_id", None):
        raise PurposeRefused(_("用途编号无效,或不是本部门承办的事项。"))
    if not purpose.is_active or not purpose.valid_from <= today <= purpose.valid_to:
        raise PurposeRefused(_("该用途已失效或不在有效期内。"))
    return ResolvedPurpose(
        reference=purpose.reference,
        title=purpose.title,
        department_id=purpose.department_id,
        kind="registered",
    )


register_purpose_resolver(_registered_purpose)


def purpose_resolve(*, actor: Any, reference: str | None) -> ResolvedPurpose:
    """The purpose a query names, checked against the actor's department; refuses otherwise."""
    reference = (reference or "").strip()
    if not reference:
        raise PurposeRefused()
    for resolver in _resolvers:
        resolved = resolver(actor, reference)
        if resolved is not None:
            if resolved.department_id != getattr(actor, "department_id", None):
                raise PurposeRefused(_("用途编号无效,或不是本部门承办的事项。"))
            return resolved
    raise PurposeRefused(_("用途编号无效,或不是本部门承办的事项。"))

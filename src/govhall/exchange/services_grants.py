"""Grants and purposes: who may read which fields of a resource, and why.

A grant (共享授权) is requested by a consumer department's data officer for named fields of a
resource, a purpose, a legal basis and a period of at most ``MAX_GRANT_YEARS``; the provider's
data officer approves or refuses it and may later revoke it. Deny by default: an unconditional
resource (无条件共享) still needs a grant, which is approved at once; a resource that is not
shared (不予共享) refuses every request with 422 (a rule of the resource, not of the actor, so
not 403). The provider's own department never asks (422 too): it reads its own resources without
a grant. Expiry is by date (:meth:`Grant.is_current`), no job.

Lifecycle::

    requested → approved → revoked
              ↘ refused

A purpose (用途) is what a registry query names besides a case number: e.g. a yearly
re-verification campaign, registered by the data officer of the department that runs it.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govhall.core import errors
from govhall.core.audit import audit_record
from govhall.exchange import permissions
from govhall.exchange.models import Grant, Purpose, Resource
from govhall.organizations.models import Department

# The longest period a grant may cover; longer needs a new request (and a new look at the basis).
MAX_GRANT_YEARS = 3
AUTO_APPROVAL_NOTE = gettext_lazy("无条件共享,自动批准")
# A reference chosen by hand starts with a letter so that it never looks like a case number
# (the cases app resolves those); generated ones are ``YT-<year>-<department id>-<n>``.
REFERENCE_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9._-]{1,63}$")
TEXT_LIMIT = 2000


def _invalid(field: str, message: str) -> errors.ValidationError:
    return errors.ValidationError(message, fields={field: [message]})


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _required_text(value: str | None, field: str, message: str) -> str:
    text = (value or "").strip()
    if not text:
        raise _invalid(field, message)
    if len(text) > TEXT_LIMIT:
        raise _invalid(field, _("内容过长,最多 %(n)d 字。") % {"n": TEXT_LIMIT})
    return text


def _check_period(valid_from: dt.date, valid_to: dt.date, *, max_years: int | None) -> None:
    if valid_to < valid_from:
        raise _invalid("valid_to", _("截止日不能早于起始日。"))
    if max_years is not None and valid_to > _add_years(valid_from, max_years):
        raise _invalid("valid_to", _("授权期限最长 %(n)d 年。") % {"n": max_years})
    if valid_to < timezone.localdate():
        raise _invalid("valid_to", _("截止日已过。"))


def _grant_fields(resource: Resource, fields: list[str]) -> list[str]:
    """The requested field names, in the resource's order; 422 naming unknown ones."""
    wanted = {name.strip() for name in fields if name and name.strip()}
    if not wanted:
        raise _invalid("fields", _("请至少选择一个信息项。"))
    known = list(resource.fields.order_by("position", "id").values_list("name", flat=True))
    unknown = sorted(wanted - set(known))
    if unknown:
        raise _invalid(
            "fields",
            _("资源“%(resource)s”没有这些信息项:%(names)s")
            % {"resource": resource.name, "names": "、".join(unknown)},
        )
    return [name for name in known if name in wanted]


def grant_request_check(*, actor: Any, resource: Resource) -> None:
    """Raise the reason why the actor may not ask for this resource (the form page shows it)."""
    if not permissions.can_request_grant(actor):
        raise errors.PermissionDenied(_("只有本部门的数据专员可以申请共享授权。"))
    if resource.provider_id == actor.department_id:
        raise errors.ValidationError(
            _("本部门提供的资源无需申请授权,可直接使用。"), code="own_resource"
        )
    if not resource.is_active:
        raise errors.ValidationError(_("该资源已停用,不能申请授权。"), code="inactive_resource")
    if resource.sharing_type == Resource.SharingType.NONE:
        raise errors.ValidationError(_("该资源为“不予共享”类,不能申请授权。"), code="not_shareable")


def grant_requestable(actor: Any, resource: Resource) -> bool:
    """Whether a page offers "申请授权" for this resource."""
    try:
        grant_request_check(actor=actor, resource=resource)
    except errors.ApplicationError:
        return False
    return True


def _snapshot(grant: Grant) -> dict[str, Any]:
    return {
        "resource": grant.resource.code,
        "consumer": grant.consumer_id,
        "fields": grant.fields,
        "status": grant.status,
        "valid_from": grant.valid_from,
        "valid_to": grant.valid_to,
    }


@transaction.atomic
def grant_request(
    *,
    actor: Any,
    resource: Resource,
    fields: list[str],
    purpose: str,
    legal_basis: str,
    valid_from: dt.date,
    valid_to: dt.date,
) -> Grant:
    """A consumer department asks for fields of a resource; unconditional ones are approved now.

    The consumer is the actor's department. At most one pending request per resource and
    department (409 for a second one).
    """
    # Serializes requests on this resource, so that two pending duplicates cannot both pass.
    resource = Resource.objects.select_for_update().get(pk=resource.pk)
    grant_request_check(actor=actor, resource=resource)
    names = _grant_fields(resource, fields)
    purpose = _required_text(purpose, "purpose", _("请填写使用用途。"))
    legal_basis = _required_text(legal_basis, "legal_basis", _("请填写使用依据。"))
    _check_period(valid_from, valid_to, max_years=MAX_GRANT_YEARS)
    pending = Grant.objects.filter(
        resource=resource, consumer_id=actor.department_id, status=Grant.Status.REQUESTED
    )
    if pending.exists():
        raise errors.Conflict(_("本部门对该资源已有待审批的申请,请等待审批结果。"))
    grant = Grant(
        resource=resource,
        consumer_id=actor.department_id,
        fields=names,
        purpose=purpose,
        legal_basis=legal_basis,
        valid_from=valid_from,
        valid_to=valid_to,
        requested_by=actor,
    )
    automatic = resource.sharing_type == Resource.SharingType.UNCONDITIONAL
    if automatic:
        grant.status = Grant.Status.APPROVED
        grant.decided_at = timezone.now()
        grant.decision_note = str(AUTO_APPROVAL_NOTE)
    grant.save()
    audit_record(
        actor=actor,
        action="exchange.grant_request",
        obj=grant,
        after=_snapshot(grant),
        extra={"purpose": purpose, "auto_approved": automatic},
    )
    return grant


def grant_decidable(actor: Any, grant: Grant) -> bool:
    """The provider's data officer decides, never on a request of their own."""
    return permissions.can_decide_grant(actor, grant) and grant.requested_by_id != actor.pk


def _locked_for_decision(actor: Any, grant: Grant, *expected: str) -> Grant:
    grant = Grant.objects.select_for_update().get(pk=grant.pk)
    grant.resource = Resource.objects.get(pk=grant.resource_id)
    if not grant_decidable(actor, grant):
        raise errors.PermissionDenied(_("只有资源提供部门的数据专员可以审批或撤销授权。"))
    if grant.status not in expected:
        raise errors.Conflict(
            _("该授权当前为“%(status)s”,不能执行此操作。") % {"status": grant.get_status_display()}
        )
    return grant


def _decide(actor: Any, grant: Grant, status: str, note: str, action: str) -> Grant:
    before = _snapshot(grant)
    grant.status = status
    grant.decided_by = actor
    grant.decided_at = timezone.now()
    grant.decision_note = note
    grant.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "updated_at"])
    audit_record(
        actor=actor,
        action=action,
        obj=grant,
        before=before,
        after=_snapshot(grant),
        extra={"note": note},
    )
    return grant


@transaction.atomic
def grant_approve(*, actor: Any, grant: Grant, note: str = "") -> Grant:
    """The provider's data officer approves a pending request."""
    grant = _locked_for_decision(actor, grant, Grant.Status.REQUESTED)
    if grant.resource.sharing_type == Resource.SharingType.NONE or not grant.resource.is_active:
        raise errors.ValidationError(
            _("该资源现为“不予共享”或已停用,不能批准。"), code="not_shareable"
        )
    if grant.valid_to < timezone.localdate():
        raise errors.Conflict(_("申请的授权期限已过,请拒绝后由使用部门重新申请。"))
    note = (note or "").strip()[:TEXT_LIMIT]
    return _decide(actor, grant, Grant.Status.APPROVED, note, "exchange.grant_approve")


@transaction.atomic
def grant_refuse(*, actor: Any, grant: Grant, note: str) -> Grant:
    """The provider's data officer refuses a pending request, saying why."""
    grant = _locked_for_decision(actor, grant, Grant.Status.REQUESTED)
    note = _required_text(note, "note", _("请填写不予批准的理由。"))
    return _decide(actor, grant, Grant.Status.REFUSED, note, "exchange.grant_refuse")


@transaction.atomic
def grant_revoke(*, actor: Any, grant: Grant, reason: str) -> Grant:
    """The provider's data officer withdraws an approved grant; reads stop at once."""
    grant = _locked_for_decision(actor, grant, Grant.Status.APPROVED)
    reason = _required_text(reason, "reason", _("请填写撤销原因。"))
    before = _snapshot(grant)
    grant.status = Grant.Status.REVOKED
    grant.revoked_by = actor
    grant.revoked_at = timezone.now()
    grant.revoke_reason = reason
    grant.save(update_fields=["status", "revoked_by", "revoked_at", "revoke_reason", "updated_at"])
    audit_record(
        actor=actor,
        action="exchange.grant_revoke",
        obj=grant,
        before=before,
        after=_snapshot(grant),
        extra={"reason": reason},
    )
    return grant


# --- purposes --------------------------------------------------------------------------------


def _next_reference(department: Department, year: int) -> str:
    prefix = f"YT-{year}-{department.pk}-"
    taken = Purpose.objects.filter(reference__startswith=prefix).values_list("reference", flat=True)
    numbers = [int(ref[len(prefix) :]) for ref in taken if ref[len(prefix) :].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1}"


def _clean_reference(reference: str | None) -> str | None:
    reference = (reference or "").strip()
    if not reference:
        return None
    if not REFERENCE_PATTERN.match(reference):
        raise _invalid(
            "reference",
            _("用途编号须以字母开头,由字母、数字、“-”“_”“.”组成,2至64位;不填则自动生成。"),
        )
    return reference


@transaction.atomic
def purpose_register(
    *,
    actor: Any,
    reference: str | None,
    title: str,
    legal_basis: str,
    valid_from: dt.date,
    valid_to: dt.date,
) -> Purpose:
    """A purpose of the actor's department; the reference is generated when not given."""
    if not permissions.can_register_purpose(actor):
        raise errors.PermissionDenied(_("只有本部门的数据专员可以登记用途。"))
    reference = _clean_reference(reference)
    title = _required_text(title, "title", _("请填写用途名称。"))[:200]
    legal_basis = _required_text(legal_basis, "legal_basis", _("请填写依据。"))
    _check_period(valid_from, valid_to, max_years=None)
    # One generator per department at a time (the department row is the lock).
    department = Department.objects.select_for_update().get(pk=actor.department_id)
    if reference is None:
        reference = _next_reference(department, timezone.localdate().year)
    elif Purpose.objects.filter(reference=reference).exists():
        raise errors.Conflict(
            _("用途编号 %(reference)s 已存在。") % {"reference": reference},
            fields={"reference": [_("该编号已被使用。")]},
        )
    try:
        with transaction.atomic():
            purpose = Purpose.objects.create(
                reference=reference,
                title=title,
                department=department,
                legal_basis=legal_basis,
                valid_from=valid_from,
                valid_to=valid_to,
                registered_by=actor,
            )
    except IntegrityError as exc:  # registered by someone else in the meantime
        raise errors.Conflict(
            _("用途编号 %(reference)s 已存在。") % {"reference": reference}
        ) from exc
    audit_record(
        actor=actor,
        action="exchange.purpose_register",
        obj=purpose,
        after={"reference": reference, "title": title, "valid_to": valid_to},
    )
    return purpose


@transaction.atomic
def purpose_deactivate(*, actor: Any, purpose: Purpose) -> Purpose:
    """Queries can no longer name this purpose."""
    purpose = Purpose.objects.select_for_update().get(pk=purpose.pk)
    if not permissions.is_data_officer(actor, purpose.department_id):
        raise errors.PermissionDenied(_("只有本部门的数据专员可以停用用途。"))
    if not purpose.is_active:
        raise errors.Conflict(_("该用途已停用。"))
    purpose.is_active = False
    purpose.save(update_fields=["is_active", "updated_at"])
    audit_record(
        actor=actor,
        action="exchange.purpose_deactivate",
        obj=purpose,
        before={"is_active": True},
        after={"is_active": False},
    )
    return purpose

"""Issuing licenses and their lifecycle: change, renewal, revocation, expiry, annual inspection.

Every service signs the new version with the issuing department's active key, updates the
exchange's ``license_index`` (see ``exchange_sync``) and records an audit row, in one transaction.
A case whose item version's result is a license (``result_type`` 10 with a
``license_type_code`` of a registered type) issues one on completion, through the case engine's
completion hook (``apps.py``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.accounts.models import User
from govhall.core import errors
from govhall.core.audit import audit_record
from govhall.core.identifiers import id_number_quick, normalize_uscc
from govhall.licenses import keys, permissions
from govhall.licenses.exchange_sync import license_index_push
from govhall.licenses.identifiers import identifier_build
from govhall.licenses.models import License, LicenseType

S = License.Status
MAX_FACE_VALUE = 500
LICENSE_RESULT = "10"


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _valid_until(license_type: LicenseType, start: dt.date) -> dt.date | None:
    if not license_type.validity_years:
        return None
    return _add_years(start, license_type.validity_years) - dt.timedelta(days=1)


def face_clean(license_type: LicenseType, face: dict[str, Any]) -> dict[str, str]:
    """The face data as the type defines it: known fields only, required ones present."""
    if not isinstance(face, dict):
        raise errors.ValidationError(_("照面信息应为对象。"), code="invalid_face")
    cleaned: dict[str, str] = {}
    problems: dict[str, list[str]] = {}
    for spec in license_type.face_fields:
        value = str(face.get(spec["name"], "") or "").strip()[:MAX_FACE_VALUE]
        if spec.get("type") == "date" and value:
            try:
                value = dt.date.fromisoformat(value).isoformat()
            except ValueError:
                problems[spec["name"]] = [_("日期格式应为 YYYY-MM-DD。")]
        if spec.get("required") and not value:
            problems[spec["name"]] = [_("必填")]
        cleaned[spec["name"]] = value
    unknown = sorted(set(face) - set(cleaned))
    if unknown:
        problems["face"] = [_("未知的照面信息项:%(names)s") % {"names": ", ".join(unknown)}]
    if problems:
        raise errors.ValidationError(
            _("照面信息不完整或有误。"), code="invalid_face", fields=problems
        )
    return cleaned


def _sign(license: License, actor: Any) -> License:
    key = keys.active_key(license.issuer)
    license.signing_key = key
    license.signer = (getattr(actor, "name", "") or license.issuer.name)[:100]
    license.signature = keys.sign(key, license.signed_payload())
    return license


def _summary(license: License) -> dict[str, Any]:
    return {
        "identifier": license.identifier,
        "type": license.license_type.code,
        "holder_key": license.holder_key,
        "status": license.status,
        "valid_until": license.valid_until.isoformat() if license.valid_until else None,
        "key_id": license.signing_key.key_id,
        "previous": license.previous.identifier if license.previous_id else None,
    }


def holder_code(value: str) -> tuple[str, str]:
    """The holder's 身份证号 or USCC, normalized, with its kind; 422 for anything else."""
    number = id_number_quick(value or "")
    if number:
        return number, License.HolderKeyType.ID_NUMBER
    try:
        return normalize_uscc(value or ""), License.HolderKeyType.USCC
    except errors.ValidationError as exc:
        message = _("持证主体代码应为公民身份号码或统一社会信用代码。")
        raise errors.ValidationError(
            message, code="invalid_holder", fields={"holder_key": [message]}
        ) from exc


def _next_serial(license_type: LicenseType) -> str:
    LicenseType.objects.select_for_update().filter(pk=license_type.pk).first()
    last = License.objects.filter(
        license_type=license_type, issuer=license_type.department
    ).aggregate(last=Max("serial"))["last"]
    return f"{int(last or 0) + 1:08d}"


@transaction.atomic
def license_issue(
    *,
    actor: Any,
    license_type: LicenseType,
    holder_name: str,
    holder_key: str,
    face: dict[str, Any],
    holder: User | None = None,
    case: Any = None,
    issued_on: dt.date | None = None,
) -> License:
    """A new signed license (version 001) of ``license_type`` for the holder."""
    if actor is not None and not permissions.can_manage(actor, license_type.department_id):
        raise errors.PermissionDenied(_("只有颁证部门的工作人员可以颁发该证照。"))
    if not license_type.is_active:
        raise errors.Conflict(_("该证照类型已停用。"), code="type_inactive")
    holder_key, key_type = holder_code(holder_key)
    issued_on = issued_on or timezone.localdate()
    issuer = license_type.department
    serial = _next_serial(license_type)
    license = License(
        identifier=identifier_build(license_type.type_code, issuer.uscc, serial, 1),
        license_type=license_type,
        issuer=issuer,
        serial=serial,
        version=1,
        number=f"{license_type.type_code[-3:]}{issued_on.year}{serial}",
        holder=holder,
        holder_name=holder_name[:100],
        holder_key=holder_key,
        holder_key_type=key_type,
        face=face_clean(license_type, face),
        issued_on=issued_on,
        valid_from=issued_on,
        valid_until=_valid_until(license_type, issued_on),
        inspected_until=_add_years(issued_on, 1) if license_type.annual_inspection else None,
        region_code=getattr(issuer.region, "code", "") if issuer.region_id else "",
        case=case,
    )
    _sign(license, actor).save()
    license_index_push([license])
    audit_record(actor=actor, action="license_issue", obj=license, after=_summary(license))
    return license


def _face_from_case(license_type: LicenseType, case: Any) -> dict[str, str]:
    form = getattr(getattr(case, "application", None), "form", None) or {}
    flat: dict[str, Any] = {}
    for key, value in form.items():
        if isinstance(value, dict):
            flat.update({k: v for k, v in value.items() if not isinstance(v, dict | list)})
        elif not isinstance(value, list):
            flat[key] = value
    sources = {
        "holder.name": case.applicant_name,
        "holder.key": case.applicant_key,
        "case.number": case.number,
        "case.item": case.item_name,
        "case.date": timezone.localdate().isoformat(),
    }
    face = {}
    for spec in license_type.face_fields:
        source = spec.get("source", "")
        value = flat.get(source[5:]) if source.startswith("form.") else sources.get(source)
        face[spec["name"]] = str(value or "") or (case.item_name if spec.get("required") else "")
    return face


def license_issue_for_case(case: Any, *, actor: Any) -> License | None:
    """Completion hook: the license that the completed case's result is, if its type exists."""
    version = case.version
    if version.result_type != LICENSE_RESULT or not version.license_type_code:
        return None
    license_type = LicenseType.objects.filter(
        code=version.license_type_code, is_active=True
    ).first()
    if license_type is None:
        return None
    return license_issue(
        actor=None,  # issued by the system on the case's completion, signed by the department
        license_type=license_type,
        holder_name=case.applicant_name,
        holder_key=case.applicant_key,
        face=_face_from_case(license_type, case),
        holder=case.applicant,
        case=case,
    )


def license_lock(license: License) -> License:
    return (
        License.objects.select_for_update(of=("self",))
        .select_related("license_type", "issuer", "signing_key", "previous")
        .get(pk=license.pk)
    )


def _require_manager(actor: Any, license: License) -> None:
    if not permissions.can_manage(actor, license.issuer_id):
        raise errors.PermissionDenied(_("只有颁证部门的工作人员可以办理该证照。"))


def _require_valid(license: License) -> None:
    if license.status != S.VALID:
        raise errors.Conflict(
            _("证照当前状态为“%(status)s”,不能办理。") % {"status": license.get_status_display()},
            code=f"license_{license.status}",
        )


def _required_reason(reason: str) -> str:
    reason = (reason or "").strip()[:300]
    if not reason:
        message = _("请填写原因。")
        raise errors.ValidationError(message, code="reason_required", fields={"reason": [message]})
    return reason


def _new_version(
    actor: Any, old: License, *, face: dict[str, str], valid_until: dt.date | None, reason: str
) -> License:
    today = timezone.localdate()
    old.status, old.status_reason, old.status_changed_at = S.SUPERSEDED, reason, timezone.now()
    old.save(update_fields=["status", "status_reason", "status_changed_at", "updated_at"])
    version = old.version + 1
    new = License(
        identifier=identifier_build(
            old.license_type.type_code, old.issuer.uscc, old.serial, version
        ),
        license_type=old.license_type,
        issuer=old.issuer,
        serial=old.serial,
        version=version,
        number=old.number,
        holder=old.holder,
        holder_name=old.holder_name,
        holder_key=old.holder_key,
        holder_key_type=old.holder_key_type,
        face=face,
        issued_on=today,
        valid_from=today,
        valid_until=valid_until,
        inspected_until=old.inspected_until,
        region_code=old.region_code,
        previous=old,
        case=old.case,
    )
    _sign(new, actor).save()
    license_index_push([old, new])
    return new


@transaction.atomic
def license_change(*, actor: Any, license: License, face: dict[str, Any], reason: str) -> License:
    """变更: a new version with the changed face data, linked to the old one (superseded)."""
    old = license_lock(license)
    _require_manager(actor, old)
    _require_valid(old)
    reason = _required_reason(reason)
    merged = face_clean(old.license_type, {**old.face, **(face or {})})
    if merged == old.face:
        raise errors.ValidationError(_("照面信息没有变化。"), code="face_unchanged")
    new = _new_version(actor, old, face=merged, valid_until=old.valid_until, reason=reason)
    audit_record(
        actor=actor,
        action="license_change",
        obj=new,
        before=_summary(old),
        after=_summary(new),
        extra={"reason": reason},
    )
    return new


@transaction.atomic
def license_renew(*, actor: Any, license: License) -> License:
    """延续: a new version valid for the type's period from today (expired ones too)."""
    old = license_lock(license)
    _require_manager(actor, old)
    if old.status not in (S.VALID, S.EXPIRED):
        _require_valid(old)
    if not old.license_type.validity_years:
        raise errors.Conflict(_("该证照长期有效,无需延续。"), code="no_expiry")
    until = _valid_until(old.license_type, timezone.localdate())
    new = _new_version(actor, old, face=old.face, valid_until=until, reason=_("延续"))
    audit_record(
        actor=actor, action="license_renew", obj=new, before=_summary(old), after=_summary(new)
    )
    return new


@transaction.atomic
def license_revoke(*, actor: Any, license: License, reason: str) -> License:
    """注销 / 吊销 with the reason: verification says "revoked" from now on."""
    license = license_lock(license)
    _require_manager(actor, license)
    _require_valid(license)
    before = _summary(license)
    license.status = S.REVOKED
    license.status_reason = _required_reason(reason)
    license.status_changed_at = timezone.now()
    license.save(update_fields=["status", "status_reason", "status_changed_at", "updated_at"])
    license_index_push([license])
    audit_record(
        actor=actor,
        action="license_revoke",
        obj=license,
        before=before,
        after=_summary(license),
        extra={"reason": license.status_reason},
    )
    return license


@transaction.atomic
def license_inspect(*, actor: Any, license: License, passed: bool, note: str = "") -> License:
    """年检: passed extends the inspection for a year; failed revokes the license."""
    license = license_lock(license)
    _require_manager(actor, license)
    _require_valid(license)
    if not license.license_type.annual_inspection:
        raise errors.Conflict(_("该类证照无需年检。"), code="no_inspection")
    if not passed:
        return license_revoke(actor=actor, license=license, reason=note or _("年检不合格"))
    before = _summary(license)
    base = max(license.inspected_until or timezone.localdate(), timezone.localdate())
    license.inspected_until = _add_years(base, 1)
    license.save(update_fields=["inspected_until", "updated_at"])
    audit_record(
        actor=actor,
        action="license_inspect",
        obj=license,
        before=before,
        after={**_summary(license), "inspected_until": license.inspected_until.isoformat()},
        extra={"note": note[:300]},
    )
    return license


def licenses_expire(*, today: dt.date | None = None) -> int:
    """Valid licenses past their validity become ``expired`` (the periodic job); idempotent."""
    today = today or timezone.localdate()
    due = list(
        License.objects.filter(status=S.VALID, valid_until__lt=today).values_list("pk", flat=True)
    )
    done = 0
    for start in range(0, len(due), 500):
        with transaction.atomic():
            batch = list(
                License.objects.select_for_update(of=("self",))
                .select_related("license_type", "issuer", "signing_key", "previous")
                .filter(pk__in=due[start : start + 500], status=S.VALID, valid_until__lt=today)
            )
            now = timezone.now()
            for item in batch:
                item.status, item.status_changed_at, item.updated_at = S.EXPIRED, now, now
            License.objects.bulk_update(batch, ["status", "status_changed_at", "updated_at"])
            license_index_push(batch)
            for item in batch:
                audit_record(actor=None, action="license_expire", obj=item, after=_summary(item))
            done += len(batch)
    return done

"""Verifying a license (扫码核验, the API) and using it (用证): the checks, in order, are the
identifier's shape and check character, the catalogue entry, the signature with the key that
signed it (which must be the issuing department's), then the status and the validity dates.
Every verification and every use is a :class:`LicenseUse` row with its purpose (用证事由)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.accounts import permissions as account_permissions
from govhall.core import errors
from govhall.core.audit import audit_record
from govhall.core.identifiers import mask_id_number, mask_name
from govhall.licenses import keys, permissions
from govhall.licenses.identifiers import (
    MalformedIdentifier,
    WrongCheckCharacter,
    identifier_parse,
)
from govhall.licenses.models import License, LicenseUse

S = License.Status
MAX_PURPOSE = 200


@dataclass
class Verification:
    license: License
    signature_ok: bool
    outcome: str  # valid, expired, revoked, superseded, signature_invalid
    reasons: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return self.outcome == "valid"


def license_by_identifier(identifier: str) -> License:
    """The catalogue entry; 422 for a malformed identifier or a wrong check character, 404 if
    no such license was issued."""
    try:
        parsed = identifier_parse(identifier)
    except WrongCheckCharacter as exc:
        raise errors.ValidationError(
            _("证照标识的校验码不正确,请核对标识。"), code="wrong_check_character"
        ) from exc
    except MalformedIdentifier as exc:
        raise errors.ValidationError(
            _("证照标识格式不正确(应为 1.2.156.3005.2. 开头的 GB/T 36904 标识)。"),
            code="malformed_identifier",
        ) from exc
    license = (
        License.objects.select_related("license_type", "issuer", "signing_key", "previous")
        .filter(identifier=str(parsed))
        .first()
    )
    if license is None:
        raise errors.NotFound(_("电子证照库中没有该证照。"), code="unknown_license")
    return license


def signature_check(license: License) -> bool:
    key = license.signing_key
    if key.department_id != license.issuer_id:
        return False  # signed with another department's key
    return keys.verify(key, license.signed_payload(), license.signature)


def verification_of(license: License) -> Verification:
    today = timezone.localdate()
    ok = signature_check(license)
    reasons: list[str] = []
    outcome = license.status
    if not ok:
        outcome = "signature_invalid"
        reasons.append(_("签名验证失败:证照数据被篡改或签章密钥不属于颁证部门。"))
    elif license.status == S.VALID and license.valid_until and license.valid_until < today:
        outcome = S.EXPIRED
    if ok and outcome == S.EXPIRED:
        reasons.append(_("证照已超过有效期。"))
    elif ok and outcome == S.REVOKED:
        reasons.append(_("证照已注销:%(reason)s") % {"reason": license.status_reason})
    elif ok and outcome == S.SUPERSEDED:
        reasons.append(_("证照已变更,请使用最新版本。"))
    inspected = license.inspected_until
    if ok and outcome == S.VALID and inspected and inspected < today:
        reasons.append(_("证照未按期年检。"))
    return Verification(license=license, signature_ok=ok, outcome=outcome, reasons=reasons)


def _purpose(purpose: str, default: str) -> str:
    return ((purpose or "").strip() or default)[:MAX_PURPOSE]


def _department_of(actor: Any) -> int | None:
    return actor.department_id if account_permissions.is_department_staff(actor) else None


@transaction.atomic
def license_verify(
    *, actor: Any, identifier: str, purpose: str = "", channel: str = ""
) -> Verification:
    """Verify a license and log the use (the QR page and the public API)."""
    license = license_by_identifier(identifier)
    result = verification_of(license)
    LicenseUse.objects.create(
        license=license,
        user=actor if account_permissions.is_authenticated_user(actor) else None,
        department_id=_department_of(actor),
        channel=channel or LicenseUse.Channel.VERIFY,
        purpose=_purpose(purpose, _("扫码核验")),
        outcome=result.outcome,
    )
    return result


@transaction.atomic
def license_present(*, actor: Any, identifier: str, purpose: str, reference: str = "") -> License:
    """The holder presents a license for an application (免提交, with consent): refused unless
    it is the actor's own, authentic and valid today."""
    license = license_by_identifier(identifier)
    if not permissions.is_holder(actor, license):
        raise errors.PermissionDenied(
            _("该证照不属于申请人本人,不能用于本次申请。"), code="not_holder"
        )
    result = verification_of(license)
    if not result.signature_ok:
        raise errors.Conflict(result.reasons[0], code="signature_invalid")
    if result.outcome != S.VALID:
        raise errors.Conflict(result.reasons[0], code=f"license_{result.outcome}")
    purpose = _purpose(purpose, "")
    if not purpose:
        message = _("请填写用证事由。")
        raise errors.ValidationError(
            message, code="purpose_required", fields={"purpose": [message]}
        )
    use = LicenseUse.objects.create(
        license=license,
        user=actor,
        channel=LicenseUse.Channel.APPLICATION,
        purpose=purpose,
        reference=(reference or "")[:60],
        outcome=result.outcome,
    )
    audit_record(
        actor=actor,
        action="license_use",
        obj=license,
        after={"identifier": license.identifier, "purpose": purpose, "use": use.pk},
    )
    return license


@transaction.atomic
def license_printed(*, actor: Any, license: License) -> LicenseUse:
    """The holder downloaded the printable face: a use like any other."""
    if not permissions.is_holder(actor, license):
        raise errors.NotFound()
    return LicenseUse.objects.create(
        license=license, user=actor, channel=LicenseUse.Channel.PRINT, purpose=_("下载打印")
    )


def face_display(license: License, *, full: bool) -> list[dict[str, str]]:
    """The face as label/value rows; personal fields masked unless ``full``."""
    rows = []
    for spec in license.license_type.face_fields:
        value = str(license.face.get(spec["name"], ""))
        if not full and spec.get("personal"):
            value = mask_id_number(value) if len(value) >= 15 else mask_name(value)
        rows.append({"name": spec["name"], "label": spec["label"], "value": value})
    return rows


def holder_display(license: License, *, full: bool) -> dict[str, str]:
    if full:
        return {"name": license.holder_name, "key": license.holder_key}
    masked_name = (
        mask_name(license.holder_name)
        if license.holder_key_type == License.HolderKeyType.ID_NUMBER
        else license.holder_name
    )
    key = license.holder_key
    return {"name": masked_name, "key": mask_id_number(key) if key else ""}

"""Departments' SM2 signing keys: generation, rotation, signing and verification."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.core import errors
from govhall.core.audit import audit_record
from govhall.licenses import crypto, permissions
from govhall.licenses.models import SigningKey
from govhall.organizations.models import Department


def _create(department: Department) -> SigningKey:
    pair = crypto.keypair_generate()
    return SigningKey.objects.create(
        department=department,
        key_id=crypto.sm3(bytes.fromhex(pair.public_hex))[:32],
        public_key=pair.public_hex,
        private_key_sealed=crypto.private_key_seal(pair.private_hex),
        is_active=True,
    )


def active_key(department: Department) -> SigningKey:
    """The department's current key; the first one is generated on first use."""
    Department.objects.select_for_update().filter(pk=department.pk).first()  # one first key
    key = (
        SigningKey.objects.select_for_update().filter(department=department, is_active=True).first()
    )
    if key is None:
        key = _create(department)
        audit_record(actor=None, action="license_key_generate", obj=key, after=_summary(key))
    return key


@transaction.atomic
def key_rotate(*, actor: Any, department: Department) -> SigningKey:
    """A new active key; the old ones stay, retired, to verify what they signed."""
    if actor is not None and not permissions.can_rotate_keys(actor, department.pk):
        raise errors.PermissionDenied(_("只有本部门工作人员或系统管理员可以更换签章密钥。"))
    Department.objects.select_for_update().filter(pk=department.pk).first()
    SigningKey.objects.filter(department=department, is_active=True).update(
        is_active=False, retired_at=timezone.now()
    )
    key = _create(department)
    audit_record(actor=actor, action="license_key_rotate", obj=key, after=_summary(key))
    return key


def _summary(key: SigningKey) -> dict[str, Any]:
    return {"department": key.department_id, "key_id": key.key_id, "public_key": key.public_key}


def sign(key: SigningKey, payload: bytes) -> str:
    try:
        private_hex = crypto.private_key_open(key.private_key_sealed)
    except crypto.SealedKeyError as exc:
        raise errors.Conflict(
            _(
                "签章密钥无法解密(GOVHALL_LICENSE_KEY_SECRET 或 SECRET_KEY 已改变),"
                "请联系系统管理员。"
            ),
            code="signing_key_unavailable",
        ) from exc
    return crypto.sign(private_hex, key.public_key, payload)


def verify(key: SigningKey, payload: bytes, signature: str) -> bool:
    return crypto.verify(key.public_key, payload, signature)

"""Reads of licenses, scoped by the actor."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from govhall.core import errors
from govhall.exchange.models import AccessLogSubject
from govhall.licenses import permissions
from govhall.licenses.exchange_sync import INDEX_OF
from govhall.licenses.models import License, LicenseUse

EXCHANGE_USES_SHOWN = 100


def _licenses() -> QuerySet[License]:
    return License.objects.select_related("license_type", "issuer", "signing_key", "previous")


def wallet_list(*, actor: Any) -> QuerySet[License]:
    """我的证照: the actor's licenses, current versions first."""
    keys = permissions.holder_keys(actor)
    return _licenses().filter(holder_key__in=keys).order_by("status", "-issued_on", "-id")


def wallet_get(*, actor: Any, identifier: str) -> License:
    license = wallet_list(actor=actor).filter(identifier=(identifier or "").strip().upper()).first()
    if license is None:
        raise errors.NotFound(_("没有找到该证照。"))
    return license


def department_list(*, actor: Any) -> QuerySet[License]:
    """The licenses the staff member's department issued."""
    if not permissions.can_manage(actor, getattr(actor, "department_id", None)):
        return License.objects.none()
    return _licenses().filter(issuer_id=actor.department_id)


def department_get(*, actor: Any, identifier: str) -> License:
    license = (
        department_list(actor=actor).filter(identifier=(identifier or "").strip().upper()).first()
    )
    if license is None:
        raise errors.NotFound(_("没有找到该证照。"))
    return license


def _who(use: LicenseUse, actor: Any) -> str:
    if use.department_id:
        return use.department.name
    if use.user_id == actor.pk:
        return _("本人")
    return _("公众扫码") if use.user_id is None else _("其他用户")


@dataclass
class UseRow:
    used_at: Any
    who: str
    channel: str
    purpose: str
    outcome: str
    identifier: str


def uses_for_holder(*, actor: Any, license: License | None = None) -> list[UseRow]:
    """Every use of the holder's licenses: verifications and presentations (LicenseUse), and
    the exchange's reads of the license index under the holder's code (prefill, 免提交)."""
    keys = permissions.holder_keys(actor)
    own = LicenseUse.objects.select_related("license", "department", "user").filter(
        license__holder_key__in=keys
    )
    if license is not None:
        own = own.filter(license=license)
    rows = [
        UseRow(
            used_at=use.used_at,
            who=_who(use, actor),
            channel=use.get_channel_display(),
            purpose=use.purpose,
            outcome=use.outcome,
            identifier=use.license.identifier,
        )
        for use in own[:EXCHANGE_USES_SHOWN]
    ]
    subjects = (
        AccessLogSubject.objects.select_related("entry__department")
        .filter(subject_key__in=keys)
        .order_by("-entry__created_at")[: EXCHANGE_USES_SHOWN * 2]
    )
    for subject in subjects:
        entry = subject.entry
        if not set(INDEX_OF.values()) & set(entry.resources or []):
            continue
        rows.append(
            UseRow(
                used_at=entry.created_at,
                who=entry.department.name if entry.department_id else entry.actor_label,
                channel=_("电子证照库调取"),
                purpose=entry.purpose_title or entry.purpose_reference,
                outcome=entry.outcome,
                identifier="",
            )
        )
    rows.sort(key=lambda row: row.used_at, reverse=True)
    return rows[:EXCHANGE_USES_SHOWN]

"""Electronic licenses (电子证照, GB/T 36901–36905): types, signing keys, licenses, uses.

A :class:`License` is one version of one license: a change or a renewal issues a new version
(same serial, version + 1) linked to the previous one, which becomes ``superseded``. Its
catalogue data (:meth:`License.signed_payload`) is signed with SM2 over SM3 by the issuing
department's active :class:`SigningKey`; the key id is kept with the signature so that a
rotated key still verifies the licenses it signed. Every use (verification with a purpose,
reuse in an application) is a :class:`LicenseUse` row, shown to the holder.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from govhall.core.models import BaseModel
from govhall.organizations.models import Department


class LicenseType(BaseModel):
    """证照类型: what a license of this type carries, who issues it, how long it lasts."""

    class HolderKind(models.TextChoices):
        CITIZEN = "citizen", _("自然人")
        ENTERPRISE = "enterprise", _("法人")

    code = models.SlugField(
        _("类型键"),
        max_length=50,
        unique=True,
        help_text=_("事项结果和材料的“电子证照类型代码”引用此键,例如 business_license。"),
    )
    type_code = models.CharField(
        _("证照类型代码"),
        max_length=15,
        help_text=_(
            "GB/T 36904 标识中的证照类型代码(大写字母或数字,至多 15 位:交换平台的记录标识"
            "最长 64 个字符)。"
        ),
    )
    name = models.CharField(_("证照名称"), max_length=100)
    department = models.ForeignKey(
        Department, verbose_name=_("颁发部门"), on_delete=models.PROTECT, related_name="+"
    )
    holder_kind = models.CharField(_("持证主体"), max_length=12, choices=HolderKind.choices)
    face_fields = models.JSONField(
        _("照面信息项"),
        default=list,
        help_text=_(
            "[{name, label, type: text|date|integer, required, personal, source}],source 为 "
            "holder.name / holder.key / case.number / case.item / form.<字段名>。"
        ),
    )
    validity_years = models.PositiveSmallIntegerField(
        _("有效期(年)"), null=True, blank=True, help_text=_("留空表示长期有效。")
    )
    annual_inspection = models.BooleanField(_("需要年检"), default=False)
    face_title = models.CharField(_("照面标题"), max_length=100, blank=True)
    face_note = models.CharField(_("照面说明"), max_length=300, blank=True)
    is_active = models.BooleanField(_("在用"), default=True)

    class Meta:
        verbose_name = _("证照类型")
        verbose_name_plural = _("证照类型")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class SigningKey(BaseModel):
    """An SM2 key pair of a department; the private key is stored sealed (SM4 + HMAC-SM3)."""

    department = models.ForeignKey(
        Department, verbose_name=_("部门"), on_delete=models.PROTECT, related_name="+"
    )
    key_id = models.CharField(_("密钥标识"), max_length=32, unique=True)
    public_key = models.CharField(_("公钥"), max_length=128)
    private_key_sealed = models.TextField(_("私钥(加密)"))
    is_active = models.BooleanField(_("当前签章密钥"), default=True)
    retired_at = models.DateTimeField(_("停用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("签章密钥")
        verbose_name_plural = _("签章密钥")
        ordering = ["department", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["department"],
                condition=models.Q(is_active=True),
                name="licenses_one_active_key",
            )
        ]

    def __str__(self) -> str:
        return self.key_id


class License(BaseModel):
    """One version of an electronic license."""

    class Status(models.TextChoices):
        VALID = "valid", _("有效")
        EXPIRED = "expired", _("已过期")
        REVOKED = "revoked", _("已注销")
        SUPERSEDED = "superseded", _("已变更")

    class HolderKeyType(models.TextChoices):
        ID_NUMBER = "id_number", _("公民身份号码")
        USCC = "uscc", _("统一社会信用代码")

    identifier = models.CharField(_("证照标识"), max_length=120, unique=True)
    license_type = models.ForeignKey(
        LicenseType, verbose_name=_("证照类型"), on_delete=models.PROTECT, related_name="licenses"
    )
    issuer = models.ForeignKey(
        Department, verbose_name=_("颁发部门"), on_delete=models.PROTECT, related_name="+"
    )
    serial = models.CharField(_("顺序号"), max_length=12)
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    number = models.CharField(_("证照编号"), max_length=60)
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("持证人账户"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    holder_name = models.CharField(_("持证主体"), max_length=100)
    holder_key = models.CharField(_("持证主体代码"), max_length=18, db_index=True)
    holder_key_type = models.CharField(
        _("持证主体代码类型"), max_length=10, choices=HolderKeyType.choices
    )
    face = models.JSONField(_("照面信息"), default=dict)
    issued_on = models.DateField(_("颁证日期"))
    valid_from = models.DateField(_("有效期起"))
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    inspected_until = models.DateField(_("年检有效期至"), null=True, blank=True)
    region_code = models.CharField(_("颁证区划"), max_length=12, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.VALID, db_index=True
    )
    status_reason = models.CharField(_("状态原因"), max_length=300, blank=True)
    status_changed_at = models.DateTimeField(_("状态变更时间"), null=True, blank=True)
    previous = models.OneToOneField(
        "self",
        verbose_name=_("上一版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next_version",
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("办件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signer = models.CharField(_("签发人"), max_length=100)
    signing_key = models.ForeignKey(
        SigningKey, verbose_name=_("签章密钥"), on_delete=models.PROTECT, related_name="+"
    )
    signature = models.CharField(_("签名"), max_length=128)

    class Meta:
        verbose_name = _("电子证照")
        verbose_name_plural = _("电子证照")
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["license_type", "issuer", "serial", "version"],
                name="licenses_unique_version",
            )
        ]
        indexes = [models.Index(fields=["holder_key", "status"], name="licenses_holder_idx")]

    def __str__(self) -> str:
        return self.identifier

    def signed_payload(self) -> bytes:
        """The canonical bytes that are signed: every catalogue and face field, not the status."""
        data: dict[str, Any] = {
            "identifier": self.identifier,
            "type_code": self.license_type.type_code,
            "name": self.license_type.name,
            "number": self.number,
            "holder_name": self.holder_name,
            "holder_key": self.holder_key,
            "holder_key_type": self.holder_key_type,
            "issuer": self.issuer.name,
            "issuer_code": self.issuer.uscc,
            "issued_on": self.issued_on.isoformat(),
            "valid_from": self.valid_from.isoformat(),
            "valid_until": self.valid_until.isoformat() if self.valid_until else None,
            "region_code": self.region_code,
            "signer": self.signer,
            "previous": self.previous.identifier if self.previous_id else None,
            "face": self.face,
        }
        return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


class LicenseUse(models.Model):
    """用证记录: who used a license, when, for what (用证事由), and the outcome."""

    class Channel(models.TextChoices):
        VERIFY = "verify", _("扫码/接口核验")
        APPLICATION = "application", _("办事申报免提交")
        PRINT = "print", _("下载打印")

    id = models.BigAutoField(primary_key=True)
    license = models.ForeignKey(
        License, verbose_name=_("电子证照"), on_delete=models.PROTECT, related_name="uses"
    )
    used_at = models.DateTimeField(_("用证时间"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用证人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("用证部门"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    channel = models.CharField(_("用证方式"), max_length=12, choices=Channel.choices)
    purpose = models.CharField(_("用证事由"), max_length=200)
    reference = models.CharField(_("关联业务"), max_length=60, blank=True)
    outcome = models.CharField(_("核验结果"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("用证记录")
        verbose_name_plural = _("用证记录")
        ordering = ["-used_at", "-id"]

    def __str__(self) -> str:
        return f"{self.license_id} {self.purpose}"

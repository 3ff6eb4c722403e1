from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditImmutableError(Exception):
    """Raised when code tries to change or delete an audit row."""


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):  # type: ignore[override]
        raise AuditImmutableError("audit rows are append-only")

    def delete(self):  # type: ignore[override]
        raise AuditImmutableError("audit rows are append-only")

    def bulk_update(self, *args, **kwargs):  # type: ignore[override]
        raise AuditImmutableError("audit rows are append-only")


class AuditEntry(models.Model):
    """One audited change. Rows form a hash chain: each row's hash covers its content and the
    previous row's hash, so a row changed or removed by hand breaks the chain at that point.

    Written only by ``govhall.core.audit.audit_record`` inside the caller's transaction.
    """

    seq = models.BigIntegerField(_("序号"), unique=True)
    created_at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(_("操作人标识"), max_length=150)
    action = models.CharField(_("操作"), max_length=100, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=100)
    object_id = models.CharField(_("对象标识"), max_length=100)
    summary = models.JSONField(_("变更摘要"), default=dict)
    request_id = models.CharField(_("请求标识"), max_length=64, blank=True)
    prev_hash = models.CharField(_("前一条哈希"), max_length=64, unique=True)
    hash = models.CharField(_("本条哈希"), max_length=64, unique=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-seq"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise AuditImmutableError("audit rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditImmutableError("audit rows are append-only")


class AuditCheck(models.Model):
    """The outcome of one walk of the audit chain (by the worker or ``govhall audit verify``)."""

    checked_at = models.DateTimeField(_("校验时间"), auto_now_add=True)
    ok = models.BooleanField(_("是否完整"))
    rows_checked = models.BigIntegerField(_("校验条数"))
    head_seq = models.BigIntegerField(_("链尾序号"), null=True)
    head_hash = models.CharField(_("链尾哈希"), max_length=64, blank=True)
    problem = models.TextField(_("发现的问题"), blank=True)

    class Meta:
        verbose_name = _("审计链校验")
        verbose_name_plural = _("审计链校验")
        ordering = ["-checked_at"]

    def __str__(self) -> str:
        return f"{self.checked_at:%Y-%m-%d %H:%M} {'OK' if self.ok else 'BROKEN'}"

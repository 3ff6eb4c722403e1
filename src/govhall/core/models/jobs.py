from django.db import models
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    """A unit of background work, stored so that it survives restarts.

    Jobs carry ids, never objects; handlers are idempotent. A worker claims a job by setting a
    lease (``locked_until``); a worker killed halfway leaves the lease to expire and the job is
    claimed again.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("待执行")
        RUNNING = "running", _("执行中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    kind = models.CharField(_("任务类型"), max_length=100)
    payload = models.JSONField(_("参数"), default=dict)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    dedupe_key = models.CharField(_("去重键"), max_length=200, null=True, blank=True, unique=True)
    attempts = models.PositiveIntegerField(_("已尝试次数"), default=0)
    max_attempts = models.PositiveIntegerField(_("最多尝试次数"), default=8)
    run_after = models.DateTimeField(_("最早执行时间"))
    locked_until = models.DateTimeField(_("租约到期"), null=True, blank=True)
    locked_by = models.CharField(_("执行进程"), max_length=100, blank=True)
    last_error = models.TextField(_("最近错误"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "run_after"], name="core_job_ready_idx")]

    def __str__(self) -> str:
        return f"{self.kind}#{self.pk} {self.status}"

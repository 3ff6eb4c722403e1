"""The public notice (公示) of a publicity step and the objections (异议) filed against it.

A ``PublicityNotice`` is written when a publicity step opens (one per task): it is listed on the
public page from ``starts_on`` to ``ends_on`` (working days of the step) with the applicant's
name masked. ``Objection`` rows are filed by signed-in persons while it runs and handled by the
step's department (upheld / dismissed with a reply). The worker closes the notice once
``ends_on`` has passed and no objection is open (``services_publicity``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from govhall.organizations.models import Department, Post

USER = settings.AUTH_USER_MODEL


class PublicityNotice(models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("公示中")
        CLOSED = "closed", _("公示结束")
        CANCELLED = "cancelled", _("已终止")

    case = models.ForeignKey(
        "cases.Case", verbose_name=_("办件"), on_delete=models.CASCADE, related_name="publicity"
    )
    task = models.OneToOneField(
        "cases.Task", verbose_name=_("公示环节"), on_delete=models.CASCADE, related_name="notice"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("公示部门"), on_delete=models.PROTECT, related_name="+"
    )
    post = models.ForeignKey(Post, verbose_name=_("异议处理岗位"), on_delete=models.PROTECT)
    step_name = models.CharField(_("环节名称"), max_length=100)
    item_name = models.CharField(_("事项名称"), max_length=200)
    applicant_masked = models.CharField(_("申请人(脱敏)"), max_length=100)
    text = models.TextField(_("公示内容"))
    starts_on = models.DateField(_("公示开始日期"))
    ends_on = models.DateField(_("公示截止日期"))
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.OPEN)
    outcome = models.CharField(_("公示结果"), max_length=10, blank=True)  # approve / deny
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("发布时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("公示")
        verbose_name_plural = _("公示")
        ordering = ["-starts_on", "-id"]
        indexes = [
            # the public list and the worker's due notices: open ones by end date
            models.Index(fields=["state", "ends_on"], name="cases_publicity_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.starts_on}~{self.ends_on}"


class Objection(models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("待处理")
        UPHELD = "upheld", _("异议成立")
        DISMISSED = "dismissed", _("异议不成立")

    notice = models.ForeignKey(
        PublicityNotice,
        verbose_name=_("公示"),
        on_delete=models.CASCADE,
        related_name="objections",
    )
    author = models.ForeignKey(
        USER,
        verbose_name=_("异议人账户"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="objections",
    )
    name = models.CharField(_("异议人"), max_length=100)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    text = models.TextField(_("异议内容"))
    created_at = models.DateTimeField(_("提出时间"))
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.OPEN)
    handled_by = models.ForeignKey(
        USER, verbose_name=_("处理人"), null=True, blank=True, on_delete=models.PROTECT
    )
    handled_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    reply = models.TextField(_("处理答复"), blank=True)

    class Meta:
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")
        ordering = ["notice", "created_at", "id"]
        constraints = [
            # one objection per person and notice (a second is an addition to the first)
            models.UniqueConstraint(
                fields=["notice", "author"],
                condition=models.Q(author__isnull=False),
                name="cases_objection_author_uniq",
            )
        ]
        indexes = [models.Index(fields=["notice", "state"], name="cases_objection_state_idx")]

    def __str__(self) -> str:
        return f"{self.notice_id}:{self.pk}"

"""Models of the analytics app: the ranking formula. The figures themselves are computed from
cases, supervision and interaction (read-only) and are not stored."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from govhall.core.models import BaseModel


class RankingFormula(BaseModel):
    """How departments are scored: a weight per figure (see ``analytics.ranking``).

    ``weights`` maps a figure key (``on_time_rate``, ``satisfaction_rate``, ``overdue``, ...) to a
    number; positive weights reward, negative ones penalise. At most one formula is active."""

    name = models.CharField(_("名称"), max_length=100)
    weights = models.JSONField(_("权重"), default=dict)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    active = models.BooleanField(_("启用"), default=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("修改人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("排名公式")
        verbose_name_plural = _("排名公式")
        ordering = ["-active", "-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["active"], condition=Q(active=True), name="analytics_one_active_formula"
            )
        ]

    def __str__(self) -> str:
        return self.name


class RuleParameterSet(BaseModel):
    """The parameters of a rule set (``analytics/data/rules/<code>.json``) in force from a date.

    A city changes a threshold by adding a set with a later ``effective_from``; an evaluation on
    a day uses the latest set whose ``effective_from`` is not after it, so a case is judged by the
    parameters in force on its application date."""

    rule_set = models.CharField(_("规则集"), max_length=64)
    effective_from = models.DateField(_("生效日期"))
    values = models.JSONField(_("参数值"), default=dict)
    reason = models.CharField(_("调整依据"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("设定人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("规则参数")
        verbose_name_plural = _("规则参数")
        ordering = ["rule_set", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule_set", "effective_from"], name="analytics_one_parameter_set_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule_set} @ {self.effective_from}"


class PushRound(BaseModel):
    """One round of precise push (精准推送): who qualifies for ``rule_set`` on ``on`` and has not
    applied for ``item`` is invited (see ``analytics.services_push``). The counts are the round's
    reach: every qualifying household is in exactly one of excluded (applied or housed / already
    invited this campaign / opted out), unreachable (no registered member) or invited."""

    class State(models.TextChoices):
        PENDING = "pending", _("排队中")
        RUNNING = "running", _("分析中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    rule_set = models.CharField(_("规则集"), max_length=64)
    item = models.ForeignKey(
        "catalog.Item", verbose_name=_("申请事项"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "organizations.Department",
        verbose_name=_("推送部门"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    purpose_reference = models.CharField(_("用途编号"), max_length=64)
    on = models.DateField(_("评估日期"))
    campaign_year = models.PositiveSmallIntegerField(
        _("推送年度"), help_text=_("同一规则集和事项,每户每年度至多邀请一次")
    )
    message = models.CharField(_("推送内容"), max_length=300)
    state = models.CharField(_("状态"), max_length=8, choices=State.choices, default=State.PENDING)
    error = models.TextField(_("失败原因"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    seconds = models.FloatField(_("用时(秒)"), default=0)
    analysed = models.PositiveIntegerField(_("分析户数"), default=0)
    qualifying = models.PositiveIntegerField(_("符合条件户数"), default=0)
    excluded_applied = models.PositiveIntegerField(_("已申请或已保障"), default=0)
    excluded_invited = models.PositiveIntegerField(_("本年度已邀请"), default=0)
    excluded_opted_out = models.PositiveIntegerField(_("已退订"), default=0)
    unreachable = models.PositiveIntegerField(_("无法触达(未注册)"), default=0)
    invited = models.PositiveIntegerField(_("已邀请户数"), default=0)
    sms = models.PositiveIntegerField(_("短信条数"), default=0)
    site = models.PositiveIntegerField(_("站内消息条数"), default=0)

    class Meta:
        verbose_name = _("精准推送批次")
        verbose_name_plural = _("精准推送批次")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.rule_set} {self.on}"

    @property
    def finished(self) -> bool:
        return self.state in {self.State.DONE, self.State.FAILED}


class PushInvitation(models.Model):
    """One household invited in one round, through one person (a registered member).

    A household is invited at most once per round and once per campaign (rule set, item, year):
    the second constraint holds across rounds, even two rounds running at once."""

    round = models.ForeignKey(
        PushRound, verbose_name=_("推送批次"), on_delete=models.CASCADE, related_name="invitations"
    )
    rule_set = models.CharField(_("规则集"), max_length=64)
    item = models.ForeignKey(
        "catalog.Item", verbose_name=_("申请事项"), on_delete=models.PROTECT, related_name="+"
    )
    campaign_year = models.PositiveSmallIntegerField(_("推送年度"))
    household_key = models.CharField(
        _("家庭标识"), max_length=18, help_text=_("户内最小的身份证号(分析时的申请人)")
    )
    person_key = models.CharField(_("被邀请人身份证号"), max_length=18)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("被邀请人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    channels = models.JSONField(_("渠道"), default=list)
    notified_at = models.DateTimeField(_("通知时间"))

    class Meta:
        verbose_name = _("推送邀请")
        verbose_name_plural = _("推送邀请")
        ordering = ["round", "household_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "household_key"], name="analytics_push_once_per_round"
            ),
            models.UniqueConstraint(
                fields=["rule_set", "item", "campaign_year", "household_key"],
                name="analytics_push_once_per_campaign",
            ),
        ]
        indexes = [
            models.Index(
                fields=["rule_set", "item", "campaign_year", "person_key"],
                name="analytics_push_person_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.round_id}:{self.household_key}"


class PushOptOut(models.Model):
    """A person does not want precise push about ``topic`` (a rule set code; "" = any)."""

    ALL = ""

    id_number = models.CharField(_("身份证号"), max_length=18)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    topic = models.CharField(_("退订内容"), max_length=64, blank=True, help_text=_("空为全部"))
    created_at = models.DateTimeField(_("退订时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("推送退订")
        verbose_name_plural = _("推送退订")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["id_number", "topic"], name="analytics_push_opt_out")
        ]

    def __str__(self) -> str:
        return f"{self.id_number}:{self.topic or '*'}"

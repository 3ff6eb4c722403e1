"""Models of the supervision app (电子监察): thresholds, alerts and cards, accountability.

- ``Threshold``: when a deadline raises a reminder (a fraction of the time used), a yellow card
  (N working days before the due date) and a red card (past the due date). One row without an item
  is the city default; a row per item overrides it.
- ``Alert``: one alert of one level for one open row of a deadline source (or one rule breach),
  unique per (source, source_id, kind, rule_code, level) so that the sweep raises it once even
  when it is killed halfway and run again.
- ``AlertComment``: the append-only history of what supervisors and departments did with an
  alert (acknowledged, commented, escalated).
- ``Accountability`` (追责): opened by a red card, a rule breach or an escalation; linked to the
  item version's responsibility entry; decided by a supervisor (confirmed / dismissed).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

USER = settings.AUTH_USER_MODEL


class Threshold(models.Model):
    """When deadlines raise alerts: the city default (no item) or one item's override."""

    item = models.OneToOneField(
        "catalog.Item",
        verbose_name=_("事项"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="supervision_threshold",
        help_text=_("留空为全市默认值。"),
    )
    reminder_fraction = models.DecimalField(
        _("提醒时点(已用时限比例)"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.50"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("1.00"))],
    )
    yellow_days = models.PositiveSmallIntegerField(
        _("黄牌预警(到期前工作日数)"), default=1, validators=[MaxValueValidator(60)]
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("监察阈值")
        verbose_name_plural = _("监察阈值")
        constraints = [
            # one city default: the item of the default row counts as 0
            models.UniqueConstraint(
                Coalesce("item", Value(0)), name="supervision_threshold_one_default"
            )
        ]

    def __str__(self) -> str:
        return str(self.item or _("全市默认"))


class Alert(models.Model):
    """One alert (提醒 / 黄牌 / 红牌) of one row of a deadline source, or one rule breach."""

    class Level(models.TextChoices):
        REMINDER = "reminder", _("提醒")
        YELLOW = "yellow", _("黄牌")
        RED = "red", _("红牌")

    class Kind(models.TextChoices):
        DEADLINE = "deadline", _("时限监察")
        RULE = "rule", _("规则监察")

    class State(models.TextChoices):
        OPEN = "open", _("待处理")
        ACKNOWLEDGED = "acknowledged", _("已签收")
        ESCALATED = "escalated", _("已升级")
        RESOLVED = "resolved", _("已解除")

    level = models.CharField(_("级别"), max_length=10, choices=Level.choices)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    rule_code = models.CharField(_("规则"), max_length=40, blank=True)
    source = models.CharField(_("来源"), max_length=30)
    source_id = models.BigIntegerField(_("来源记录"))
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("办件"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="alerts",
    )
    # Alerts are written in bulk by the sweep: no single-column index on the foreign keys that
    # the composite indexes below cover (department) or that nothing looks up alone.
    item = models.ForeignKey(
        "catalog.Item",
        verbose_name=_("事项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        db_index=False,
    )
    department = models.ForeignKey(
        "organizations.Department",
        verbose_name=_("部门"),
        on_delete=models.PROTECT,
        db_index=False,
    )
    region_code = models.CharField(_("区划代码"), max_length=12)
    post = models.ForeignKey(
        "organizations.Post",
        verbose_name=_("岗位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        db_index=False,
    )
    handler = models.ForeignKey(
        USER,
        verbose_name=_("办理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervision_alerts",
        db_index=False,
    )
    due_date = models.DateField(_("办理期限"), null=True, blank=True)
    detail = models.CharField(_("说明"), max_length=300, blank=True)
    raised_at = models.DateTimeField(_("发出时间"))
    resolved_at = models.DateTimeField(_("解除时间"), null=True, blank=True)
    state = models.CharField(_("状态"), max_length=12, choices=State.choices, default=State.OPEN)

    class Meta:
        verbose_name = _("监察预警")
        verbose_name_plural = _("监察预警")
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_id", "kind", "rule_code", "level"],
                name="supervision_alert_once",
            )
        ]
        indexes = [
            models.Index(fields=["state", "region_code"], name="supervision_alert_board_idx"),
            models.Index(fields=["department", "state"], name="supervision_alert_dept_idx"),
            models.Index(fields=["raised_at"], name="supervision_alert_raised_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.source_id}:{self.rule_code or self.level}"


class AlertComment(models.Model):
    """What someone did with an alert (append-only)."""

    class Action(models.TextChoices):
        ACKNOWLEDGE = "acknowledge", _("签收")
        COMMENT = "comment", _("批注")
        ESCALATE = "escalate", _("升级督办")

    alert = models.ForeignKey(
        Alert, verbose_name=_("预警"), on_delete=models.CASCADE, related_name="comments"
    )
    action = models.CharField(_("动作"), max_length=12, choices=Action.choices)
    text = models.TextField(_("内容"), blank=True)
    actor = models.ForeignKey(USER, verbose_name=_("操作人"), on_delete=models.PROTECT)
    actor_name = models.CharField(_("操作人姓名"), max_length=100, blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("预警处理记录")
        verbose_name_plural = _("预警处理记录")
        ordering = ["alert", "at", "id"]

    def __str__(self) -> str:
        return f"{self.alert_id}:{self.action}"


class Accountability(models.Model):
    """An accountability record (追责) with the supervisor's findings and decision."""

    class State(models.TextChoices):
        OPEN = "open", _("待认定")
        CONFIRMED = "confirmed", _("认定追责")
        DISMISSED = "dismissed", _("不予追责")

    alert = models.OneToOneField(
        Alert,
        verbose_name=_("预警"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accountability",
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("办件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accountabilities",
    )
    responsibility = models.ForeignKey(
        "catalog.Responsibility",
        verbose_name=_("责任事项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    department = models.ForeignKey(
        "organizations.Department",
        verbose_name=_("责任部门"),
        on_delete=models.PROTECT,
    )
    region_code = models.CharField(_("区划代码"), max_length=12, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.OPEN)
    situation = models.CharField(_("情形"), max_length=300, blank=True)
    findings = models.TextField(_("调查情况"), blank=True)
    reason = models.TextField(_("认定理由"), blank=True)
    opened_at = models.DateTimeField(_("立案时间"))
    opened_by = models.ForeignKey(
        USER,
        verbose_name=_("立案人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("认定时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        USER,
        verbose_name=_("认定人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("追责记录")
        verbose_name_plural = _("追责记录")
        ordering = ["-opened_at", "-id"]
        indexes = [
            models.Index(fields=["department", "state"], name="supervision_acc_dept_idx"),
            models.Index(fields=["region_code", "state"], name="supervision_acc_region_idx"),
        ]

    def __str__(self) -> str:
        return f"accountability {self.pk}"

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

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

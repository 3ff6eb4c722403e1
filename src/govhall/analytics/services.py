"""Writes of the analytics app: the ranking formula."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from govhall.analytics.models import RankingFormula
from govhall.analytics.permissions import can_manage_ranking
from govhall.analytics.ranking import weights_clean
from govhall.core import errors
from govhall.core.audit import audit_record


@transaction.atomic
def ranking_formula_save(
    *,
    actor: Any,
    formula: RankingFormula | None = None,
    name: str,
    weights: Any,
    note: str = "",
    active: bool = False,
) -> RankingFormula:
    """Create or change a formula; activating it deactivates the one active before."""
    if not can_manage_ranking(actor):
        raise errors.PermissionDenied(_("只有系统管理员可以设置排名公式。"), code="not_admin")
    name = (name or "").strip()[:100]
    if not name:
        raise errors.ValidationError(_("请填写名称。"), fields={"name": [_("必填")]})
    cleaned = weights_clean(weights)
    before = None
    if formula is not None and formula.pk:
        formula = RankingFormula.objects.select_for_update().get(pk=formula.pk)
        before = {"name": formula.name, "weights": formula.weights, "active": formula.active}
    else:
        formula = RankingFormula()
    if active:
        RankingFormula.objects.filter(active=True).exclude(pk=formula.pk).update(active=False)
    formula.name, formula.weights, formula.note = name, cleaned, (note or "")[:500]
    formula.active, formula.updated_by = active, actor
    formula.save()
    audit_record(
        actor=actor,
        action="analytics.ranking_formula_save",
        obj=formula,
        before=before,
        after={"name": name, "weights": cleaned, "active": active},
    )
    return formula

"""Supervision in the demo city: the city's thresholds, then one sweep over the case history
(the demo's overdue tasks get their cards and accountability records, its suspended cases none)."""

from __future__ import annotations

from decimal import Decimal

from govhall.supervision.models import Threshold
from govhall.supervision.services import threshold_set
from govhall.supervision.sweep import supervision_sweep


def supervision_demo_load() -> tuple[int, int]:
    """``(thresholds and alerts created, 0)``; running it again only sweeps."""
    created = 0
    if not Threshold.objects.filter(item__isnull=True).exists():
        threshold_set(actor=None, item=None, reminder_fraction=Decimal("0.50"), yellow_days=1)
        created += 1
    result = supervision_sweep()
    return created + result.total_raised, 0

from __future__ import annotations

from datetime import timedelta

from govhall.catalog.services import catalog_apply_schedules
from govhall.core.jobs import job


@job("catalog.apply_schedules", every=timedelta(hours=1), max_attempts=3)
def apply_schedules(payload: dict) -> None:
    """Publish versions whose effective date has come and cancel items due for cancellation."""
    catalog_apply_schedules()

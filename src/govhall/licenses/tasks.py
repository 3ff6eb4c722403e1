"""Periodic work of the licenses app."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from govhall.core.jobs import job
from govhall.licenses.services import licenses_expire


@job("licenses.expire", every=timedelta(hours=6))
def expire(payload: dict[str, Any]) -> None:
    """Licenses past their validity become 已过期 (and leave the exchange's index)."""
    licenses_expire()

"""Background jobs of the housing app."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from govhall.core.jobs import job


@job("housing.rent_bills", every=timedelta(days=1))
def rent_bills(payload: dict[str, Any]) -> None:
    """Daily, so that a missed day catches up; the month's bills are issued once."""
    from django.utils import timezone

    from govhall.housing.services_lease import rent_bills_issue

    rent_bills_issue(actor=None, month=timezone.localdate())


@job("housing.reverify", every=timedelta(days=1))
def reverify(payload: dict[str, Any]) -> None:
    """The yearly re-verification (动态核查): looked at daily, run once per calendar year from
    ``GOVHALL_HOUSING_REVERIFY_DAY`` on (a missed day catches up; a second look does nothing)."""
    from govhall.housing.services_reverify import reverification_yearly

    reverification_yearly()

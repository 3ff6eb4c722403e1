"""Background jobs of the cases app (ids in, one service call)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from govhall.core.jobs import job


@job("cases.deem_accepted", every=timedelta(hours=1))
def deem_accepted(payload: dict[str, Any]) -> None:
    from govhall.cases.services_actions import cases_deem_accepted

    cases_deem_accepted()


@job("cases.publicity_close", every=timedelta(hours=1))
def publicity_close(payload: dict[str, Any]) -> None:
    """Close the public notices whose period is over (公示期满) and move their cases on."""
    from govhall.cases.services_publicity import publicity_close_due

    publicity_close_due()

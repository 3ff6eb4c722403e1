"""Background jobs of the cases app (ids in, one service call)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from govhall.core.jobs import job


@job("cases.deem_accepted", every=timedelta(hours=1))
def deem_accepted(payload: dict[str, Any]) -> None:
    from govhall.cases.services_actions import cases_deem_accepted

    cases_deem_accepted()

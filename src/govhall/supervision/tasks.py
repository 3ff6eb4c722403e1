"""Background jobs of supervision (ids in, one service call)."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from govhall.core.jobs import job

logger = logging.getLogger("govhall.supervision")


@job("supervision.sweep", every=timedelta(minutes=15))
def sweep(payload: dict[str, Any]) -> None:
    """Raise and resolve alerts; safe to run again after a crash (see supervision.sweep)."""
    from govhall.supervision.sweep import supervision_sweep

    result = supervision_sweep()
    logger.info(
        "supervision sweep: raised %s, rules %s, resolved %s, accountability %s, %.2f s",
        result.raised,
        result.rules,
        result.resolved,
        result.accountabilities,
        result.seconds,
    )

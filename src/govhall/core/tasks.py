"""Background jobs of the core app."""

from __future__ import annotations

import logging
from datetime import timedelta

from govhall.core.audit import audit_check_run
from govhall.core.jobs import job

logger = logging.getLogger("govhall.audit")


@job("core.audit_chain_check", every=timedelta(hours=6), max_attempts=3)
def audit_chain_check(payload: dict) -> None:
    """Walk the audit chain and store the outcome; a broken chain is logged as an error."""
    check = audit_check_run()
    if not check.ok:
        logger.error("audit chain broken: %s", check.problem)

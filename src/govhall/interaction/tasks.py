"""Background jobs of the interaction app."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from govhall.core.jobs import job


@job("interaction.invite_evaluations", every=timedelta(hours=1))
def invite_evaluations(payload: dict[str, Any]) -> None:
    """SMS invitation to rate cases completed ≥ GOVHALL_EVALUATION_INVITE_DAYS ago, unrated."""
    from govhall.interaction.services_invite import evaluations_invite

    evaluations_invite()

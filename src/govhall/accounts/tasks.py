"""Background jobs of the accounts app."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from govhall.accounts.models import ApiToken
from govhall.core.jobs import job


@job("accounts.token_purge", every=timedelta(days=1), max_attempts=3)
def token_purge(payload: dict) -> None:
    """Delete tokens that expired or were revoked more than 30 days ago (set-based, idempotent)."""
    cutoff = timezone.now() - timedelta(days=30)
    ApiToken.objects.filter(expires_at__lt=cutoff).delete()
    ApiToken.objects.filter(revoked_at__lt=cutoff).delete()

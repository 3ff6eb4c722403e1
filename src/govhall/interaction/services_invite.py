"""The SMS invitation to rate a case (Bozhou: unrated 3 days after completion)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from govhall.accounts.models import User
from govhall.cases.models import Case
from govhall.interaction.models import Channel, Evaluation
from govhall.notifications.services import NotificationSpec, notification_enqueue_many

# Cases completed longer ago than this are not invited any more (a city switching the feature on
# does not text its whole history).
INVITE_WINDOW = timedelta(days=30)
RATEABLE = (Case.Status.COMPLETED, Case.Status.DENIED)


def rate_path(case_number: str, password: str, channel: str = Channel.QRCODE) -> str:
    query = urlencode({"p": password, "channel": channel})
    return f"{reverse('interaction:rate', args=[case_number])}?{query}"


def _spec(row: dict[str, Any]) -> NotificationSpec:
    path = rate_path(row["number"], row["query_password"], Channel.SMS)
    body = _("您办理的%(item)s(办件编号%(number)s)已办结,请对本次服务进行评价:%(url)s") % {
        "item": row["item_name"],
        "number": row["number"],
        "url": settings.GOVHALL_PUBLIC_URL + path,
    }
    return NotificationSpec(
        event="interaction.invite",
        subject=_("邀请您评价"),
        body=body,
        # an unsaved instance with the id: enough for the outbox, without loading the user
        recipient=User(pk=row["applicant_id"], phone=row["applicant__phone"] or ""),
        link=path,
        related=f"case:{row['number']}",
        dedupe_key=f"evaluation.invite:{row['number']}",
    )


def evaluations_invite(*, now: datetime | None = None) -> int:
    """Invite every case completed ≥ ``GOVHALL_EVALUATION_INVITE_DAYS`` ago and still unrated;
    one query for the cases, one bulk insert; the dedupe key makes each case invited once."""
    now = now or timezone.now()
    latest = now - timedelta(days=settings.GOVHALL_EVALUATION_INVITE_DAYS)
    rated = Evaluation.objects.filter(case=OuterRef("pk"), stage=Evaluation.Stage.COMPLETION)
    rows = (
        Case.objects.filter(
            status__in=RATEABLE, closed_at__lte=latest, closed_at__gt=latest - INVITE_WINDOW
        )
        .filter(~Exists(rated))
        .values("number", "query_password", "item_name", "applicant_id", "applicant__phone")
    )
    with transaction.atomic():
        return notification_enqueue_many(_spec(row) for row in rows.iterator(chunk_size=2000))

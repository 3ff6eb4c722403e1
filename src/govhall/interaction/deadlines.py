"""The interaction deadlines supervised like any other (CONTRACTS.md): open rectifications,
enquiries and complaints, registered with ``supervision.sources`` when that module exists."""

from __future__ import annotations

from django.db.models import F, IntegerField, QuerySet, Value
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from govhall.interaction.models import Rectification, Ticket

KEYS = (
    "id",
    "department_id",
    "region_code",
    "item_id",
    "case_id",
    "post_id",
    "handler_id",
    "opened_on",
    "due_date",
)


def open_rectifications() -> QuerySet:
    """Open rectifications (an appeal waits for the supervisors, not the department)."""
    return (
        Rectification.objects.filter(
            state__in=[Rectification.State.OPEN, Rectification.State.CALLED_BACK]
        )
        .annotate(
            region_code=F("department__region_id"),
            item_id=F("evaluation__item_id"),
            post_id=Value(None, output_field=IntegerField()),
            handler_id=Value(None, output_field=IntegerField()),
        )
        .values(*KEYS)
    )


def open_tickets(kind: str) -> QuerySet:
    return (
        Ticket.objects.filter(kind=kind, state=Ticket.State.OPEN, department__isnull=False)
        .annotate(
            region_code=F("department__region_id"),
            post_id=Value(None, output_field=IntegerField()),
            handler_id=Value(None, output_field=IntegerField()),
        )
        .values(*KEYS)
    )


def register() -> bool:
    """Register the three sources; False while the supervision app has no registry yet."""
    try:
        from govhall.supervision.sources import DeadlineSource, register_deadline_source
    except ImportError:
        return False
    register_deadline_source(
        DeadlineSource(
            name="rectification",
            label=_("差评整改"),
            open_rows=open_rectifications,
            url=lambda pk: reverse("interaction:manage_rectification", args=[pk]),
        )
    )
    for kind, label in ((Ticket.Kind.ENQUIRY, _("咨询")), (Ticket.Kind.COMPLAINT, _("投诉"))):
        register_deadline_source(
            DeadlineSource(
                name=str(kind),
                label=label,
                open_rows=lambda kind=kind: open_tickets(kind),
                url=lambda pk: reverse("interaction:manage_ticket", args=[pk]),
            )
        )
    return True

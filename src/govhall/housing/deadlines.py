"""Re-verification flags as a deadline source of 电子监察 (supervision): an open flag must be
decided (keep / terminate) by its ``due_date``; the sweep raises the reminder, yellow and red
cards on the housing department like any case step. Registered from ``apps.py``."""

from __future__ import annotations

from django.db.models import F, IntegerField, QuerySet, Value
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def open_flags() -> QuerySet:
    from govhall.housing.models import ReverificationFlag

    return ReverificationFlag.objects.filter(
        state=ReverificationFlag.State.OPEN, due_date__isnull=False
    ).values(
        "id",
        "due_date",
        department_id=F("entry__case__department_id"),
        region_code=F("entry__case__region_code"),
        item_id=F("entry__case__item_id"),
        case_id=Value(None, output_field=IntegerField()),
        post_id=Value(None, output_field=IntegerField()),
        handler_id=Value(None, output_field=IntegerField()),
        opened_on=TruncDate("run__started_at"),
    )


def _flag_url(flag_id: int) -> str:
    from govhall.housing.models import ReverificationFlag

    run = ReverificationFlag.objects.filter(pk=flag_id).values_list("run_id", flat=True).first()
    return reverse("housing:reverification_run", args=[run]) if run else ""


def register() -> bool:
    """Register the source; False where the supervision app is not installed."""
    try:
        from govhall.supervision.sources import DeadlineSource, register_deadline_source
    except ImportError:
        return False
    register_deadline_source(
        DeadlineSource(
            name="reverification",
            label=_("动态核查复核"),
            open_rows=open_flags,
            url=_flag_url,
        )
    )
    return True

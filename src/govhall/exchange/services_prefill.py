"""Prefill (预填): an applicant's own registry data, read for the form of an item.

The read happens on the applicant's behalf for the item's handling department: it returns only the
fields that department's grants allow (the form shows what the department would see anyway), covers
the applicant and, where the population registry groups them, their household, and is written to the
access log under the purpose ``PREFILL:<item code>`` so that the person sees it in 我的数据被谁用了.
An applicant with no registry data, or an item whose department holds no grants, simply gets an
empty prefill: the applicant then types the values.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.exchange.access import ResourceView, resource_views, resources_for
from govhall.exchange.access_log import AccessContext, access_log_append
from govhall.exchange.models import AccessLogEntry
from govhall.exchange.selectors_registry import RecordRow, records_of
from govhall.exchange.services_query import MAX_HOUSEHOLD, POPULATION, _cut, _household

PREFILL_PURPOSE = "PREFILL"


@dataclass
class PrefillRead:
    """What the registries say about the applicant (and household) for one item."""

    subject_key: str
    views: dict[str, ResourceView] = field(default_factory=dict)
    # subject key -> resource code -> records (cut to the department's allowed fields)
    records: dict[str, dict[str, list[RecordRow]]] = field(default_factory=dict)
    household: list[str] = field(default_factory=list)

    def of(self, subject_key: str) -> dict[str, list[RecordRow]]:
        return self.records.get(subject_key, {})


def prefill_read(
    *,
    applicant: object,
    subject_key: str,
    department_id: int,
    item_code: str,
    resource_codes: list[str],
    channel: str = AccessLogEntry.Channel.PAGE,
    on: dt.date | None = None,
) -> PrefillRead:
    """The applicant's records in ``resource_codes`` (plus the population registry for the
    household), limited to ``department_id``'s grants, logged as the applicant's own read."""
    on = on or timezone.localdate()
    codes = sorted(set(resource_codes) | {POPULATION})
    # Resources the city has not published are simply not there to prefill from.
    known = [resource for resource in resources_for(None) if resource.code in codes]
    views = [
        view
        for view in resource_views(department_id=department_id, resources=known, on=on)
        if view.readable
    ]
    result = PrefillRead(subject_key=subject_key, views={view.code: view for view in views})
    if not views:
        return result
    keys = _household(views, subject_key, on)[:MAX_HOUSEHOLD]
    result.household = keys
    rows = records_of(subject_keys=keys, resource_ids=[view.id for view in views], on=on)
    result.records = {profile.subject_key: profile.records for profile in _cut(rows, views, keys)}
    access_log_append(
        context=AccessContext(actor=applicant, channel=channel, client=_("网上申报预填")),
        kind=AccessLogEntry.Kind.PROFILE,
        outcome=AccessLogEntry.Outcome.GRANTED,
        subject_keys=keys,
        resources=[view.code for view in views],
        fields={view.code: list(view.allowed) for view in views},
        purpose_reference=f"{PREFILL_PURPOSE}:{item_code}"[:64],
        purpose_title=_("网上申报表单预填"),
    )
    return result

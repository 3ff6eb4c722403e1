"""Tenancy as an exchange resource: who is on the 公租房 waiting list or housed, published as
``public_housing_tenancy`` (公共租赁住房保障对象信息, provider: the housing department), one record
per household member (subject key: the member's ID number; record key: the waiting entry), so
that other departments and the eligibility rules ("not already housed") read it through their
grants like any registry, and every read is in the access log.

Written the way ``licenses.exchange_sync`` writes the license index: the exchange's ingestion
service (``Load.Source.SYSTEM``) in the transaction of the change that causes it:

- ``waiting`` when the household is put on the list (``waiting_entry_add_from_case``);
- ``leased`` when the tenant signs the lease (``lease_sign``);
- ended (``valid_to`` yesterday, so reads "in force today" no longer return it) when the
  household leaves: the lease ends or the entry is removed (``lease_end``, a re-verification's
  decision to terminate). The ended record stays as history.

``since`` is the day the status began (the entry's creation, the lease's start). A member whose
ID number fails its check character cannot be in any registry; that row is left out (logged)
instead of refusing the change. A city that has not published the resource skips the push.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging

from django.utils import timezone

from govhall.exchange.models import Load, Resource, ResourceField

logger = logging.getLogger(__name__)

TENANCY_RESOURCE = "public_housing_tenancy"
WAITING, LEASED = "waiting", "leased"
# The resource's fields (name, label, type, personal): the definition the city publishes in its
# resource catalog (demo/data/resources.json), provider = the housing department.
TENANCY_FIELDS = [
    ("status", "保障状态", ResourceField.Type.TEXT, False),
    ("entry", "轮候登记号", ResourceField.Type.INTEGER, False),
    ("since", "起始日期", ResourceField.Type.DATE, False),
]
TENANCY_RECORD_KEY = "entry"


def _resource() -> Resource | None:
    return Resource.objects.filter(code=TENANCY_RESOURCE, is_active=True).first()


def tenancy_push(
    *,
    entry_id: int,
    member_ids: list[str],
    status: str,
    since: dt.date,
    ended: bool = False,
) -> Load | None:
    """Merge one household's rows (one per member) into ``public_housing_tenancy``; ``ended``
    closes them (valid until yesterday). Returns the load, or None when nothing was pushed."""
    resource = _resource()
    if resource is None or not member_ids:
        return None
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    rows = [
        {
            "subject_key": member,
            "status": status,
            "entry": entry_id,
            "since": since.isoformat(),
            "valid_from": "",
            "valid_to": yesterday.isoformat() if ended else "",
        }
        for member in dict.fromkeys(member_ids)
    ]
    from govhall.exchange.services_ingest import records_ingest

    load = records_ingest(
        actor=None,  # the system: housing's own write, in the transaction of the change
        resource=resource,
        stream=io.BytesIO(json.dumps(rows, ensure_ascii=False).encode()),
        file_format="json",
        mode=Load.Mode.VALID_ONLY,
        source=Load.Source.SYSTEM,
        file_name="housing",
    )
    if load.rows_rejected:
        logger.warning(
            "public_housing_tenancy: %s row(s) of entry %s refused: %s",
            load.rows_rejected,
            entry_id,
            load.rejections,
        )
    return load

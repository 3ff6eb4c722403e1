"""The license library as exchange resources: each issued or changed license is merged into the
``license_index`` resource (电子证照目录, persons by 身份证号) or ``enterprise_license_index``
(法人电子证照目录, by USCC) by the exchange's ingestion service, in
the issuing transaction, so that departments read it through their grants like any resource
(prefill, 免提交 materials, one-click verification), and every read is in the access log.

A revoked, expired or superseded version stays in the index with its status and a ``valid_to``
in the past, so that reads "valid on today" (the exchange's default) no longer return it.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
from collections.abc import Iterable

from django.utils import timezone

from govhall.exchange.models import Load, Resource
from govhall.exchange.services_ingest import records_ingest
from govhall.licenses.models import License

logger = logging.getLogger(__name__)
LICENSE_INDEX = "license_index"
ENTERPRISE_LICENSE_INDEX = "enterprise_license_index"
INDEX_OF = {
    License.HolderKeyType.ID_NUMBER: LICENSE_INDEX,
    License.HolderKeyType.USCC: ENTERPRISE_LICENSE_INDEX,
}
STATUS_LABELS = {
    License.Status.VALID: "有效",
    License.Status.EXPIRED: "已过期",
    License.Status.REVOKED: "已注销",
    License.Status.SUPERSEDED: "已变更",
}


def _row(license: License, today: dt.date) -> dict[str, str]:
    live = license.status == License.Status.VALID
    until = (
        license.valid_until
        if live
        else min(license.valid_until or today, today) - dt.timedelta(days=1)
    )
    return {
        "subject_key": license.holder_key,
        "license_identifier": license.identifier,
        "license_type": license.license_type.code,
        "license_name": license.license_type.name,
        "license_number": license.number,
        "issuer": license.issuer.name,
        "issued_on": license.issued_on.isoformat(),
        "status": STATUS_LABELS[license.status],
        "valid_from": license.valid_from.isoformat() if live else "",
        "valid_to": until.isoformat() if until else "",
    }


def license_index_push(licenses: Iterable[License]) -> list[Load]:
    """Merge ``licenses`` into the license indexes: persons' licenses into ``license_index`` (by
    身份证号), legal persons' into ``enterprise_license_index`` (by USCC). An index this city has
    not published is skipped; the loads made are returned."""
    today = timezone.localdate()
    batches: dict[str, list[dict[str, str]]] = {}
    for item in licenses:
        batches.setdefault(INDEX_OF[item.holder_key_type], []).append(_row(item, today))
    resources = {
        resource.code: resource
        for resource in Resource.objects.filter(code__in=list(batches), is_active=True)
    }
    loads = []
    for code, rows in sorted(batches.items()):
        if code not in resources:
            continue
        load = records_ingest(
            actor=None,  # the system: the license services' own write, in their transaction
            resource=resources[code],
            stream=io.BytesIO(json.dumps(rows, ensure_ascii=False).encode()),
            file_format="json",
            mode=Load.Mode.ALL_OR_NOTHING,
            source=Load.Source.SYSTEM,
            file_name="licenses",
        )
        if load.status != Load.Status.LOADED:
            raise LicenseIndexRefused(load.rejections)
        loads.append(load)
    return loads


class LicenseIndexRefused(RuntimeError):
    """The exchange refused the rows: the index's fields and ours no longer agree."""

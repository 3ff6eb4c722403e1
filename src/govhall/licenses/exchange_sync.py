"""The license library as an exchange resource: each issued or changed license of a citizen is
merged into the ``license_index`` resource (电子证照目录) by the exchange's ingestion service, in
the issuing transaction, so that departments read it through their grants like any resource
(prefill, 免提交 materials, one-click verification), and every read is in the access log.

A revoked, expired or superseded version stays in the index with its status and a ``valid_to``
in the past, so that reads "valid on today" (the exchange's default) no longer return it.
``license_index`` is keyed by 公民身份号码: licenses of legal persons are not indexed there.
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


def license_index_push(licenses: Iterable[License]) -> Load | None:
    """Merge the citizens' licenses among ``licenses`` into ``license_index`` (None: nothing to do
    or no such resource in this city)."""
    today = timezone.localdate()
    rows = [
        _row(item, today)
        for item in licenses
        if item.holder_key_type == License.HolderKeyType.ID_NUMBER
    ]
    resource = Resource.objects.filter(code=LICENSE_INDEX, is_active=True).first()
    if not rows or resource is None:
        return None
    body = json.dumps(rows, ensure_ascii=False).encode()
    load = records_ingest(
        actor=None,  # the system, as for seed loads: the exchange has no "internal push" source
        resource=resource,
        stream=io.BytesIO(body),
        file_format="json",
        mode=Load.Mode.ALL_OR_NOTHING,
        source=Load.Source.SEED,
        file_name="licenses",
    )
    if load.status != Load.Status.LOADED:
        raise LicenseIndexRefused(load.rejections)
    return load


class LicenseIndexRefused(RuntimeError):
    """The exchange refused the rows: the index's fields and ours no longer agree."""

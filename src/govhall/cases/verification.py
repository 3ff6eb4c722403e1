"""One-click verification (一键核查) on a case: the exchange's verification read, with the case
number as purpose, so that the read is logged against the case and limited to its applicant and
household."""

from __future__ import annotations

from typing import Any

from govhall.cases.models import Case
from govhall.exchange.access_log import AccessContext
from govhall.exchange.services_query import VerificationResult, verification_read


def case_verification(*, actor: Any, case: Case, channel: str = "page") -> VerificationResult:
    return verification_read(
        context=AccessContext(actor=actor, channel=channel),
        item_code=case.item.implementation_code,
        subject_key=case.applicant_key,
        purpose_reference=case.number,
    )


def verification_payload(result: VerificationResult) -> dict[str, Any]:
    profile = result.profile
    resources = {view.code: view for view in (profile.resources if profile else [])}
    return {
        "item": result.item_code,
        "item_name": result.item_name,
        "materials": [
            {
                "name": m.name,
                "resource": m.resource_code,
                "satisfied": m.satisfied,
                "found": m.found,
                "note": m.note,
            }
            for m in result.materials
        ],
        "subjects": [
            {
                "subject": subject.subject_key,
                "records": {
                    code: [
                        {
                            "record_key": r.record_key,
                            "data": r.data,
                            "updated_at": r.updated_at,
                            "provider": resources[code].provider,
                        }
                        for r in rows
                    ]
                    for code, rows in subject.records.items()
                },
            }
            for subject in (profile.subjects if profile else [])
        ],
        "withheld": [view.code for view in (profile.withheld if profile else [])],
    }

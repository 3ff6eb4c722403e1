"""What the pages and the API show of a license (masked for all but the holder)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from govhall.licenses.models import License
from govhall.licenses.verification import Verification, face_display, holder_display


def license_payload(license: License, *, full: bool) -> dict[str, Any]:
    return {
        "identifier": license.identifier,
        "type": license.license_type.code,
        "name": license.license_type.name,
        "number": license.number if full else "",
        "version": license.version,
        "holder": holder_display(license, full=full),
        "issuer": license.issuer.name,
        "issued_on": license.issued_on,
        "valid_from": license.valid_from,
        "valid_until": license.valid_until,
        "inspected_until": license.inspected_until,
        "status": license.status,
        "status_label": license.get_status_display(),
        "status_reason": license.status_reason,
        "previous": license.previous.identifier if license.previous_id else None,
        "face": face_display(license, full=full),
        "key_id": license.signing_key.key_id,
        "verify_url": reverse("licenses:verify", args=[license.identifier]),
    }


def verification_payload(result: Verification, *, full: bool) -> dict[str, Any]:
    return {
        "valid": result.valid,
        "outcome": result.outcome,
        "check_character_ok": True,  # a wrong one never gets this far (422)
        "signature_ok": result.signature_ok,
        "reasons": result.reasons,
        "license": license_payload(result.license, full=full),
    }

"""The demo stage: eight types tied to catalog items, keys, personas' signed licenses."""

from __future__ import annotations

import pytest

from govhall.catalog.models import ItemVersion
from govhall.exchange.models import Record
from govhall.licenses.demo import licenses_demo_load
from govhall.licenses.models import License, LicenseType, SigningKey
from govhall.licenses.verification import verification_of

pytestmark = pytest.mark.django_db


def test_demo_city_has_license_types_keys_and_persona_licenses():
    from govhall.demo.services import demo_city_load

    demo_city_load(persons=200)  # with the case history: its completed cases issue licenses
    types = set(LicenseType.objects.values_list("code", flat=True))
    assert len(types) >= 8
    results = set(
        ItemVersion.objects.filter(result_type="10").values_list("license_type_code", flat=True)
    )
    assert types <= results  # every type is the result of a demo item
    issuers = set(LicenseType.objects.values_list("department_id", flat=True))
    assert set(SigningKey.objects.values_list("department_id", flat=True)) == issuers
    licenses = list(License.objects.all())
    assert len(licenses) >= 6 and all(verification_of(item).valid for item in licenses)
    from_cases = [item for item in licenses if item.case_id]
    assert from_cases and all(item.case.status == "completed" for item in from_cases)
    citizens = [item for item in licenses if item.holder_key_type == "id_number"]
    assert Record.objects.filter(record_key__in=[c.identifier for c in citizens]).count() == len(
        citizens
    )
    assert licenses_demo_load() == (0, 0)  # idempotent

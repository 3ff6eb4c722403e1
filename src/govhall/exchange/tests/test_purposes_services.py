from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from govhall.accounts.tests.factories import StaffFactory
from govhall.core import errors
from govhall.core.models import AuditEntry
from govhall.exchange.purposes import PurposeRefused, purpose_resolve
from govhall.exchange.services_grants import purpose_deactivate, purpose_register
from govhall.exchange.tests.factories import PurposeFactory


@pytest.fixture
def housing_officer(housing_department):
    return StaffFactory(department=housing_department, posts=["data_officer"])


@pytest.fixture
def police_officer(police_department):
    return StaffFactory(department=police_department, posts=["data_officer"])


def _register(actor, reference=None, **overrides):
    today = timezone.localdate()
    kwargs = {
        "title": "2026年度公租房动态核查",
        "legal_basis": "《公共租赁住房管理办法》第三十条",
        "valid_from": today,
        "valid_to": today + timedelta(days=180),
        **overrides,
    }
    return purpose_register(actor=actor, reference=reference, **kwargs)


@pytest.mark.django_db
def test_a_reference_is_generated_per_department_and_year(housing_officer):
    year = timezone.localdate().year
    department_id = housing_officer.department_id
    first = _register(housing_officer)
    second = _register(housing_officer, reference="")
    assert first.reference == f"YT-{year}-{department_id}-1"
    assert second.reference == f"YT-{year}-{department_id}-2"
    assert first.department_id == department_id and first.registered_by == housing_officer
    assert AuditEntry.objects.filter(action="exchange.purpose_register").count() == 2


@pytest.mark.django_db
def test_a_given_reference_is_kept_and_unique(housing_officer, police_officer):
    purpose = _register(housing_officer, reference="FC-2026-A")
    assert purpose.reference == "FC-2026-A"
    with pytest.raises(errors.Conflict):
        _register(police_officer, reference="FC-2026-A")


@pytest.mark.django_db
@pytest.mark.parametrize("reference", ["2026000123", "含中文", "A", "YT 2026", "a/b"])
def test_a_given_reference_starts_with_a_letter(housing_officer, reference):
    with pytest.raises(errors.ValidationError) as caught:
        _register(housing_officer, reference=reference)
    assert "reference" in caught.value.fields


@pytest.mark.django_db
def test_title_basis_and_period_are_checked(housing_officer):
    today = timezone.localdate()
    with pytest.raises(errors.ValidationError):
        _register(housing_officer, title=" ")
    with pytest.raises(errors.ValidationError):
        _register(housing_officer, legal_basis="")
    with pytest.raises(errors.ValidationError):
        _register(housing_officer, valid_from=today, valid_to=today - timedelta(days=1))


@pytest.mark.django_db
def test_only_a_data_officer_registers(clerk, applicant, admin_user):
    for actor in (clerk, applicant, admin_user):
        with pytest.raises(errors.PermissionDenied):
            _register(actor)


@pytest.mark.django_db
def test_a_registered_purpose_serves_its_own_department_only(housing_officer, police_officer):
    purpose = _register(housing_officer)
    resolved = purpose_resolve(actor=housing_officer, reference=purpose.reference)
    assert resolved.kind == "registered" and resolved.title == purpose.title
    with pytest.raises(PurposeRefused):
        purpose_resolve(actor=police_officer, reference=purpose.reference)


@pytest.mark.django_db
def test_a_deactivated_purpose_no_longer_resolves(housing_officer):
    purpose = _register(housing_officer)
    purpose = purpose_deactivate(actor=housing_officer, purpose=purpose)
    assert not purpose.is_active
    assert AuditEntry.objects.filter(action="exchange.purpose_deactivate").count() == 1
    with pytest.raises(PurposeRefused):
        purpose_resolve(actor=housing_officer, reference=purpose.reference)
    with pytest.raises(errors.Conflict):
        purpose_deactivate(actor=housing_officer, purpose=purpose)


@pytest.mark.django_db
def test_only_the_department_data_officer_deactivates(
    housing_department, police_officer, clerk, admin_user
):
    purpose = PurposeFactory(department=housing_department)
    for actor in (police_officer, clerk, admin_user):
        with pytest.raises(errors.PermissionDenied):
            purpose_deactivate(actor=actor, purpose=purpose)
    purpose.refresh_from_db()
    assert purpose.is_active

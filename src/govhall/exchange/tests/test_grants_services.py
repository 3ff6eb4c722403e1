from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from govhall.accounts.tests.factories import StaffFactory
from govhall.core import errors
from govhall.core.models import AuditEntry
from govhall.exchange.models import Grant, Resource
from govhall.exchange.selectors_catalog import effective_status
from govhall.exchange.services_grants import (
    grant_approve,
    grant_refuse,
    grant_request,
    grant_revoke,
)
from govhall.exchange.tests.factories import GrantFactory, income_resource, population_resource
from govhall.organizations.tests.factories import DepartmentFactory


@pytest.fixture
def population(police_department):
    return population_resource(provider=police_department)


@pytest.fixture
def housing_officer(housing_department):
    return StaffFactory(department=housing_department, posts=["data_officer"])


@pytest.fixture
def police_officer(police_department):
    return StaffFactory(department=police_department, posts=["data_officer"])


@pytest.fixture
def third_officer(db):
    department = DepartmentFactory(name="亳州市民政局", short_name="民政局")
    return StaffFactory(department=department, posts=["data_officer"])


def _request(actor, resource, **overrides):
    today = timezone.localdate()
    kwargs = {
        "fields": ["name", "household_number"],
        "purpose": "公共租赁住房资格审核",
        "legal_basis": "《公共租赁住房管理办法》第七条",
        "valid_from": today,
        "valid_to": today + timedelta(days=365),
        **overrides,
    }
    return grant_request(actor=actor, resource=resource, **kwargs)


@pytest.mark.django_db
def test_a_conditional_resource_request_waits_for_the_provider(housing_officer, population):
    grant = _request(housing_officer, population)
    assert grant.status == Grant.Status.REQUESTED
    assert grant.consumer_id == housing_officer.department_id
    assert grant.requested_by == housing_officer
    assert not grant.is_current()
    entry = AuditEntry.objects.get(action="exchange.grant_request")
    assert entry.object_id == str(grant.pk)


@pytest.mark.django_db
def test_an_unconditional_resource_request_is_approved_at_once(housing_officer):
    resource = income_resource(sharing_type=Resource.SharingType.UNCONDITIONAL)
    grant = _request(housing_officer, resource, fields=["annual_income"])
    assert grant.status == Grant.Status.APPROVED
    assert grant.decided_by is None and grant.decided_at is not None
    assert grant.decision_note == "无条件共享,自动批准"
    assert grant.is_current()


@pytest.mark.django_db
def test_a_resource_not_shared_refuses_every_request(housing_officer):
    resource = income_resource(sharing_type=Resource.SharingType.NONE)
    with pytest.raises(errors.ValidationError) as caught:
        _request(housing_officer, resource, fields=["annual_income"])
    assert caught.value.code == "not_shareable" and "不予共享" in caught.value.message
    assert not Grant.objects.exists()


@pytest.mark.django_db
def test_unknown_fields_are_named_in_the_refusal(housing_officer, population):
    with pytest.raises(errors.ValidationError) as caught:
        _request(housing_officer, population, fields=["name", "salary", "blood_type"])
    assert "blood_type" in caught.value.message and "salary" in caught.value.message
    assert "fields" in caught.value.fields


@pytest.mark.django_db
def test_a_request_names_at_least_one_field(housing_officer, population):
    with pytest.raises(errors.ValidationError) as caught:
        _request(housing_officer, population, fields=[" "])
    assert "fields" in caught.value.fields


@pytest.mark.django_db
def test_fields_are_kept_once_in_the_resource_order(housing_officer, population):
    grant = _request(housing_officer, population, fields=["relation", "name", "relation"])
    assert grant.fields == ["name", "relation"]


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["purpose", "legal_basis"])
def test_purpose_and_legal_basis_are_required(housing_officer, population, field):
    with pytest.raises(errors.ValidationError) as caught:
        _request(housing_officer, population, **{field: "  "})
    assert field in caught.value.fields


@pytest.mark.django_db
def test_the_period_must_not_end_before_it_starts(housing_officer, population):
    today = timezone.localdate()
    with pytest.raises(errors.ValidationError) as caught:
        _request(housing_officer, population, valid_from=today, valid_to=today - timedelta(1))
    assert "valid_to" in caught.value.fields


@pytest.mark.django_db
def test_the_period_is_at_most_three_years(housing_officer, population):
    today = timezone.localdate().replace(month=3, day=1)
    end = today.replace(year=today.year + 3)
    with pytest.raises(errors.ValidationError):
        _request(housing_officer, population, valid_from=today, valid_to=end + timedelta(1))
    grant = _request(housing_officer, population, valid_from=today, valid_to=end)
    assert grant.valid_to == end


@pytest.mark.django_db
def test_a_period_already_over_is_refused(housing_officer, population):
    today = timezone.localdate()
    with pytest.raises(errors.ValidationError):
        _request(
            housing_officer,
            population,
            valid_from=today - timedelta(days=30),
            valid_to=today - timedelta(days=1),
        )


@pytest.mark.django_db
def test_the_provider_does_not_ask_for_its_own_resource(police_officer, population):
    with pytest.raises(errors.ValidationError) as caught:
        _request(police_officer, population)
    assert caught.value.code == "own_resource"


@pytest.mark.django_db
def test_only_a_data_officer_requests(clerk, applicant, admin_user, population):
    for actor in (clerk, applicant, admin_user):
        with pytest.raises(errors.PermissionDenied):
            _request(actor, population)


@pytest.mark.django_db
def test_a_second_pending_request_is_a_conflict(housing_officer, police_officer, population):
    first = _request(housing_officer, population)
    with pytest.raises(errors.Conflict):
        _request(housing_officer, population, fields=["name"])
    grant_refuse(actor=police_officer, grant=first, note="用途不明确")
    again = _request(housing_officer, population, fields=["name"])
    assert again.status == Grant.Status.REQUESTED


@pytest.mark.django_db
def test_the_provider_data_officer_approves(housing_officer, police_officer, population):
    grant = _request(housing_officer, population)
    grant = grant_approve(actor=police_officer, grant=grant, note="同意")
    grant.refresh_from_db()
    assert grant.status == Grant.Status.APPROVED and grant.is_current()
    assert grant.decided_by == police_officer and grant.decision_note == "同意"
    assert AuditEntry.objects.filter(action="exchange.grant_approve").count() == 1


@pytest.mark.django_db
def test_nobody_but_the_provider_data_officer_decides(
    housing_officer, third_officer, police_department, other_clerk, admin_user, population
):
    grant = _request(housing_officer, population)
    for actor in (housing_officer, third_officer, other_clerk, admin_user):
        for decide in (grant_approve, grant_refuse):
            with pytest.raises(errors.PermissionDenied):
                decide(actor=actor, grant=grant, note="x")
    grant.refresh_from_db()
    assert grant.status == Grant.Status.REQUESTED


@pytest.mark.django_db
def test_a_decided_request_cannot_be_decided_again(housing_officer, police_officer, population):
    grant = _request(housing_officer, population)
    grant_approve(actor=police_officer, grant=grant)
    with pytest.raises(errors.Conflict):
        grant_approve(actor=police_officer, grant=grant)
    with pytest.raises(errors.Conflict):
        grant_refuse(actor=police_officer, grant=grant, note="迟到的拒绝")


@pytest.mark.django_db
def test_a_refusal_says_why(housing_officer, police_officer, population):
    grant = _request(housing_officer, population)
    with pytest.raises(errors.ValidationError) as caught:
        grant_refuse(actor=police_officer, grant=grant, note="")
    assert "note" in caught.value.fields
    grant = grant_refuse(actor=police_officer, grant=grant, note="超出业务所需")
    assert grant.status == Grant.Status.REFUSED and grant.decision_note == "超出业务所需"


@pytest.mark.django_db
def test_a_request_on_a_resource_no_longer_shared_is_not_approved(
    housing_officer, police_officer, population
):
    grant = _request(housing_officer, population)
    Resource.objects.filter(pk=population.pk).update(sharing_type=Resource.SharingType.NONE)
    with pytest.raises(errors.ValidationError):
        grant_approve(actor=police_officer, grant=grant)


@pytest.mark.django_db
def test_the_provider_revokes_an_approved_grant(housing_officer, police_officer, population):
    grant = GrantFactory(
        resource=population, consumer=housing_officer.department, requested_by=housing_officer
    )
    with pytest.raises(errors.ValidationError):
        grant_revoke(actor=police_officer, grant=grant, reason=" ")
    grant = grant_revoke(actor=police_officer, grant=grant, reason="业务已结束")
    grant.refresh_from_db()
    assert grant.status == Grant.Status.REVOKED and not grant.is_current()
    assert grant.revoked_by == police_officer and grant.revoke_reason == "业务已结束"
    assert AuditEntry.objects.filter(action="exchange.grant_revoke").count() == 1
    with pytest.raises(errors.Conflict):
        grant_revoke(actor=police_officer, grant=grant, reason="再次撤销")


@pytest.mark.django_db
def test_only_an_approved_grant_is_revoked(housing_officer, police_officer, population):
    grant = _request(housing_officer, population)
    with pytest.raises(errors.Conflict):
        grant_revoke(actor=police_officer, grant=grant, reason="尚未批准")


@pytest.mark.django_db
def test_the_consumer_cannot_revoke(housing_officer, population):
    grant = GrantFactory(resource=population, consumer=housing_officer.department)
    with pytest.raises(errors.PermissionDenied):
        grant_revoke(actor=housing_officer, grant=grant, reason="不用了")


@pytest.mark.django_db
def test_a_grant_expires_by_date(housing_officer, population):
    today = timezone.localdate()
    grant = GrantFactory(
        resource=population,
        consumer=housing_officer.department,
        valid_from=today - timedelta(days=400),
        valid_to=today - timedelta(days=1),
    )
    assert not grant.is_current()
    assert effective_status(grant) == "expired"
    later = GrantFactory(
        resource=population,
        consumer=housing_officer.department,
        valid_from=today + timedelta(days=1),
    )
    assert effective_status(later) == "upcoming"

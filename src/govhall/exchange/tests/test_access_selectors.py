"""Who sees which access log entries: citizens and enterprises their own, providers theirs."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone

from govhall.accounts.tests.factories import CitizenFactory, StaffFactory
from govhall.core import errors
from govhall.core.identifiers import mask_id_number
from govhall.exchange.access_log import AccessContext, access_log_append
from govhall.exchange.models import AccessLogEntry
from govhall.exchange.selectors_access import (
    AccessFilters,
    access_items,
    access_log_summary,
    my_data_access,
    my_data_access_departments,
    resource_access_list,
)
from govhall.exchange.tests.factories import population_resource, real_estate_resource


@pytest.fixture
def resources(police_department):
    return population_resource(provider=police_department), real_estate_resource()


@pytest.fixture
def housing_officer(housing_department):
    return StaffFactory(username="zjj_data", department=housing_department, posts=["data_officer"])


@pytest.fixture
def police_officer(police_department):
    return StaffFactory(username="gaj_data", department=police_department, posts=["data_officer"])


def read(actor, keys, *, at=None, **overrides) -> AccessLogEntry:
    arguments = {
        "context": AccessContext(actor=actor, channel="api"),
        "kind": "profile",
        "outcome": "granted",
        "subject_keys": keys,
        "resources": ["population"],
        "fields": {"population": ["name"]},
        "purpose_reference": "YT-2026-0001",
        "purpose_title": "公租房资格审核",
    }
    arguments.update(overrides)
    if at is None:
        return access_log_append(**arguments)
    with mock.patch("django.utils.timezone.now", return_value=at):
        return access_log_append(**arguments)


def _local(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


@pytest.mark.django_db
def test_a_citizen_sees_reads_of_their_own_data_newest_first(
    resources, reviewer, applicant, other_applicant
):
    first = read(reviewer, [applicant.id_number])
    read(reviewer, [other_applicant.id_number])
    second = read(reviewer, [applicant.id_number, other_applicant.id_number], kind="batch")
    assert list(my_data_access(actor=applicant)) == [second, first]


@pytest.mark.django_db
def test_another_citizen_does_not_see_them(resources, reviewer, applicant, other_applicant):
    read(reviewer, [applicant.id_number])
    assert list(my_data_access(actor=other_applicant)) == []


@pytest.mark.django_db
def test_an_enterprise_sees_reads_by_its_credit_code(resources, reviewer, enterprise, applicant):
    entry = read(reviewer, [enterprise.uscc], resources=["real_estate"], fields={})
    read(reviewer, [applicant.id_number])
    assert list(my_data_access(actor=enterprise)) == [entry]


@pytest.mark.django_db
def test_staff_and_administrators_have_no_data_access_list(reviewer, admin_user, police_officer):
    for actor in (reviewer, admin_user, police_officer):
        with pytest.raises(errors.PermissionDenied):
            my_data_access(actor=actor)
        with pytest.raises(errors.PermissionDenied):
            my_data_access_departments(actor=actor)


@pytest.mark.django_db
def test_anonymous_visitors_must_sign_in():
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(errors.AuthenticationFailed):
        my_data_access(actor=AnonymousUser())


@pytest.mark.django_db
def test_an_inactive_citizen_sees_nothing(resources, reviewer):
    gone = CitizenFactory(is_active=False)
    read(reviewer, [gone.id_number])
    with pytest.raises(errors.AuthenticationFailed):
        my_data_access(actor=gone)


@pytest.mark.django_db
def test_refused_attempts_are_listed_and_can_be_filtered(resources, reviewer, applicant):
    granted = read(reviewer, [applicant.id_number])
    refused = read(reviewer, [applicant.id_number], outcome="refused", fields={}, reason="无授权")
    assert list(my_data_access(actor=applicant)) == [refused, granted]
    only_granted = AccessFilters(outcome="granted")
    assert list(my_data_access(actor=applicant, filters=only_granted)) == [granted]
    items = access_items([refused])
    assert not items[0].granted and items[0].field_reads == []


@pytest.mark.django_db
def test_filters_by_local_date_range_and_department(
    resources, reviewer, other_clerk, applicant, housing_department
):
    early = read(reviewer, [applicant.id_number], at=_local(2026, 3, 1, 0, 5))
    late = read(reviewer, [applicant.id_number], at=_local(2026, 3, 2, 23, 55))
    police = read(other_clerk, [applicant.id_number], at=_local(2026, 3, 5, 9))

    def listed(**filters) -> list[AccessLogEntry]:
        return list(my_data_access(actor=applicant, filters=AccessFilters(**filters)))

    assert listed(date_from=dt.date(2026, 3, 1), date_to=dt.date(2026, 3, 1)) == [early]
    assert listed(date_from=dt.date(2026, 3, 2)) == [police, late]
    assert listed(date_to=dt.date(2026, 3, 2)) == [late, early]
    assert listed(department_id=housing_department.pk) == [late, early]
    departments = my_data_access_departments(actor=applicant)
    assert {d.pk for d in departments} == {housing_department.pk, other_clerk.department_id}


@pytest.mark.django_db
def test_items_name_resources_and_field_labels_in_catalog_order(resources, reviewer, applicant):
    entry = read(
        reviewer,
        [applicant.id_number],
        resources=["population", "real_estate"],
        fields={"population": ["address", "name"], "real_estate": ["area"]},
    )
    [item] = access_items([entry])
    assert [(r.code, r.name, r.labels) for r in item.reads] == [
        ("population", "人口基础信息", ["姓名", "户籍地址"]),
        ("real_estate", "不动产登记信息", ["建筑面积"]),
    ]
    assert item.department_name == "亳州市住房和城乡建设局"
    assert item.actor_name == reviewer.name
    assert item.way_label == "接口"
    assert item.subjects == []


@pytest.mark.django_db
def test_items_keep_codes_that_are_not_in_the_catalog(reviewer, applicant):
    entry = read(reviewer, [applicant.id_number], resources=["gone"], fields={"gone": ["x"]})
    [item] = access_items([entry])
    assert [(r.code, r.name, r.labels) for r in item.reads] == [("gone", "gone", ["x"])]


@pytest.mark.django_db
def test_a_batch_is_shown_as_such(resources, reviewer, applicant):
    entry = read(
        reviewer, [applicant.id_number], kind="batch", context=AccessContext(reviewer, "system")
    )
    assert access_items([entry])[0].way_label == "批量"


@pytest.mark.django_db
def test_the_provider_sees_every_read_of_its_resource_only(
    resources, reviewer, police_officer, applicant
):
    population = read(reviewer, [applicant.id_number])
    both = read(
        reviewer,
        [applicant.id_number],
        resources=["population", "real_estate"],
        fields={"real_estate": ["area"]},
    )
    read(reviewer, [applicant.id_number], resources=["real_estate"], fields={"real_estate": []})
    refused = read(reviewer, [applicant.id_number], outcome="refused", fields={}, reason="无授权")
    listed = resource_access_list(actor=police_officer, resource_code="population")
    assert list(listed) == [refused, both, population]


@pytest.mark.django_db
def test_a_code_that_is_a_prefix_of_another_does_not_match(police_department, reviewer, applicant):
    population_resource(provider=police_department)
    officer = StaffFactory(department=police_department, posts=["data_officer"])
    read(reviewer, [applicant.id_number], resources=["population_history"], fields={})
    assert list(resource_access_list(actor=officer, resource_code="population")) == []


@pytest.mark.django_db
def test_only_the_providers_data_officer_and_administrators_see_it(
    resources, reviewer, police_officer, housing_officer, other_clerk, admin_user, applicant
):
    entry = read(reviewer, [applicant.id_number])
    assert list(resource_access_list(actor=admin_user, resource_code="population")) == [entry]
    for actor in (housing_officer, other_clerk, reviewer, applicant):
        with pytest.raises(errors.NotFound):
            resource_access_list(actor=actor, resource_code="population")
    with pytest.raises(errors.NotFound):
        resource_access_list(actor=police_officer, resource_code="no_such_resource")


@pytest.mark.django_db
def test_the_provider_sees_subjects_masked_and_batches_as_a_count(
    resources, reviewer, police_officer, applicant
):
    single = read(reviewer, [applicant.id_number])
    cohort = [CitizenFactory().id_number for _ in range(6)]
    batch = read(reviewer, cohort, kind="batch")
    entries = list(resource_access_list(actor=police_officer, resource_code="population"))
    items = {item.entry.pk: item for item in access_items(entries, with_subjects=True)}
    assert items[single.pk].subjects == [mask_id_number(applicant.id_number)]
    assert applicant.id_number not in items[single.pk].subjects
    assert items[batch.pk].subjects == []
    assert items[batch.pk].entry.subject_count == 6


@pytest.mark.django_db
def test_the_summary_counts_reads_per_consumer_department(
    resources, reviewer, other_clerk, police_officer, applicant, other_applicant
):
    read(reviewer, [applicant.id_number])
    read(reviewer, [applicant.id_number, other_applicant.id_number], kind="verification")
    read(reviewer, [applicant.id_number], outcome="refused", fields={})
    read(other_clerk, [other_applicant.id_number])
    summary = access_log_summary(actor=police_officer, resource_code="population")
    assert [(r["department"], r["granted"], r["refused"], r["subjects"]) for r in summary] == [
        ("亳州市住房和城乡建设局", 2, 1, 3),
        ("亳州市公安局", 1, 0, 1),
    ]
    with pytest.raises(errors.NotFound):
        access_log_summary(actor=reviewer, resource_code="population")

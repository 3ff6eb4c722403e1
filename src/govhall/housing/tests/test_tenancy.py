"""Tenancy published to the exchange (``public_housing_tenancy``): one record per member, in
the transaction of the change; waiting → leased → ended when the household leaves."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from govhall.core.identifiers import id_number_with_check
from govhall.exchange.models import Load, Record
from govhall.exchange.selectors_registry import _valid_on
from govhall.housing import services_lease, services_list
from govhall.housing.models import Lease
from govhall.housing.tests.factories import completed_case, housed

pytestmark = pytest.mark.django_db
SPOUSE = id_number_with_check("34160219850202002")


def _in_force(resource):
    return Record.objects.filter(_valid_on(timezone.localdate()), resource=resource)


def test_listing_publishes_every_member_as_waiting(tenancy_resource, applicant, item, clerk):
    case = completed_case(
        applicant,
        item,
        members=[{"id_number": applicant.id_number}, {"id_number": SPOUSE}],
    )
    entry = services_list.waiting_entry_add_from_case(actor=clerk, case=case)
    records = {r.subject_key: r for r in _in_force(tenancy_resource)}
    assert set(records) == {applicant.id_number, SPOUSE}
    data = records[SPOUSE].data
    assert data["status"] == "waiting" and data["entry"] == entry.pk
    assert data["since"] == timezone.localdate().isoformat()
    assert records[SPOUSE].record_key == str(entry.pk)
    load = Load.objects.get(resource=tenancy_resource)
    assert load.source == Load.Source.SYSTEM and load.status == Load.Status.LOADED


def test_signing_makes_it_leased_and_ending_removes_it(tenancy_resource, applicant, item, approver):
    lease = housed(applicant, item, approver, start=dt.date(2026, 1, 1))
    [record] = _in_force(tenancy_resource)
    assert record.data["status"] == "leased" and record.data["since"] == "2026-01-01"
    services_lease.lease_end(actor=approver, lease=lease, reason="自愿退出")
    assert not _in_force(tenancy_resource).exists()
    ended = Record.objects.get(resource=tenancy_resource)  # kept as history
    assert ended.valid_to == timezone.localdate() - dt.timedelta(days=1)
    assert Lease.objects.get(pk=lease.pk).state == Lease.State.ENDED


def test_a_member_with_a_bad_id_number_is_left_out(tenancy_resource, applicant, item, clerk):
    case = completed_case(
        applicant, item, members=[{"id_number": applicant.id_number}, {"id_number": "1234"}]
    )
    services_list.waiting_entry_add_from_case(actor=clerk, case=case)
    assert [r.subject_key for r in _in_force(tenancy_resource)] == [applicant.id_number]


def test_a_refused_change_publishes_nothing(tenancy_resource, applicant, item, clerk):
    from govhall.core import errors

    case = completed_case(applicant, item)
    services_list.waiting_entry_add_from_case(actor=clerk, case=case)
    with pytest.raises(errors.Conflict):
        services_list.waiting_entry_add_from_case(actor=clerk, case=case)
    assert Record.objects.filter(resource=tenancy_resource).count() == 1


def test_without_the_resource_nothing_is_published(applicant, item, clerk):
    case = completed_case(applicant, item)
    services_list.waiting_entry_add_from_case(actor=clerk, case=case)
    assert not Load.objects.exists()

"""The demo loader: stock, list, a finished round with leases and bills; run twice, nothing new."""

from __future__ import annotations

import pytest

from govhall.accounts.tests.factories import CitizenFactory
from govhall.housing.demo import housing_demo_load
from govhall.housing.models import AllocationRound, Lease, RentBill, Unit, WaitingEntry
from govhall.housing.tests.factories import completed_case

pytestmark = pytest.mark.django_db


def test_demo_load_is_complete_and_idempotent(item, approver):
    for _ in range(5):
        completed_case(CitizenFactory(), item)
    created, _ = housing_demo_load()
    assert created > 40
    assert Unit.objects.count() == 40
    assert WaitingEntry.objects.filter(rank__isnull=False).count() == 2
    assert AllocationRound.objects.get().state == AllocationRound.State.CLOSED
    assert Lease.objects.filter(state=Lease.State.ACTIVE).count() == 3
    states = sorted(RentBill.objects.values_list("state", flat=True))
    assert states == ["paid", "unpaid", "unpaid"]
    assert housing_demo_load() == (0, 0)
    assert Unit.objects.count() == 40 and RentBill.objects.count() == 3

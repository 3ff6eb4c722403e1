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


def test_demo_load_ends_with_a_reverification_that_flags_the_first_tenant(regs, item, approver):
    from govhall.analytics.tests.rules_factories import household_put
    from govhall.housing.models import ReverificationFlag, ReverificationRun

    eligible = {
        "家庭人数": "1",
        "各成员年收入(元)": "20000",
        "房产面积(平方米;按证)": "",
        "车辆购置价(元)": "",
        "企业注册资本(元)": "",
        "户籍地区码": "341602",
        "社保缴费月数": "0",
    }
    for _ in range(5):
        key = household_put(regs, eligible)
        completed_case(CitizenFactory(id_number=key, username=key), item)
    housing_demo_load()
    run = ReverificationRun.objects.get()
    assert (run.checked, run.flagged, run.eligible) == (5, 1, 4)
    first = Lease.objects.filter(state=Lease.State.ACTIVE).order_by("pk").first()
    flag = ReverificationFlag.objects.get()
    assert flag.lease_id == first.pk and list(flag.failed) == ["income"]
    assert "168000" in flag.reason
    assert housing_demo_load() == (0, 0)
    assert ReverificationRun.objects.count() == 1

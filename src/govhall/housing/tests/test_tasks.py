"""The daily rent job issues this month's bills once."""

from __future__ import annotations

import pytest
from django.utils import timezone

from govhall.core.jobs import registered
from govhall.housing import tasks
from govhall.housing.models import RentBill
from govhall.housing.tests.factories import housed

pytestmark = pytest.mark.django_db


def test_rent_job_issues_the_month_once(applicant, item, approver):
    housed(applicant, item, approver, start=timezone.localdate().replace(day=1))
    assert registered()["housing.rent_bills"].every is not None
    tasks.rent_bills({})
    tasks.rent_bills({})
    bill = RentBill.objects.get()
    assert bill.month == timezone.localdate().replace(day=1)

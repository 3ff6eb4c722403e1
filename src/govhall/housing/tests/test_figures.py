"""Housing figures on a small, fully known dataset (March–April 2025)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from govhall.accounts.tests.factories import CitizenFactory
from govhall.cases.models import Case
from govhall.cases.tests.factories import case_submitted, online_item
from govhall.core import errors
from govhall.housing import figures, services_lease, services_list
from govhall.housing.models import (
    AllocationRound,
    Building,
    Choice,
    Estate,
    Lease,
    RentBill,
    ReverificationFlag,
    ReverificationRun,
    Unit,
    WaitingEntry,
)
from govhall.housing.tests.factories import completed_case, housed, stock
from govhall.interaction import services_evaluation
from govhall.interaction.models import Evaluation

pytestmark = pytest.mark.django_db

START, END = dt.date(2025, 3, 1), dt.date(2025, 4, 30)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _case(item: Any, *, received: dt.date, **fields: Any) -> Case:
    """A case of a new applicant (a household has one open 公租房 application at a time)."""
    case = case_submitted(CitizenFactory(), item)
    Case.objects.filter(pk=case.pk).update(received_at=at(received), **fields)
    return Case.objects.get(pk=case.pk)


def _rate(case: Case, grade: str, on: dt.date) -> None:
    rating = services_evaluation.evaluation_create(actor=case.applicant, case=case, grade=grade)
    Evaluation.objects.filter(pk=rating.pk).update(created_at=at(on))


def figures_dataset(
    *, applicant: Any, other_applicant: Any, item: Any, approver: Any, police_department: Any
) -> dict[str, Any]:
    """Applications: A approved (4 working days), B denied (8), E received before the period and
    approved in it (9), C open, D refused, P another department's (not counted).
    Ratings: A 非常满意, B 不满意, E 满意. One household housed in March (lease from March, March
    paid, April owed); two waiting for 10 and 20 days; 紫金苑 4 units (1 let), 南苑 1 (maintenance).
    """
    completed, denied = Case.Status.COMPLETED, Case.Status.DENIED
    a = _case(item, received=dt.date(2025, 3, 3), status=completed)
    b = _case(item, received=dt.date(2025, 3, 10), status=denied)
    e = _case(item, received=dt.date(2025, 2, 20), status=completed)
    Case.objects.filter(pk=a.pk).update(closed_at=at(dt.date(2025, 3, 7), 16), on_time=True)
    Case.objects.filter(pk=b.pk).update(closed_at=at(dt.date(2025, 3, 20), 16), on_time=True)
    Case.objects.filter(pk=e.pk).update(closed_at=at(dt.date(2025, 3, 5), 9), on_time=False)
    _case(item, received=dt.date(2025, 4, 1))
    _case(
        item,
        received=dt.date(2025, 4, 1),
        status=Case.Status.REFUSED,
        closed_at=at(dt.date(2025, 4, 2)),
    )
    police_item = online_item(police_department)
    _case(police_item, received=dt.date(2025, 3, 4))
    for case, grade in ((a, "very_satisfied"), (b, "dissatisfied"), (e, "satisfied")):
        _rate(Case.objects.get(pk=case.pk), grade, dt.date(2025, 3, 25))

    lease = housed(applicant, item, approver, start=dt.date(2025, 3, 1))
    AllocationRound.objects.update(opens_at=at(dt.date(2025, 3, 10)))
    Choice.objects.update(chosen_at=at(dt.date(2025, 3, 11)))
    Lease.objects.update(signed_at=at(dt.date(2025, 3, 12)))
    services_lease.rent_bills_issue(actor=None, month=dt.date(2025, 3, 1))
    services_lease.rent_bills_issue(actor=None, month=dt.date(2025, 4, 1))
    march = RentBill.objects.get(month=dt.date(2025, 3, 1))
    services_lease.rent_pay(actor=applicant, bill=march, reference="SIM-MARCH")
    stock(3)
    south = Estate.objects.create(name="南苑", region_code="341602000000", address="南京路1号")
    Unit.objects.create(
        building=Building.objects.create(estate=south, name="1号楼"),
        number="101",
        floor=1,
        area=Decimal("40"),
        rooms=1,
        monthly_rent=Decimal("280.00"),
        state=Unit.State.MAINTENANCE,
    )

    today = timezone.localdate()
    entries = []
    for days, person in ((10, other_applicant), (20, CitizenFactory(name="王五"))):
        entry = services_list.waiting_entry_add_from_case(
            actor=approver, case=completed_case(person, item)
        )
        WaitingEntry.objects.filter(pk=entry.pk).update(qualified_on=today - dt.timedelta(days))
        entries.append(entry)
    _reverification(entries, lease)
    return {"lease": lease, "cases": [a, b, e]}


def _reverification(entries: list[WaitingEntry], lease: Lease) -> None:
    """A run in April 2025 (3 checked, 1 eligible, 2 flagged: one kept, one still open) and one
    in 2024 (outside the period)."""
    april, earlier = (
        ReverificationRun.objects.create(
            started_at=at(started), on=started, purpose="GZF-DTHC", checked=checked, eligible=1
        )
        for started, checked in ((dt.date(2025, 4, 10), 3), (dt.date(2024, 4, 10), 7))
    )
    ReverificationRun.objects.filter(pk__in=[april.pk, earlier.pk]).update(flagged=2)
    states = ReverificationFlag.State
    flags = ((april, entries[0], states.KEPT), (april, lease.entry, states.OPEN))
    for run, entry, state in (*flags, (earlier, entries[1], states.TERMINATED)):
        ReverificationFlag.objects.create(
            run=run,
            entry=entry,
            subject_key=entry.case.applicant_key,
            reason="人均收入超过标准",
            state=state,
        )


@pytest.fixture
def dataset(applicant, other_applicant, item, approver, police_department):
    return figures_dataset(
        applicant=applicant,
        other_applicant=other_applicant,
        item=item,
        approver=approver,
        police_department=police_department,
    )


def test_application_counts_rates_and_working_days(dataset, housing_department):
    result = figures.housing_figures(department=housing_department, start=START, end=END)
    assert result["applications"] == {
        "received": 4,
        "closed": 3,
        "approved": 2,
        "denied": 1,
        "refused": 1,
        "approval_rate": 0.6667,
        "on_time_rate": 0.6667,
        "days_mean": 7.0,  # (4 + 8 + 9) / 3
        "days_p90": 9,
    }


def test_waiting_allocation_occupancy_and_arrears(dataset, housing_department):
    result = figures.housing_figures(department=housing_department, start=START, end=END)
    assert result["waiting"] == {"waiting": 2, "mean_wait_days": 15.0, "longest_wait_days": 20}
    assert result["allocation"] == {
        "rounds": 1,
        "seated": 1,
        "passed": 0,
        "chosen": 1,
        "leases_signed": 1,
    }
    occupancy = result["occupancy"]
    assert (occupancy["units"], occupancy["let"], occupancy["occupancy_rate"]) == (5, 1, 0.2)
    assert [(e["name"], e["units"], e["let"], e["maintenance"]) for e in occupancy["estates"]] == [
        ("南苑", 1, 0, 1),
        ("紫金苑", 4, 1, 0),
    ]
    assert result["arrears"] == {
        "leases": 1,
        "months": 1,
        "amount": Decimal("300.00"),
        "bills_due": 2,
        "bills_paid": 1,
        "collection_rate": 0.5,
    }
    assert result["reverification"] == {
        "runs": 1,
        "checked": 3,
        "eligible": 1,
        "flagged": 2,
        "unknown": 0,
        "open": 1,
        "kept": 1,
        "terminated": 0,
    }


def test_satisfaction_of_the_items_cases(dataset, housing_department):
    result = figures.housing_figures(department=housing_department, start=START, end=END)
    satisfaction = result["satisfaction"]
    assert (satisfaction["rated"], satisfaction["good"], satisfaction["good_rate"]) == (
        3,
        2,
        0.6667,
    )
    assert satisfaction["mean_score"] == 3.67  # (5 + 2 + 4) / 3 on the 1..5 scale
    assert satisfaction["grades"] == {"very_satisfied": 1, "dissatisfied": 1, "satisfied": 1}


def test_monthly_rows_fill_every_month(dataset, housing_department):
    months = figures.housing_figures(department=housing_department, start=START, end=END)["months"]
    assert months == [
        {
            "month": dt.date(2025, 3, 1),
            "received": 2,
            "closed": 3,
            "approved": 2,
            "chosen": 1,
            "leases_signed": 1,
        },
        {
            "month": dt.date(2025, 4, 1),
            "received": 2,
            "closed": 0,
            "approved": 0,
            "chosen": 0,
            "leases_signed": 0,
        },
    ]


def test_each_department_counts_its_own_cases(dataset, police_department):
    """P (the item as another department handles it) is the police's, not in the 4 above."""
    result = figures.housing_figures(department=police_department, start=START, end=END)
    assert result["applications"]["received"] == 1
    assert result["satisfaction"]["rated"] == 0


def test_figures_take_a_fixed_number_of_queries(
    dataset, housing_department, django_assert_max_num_queries
):
    figures.housing_figures(department=housing_department, start=START, end=END)  # calendar
    with django_assert_max_num_queries(16):
        figures.housing_figures(department=housing_department, start=START, end=END)


def test_a_reversed_period_is_refused(housing_department):
    with pytest.raises(errors.ValidationError):
        figures.housing_figures(department=housing_department, start=END, end=START)


def test_read_refuses_anyone_but_housing_staff(applicant, other_clerk, supervisor, approver, item):
    for actor in (applicant, other_clerk, supervisor):
        with pytest.raises(errors.PermissionDenied):
            figures.housing_figures_read(actor=actor, start=START, end=END)
    assert figures.housing_figures_read(actor=approver, start=START, end=END)["waiting"] == {
        "waiting": 0,
        "mean_wait_days": None,
        "longest_wait_days": None,
    }


def test_public_summary_is_cached_and_aggregate_only(dataset):
    summary = figures.housing_public_summary(start=START, end=END)
    assert summary["applications"]["received"] == 4
    assert set(summary) == {
        "period",
        "applications",
        "waiting",
        "allocation",
        "occupancy",
        "satisfaction",
        "months",
    }
    stock(2)
    again = figures.housing_public_summary(start=START, end=END)
    assert again["occupancy"]["units"] == summary["occupancy"]["units"] == 5

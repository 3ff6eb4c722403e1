"""Two households choosing one unit at the same moment: one wins, the other gets 409; two
payments of one bill at once: one payment; two applications naming one person submitted at
once: one case."""

from __future__ import annotations

import datetime as dt

import pytest

from govhall.accounts.tests.factories import CitizenFactory
from govhall.cases.tests.test_concurrency import _race
from govhall.core import errors
from govhall.housing import services_lease, services_list
from govhall.housing.models import AllocationRound, Choice, Payment, RentBill, Unit
from govhall.housing.tests.factories import completed_case, housed, stock

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("flushed_db_posts")]


def test_two_households_choosing_one_unit_at_once(item, clerk, approver, settings):
    settings.GOVHALL_HOUSING_CHOICE_WINDOW = 2
    tenants = [CitizenFactory(), CitizenFactory()]
    for tenant in tenants:
        services_list.waiting_entry_add_from_case(actor=clerk, case=completed_case(tenant, item))
    units = stock(2)
    allocation = services_list.round_open(
        actor=approver, name="并发", estate=units[0].building.estate, unit_ids=[u.pk for u in units]
    )
    results = _race(
        *[
            lambda t=t: services_list.unit_choose(
                actor=t, allocation=AllocationRound(pk=allocation.pk), unit_id=units[0].pk
            )
            for t in tenants
        ]
    )
    assert sum(isinstance(r, Choice) for r in results) == 1, results
    assert sum(isinstance(r, errors.Conflict) for r in results) == 1, results
    assert Choice.objects.filter(unit=units[0]).count() == 1
    assert Unit.objects.get(pk=units[0].pk).state == Unit.State.RESERVED


def test_two_payments_of_one_bill_at_once(applicant, item, approver):
    housed(applicant, item, approver)
    services_lease.rent_bills_issue(actor=None, month=dt.date(2026, 2, 1))
    bill = RentBill.objects.get()
    results = _race(
        lambda: services_lease.rent_pay(actor=applicant, bill=RentBill(pk=bill.pk), reference="A"),
        lambda: services_lease.rent_pay(actor=applicant, bill=RentBill(pk=bill.pk), reference="B"),
    )
    assert sum(isinstance(r, Payment) for r in results) == 1, results
    assert sum(isinstance(r, errors.Conflict) for r in results) == 1, results
    assert Payment.objects.count() == 1


def test_two_applications_naming_one_member_submitted_at_once(
    applicant, other_applicant, housing_department, monkeypatch
):
    """Each submission waits (briefly) after looking for the other's case, so that without the
    per-member lock both would look before either commits; with it the second looks after the
    first committed and is refused."""
    import contextlib
    import threading

    from govhall.cases import services_submit
    from govhall.cases.models import Application, Case
    from govhall.housing import submission
    from govhall.housing.tests.test_submission import SPOUSE, item_with_members, ready

    looked = threading.Barrier(2, timeout=3)
    lookup = submission.open_application_of

    def look_then_wait(*args, **kwargs):
        found = lookup(*args, **kwargs)
        # broken: the other submission is waiting for our lock; go on and commit
        with contextlib.suppress(threading.BrokenBarrierError):
            looked.wait()
        return found

    monkeypatch.setattr(submission, "open_application_of", look_then_wait)
    item = item_with_members(housing_department)
    drafts = [
        (person, ready(person, item, [person.id_number, SPOUSE]))
        for person in (applicant, other_applicant)
    ]
    results = _race(
        *[
            lambda p=p, a=a: services_submit.application_submit(
                actor=p, application=Application(pk=a.pk)
            )
            for p, a in drafts
        ]
    )
    assert sum(isinstance(r, Case) for r in results) == 1, results
    assert sum(isinstance(r, errors.Conflict) for r in results) == 1, results
    assert Case.objects.count() == 1

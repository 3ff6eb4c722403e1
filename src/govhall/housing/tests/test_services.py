"""Waiting list, ranking, allocation, leases and rent through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from govhall.accounts.tests.factories import CitizenFactory
from govhall.core import errors
from govhall.housing import scoring, selectors, services_lease, services_list
from govhall.housing.models import RentBill, RoundSeat, Unit, WaitingEntry
from govhall.housing.tests.factories import completed_case, housed, stock

pytestmark = pytest.mark.django_db


def test_completed_case_goes_on_the_list_with_its_household(applicant, item, clerk):
    spouse = "341602198001010011"
    case = completed_case(
        applicant,
        item,
        members=[
            {"id_number": applicant.id_number, "annual_income": "12000", "disabled": True},
            {"id_number": spouse, "annual_income": "6000", "property_area": "10"},
        ],
        special={"subsistence": True},
    )
    entry = services_list.waiting_entry_add_from_case(actor=clerk, case=case)
    assert entry.household_size == 2
    assert entry.income_per_capita == Decimal("9000.00")
    assert entry.area_per_capita == Decimal("5.00")
    assert entry.disability and entry.subsistence
    assert entry.state == WaitingEntry.State.WAITING


def test_open_case_is_refused(applicant, item, clerk):
    from govhall.cases.tests.factories import case_submitted

    with pytest.raises(errors.Conflict):
        services_list.waiting_entry_add_from_case(actor=clerk, case=case_submitted(applicant, item))


def test_household_member_already_listed_is_409(applicant, other_applicant, item, clerk):
    shared = "341602198001010011"
    first = completed_case(
        applicant, item, members=[{"id_number": applicant.id_number}, {"id_number": shared}]
    )
    services_list.waiting_entry_add_from_case(actor=clerk, case=first)
    second = completed_case(
        other_applicant,
        item,
        members=[{"id_number": other_applicant.id_number}, {"id_number": shared}],
    )
    with pytest.raises(errors.Conflict) as raised:
        services_list.waiting_entry_add_from_case(actor=clerk, case=second)
    assert raised.value.code == "household_already_listed"
    with pytest.raises(errors.Conflict):
        services_list.waiting_entry_add_from_case(actor=clerk, case=first)


def test_already_housed_household_added_again_is_409(applicant, item, approver):
    again = completed_case(applicant, item)  # completed before the household was housed
    housed(applicant, item, approver)
    with pytest.raises(errors.Conflict) as raised:
        services_list.waiting_entry_add_from_case(actor=approver, case=again)
    assert raised.value.code == "household_already_listed"


def test_staff_of_another_department_and_citizens_are_refused(
    applicant, item, other_clerk, supervisor
):
    case = completed_case(applicant, item)
    for actor in (other_clerk, supervisor, applicant):
        with pytest.raises(errors.PermissionDenied):
            services_list.waiting_entry_add_from_case(actor=actor, case=case)
        with pytest.raises(errors.PermissionDenied):
            services_list.waiting_list_rank(actor=actor)


def test_clerk_may_list_but_ranking_needs_review_or_approval(applicant, item, clerk, reviewer):
    services_list.waiting_entry_add_from_case(actor=clerk, case=completed_case(applicant, item))
    with pytest.raises(errors.PermissionDenied):
        services_list.waiting_list_rank(actor=clerk)
    assert services_list.waiting_list_rank(actor=reviewer) == 1


def _entries(item, clerk, specs: list[dict]) -> list[WaitingEntry]:
    entries = []
    for spec in specs:
        citizen = CitizenFactory()
        member = {"id_number": citizen.id_number, "annual_income": spec.get("income", "20000")}
        case = completed_case(
            citizen,
            item,
            members=[member],
            special=spec.get("special"),
            closed_days_ago=spec.get("days", 30),
        )
        entries.append(services_list.waiting_entry_add_from_case(actor=clerk, case=case))
    return entries


def test_ranking_follows_the_formula(item, clerk, approver):
    rich, poor, poor_special, tie_late, tie_early = _entries(
        item,
        clerk,
        [
            {"income": "28000"},
            {"income": "6000"},
            {"income": "6000", "special": {"subsistence": True}},
            {"income": "15000", "days": 10},
            {"income": "15000", "days": 10},
        ],
    )
    services_list.waiting_list_rank(actor=approver)
    ranked = list(WaitingEntry.objects.order_by("rank").values_list("pk", "score"))
    order = [pk for pk, _ in ranked]
    assert order == [poor_special.pk, poor.pk, tie_late.pk, tie_early.pk, rich.pk]
    need = scoring.Need(poor.pk, 1, Decimal("6000"), Decimal(0), False, False, False, dt.date.min)
    w = scoring.weights()
    # income 40*(1-0.2)=32, area 20, one member 3, waiting capped at 20
    assert scoring.score(need, today=dt.date.today(), w=w) == Decimal("75.00")
    assert dict(ranked)[poor_special.pk] - dict(ranked)[poor.pk] == Decimal("15.00")


def test_ranking_weights_come_from_settings(item, clerk, approver, settings):
    _entries(item, clerk, [{"income": "6000"}, {"income": "6000", "special": {}}])
    settings.GOVHALL_HOUSING_SCORE_WEIGHTS = {
        "income_points": 0,
        "member_points": 0,
        "month_points": 0,
    }
    services_list.waiting_list_rank(actor=approver)
    assert set(WaitingEntry.objects.values_list("score", flat=True)) == {Decimal("20.00")}


def test_lottery_is_reproducible_from_the_seed(item, clerk, approver):
    _entries(item, clerk, [{}] * 6)
    services_list.waiting_list_rank(actor=approver, method="lottery", seed="2026-seed")
    first = list(WaitingEntry.objects.order_by("rank").values_list("pk", flat=True))
    services_list.waiting_list_rank(actor=approver, method="score")
    services_list.waiting_list_rank(actor=approver, method="lottery", seed="2026-seed")
    again = list(WaitingEntry.objects.order_by("rank").values_list("pk", flat=True))
    assert first == again == scoring.order_by_lottery("2026-seed", sorted(first))
    services_list.waiting_list_rank(actor=approver, method="lottery", seed="other")
    other = list(WaitingEntry.objects.order_by("rank").values_list("pk", flat=True))
    assert other == scoring.order_by_lottery("other", sorted(first))


def test_choosing_follows_rank_order(item, clerk, approver):
    first, second = _entries(item, clerk, [{"income": "1000"}, {"income": "20000"}])
    units = stock(2)
    allocation = services_list.round_open(
        actor=approver,
        name="第一批",
        estate=units[0].building.estate,
        unit_ids=[u.pk for u in units],
    )
    with pytest.raises(errors.Conflict) as raised:
        services_list.unit_choose(
            actor=second.applicant, allocation=allocation, unit_id=units[0].pk
        )
    assert raised.value.code == "not_your_turn"
    services_list.seat_pass(actor=first.applicant, allocation=allocation)
    choice = services_list.unit_choose(
        actor=second.applicant, allocation=allocation, unit_id=units[0].pk
    )
    assert choice.entry_id == second.pk
    assert Unit.objects.get(pk=units[0].pk).state == Unit.State.RESERVED
    assert RoundSeat.objects.get(round=allocation, entry=first).state == RoundSeat.State.PASSED
    with pytest.raises(errors.Conflict):
        services_list.unit_choose(
            actor=second.applicant, allocation=allocation, unit_id=units[1].pk
        )


def test_taken_unit_is_409_within_the_window(item, clerk, approver, settings):
    settings.GOVHALL_HOUSING_CHOICE_WINDOW = 2
    first, second = _entries(item, clerk, [{"income": "1000"}, {"income": "20000"}])
    units = stock(2)
    allocation = services_list.round_open(
        actor=approver, name="批次", estate=units[0].building.estate, unit_ids=[u.pk for u in units]
    )
    services_list.unit_choose(actor=second.applicant, allocation=allocation, unit_id=units[0].pk)
    with pytest.raises(errors.Conflict) as raised:
        services_list.unit_choose(actor=first.applicant, allocation=allocation, unit_id=units[0].pk)
    assert raised.value.code == "unit_taken"


def test_bills_are_issued_once_per_month(applicant, item, approver):
    lease = housed(applicant, item, approver, start=dt.date(2026, 1, 1))
    assert services_lease.rent_bills_issue(actor=approver, month=dt.date(2026, 3, 9)) == 1
    assert services_lease.rent_bills_issue(actor=None, month=dt.date(2026, 3, 1)) == 0
    bill = RentBill.objects.get()
    assert (bill.lease_id, bill.month, bill.amount) == (lease.pk, dt.date(2026, 3, 1), Decimal(300))
    assert bill.due_date == dt.date(2026, 3, 15)
    assert services_lease.rent_bills_issue(actor=None, month=dt.date(2025, 12, 1)) == 0


def test_double_rent_payment(applicant, item, approver):
    housed(applicant, item, approver)
    services_lease.rent_bills_issue(actor=None, month=dt.date(2026, 2, 1))
    bill = RentBill.objects.get()
    first = services_lease.rent_pay(actor=applicant, bill=bill, reference="SIM1")
    repeated = services_lease.rent_pay(actor=applicant, bill=bill, reference="SIM1")
    assert repeated.pk == first.pk and bill.payments.count() == 1
    with pytest.raises(errors.Conflict) as raised:
        services_lease.rent_pay(actor=applicant, bill=bill, reference="SIM2")
    assert raised.value.code == "bill_paid"
    assert RentBill.objects.get().state == RentBill.State.PAID


def test_tenant_pays_only_own_bill(applicant, other_applicant, item, approver):
    housed(applicant, item, approver)
    services_lease.rent_bills_issue(actor=None, month=dt.date(2026, 2, 1))
    bill = RentBill.objects.get()
    with pytest.raises(errors.NotFound):
        services_lease.rent_pay(actor=other_applicant, bill=bill, reference="X1")
    assert not selectors.bill_list(actor=other_applicant).exists()
    assert not selectors.lease_list(actor=other_applicant).exists()
    assert selectors.bill_list(actor=applicant).count() == 1


def test_arrears_inspection_and_exit(applicant, item, approver):
    lease = housed(applicant, item, approver, start=dt.date(2025, 1, 1))
    for month in (dt.date(2025, 2, 1), dt.date(2025, 3, 1)):
        services_lease.rent_bills_issue(actor=None, month=month)
    row = selectors.arrears(actor=approver).get()
    assert (row["months"], row["amount"]) == (2, Decimal("600.00"))
    inspection = services_lease.inspection_record(
        actor=approver,
        lease=lease,
        date=dt.date(2025, 3, 2),
        findings="转借他人",
        outcome="violation",
    )
    assert inspection.outcome == "violation"
    services_lease.lease_end(actor=approver, lease=lease, reason="违规转借")
    assert Unit.objects.get(pk=lease.unit_id).state == Unit.State.AVAILABLE
    with pytest.raises(errors.Conflict):
        services_lease.inspection_record(
            actor=approver, lease=lease, date=dt.date(2025, 4, 1), findings="x", outcome="ok"
        )


def test_completing_a_housing_case_puts_the_household_on_the_waiting_list(
    applicant, item, clerk, reviewer, approver
):
    from govhall.cases import services_actions as actions
    from govhall.cases.tests.factories import case_accepted
    from govhall.housing.models import WaitingEntry

    case = case_accepted(applicant, clerk, item)
    case = actions.case_decide(actor=reviewer, case=case, approve=True)
    case = actions.case_decide(actor=approver, case=case, approve=True)
    case = actions.case_complete(actor=clerk, case=case)
    entry = WaitingEntry.objects.get(case=case)
    assert entry.applicant_id == applicant.pk and entry.state == WaitingEntry.State.WAITING


def test_a_household_already_listed_does_not_stop_the_completion(
    applicant, item, clerk, reviewer, approver, settings
):
    # Two cases of one household (the submission rule is what normally prevents it).
    settings.GOVHALL_HOUSING_ONE_APPLICATION = False
    from govhall.cases import services_actions as actions
    from govhall.cases.models import Case
    from govhall.cases.tests.factories import case_accepted
    from govhall.housing.models import WaitingEntry

    case = case_accepted(applicant, clerk, item)
    case = actions.case_decide(actor=reviewer, case=case, approve=True)
    case = actions.case_decide(actor=approver, case=case, approve=True)
    listed = services_list.waiting_entry_add_from_case(
        actor=approver, case=completed_case(applicant, item)
    )
    case = actions.case_complete(actor=clerk, case=case)
    assert Case.objects.get(pk=case.pk).status == Case.Status.COMPLETED
    assert list(WaitingEntry.objects.values_list("pk", flat=True)) == [listed.pk]

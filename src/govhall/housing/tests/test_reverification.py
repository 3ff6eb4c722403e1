"""Yearly re-verification (动态核查): the tenant population in one batch, a household whose
income rose in the tax registry flagged with that reason and notified, a human decision (keep /
terminate) before anybody leaves, the others untouched, a second run harmless."""

from __future__ import annotations

import datetime as dt

import pytest

from govhall.analytics.tests.rules_factories import parameters_make
from govhall.core import errors
from govhall.exchange.models import AccessLogEntry
from govhall.housing import services_reverify as reverify
from govhall.housing.models import (
    HouseholdMember,
    Lease,
    ReverificationFlag,
    ReverificationRun,
    Unit,
    WaitingEntry,
)
from govhall.housing.tests.factories import income_raise, tenant
from govhall.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_household_whose_income_rose_is_flagged_with_the_reason_and_notified(city, approver):
    run = reverify.reverification_run(actor=approver)
    assert (run.checked, run.eligible, run.flagged, run.unknown) == (3, 2, 1, 0)
    assert run.finished_at is not None and run.purpose.startswith("YT-")
    assert run.parameters["values"]["income_per_capita_max"] == 33600
    flag = ReverificationFlag.objects.get()
    user, entry = city["richer"]
    assert flag.entry_id == entry.pk and flag.lease_id is None
    assert flag.state == ReverificationFlag.State.OPEN
    assert list(flag.failed) == ["income"]
    clause = flag.failed["income"]["clauses"][0]
    assert (clause["value"], clause["threshold"]) == (90000.0, 33600)
    assert "家庭人均年收入低于标准" in flag.reason and "90000" in flag.reason
    sent = Notification.objects.filter(recipient=user, event="housing.reverification_flagged")
    assert sorted(sent.values_list("channel", flat=True)) == ["site", "sms"]
    assert "90000" in sent.first().body
    assert not Notification.objects.filter(
        event="housing.reverification_flagged",
        recipient__in=[city["housed"][0], city["waiting"][0]],
    ).exists()
    # nobody left: the flag waits for a decision
    assert WaitingEntry.objects.get(pk=entry.pk).state == WaitingEntry.State.WAITING
    assert HouseholdMember.objects.filter(entry=entry).exists()
    # one batch read, logged under the 动态核查 purpose
    batch = AccessLogEntry.objects.filter(kind=AccessLogEntry.Kind.BATCH)
    assert batch.count() == 1 and batch.get().purpose_reference == run.purpose


def test_running_twice_flags_and_notifies_once(city, approver):
    reverify.reverification_run(actor=approver)
    second = reverify.reverification_run(actor=approver)
    assert (second.flagged, second.already_open) == (0, 1)
    assert ReverificationFlag.objects.count() == 1
    assert Notification.objects.filter(event="housing.reverification_flagged").count() == 2


def test_keep_closes_the_flag_and_the_household_stays(city, approver):
    reverify.reverification_run(actor=approver)
    flag = ReverificationFlag.objects.get()
    kept = reverify.reverification_decide(
        actor=approver,
        flag=flag,
        decision="keep",
        opinion="收入为一次性补偿,家庭经常性收入未超标。",
    )
    assert kept.state == ReverificationFlag.State.KEPT and kept.decided_by == approver
    assert WaitingEntry.objects.get(pk=flag.entry_id).state == WaitingEntry.State.WAITING
    with pytest.raises(errors.Conflict) as twice:
        reverify.reverification_decide(actor=approver, flag=flag, decision="terminate", opinion="x")
    assert twice.value.code == "flag_decided"
    # the next year's run flags the household again (a new review)
    again = reverify.reverification_run(actor=approver)
    assert again.flagged == 1


def test_terminate_removes_a_waiting_household(city, approver):
    reverify.reverification_run(actor=approver)
    flag = ReverificationFlag.objects.get()
    reverify.reverification_decide(
        actor=approver, flag=flag, decision="terminate", opinion="收入超过准入标准。"
    )
    entry = WaitingEntry.objects.get(pk=flag.entry_id)
    assert entry.state == WaitingEntry.State.REMOVED and entry.rank is None
    assert not HouseholdMember.objects.filter(entry=entry).exists()
    user = city["richer"][0]
    assert Notification.objects.filter(
        recipient=user, event="housing.reverification_decided", channel="site"
    ).exists()


def test_terminate_ends_the_lease_of_a_housed_household(regs, item, approver):
    user, entry = tenant(regs, item, approver, lease=True)
    income_raise(regs, user.id_number, "120000")
    run = reverify.reverification_run(actor=approver)
    flag = ReverificationFlag.objects.get(run=run)
    lease = Lease.objects.get(entry=entry)
    assert flag.lease_id == lease.pk
    reverify.reverification_decide(
        actor=approver, flag=flag, decision="terminate", opinion="收入超标,依规退出。"
    )
    lease.refresh_from_db()
    assert lease.state == Lease.State.ENDED and "动态核查" in lease.end_reason
    assert Unit.objects.get(pk=lease.unit_id).state == Unit.State.AVAILABLE


def test_decision_needs_an_opinion_and_a_valid_choice(city, approver):
    reverify.reverification_run(actor=approver)
    flag = ReverificationFlag.objects.get()
    with pytest.raises(errors.ValidationError):
        reverify.reverification_decide(actor=approver, flag=flag, decision="keep", opinion=" ")
    with pytest.raises(errors.ValidationError):
        reverify.reverification_decide(actor=approver, flag=flag, decision="drop", opinion="x")


def test_wrong_personas_are_refused(city, clerk, other_clerk, supervisor, applicant):
    for actor in (clerk, other_clerk, supervisor, applicant):
        with pytest.raises(errors.PermissionDenied):
            reverify.reverification_run(actor=actor)
    assert not ReverificationRun.objects.exists()


def test_unknown_data_is_counted_never_flagged(regs, item, approver):
    from govhall.accounts.tests.factories import CitizenFactory
    from govhall.housing import services_list
    from govhall.housing.tests.factories import completed_case

    stranger = CitizenFactory()  # not in the population registry: everything unknown
    services_list.waiting_entry_add_from_case(actor=approver, case=completed_case(stranger, item))
    run = reverify.reverification_run(actor=approver)
    assert (run.checked, run.unknown, run.flagged) == (1, 1, 0)
    assert run.unknown_entries == [WaitingEntry.objects.get().pk]


def test_without_a_reverification_purpose_the_run_is_refused(item, approver):
    parameters_make()
    with pytest.raises(errors.ValidationError) as refused:
        reverify.reverification_run(actor=approver)
    assert refused.value.code == "no_reverification_purpose"


def test_yearly_job_runs_once_a_year_as_the_system(city, settings):
    from django.utils import timezone

    from govhall.core.jobs import registered
    from govhall.housing import tasks

    today = timezone.localdate()
    settings.GOVHALL_HOUSING_REVERIFY_DAY = f"{today:%m}-01"
    assert registered()["housing.reverify"].every is not None
    tasks.reverify({})
    tasks.reverify({})
    run = ReverificationRun.objects.get()
    assert run.by is None and run.flagged == 1
    entry = AccessLogEntry.objects.get(kind=AccessLogEntry.Kind.BATCH)
    assert entry.channel == AccessLogEntry.Channel.SYSTEM


def test_yearly_job_waits_for_its_day(city, settings):
    settings.GOVHALL_HOUSING_REVERIFY_DAY = "12-31"
    assert reverify.reverification_yearly(today=dt.date(2026, 6, 1)) is None
    assert not ReverificationRun.objects.exists()


def test_management_command_runs_and_reports(city, approver):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("housing_reverify", user=approver.username, stdout=out)
    assert "flagged 1" in out.getvalue()
    assert ReverificationRun.objects.get().by == approver


def test_tenancy_conditions_are_left_out():
    """A rule "not already housed" reading the tenancy resource would fail every tenant."""
    from types import SimpleNamespace

    rule_set = SimpleNamespace(
        conditions=[
            SimpleNamespace(code="income", resources=["income_tax"]),
            SimpleNamespace(code="not_housed", resources=["public_housing_tenancy"]),
        ]
    )
    assert reverify._ignored_conditions(rule_set) == ["not_housed"]
    row = {
        "outcome": "ineligible",
        "conditions": {"income": {"status": "pass"}, "not_housed": {"status": "fail"}},
    }
    assert reverify._verdict(row, {"not_housed"})[0] == "eligible"
    assert reverify._verdict({"outcome": "invalid"}, set())[0] == "unknown"


def test_an_undecided_flag_past_its_due_date_raises_a_supervision_card(city, approver):
    from django.utils import timezone

    from govhall.core.calendar import add_working_days
    from govhall.supervision.models import Alert
    from govhall.supervision.sweep import supervision_sweep

    reverify.reverification_run(actor=approver)
    flag = ReverificationFlag.objects.get()
    assert flag.due_date == add_working_days(timezone.localdate(), reverify.REVIEW_DAYS)
    supervision_sweep(today=add_working_days(flag.due_date, 3), notify=False)
    alerts = Alert.objects.filter(source="reverification", source_id=flag.pk)
    assert set(alerts.values_list("level", flat=True)) >= {"red"}  # three working days late
    assert {(a.department_id, a.case_id) for a in alerts} == {(flag.entry.case.department_id, None)}
    reverify.reverification_decide(actor=approver, flag=flag, decision="keep", opinion="已核实。")
    supervision_sweep(today=add_working_days(flag.due_date, 4), notify=False)
    assert not alerts.filter(state=Alert.State.OPEN).exists()

"""Precise push: who is invited, who is not, and that nobody is invited twice."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.conf import settings
from django.urls import reverse

from govhall.accounts.tests.factories import CitizenFactory
from govhall.analytics.models import PushInvitation, PushOptOut, PushRound
from govhall.analytics.services_push import (
    push_opt_out_set,
    push_round_execute,
    push_round_run,
    push_round_start,
)
from govhall.analytics.tests.rules_factories import household_put, parameters_make, registries_make
from govhall.cases.tests.factories import case_submitted, online_item
from govhall.core import errors
from govhall.core.jobs import discover, run_pending
from govhall.core.models import AuditEntry
from govhall.exchange.models import Record
from govhall.notifications.models import Notification

pytestmark = pytest.mark.django_db
RULE_SET = "public_rental_housing"
POOR = {
    "家庭人数": "1",
    "各成员年收入(元)": "20000",
    "房产面积(平方米;按证)": "",
    "车辆购置价(元)": "",
    "企业注册资本(元)": "",
    "户籍地区码": "341602",
    "社保缴费月数": "0",
}
COUPLE = POOR | {"家庭人数": "2", "各成员年收入(元)": "20000;0"}
RICH = POOR | {"车辆购置价(元)": "300000"}


def members_of(regs, head: str) -> list[str]:
    population = regs.resources["population"]
    group = Record.objects.get(resource=population, subject_key=head).group_key
    return sorted(
        Record.objects.filter(resource=population, group_key=group).values_list(
            "subject_key", flat=True
        )
    )


def citizen(key: str, phone: str = "13900000000"):
    return CitizenFactory(id_number=key, username=key, phone=phone)


@pytest.fixture(autouse=True)
def _jobs():
    discover()  # the worker does this; the tests run jobs with run_pending


@pytest.fixture
def city(approver):
    parameters_make()
    regs = registries_make(approver.department)
    version = online_item(approver.department)
    return SimpleNamespace(regs=regs, version=version, item=version.item, purpose=regs.purpose)


def run(city, actor, **kwargs) -> PushRound:
    return push_round_run(
        actor=actor, rule_set=RULE_SET, item=city.item, purpose=city.purpose, **kwargs
    )


def test_qualifying_households_that_have_not_applied_are_invited_once(city, approver):
    invited = [citizen(household_put(city.regs, POOR)) for _ in range(2)]
    no_phone = citizen(household_put(city.regs, POOR), phone="")
    citizen(household_put(city.regs, RICH))  # registered but does not qualify
    household_put(city.regs, POOR)  # qualifies, nobody registered: unreachable

    row = run(city, approver)

    assert row.state == PushRound.State.DONE
    assert (row.analysed, row.qualifying, row.invited, row.unreachable) == (5, 4, 3, 1)
    assert (row.sms, row.site) == (2, 3)
    assert set(PushInvitation.objects.values_list("user_id", flat=True)) == {
        u.pk for u in [*invited, no_phone]
    }
    site = Notification.objects.filter(channel=Notification.Channel.SITE, event="analytics.push")
    assert site.count() == 3
    assert Notification.objects.filter(channel=Notification.Channel.SMS).count() == 2
    assert not Notification.objects.filter(recipient=no_phone, channel="sms").exists()


def test_the_messages_link_to_the_application_and_to_opting_out(city, approver):
    user = citizen(household_put(city.regs, POOR))
    run(city, approver, message="您可能符合公租房条件。")
    apply = reverse("cases:apply_item", args=[city.item.implementation_code])
    opt_out = settings.GOVHALL_PUBLIC_URL + reverse("analytics:push_preferences")
    site = Notification.objects.get(recipient=user, channel=Notification.Channel.SITE)
    assert site.link == apply
    assert site.body.startswith("您可能符合公租房条件。") and opt_out in site.body
    sms = Notification.objects.get(recipient=user, channel=Notification.Channel.SMS)
    assert sms.address == user.phone
    assert settings.GOVHALL_PUBLIC_URL + apply in sms.body and opt_out in sms.body


def test_the_apply_link_opens_the_prefilled_application_page(city, approver, client_as):
    user = citizen(household_put(city.regs, POOR))
    run(city, approver)
    link = Notification.objects.get(recipient=user, channel="site").link
    response = client_as(user).get(link)
    assert response.status_code == 200
    assert city.version.name in response.content.decode()


def test_households_that_applied_or_are_housed_are_excluded(city, approver, applicant):
    from govhall.housing import services_list
    from govhall.housing.tests.factories import completed_case

    applied = citizen(household_put(city.regs, POOR))
    case_submitted(applied, city.version)
    couple = members_of(city.regs, household_put(city.regs, COUPLE))
    spouse = citizen(couple[1])  # not the household's first member: still excluded
    citizen(couple[0])
    case_submitted(spouse, city.version)
    listed = household_put(city.regs, POOR)
    citizen(listed)
    # someone else's completed case lists this person as a member: now on the waiting list
    case = completed_case(
        applicant, city.version, members=[{"id_number": listed, "annual_income": "0"}]
    )
    services_list.waiting_entry_add_from_case(actor=approver, case=case)
    withdrawn = citizen(household_put(city.regs, POOR))
    refused = case_submitted(withdrawn, city.version)
    refused.status = refused.Status.WITHDRAWN  # may apply again: invited
    refused.save(update_fields=["status"])

    row = run(city, approver)

    # the listed household is excluded here, or by the rules' own "not housed" condition
    assert row.qualifying in {3, 4}
    assert (row.excluded_applied, row.invited) == (row.qualifying - 1, 1)
    assert list(PushInvitation.objects.values_list("user_id", flat=True)) == [withdrawn.pk]


def test_a_draft_application_counts_as_applying(city, approver):
    from govhall.cases.tests.factories import application_draft

    user = citizen(household_put(city.regs, POOR))
    application_draft(user, city.version)
    row = run(city, approver)
    assert (row.excluded_applied, row.invited) == (1, 0)


def test_opted_out_persons_are_not_invited(city, approver):
    everything = citizen(household_put(city.regs, POOR))
    housing_only = citizen(household_put(city.regs, POOR))
    other_topic = citizen(household_put(city.regs, POOR))
    push_opt_out_set(actor=everything, topic="", opted_out=True)
    push_opt_out_set(actor=housing_only, topic=RULE_SET, opted_out=True)
    PushOptOut.objects.create(id_number=other_topic.id_number, topic="subsistence")

    row = run(city, approver)

    assert (row.excluded_opted_out, row.invited) == (2, 1)
    assert list(PushInvitation.objects.values_list("user_id", flat=True)) == [other_topic.pk]
    assert not Notification.objects.filter(recipient__in=[everything, housing_only]).exists()


def test_another_registered_member_is_invited_when_the_first_opted_out(city, approver):
    first, second = members_of(city.regs, household_put(city.regs, COUPLE))
    push_opt_out_set(actor=citizen(first), topic="", opted_out=True)
    other = citizen(second)
    row = run(city, approver)
    assert row.invited == 1
    invitation = PushInvitation.objects.get()
    assert (invitation.household_key, invitation.person_key) == (first, second)
    assert invitation.user == other


def test_opting_back_in_makes_the_person_invitable(city, approver):
    user = citizen(household_put(city.regs, POOR))
    push_opt_out_set(actor=user, topic="", opted_out=True)
    push_opt_out_set(actor=user, topic="", opted_out=False)
    assert run(city, approver).invited == 1


def test_a_rerun_invites_nobody_twice(city, approver):
    first = citizen(household_put(city.regs, POOR))
    run(city, approver)
    later = citizen(household_put(city.regs, POOR))  # a household that qualifies since

    again = run(city, approver)

    assert (again.qualifying, again.excluded_invited, again.invited) == (2, 1, 1)
    assert PushInvitation.objects.filter(user=first).count() == 1
    assert PushInvitation.objects.get(round=again).user == later
    assert Notification.objects.filter(recipient=first).count() == 2  # one SMS, one message


def test_running_a_round_again_sends_nothing_more(city, approver):
    citizen(household_put(city.regs, POOR))
    row = run(city, approver)
    before = Notification.objects.count()
    PushRound.objects.filter(pk=row.pk).update(state=PushRound.State.RUNNING)  # a crash
    again = push_round_execute(round_id=row.pk)
    assert again.invited == 1
    assert PushInvitation.objects.count() == 1
    assert Notification.objects.count() == before


def test_a_new_campaign_year_may_invite_again(city, approver):
    import datetime as dt

    citizen(household_put(city.regs, POOR))
    assert run(city, approver, on=dt.date(2025, 6, 1)).invited == 1
    assert run(city, approver, on=dt.date(2026, 6, 1)).invited == 1


def test_counts_are_recorded_and_audited(city, approver):
    citizen(household_put(city.regs, POOR))
    household_put(city.regs, POOR)
    row = run(city, approver)
    entry = AuditEntry.objects.filter(action="analytics.push_round_done").get()
    assert entry.object_id == str(row.pk)
    assert entry.summary["extra"]["invited"] == 1
    assert entry.summary["extra"]["unreachable"] == 1
    assert AuditEntry.objects.filter(action="analytics.push_round_start").count() == 1
    total = (
        row.excluded_applied
        + row.excluded_invited
        + row.excluded_opted_out
        + row.unreachable
        + row.invited
    )
    assert total == row.qualifying == 2


def test_the_background_job_runs_a_started_round(city, approver):
    citizen(household_put(city.regs, POOR))
    row = push_round_start(
        actor=approver, rule_set=RULE_SET, item=None, purpose=city.purpose, message=""
    )
    assert row.state == PushRound.State.PENDING
    assert run_pending() >= 1
    row.refresh_from_db()
    assert row.state == PushRound.State.DONE and row.invited == 1
    assert "公共租赁住房保障资格" in row.message  # the default text


def test_a_round_without_grants_fails_with_the_reason(approver):
    parameters_make()
    regs = registries_make(approver.department, grant=False)
    version = online_item(approver.department)
    row = push_round_start(
        actor=approver, rule_set=RULE_SET, item=version.item, purpose=regs.purpose
    )
    run_pending()
    row.refresh_from_db()
    assert row.state == PushRound.State.FAILED
    assert "授权" in row.error


@pytest.mark.parametrize(
    "persona", ["clerk", "other_clerk", "supervisor", "applicant", "admin_user"]
)
def test_only_review_or_approval_staff_of_the_item_department_start_rounds(city, request, persona):
    with pytest.raises(errors.PermissionDenied):
        run(city, request.getfixturevalue(persona))
    assert not PushRound.objects.exists()


def test_a_case_number_is_not_a_purpose_for_push(city, clerk, reviewer):
    from govhall.cases.tests.factories import case_accepted

    case = case_accepted(citizen(household_put(city.regs, POOR)), clerk, city.version)
    with pytest.raises(errors.ApplicationError):
        push_round_run(actor=reviewer, rule_set=RULE_SET, item=city.item, purpose=case.number)
    with pytest.raises(errors.PermissionDenied):
        push_round_run(actor=reviewer, rule_set=RULE_SET, item=city.item, purpose="YT-NOPE")


def test_a_second_round_while_one_is_pending_is_a_conflict(city, approver):
    push_round_start(actor=approver, rule_set=RULE_SET, item=city.item, purpose=city.purpose)
    with pytest.raises(errors.Conflict):
        push_round_start(actor=approver, rule_set=RULE_SET, item=city.item, purpose=city.purpose)


def test_only_citizens_set_their_own_preferences(clerk, applicant):
    with pytest.raises(errors.PermissionDenied):
        push_opt_out_set(actor=clerk, topic="", opted_out=True)
    with pytest.raises(errors.ValidationError):
        push_opt_out_set(actor=applicant, topic="nope", opted_out=True)
    push_opt_out_set(actor=applicant, topic=RULE_SET, opted_out=True)
    assert PushOptOut.objects.get().id_number == applicant.id_number


def test_members_on_the_housing_list_exclude_their_household(city, approver, applicant):
    """Independently of the rule set: a household with a listed or housed member is excluded."""
    from govhall.analytics.services_push import _plan
    from govhall.housing import services_list
    from govhall.housing.tests.factories import completed_case

    head, spouse = members_of(city.regs, household_put(city.regs, COUPLE))
    citizen(head)
    case = completed_case(
        applicant, city.version, members=[{"id_number": spouse, "annual_income": "0"}]
    )
    services_list.waiting_entry_add_from_case(actor=approver, case=case)
    row = PushRound(
        rule_set=RULE_SET, item=city.item, campaign_year=2026, department=approver.department
    )
    plan = _plan(row, {head: [head, spouse]})
    assert (plan.applied, plan.invite) == (1, {})


def test_the_demo_round_runs_once(city, approver):
    from govhall.analytics.services_push import push_demo_round

    citizen(household_put(city.regs, POOR))
    assert push_demo_round(purpose=city.purpose) == (1, 0)
    assert push_demo_round(purpose=city.purpose) == (0, 0)
    assert PushRound.objects.get().invited == 1

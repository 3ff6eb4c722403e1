"""The demo city's case history: every state the supervision, ratings and figures need, made
through the case services at past moments; loaded once; each applicant sees only their own."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Count
from django.utils import timezone

from govhall.accounts.models import User
from govhall.cases import selectors
from govhall.cases.models import Case, CaseEvent, ClockStop, Notice, Task
from govhall.core.calendar import add_working_days
from govhall.core.models import AuditEntry
from govhall.demo.services import demo_city_load
from govhall.notifications.models import Notification

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

PERSONS = 200
S = Case.Status
LI_NA = "342124199205201541"


def test_the_case_history():
    """One load (about 30 s): every state, applicants' own lists, and a second load."""
    demo_city_load(persons=PERSONS)
    _every_state()
    _applicants_see_only_their_own_cases()
    _loading_again_creates_no_case()


def _open_tasks():
    return Task.objects.filter(state=Task.State.OPEN).exclude(case__status=S.SUSPENDED)


def _every_state() -> None:
    today = timezone.localdate()
    statuses = dict(Case.objects.values_list("status").annotate(n=Count("id")).order_by())
    assert 150 <= sum(statuses.values()) <= 300
    for status, least in [
        (S.COMPLETED, 60),
        (S.PROCESSING, 30),
        (S.REFUSED, 5),
        (S.CORRECTION, 2),
        (S.SUSPENDED, 3),
        (S.WITHDRAWN, 3),
        (S.DENIED, 3),
        (S.SUBMITTED, 2),
    ]:
        assert statuses.get(status, 0) >= least, (status, statuses)
    completed = Case.objects.filter(status=S.COMPLETED)
    assert completed.filter(on_time=False).count() >= 5
    assert completed.filter(on_time=True).count() >= 50
    for case in completed.filter(on_time=False)[:5]:
        assert timezone.localtime(case.closed_at).date() > case.due_date
    # open: well within the limit, one working day left, overdue (yellow and red cards)
    tomorrow = add_working_days(today, 1)
    assert _open_tasks().filter(due_date__gt=tomorrow).count() >= 5
    assert _open_tasks().filter(due_date=tomorrow).count() >= 3
    assert _open_tasks().filter(due_date__lt=today).count() >= 10
    assert _open_tasks().filter(due_date__lt=today - dt.timedelta(days=7)).exists()  # red
    # 一次性告知 then 补正 (and completed), the clock stopped, the parallel approval waiting
    assert Case.objects.filter(correction_requested=True, status=S.COMPLETED).count() >= 3
    assert CaseEvent.objects.filter(action="supplement").count() >= 3
    assert ClockStop.objects.filter(ended_on__isnull=True).count() == statuses[S.SUSPENDED]
    assert ClockStop.objects.filter(ended_on__isnull=False, working_days__gt=0).exists()
    waiting = Task.objects.filter(kind="countersign", state=Task.State.OPEN)
    assert waiting.exists()
    for task in waiting:  # the other department has replied
        assert task.case.tasks.filter(kind="countersign", state=Task.State.DONE).exists()
    # reasons on the refusals and denials; 公租房 of 住建局 among the items
    assert Notice.objects.filter(kind=Notice.Kind.REFUSAL).count() == statuses[S.REFUSED]
    assert Case.objects.filter(item_name="公共租赁住房保障资格申请").count() >= 20
    assert Case.objects.values("department").distinct().count() >= 6
    # coherent moments: spread over the last ~120 days, on working days in office hours
    first = Case.objects.order_by("received_at").first().received_at
    assert (today - timezone.localtime(first).date()).days >= 90
    for case in Case.objects.order_by("pk")[:40]:
        local = timezone.localtime(case.received_at)
        assert 9 <= local.hour < 18 and local.date() < today
        events = list(case.events.order_by("seq").values_list("at", flat=True))
        assert events == sorted(events)
    assert Notification.objects.filter(created_at__date__lt=today).exists()


def _loading_again_creates_no_case() -> None:
    cases, users = Case.objects.count(), User.objects.count()
    again = demo_city_load(persons=PERSONS)
    assert again.created["cases"] == 0
    assert (Case.objects.count(), User.objects.count()) == (cases, users)
    assert AuditEntry.objects.filter(action="demo.load", object_id="cases").count() == 1


def _applicants_see_only_their_own_cases() -> None:
    li_na = User.objects.get(username=LI_NA)
    own = selectors.case_list(actor=li_na)
    assert own.exists() and all(c.applicant_id == li_na.pk for c in own)
    # the walkthrough's personas hold only completed cases of other items
    assert not own.exclude(status=S.COMPLETED).exists()
    assert not own.filter(item_name="公共租赁住房保障资格申请").exists()
    someone = Case.objects.exclude(applicant=li_na).first().applicant
    theirs = selectors.case_list(actor=someone)
    assert set(theirs.values_list("applicant_id", flat=True)) == {someone.pk}
    assert not theirs.filter(pk__in=own).exists()

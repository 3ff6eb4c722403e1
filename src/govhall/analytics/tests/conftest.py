"""A small fixture city for the figures, built through the real case services and then moved
into March 2026 (a month without public holidays: every weekday is a working day), so that the
expected figures can be counted by hand. See ``test_figures.py`` for the hand count."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from govhall.analytics.figures import Period
from govhall.cases import services_actions as actions
from govhall.cases.models import Case
from govhall.cases.tests.factories import case_accepted, case_submitted, online_item

MARCH = Period(dt.date(2026, 3, 2), dt.date(2026, 3, 31))


def at(day: str, hour: int = 10, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(
        dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour, minute))
    )


def move(case: Case, **fields: Any) -> None:
    """Place a case in time: ``received``/``accepted``/``closed`` ('YYYY-MM-DD' or datetimes),
    ``clock``/``due`` dates, any other field as is."""
    values: dict[str, Any] = {}
    for name, field in (
        ("received", "received_at"),
        ("accepted", "accepted_at"),
        ("closed", "closed_at"),
    ):
        if name in fields:
            value = fields.pop(name)
            values[field] = at(value) if isinstance(value, str) else value
    for name, field in (("clock", "clock_start"), ("due", "due_date")):
        if name in fields:
            values[field] = dt.date.fromisoformat(fields.pop(name))
    Case.objects.filter(pk=case.pk).update(**values, **fields)


def _completed(applicant, version, clerk, reviewer, approver) -> Case:
    case = case_accepted(applicant, clerk, version)
    case = actions.case_decide(actor=reviewer, case=case, approve=True)
    case = actions.case_decide(actor=approver, case=case, approve=True)
    return actions.case_complete(actor=clerk, case=case)


@pytest.fixture
def city(
    applicant,
    other_applicant,
    housing_department,
    police_department,
    clerk,
    reviewer,
    approver,
    other_clerk,
    settings,
):
    # Several cases of one applicant on the test item (named like the 公租房 item, whose rule
    # refuses a second open application of a household): the figures need them, not the rule.
    settings.GOVHALL_HOUSING_ONE_APPLICATION = False
    item = online_item(housing_department)
    police_item = online_item(police_department)
    c1 = _completed(applicant, item, clerk, reviewer, approver)
    move(
        c1,
        received="2026-03-02",
        accepted="2026-03-02",
        clock="2026-03-02",
        closed="2026-03-09",
        due="2026-03-16",
        on_time=True,
    )
    c2 = _completed(other_applicant, item, clerk, reviewer, approver)
    move(
        c2,
        received="2026-03-03",
        accepted="2026-03-03",
        clock="2026-03-03",
        closed="2026-03-20",
        due="2026-03-17",
        on_time=False,
        channel="window",
    )
    c3 = actions.case_refuse(
        actor=clerk, case=case_submitted(applicant, item), reasons=["不属于本机关职权范围"]
    )
    move(c3, received="2026-03-04", closed="2026-03-05")
    c4 = actions.case_request_correction(
        actor=clerk, case=case_submitted(applicant, item), missing=["承诺书缺少签名"]
    )
    move(c4, received="2026-03-05")
    c5 = case_accepted(applicant, clerk, item)
    move(c5, received="2026-03-06", accepted="2026-03-06", clock="2026-03-06", due="2026-03-20")
    c6 = case_accepted(applicant, clerk, item)
    c6 = actions.case_decide(actor=reviewer, case=c6, approve=True)
    c6 = actions.case_decide(actor=approver, case=c6, approve=False, opinion="收入超过标准")
    move(
        c6,
        received="2026-03-09",
        accepted="2026-03-09",
        clock="2026-03-09",
        closed="2026-03-12",
        due="2026-03-23",
        on_time=True,
    )
    c7 = _completed(applicant, item, clerk, reviewer, approver)
    move(
        c7,
        received="2026-02-26",
        accepted="2026-02-27",
        clock="2026-02-27",
        closed="2026-03-10",
        due="2026-03-13",
        on_time=True,
    )
    c0 = case_submitted(applicant, item)
    move(c0, received=at("2026-03-31", 23, 30))
    c9 = case_submitted(applicant, item)
    move(c9, received=at("2026-04-01", 0, 0))
    c8 = case_submitted(other_applicant, police_item)
    move(c8, received="2026-03-10")
    return SimpleNamespace(
        item=item,
        police_item=police_item,
        housing=housing_department,
        police=police_department,
        cases=[c0, c1, c2, c3, c4, c5, c6, c7, c8, c9],
    )

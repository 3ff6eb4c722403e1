"""Demo data of the interaction app, made through the services on the demo's completed cases:
ratings (mostly good, a few bad ones with their rectifications: one called back and closed, one
verified, the rest open), enquiries (one answered and promoted to the FAQ) and complaints (one
about the person's own case, one from the 12345 hotline).

Each action travels to its day (as the case history does), so that dates and deadlines read
like a real history. Runs once: a second call finds its work done and creates nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from django.conf import settings
from django.utils import timezone

from govhall.accounts.models import User
from govhall.cases.models import Case
from govhall.core.calendar import add_working_days
from govhall.interaction import permissions
from govhall.interaction import services_evaluation as evaluations
from govhall.interaction import services_tickets as tickets
from govhall.interaction.models import Evaluation, Ticket

SEED = 20260606
RATED_SHARE = 0.6  # the rest stay unrated: the invitation job has work
BAD_EVERY = 9  # about one rating in nine is bad
GOOD_GRADES = ["very_satisfied"] * 6 + ["satisfied"] * 3 + ["basic"]
CHANNELS = ["pc", "mobile", "mobile", "qrcode", "tablet", "sms"]
BAD_TEXTS = ["窗口工作人员解释不清楚,来回跑了两趟。", "办理时间比承诺的长,没有提前告知。"]
GOOD_TEXTS = ["", "", "办理很快,服务热情。", "网上就办好了,不用跑腿。"]

ENQUIRIES = [
    ("公租房申请需要准备哪些材料?", "请问申请公共租赁住房保障资格,除承诺书外还要交什么材料?"),
    ("营业执照变更后需要重新办理许可吗?", "公司名称变更了,原来的许可证是否需要重新申请?"),
    ("外地户籍可以在本市申请吗?", "我是外地户籍,在本市工作三年,可以申请吗?"),
]
ENQUIRY_ANSWER = (
    "只需在网上提交签字的承诺书。户籍、收入、住房、社保等信息由系统从相关部门共享数据中"
    "自动核查,无需另行提交证明材料。"
)
COMPLAINTS = [
    ("办件进度没有更新", "提交申请后几天都没有看到进度变化,希望尽快处理。"),
    ("来电反映窗口排队时间长", "市民来电反映大厅窗口排队时间较长,希望增加窗口。"),
]


def _day_at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=ZoneInfo(settings.TIME_ZONE))


def _at(day: dt.date, action: Any, **kwargs: Any) -> Any:
    today = timezone.localdate()
    with time_machine.travel(_day_at(min(day, today)), tick=False):
        return action(**kwargs)


def _staff_of(department_id: int) -> User | None:
    return (
        User.objects.filter(kind=User.Kind.STAFF, department_id=department_id, is_active=True)
        .order_by("username")
        .first()
    )


def _rate(cases: list[Case], rng: random.Random) -> tuple[int, list[Evaluation]]:
    made, bad = 0, []
    for index, case in enumerate(cases):
        # the most recent rating is bad too: its rectification is still within its deadline
        is_bad = index % BAD_EVERY == BAD_EVERY - 1 or index == len(cases) - 1
        grade = rng.choice(["dissatisfied", "very_dissatisfied"]) if is_bad else None
        day = timezone.localtime(case.closed_at).date() + dt.timedelta(days=rng.randint(0, 3))
        evaluation = _at(
            day,
            evaluations.evaluation_create,
            actor=case.applicant,
            case=case,
            grade=grade or rng.choice(GOOD_GRADES),
            text=rng.choice(BAD_TEXTS) if is_bad else rng.choice(GOOD_TEXTS),
            channel=rng.choice(CHANNELS),
        )
        made += 1
        if is_bad:
            bad.append(evaluation)
    return made, bad


def _rectify(bad: list[Evaluation]) -> int:
    """The first bad review is called back and closed, the second verified, the rest open."""
    steps = 0
    for index, evaluation in enumerate(bad[:2]):
        rect = evaluation.rectification
        staff = _staff_of(rect.department_id)
        if staff is None:
            continue
        day = rect.opened_on
        rect = _at(
            day,
            evaluations.rectification_verify,
            actor=staff,
            rectification=rect,
            finding="经调阅办件记录并询问窗口人员,情况属实。",
        )
        steps += 1
        if index:
            continue
        day = add_working_days(day, 1)
        rect = _at(
            day,
            evaluations.rectification_callback,
            actor=staff,
            rectification=rect,
            record="电话回访申请人,就解释不清向其致歉,对方表示理解。",
        )
        _at(
            day,
            evaluations.rectification_resolve,
            actor=staff,
            rectification=rect,
            outcome="fix_now",
            text="已对窗口人员进行业务培训,并完善一次性告知单。",
        )
        steps += 2
    return steps


def _ratings(rng: random.Random) -> int:
    if Evaluation.objects.exists():
        return 0
    completed = list(
        Case.objects.filter(status=Case.Status.COMPLETED, closed_at__isnull=False)
        .select_related("applicant")
        .order_by("closed_at", "id")
    )
    chosen = [case for case in completed if rng.random() < RATED_SHARE]
    made, bad = _rate(chosen, rng)
    return made + _rectify(bad)


def _enquiries(persons: list[User], case: Case | None) -> int:
    any_staff = User.objects.filter(kind=User.Kind.STAFF, department__isnull=False).first()
    departments = [case.department_id] if case else [any_staff.department_id] if any_staff else []
    if not departments:
        return 0
    made = []
    for index, (subject, text) in enumerate(ENQUIRIES):
        made.append(
            tickets.ticket_create(
                actor=persons[index % len(persons)],
                kind="enquiry",
                subject=subject,
                text=text,
                department_id=departments[0],
            )
        )
    staff = _staff_of(departments[0])
    if staff is not None:
        tickets.ticket_answer(actor=staff, ticket=made[0], answer=ENQUIRY_ANSWER)
        tickets.faq_publish(actor=staff, ticket=made[0])
    return len(made)


def _complaints(case: Case | None, hotline: User | None) -> int:
    made = 0
    if case is not None:
        subject, text = COMPLAINTS[0]
        ticket = tickets.ticket_create(
            actor=case.applicant,
            kind="complaint",
            subject=subject,
            text=text,
            case_number=case.number,
        )
        staff = _staff_of(case.department_id)
        if staff is not None:
            tickets.ticket_answer(
                actor=staff, ticket=ticket, answer="已核实,办件正在审核中,将按承诺时限办结。"
            )
        made += 1
    if hotline is not None:
        subject, text = COMPLAINTS[1]
        tickets.ticket_create(
            actor=hotline,
            kind="complaint",
            subject=subject,
            text=text,
            contact_name="王女士",
            contact_phone="13955800000",
        )
        made += 1
    return made


def _hotline_desk() -> User | None:
    staff = User.objects.filter(
        kind=User.Kind.STAFF,
        is_active=True,
        department__name__in=settings.GOVHALL_HOTLINE_DEPARTMENTS,
        posts__code="acceptance",
    ).order_by("username")
    return next((user for user in staff if permissions.is_hotline_staff(user)), None)


def _tickets() -> int:
    if Ticket.objects.filter(subject__in=[s for s, _t in ENQUIRIES + COMPLAINTS]).exists():
        return 0
    case = (
        Case.objects.filter(applicant__kind=User.Kind.CITIZEN)
        .select_related("applicant", "department")
        .order_by("-received_at", "-id")
        .first()
    )
    persons = list(User.objects.filter(kind=User.Kind.CITIZEN, is_active=True).order_by("id")[:3])
    if not persons:
        return 0
    return _enquiries(persons, case) + _complaints(case, _hotline_desk())


def interaction_demo_load() -> tuple[int, int]:
    """Ratings, rectification steps and tickets of the demo city; ``(created, 0)``."""
    rng = random.Random(SEED)
    return _ratings(rng) + _tickets(), 0

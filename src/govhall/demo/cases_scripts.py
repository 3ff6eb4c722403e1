"""What happens to each demo case (its script) and which cases there are (the plan).

A script gets a ``Run`` (``cases_load``) and plays the case's actions at their days; the plan
places each case's submission day so that closed cases end before today and open ones stand
today where they should (well within the limit, one working day left, days overdue at a step).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from govhall.cases.models import Case, ClockStop
from govhall.cases.workflow import process_of
from govhall.core.calendar import add_working_days, is_working_day

S = Case.Status
HISTORY_WORKING_DAYS = 80  # about 120 calendar days


@dataclass
class Plan:
    kind: str
    item: str
    applicant: Any
    start: dt.date  # the day of submission
    extra: dict[str, Any] = field(default_factory=dict)


def working_days_back(day: dt.date, n: int) -> dt.date:
    """The working day ``n`` working days before ``day`` (``day`` itself, moved back to a
    working day, for 0)."""
    while not is_working_day(day):
        day -= dt.timedelta(days=1)
    while n > 0:
        day -= dt.timedelta(days=1)
        n -= is_working_day(day)
    return day


# --- the forms ----------------------------------------------------------------------------------

DESCRIPTIONS = {
    "失业保险金申领": "本人因劳动合同期满离职,已办理失业登记,申请领取失业保险金。",
    "社会保障卡申领": "首次申领第三代社会保障卡。",
    "高龄津贴申领": "本人年满80周岁,户籍在本市,申请高龄津贴。",
    "居住证办理": "在本市居住满半年,有合法稳定就业,申请办理居住证。",
    "法律援助申请": "追索劳动报酬纠纷,经济困难,申请法律援助。",
    "户外广告设施设置许可": "在门店外墙设置招牌式户外广告一处,面积约12平方米。",
    "食品经营许可(新办)": "新开设餐饮门店,经营热食类食品制售。",
    "劳务派遣经营许可": "申请经营劳务派遣业务。",
    "特种设备使用登记": "新购置电梯两台,申请使用登记。",
    "道路货物运输经营许可": "申请从事普通货物道路运输经营。",
}


def form_fill(
    item: str,
    form: dict[str, Any],
    *,
    applicant: Any,
    address: str,
    id_number: str,
    rng: random.Random,
) -> dict[str, Any]:
    """What the applicant types beyond the registries' prefill."""
    if item == "公共租赁住房保障资格申请":
        members = [
            {**m, "annual_income": m.get("annual_income") or "0.00"}
            for m in form.get("members") or []
        ]
        known = form.get("applicant") or {}
        defaults = {
            "marital": "10",
            "household_type": "urban",
            "register_address": address,
            "sex": applicant.id_number[16:17] and str(2 - int(applicant.id_number[16]) % 2),
        }
        return {
            "applicant": {k: v for k, v in defaults.items() if not known.get(k)},
            "members": members,
            "housing": {
                "situation": "rent",
                "current_address": address,
                "monthly_rent": f"{rng.randrange(400, 1200, 50)}",
            },
            "bank": {
                "account_name": applicant.name,
                "bank": "social_security_card",
                "account_number": f"6230{rng.randrange(10**14):014d}",
            },
            "delivery": {"method": "pickup"},
            "commitment": {"truthful": True, "authorize": True},
        }
    known = form.get("applicant") or {}
    return {
        "applicant": {
            "address": known.get("address") or address,
            "contact_name": applicant.name,
            **({} if known.get("id_number") else {"id_number": id_number}),
        },
        "request": {"description": DESCRIPTIONS[item]},
        "delivery": {"method": "pickup"},
    }


# --- the scripts ----------------------------------------------------------------------------

REFUSALS = [
    "申请事项不属于本机关职权范围,请向户籍所在地县区主管部门申请。",
    "申请人不具备申请资格:经核查户籍不在本市。",
    "同一事项已有在办申请,不予重复受理。",
]
CORRECTIONS = [
    "承诺书未签名,请签名后重新上传。",
    "上传的材料扫描件不清晰,请重新扫描上传。",
    "申请表联系电话与实名信息不一致,请核实。",
]
DENIALS = [
    "经实地核查,申请人实际情况与申报内容不符,不予许可。",
    "经审查,申请材料所述条件不符合法定标准,不予批准。",
]


def _pace(run: Any, day: dt.date, *, limit: dt.date | None = None) -> dt.date:
    """Close every open task, one to two working days apart (never after ``limit``)."""
    while run.case.status not in {S.COMPLETED, S.DENIED} and run.open_task() is not None:
        day = run.next_day(day, 0, 1)
        if limit is not None:
            day = min(day, limit)
        if run.step(day) is None:  # a 公示 still running today
            break
    return day


def _complete_on_time(run: Any, day: dt.date) -> None:
    day = _pace(run, day, limit=run.case.due_date)
    run.deliver(run.next_day(day, 0, 2))


def on_time(run: Any) -> None:
    day = run.plan.start
    run.submit(day)
    day = run.next_day(day, 0, 1)
    run.accept(day)
    _complete_on_time(run, day)


def late(run: Any) -> None:
    """The review sat past the promised date: completed, on_time False."""
    day = run.plan.start
    run.submit(day)
    day = run.next_day(day, 0, 1)
    run.accept(day)
    day = add_working_days(run.case.due_date, run.rng.randint(1, 4))
    run.step(day)
    day = _pace(run, day)
    run.deliver(run.next_day(day, 0, 2))


def extended(run: Any) -> None:
    """延长审批 once, then completed within the extended limit."""
    day = run.plan.start
    run.submit(day)
    day = run.next_day(day, 0, 1)
    run.accept(day)
    day = run.next_day(day, 1, 1)
    run.extend(day, run.rng.choice([5, 10]), "需征求相关部门意见,申请延长办理时限。")
    day = add_working_days(day, run.rng.randint(2, 4))
    _complete_on_time(run, day)


def open_at_step(run: Any) -> None:
    """Accepted on ``extra['accept']``, the next step left open (its due date decides whether it
    is well within the limit, due tomorrow or overdue); ``extra['then']`` steps closed first."""
    run.submit(run.plan.start)
    day = run.plan.extra["accept"]
    run.accept(day)
    for day in run.plan.extra.get("then", []):
        run.step(day)


def submitted(run: Any) -> None:
    run.submit(run.plan.start)


def refused(run: Any) -> None:
    run.submit(run.plan.start)
    run.refuse(run.next_day(run.plan.start, 0, 1), [run.rng.choice(REFUSALS)])


def correction_waiting(run: Any) -> None:
    run.submit(run.plan.start)
    run.request_correction(run.next_day(run.plan.start, 1, 1), [run.rng.choice(CORRECTIONS)])


def corrected(run: Any) -> None:
    day = run.plan.start
    run.submit(day)
    day = run.next_day(day, 0, 2)
    run.request_correction(day, run.rng.sample(CORRECTIONS, 2))
    day = run.next_day(day, 1, 3)
    run.supplement(day)
    day = run.next_day(day, 0, 1)
    run.accept(day)
    _complete_on_time(run, day)


def suspended(run: Any) -> None:
    """特别程序 under way today: the clock stopped at the review."""
    run.submit(run.plan.start)
    run.accept(run.plan.extra["accept"])
    run.suspend(run.plan.extra["suspend"], run.rng.choice(STOP_KINDS), "需现场核实申报情况。")


def suspended_resumed(run: Any) -> None:
    day = run.plan.start
    run.submit(day)
    day = run.next_day(day, 0, 1)
    run.accept(day)
    day = run.next_day(day, 1, 2)
    run.suspend(day, run.rng.choice(STOP_KINDS), "需组织现场勘查。")
    day = add_working_days(day, run.rng.randint(3, 8))
    run.resume(day, "现场勘查完成,情况属实。")
    _complete_on_time(run, day)


def withdrawn(run: Any) -> None:
    day = run.plan.start
    run.submit(day)
    day = run.next_day(day, 0, 1)
    run.accept(day)
    run.withdraw(run.next_day(day, 1, 3))


def denied(run: Any) -> None:
    day = run.plan.start
    run.submit(day)
    day = run.next_day(day, 0, 1)
    run.accept(day)
    while run.open_task().kind != "decide":
        day = run.next_day(day, 0, 1)
        run.step(day)
    run.step(run.next_day(day, 0, 1), approve=False, opinion=run.rng.choice(DENIALS))


STOP_KINDS = [ClockStop.Kind.INSPECTION, ClockStop.Kind.EXPERT, ClockStop.Kind.HEARING]

SCRIPTS: dict[str, Callable[[Any], None]] = {
    "on_time": on_time,
    "late": late,
    "extended": extended,
    "open": open_at_step,
    "submitted": submitted,
    "refused": refused,
    "correction_waiting": correction_waiting,
    "corrected": corrected,
    "suspended": suspended,
    "suspended_resumed": suspended_resumed,
    "withdrawn": withdrawn,
    "denied": denied,
}

# --- the plan -------------------------------------------------------------------------------

# cases per kind of closed history (working days the script needs at most, beyond the limit)
CLOSED = {
    "on_time": (70, 4),
    "late": (22, 10),
    "extended": (6, 16),
    "refused": (12, 2),
    "corrected": (8, 10),
    "suspended_resumed": (5, 16),
    "withdrawn": (7, 5),
    "denied": (8, 4),
}
CITIZEN_ITEMS = [
    "公共租赁住房保障资格申请",
    "失业保险金申领",
    "社会保障卡申领",
    "高龄津贴申领",
    "居住证办理",
    "法律援助申请",
]
ENTERPRISE_ITEMS = [
    "户外广告设施设置许可",
    "食品经营许可(新办)",
    "劳务派遣经营许可",
    "特种设备使用登记",
    "道路货物运输经营许可",
]
HOUSING_ITEM = "公共租赁住房保障资格申请"
ITEM_WEIGHTS = {"公共租赁住房保障资格申请": 3, "户外广告设施设置许可": 2}


def _pick_item(rng: random.Random, names: list[str]) -> str:
    return rng.choices(names, weights=[ITEM_WEIGHTS.get(n, 1) for n in names])[0]


# items open to both whose form asks for the applicant's ID number: 个体 applicants (citizens)
BY_CITIZENS = {"食品经营许可(新办)", "道路货物运输经营许可"}


def _applicant(rng: random.Random, cast: Any, item: str, *, eligible: bool = False) -> Any:
    pool = cast.citizens if item in CITIZEN_ITEMS or item in BY_CITIZENS else cast.enterprises
    if item == "高龄津贴申领":  # the oldest applicants (born yyyymmdd at 7..14 of the ID)
        pool = sorted(cast.citizens, key=lambda u: u.id_number[6:14])[:4]
    if item == HOUSING_ITEM:  # one application per household
        if eligible:
            pool = [u for u in pool if u.pk in cast.housing_eligible] or pool
        free = [u for u in pool if cast.households.get(u.pk) not in cast.housing_households]
        user = rng.choice(free or pool)
        cast.housing_households.add(cast.households.get(user.pk))
        return user
    return rng.choice(pool)


def plans(rng: random.Random, cast: Any, *, today: dt.date) -> list[Plan]:
    """Every demo case: the personas' completed ones, the closed history, what stands today."""
    items = CITIZEN_ITEMS + ENTERPRISE_ITEMS
    # the 公租房 cases standing in the review chain pick their qualifying households first
    result = _housing_plans(rng, cast, today) + _persona_plans(rng, cast, today)
    for kind, (count, span) in CLOSED.items():
        for _ in range(count):
            item = _pick_item(rng, items)
            limit = cast.items[item].published_version.promised_limit_days
            back = rng.randint(limit + span + 2, HISTORY_WORKING_DAYS)
            result.append(Plan(kind, item, _applicant(rng, cast, item), _back(today, back)))
    result += _standing_plans(rng, cast, today)
    return _one_housing_application_per_household(cast, result)


def _one_housing_application_per_household(cast: Any, result: list[Plan]) -> list[Plan]:
    """A household applies for 公租房 once (the housing rule refuses a second application, and a
    completed one puts it on the waiting list): when a small population runs out of households,
    the later plans are for another citizen item."""
    seen: set[Any] = set()
    for plan in result:
        if plan.item != HOUSING_ITEM:
            continue
        household = cast.households.get(plan.applicant.pk, plan.applicant.pk)
        if household in seen:
            plan.item = "失业保险金申领"
        seen.add(household)
    return result


def _back(today: dt.date, n: int) -> dt.date:
    return working_days_back(today, n)


def _persona_plans(rng: random.Random, cast: Any, today: dt.date) -> list[Plan]:
    """Completed history only, and none of the walkthrough's items."""
    result = []
    for user in cast.persona_citizens:
        item = rng.choice([n for n in CITIZEN_ITEMS[1:] if n != "高龄津贴申领"])
        result.append(Plan("on_time", item, user, _back(today, rng.randint(20, 70))))
    for user in cast.persona_enterprises:
        item = rng.choice(sorted(set(ENTERPRISE_ITEMS[1:]) - BY_CITIZENS))
        result.append(Plan("on_time", item, user, _back(today, rng.randint(20, 70))))
    return result


def _steps(cast: Any, item: str) -> dict[str, int]:
    """Working days of each step of the item's process, by kind."""
    return {s.kind: s.days for s in process_of(cast.items[item].published_version).steps}


def _open_plan(rng: random.Random, cast: Any, today: dt.date, item: str, due_back: int) -> Plan:
    """Open at the review, its task due ``due_back`` working days before today (negative: in
    the future); every fourth overdue one is open at the decision instead."""
    steps = _steps(cast, item)
    if due_back > 0 and rng.random() < 0.25:
        review = _back(today, due_back + steps["decide"])
        accept = _back(review, rng.randint(1, max(steps["review"], 1)))
        extra = {"accept": accept, "then": [review]}
    else:
        accept = _back(today, max(steps["review"] + due_back, 1))
        extra = {"accept": accept}
    start = _back(extra["accept"], rng.randint(0, 1))
    return Plan("open", item, _applicant(rng, cast, item), start, extra)


def _standing_plans(rng: random.Random, cast: Any, today: dt.date) -> list[Plan]:
    result = []
    slow = [n for n in CITIZEN_ITEMS + ENTERPRISE_ITEMS[1:] if _steps(cast, n)["review"] >= 3]
    for _ in range(20):  # well within the limit
        item = _pick_item(rng, slow)
        result.append(_open_plan(rng, cast, today, item, -rng.randint(2, 5)))
    for _ in range(10):  # one working day left at the step
        result.append(_open_plan(rng, cast, today, _pick_item(rng, slow), -1))
    for n in range(24):  # overdue at a step: a few days (yellow), a week or more (red)
        days = rng.randint(1, 3) if n % 2 else rng.randint(5, 15)
        result.append(_open_plan(rng, cast, today, _pick_item(rng, slow), days))
    for _ in range(5):
        item = _pick_item(rng, CITIZEN_ITEMS)
        start = _back(today, rng.randint(1, 3))
        result.append(Plan("submitted", item, _applicant(rng, cast, item), start))
    for _ in range(4):
        item = _pick_item(rng, CITIZEN_ITEMS)
        start = _back(today, rng.randint(3, 8))
        result.append(Plan("correction_waiting", item, _applicant(rng, cast, item), start))
    for _ in range(6):  # the clock stopped today
        item = _pick_item(rng, slow)
        suspend = _back(today, rng.randint(2, 12))
        accept = _back(suspend, rng.randint(1, 2))
        plan = Plan("suspended", item, _applicant(rng, cast, item), _back(accept, 1))
        plan.extra = {"accept": accept, "suspend": suspend}
        result.append(plan)
    result += _parallel_plans(rng, cast, today)
    return result


def _housing_plans(rng: random.Random, cast: Any, today: dt.date) -> list[Plan]:
    """公租房 cases standing today along the review chain: at the street's review, at the
    district's, and in their public notice (公示)."""
    item = HOUSING_ITEM
    result = []
    for closed in ([], [1], [2, 1], [3, 2], [4, 3]):  # working days back of street, district
        accept = _back(today, (closed[0] if closed else 0) + 1)
        extra = {"accept": accept, "then": [_back(today, n) for n in closed]}
        start = _back(accept, rng.randint(0, 1))
        applicant = _applicant(rng, cast, item, eligible=True)
        result.append(Plan("open", item, applicant, start, extra))
    return result


def _parallel_plans(rng: random.Random, cast: Any, today: dt.date) -> list[Plan]:
    """户外广告设施设置许可 waiting on one countersigning department (some past its date)."""
    item = "户外广告设施设置许可"
    steps = _steps(cast, item)
    result = []
    for n in range(6):
        review = _back(today, rng.randint(1, 3) if n < 3 else rng.randint(5, 10))
        accept = _back(review, rng.randint(1, steps["review"]))
        plan = Plan("parallel", item, rng.choice(cast.enterprises), _back(accept, 1))
        plan.extra = {"accept": accept, "review": review, "first": n % 2}
        result.append(plan)
    return result


def parallel(run: Any) -> None:
    run.submit(run.plan.start)
    run.accept(run.plan.extra["accept"])
    review = run.plan.extra["review"]
    run.step(review)
    tasks = list(run.case.tasks.filter(kind="countersign", state="open").order_by("pk"))
    first = tasks[run.plan.extra["first"] % len(tasks)]
    actor = run.staff(first.department_id, first.post_id)
    from govhall.cases import services_actions

    run.at(
        run.next_day(review, 0, 1),
        services_actions.case_decide,
        actor=actor,
        case=run.case,
        approve=True,
        opinion="经核查,设置位置不影响市场秩序和道路交通安全,同意。",
        task_id=first.pk,
    )


SCRIPTS["parallel"] = parallel

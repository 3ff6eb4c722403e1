"""The demo city's case history: about 200 cases over the last ~120 days, in every state.

Every case is made by the real services (application_create / update / upload_add, submit, the
case actions, delivery) as the demo's applicants and staff, each action at its own past moment
(``time_machine.travel``, a working day within office hours), so that timestamps, due dates,
events, notices and outbox rows agree. Where a case must stand today (open with one working day
left, several days overdue at a step) its actions are placed backwards from today with the
working-day calendar.

The personas of the README walkthrough (张伟, 李娜 ... and their enterprises) only get
completed cases of items the walkthrough does not use; the bulk belongs to synthetic citizens and
enterprises of the population, registered through the accounts services.

Idempotent: the stage's audit row (``demo.load`` / ``cases``) marks a loaded history.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from reportlab.pdfgen import canvas

from govhall.accounts.models import User
from govhall.accounts.services import user_register_citizen, user_register_enterprise
from govhall.analytics.services_eligibility import eligibility_batch, eligibility_explain
from govhall.cases import services_actions as actions
from govhall.cases import services_apply, services_delivery, services_submit
from govhall.cases.models import Case, Task
from govhall.cases.services_publicity import publicity_close_due
from govhall.catalog.models import Item
from govhall.core import errors
from govhall.core.calendar import add_working_days, is_working_day
from govhall.core.models import AuditEntry
from govhall.demo import citydata
from govhall.demo.cases_scripts import (
    CITIZEN_ITEMS,
    ENTERPRISE_ITEMS,
    SCRIPTS,
    Plan,
    form_fill,
    plans,
    working_days_back,
)
from govhall.demo.models import LegalPerson, Person

CITY = "341600000000"
SEED = 20260101
SYNTHETIC_CITIZENS = 60
HOUSING_ITEM = "公共租赁住房保障资格申请"
HOUSING_RULE_SET = "public_rental_housing"
HOUSING_RULED_STEP = "district"  # the 区级审核 of the item's process (demo catalog)
SYNTHETIC_ENTERPRISES = 8


def demo_cases_load() -> tuple[int, int]:
    """Make the case history once; ``(cases and accounts created, 0)``."""
    if AuditEntry.objects.filter(
        action="demo.load", object_type="demo.stage", object_id="cases"
    ).exists():
        return 0, 0
    today = timezone.localdate()
    cast, accounts = _cast()
    rng = random.Random(SEED)
    made = 0
    for plan in plans(rng, cast, today=today):
        run = Run(cast=cast, plan=plan, rng=random.Random(f"{SEED}:{made}"), today=today)
        SCRIPTS[plan.kind](run)
        made += 1
    return made + accounts, 0


# --- who takes part --------------------------------------------------------------------------


@dataclass
class Cast:
    items: dict[str, Item]  # by name
    staff: dict[str, User]  # by login
    department_keys: dict[int, str]  # department id -> key
    citizens: list[User]  # synthetic
    enterprises: list[User]  # synthetic
    persona_citizens: list[User]
    persona_enterprises: list[User]
    addresses: dict[int, str] = field(default_factory=dict)  # user id -> address
    representatives: dict[int, str] = field(default_factory=dict)  # enterprise -> ID number
    households: dict[int, int] = field(default_factory=dict)  # citizen id -> household id
    # households that applied for 公租房 (one application per household: the housing rule)
    housing_households: set[int] = field(default_factory=set)
    # citizens whose household qualifies for 公租房 today (the cases standing in the chain)
    housing_eligible: set[int] = field(default_factory=set)


def _cast() -> tuple[Cast, int]:
    """The items, the staff and the applicants (synthetic accounts registered if missing)."""
    from govhall.demo.services import _departments_by_key

    names = CITIZEN_ITEMS + ENTERPRISE_ITEMS
    items = {
        item.published_version.name: item
        for item in Item.objects.filter(
            department__region_id=CITY, published_version__name__in=names
        ).select_related("published_version", "department")
    }
    missing = set(names) - set(items)
    if missing:
        raise ValueError(f"the demo catalog lacks the items {sorted(missing)}")
    persona_ids = set(citydata.persona_index().values())
    persona_citizens, persona_enterprises = _personas(persona_ids)
    citizens, created_c = _synthetic_citizens(persona_ids)
    enterprises, created_e = _synthetic_enterprises(len(citydata.persona_legal_persons()))
    persons = list(Person.objects.filter(id_number__in=[u.id_number for u in citizens]))
    people = {p.id_number: p.address for p in persons}
    household_of = {p.id_number: p.household_id for p in persons}
    organizations = enterprises + persona_enterprises
    representatives = dict(
        LegalPerson.objects.filter(uscc__in=[u.uscc for u in organizations]).values_list(
            "uscc", "legal_representative_id_number"
        )
    )
    cast = Cast(
        items=items,
        staff={u.username: u for u in User.objects.filter(kind=User.Kind.STAFF)},
        department_keys={d.pk: key for key, d in _departments_by_key().items()},
        citizens=citizens,
        enterprises=enterprises,
        persona_citizens=persona_citizens,
        persona_enterprises=persona_enterprises,
        addresses={u.pk: people[u.id_number] for u in citizens if u.id_number in people},
        representatives={u.pk: representatives.get(u.uscc, "") for u in organizations},
        households={u.pk: household_of[u.id_number] for u in citizens if u.id_number in people},
    )
    cast.housing_eligible = _housing_eligible(cast)
    return cast, created_c + created_e


def _housing_eligible(cast: Cast) -> set[int]:
    """The synthetic citizens whose household the 公租房 rules admit today, read in one batch by
    住建局 under its 精准推送 purpose (finding who qualifies is what it is registered for)."""
    officer = cast.staff.get("zjj_approve")
    purpose = f"YT-{timezone.localdate().year}-ZJJ-0002"
    if officer is None or not cast.citizens:
        return set()
    try:
        batch = eligibility_batch(
            actor=officer,
            purpose=purpose,
            subject_keys=[u.id_number for u in cast.citizens],
            rule_set=HOUSING_RULE_SET,
        )
    except errors.ApplicationError:  # no parameters, grants or purpose: nobody is known
        return set()
    eligible = {row["subject_key"] for row in batch.results if row["outcome"] == "eligible"}
    return {u.pk for u in cast.citizens if u.id_number in eligible}


def _password() -> str:
    from govhall.demo.services import DEMO_PASSWORD

    return DEMO_PASSWORD


def _personas(persona_ids: set[int]) -> tuple[list[User], list[User]]:
    """The walkthrough's citizen and enterprise accounts."""
    numbers = Person.objects.filter(pk__in=persona_ids).values_list("id_number", flat=True)
    keys = [k for k, spec in enumerate(citydata.persona_legal_persons()) if spec.get("account")]
    usccs = LegalPerson.objects.filter(pk__in=keys).values_list("uscc", flat=True)
    return (
        list(User.objects.filter(username__in=list(numbers)).order_by("username")),
        list(User.objects.filter(username__in=list(usccs)).order_by("username")),
    )


def _synthetic_citizens(persona_ids: set[int]) -> tuple[list[User], int]:
    """Adults of the population with a mobile number (not the personas), as citizen accounts."""
    taken = set(User.objects.exclude(id_number__isnull=True).values_list("id_number", flat=True))
    adults_born = (dt.date(2026, 1, 1) - dt.timedelta(days=95 * 365), dt.date(2005, 1, 1))
    candidates = (
        Person.objects.filter(phone__gt="", birth_date__range=adults_born)
        .exclude(pk__in=persona_ids)
        .order_by("pk")[: SYNTHETIC_CITIZENS * 3]
    )
    picked = random.Random(f"{SEED}:citizens").sample(
        list(candidates), min(SYNTHETIC_CITIZENS, len(candidates))
    )
    users, created = [], 0
    for person in sorted(picked, key=lambda p: p.pk):
        user = User.objects.filter(username=person.id_number).first()
        if user is None and person.id_number not in taken:
            user = user_register_citizen(
                name=person.name,
                id_number=person.id_number,
                phone=person.phone,
                password=_password(),
            )
            created += 1
        if user is not None and user.kind == User.Kind.CITIZEN:
            users.append(user)
    return users, created


def _synthetic_enterprises(first: int) -> tuple[list[User], int]:
    """Legal persons after the personas' ones, as enterprise accounts."""
    users, created = [], 0
    for legal in LegalPerson.objects.filter(pk__gte=first).order_by("pk")[:SYNTHETIC_ENTERPRISES]:
        user = User.objects.filter(username=legal.uscc).first()
        if user is None:
            representative = Person.objects.get(id_number=legal.legal_representative_id_number)
            user = user_register_enterprise(
                name=legal.name,
                uscc=legal.uscc,
                legal_representative=legal.legal_representative,
                phone=representative.phone or "13900000000",
                password=_password(),
            )
            created += 1
        users.append(user)
    return users, created


# --- one case's run: every action at its moment ----------------------------------------------


def _pdf() -> bytes:
    buffer = io.BytesIO()
    sheet = canvas.Canvas(buffer)
    sheet.drawString(72, 720, "govhall demo material")
    sheet.showPage()
    sheet.save()
    return buffer.getvalue()


PDF = _pdf()


class Run:
    """One case's actions, each travelled to its day at an office hour after the previous one."""

    def __init__(self, *, cast: Cast, plan: Plan, rng: random.Random, today: dt.date) -> None:
        self.cast, self.plan, self.rng, self.today = cast, plan, rng, today
        self.last: dt.datetime | None = None
        self.case: Case | None = None
        self.denial = ""  # a 公租房 household's failed conditions, once the district has checked
        self.zone = ZoneInfo(settings.TIME_ZONE)

    # time
    def moment(self, day: dt.date) -> dt.datetime:
        day = min(day, working_days_back(self.today, 1))
        while not is_working_day(day):
            day += dt.timedelta(days=1)
        minute = self.rng.choice([*range(9 * 60, 11 * 60 + 30), *range(14 * 60, 17 * 60)])
        at = dt.datetime.combine(day, dt.time(minute // 60, minute % 60), tzinfo=self.zone)
        if self.last is not None and at <= self.last:
            at = self.last + dt.timedelta(minutes=self.rng.randint(5, 50))
        self.last = at
        return at

    def at(self, day: dt.date, action, *args: Any, **kwargs: Any) -> Any:
        with time_machine.travel(self.moment(day), tick=False):
            result = action(*args, **kwargs)
        if self.case is not None:
            self.case = Case.objects.get(pk=self.case.pk)
        return result

    def staff(self, department_id: int, post: str) -> User:
        key = self.cast.department_keys[department_id]
        return self.cast.staff[f"{key}_{citydata.POST_LOGIN_SUFFIX[post]}"]

    def next_day(self, after: dt.date, lo: int = 0, hi: int = 1) -> dt.date:
        return add_working_days(after, self.rng.randint(lo, hi)) if hi else after

    # the applicant
    def submit(self, day: dt.date) -> Case:
        self.case = self.at(day, self._submit)
        return self.case

    def _submit(self) -> Case:
        applicant, item = self.plan.applicant, self.cast.items[self.plan.item]
        application = services_apply.application_create(
            actor=applicant, item_code=item.implementation_code
        )
        form = _merge(application.form, self._fill(application.form))
        application = services_apply.application_update(
            actor=applicant, application=application, form=form
        )
        for state in services_apply.material_states(application):
            if state.missing:
                self._upload(application, state.material.pk)
        try:
            return services_submit.application_submit(actor=applicant, application=application)
        except errors.ValidationError as invalid:  # the demo data no longer fits the form
            raise ValueError(f"demo case of {self.plan.item}: {invalid.fields}") from invalid

    def _upload(self, application: Any, material_id: int) -> None:
        services_apply.upload_add(
            actor=self.plan.applicant,
            application=application,
            material_id=material_id,
            file=SimpleUploadedFile("材料.pdf", PDF, content_type="application/pdf"),
        )

    def _fill(self, form: dict[str, Any]) -> dict[str, Any]:
        applicant = self.plan.applicant
        address = self.cast.addresses.get(applicant.pk) or "安徽省亳州市谯城区魏武大道1号"
        return form_fill(
            self.plan.item,
            form,
            applicant=applicant,
            address=address,
            id_number=self.cast.representatives.get(applicant.pk) or applicant.id_number or "",
            rng=self.rng,
        )

    def supplement(self, day: dt.date) -> None:
        def act() -> None:
            application = self.case.application
            first = application.uploads.order_by("pk").first()
            if first is not None:
                self._upload(application, first.material_id)
            actions.case_supplement(
                actor=self.plan.applicant, case=self.case, note="已按一次性告知补正材料。"
            )

        self.at(day, act)

    def withdraw(self, day: dt.date) -> None:
        self.at(
            day,
            actions.case_withdraw,
            actor=self.plan.applicant,
            case=self.case,
            reason="情况有变,暂不申请。",
        )

    # the staff
    def open_task(self, kind: str | None = None) -> Task:
        tasks = self.case.tasks.filter(state=Task.State.OPEN).order_by("pk")
        if kind:
            tasks = tasks.filter(kind=kind)
        return tasks.first()

    def accept(self, day: dt.date) -> None:
        task = self.open_task("accept")
        clerk = self.staff(task.department_id, task.post_id)
        self.at(day, actions.case_accept, actor=clerk, case=self.case)

    def refuse(self, day: dt.date, reasons: list[str]) -> None:
        task = self.open_task("accept")
        clerk = self.staff(task.department_id, task.post_id)
        self.at(day, actions.case_refuse, actor=clerk, case=self.case, reasons=reasons)

    def request_correction(self, day: dt.date, missing: list[str]) -> None:
        task = self.open_task("accept")
        clerk = self.staff(task.department_id, task.post_id)
        self.at(day, actions.case_request_correction, actor=clerk, case=self.case, missing=missing)

    def step(self, day: dt.date, *, approve: bool = True, opinion: str = "") -> Task | None:
        """Close the first open task (approve / deny, or 办结 at the issue step). A 公示 closes by
        itself the working day after its period (the hourly job); None while it still runs
        today."""
        task = self.open_task()
        if task.kind == "publicity":
            close_day = add_working_days(task.notice.ends_on, 1)
            if close_day >= self.today:
                return None
            self.at(max(day, close_day), publicity_close_due, today=max(day, close_day))
            return task
        actor = self.staff(task.department_id, task.post_id)
        if approve and self.plan.item == HOUSING_ITEM:
            if task.step == HOUSING_RULED_STEP:
                self.denial = self._housing_denial(day, actor)
            if self.denial and task.kind in {"review", "decide"}:
                approve, opinion = False, self.denial
        if task.kind == "accept":
            self.at(day, actions.case_accept, actor=actor, case=self.case)
        elif task.kind == "issue":
            self.at(day, actions.case_complete, actor=actor, case=self.case)
        else:
            self.at(
                day,
                actions.case_decide,
                actor=actor,
                case=self.case,
                approve=approve,
                opinion=opinion,
                task_id=task.pk,
            )
        return task

    def _housing_denial(self, day: dt.date, actor: User) -> str:
        """The district's review of a 公租房 case follows the rules (one-click verification
        under the case number, the parameters of the application date): a household that
        fails a condition is not approved, whatever the plan wished; the reason, or ''."""
        result = self.at(
            day,
            eligibility_explain,
            actor=actor,
            purpose=self.case.number,
            subject_key=self.case.applicant_key,
            rule_set=HOUSING_RULE_SET,
            on=timezone.localtime(self.case.received_at).date(),
            item=self.case.item_name,
        )
        failed = [c["label"] for c in result["conditions"].values() if c["status"] == "fail"]
        if result["outcome"] == "ineligible":
            return "经一键核查,不符合:" + "、".join(failed) + "。"
        return ""

    def deliver(self, day: dt.date) -> None:
        if self.case.status != Case.Status.COMPLETED:  # a 公租房 household the rules refused
            return
        clerk = self.staff(self.case.department_id, "acceptance")
        self.at(day, services_delivery.delivery_confirm, actor=clerk, case=self.case)

    def suspend(self, day: dt.date, kind: str, reason: str) -> None:
        task = self.open_task()
        actor = self.staff(task.department_id, task.post_id)
        self.at(day, actions.case_suspend, actor=actor, case=self.case, kind=kind, reason=reason)

    def resume(self, day: dt.date, result: str) -> None:
        task = self.open_task()
        actor = self.staff(task.department_id, task.post_id)
        self.at(day, actions.case_resume, actor=actor, case=self.case, result=result)

    def extend(self, day: dt.date, days: int, reason: str) -> None:
        approver = self.staff(self.case.department_id, "approval")
        self.at(day, actions.case_extend, actor=approver, case=self.case, days=days, reason=reason)


def _merge(base: dict[str, Any], update: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged

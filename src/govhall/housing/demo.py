"""Demo data of housing: two estates with ~40 units, the demo's completed 公租房 cases on the
waiting list (ranked by score), one finished allocation round in the past with three leases
and last month's bills (one paid, the others in arrears), and a finished yearly re-verification
(动态核查) in which the first tenant, whose income the tax registry now reports at 168,000
yuan, is flagged for review.

Everything goes through the services, as the 住建局 approver and the tenants themselves; the round
is played ~60 days ago with ``time_machine`` so that its window, leases and bills agree.
Idempotent: units by (building, number), entries by case, the round only when none exists, bills
by (lease, month), the payment only while the bill is unpaid, the re-verification only when none
has run (it needs the demo's 动态核查 purpose and eligibility parameters; without them it is
skipped).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import time_machine
from django.utils import timezone

from govhall.accounts.models import User
from govhall.cases.models import Case
from govhall.core import errors
from govhall.housing import permissions, services_lease, services_list, services_reverify
from govhall.housing.models import (
    AllocationRound,
    Building,
    Estate,
    Lease,
    RentBill,
    ReverificationRun,
    RoundSeat,
    Unit,
    WaitingEntry,
)

ESTATES = [
    ("涡阳路公租房小区", "341602000000", "谯城区涡阳路188号", ["1号楼", "2号楼"]),
    ("芍花苑公租房小区", "341602000000", "谯城区芍花路66号", ["A栋", "B栋"]),
]
UNITS_PER_BUILDING = 10
LEASES = 3


def _officer() -> User | None:
    return (
        User.objects.filter(
            kind=User.Kind.STAFF,
            is_active=True,
            department_id=permissions.housing_department_id(),
            posts__code="approval",
        )
        .order_by("username")
        .first()
    )


def _stock() -> int:
    created = 0
    for name, region, address, buildings in ESTATES:
        estate, _ = Estate.objects.get_or_create(
            name=name, defaults={"region_code": region, "address": address}
        )
        for building_name in buildings:
            building, _ = Building.objects.get_or_create(estate=estate, name=building_name)
            existing = set(Unit.objects.filter(building=building).values_list("number", flat=True))
            units = []
            for index in range(UNITS_PER_BUILDING):
                floor, door = index // 2 + 1, index % 2 + 1
                number = f"{floor}0{door}"
                if number in existing:
                    continue
                area = Decimal("38.50") if door == 1 else Decimal("52.00")
                units.append(
                    Unit(
                        building=building,
                        number=number,
                        floor=floor,
                        area=area,
                        rooms=1 if door == 1 else 2,
                        monthly_rent=(area * Decimal("8.00")).quantize(Decimal("1")),
                    )
                )
            Unit.objects.bulk_create(units)
            created += len(units)
    return created


def _list(officer: User) -> int:
    listed = WaitingEntry.objects.values("case_id")
    cases = Case.objects.filter(
        item_name=permissions.housing_item_name(), status=Case.Status.COMPLETED
    ).exclude(pk__in=listed)
    added = 0
    for case in cases.order_by("closed_at", "pk"):
        try:
            services_list.waiting_entry_add_from_case(actor=officer, case=case)
        except errors.ApplicationError:
            continue  # a household already listed, or a case of another department
        added += 1
    return added


def _round(officer: User) -> int:
    if AllocationRound.objects.exists() or not WaitingEntry.objects.exists():
        return 0
    estate = Estate.objects.get(name=ESTATES[0][0])
    units = list(
        Unit.objects.filter(building__estate=estate, state=Unit.State.AVAILABLE).order_by(
            "building__name", "number"
        )[:5]
    )
    started = timezone.now() - dt.timedelta(days=60)
    with time_machine.travel(started, tick=True):
        allocation = services_list.round_open(
            actor=officer,
            name="2026年第一批公租房选房",
            estate=estate,
            unit_ids=[u.pk for u in units],
        )
        seats = list(RoundSeat.objects.filter(round=allocation).select_related("entry__applicant"))
    leases = []
    for offset, (seat, unit) in enumerate(zip(seats[:LEASES], units, strict=False)):
        with time_machine.travel(started + dt.timedelta(days=1, hours=offset), tick=True):
            choice = services_list.unit_choose(
                actor=seat.entry.applicant, allocation=allocation, unit_id=unit.pk
            )
        with time_machine.travel(started + dt.timedelta(days=3, hours=offset), tick=True):
            lease = services_lease.lease_create(
                actor=officer,
                choice=choice,
                start=services_lease.month_start(started.date() + dt.timedelta(days=8)),
            )
            leases.append(services_lease.lease_sign(actor=seat.entry.applicant, lease=lease))
    with time_machine.travel(started + dt.timedelta(days=8), tick=True):
        services_list.round_close(actor=officer, allocation=allocation)
    return 1 + len(leases)


def _bills(officer: User) -> int:
    last_month = services_lease.month_start(
        services_lease.month_start(timezone.localdate()) - dt.timedelta(days=1)
    )
    issued = services_lease.rent_bills_issue(actor=officer, month=last_month)
    bill = (
        RentBill.objects.filter(month=last_month, state=RentBill.State.UNPAID)
        .select_related("lease__tenant")
        .order_by("lease__number")
        .first()
    )
    if issued and bill is not None:
        services_lease.rent_pay(
            actor=bill.lease.tenant, bill=bill, reference=f"SIMDEMO{bill.pk:06d}"
        )
    return issued


RAISED_INCOME = "168000.00"


def _income_raise(subject_key: str) -> bool:
    """The tax registry's latest record of ``subject_key`` now says ``RAISED_INCOME`` (a seed
    load of the demo's tax registry, merged by key like any yearly load)."""
    import io
    import json

    from govhall.exchange.models import Load, Record, Resource
    from govhall.exchange.services_ingest import records_ingest

    resource = Resource.objects.filter(code="income_tax", is_active=True).first()
    if resource is None:
        return False
    current = (
        Record.objects.filter(resource=resource, subject_key=subject_key)
        .order_by("-valid_from", "-pk")
        .values_list("data", flat=True)
        .first()
    ) or {}
    row = {
        "subject_key": subject_key,
        "year": current.get("year") or timezone.localdate().year - 1,
        "annual_income": RAISED_INCOME,
        "tax_paid": "15480.00",
        "withholding_agent": current.get("withholding_agent") or "亳州市某商贸有限公司",
    }
    fields = set(resource.fields.values_list("name", flat=True)) | {"subject_key"}
    load = records_ingest(
        actor=None,
        resource=resource,
        stream=io.BytesIO(json.dumps([{k: v for k, v in row.items() if k in fields}]).encode()),
        file_format="json",
        mode=Load.Mode.ALL_OR_NOTHING,
        source=Load.Source.SEED,
        file_name="housing-demo-income",
    )
    return load.status == Load.Status.LOADED


def _reverification(officer: User) -> int:
    """One finished 动态核查 with the first tenant's income raised in the tax registry."""
    if ReverificationRun.objects.exists():
        return 0
    lease = (
        Lease.objects.filter(state=Lease.State.ACTIVE)
        .select_related("entry__case")
        .order_by("pk")
        .first()
    )
    if lease is None or not _income_raise(lease.entry.case.applicant_key):
        return 0
    try:
        run = services_reverify.reverification_run(actor=officer)
    except errors.ApplicationError:
        return 0  # no 动态核查 purpose or no eligibility parameters: a city without them
    return 1 + run.flagged


def housing_demo_load() -> tuple[int, int]:
    """``(rows created, 0)``; nothing when run again."""
    officer = _officer()
    if officer is None:
        return (0, 0)
    created = _stock()
    added = _list(officer)
    if added:
        services_list.waiting_list_rank(actor=officer, method="score")
    allocated = _round(officer)
    if allocated:
        services_list.waiting_list_rank(actor=officer, method="score")  # the rest move up
    created += added + allocated
    created += _bills(officer)
    created += _reverification(officer)
    return (created, 0)

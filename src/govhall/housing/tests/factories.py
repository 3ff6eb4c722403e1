"""Housing test data: completed 公租房 cases (submitted through the services, then closed), the
stock, and a household taken all the way to a signed lease."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from govhall.cases.models import Application, Case
from govhall.cases.tests.factories import case_submitted
from govhall.housing import services_lease, services_list
from govhall.housing.models import Building, Estate, Unit


def completed_case(
    applicant: Any,
    item: Any,
    *,
    members: list[dict[str, Any]] | None = None,
    special: dict[str, Any] | None = None,
    closed_days_ago: int = 30,
) -> Case:
    """A 公租房 case closed as completed with the household in its form (test shortcut)."""
    case = case_submitted(applicant, item)
    form = dict(case.application.form)
    form["members"] = members or [
        {"id_number": applicant.id_number, "annual_income": "20000", "relation": "head"}
    ]
    form["special"] = special or {}
    Application.objects.filter(pk=case.application_id).update(form=form)
    closed = timezone.now() - dt.timedelta(days=closed_days_ago)
    Case.objects.filter(pk=case.pk).update(status=Case.Status.COMPLETED, closed_at=closed)
    return Case.objects.get(pk=case.pk)


def stock(units: int = 3, rent: str = "300.00") -> list[Unit]:
    estate, _ = Estate.objects.get_or_create(
        name="紫金苑", defaults={"region_code": "341602000000", "address": "谯城区紫金路1号"}
    )
    building, _ = Building.objects.get_or_create(estate=estate, name="1号楼")
    start = Unit.objects.filter(building=building).count()
    return [
        Unit.objects.create(
            building=building,
            number=f"{101 + start + i}",
            floor=1,
            area=Decimal("45.00"),
            rooms=1,
            monthly_rent=Decimal(rent),
        )
        for i in range(units)
    ]


def housed(applicant: Any, item: Any, approver: Any, start: dt.date | None = None) -> Any:
    """Listed, ranked, chosen, leased and signed: the applicant's active lease."""
    case = completed_case(applicant, item)
    services_list.waiting_entry_add_from_case(actor=approver, case=case)
    units = stock(1)
    allocation = services_list.round_open(
        actor=approver, name="第一批", estate=units[0].building.estate, unit_ids=[units[0].pk]
    )
    choice = services_list.unit_choose(actor=applicant, allocation=allocation, unit_id=units[0].pk)
    lease = services_lease.lease_create(
        actor=approver, choice=choice, start=start or dt.date(2026, 1, 1)
    )
    return services_lease.lease_sign(actor=applicant, lease=lease)


def tenant(
    regs: Any,
    item: Any,
    approver: Any,
    *,
    income: str = "20000",
    size: int = 1,
    lease: bool = False,
) -> tuple[Any, Any]:
    """A household in the registries (``analytics.tests.rules_factories``) whose applicant holds
    a citizen account, put on the waiting list (and housed with ``lease=True``):
    ``(user, entry)``."""
    from govhall.accounts.tests.factories import CitizenFactory
    from govhall.analytics.tests.rules_factories import household_put
    from govhall.housing.models import WaitingEntry

    key = household_put(
        regs,
        {
            "家庭人数": str(size),
            "各成员年收入(元)": ";".join([income] + ["0"] * (size - 1)),
            "房产面积(平方米;按证)": "",
            "车辆购置价(元)": "",
            "企业注册资本(元)": "",
            "户籍地区码": "341602",
            "社保缴费月数": "0",
        },
    )
    user = CitizenFactory(id_number=key, username=key)
    if lease:
        lease_row = housed(user, item, approver)
        return user, WaitingEntry.objects.get(pk=lease_row.entry_id)
    case = completed_case(user, item)
    return user, services_list.waiting_entry_add_from_case(actor=approver, case=case)


def income_raise(regs: Any, subject_key: str, amount: str) -> None:
    """The tax registry's yearly load says the person now earns ``amount``."""
    import io
    import json

    from govhall.exchange.models import Load
    from govhall.exchange.services_ingest import records_ingest

    row = {"subject_key": subject_key, "year": 2025, "annual_income": amount}
    load = records_ingest(
        actor=None,
        resource=regs.resources["income_tax"],
        stream=io.BytesIO(json.dumps([row]).encode()),
        file_format="json",
        source=Load.Source.SEED,
    )
    assert load.status == Load.Status.LOADED and load.rows_updated == 1

"""Cases under supervision: an accepted case of 住建局 with its review task open."""

from __future__ import annotations

import datetime as dt

import pytest

from govhall.accounts.tests.factories import StaffFactory
from govhall.cases.models import Task
from govhall.cases.tests.factories import case_accepted, online_item
from govhall.catalog.models import Responsibility
from govhall.organizations.models import Region
from govhall.organizations.tests.factories import DepartmentFactory, RegionFactory


@pytest.fixture
def item(housing_department):
    version = online_item(housing_department)
    Responsibility.objects.create(
        version=version,
        order=9,
        matter="审查责任",
        situations="超过法定期限办理或者逾期不作决定的",
        accountable_body="市监察委员会",
        basis="《中华人民共和国行政许可法》第七十四条",
        liability="责令改正,对直接负责的主管人员依法给予处分",
    )
    return version


@pytest.fixture
def case(applicant, clerk, item):
    return case_accepted(applicant, clerk, item)


@pytest.fixture
def task(case):
    return Task.objects.get(case=case, state=Task.State.OPEN)


def shift(task: Task, *, opened: dt.date, due: dt.date) -> Task:
    """Move a task's dates (and its case's clock) so that tests need no frozen time."""
    Task.objects.filter(pk=task.pk).update(
        opened_at=dt.datetime.combine(opened, dt.time(10), tzinfo=dt.UTC), due_date=due
    )
    task.case.__class__.objects.filter(pk=task.case_id).update(clock_start=opened, due_date=due)
    task.refresh_from_db()
    return task


@pytest.fixture
def district_supervisor(db):
    """A supervisor of 谯城区 (341602), a district of the city."""
    region = Region.objects.get_or_create(
        code="341602000000",
        defaults={"name": "谯城区", "level": Region.Level.COUNTY, "parent": RegionFactory()},
    )[0]
    department = DepartmentFactory(name="谯城区数据资源管理局", region=region)
    return StaffFactory(username="qc_supervisor", department=department, posts=["supervision"])


@pytest.fixture
def swept(task):
    """The review task ten working days overdue and swept: reminder, yellow and red cards of the
    task and of the case, one accountability record (one breach of the department)."""
    from govhall.supervision.sweep import supervision_sweep

    shift(task, opened=dt.date(2026, 3, 2), due=dt.date(2026, 3, 16))
    supervision_sweep(today=dt.date(2026, 4, 15))
    return task

"""A department that runs a step of another department's procedure (a 街道 reviewing a 公租房 case
of the district's 住建局) reads the registries under the grants of the case's department; a
countersign participant reads under its own."""

from __future__ import annotations

import pytest

from govhall.accounts.tests.factories import StaffFactory
from govhall.cases.tests.factories import task_open
from govhall.exchange.purposes import PurposeRefused, purpose_resolve
from govhall.organizations.tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db


def test_a_step_of_the_cases_procedure_reads_under_the_case_departments_grants(case):
    street = DepartmentFactory(name="花戏楼街道办事处")
    task_open(case, street, kind="review", lead=True)
    reviewer = StaffFactory(department=street, posts=["review"])
    purpose = purpose_resolve(actor=reviewer, reference=case.number)
    assert purpose.department_id == street.pk
    assert purpose.grants_of == case.department_id


def test_a_countersign_participant_reads_under_its_own_grants(case):
    police = DepartmentFactory(name="公安局")
    task_open(case, police, kind="countersign", lead=False)
    reviewer = StaffFactory(department=police, posts=["review"])
    purpose = purpose_resolve(actor=reviewer, reference=case.number)
    assert purpose.grants_of == police.pk


def test_the_case_department_reads_under_its_own_and_others_are_refused(case, clerk):
    assert purpose_resolve(actor=clerk, reference=case.number).grants_of == case.department_id
    stranger = StaffFactory(department=DepartmentFactory(name="薛阁街道办事处"), posts=["review"])
    with pytest.raises(PurposeRefused):
        purpose_resolve(actor=stranger, reference=case.number)

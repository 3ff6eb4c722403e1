"""The eligibility explanation in a case's one-click verification: shown for the items a rule set
judges, under the case number and the parameters of the case's application date; not for other
items; refused like the verification itself."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from govhall.accounts.tests.factories import StaffFactory
from govhall.analytics.tests.conftest import at
from govhall.analytics.tests.rules_factories import household_put, parameters_make, registries_make
from govhall.cases.models import Case
from govhall.cases.tests.factories import case_submitted, online_item
from govhall.exchange.models import AccessLogEntry
from govhall.organizations.tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db
FAMILY = {
    "家庭人数": "3",
    "各成员年收入(元)": "40000;30000;0",
    "房产面积(平方米;按证)": "40",
    "车辆购置价(元)": "80000",
    "企业注册资本(元)": "",
    "户籍地区码": "341602",
    "社保缴费月数": "0",
    "已享受公租房保障的成员(第几人:轮候/承租)": "",
}


@pytest.fixture
def regs(clerk):
    parameters_make()
    return registries_make(clerk.department)


@pytest.fixture
def case(regs, applicant, housing_department):
    household_put(regs, FAMILY, applicant=applicant.id_number)
    return case_submitted(applicant, online_item(housing_department))


def panel(client, case: Case) -> str:
    url = reverse("cases:case_verify", args=[case.number])
    response = client.get(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return response.text


def test_a_rule_set_item_shows_the_explanation(client_as, case, clerk):
    text = panel(client_as(clerk), case)
    assert "资格条件核验:公共租赁住房保障资格" in text
    assert 'data-outcome="eligible"' in text
    for code in ("income", "housing", "vehicle", "business", "residence", "not_housed"):
        assert f'data-condition="{code}" data-status="pass"' in text
    assert "家庭成员未享受公共租赁住房保障" in text
    assert "23333.33" in text  # (40,000 + 30,000) / 3 members
    assert "不动产登记信息" in text  # a source record
    entry = AccessLogEntry.objects.filter(purpose_reference=case.number).latest("seq")
    assert entry.outcome == AccessLogEntry.Outcome.GRANTED


def test_the_case_keeps_its_application_dates_parameters(client_as, case, clerk):
    parameters_make(dt.date.today() - dt.timedelta(days=10), income_per_capita_max=20000)
    assert 'data-condition="income" data-status="fail"' in panel(client_as(clerk), case)
    Case.objects.filter(pk=case.pk).update(received_at=at("2025-01-06"))
    text = panel(client_as(clerk), case)
    assert 'data-condition="income" data-status="pass"' in text
    assert "2025-01-06" in text


def test_a_household_already_housed_fails_the_condition(client_as, regs, applicant, clerk):
    household_put(
        regs,
        FAMILY | {"已享受公租房保障的成员(第几人:轮候/承租)": "2:承租"},
        applicant=applicant.id_number,
    )
    case = case_submitted(applicant, online_item(regs.department))
    text = panel(client_as(clerk), case)
    assert 'data-condition="not_housed" data-status="fail"' in text
    assert 'data-outcome="ineligible"' in text


def test_another_item_shows_none(client_as, regs, applicant, clerk):
    household_put(regs, FAMILY, applicant=applicant.id_number)
    other = online_item(regs.department, name="建筑工程施工许可证核发")
    text = panel(client_as(clerk), case_submitted(applicant, other))
    assert "资格条件核验" not in text


def _task(case: Case, department, *, kind: str, lead: bool):
    from govhall.cases.tests.factories import task_open

    return task_open(case, department, kind=kind, lead=lead)


def test_a_step_department_reads_under_the_case_departments_grants(client_as, case):
    street = DepartmentFactory(name="花戏楼街道办事处", short_name="花戏楼街道")
    _task(case, street, kind="review", lead=True)
    street_reviewer = StaffFactory(username="street_reviewer", department=street, posts=["review"])
    text = panel(client_as(street_reviewer), case)
    assert 'data-outcome="eligible"' in text
    entry = AccessLogEntry.objects.filter(purpose_reference=case.number).latest("seq")
    assert entry.department_id == street.pk  # logged as the street's read


def test_a_countersign_department_without_grants_sees_the_refusal_in_the_section(client_as, case):
    police = DepartmentFactory(name="亳州市公安局治安支队")
    _task(case, police, kind="countersign", lead=False)
    police_reviewer = StaffFactory(username="police_reviewer", department=police, posts=["review"])
    text = panel(client_as(police_reviewer), case)
    assert "资格条件核验" in text
    assert "没有这些信息资源的有效共享授权" in text
    assert 'data-outcome="' not in text


def test_the_wrong_persona_is_refused(client_as, case, other_clerk, applicant):
    url = reverse("cases:case_verify", args=[case.number])
    assert client_as(other_clerk).get(url, HTTP_HX_REQUEST="true").status_code == 404
    assert client_as(applicant).get(url).status_code in (302, 403, 404)
    assert not AccessLogEntry.objects.filter(
        purpose_reference=case.number, outcome=AccessLogEntry.Outcome.GRANTED
    ).exists()

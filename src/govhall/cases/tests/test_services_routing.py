"""Steps routed to the applicant's community (@village) and street (@township): the tasks go
there, their staff see and work the case, other departments do not, and a residence without a
department falls back to the item's department (recorded in the history)."""

from __future__ import annotations

import pytest

from govhall.cases import selectors
from govhall.cases import services_actions as actions
from govhall.cases.models import Case, CaseEvent, Task
from govhall.cases.routing import region_ancestor
from govhall.cases.selectors import CaseFilters
from govhall.cases.tests.publicity_fixtures import OTHER_VILLAGE, VILLAGE, submit
from govhall.cases.workflow import process_check
from govhall.core import errors
from govhall.exchange.models import AccessLogEntry
from govhall.exchange.tests.factories import population_resource, record_put

pytestmark = pytest.mark.django_db


def _open_task(case: Case) -> Task:
    return case.tasks.get(state=Task.State.OPEN)


def test_region_ancestor_follows_parents_to_the_level(regions):
    assert region_ancestor(VILLAGE, 5).code == "341602001000"
    assert region_ancestor(VILLAGE, 4).code == "341602000000"
    assert region_ancestor(VILLAGE, 6).code == VILLAGE
    assert region_ancestor("341602009009", 5) is None  # not loaded
    assert region_ancestor("", 5) is None


def test_case_goes_to_community_then_street_then_the_items_department(
    applicant, routed_item, community_clerk, street_reviewer, reviewer, approver, clerk
):
    case = submit(applicant, routed_item)
    assert case.residence_code == VILLAGE
    assert _open_task(case).department_id == community_clerk.department_id
    submit_event = case.events.get(action="submit")
    assert submit_event.data["route"] == "@village" and submit_event.data["fallback"] is False

    with pytest.raises(errors.PermissionDenied):  # the item's own clerk does not accept it
        actions.case_accept(actor=clerk, case=case)
    case = actions.case_accept(actor=community_clerk, case=case)
    assert _open_task(case).department_id == street_reviewer.department_id
    assert case.events.get(action="accept").data["department"] == "花戏楼街道办事处"

    case = actions.case_decide(actor=street_reviewer, case=case, approve=True, opinion="核实")
    task = _open_task(case)
    assert (task.step, task.department_id) == ("district", reviewer.department_id)
    case = actions.case_decide(actor=reviewer, case=case, approve=True)
    case = actions.case_decide(actor=approver, case=case, approve=True)
    assert case.status == Case.Status.APPROVED


def test_routed_departments_see_the_case_and_others_do_not(
    applicant,
    routed_item,
    community_clerk,
    street_reviewer,
    other_community_clerk,
    other_clerk,
    clerk,
):
    case = submit(applicant, routed_item)
    for staff in (community_clerk, clerk):
        assert selectors.case_get(actor=staff, number=case.number) == case
    for staff in (street_reviewer, other_community_clerk, other_clerk):
        with pytest.raises(errors.NotFound):
            selectors.case_get(actor=staff, number=case.number)
        assert not selectors.case_list(actor=staff, filters=CaseFilters(scope="joint")).exists()
    joint = selectors.case_list(actor=community_clerk, filters=CaseFilters(scope="joint"))
    assert list(joint) == [case]
    assert [t.case_id for t in selectors.task_list(actor=community_clerk)] == [case.pk]

    case = actions.case_accept(actor=community_clerk, case=case)
    assert selectors.case_get(actor=street_reviewer, number=case.number) == case
    assert [t.case_id for t in selectors.task_list(actor=street_reviewer)] == [case.pk]
    with pytest.raises(errors.NotFound):
        selectors.case_get(actor=other_community_clerk, number=case.number)


def test_no_department_at_the_level_falls_back_to_the_items_department(
    applicant, routed_item, clerk, regions
):
    case = submit(applicant, routed_item, residence=OTHER_VILLAGE)  # 新华社区: no department
    task = _open_task(case)
    assert task.department_id == clerk.department_id
    data = case.events.get(action="submit").data
    assert data["fallback"] is True and data["residence"] == OTHER_VILLAGE
    case = actions.case_accept(actor=clerk, case=case)  # the item's clerk works it
    assert case.status == Case.Status.PROCESSING


def test_unknown_residence_region_falls_back_without_crashing(applicant, routed_item, clerk):
    case = submit(applicant, routed_item, residence="341699999999")
    assert _open_task(case).department_id == clerk.department_id
    assert case.events.get(action="submit").data["fallback"] is True


def test_residence_is_read_from_the_population_registry_when_the_form_has_none(
    applicant, housing_department, regions, community_clerk
):
    from govhall.cases.tests.factories import online_item
    from govhall.cases.tests.publicity_fixtures import ITEM_NAME, routed_process

    population = population_resource()
    record_put(population, applicant.id_number, {"name": applicant.name, "region_code": VILLAGE})
    version = online_item(housing_department, name=ITEM_NAME, process=routed_process())
    case = submit(applicant, version, residence=None)
    assert case.residence_code == VILLAGE
    assert _open_task(case).department_id == community_clerk.department_id
    entry = AccessLogEntry.objects.get(purpose_reference=case.number)
    assert entry.channel == AccessLogEntry.Channel.SYSTEM and entry.actor is None


def test_process_check_accepts_routes_and_refuses_unknown_ones():
    base = {"code": "accept", "kind": "accept", "post": "acceptance", "days": 1}
    decide = {"code": "decide", "kind": "decide", "post": "approval", "days": 1}
    for route in ("@village", "@township", "@county"):
        process_check({"steps": [{**base, "department": route}, decide]})
    with pytest.raises(errors.ValidationError) as refused:
        process_check({"steps": [{**base, "department": "@province"}, decide]})
    assert "process.steps.0.department" in refused.value.fields


def test_history_event_counts_stay_unique(applicant, routed_item, community_clerk):
    case = submit(applicant, routed_item)
    actions.case_accept(actor=community_clerk, case=case)
    seqs = list(CaseEvent.objects.filter(case=case).values_list("seq", flat=True))
    assert len(seqs) == len(set(seqs))


def test_county_step_prefers_the_branch_of_the_items_department(
    applicant, housing_department, regions, community_clerk
):
    from govhall.accounts.tests.factories import StaffFactory
    from govhall.cases.tests.factories import online_item
    from govhall.cases.tests.publicity_fixtures import ITEM_NAME, residence_form
    from govhall.organizations.tests.factories import DepartmentFactory

    DepartmentFactory(name="谯城区公安分局", region=regions["county"])
    branch = DepartmentFactory(
        name="谯城区住建局", region=regions["county"], parent=housing_department
    )
    district_reviewer = StaffFactory(username="qc_reviewer", department=branch, posts=["review"])
    process = {
        "steps": [
            {"code": "accept", "kind": "accept", "post": "acceptance", "days": 1,
             "department": "@village"},
            {"code": "district", "kind": "review", "post": "review", "days": 3,
             "department": "@county"},
            {"code": "decide", "kind": "decide", "post": "approval", "days": 1},
        ]
    }  # fmt: skip
    version = online_item(
        housing_department, name=ITEM_NAME, process=process, form=residence_form()
    )
    case = actions.case_accept(actor=community_clerk, case=submit(applicant, version))
    assert _open_task(case).department_id == district_reviewer.department_id


def test_county_step_without_a_branch_falls_back_to_the_items_department(
    applicant, housing_department, regions, community_clerk, reviewer
):
    from govhall.cases.tests.factories import online_item
    from govhall.cases.tests.publicity_fixtures import ITEM_NAME, residence_form
    from govhall.organizations.tests.factories import DepartmentFactory

    DepartmentFactory(name="谯城区公安分局", region=regions["county"])  # not the item's line
    process = {
        "steps": [
            {"code": "accept", "kind": "accept", "post": "acceptance", "days": 1,
             "department": "@village"},
            {"code": "district", "kind": "review", "post": "review", "days": 3,
             "department": "@county"},
            {"code": "decide", "kind": "decide", "post": "approval", "days": 1},
        ]
    }  # fmt: skip
    version = online_item(
        housing_department, name=ITEM_NAME, process=process, form=residence_form()
    )
    case = actions.case_accept(actor=community_clerk, case=submit(applicant, version))
    assert _open_task(case).department_id == reviewer.department_id
    assert case.events.get(action="accept").data["fallback"] is True

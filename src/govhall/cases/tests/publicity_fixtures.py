"""Fixtures of the routed, publicised process (community → street → district → 公示 → 决定):
regions down to a village, a community and a street department with their staff, and an item
of 住建局 whose first steps go to the applicant's community and street.

Imported by the routing and publicity tests (``from .publicity_fixtures import *``)."""

from __future__ import annotations

import pytest

from govhall.accounts.tests.factories import StaffFactory
from govhall.cases.formdef_default import default_formdef
from govhall.cases.services_submit import application_submit
from govhall.cases.tests.factories import FORM, application_complete, application_draft
from govhall.cases.tests.factories import online_item as _online_item
from govhall.organizations.models import Region
from govhall.organizations.tests.factories import DepartmentFactory, RegionFactory

VILLAGE = "341602001001"
OTHER_VILLAGE = "341602001002"
ITEM_NAME = "公示测试事项"


def routed_process(*, publicity: bool = False, deny_target: str | None = "decide") -> dict:
    steps = [
        {"code": "accept", "kind": "accept", "name": "社区受理", "post": "acceptance",
         "days": 3, "department": "@village"},
        {"code": "street", "kind": "review", "name": "街道审核", "post": "review", "days": 5,
         "department": "@township"},
        {"code": "district", "kind": "review", "name": "区级审核", "post": "review", "days": 5},
    ]  # fmt: skip
    if publicity:
        step = {"code": "publicity", "kind": "publicity", "name": "公示", "post": "approval",
                "days": 5}  # fmt: skip
        if deny_target != "decide":
            step["next"] = {"deny": deny_target}
        steps.append(step)
    steps += [
        {"code": "decide", "kind": "decide", "name": "区级审批", "post": "approval", "days": 2},
        {"code": "issue", "kind": "issue", "name": "发证", "post": "acceptance", "days": 1},
    ]
    return {"steps": steps}


def residence_form() -> dict:
    form = default_formdef(item_name=ITEM_NAME, target="1")
    form["sections"][0]["fields"].append(
        {"key": "residence_region", "label": "居住地(村/社区)", "type": "region",
         "required": True}
    )  # fmt: skip
    return form


def submit(applicant, version, residence: str | None = VILLAGE):
    form = {**FORM, "applicant": {**FORM["applicant"]}}
    if residence is not None:
        form["applicant"]["residence_region"] = residence
    application = application_complete(applicant, application_draft(applicant, version), form)
    return application_submit(actor=applicant, application=application)


@pytest.fixture
def regions(db):
    city = RegionFactory()
    county = RegionFactory(
        code="341602000000", name="谯城区", level=Region.Level.COUNTY, parent=city
    )
    street = RegionFactory(
        code="341602001000", name="花戏楼街道", level=Region.Level.TOWNSHIP, parent=county
    )
    village = RegionFactory(
        code=VILLAGE, name="白布社区", level=Region.Level.VILLAGE, parent=street
    )
    other = RegionFactory(
        code=OTHER_VILLAGE, name="新华社区", level=Region.Level.VILLAGE, parent=street
    )
    return {"county": county, "street": street, "village": village, "other": other}


@pytest.fixture
def community(regions):
    return DepartmentFactory(name="白布社区居委会", region=regions["village"])


@pytest.fixture
def other_community(regions):
    return DepartmentFactory(name="新华社区居委会", region=regions["other"])


@pytest.fixture
def street_office(regions):
    return DepartmentFactory(name="花戏楼街道办事处", region=regions["street"])


@pytest.fixture
def community_clerk(community):
    return StaffFactory(username="sq_clerk", department=community, posts=["acceptance"])


@pytest.fixture
def other_community_clerk(other_community):
    return StaffFactory(username="xh_clerk", department=other_community, posts=["acceptance"])


@pytest.fixture
def street_reviewer(street_office):
    return StaffFactory(username="jd_reviewer", department=street_office, posts=["review"])


@pytest.fixture
def routed_item(housing_department, regions):
    return _online_item(
        housing_department, name=ITEM_NAME, process=routed_process(), form=residence_form()
    )


@pytest.fixture
def publicity_item(housing_department, regions):
    return _online_item(
        housing_department,
        name=ITEM_NAME,
        process=routed_process(publicity=True),
        form=residence_form(),
    )

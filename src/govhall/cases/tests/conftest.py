"""Personas and cases shared by the cases tests (personas themselves: src/govhall/conftest.py)."""

from __future__ import annotations

import pytest

from govhall.accounts.tests.factories import StaffFactory
from govhall.cases.tests.factories import case_submitted, online_item
from govhall.organizations.tests.factories import DepartmentFactory


@pytest.fixture
def item(housing_department):
    """A published online item of 住建局: acceptance (1 day), review (5), approval (4)."""
    return online_item(housing_department)


@pytest.fixture
def case(applicant, item):
    return case_submitted(applicant, item)


@pytest.fixture
def fire_department(db):
    return DepartmentFactory(name="亳州市消防救援支队", short_name="消防")


@pytest.fixture
def fire_reviewer(fire_department):
    return StaffFactory(username="xf_reviewer", department=fire_department, posts=["review"])


@pytest.fixture
def police_reviewer(police_department):
    return StaffFactory(username="gaj_reviewer", department=police_department, posts=["review"])


@pytest.fixture
def joint_item(housing_department, police_department, fire_department):
    """An item whose review is followed by parallel approval (并联审批) by 公安局 and 消防."""
    process = {
        "steps": [
            {"code": "accept", "kind": "accept", "name": "受理", "post": "acceptance", "days": 1},
            {"code": "review", "kind": "review", "name": "审核", "post": "review", "days": 3},
            {
                "code": "joint",
                "kind": "countersign",
                "name": "并联审批",
                "post": "review",
                "days": 3,
                "departments": [police_department.uscc, fire_department.uscc],
            },
            {"code": "decide", "kind": "decide", "name": "决定", "post": "approval", "days": 2},
            {"code": "issue", "kind": "issue", "name": "办结送达", "post": "acceptance", "days": 1},
        ]
    }
    return online_item(housing_department, process=process)


# Regions down to a village, a community and a street with their staff, routed items (公示).
from govhall.cases.tests.publicity_fixtures import (  # noqa: E402, F401
    community,
    community_clerk,
    other_community,
    other_community_clerk,
    publicity_item,
    regions,
    routed_item,
    street_office,
    street_reviewer,
)

"""Completed cases, the hotline desk and a bad review for the interaction tests."""

from __future__ import annotations

import pytest

from govhall.accounts.tests.factories import StaffFactory
from govhall.cases import services_actions as actions
from govhall.cases.tests.factories import case_submitted, online_item
from govhall.interaction import services_evaluation as evaluations


@pytest.fixture
def item(housing_department):
    return online_item(housing_department)


@pytest.fixture
def submitted_case(applicant, item):
    return case_submitted(applicant, item)


@pytest.fixture
def completed_case(submitted_case, clerk, reviewer, approver):
    case = actions.case_accept(actor=clerk, case=submitted_case)
    case = actions.case_decide(actor=reviewer, case=case, approve=True, opinion="符合条件")
    case = actions.case_decide(actor=approver, case=case, approve=True, opinion="准予")
    return actions.case_complete(actor=clerk, case=case)


@pytest.fixture
def hotline(supervisor):
    """12345 desk: the acceptance post of 亳州市数据资源管理局 (GOVHALL_HOTLINE_DEPARTMENTS)."""
    return StaffFactory(username="hotline", department=supervisor.department, posts=["acceptance"])


@pytest.fixture
def bad_review(applicant, completed_case):
    return evaluations.evaluation_create(
        actor=applicant, case=completed_case, grade="very_dissatisfied", text="态度差"
    )

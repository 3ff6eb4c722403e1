"""Assigning a task to one person: the department's approver picks a holder of the post; the task
then leaves the others' queues; only staff of that department and post may be chosen."""

from __future__ import annotations

import pytest
from django.urls import reverse

from govhall.accounts.tests.factories import StaffFactory
from govhall.cases import selectors, services_actions
from govhall.cases.services_tasks import task_assign
from govhall.core import errors
from govhall.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_reviewer(housing_department):
    return StaffFactory(username="zjj_reviewer2", department=housing_department, posts=["review"])


def test_approver_assigns_a_task_and_only_the_assignee_sees_it(
    case, clerk, reviewer, second_reviewer, approver
):
    case = services_actions.case_accept(actor=clerk, case=case)
    review = case.tasks.get(state="open")
    task_assign(actor=approver, case=case, task_id=review.pk, assignee=second_reviewer.username)
    assert selectors.task_list(actor=second_reviewer).filter(pk=review.pk).exists()
    assert not selectors.task_list(actor=reviewer).filter(pk=review.pk).exists()
    with pytest.raises(errors.PermissionDenied):
        services_actions.case_decide(actor=reviewer, case=case, approve=True)
    assert Notification.objects.filter(recipient=second_reviewer, event="task.assigned").exists()
    assert case.events.filter(action="assign").exists()


def test_only_the_approver_assigns_and_only_to_a_holder_of_the_post(
    case, clerk, reviewer, approver, other_clerk
):
    case = services_actions.case_accept(actor=clerk, case=case)
    review = case.tasks.get(state="open")
    with pytest.raises(errors.PermissionDenied):
        task_assign(actor=reviewer, case=case, task_id=review.pk, assignee=reviewer.username)
    for stranger in (clerk.username, other_clerk.username):
        with pytest.raises(errors.ValidationError):
            task_assign(actor=approver, case=case, task_id=review.pk, assignee=stranger)


def test_assignment_through_the_api_and_the_workbench(
    client_for, client_as, case, clerk, reviewer, approver, other_clerk
):
    case = services_actions.case_accept(actor=clerk, case=case)
    review = case.tasks.get(state="open")
    url = f"/api/v1/cases/{case.number}/tasks/{review.pk}/assign"
    assert client_for(other_clerk).post(url, {"assignee": ""}).status_code == 404
    assert client_for(reviewer).post(url, {"assignee": reviewer.username}).status_code == 403
    answer = client_for(approver).post(url, {"assignee": reviewer.username})
    assert answer.status_code == 200 and answer.json()["assignee"] == reviewer.username
    page = client_as(approver).post(
        reverse("cases:case_assign", args=[case.number, review.pk]), {"assignee": ""}
    )
    assert page.status_code == 302
    review.refresh_from_db()
    assert review.assignee_id is None

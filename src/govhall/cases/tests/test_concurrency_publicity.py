"""Two workers closing the same public notices at once: each notice is closed once, the case
moves once."""

from __future__ import annotations

import datetime as dt

import pytest

from govhall.cases import services_actions as actions
from govhall.cases.models import CaseEvent, PublicityNotice
from govhall.cases.services_publicity import publicity_close_due
from govhall.cases.tests.publicity_fixtures import submit
from govhall.cases.tests.test_concurrency import _race

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("flushed_db_posts")]


def test_two_job_runs_at_once_close_each_notice_once(
    applicant, publicity_item, community_clerk, street_reviewer, reviewer
):
    case = submit(applicant, publicity_item)
    case = actions.case_accept(actor=community_clerk, case=case)
    case = actions.case_decide(actor=street_reviewer, case=case, approve=True)
    case = actions.case_decide(actor=reviewer, case=case, approve=True)
    after = case.publicity.get().ends_on + dt.timedelta(days=1)
    results = _race(
        lambda: publicity_close_due(today=after), lambda: publicity_close_due(today=after)
    )
    assert sorted(results) == [0, 1], results
    assert PublicityNotice.objects.get(case=case).state == PublicityNotice.State.CLOSED
    assert CaseEvent.objects.filter(case=case, action="publicity-end").count() == 1
    assert CaseEvent.objects.filter(case=case, action="step", step="decide").count() == 1

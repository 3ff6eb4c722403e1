"""The interaction demo loader on whatever completed cases exist."""

from __future__ import annotations

import pytest

from govhall.cases import services_actions as actions
from govhall.cases.tests.factories import case_submitted
from govhall.interaction import demo
from govhall.interaction.models import Evaluation, Faq, Rectification, Ticket

pytestmark = pytest.mark.django_db


def _complete(applicant, item, clerk, reviewer, approver):
    case = actions.case_accept(actor=clerk, case=case_submitted(applicant, item))
    case = actions.case_decide(actor=reviewer, case=case, approve=True, opinion="符合")
    case = actions.case_decide(actor=approver, case=case, approve=True, opinion="准予")
    return actions.case_complete(actor=clerk, case=case)


def test_loader_rates_rectifies_and_asks_once(
    monkeypatch, applicant, other_applicant, item, clerk, reviewer, approver, hotline, settings
):
    settings.GOVHALL_HOUSING_ONE_APPLICATION = False  # several cases of one applicant
    monkeypatch.setattr(demo, "RATED_SHARE", 1.0)
    monkeypatch.setattr(demo, "BAD_EVERY", 2)
    for person in (applicant, other_applicant, applicant, other_applicant, applicant):
        _complete(person, item, clerk, reviewer, approver)
    created, changed = demo.interaction_demo_load()
    assert created > 0 and changed == 0
    assert Evaluation.objects.count() == 5
    states = sorted(Rectification.objects.values_list("state", flat=True))
    assert states == ["closed", "open", "open"]
    assert Rectification.objects.filter(verified_at__isnull=False).count() == 2
    closed = Rectification.objects.get(state="closed")
    assert closed.called_back_at is not None and closed.outcome == "fix_now"
    assert Ticket.objects.filter(kind="enquiry").count() == 3
    assert Ticket.objects.filter(kind="complaint", source="hotline").count() == 1
    assert Ticket.objects.filter(kind="complaint", case__isnull=False).count() == 1
    assert Faq.objects.count() == 1
    assert demo.interaction_demo_load() == (0, 0)


def test_loader_without_cases_still_makes_tickets(applicant, clerk):
    created, _ = demo.interaction_demo_load()
    assert not Evaluation.objects.exists()
    assert created == Ticket.objects.count() == 3

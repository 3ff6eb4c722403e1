"""Two clerks clicking at once, a clerk and a withdrawal, two submissions of one application:
one outcome, a clear 409 for the other, no transition lost or doubled."""

from __future__ import annotations

import threading

import pytest
from django.db import close_old_connections

from govhall.cases import services_actions, services_submit
from govhall.cases.models import Case, CaseEvent
from govhall.cases.tests.factories import application_complete, application_draft, case_submitted
from govhall.core import errors

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("flushed_db_posts")]


def _race(*calls) -> list[object]:
    results: list[object] = [None] * len(calls)
    barrier = threading.Barrier(len(calls))

    def run(index: int, call) -> None:
        try:
            barrier.wait()
            results[index] = call()
        except Exception as error:
            results[index] = error
        finally:
            close_old_connections()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_two_clerks_accepting_at_once_make_one_transition(applicant, item, clerk):
    case = case_submitted(applicant, item)
    results = _race(
        lambda: services_actions.case_accept(actor=clerk, case=Case(pk=case.pk)),
        lambda: services_actions.case_accept(actor=clerk, case=Case(pk=case.pk)),
    )
    assert sum(isinstance(r, Case) for r in results) == 1
    assert sum(isinstance(r, errors.Conflict) for r in results) == 1
    assert CaseEvent.objects.filter(case_id=case.pk, action="accept").count() == 1


def test_refusal_racing_a_withdrawal_has_one_winner(applicant, item, clerk):
    case = case_submitted(applicant, item)
    results = _race(
        lambda: services_actions.case_refuse(actor=clerk, case=Case(pk=case.pk), reasons=["x"]),
        lambda: services_actions.case_withdraw(actor=applicant, case=Case(pk=case.pk)),
    )
    assert sum(isinstance(r, Case) for r in results) == 1, results
    assert sum(isinstance(r, errors.Conflict) for r in results) == 1, results
    final = Case.objects.get(pk=case.pk)
    assert final.status in {Case.Status.REFUSED, Case.Status.WITHDRAWN}
    assert CaseEvent.objects.filter(case_id=case.pk).count() == 2


def test_concurrent_submissions_of_one_application_create_one_case(applicant, item):
    application = application_complete(applicant, application_draft(applicant, item))
    results = _race(
        *[lambda: services_submit.application_submit(actor=applicant, application=application)] * 3
    )
    numbers = {r.number for r in results if isinstance(r, Case)}
    assert len(numbers) == 1, results and Case.objects.count() == 1


def test_accept_racing_a_withdrawal_of_the_same_revision_has_one_winner(applicant, item, clerk):
    """Both saw revision 1 (待受理): whichever commits first wins; the other gets a 409 instead
    of withdrawing a case the applicant never saw accepted, or accepting a withdrawn one."""
    case = case_submitted(applicant, item)
    seen = Case.objects.get(pk=case.pk).revision
    results = _race(
        lambda: services_actions.perform_action(
            actor=clerk, case=Case(pk=case.pk), action="accept", revision=seen
        ),
        lambda: services_actions.perform_action(
            actor=applicant, case=Case(pk=case.pk), action="withdraw", revision=seen
        ),
    )
    assert sum(isinstance(r, Case) for r in results) == 1, results
    assert sum(isinstance(r, errors.Conflict) for r in results) == 1, results
    final = Case.objects.get(pk=case.pk)
    assert final.status in {Case.Status.PROCESSING, Case.Status.WITHDRAWN}
    assert CaseEvent.objects.filter(case_id=case.pk).count() == 2

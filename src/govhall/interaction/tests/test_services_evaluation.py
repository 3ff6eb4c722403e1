"""好差评: who may rate, when, how often; bad reviews, their rectification; the invitation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from govhall.cases.models import Case
from govhall.core import errors
from govhall.core.calendar import add_working_days
from govhall.core.models import AuditEntry
from govhall.interaction import deadlines
from govhall.interaction import services_evaluation as svc
from govhall.interaction.models import Evaluation, Rectification
from govhall.interaction.services_invite import evaluations_invite
from govhall.notifications.models import Notification

pytestmark = pytest.mark.django_db
R = Rectification.State


def test_good_rating_is_recorded_without_rectification(applicant, completed_case):
    evaluation = svc.evaluation_create(
        actor=applicant, case=completed_case, grade="satisfied", text="很快", channel="mobile"
    )
    assert (evaluation.department_id, evaluation.item_id) == (
        completed_case.department_id,
        completed_case.item_id,
    )
    assert not Rectification.objects.exists()
    assert AuditEntry.objects.filter(action="evaluation_create").count() == 1


def test_someone_elses_case_is_not_found(other_applicant, clerk, completed_case):
    for actor in (other_applicant, clerk):
        with pytest.raises(errors.NotFound):
            svc.evaluation_create(actor=actor, case=completed_case, grade="satisfied")
    assert not Evaluation.objects.exists()


def test_rating_twice_conflicts_and_one_follow_up_is_allowed(applicant, completed_case):
    svc.evaluation_create(actor=applicant, case=completed_case, grade="basic")
    with pytest.raises(errors.Conflict):
        svc.evaluation_create(actor=applicant, case=completed_case, grade="satisfied")
    followup = svc.evaluation_create(
        actor=applicant, case=completed_case, grade="very_satisfied", followup=True
    )
    assert followup.is_followup
    with pytest.raises(errors.Conflict):
        svc.evaluation_create(
            actor=applicant, case=completed_case, grade="satisfied", followup=True
        )
    assert Evaluation.objects.filter(case=completed_case).count() == 2


def test_follow_up_needs_a_first_rating(applicant, completed_case):
    with pytest.raises(errors.Conflict):
        svc.evaluation_create(actor=applicant, case=completed_case, grade="basic", followup=True)


def test_rating_before_completion_conflicts(applicant, submitted_case):
    with pytest.raises(errors.Conflict):
        svc.evaluation_create(actor=applicant, case=submitted_case, grade="satisfied")


def test_rating_at_acceptance_is_a_separate_stage(applicant, submitted_case, clerk):
    with pytest.raises(errors.Conflict):
        svc.evaluation_create(
            actor=applicant, case=submitted_case, grade="satisfied", stage="acceptance"
        )
    from govhall.cases import services_actions

    case = services_actions.case_accept(actor=clerk, case=submitted_case)
    svc.evaluation_create(actor=applicant, case=case, grade="satisfied", stage="acceptance")
    with pytest.raises(errors.Conflict):  # completion stage still closed
        svc.evaluation_create(actor=applicant, case=case, grade="satisfied")


@pytest.mark.parametrize(
    ("grade", "channel", "text"),
    [("great", "pc", ""), ("satisfied", "fax", ""), ("satisfied", "pc", "长" * 2001)],
)
def test_bad_input_is_refused(applicant, completed_case, grade, channel, text):
    with pytest.raises(errors.ValidationError):
        svc.evaluation_create(
            actor=applicant, case=completed_case, grade=grade, channel=channel, text=text
        )


def test_bad_review_opens_rectification_and_notifies_department(
    bad_review, clerk, reviewer, other_clerk
):
    rectification = bad_review.rectification
    assert rectification.state == R.OPEN
    assert rectification.department_id == clerk.department_id
    assert rectification.due_date == add_working_days(rectification.opened_on, 5)
    notified = set(
        Notification.objects.filter(event="interaction.bad_review").values_list(
            "recipient_id", flat=True
        )
    )
    assert {clerk.pk, reviewer.pk} <= notified and other_clerk.pk not in notified


def test_rectification_deadline_follows_the_setting(settings, applicant, completed_case):
    settings.GOVHALL_RECTIFICATION_DAYS = 15
    evaluation = svc.evaluation_create(actor=applicant, case=completed_case, grade="dissatisfied")
    rect = evaluation.rectification
    assert rect.due_date == add_working_days(rect.opened_on, 15)


def test_bad_review_is_verified_called_back_and_closed(bad_review, clerk):
    rect = bad_review.rectification
    with pytest.raises(errors.Conflict):  # call back before verifying
        svc.rectification_callback(actor=clerk, rectification=rect, record="已联系")
    rect = svc.rectification_verify(actor=clerk, rectification=rect, finding="窗口解释不清")
    rect = svc.rectification_callback(
        actor=clerk, rectification=rect, record="无人接听", reached=False
    )
    assert rect.state == R.OPEN and "无人接听" in rect.callback_record
    rect = svc.rectification_callback(actor=clerk, rectification=rect, record="已致歉并说明")
    assert rect.state == R.CALLED_BACK and rect.called_back_by == clerk
    rect = svc.rectification_resolve(
        actor=clerk, rectification=rect, outcome="fix_now", text="已加强窗口培训"
    )
    assert rect.state == R.CLOSED and rect.closed_at is not None
    with pytest.raises(errors.Conflict):
        svc.rectification_resolve(actor=clerk, rectification=rect, outcome="explain", text="x")
    actions = AuditEntry.objects.filter(object_type="interaction.rectification")
    assert actions.count() == 4


def test_fix_by_deadline_stays_open_until_closed(bad_review, clerk):
    rect = svc.rectification_verify(
        actor=clerk, rectification=bad_review.rectification, finding="属实"
    )
    rect = svc.rectification_callback(actor=clerk, rectification=rect, record="已回访")
    with pytest.raises(errors.ValidationError):
        svc.rectification_resolve(
            actor=clerk, rectification=rect, outcome="fix_by_deadline", text="改流程"
        )
    due = timezone.localdate() + timedelta(days=30)
    rect = svc.rectification_resolve(
        actor=clerk, rectification=rect, outcome="fix_by_deadline", text="改流程", fix_due=due
    )
    assert rect.state == R.CALLED_BACK and rect.due_date == due
    assert list(deadlines.open_rectifications().values_list("id", flat=True)) == [rect.pk]
    rect = svc.rectification_close(actor=clerk, rectification=rect, text="流程已优化")
    assert rect.state == R.CLOSED
    assert not deadlines.open_rectifications().exists()


def test_appeal_is_decided_by_a_supervisor(bad_review, clerk, supervisor):
    rect = svc.rectification_verify(
        actor=clerk, rectification=bad_review.rectification, finding="不实"
    )
    rect = svc.rectification_callback(actor=clerk, rectification=rect, record="已回访")
    rect = svc.rectification_resolve(
        actor=clerk, rectification=rect, outcome="appeal", text="恶意差评"
    )
    assert rect.state == R.APPEALED
    with pytest.raises(errors.PermissionDenied):
        svc.rectification_review(actor=clerk, rectification=rect, upheld=True, reason="x")
    rect = svc.rectification_review(
        actor=supervisor, rectification=rect, upheld=False, reason="证据不足"
    )
    assert rect.state == R.CALLED_BACK and rect.outcome == ""
    with pytest.raises(errors.Conflict):  # no second appeal
        svc.rectification_resolve(actor=clerk, rectification=rect, outcome="appeal", text="再申诉")
    rect = svc.rectification_resolve(
        actor=clerk, rectification=rect, outcome="explain", text="已解释"
    )
    assert rect.state == R.CLOSED


def test_other_department_cannot_work_the_rectification(bad_review, other_clerk, applicant):
    for actor in (other_clerk, applicant):
        with pytest.raises(errors.PermissionDenied):
            svc.rectification_verify(
                actor=actor, rectification=bad_review.rectification, finding="x"
            )


def test_open_rows_have_the_contract_keys(bad_review):
    row = deadlines.open_rectifications().get()
    assert set(row) == set(deadlines.KEYS)
    assert row["case_id"] == bad_review.case_id and row["item_id"] == bad_review.item_id


def _age(case: Case, days: int) -> None:
    Case.objects.filter(pk=case.pk).update(closed_at=timezone.now() - timedelta(days=days))


def test_invitation_is_sent_once_to_unrated_cases(settings, applicant, completed_case):
    settings.GOVHALL_EVALUATION_INVITE_DAYS = 3
    assert evaluations_invite() == 0  # completed just now
    _age(completed_case, 4)
    assert evaluations_invite() > 0
    assert evaluations_invite() == 0  # idempotent
    sms = Notification.objects.get(event="interaction.invite", channel="sms")
    assert sms.recipient_id == applicant.pk
    assert f"/interaction/rate/{completed_case.number}/" in sms.body
    assert completed_case.query_password in sms.body


def test_rated_cases_are_not_invited(applicant, completed_case):
    _age(completed_case, 5)
    svc.evaluation_create(actor=applicant, case=completed_case, grade="satisfied")
    assert evaluations_invite() == 0


def test_deadline_sources_are_registered_with_supervision(bad_review):
    sources = pytest.importorskip("govhall.supervision.sources")
    registered = {source.name: source for source in sources.deadline_sources()}
    assert {"rectification", "enquiry", "complaint"} <= set(registered)
    rect = bad_review.rectification
    assert (
        registered["rectification"].url(rect.pk) == f"/interaction/manage/rectifications/{rect.pk}/"
    )
    assert [row["id"] for row in registered["rectification"].open_rows()] == [rect.pk]

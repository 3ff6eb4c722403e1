"""好差评: rating a case, and the rectification every bad review opens.

Rectification steps (each a service, audited): verify (核实) → call back (回访, with a record of the
call) → resolve with an outcome: fix now / explain (closed at once), fix by a deadline (closed by
``rectification_close`` once fixed), appeal (申诉复核: a supervisor upholds it, which closes the
rectification, or rejects it, which sends it back to the department for another outcome).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.accounts.models import User
from govhall.cases.models import Case
from govhall.core import errors
from govhall.core.audit import audit_record
from govhall.core.calendar import add_working_days
from govhall.interaction import permissions
from govhall.interaction.models import TEXT_MAX, Channel, Evaluation, Rectification, Satisfaction
from govhall.interaction.satisfaction import is_bad
from govhall.notifications.services import NotificationSpec, notification_enqueue_many

RATEABLE = frozenset({Case.Status.COMPLETED, Case.Status.DENIED})
R = Rectification.State


def clean_text(value: str | None, field: str, *, required: bool = False, limit: int = TEXT_MAX):
    """Strip; refuse (422) over ``limit`` characters, or empty when required."""
    text = (value or "").strip()
    if len(text) > limit:
        raise errors.ValidationError(
            _("内容不能超过%(limit)d个字。") % {"limit": limit},
            code="too_long",
            fields={field: [_("内容过长。")]},
        )
    if required and not text:
        raise errors.ValidationError(
            _("请填写内容。"), code="required", fields={field: [_("必填。")]}
        )
    return text


def _stage_open(case: Case, stage: str) -> bool:
    if stage == Evaluation.Stage.ACCEPTANCE:
        return case.accepted_at is not None and case.status != Case.Status.REFUSED
    return case.status in RATEABLE


def _choice(value: str, choices: Any, field: str) -> str:
    if value not in choices.values:
        raise errors.ValidationError(
            _("取值无效。"), code="invalid_choice", fields={field: [_("取值无效。")]}
        )
    return value


@transaction.atomic
def evaluation_create(
    *,
    actor: Any,
    case: Case,
    grade: str,
    text: str = "",
    channel: str = Channel.PC,
    stage: str = Evaluation.Stage.COMPLETION,
    followup: bool = False,
) -> Evaluation:
    """The applicant rates the case once per stage, plus one follow-up; a bad grade opens a
    rectification in the same transaction and tells the department."""
    grade = _choice(grade, Satisfaction, "grade")
    channel = _choice(channel, Channel, "channel")
    stage = _choice(stage, Evaluation.Stage, "stage")
    text = clean_text(text, "text")
    if not permissions.can_rate(actor, case):
        raise errors.NotFound(_("办件不存在。"), code="case_not_found")
    case = Case.objects.select_for_update().get(pk=case.pk)  # serializes two ratings of a case
    if not _stage_open(case, stage):
        raise errors.Conflict(_("办件尚未办结,暂不能评价。"), code="not_rateable")
    existing = set(
        Evaluation.objects.filter(case=case, stage=stage).values_list("is_followup", flat=True)
    )
    if followup and False not in existing:
        raise errors.Conflict(_("请先评价,再追加评价。"), code="no_first_rating")
    if followup in existing:
        message = _("您已追加评价过。") if followup else _("您已评价过该办件,可以追加评价一次。")
        raise errors.Conflict(message, code="already_rated")
    try:
        with transaction.atomic():
            evaluation = Evaluation.objects.create(
                case=case,
                applicant=actor,
                department_id=case.department_id,
                item_id=case.item_id,
                stage=stage,
                grade=grade,
                text=text,
                channel=channel,
                is_followup=followup,
            )
    except IntegrityError:
        raise errors.Conflict(_("您已评价过该办件。"), code="already_rated") from None
    rectification = _rectification_open(evaluation) if is_bad(grade) else None
    audit_record(
        actor=actor,
        action="evaluation_create",
        obj=evaluation,
        after={"case": case.number, "grade": grade, "stage": stage, "followup": followup},
        extra={"rectification": rectification.pk if rectification else None},
    )
    return evaluation


def rectification_due(opened_on: date) -> date:
    return add_working_days(opened_on, settings.GOVHALL_RECTIFICATION_DAYS)


def _rectification_open(evaluation: Evaluation) -> Rectification:
    today = timezone.localdate()
    rectification = Rectification.objects.create(
        evaluation=evaluation,
        case_id=evaluation.case_id,
        department_id=evaluation.department_id,
        opened_on=today,
        due_date=rectification_due(today),
    )
    _notify_department(rectification, evaluation)
    return rectification


def _notify_department(rectification: Rectification, evaluation: Evaluation) -> None:
    """In-site message (and SMS where a phone is known) to the department's staff."""
    staff = User.objects.filter(
        kind=User.Kind.STAFF, department_id=rectification.department_id, is_active=True
    ).only("id", "phone")
    body = _("办件%(number)s收到差评(%(grade)s),请于%(due)s前核实、回访并整改。") % {
        "number": evaluation.case.number,
        "grade": evaluation.get_grade_display(),
        "due": f"{rectification.due_date:%Y-%m-%d}",
    }
    notification_enqueue_many(
        NotificationSpec(
            event="interaction.bad_review",
            subject=_("差评整改"),
            body=body,
            recipient=user,
            link=reverse("interaction:manage_rectification", args=[rectification.pk]),
            related=f"rectification:{rectification.pk}",
            dedupe_key=f"rectification:{rectification.pk}:opened:{user.pk}",
        )
        for user in staff
    )


def _lock(rectification: Rectification) -> Rectification:
    return (
        Rectification.objects.select_for_update(of=("self",))
        .select_related("department")
        .get(pk=rectification.pk)
    )


def _require_worker(actor: Any, rectification: Rectification) -> None:
    if not permissions.can_work_rectification(actor, rectification):
        raise errors.PermissionDenied(_("只有被评价部门的工作人员可以处理整改。"))


def _require_state(rectification: Rectification, *states: str) -> None:
    if rectification.state not in states:
        raise errors.Conflict(_("整改当前状态不允许此操作。"), code="wrong_state")


def _audit(actor: Any, action: str, rectification: Rectification, **after: Any) -> None:
    audit_record(
        actor=actor, action=action, obj=rectification, after={"state": rectification.state, **after}
    )


@transaction.atomic
def rectification_verify(
    *, actor: Any, rectification: Rectification, finding: str
) -> Rectification:
    """核实: the department records what it found about the complaint."""
    finding = clean_text(finding, "finding", required=True)
    rectification = _lock(rectification)
    _require_worker(actor, rectification)
    _require_state(rectification, R.OPEN)
    if rectification.verified_at:
        raise errors.Conflict(_("已核实。"), code="already_verified")
    rectification.verified_at = timezone.now()
    rectification.verified_by = actor
    rectification.verification = finding
    rectification.save(update_fields=["verified_at", "verified_by", "verification", "updated_at"])
    _audit(actor, "rectification_verify", rectification)
    return rectification


@transaction.atomic
def rectification_callback(
    *, actor: Any, rectification: Rectification, record: str, reached: bool = True
) -> Rectification:
    """回访: the call to the person who rated, with its record. An unanswered call is recorded
    and the rectification stays open (call again)."""
    record = clean_text(record, "record", required=True)
    rectification = _lock(rectification)
    _require_worker(actor, rectification)
    _require_state(rectification, R.OPEN)
    if not rectification.verified_at:
        raise errors.Conflict(_("请先核实情况,再回访。"), code="not_verified")
    stamp = f"[{timezone.localtime():%Y-%m-%d %H:%M}] "
    rectification.callback_record = "\n".join(
        line for line in (rectification.callback_record, stamp + record) if line
    )
    rectification.callback_reached = reached
    if reached:
        rectification.state = R.CALLED_BACK
        rectification.called_back_at = timezone.now()
        rectification.called_back_by = actor
    rectification.save()
    _audit(actor, "rectification_callback", rectification, reached=reached)
    return rectification


@transaction.atomic
def rectification_resolve(
    *,
    actor: Any,
    rectification: Rectification,
    outcome: str,
    text: str,
    fix_due: date | None = None,
) -> Rectification:
    """整改: fix now or explain (closed), fix by a deadline (open until closed), or appeal."""
    outcome = _choice(outcome, Rectification.Outcome, "outcome")
    text = clean_text(text, "text", required=True)
    rectification = _lock(rectification)
    _require_worker(actor, rectification)
    _require_state(rectification, R.CALLED_BACK)
    if rectification.outcome and rectification.outcome != Rectification.Outcome.APPEAL:
        raise errors.Conflict(_("已确定整改方式。"), code="already_resolved")
    if outcome == Rectification.Outcome.APPEAL and rectification.appeal_upheld is False:
        raise errors.Conflict(_("申诉已被驳回,请整改或解释说明。"), code="appeal_rejected")
    rectification.outcome = outcome
    if outcome == Rectification.Outcome.FIX_BY_DEADLINE:
        if fix_due is None or fix_due < timezone.localdate():
            raise errors.ValidationError(
                _("请填写不早于今天的整改期限。"), fields={"fix_due": [_("无效日期。")]}
            )
        rectification.fix_due = fix_due
        rectification.due_date = max(fix_due, rectification.due_date)  # supervised from now on
        rectification.resolution = text
    elif outcome == Rectification.Outcome.APPEAL:
        rectification.state = R.APPEALED
        rectification.appeal_reason = text
    else:
        rectification.resolution = text
        rectification.state = R.CLOSED
        rectification.closed_at = timezone.now()
    rectification.save()
    _audit(actor, "rectification_resolve", rectification, outcome=outcome)
    return rectification


@transaction.atomic
def rectification_close(*, actor: Any, rectification: Rectification, text: str) -> Rectification:
    """限期整改完成: the department reports the fix done."""
    text = clean_text(text, "text", required=True)
    rectification = _lock(rectification)
    _require_worker(actor, rectification)
    _require_state(rectification, R.CALLED_BACK)
    if rectification.outcome != Rectification.Outcome.FIX_BY_DEADLINE:
        raise errors.Conflict(_("请先确定整改方式。"), code="not_resolved")
    rectification.resolution = f"{rectification.resolution}\n{text}".strip()
    rectification.state = R.CLOSED
    rectification.closed_at = timezone.now()
    rectification.save()
    _audit(actor, "rectification_close", rectification)
    return rectification


@transaction.atomic
def rectification_review(
    *, actor: Any, rectification: Rectification, upheld: bool, reason: str
) -> Rectification:
    """申诉复核: a supervisor decides the department's appeal."""
    reason = clean_text(reason, "reason", required=True)
    rectification = _lock(rectification)
    if not permissions.can_review_appeal(actor, rectification):
        raise errors.PermissionDenied(_("只有监察人员可以复核申诉。"))
    _require_state(rectification, R.APPEALED)
    rectification.appeal_upheld = upheld
    rectification.appeal_decision = reason
    if upheld:
        rectification.state = R.CLOSED
        rectification.closed_at = timezone.now()
    else:
        rectification.state = R.CALLED_BACK
        rectification.outcome = ""
    rectification.save()
    _audit(actor, "rectification_review", rectification, upheld=upheld)
    return rectification


def evaluation_create_by_password(
    *, number: str, password: str, grade: str, text: str = "", channel: str = Channel.QRCODE
) -> Evaluation:
    """The QR-code / SMS rating page: holding the case number and its query password is holding
    the applicant's receipt; the rating is the applicant's (404 for a wrong pair)."""
    case = Case.objects.select_related("applicant").filter(number=number).first()
    if case is None or not password or case.query_password != password:
        raise errors.NotFound(_("办件编号或查询密码不正确。"), code="case_not_found")
    return evaluation_create(
        actor=case.applicant, case=case, grade=grade, text=text, channel=channel
    )

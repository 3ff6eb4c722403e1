"""Public notice (公示): objections, their handling, and closing the notice when the period ends.

- ``objection_file``: a signed-in person objects while the notice runs; the staff who handle
  the step (its department and post) get an in-site message.
- ``objection_handle``: one of them upholds or dismisses it with a reply (audited); the objector
  is told by SMS and in-site message.
- ``publicity_close_due`` (job ``cases.publicity_close``, hourly): every notice whose last day
  has passed and which has no open objection is closed, in one query for the selection and one
  transaction per notice. The outcome is ``deny`` when an objection was upheld (the process goes
  to ``next.deny``, by default the decide step, where the approver decides 不予), else
  ``approve``. The notice's conditional update (open → closed) under the case's row lock makes
  a second run, or two runs at once, change nothing.
- ``publicity_decide_by_hand``: 同意 on a publicity step is refused while the period runs (409),
  and while objections are open; after that it closes the notice as the job would.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.accounts import permissions as account_permissions
from govhall.accounts.models import User
from govhall.cases import permissions
from govhall.cases.engine import case_lock, process_for, task_close, transition
from govhall.cases.models import Case, Objection, PublicityNotice, Task
from govhall.cases.notify import (
    PUBLICITY_RESULTS,
    notify_case,
    notify_objection_filed,
    notify_objection_handled,
)
from govhall.cases.services_actions import _advance
from govhall.core import errors
from govhall.core.audit import audit_record

MAX_TEXT = 2000
BATCH = 1000


def _text(value: str, what: str, field: str) -> str:
    text = (value or "").strip()
    if not text:
        raise errors.ValidationError(
            _("请填写%(what)s。") % {"what": what},
            code=f"{field}_required",
            fields={field: [_("必填")]},
        )
    return text[:MAX_TEXT]


def _handlers(notice: PublicityNotice) -> Any:
    return User.objects.filter(
        kind=User.Kind.STAFF,
        is_active=True,
        department_id=notice.department_id,
        posts__code=notice.post_id,
    ).only("id")


@transaction.atomic
def objection_file(*, actor: Any, notice_id: int, text: str) -> Objection:
    """异议: by a signed-in person, while the notice runs, once per person and notice."""
    if not permissions.can_object(actor):
        raise errors.PermissionDenied(
            _("请以实名认证的个人或法人账户登录后提出异议。"), code="cannot_object"
        )
    text = _text(text, _("异议的事实和理由"), "text")
    notice = (
        PublicityNotice.objects.select_for_update(of=("self",))
        .select_related("case")
        .filter(pk=notice_id)
        .exclude(state=PublicityNotice.State.CANCELLED)
        .first()
    )
    if notice is None:
        raise errors.NotFound(_("公示不存在。"), code="publicity_not_found")
    today = timezone.localdate()
    if notice.state != PublicityNotice.State.OPEN or not (
        notice.starts_on <= today <= notice.ends_on
    ):
        raise errors.Conflict(_("公示期已结束,不能再提出异议。"), code="publicity_ended")
    if notice.case.applicant_id == actor.pk:
        raise errors.ValidationError(_("不能对本人的公示提出异议。"), code="own_publicity")
    try:
        with transaction.atomic():
            objection = Objection.objects.create(
                notice=notice,
                author=actor,
                name=actor.name,
                phone=actor.phone or "",
                text=text,
                created_at=timezone.now(),
            )
    except IntegrityError:
        raise errors.Conflict(
            _("您已对该公示提出过异议,请等待处理结果。"), code="objection_exists"
        ) from None
    notify_objection_filed(objection, _handlers(notice))
    audit_record(
        actor=actor,
        action="cases.objection_file",
        obj=objection,
        after={"notice": notice.pk, "case": notice.case.number},
    )
    return objection


@transaction.atomic
def objection_handle(
    *, actor: Any, case: Case, objection_id: int, uphold: bool, reply: str
) -> Objection:
    """异议成立 / 不成立, with the reply the objector receives."""
    objection = (
        Objection.objects.select_for_update(of=("self",))
        .select_related("notice", "author")
        .filter(pk=objection_id, notice__case=case)
        .first()
    )
    if objection is None:
        raise errors.NotFound(_("异议不存在。"), code="objection_not_found")
    if not permissions.can_handle_objections(actor, objection.notice):
        raise errors.PermissionDenied(
            _("公示异议由公示环节的办理部门和岗位处理。"), code="not_objection_handler"
        )
    reply = _text(reply, _("处理答复"), "reply")
    if objection.notice.state != PublicityNotice.State.OPEN:
        raise errors.Conflict(_("公示已结束,不能再处理异议。"), code="publicity_closed")
    state = Objection.State.UPHELD if uphold else Objection.State.DISMISSED
    now = timezone.now()
    handled = Objection.objects.filter(pk=objection.pk, state=Objection.State.OPEN).update(
        state=state, handled_by=actor, handled_at=now, reply=reply
    )
    if handled != 1:
        raise errors.Conflict(_("该异议已处理。"), code="objection_handled")
    objection.state, objection.handled_by, objection.handled_at = state, actor, now
    objection.reply = reply
    notify_objection_handled(objection)
    audit_record(
        actor=actor,
        action="cases.objection_handle",
        obj=objection,
        after={"state": state, "case": case.number},
    )
    return objection


def _open_objections() -> Exists:
    return Exists(Objection.objects.filter(notice=OuterRef("pk"), state=Objection.State.OPEN))


def _close(notice_id: int, *, actor: Any, today: dt.date) -> Case | None:
    """Close one notice and move its case on; None when there is nothing (more) to do."""
    notice = PublicityNotice.objects.select_related("task").get(pk=notice_id)
    case = case_lock(Case(pk=notice.case_id))
    if case.status != Case.Status.PROCESSING or notice.ends_on >= today:
        return None
    counts = {s: 0 for s in Objection.State.values}
    for state in notice.objections.values_list("state", flat=True):
        counts[state] += 1
    if counts[Objection.State.OPEN]:
        return None
    outcome = "deny" if counts[Objection.State.UPHELD] else "approve"
    closed = PublicityNotice.objects.filter(pk=notice.pk, state=PublicityNotice.State.OPEN).update(
        state=PublicityNotice.State.CLOSED, outcome=outcome, closed_at=timezone.now()
    )
    if closed != 1:
        return None  # closed meanwhile (another run, or the staff by hand)
    if outcome == "deny":
        opinion = _("公示期满,异议经核实成立%(n)d件。") % {"n": counts[Objection.State.UPHELD]}
    elif counts[Objection.State.DISMISSED]:
        opinion = _("公示期满,异议经核实不成立。")
    else:
        opinion = _("公示期满,无异议。")
    task_close(notice.task, actor=actor, outcome=outcome, opinion=opinion)
    transition(
        case,
        action="publicity-end",
        actor=actor,
        opinion=opinion,
        data={
            "objections": sum(counts.values()),
            "upheld": counts[Objection.State.UPHELD],
            "outcome": outcome,
        },
    )
    notify_case(case, "publicity_closed", result=PUBLICITY_RESULTS[outcome])
    step = process_for(case).step(notice.task.step)
    _advance(case, actor=actor, step=step, outcome=outcome, opinion=opinion)
    audit_record(
        actor=actor if actor is not None else "worker",
        action="cases.publicity_close",
        obj=case,
        after={"status": case.status, "notice": notice.pk, "outcome": outcome},
    )
    return case


def publicity_due(*, today: dt.date) -> Any:
    """Open notices past their last day with no open objection, of cases being processed."""
    return (
        PublicityNotice.objects.filter(
            state=PublicityNotice.State.OPEN,
            ends_on__lt=today,
            case__status=Case.Status.PROCESSING,
        )
        .filter(~_open_objections())
        .order_by("ends_on", "id")
    )


def publicity_close_due(*, today: dt.date | None = None) -> int:
    """The worker's job: close every due notice (see the module doc); returns how many."""
    today = today or timezone.localdate()
    done = 0
    for notice_id in list(publicity_due(today=today).values_list("pk", flat=True)[:BATCH]):
        with transaction.atomic():
            if _close(notice_id, actor=None, today=today) is not None:
                done += 1
    return done


def publicity_decide_by_hand(*, actor: Any, case: Case, task: Task, approve: bool) -> Case:
    """同意 / 不同意 on the publicity step (inside ``case_decide``'s transaction)."""
    owner = (
        account_permissions.acts_for_department(actor, task.department_id)
        and task.post_id in account_permissions.post_codes(actor)
        and task.assignee_id in (None, actor.pk)
    )
    if not owner:
        raise errors.PermissionDenied(_("该环节不由您的部门和岗位办理。"), code="not_task_owner")
    if not approve:
        raise errors.Conflict(
            _(
                "公示结果由公示期内的异议决定,不能直接作出不同意意见;异议成立的,公示期满后"
                "转审批环节作出决定。"
            ),
            code="publicity_outcome",
        )
    notice = task.notice
    today = timezone.localdate()
    if today <= notice.ends_on:
        raise errors.Conflict(
            _("公示期至%(ends)s结束,期满前不能办理;期满无异议的,系统自动转入下一环节。")
            % {"ends": f"{notice.ends_on:%Y-%m-%d}"},
            code="publicity_running",
        )
    if notice.objections.filter(state=Objection.State.OPEN).exists():
        raise errors.Conflict(_("还有未处理的公示异议,请先处理异议。"), code="objections_open")
    closed = _close(notice.pk, actor=actor, today=today)
    if closed is None:
        raise errors.Conflict(_("该公示已结束。"), code="publicity_closed")
    return closed

"""The messages a case sends (SMS and in-site), written to the outbox in the case's transaction.

Each message's dedupe key is the case number, its revision and the event, so that an action retried
after a crash cannot message twice; the notifications worker sends them and retries.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govhall.notifications.services import notification_enqueue

TEXTS = {
    "submitted": gettext_lazy(
        "您申请的「%(item)s」已提交,办件编号%(number)s,查询密码%(password)s。我们将在5个工作日内"
        "完成受理审查。"
    ),
    "accepted": gettext_lazy(
        "您申请的「%(item)s」(办件编号%(number)s)已受理,承诺于%(due)s前办结。"
    ),
    "refused": gettext_lazy(
        "您申请的「%(item)s」(办件编号%(number)s)不予受理,理由请查看不予受理通知书。"
    ),
    "correction": gettext_lazy(
        "您申请的「%(item)s」(办件编号%(number)s)材料需要补正,请登录查看补正告知书,"
        "一次性补齐后提交。"
    ),
    "supplemented": gettext_lazy("您已提交「%(item)s」(办件编号%(number)s)的补正材料,等待受理。"),
    "step": gettext_lazy("您申请的「%(item)s」(办件编号%(number)s)已进入「%(step)s」环节。"),
    "suspended": gettext_lazy(
        "您申请的「%(item)s」(办件编号%(number)s)进入特别程序(%(kind)s),所需时间不计入办理时限。"
    ),
    "resumed": gettext_lazy(
        "您申请的「%(item)s」(办件编号%(number)s)特别程序结束,恢复计时,预计%(due)s前办结。"
    ),
    "extended": gettext_lazy(
        "您申请的「%(item)s」(办件编号%(number)s)经批准延长办理时限至%(due)s。"
    ),
    "approved": gettext_lazy(
        "您申请的「%(item)s」(办件编号%(number)s)已审批通过,正在出具办理结果。"
    ),
    "payment": gettext_lazy(
        "您申请的「%(item)s」(办件编号%(number)s)需缴纳费用%(amount)s元,请登录网上缴费。"
    ),
    "paid": gettext_lazy("您已缴纳「%(item)s」(办件编号%(number)s)的费用%(amount)s元。"),
    "denied": gettext_lazy("您申请的「%(item)s」(办件编号%(number)s)不予许可,理由请查看决定书。"),
    "completed": gettext_lazy("您申请的「%(item)s」(办件编号%(number)s)已办结,%(delivery)s。"),
    "shipped": gettext_lazy("您的「%(item)s」办理结果已寄出,%(carrier)s运单号%(tracking)s。"),
    "delivered": gettext_lazy("您的「%(item)s」办理结果已送达。"),
    "withdrawn": gettext_lazy("您已撤回「%(item)s」的申请(办件编号%(number)s)。"),
    "publicity": gettext_lazy(
        "您申请的「%(item)s」(办件编号%(number)s)已进入公示,公示期%(starts)s至%(ends)s。"
    ),
    "publicity_closed": gettext_lazy(
        "您申请的「%(item)s」(办件编号%(number)s)公示期满,%(result)s。"
    ),
}

PUBLICITY_RESULTS = {
    "approve": gettext_lazy("无异议或异议不成立,继续办理"),
    "deny": gettext_lazy("有异议经核实成立,将由审批部门依法作出决定"),
}


# SMS to the phone, an in-site message, and e-mail where the person gave an address.
CHANNELS = ("sms", "site", "email")


def case_link(case: Any) -> str:
    return reverse("cases:my_case", kwargs={"number": case.number})


def notify_case(case: Any, event: str, *, dedupe: bool = True, **extra: Any) -> None:
    """Message the applicant (and the agent who applied for them) about ``event``. ``dedupe``
    off saves a query where the caller's own lock already makes the event happen once."""
    values = {
        "item": case.item_name,
        "number": case.number,
        "password": case.query_password,
        "due": f"{case.due_date:%Y-%m-%d}" if case.due_date else "",
        "delivery": _("请凭办件编号到窗口领取")
        if case.delivery_method == "pickup"
        else _("结果将快递送达"),
        **extra,
    }
    body = str(TEXTS[event]) % values
    for recipient in {case.applicant, case.agent} - {None}:
        notification_enqueue(
            event=f"case.{event}",
            subject=case.item_name,
            body=body,
            recipient=recipient,
            channels=CHANNELS,
            link=case_link(case),
            related=f"case:{case.number}",
            dedupe_key=f"case:{case.number}:{case.revision}:{event}:{recipient.pk}"
            if dedupe
            else None,
        )


def notify_prereview(application: Any, *, passed: bool) -> None:
    body = (
        _("您的「%(item)s」申请已通过网上预审,请登录提交。")
        if passed
        else _("您的「%(item)s」申请预审未通过:%(opinion)s")
    ) % {"item": application.version.name, "opinion": application.prereview_opinion}
    notification_enqueue(
        event="application.prereview",
        subject=application.version.name,
        body=body,
        recipient=application.applicant,
        link=reverse("cases:application", kwargs={"application_id": application.pk}),
        related=f"application:{application.pk}",
    )


def notify_authorization(authorization: Any) -> None:
    body = _("代办员%(agent)s已登记您的授权委托,代您办理「%(item)s」,有效期至%(until)s。") % {
        "agent": authorization.agent.name,
        "item": authorization.item.published_version.name
        if authorization.item.published_version_id
        else "",
        "until": f"{authorization.valid_until:%Y-%m-%d}",
    }
    notification_enqueue(
        event="authorization.created",
        subject=_("代办授权"),
        body=body,
        recipient=authorization.principal,
        link=reverse("cases:my_authorizations"),
        related=f"authorization:{authorization.pk}",
    )


def notify_objection_filed(objection: Any, recipients: Any) -> None:
    """In-site message to the staff who handle the objections of the notice's step."""
    from govhall.notifications.services import NotificationSpec, notification_enqueue_many

    notice = objection.notice
    body = _("办件%(number)s(%(item)s)的公示收到异议,请核实处理并答复异议人。") % {
        "number": notice.case.number,
        "item": notice.item_name,
    }
    link = reverse("cases:case_detail", kwargs={"number": notice.case.number})
    notification_enqueue_many(
        NotificationSpec(
            event="case.objection",
            subject=_("公示异议"),
            body=body,
            recipient=user,
            channels=("site",),
            link=link,
            related=f"case:{notice.case.number}",
            dedupe_key=f"objection:{objection.pk}:filed:{user.pk}",
        )
        for user in recipients
    )


def notify_objection_handled(objection: Any) -> None:
    """The objector is told the outcome and the reply (SMS and in-site)."""
    notice = objection.notice
    body = _("您对「%(item)s」公示(申请人%(name)s)提出的异议已处理:%(state)s。答复:%(reply)s") % {
        "item": notice.item_name,
        "name": notice.applicant_masked,
        "state": objection.get_state_display(),
        "reply": objection.reply,
    }
    notification_enqueue(
        event="case.objection_handled",
        subject=_("公示异议处理结果"),
        body=body,
        recipient=objection.author,
        phone=objection.phone,
        channels=("sms", "site"),
        link=reverse("cases:publicity"),
        related=f"objection:{objection.pk}",
        dedupe_key=f"objection:{objection.pk}:handled",
    )

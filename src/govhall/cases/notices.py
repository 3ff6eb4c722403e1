"""Notices (文书) of a case: written as data in the transaction that issues them, rendered to PDF
on demand (``cases.documents``) and kept in storage after the first rendering. Rendering is
deterministic from the stored content, so a lost file is rendered again, never lost."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govhall.cases.models import Case, Notice

TITLES = {
    Notice.Kind.RECEIPT: gettext_lazy("申请材料接收凭证"),
    Notice.Kind.ACCEPTANCE: gettext_lazy("受理通知书"),
    Notice.Kind.REFUSAL: gettext_lazy("不予受理通知书"),
    Notice.Kind.CORRECTION: gettext_lazy("补正材料通知书"),
    Notice.Kind.COMPLETION: gettext_lazy("办结通知书"),
    Notice.Kind.DENIAL: gettext_lazy("不予许可决定书"),
}
MARKS = {
    "receipt": "收",
    "acceptance": "受",
    "refusal": "不受",
    "correction": "补",
    "completion": "结",
    "denial": "不许",
}


def progress_url(case: Case) -> str:
    query = urlencode({"number": case.number})
    return f"{settings.GOVHALL_PUBLIC_URL}{reverse('cases:progress')}?{query}"


def _paragraphs(case: Case, kind: str, extra: dict[str, Any]) -> list[str]:
    values = {"name": case.applicant_name, "item": case.item_name, "number": case.number}
    if kind == Notice.Kind.RECEIPT:
        return [
            _(
                "您申请的「%(item)s」已收到。本机关将在五个工作日内进行受理审查,"
                "材料不齐全或者不符合法定形式的,将一次性告知需要补正的全部内容;逾期不告知的,"
                "自收到申请材料之日起即为受理。"
            )
            % values
        ]
    if kind == Notice.Kind.ACCEPTANCE:
        return [
            _(
                "您申请的「%(item)s」,申请材料齐全、符合法定形式,本机关决定予以受理。"
                "办理进度可凭办件编号和查询密码在网上办事大厅查询。"
            )
            % values
        ]
    if kind == Notice.Kind.REFUSAL:
        return [
            _(
                "您申请的「%(item)s」,经审查,因下列理由,本机关决定不予受理。"
                "如不服本决定,可以在收到本通知书之日起六十日内依法申请行政复议,"
                "或者在六个月内依法提起行政诉讼。"
            )
            % values
        ]
    if kind == Notice.Kind.CORRECTION:
        return [
            _(
                "您申请的「%(item)s」,申请材料不齐全或者不符合法定形式。"
                "请一次性补正下列全部内容后提交。补正材料提交后,本机关将重新进行受理审查。"
            )
            % values
        ]
    if kind == Notice.Kind.DENIAL:
        return [
            _(
                "您申请的「%(item)s」,经审查,不符合法定条件和标准,本机关决定不予许可。"
                "理由如下。如不服本决定,可以在收到本决定书之日起六十日内依法申请行政复议,"
                "或者在六个月内依法提起行政诉讼。"
            )
            % values
        ]
    return [_("您申请的「%(item)s」已办结。") % values + (extra.get("result_note") or "")]


def _facts(case: Case, kind: str) -> list[list[str]]:
    facts = [
        [_("办件编号"), case.number],
        [_("申请事项"), case.item_name],
        [_("申请人"), case.applicant_name],
        [_("收件时间"), f"{timezone.localtime(case.received_at):%Y-%m-%d %H:%M}"],
    ]
    if kind == Notice.Kind.RECEIPT:
        facts.append([_("查询密码"), case.query_password])
        facts.append([_("受理审查期限"), f"{case.correction_due:%Y-%m-%d}"])
    if kind == Notice.Kind.ACCEPTANCE and case.accepted_at:
        facts.append([_("受理时间"), f"{timezone.localtime(case.accepted_at):%Y-%m-%d %H:%M}"])
        if case.due_date:
            facts.append([_("承诺办结日期"), f"{case.due_date:%Y-%m-%d}"])
    if kind == Notice.Kind.COMPLETION and case.closed_at:
        facts.append([_("办结时间"), f"{timezone.localtime(case.closed_at):%Y-%m-%d %H:%M}"])
        facts.append([_("办理结果"), case.result_name or case.item_name])
        method = _("窗口领取") if case.delivery_method == "pickup" else _("快递送达")
        facts.append([_("送达方式"), method])
    return facts


def notice_issue(case: Case, *, kind: str, items: list[str] | None = None, **extra: Any) -> Notice:
    """Write a notice of ``kind`` (its content frozen now) inside the caller's transaction."""
    now = timezone.now()
    number = _("%(dept)s%(mark)s字〔%(year)s〕%(serial)s号") % {
        "dept": case.department.short_name or case.department.name[:4],
        "mark": MARKS.get(kind, ""),
        "year": now.year,
        "serial": case.number[-10:],
    }
    content = {
        "title": str(TITLES[kind]),
        "addressee": case.applicant_name,
        "paragraphs": _paragraphs(case, kind, extra),
        "facts": _facts(case, kind),
        "items": [str(i) for i in (items or [])],
        "issuer": case.department.name,
        "issued_on": f"{timezone.localdate():%Y-%m-%d}",
        "qr_url": progress_url(case),
        "footer": _("咨询电话:%(phone)s  监督投诉电话:12345")
        % {"phone": case.department.phone or "12345"},
    }
    return Notice.objects.create(
        case=case, kind=kind, number=number, content=content, issued_at=now
    )


def notice_pdf_bytes(notice: Notice) -> bytes:
    """The notice as PDF: from storage when rendered before, else rendered and stored."""
    if notice.file and default_storage.exists(notice.file):
        with default_storage.open(notice.file, "rb") as stored:
            return stored.read()
    data = _render(notice)
    name = default_storage.save(
        f"notices/{notice.case_id}/{notice.kind}-{notice.pk}.pdf", ContentFile(data)
    )
    Notice.objects.filter(pk=notice.pk).update(file=name)
    return data


def _render(notice: Notice) -> bytes:
    import datetime as dt

    from govhall.cases.documents import NoticeDocument, notice_pdf

    content = notice.content
    return notice_pdf(
        NoticeDocument(
            kind=notice.kind,
            title=content["title"],
            number=notice.number,
            addressee=content["addressee"],
            case_number=notice.case.number,
            item_name=notice.case.item_name,
            paragraphs=content["paragraphs"],
            facts=[tuple(f) for f in content["facts"]],
            items=content["items"],
            issuer=content["issuer"],
            issued_on=dt.date.fromisoformat(content["issued_on"]),
            qr_url=content["qr_url"],
            qr_caption=_("扫码查询办理进度"),
            footer=content["footer"],
        )
    )

"""Prefilled templates of the materials an applicant signs (承诺书, 授权书 ...): the material's
name as title, the applicant's particulars and household from the application, the declaration
the guide asks for, and a signature line for each person who must sign. The applicant prints it,
signs it and uploads the scan: the only paper left in a 免提交 application."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.cases.documents import NoticeDocument, notice_pdf
from govhall.cases.models import Application
from govhall.catalog.models import Material
from govhall.core import errors


def _members(form: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows of the application's repeating household group, if the form has one."""
    for value in form.values():
        rows = isinstance(value, list) and value and all(isinstance(r, dict) for r in value)
        if rows and any("name" in row for row in value):
            return value
    return []


def material_template_pdf(*, application: Application, material_id: Any) -> tuple[Material, bytes]:
    """The material's prefilled template as PDF (applicant-provided materials only)."""
    material = application.version.materials.filter(pk=material_id).first()
    if material is None or material.source_channel != Material.SourceChannel.APPLICANT:
        raise errors.NotFound(_("该材料没有可生成的模板。"), code="no_template")
    applicant = application.applicant
    form = application.form or {}
    facts = [
        (_("申请事项"), application.version.name),
        (_("申请人"), applicant.name),
        (_("证件号码"), applicant.id_number or applicant.uscc or ""),
        (_("联系电话"), (form.get("applicant") or {}).get("phone") or applicant.phone),
    ]
    members = [row for row in _members(form) if row.get("name")]
    signers = [applicant.name] + [
        str(row["name"]) for row in members if str(row["name"]) != applicant.name
    ]
    paragraphs = [
        _(
            "本人(及共同申请的家庭成员)自愿申请办理「%(item)s」,现郑重承诺:所填报的信息真实、"
            "准确、完整,同意并授权政府部门通过共享数据核查本人及家庭成员的相关信息;如有虚假,"
            "愿意承担相应的法律责任。"
        )
        % {"item": application.version.name},
    ]
    if material.filling_notes:
        paragraphs.append(material.filling_notes)
    if material.acceptance_standard:
        paragraphs.append(_("受理标准:%(text)s") % {"text": material.acceptance_standard})
    document = NoticeDocument(
        kind="generic",
        title=material.name,
        addressee="",
        item_name=application.version.name,
        facts=facts,
        paragraphs=paragraphs,
        items_title=_("签名(请本人亲笔签名并注明日期):"),
        items=[
            _("%(name)s  签名:____________  日期:________") % {"name": name} for name in signers
        ],
        issuer="",
        issued_on=timezone.localdate(),
        seal=False,
    )
    return material, notice_pdf(document)

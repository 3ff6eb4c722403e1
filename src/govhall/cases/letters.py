"""Prefilled templates of the materials an applicant signs (承诺书, 授权书 ...): the material's
name as title, the applicant's particulars and household from the application, the declaration
the guide asks for, and a signature line for each person who must sign. The applicant prints it,
signs it and uploads the scan: the only paper left in a 免提交 application.

A letter is sealed to its application: it shows a 核验码 (an HMAC of the application, the material
and every signer's name and ID number) and carries it in the PDF's keywords, and its bytes are
reproducible (fixed dates, the application's creation day). An uploaded PDF that carries a letter
code (:func:`letter_check`) must carry this application's current code (not another
application's, nor one from before the household changed) and must begin with the exact bytes we
generated (an incremental update, such as a digital signature, only appends); otherwise it is
refused as stale or tampered. A scan of the printed letter carries no metadata: the acceptance
clerk compares the 核验码 printed on it with the one the workbench shows."""

from __future__ import annotations

import hashlib
import hmac
import io
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.errors import PdfReadError

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


LETTER_MARK = "govhall-letter:"


def _signers(application: Application) -> list[tuple[str, str]]:
    """(name, ID number) of the applicant and each other member named in the form."""
    applicant = application.applicant
    form = application.form or {}
    signers = [(applicant.name, applicant.id_number or applicant.uscc or "")]
    for row in _members(form):
        name = str(row.get("name") or "")
        key = str(row.get("id_number") or "")
        if name and (name, key) not in signers and name != applicant.name:
            signers.append((name, key))
    return signers


def letter_code(application: Application, material: Material) -> str:
    """The 核验码 of the material's letter for the application as it stands: 16 characters."""
    signers = "|".join(f"{name}/{key}" for name, key in _signers(application))
    message = f"{application.uuid}|{material.pk}|{signers}".encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()
    code = digest[:16].upper()
    return "-".join(code[i : i + 4] for i in range(0, 16, 4))


def _template_material(application: Application, material_id: Any) -> Material:
    material = application.version.materials.filter(pk=material_id).first()
    if material is None or material.source_channel != Material.SourceChannel.APPLICANT:
        raise errors.NotFound(_("该材料没有可生成的模板。"), code="no_template")
    return material


def material_template_pdf(*, application: Application, material_id: Any) -> tuple[Material, bytes]:
    """The material's prefilled template as PDF (applicant-provided materials only)."""
    material = _template_material(application, material_id)
    return material, _letter_pdf(application, material)


def _letter_pdf(application: Application, material: Material) -> bytes:
    applicant = application.applicant
    form = application.form or {}
    facts = [
        (_("申请事项"), application.version.name),
        (_("申请人"), applicant.name),
        (_("证件号码"), applicant.id_number or applicant.uscc or ""),
        (_("联系电话"), (form.get("applicant") or {}).get("phone") or applicant.phone),
    ]
    code = letter_code(application, material)
    facts.append((_("核验码"), code))
    signers = [name for name, _key in _signers(application)]
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
        issued_on=timezone.localdate(application.created_at),
        seal=False,
        keywords=f"{LETTER_MARK}{code}",
        invariant=True,
    )
    return notice_pdf(document)


def _letter_mark(content: bytes) -> str | None:
    """The letter code a PDF carries in its keywords, or None."""
    try:
        metadata = PdfReader(io.BytesIO(content)).metadata
    except (PdfReadError, ValueError, KeyError, TypeError):
        return None
    keywords = str((metadata or {}).get("/Keywords") or "")
    return keywords[len(LETTER_MARK) :] if keywords.startswith(LETTER_MARK) else None


def letter_check(
    *, application: Application, material: Material, kind: str, content: bytes
) -> None:
    """Refuse an uploaded letter PDF that is not this application's current letter, or whose
    generated content was changed. Files without a letter code (scans, photos) pass: the clerk
    compares the printed 核验码."""
    if kind != "pdf" or material.source_channel != Material.SourceChannel.APPLICANT:
        return
    mark = _letter_mark(content)
    if mark is None:
        return
    if not hmac.compare_digest(mark, letter_code(application, material)):
        raise errors.ValidationError(
            _(
                "上传的「%(material)s」不是本申请当前的文本(可能是其他申请的,或申请人、家庭成员"
                "已变更)。请重新下载、签名后上传。"
            )
            % {"material": material.name},
            code="letter_stale",
            fields={"file": [_("核验码不符")]},
        )
    if not content.startswith(_letter_pdf(application, material)):
        raise errors.ValidationError(
            _("上传的「%(material)s」内容已被改动。请重新下载,签名后原样上传,不要修改其中内容。")
            % {"material": material.name},
            code="letter_tampered",
            fields={"file": [_("内容与生成的文本不一致")]},
        )

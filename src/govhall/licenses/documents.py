"""The printable face of a license (PDF): the face data, the issuer's seal and the QR code that
opens the public verification page. Reuses the case notices' renderer (CJK font, QR, seal)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from govhall.cases.documents import NoticeDocument, NoticeKind, notice_pdf
from govhall.licenses.models import License
from govhall.licenses.verification import face_display


def verify_url(license: License) -> str:
    return f"{settings.GOVHALL_PUBLIC_URL}{reverse('licenses:verify', args=[license.identifier])}"


def license_pdf(license: License) -> bytes:
    kind = license.license_type
    facts = [
        (_("持证主体"), license.holder_name),
        (license.get_holder_key_type_display(), license.holder_key),
        *[(row["label"], row["value"]) for row in face_display(license, full=True) if row["value"]],
        (
            _("有效期"),
            _("%(start)s 至 %(end)s")
            % {
                "start": license.valid_from.isoformat(),
                "end": license.valid_until.isoformat() if license.valid_until else _("长期"),
            },
        ),
    ]
    footer = [
        _("证照标识:%(id)s") % {"id": license.identifier},
        _("签章密钥:%(key)s(SM2/SM3)") % {"key": license.signing_key.key_id},
        _("扫描二维码或访问政务服务网核验本证照的真实性和状态。"),
    ]
    if kind.face_note:
        footer.insert(0, kind.face_note)
    doc = NoticeDocument(
        kind=NoticeKind.GENERIC,
        title=kind.face_title or kind.name,
        number=_("编号:%(number)s") % {"number": license.number},
        facts=facts,
        issuer=license.issuer.name,
        issued_on=license.issued_on,
        qr_url=verify_url(license),
        qr_caption=_("扫码核验"),
        footer=footer,
        seal=True,
    )
    return notice_pdf(doc)

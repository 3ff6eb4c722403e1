"""Pages: the holder's wallet (我的证照), the printable face, the public verification page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from govhall.api.throttles import LicenseVerifyThrottle
from govhall.core import errors
from govhall.licenses import documents, permissions, presenters, selectors, verification
from govhall.portal.http import application_errors


def _holder_only(request: HttpRequest) -> None:
    if not permissions.holder_keys(request.user):
        raise errors.PermissionDenied("只有自然人和法人用户有电子证照。")


@require_GET
@login_required
@application_errors
def wallet(request: HttpRequest) -> HttpResponse:
    """我的证照: my licenses and every use of them."""
    _holder_only(request)
    licenses = [
        presenters.license_payload(item, full=True)
        for item in selectors.wallet_list(actor=request.user)
    ]
    uses = selectors.uses_for_holder(actor=request.user)
    return render(request, "licenses/wallet.html", {"licenses": licenses, "uses": uses})


@require_GET
@login_required
@application_errors
def wallet_pdf(request: HttpRequest, identifier: str) -> HttpResponse:
    """The printable face (PDF with the QR code) of my license."""
    _holder_only(request)
    license = selectors.wallet_get(actor=request.user, identifier=identifier)
    verification.license_printed(actor=request.user, license=license)
    response = HttpResponse(documents.license_pdf(license), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="license-{license.number}.pdf"'
    return response


@require_GET
def verify(request: HttpRequest, identifier: str) -> HttpResponse:
    """The page the QR code opens (public): what the license is and whether it is valid."""
    if not LicenseVerifyThrottle().allow_request(request, None):
        context = {"error": _("查验过于频繁,请稍后再试。"), "code": "throttled"}
        return render(
            request, "licenses/verify.html", {**context, "identifier": identifier}, status=429
        )
    try:
        result = verification.license_verify(
            actor=request.user, identifier=identifier, purpose=request.GET.get("purpose", "")
        )
    except errors.ApplicationError as exc:
        context = {"error": exc.message, "code": exc.code, "identifier": identifier}
        return render(request, "licenses/verify.html", context, status=exc.status)
    license = result.license
    full = permissions.is_holder(request.user, license) or permissions.can_manage(
        request.user, license.issuer_id
    )
    payload = presenters.verification_payload(result, full=full)
    return render(request, "licenses/verify.html", {"result": payload, "full": full})

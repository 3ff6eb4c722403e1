"""Pages: the wallet, the printable face, the QR verification page, the workbench; wrong
personas refused."""

from __future__ import annotations

import pytest
from django.urls import reverse

from govhall.licenses.models import License

pytestmark = pytest.mark.django_db


def test_wallet_shows_my_licenses_and_uses(license, client_as, applicant, other_applicant):
    client_as(None).get(reverse("licenses:verify", args=[license.identifier]))
    page = client_as(applicant).get(reverse("licenses:wallet"))
    text = page.content.decode()
    assert page.status_code == 200 and license.identifier in text and "扫码核验" in text
    other = client_as(other_applicant).get(reverse("licenses:wallet")).content.decode()
    assert license.identifier not in other


def test_wallet_wrong_personas(client_as, clerk):
    anonymous = client_as(None).get(reverse("licenses:wallet"))
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    assert client_as(clerk).get(reverse("licenses:wallet")).status_code == 403


def test_pdf_face_with_qr(license, client_as, applicant, other_applicant):
    url = reverse("licenses:wallet_pdf", args=[license.identifier])
    response = client_as(applicant).get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert client_as(other_applicant).get(url).status_code == 404
    assert client_as(None).get(url).status_code == 302


def test_verify_page_valid_then_revoked_then_tampered(license, client_as, clerk):
    url = reverse("licenses:verify", args=[license.identifier])
    page = client_as(None).get(url).content.decode()
    assert 'data-outcome="valid"' in page and license.holder_key not in page
    client_as(clerk).post(
        reverse("licenses:workbench_detail", args=[license.identifier]),
        {"action": "revoke", "reason": "违法经营"},
    )
    page = client_as(None).get(url).content.decode()
    assert 'data-outcome="revoked"' in page and "违法经营" in page
    License.objects.filter(pk=license.pk).update(face={**license.face, "kind": "X"})
    assert 'data-outcome="signature_invalid"' in client_as(None).get(url).content.decode()


def test_verify_page_bad_identifier(client_as, db):
    response = client_as(None).get(reverse("licenses:verify", args=["1.2.156.3005.2.X"]))
    assert response.status_code == 422 and "malformed_identifier" in response.content.decode()


def test_workbench_pages_and_wrong_personas(license, client_as, clerk, other_clerk, applicant):
    list_url = reverse("licenses:workbench_list")
    detail = reverse("licenses:workbench_detail", args=[license.identifier])
    assert license.identifier in client_as(clerk).get(list_url).content.decode()
    assert client_as(clerk).get(detail).status_code == 200
    assert license.identifier not in client_as(other_clerk).get(list_url).content.decode()
    assert client_as(other_clerk).get(detail).status_code == 404
    assert client_as(applicant).get(list_url).status_code == 403
    assert client_as(None).get(list_url).status_code == 302
    assert (
        client_as(other_clerk).post(detail, {"action": "revoke", "reason": "x"}).status_code == 404
    )


def test_workbench_change_and_rotate(license, client_as, clerk, applicant):
    detail = reverse("licenses:workbench_detail", args=[license.identifier])
    response = client_as(clerk).post(
        detail, {"action": "change", "reason": "更正", "face_kind": "租赁补贴"}
    )
    new = License.objects.get(previous=license)
    assert response.status_code == 302 and new.face["kind"] == "租赁补贴"
    rotate = reverse("licenses:key_rotate")
    assert client_as(clerk).post(rotate).status_code == 302
    assert client_as(applicant).post(rotate).status_code == 403


def test_account_page_links_the_wallet(client_as, applicant):
    page = client_as(applicant).get(reverse("portal:account")).content.decode()
    assert reverse("licenses:wallet") in page


def test_done_when_end_to_end(completed_case, client_as, applicant, clerk, housing_department):
    """A completed case issues a signed license; its QR page says valid; a later application
    reuses it without an upload and the holder sees that use; revocation shows at once."""
    from govhall.cases import services_apply
    from govhall.catalog.models import Item, Material
    from govhall.catalog.tests.factories import published_item
    from govhall.licenses.documents import verify_url

    license = License.objects.get(case=completed_case)
    qr_path = verify_url(license).split("://", 1)[1].split("/", 1)[1]
    page = client_as(None).get("/" + qr_path).content.decode()
    assert 'data-outcome="valid"' in page
    version = published_item(housing_department, name="公租房租赁补贴申请")
    Material.objects.filter(version=version).update(
        license_type_code="public_rental_qualification", resource_code=""
    )
    item = Item.objects.get(pk=version.item_id)
    prefill = services_apply.application_prefill(actor=applicant, applicant=applicant, item=item)
    assert any(s["kind"] == "license" for s in prefill.satisfied.values())
    wallet = client_as(applicant).get(reverse("licenses:wallet")).content.decode()
    assert "电子证照库调取" in wallet and "网上申报表单预填" in wallet
    client_as(clerk).post(
        reverse("licenses:workbench_detail", args=[license.identifier]),
        {"action": "revoke", "reason": "不再符合条件"},
    )
    assert 'data-outcome="revoked"' in client_as(None).get("/" + qr_path).content.decode()


def test_verify_page_and_api_are_limited_per_address(license, client_as, client_for, applicant):
    """Every look-up writes a use record: an address that floods the QR page is stopped, and the
    API shares the same budget; a signed-in visitor gets no extra."""
    from govhall.licenses.models import LicenseUse

    url = reverse("licenses:verify", args=[license.identifier])
    client = client_as(applicant)
    for _ in range(60):
        assert client.get(url).status_code == 200
    uses = LicenseUse.objects.count()
    refused = client.get(url)
    assert refused.status_code == 429
    assert "查验过于频繁" in refused.content.decode()
    api = client_for(applicant).get(f"/api/v1/licenses/{license.identifier}/verify")
    assert api.status_code == 429
    assert LicenseUse.objects.count() == uses  # refused look-ups write nothing


def test_workbench_entry_only_for_issuing_departments(rental_type, client_as, clerk, other_clerk):
    """The sidebar's 电子证照 entry is for departments that issue a license type."""
    url = reverse("licenses:workbench_list")
    issuing = client_as(clerk).get(reverse("cases:task_list")).content.decode()
    other = client_as(other_clerk).get(reverse("cases:task_list")).content.decode()
    assert f'href="{url}"' in issuing
    assert f'href="{url}"' not in other

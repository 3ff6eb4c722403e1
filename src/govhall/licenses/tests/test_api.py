"""The REST endpoints: public verification (masked / full), the wallet, uses, staff actions,
and every wrong persona refused."""

from __future__ import annotations

import pytest

from govhall.licenses.models import License, LicenseUse

pytestmark = pytest.mark.django_db


def _verify(client, identifier, **params):
    return client.get(f"/api/v1/licenses/{identifier}/verify", params)


def test_public_verification_is_masked_and_logged(license, api_client, applicant):
    response = _verify(api_client, license.identifier, purpose="银行开户核验")
    body = response.json()
    assert response.status_code == 200 and body["valid"] is True and body["outcome"] == "valid"
    assert body["signature_ok"] is True
    assert body["license"]["holder"]["key"] != applicant.id_number
    assert "*" in body["license"]["holder"]["key"] and body["license"]["number"] == ""
    faces = {row["name"]: row["value"] for row in body["license"]["face"]}
    assert faces["id_number"] != applicant.id_number and faces["kind"] == "公租房"
    assert LicenseUse.objects.get().purpose == "银行开户核验"


def test_holder_and_issuer_see_full_data(license, client_for, applicant, clerk, other_clerk):
    for user in (applicant, clerk):
        body = _verify(client_for(user), license.identifier).json()
        assert body["license"]["holder"]["key"] == applicant.id_number
    body = _verify(client_for(other_clerk), license.identifier).json()
    assert body["license"]["holder"]["key"] != applicant.id_number


def test_bad_identifiers(license, api_client):
    wrong = license.identifier[:-1] + ("A" if license.identifier[-1] != "A" else "B")
    cases = [("not-an-id", 422, "malformed_identifier"), (wrong, 422, "wrong_check_character")]
    from govhall.licenses.identifiers import identifier_build

    unknown = identifier_build("ZJJ0011", license.issuer.uscc, "99999999", 1)
    cases.append((unknown, 404, "unknown_license"))
    for value, status, code in cases:
        response = _verify(api_client, value)
        assert response.status_code == status and response.json()["error"]["code"] == code


def test_tampered_license_reports_signature_invalid(license, api_client):
    License.objects.filter(pk=license.pk).update(holder_name="王五")
    body = _verify(api_client, license.identifier).json()
    assert body["valid"] is False and body["outcome"] == "signature_invalid"


def test_my_licenses_only_mine(license, client_for, applicant, other_applicant, api_client, clerk):
    rows = client_for(applicant).get("/api/v1/me/licenses").json()["results"]
    assert [row["identifier"] for row in rows] == [license.identifier]
    assert client_for(other_applicant).get("/api/v1/me/licenses").json()["results"] == []
    assert client_for(clerk).get("/api/v1/me/licenses").json()["results"] == []
    assert api_client.get("/api/v1/me/licenses").status_code in (401, 403)


def test_use_and_uses(license, client_for, applicant, other_applicant):
    url = f"/api/v1/me/licenses/{license.identifier}/uses"
    response = client_for(applicant).post(url, {"purpose": "申请公租房补贴"}, format="json")
    assert response.status_code == 201
    uses = client_for(applicant).get(url).json()
    assert uses[0]["purpose"] == "申请公租房补贴"
    refused = client_for(other_applicant).post(url, {"purpose": "冒用"}, format="json")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "not_holder"
    assert client_for(other_applicant).get(url).status_code == 404
    missing = client_for(applicant).post(url, {}, format="json")
    assert missing.status_code == 400


def test_staff_actions_and_wrong_personas(license, client_for, clerk, other_clerk, applicant):
    url = f"/api/v1/licenses/{license.identifier}/actions"
    for user in (other_clerk, applicant):
        response = client_for(user).post(url, {"action": "revoke", "reason": "x"}, format="json")
        assert response.status_code == 404
    bad = client_for(clerk).post(url, {"action": "explode"}, format="json")
    assert bad.status_code == 400
    changed = client_for(clerk).post(
        url, {"action": "change", "reason": "更正", "face": {"kind": "租赁补贴"}}, format="json"
    )
    assert changed.status_code == 200 and changed.json()["version"] == 2
    new_id = changed.json()["identifier"]
    revoked = client_for(clerk).post(
        f"/api/v1/licenses/{new_id}/actions", {"action": "revoke", "reason": "违规"}, format="json"
    )
    assert revoked.json()["status"] == "revoked"
    again = client_for(clerk).post(
        f"/api/v1/licenses/{new_id}/actions", {"action": "revoke", "reason": "x"}, format="json"
    )
    assert again.status_code == 409


def test_department_list_and_key_rotation(license, client_for, clerk, other_clerk, applicant):
    rows = client_for(clerk).get("/api/v1/licenses").json()["results"]
    assert [row["identifier"] for row in rows] == [license.identifier]
    assert client_for(other_clerk).get("/api/v1/licenses").json()["results"] == []
    assert client_for(applicant).get("/api/v1/licenses").status_code == 403
    rotated = client_for(clerk).post("/api/v1/license-keys/rotate")
    assert rotated.status_code == 201 and rotated.json()["key_id"] != license.signing_key.key_id
    assert client_for(applicant).post("/api/v1/license-keys/rotate").status_code == 403

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.utils import timezone

from govhall.accounts.models import ApiToken, User
from govhall.core.identifiers import id_number_with_check
from govhall.core.models import AuditEntry

ID_NUMBER = id_number_with_check("34160220000307123")
USCC = "91341600MA2N0AAA0A"


def register(client, **overrides):
    body = {
        "kind": "citizen",
        "name": "张伟",
        "id_number": ID_NUMBER,
        "phone": "13812345678",
        "password": "Anhui#Bozhou1",
    }
    body.update(overrides)
    return client.post("/api/v1/auth/register", body, format="json")


def assert_error(response, status: int, code: str | None = None, field: str | None = None):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"} and {"code", "message", "fields"} <= set(body["error"])
    assert body["error"]["message"]
    if code:
        assert body["error"]["code"] == code
    if field:
        assert field in body["error"]["fields"]
    return body["error"]


@pytest.mark.django_db
def test_citizen_registers_then_gets_a_token_and_reads_me(api_client, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    response = register(api_client)
    assert response.status_code == 201
    assert response.json()["username"] == ID_NUMBER
    user = User.objects.get(username=ID_NUMBER)
    assert identify_hasher(user.password).algorithm == "argon2"
    assert AuditEntry.objects.filter(
        action="accounts.user_register", object_id=str(user.pk)
    ).exists()

    token = api_client.post(
        "/api/v1/auth/token",
        {"username": ID_NUMBER.lower(), "password": "Anhui#Bozhou1"},
        format="json",
    )
    assert token.status_code == 201
    assert token.json()["expires_at"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token.json()['token']}")
    me = api_client.get("/api/v1/me")
    assert me.status_code == 200
    assert me.json()["id_number"] == ID_NUMBER and me.json()["kind"] == "citizen"


def test_production_hasher_is_argon2():
    from govhall import settings as project_settings

    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


@pytest.mark.django_db
def test_enterprise_registers_with_uscc(api_client):
    from stdnum.cn import uscc

    code = "91341600MA2N0AAA0" + uscc.calc_check_digit("91341600MA2N0AAA0")
    response = register(
        api_client,
        kind="enterprise",
        name="亳州市药都商贸有限公司",
        uscc=code.lower(),
        legal_representative="王芳",
        id_number=None,
    )
    assert response.status_code == 201, response.content
    assert User.objects.get(username=code).legal_representative == "王芳"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "status", "code", "field"),
    [
        (
            {"id_number": ID_NUMBER[:-1] + ("0" if ID_NUMBER[-1] != "0" else "1")},
            422,
            "invalid_id_number",
            "id_number",
        ),
        ({"id_number": "123"}, 422, "invalid_id_number", "id_number"),
        ({"phone": "12345"}, 422, "invalid_phone", "phone"),
        ({"name": "x"}, 422, "invalid_name", "name"),
        ({"password": "12345678"}, 422, "weak_password", "password"),
        ({"password": "abcdefgh"}, 422, "weak_password", "password"),
        ({"password": f"Aa#{ID_NUMBER}"}, 422, "weak_password", "password"),
        ({"kind": "admin"}, 400, "invalid", "kind"),
        ({"id_number": None}, 400, "invalid", None),
    ],
)
def test_registration_errors_are_clear(api_client, overrides, status, code, field):
    body = {k: v for k, v in overrides.items() if v is not None}
    response = (
        register(api_client, **body)
        if None not in overrides.values()
        else api_client.post(
            "/api/v1/auth/register",
            {
                "kind": "citizen",
                "name": "张伟",
                "phone": "13812345678",
                "password": "Anhui#Bozhou1",
            },
            format="json",
        )
    )
    error = assert_error(response, status, code, field)
    if None in overrides.values():
        assert "id_number" in error["fields"]
    assert not User.objects.filter(kind="citizen").exists()


@pytest.mark.django_db
def test_enterprise_with_bad_uscc_is_refused(api_client):
    response = register(
        api_client,
        kind="enterprise",
        name="某公司",
        uscc="91341600MA2N0AAA0Z",
        legal_representative="王芳",
    )
    assert_error(response, 422, "invalid_uscc", "uscc")


@pytest.mark.django_db
def test_duplicate_registration_is_a_conflict(api_client):
    assert register(api_client).status_code == 201
    assert_error(register(api_client, phone="13900000000"), 409, "already_registered", "id_number")
    assert User.objects.filter(username=ID_NUMBER).count() == 1


@pytest.mark.django_db
def test_malformed_json_is_a_clear_400(api_client):
    response = api_client.generic(
        "POST", "/api/v1/auth/register", "{not json", content_type="application/json"
    )
    assert_error(response, 400, "malformed_request")


@pytest.mark.django_db
def test_wrong_password_then_lockout(api_client, applicant, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(2):
        response = api_client.post(
            "/api/v1/auth/token",
            {"username": applicant.username, "password": "wrong"},
            format="json",
        )
        assert_error(response, 401, "invalid_credentials")
    response = api_client.post(
        "/api/v1/auth/token", {"username": applicant.username, "password": "wrong"}, format="json"
    )
    assert response.status_code in {401, 429}
    # Locked out now: even the right password is refused, with a clear message.
    response = api_client.post(
        "/api/v1/auth/token",
        {"username": applicant.username, "password": "Govhall#2026"},
        format="json",
    )
    error = assert_error(response, 429, "locked_out")
    assert "锁定" in error["message"]
    assert response.get("Retry-After")


@pytest.mark.django_db
def test_expired_and_revoked_tokens_are_refused(api_client, applicant, password):
    token = api_client.post(
        "/api/v1/auth/token", {"username": applicant.username, "password": password}, format="json"
    ).json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api_client.get("/api/v1/me").status_code == 200

    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert_error(api_client.get("/api/v1/me"), 401, "invalid_token")

    ApiToken.objects.update(expires_at=timezone.now() + timedelta(hours=1))
    assert api_client.delete("/api/v1/auth/token").status_code == 204
    assert_error(api_client.get("/api/v1/me"), 401, "invalid_token")


@pytest.mark.django_db
def test_garbage_tokens_and_anonymous_are_401(api_client):
    assert_error(api_client.get("/api/v1/me"), 401, "unauthenticated")
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    assert_error(api_client.get("/api/v1/me"), 401, "invalid_token")
    api_client.credentials(HTTP_AUTHORIZATION="Bearer a b")
    assert_error(api_client.get("/api/v1/me"), 401)


@pytest.mark.django_db
def test_disabled_user_token_stops_working(api_client, applicant, password):
    token = api_client.post(
        "/api/v1/auth/token", {"username": applicant.username, "password": password}, format="json"
    ).json()["token"]
    User.objects.filter(pk=applicant.pk).update(is_active=False)
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api_client.get("/api/v1/me").status_code == 401


@pytest.mark.django_db
def test_only_a_digest_of_the_token_is_stored(api_client, applicant, password):
    token = api_client.post(
        "/api/v1/auth/token", {"username": applicant.username, "password": password}, format="json"
    ).json()["token"]
    stored = ApiToken.objects.get()
    assert token not in {stored.key_hash, stored.prefix} and stored.key_hash != token

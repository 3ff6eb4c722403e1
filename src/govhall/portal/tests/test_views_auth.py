"""Registration, login, lock-out and logout pages."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from govhall.core.identifiers import id_number_with_check, uscc_with_check

pytestmark = pytest.mark.django_db

User = get_user_model()

NEW_ID = id_number_with_check("34160220010808123")
NEW_USCC = uscc_with_check("91341600MA2XYW123")
STRONG = "Qiao#Cheng2026"


def _bad_checksum(number: str) -> str:
    last = "0" if number[-1] != "0" else "1"
    return number[:-1] + last


def citizen_data(**overrides) -> dict[str, str]:
    data = {
        "kind": "citizen",
        "name": "赵六",
        "id_number": NEW_ID,
        "phone": "13955881234",
        "password": STRONG,
        "password_confirm": STRONG,
    }
    data.update(overrides)
    return data


def enterprise_data(**overrides) -> dict[str, str]:
    data = {
        "kind": "enterprise",
        "name": "亳州市药都中药饮片有限公司",
        "uscc": NEW_USCC,
        "legal_representative": "孙七",
        "phone": "13955885678",
        "password": STRONG,
        "password_confirm": STRONG,
    }
    data.update(overrides)
    return data


def field_errors(response, field: str) -> str:
    """The rendered error list of one field (empty when the field has no error)."""
    html = response.content.decode()
    marker = f'id="id_{field}_error"'
    if marker not in html:
        return ""
    start = html.index(marker)
    return html[start : html.index("</ul>", start)]


# --- registration -----------------------------------------------------------------------------


def test_register_page_shows_both_kinds(client_as):
    client = client_as()
    citizen = client.get(reverse("portal:register"))
    assert citizen.status_code == 200
    html = citizen.content.decode()
    assert "个人注册" in html and "法人注册" in html
    assert 'name="id_number"' in html
    assert f'hx-post="{reverse("portal:check_id_number")}"' in html
    enterprise = client.get(reverse("portal:register"), {"kind": "enterprise"})
    assert enterprise.status_code == 200
    assert 'name="uscc"' in enterprise.content.decode()
    assert 'name="legal_representative"' in enterprise.content.decode()


def test_register_citizen_logs_in_and_lands_on_account(client_as):
    client = client_as()
    response = client.post(reverse("portal:register"), citizen_data(), follow=True)
    assert response.redirect_chain[-1][0] == reverse("portal:account")
    assert response.status_code == 200
    html = response.content.decode()
    assert "注册成功" in html
    assert NEW_ID in html  # own data, unmasked
    user = User.objects.get(username=NEW_ID)
    assert user.kind == "citizen"
    assert response.wsgi_request.user == user


def test_register_enterprise_logs_in_and_lands_on_account(client_as):
    response = client_as().post(reverse("portal:register"), enterprise_data(), follow=True)
    assert response.redirect_chain[-1][0] == reverse("portal:account")
    assert NEW_USCC in response.content.decode()
    assert User.objects.get(username=NEW_USCC).kind == "enterprise"


def test_register_rejects_bad_id_checksum_at_the_field(client_as):
    response = client_as().post(
        reverse("portal:register"), citizen_data(id_number=_bad_checksum(NEW_ID))
    )
    assert response.status_code == 422
    assert "校验位不正确" in field_errors(response, "id_number")
    assert not User.objects.filter(name="赵六").exists()


def test_register_rejects_bad_uscc_checksum_at_the_field(client_as):
    response = client_as().post(
        reverse("portal:register"), enterprise_data(uscc=_bad_checksum(NEW_USCC))
    )
    assert response.status_code == 422
    assert "校验位不正确" in field_errors(response, "uscc")


def test_register_duplicate_id_number(client_as, applicant):
    response = client_as().post(
        reverse("portal:register"), citizen_data(id_number=applicant.id_number)
    )
    assert response.status_code == 409
    assert "已注册" in field_errors(response, "id_number")


def test_register_weak_password(client_as):
    response = client_as().post(
        reverse("portal:register"), citizen_data(password="12345678", password_confirm="12345678")
    )
    assert response.status_code == 422
    assert field_errors(response, "password")
    assert not User.objects.filter(username=NEW_ID).exists()


def test_register_password_containing_id_number(client_as):
    password = f"Aa#{NEW_ID}"
    response = client_as().post(
        reverse("portal:register"), citizen_data(password=password, password_confirm=password)
    )
    assert response.status_code == 422
    assert "不能包含身份证号" in field_errors(response, "password")


def test_register_mismatched_confirmation(client_as):
    response = client_as().post(
        reverse("portal:register"), citizen_data(password_confirm=STRONG + "x")
    )
    assert response.status_code == 400
    assert "两次输入的密码不一致" in field_errors(response, "password_confirm")
    assert not User.objects.filter(username=NEW_ID).exists()


def test_register_missing_fields(client_as):
    response = client_as().post(reverse("portal:register"), {"kind": "citizen"})
    assert response.status_code == 400
    for field in ("name", "id_number", "phone", "password", "password_confirm"):
        assert field_errors(response, field), field
    assert 'aria-invalid="true"' in response.content.decode()


def test_register_bad_phone(client_as):
    response = client_as().post(reverse("portal:register"), citizen_data(phone="12345"))
    assert response.status_code == 422
    assert "手机号码" in field_errors(response, "phone")


def test_register_unknown_kind_falls_back_to_citizen(client_as):
    response = client_as().get(reverse("portal:register"), {"kind": "martian"})
    assert response.status_code == 200
    assert 'name="id_number"' in response.content.decode()


def test_check_id_number_fragment(client_as):
    client = client_as()
    url = reverse("portal:check_id_number")
    ok = client.post(url, {"id_number": NEW_ID}, headers={"HX-Request": "true"})
    assert ok.status_code == 200
    assert "格式正确" in ok.content.decode()
    bad = client.post(url, {"id_number": _bad_checksum(NEW_ID)})
    assert "校验位不正确" in bad.content.decode()
    assert client.post(url, {"id_number": ""}).content.decode().strip() == ""
    assert client.get(url, {"id_number": NEW_ID}).status_code == 405


# --- login and logout -------------------------------------------------------------------------


def login(client, username: str, password: str, **extra):
    return client.post(
        reverse("portal:login"), {"username": username, "password": password, **extra}
    )


def test_login_page_renders(client_as):
    response = client_as().get(reverse("portal:login"))
    assert response.status_code == 200
    assert "身份证号 / 统一社会信用代码 / 工作人员账号" in response.content.decode()


def test_citizen_login_lands_on_account(client_as, applicant, password):
    response = login(client_as(), applicant.username, password)
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:account")


def test_enterprise_login_lands_on_account(client_as, enterprise, password):
    response = login(client_as(), enterprise.username, password)
    assert response["Location"] == reverse("portal:account")


@pytest.mark.parametrize("persona", ["clerk", "supervisor", "admin_user"])
def test_staff_and_admin_login_land_on_workbench(client_as, persona, password, request):
    user = request.getfixturevalue(persona)
    response = login(client_as(), user.username, password)
    assert response.status_code == 302
    assert response["Location"] == reverse("workbench:home")


def test_login_honours_a_safe_next(client_as, applicant, password):
    response = login(client_as(), applicant.username, password, next="/directory/?region=1")
    assert response["Location"] == "/directory/?region=1"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example.com/",
        "//evil.example.com/path",
        "http://testserver.evil.example.com/",
        "javascript:alert(1)",
        "/\\evil.example.com",
    ],
)
def test_login_refuses_an_open_redirect(client_as, applicant, password, target):
    response = login(client_as(), applicant.username, password, next=target)
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:account")


def test_login_page_does_not_echo_an_unsafe_next(client_as):
    response = client_as().get(reverse("portal:login"), {"next": "https://evil.example.com/"})
    assert "evil.example.com" not in response.content.decode()


def test_login_wrong_password_says_nothing_more(client_as, applicant):
    wrong = login(client_as(), applicant.username, "Wrong#Pass2026")
    unknown = login(client_as(), "nobody", "Wrong#Pass2026")
    for response in (wrong, unknown):
        assert response.status_code == 400
        html = response.content.decode()
        assert "用户名或密码错误" in html
        assert response.wsgi_request.user.is_anonymous
    assert wrong.content.decode().count("用户名或密码错误") == 1


def test_login_empty_form(client_as):
    response = client_as().post(reverse("portal:login"), {})
    assert response.status_code == 400
    assert field_errors(response, "username")


def test_lockout_after_five_failures(client_as, applicant, password, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    client = client_as()
    statuses = [login(client, applicant.username, "Wrong#Pass2026").status_code for _ in range(4)]
    assert statuses == [400] * 4
    fifth = login(client, applicant.username, "Wrong#Pass2026")
    assert fifth.status_code == 429
    # Even the right password is refused while locked, from any client.
    locked = login(client_as(), applicant.username, password)
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "账户已临时锁定" in html
    assert "15 分钟后再试" in html
    assert locked.wsgi_request.user.is_anonymous


def test_logout_is_post_only(client_as, applicant):
    client = client_as(applicant)
    assert client.get(reverse("portal:logout")).status_code == 405
    assert client.get(reverse("portal:account")).status_code == 200
    response = client.post(reverse("portal:logout"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("portal:home")
    assert "您已安全退出" in response.content.decode()
    assert client.get(reverse("portal:account")).status_code == 302


@pytest.mark.django_db
def test_register_page_and_api_share_one_rate_limit(client, settings):
    from rest_framework.test import APIClient

    rates = dict(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], register="2/hour")
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    from rest_framework.settings import api_settings
    from rest_framework.throttling import SimpleRateThrottle

    api_settings.reload()
    SimpleRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
    try:
        api = APIClient()
        assert api.post("/api/v1/auth/register", {}, format="json").status_code == 400
        assert client.post("/register/", {"kind": "citizen"}).status_code == 400
        third = client.post("/register/", {"kind": "citizen"})
        assert third.status_code == 429
        assert "注册过于频繁" in third.content.decode()
        blocked = api.post("/api/v1/auth/register", {}, format="json")
        assert blocked.status_code == 429
        assert blocked.json()["error"]["code"] == "too_many_requests"
    finally:
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": dict(rates, register="30/hour"),
        }
        api_settings.reload()
        SimpleRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES

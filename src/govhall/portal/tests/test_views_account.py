"""My account: profile, password change, API tokens."""

from __future__ import annotations

import pytest
from django.urls import reverse

from govhall.accounts import services
from govhall.accounts.models import ApiToken

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Yao#Du2027xx"


def test_account_requires_login(client_as):
    response = client_as().get(reverse("portal:account"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('portal:login')}?next={reverse('portal:account')}"


@pytest.mark.parametrize("persona", ["applicant", "enterprise", "clerk", "admin_user"])
def test_account_renders_for_every_kind(client_as, persona, request):
    user = request.getfixturevalue(persona)
    response = client_as(user).get(reverse("portal:account"))
    assert response.status_code == 200
    html = response.content.decode()
    assert user.name in html
    assert user.username in html


def test_account_shows_own_identifiers_unmasked(client_as, applicant):
    html = client_as(applicant).get(reverse("portal:account")).content.decode()
    assert applicant.id_number in html
    assert applicant.phone in html


def test_account_lists_only_own_tokens(client_as, applicant, other_applicant):
    mine = services.token_issue(actor=applicant, name="手机应用")
    theirs = services.token_issue(actor=other_applicant, name="别人的令牌")
    html = client_as(applicant).get(reverse("portal:account")).content.decode()
    assert mine.record.prefix in html
    assert "手机应用" in html
    assert theirs.record.prefix not in html
    assert "别人的令牌" not in html
    assert mine.token not in html  # the raw token is never shown again


def test_revoke_own_token(client_as, applicant):
    issued = services.token_issue(actor=applicant, name="自助终端")
    client = client_as(applicant)
    url = reverse("portal:token_revoke", args=[issued.record.pk])
    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("portal:account")
    assert "已吊销" in response.content.decode()
    issued.record.refresh_from_db()
    assert issued.record.revoked_at is not None


def test_revoke_someone_elses_token_is_404(client_as, applicant, other_applicant):
    theirs = services.token_issue(actor=other_applicant)
    response = client_as(applicant).post(reverse("portal:token_revoke", args=[theirs.record.pk]))
    assert response.status_code == 404
    assert "您访问的页面不存在" in response.content.decode()
    theirs.record.refresh_from_db()
    assert theirs.record.revoked_at is None


def test_revoke_missing_token_is_404(client_as, applicant):
    response = client_as(applicant).post(reverse("portal:token_revoke", args=[999999]))
    assert response.status_code == 404


def test_revoke_is_post_only_and_needs_login(client_as, applicant):
    issued = services.token_issue(actor=applicant)
    url = reverse("portal:token_revoke", args=[issued.record.pk])
    assert client_as(applicant).get(url).status_code == 405
    anonymous = client_as().post(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("portal:login"))


def test_change_password_keeps_the_session_and_revokes_tokens(client_as, applicant, password):
    issued = services.token_issue(actor=applicant)
    client = client_as(applicant)
    response = client.post(
        reverse("portal:password_change"),
        {
            "old_password": password,
            "new_password": NEW_PASSWORD,
            "new_password_confirm": NEW_PASSWORD,
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("portal:account")
    assert "密码已修改" in response.content.decode()
    assert client.get(reverse("portal:account")).status_code == 200
    applicant.refresh_from_db()
    assert applicant.check_password(NEW_PASSWORD)
    assert ApiToken.objects.get(pk=issued.record.pk).revoked_at is not None


def test_change_password_wrong_old_password(client_as, applicant):
    response = client_as(applicant).post(
        reverse("portal:password_change"),
        {
            "old_password": "Not#The2026pw",
            "new_password": NEW_PASSWORD,
            "new_password_confirm": NEW_PASSWORD,
        },
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="id_old_password_error"' in html
    assert "原密码不正确" in html


def test_change_password_weak_new_password(client_as, applicant, password):
    response = client_as(applicant).post(
        reverse("portal:password_change"),
        {"old_password": password, "new_password": "abc", "new_password_confirm": "abc"},
    )
    assert response.status_code == 422
    assert 'id="id_new_password_error"' in response.content.decode()


def test_change_password_mismatch(client_as, applicant, password):
    response = client_as(applicant).post(
        reverse("portal:password_change"),
        {
            "old_password": password,
            "new_password": NEW_PASSWORD,
            "new_password_confirm": NEW_PASSWORD + "!",
        },
    )
    assert response.status_code == 400
    assert "两次输入的密码不一致" in response.content.decode()


def test_change_password_needs_login_and_post(client_as, applicant):
    assert client_as().post(reverse("portal:password_change")).status_code == 302
    assert client_as(applicant).get(reverse("portal:password_change")).status_code == 405

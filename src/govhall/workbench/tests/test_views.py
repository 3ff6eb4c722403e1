"""Workbench access and pages, persona by persona."""

from __future__ import annotations

import pytest
from django.urls import reverse

from govhall.accounts.tests.factories import StaffFactory
from govhall.core.identifiers import mask_phone
from govhall.workbench import frame

pytestmark = pytest.mark.django_db


def staff_url(department_id: int) -> str:
    return reverse("workbench:department_staff", args=[department_id])


# --- who may enter ----------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client_as, clerk):
    for url in (reverse("workbench:home"), staff_url(clerk.department_id)):
        response = client_as().get(url)
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('portal:login')}?next={url}"


@pytest.mark.parametrize("persona", ["applicant", "enterprise"])
def test_citizens_and_enterprises_are_refused(client_as, persona, request, clerk):
    user = request.getfixturevalue(persona)
    client = client_as(user)
    for url in (reverse("workbench:home"), staff_url(clerk.department_id)):
        response = client.get(url)
        assert response.status_code == 403
        assert "您没有权限访问此页面" in response.content.decode()


@pytest.mark.parametrize(
    "persona", ["clerk", "reviewer", "approver", "other_clerk", "supervisor", "admin_user"]
)
def test_staff_and_admins_enter(client_as, persona, request, no_missing_calendar):
    response = client_as(request.getfixturevalue(persona)).get(reverse("workbench:home"))
    assert response.status_code == 200


# --- the frame --------------------------------------------------------------------------------


def test_clerk_sees_department_and_post(client_as, clerk, no_missing_calendar):
    html = client_as(clerk).get(reverse("workbench:home")).content.decode()
    assert "亳州市住房和城乡建设局" in html
    assert "我的岗位" in html
    assert '<li class="badge">受理</li>' in html
    assert f'href="{staff_url(clerk.department_id)}"' in html
    assert "本部门人员" in html


def test_sidebar_hides_features_that_do_not_exist_or_are_not_for_the_actor(
    client_as, clerk, no_missing_calendar
):
    html = client_as(clerk).get(reverse("workbench:home")).content.decode()
    for entry in frame.WORKBENCH_NAV:
        shown = entry.url is not None and entry.visible_to(clerk)
        assert (str(entry.label) in html) == shown, entry.url_name
    assert "事项清单管理" not in html  # a 受理 clerk does not manage the catalog


def test_sidebar_offers_the_catalog_to_catalog_administrators(
    client_as, housing_department, no_missing_calendar
):
    from govhall.accounts.tests.factories import StaffFactory

    editor = StaffFactory(
        username="zjj_cat", department=housing_department, posts=["catalog_admin"]
    )
    html = client_as(editor).get(reverse("workbench:home")).content.decode()
    assert "事项清单管理" in html and 'href="/catalog/manage/"' in html


@pytest.mark.urls("govhall.portal.tests.urls_with_features")
def test_sidebar_shows_features_once_they_exist(client_as, clerk, no_missing_calendar):
    html = client_as(clerk).get(reverse("workbench:home")).content.decode()
    assert 'href="/feature-stubs/cases/tasks/"' in html
    assert "我的待办" in html
    assert "办件查询" not in html


def test_admin_sees_calendar_banner(client_as, admin_user, missing_2027):
    html = client_as(admin_user).get(reverse("workbench:home")).content.decode()
    assert "2027年工作日历尚未导入" in html
    assert 'href="/admin/core/calendaryear/"' in html
    assert 'role="alert"' in html


def test_admin_banner_lists_every_missing_year(client_as, admin_user, monkeypatch):
    monkeypatch.setattr(frame, "calendar_missing_years", lambda: [2027, 2028])
    html = client_as(admin_user).get(reverse("workbench:home")).content.decode()
    assert "2027、2028年工作日历尚未导入" in html


def test_no_banner_when_calendar_complete(client_as, admin_user, no_missing_calendar):
    html = client_as(admin_user).get(reverse("workbench:home")).content.decode()
    assert "工作日历尚未导入" not in html


def test_staff_never_see_the_calendar_banner(client_as, clerk, supervisor, missing_2027):
    for user in (clerk, supervisor):
        html = client_as(user).get(reverse("workbench:home")).content.decode()
        assert "工作日历尚未导入" not in html


def test_banner_uses_the_real_calendar(client_as, admin_user):
    """Without a stub: whatever ``govhall.core.calendar`` says is missing is announced."""
    missing = frame.calendar_missing_years()
    html = client_as(admin_user).get(reverse("workbench:home")).content.decode()
    for year in missing:
        assert f"{year}" in html
    assert ("工作日历尚未导入" in html) == bool(missing)


def test_admin_home_lists_departments(client_as, admin_user, clerk, other_clerk):
    html = client_as(admin_user).get(reverse("workbench:home")).content.decode()
    assert f'href="{staff_url(clerk.department_id)}"' in html
    assert f'href="{staff_url(other_clerk.department_id)}"' in html
    assert reverse("admin:index") in html


# --- 本部门人员 -------------------------------------------------------------------------------


def test_clerk_sees_own_department_staff(client_as, clerk, reviewer, approver, other_clerk):
    reviewer.phone = "13912345678"
    reviewer.save()
    response = client_as(clerk).get(staff_url(clerk.department_id))
    assert response.status_code == 200
    html = response.content.decode()
    for member in (clerk, reviewer, approver):
        assert member.username in html
    assert other_clerk.username not in html
    assert "审核" in html and "审批" in html
    assert "13912345678" not in html
    assert mask_phone("13912345678") in html
    # One's own phone is not masked.
    assert clerk.phone in html
    assert "本人" in html


def test_other_departments_staff_page_is_404(client_as, clerk, other_clerk):
    response = client_as(other_clerk).get(staff_url(clerk.department_id))
    assert response.status_code == 404
    assert clerk.username not in response.content.decode()


def test_missing_department_is_404(client_as, clerk):
    assert client_as(clerk).get(staff_url(999999)).status_code == 404


def test_admin_sees_any_departments_staff(client_as, admin_user, clerk, other_clerk):
    client = client_as(admin_user)
    for member in (clerk, other_clerk):
        response = client.get(staff_url(member.department_id))
        assert response.status_code == 200
        assert member.username in response.content.decode()


def test_phones_masked_for_admin_too(client_as, admin_user, housing_department):
    StaffFactory(username="zjj_x", department=housing_department, phone="13700001111")
    html = client_as(admin_user).get(staff_url(housing_department.pk)).content.decode()
    assert "13700001111" not in html
    assert "137****1111" in html

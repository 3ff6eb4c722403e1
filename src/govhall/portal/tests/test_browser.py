"""End-to-end in the system Chromium: registration, logout/login, workbench, htmx, layout.

Screenshots of the home page (390 px and 1280 px wide) and a few other pages are written to
<tmp>/govhall-screens/ for a person to look at.
"""

from __future__ import annotations

import pytest

from govhall.core.identifiers import id_number_with_check
from govhall.tests.browser import SCREENS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("flushed_db_posts"),
]

NEW_ID = id_number_with_check("34160220020315456")
NEW_PASSWORD = "Bo#Zhou2026ok"


def test_citizen_registers_logs_out_and_logs_in_again(page_for, live_server):
    from playwright.sync_api import expect

    page = page_for(390, 844)
    page.goto(f"{live_server.url}/register/")
    form = page.locator("main form")
    form.get_by_label("姓名").fill("周九")
    form.get_by_label("身份证号").fill(NEW_ID)
    form.get_by_label("手机号码").focus()  # leaving the field triggers the htmx check
    expect(page.locator("#id_number_check")).to_contain_text("身份证号格式正确")
    form.get_by_label("手机号码").fill("13955880000")
    form.locator("#id_password").fill(NEW_PASSWORD)
    form.locator("#id_password_confirm").fill(NEW_PASSWORD)
    page.screenshot(path=SCREENS / "register-390.png", full_page=True)
    form.get_by_role("button", name="注册").click()

    expect(page).to_have_url(f"{live_server.url}/account/")
    expect(page.get_by_role("status")).to_contain_text("注册成功")
    expect(page.locator("main")).to_contain_text(NEW_ID)
    page.screenshot(path=SCREENS / "account-390.png", full_page=True)

    page.get_by_role("button", name="退出").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("status")).to_contain_text("您已安全退出")

    page.get_by_role("link", name="登录").click()
    page.get_by_label("用户名").fill(NEW_ID.lower())
    page.get_by_label("密码").fill(NEW_PASSWORD)
    page.locator("main form").get_by_role("button", name="登录").click()
    expect(page).to_have_url(f"{live_server.url}/account/")
    expect(page.locator("header")).to_contain_text("您好,周九")


def test_registration_errors_show_at_the_fields(page_for, live_server):
    from playwright.sync_api import expect

    page = page_for()
    page.goto(f"{live_server.url}/register/")
    form = page.locator("main form")
    bad = NEW_ID[:-1] + ("0" if NEW_ID[-1] != "0" else "1")
    form.get_by_label("姓名").fill("周九")
    form.get_by_label("身份证号").fill(bad)
    form.get_by_label("手机号码").fill("13955880000")
    form.locator("#id_password").fill(NEW_PASSWORD)
    form.locator("#id_password_confirm").fill(NEW_PASSWORD)
    form.get_by_role("button", name="注册").click()
    expect(page.locator("#id_id_number_error")).to_contain_text("校验位不正确")
    expect(page.get_by_label("身份证号")).to_have_attribute("aria-invalid", "true")


def test_staff_member_logs_in_to_the_workbench(page_for, live_server, clerk, password):
    from playwright.sync_api import expect

    page = page_for()
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill(clerk.username)
    page.get_by_label("密码").fill(password)
    page.locator("main form").get_by_role("button", name="登录").click()
    expect(page).to_have_url(f"{live_server.url}/workbench/")
    sidebar = page.locator("aside")
    expect(sidebar).to_contain_text("亳州市住房和城乡建设局")
    expect(sidebar).to_contain_text("受理")
    page.screenshot(path=SCREENS / "workbench-1280.png", full_page=True)
    sidebar.get_by_role("link", name="本部门人员").click()
    expect(page.locator("main table")).to_contain_text(clerk.username)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=SCREENS / "workbench-staff-390.png", full_page=True)


def test_admin_sees_the_calendar_banner(page_for, live_server, admin_user, password, monkeypatch):
    from playwright.sync_api import expect

    monkeypatch.setattr("govhall.workbench.frame.calendar_missing_years", lambda: [2027])
    page = page_for()
    page.goto(f"{live_server.url}/login/?next=/workbench/")
    page.get_by_label("用户名").fill(admin_user.username)
    page.get_by_label("密码").fill(password)
    page.locator("main form").get_by_role("button", name="登录").click()
    expect(page).to_have_url(f"{live_server.url}/workbench/")
    banner = page.get_by_role("alert")
    expect(banner).to_contain_text("2027年工作日历尚未导入")
    expect(banner.get_by_role("link")).to_have_attribute("href", "/admin/core/calendaryear/")
    page.screenshot(path=SCREENS / "workbench-admin-1280.png", full_page=True)


def test_directory_filter_works_with_htmx(page_for, live_server, directory):
    from playwright.sync_api import expect

    page = page_for(390, 844)
    page.goto(f"{live_server.url}/directory/")
    results = page.locator("#directory-results")
    expect(results).to_contain_text("亳州市政务服务中心")
    page.get_by_label("所在区划").select_option("341602001000")
    expect(results).not_to_contain_text("亳州市政务服务中心")
    expect(results).to_contain_text("花戏楼街道便民服务中心")
    expect(page).to_have_url(f"{live_server.url}/directory/?region=341602001000")
    page.screenshot(path=SCREENS / "directory-390.png", full_page=True)


def _missing_home_features() -> int:
    from govhall.portal.navigation import optional_url
    from govhall.portal.tests.test_views_pages import HOME_FEATURES

    return sum(optional_url(name) is None for name in HOME_FEATURES)


@pytest.mark.parametrize("width", [390, 1280])
def test_home_page_layout(page_for, live_server, directory, width):
    from playwright.sync_api import expect

    page = page_for(width, 900)
    page.goto(f"{live_server.url}/")
    cards = page.locator(".entry-card")
    expect(cards).to_have_count(5)
    expect(page.locator(".entry-card[aria-disabled=true]")).to_have_count(_missing_home_features())
    # Nothing is wider than the window (no sideways scrolling on a phone).
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    # The skip link is the first thing a keyboard reaches and becomes visible.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="跳到主要内容")
    expect(skip).to_be_focused()
    assert skip.bounding_box()["y"] >= 0
    page.keyboard.press("Escape")
    page.mouse.click(1, 1)
    page.screenshot(path=SCREENS / f"home-{width}.png", full_page=True)


@pytest.mark.urls("govhall.portal.tests.urls_with_features")
def test_home_page_with_a_feature_open(page_for, live_server, directory):
    """Once an app provides ``cases:progress`` its card is a working link."""
    from playwright.sync_api import expect

    page = page_for(1280, 900)
    page.goto(f"{live_server.url}/")
    expect(page.locator(".entry-card[aria-disabled=true]")).to_have_count(_missing_home_features())
    card = page.get_by_role("link", name="进度查询 凭办件编号,查询办理进度和结果")
    page.screenshot(path=SCREENS / "home-feature-1280.png", full_page=True)
    card.click()
    expect(page).to_have_url(f"{live_server.url}/feature-stubs/cases/progress/")
